// Segment (NT: the segment and its prototype PTEs, shared by image and data sections): one place
// for what a prototype PTE means whatever section it belongs to — the word behind an index
// (prototype, set_proto), resolving one page of a section into a frame (resolve_section_page:
// a soft fault onto the frame already there, or a frame filled from the pagefile, with zeros or
// from the file) and which process PTEs map a section's frame (section_mappings, what Clock's
// second chance and PageOut's evictions ask). Image sections number their prototype PTEs from 0,
// data sections from kDataProtoBase (mm/Numbers.h, ProtoIndex).
#include "mm/Invariants.h"
#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

bool MemoryManager::prototype_exists(uint32_t index) const {
    const ProtoIndex i = ProtoIndex::from_raw(index);
    if (i.is_data()) return i.data_section() < m_data_protos.size() && i.data_page() < m_data_protos[i.data_section()].size();
    return index < m_protos.size();
}

uint32_t& MemoryManager::prototype_word(uint32_t index) {
    const ProtoIndex i = ProtoIndex::from_raw(index);
    return i.is_data() ? m_data_protos[i.data_section()][i.data_page()] : m_protos[index];
}

uint32_t MemoryManager::prototype(uint32_t index) const {
    const ProtoIndex i = ProtoIndex::from_raw(index);
    return i.is_data() ? m_data_protos[i.data_section()][i.data_page()] : m_protos[index];
}

void MemoryManager::set_proto(uint32_t index, uint32_t value) {
    uint32_t& word = prototype_word(index);
    m_journal.record(core::Store::Proto, 0, index, word, value);
    word = value;
}

// Where a section page that is not in memory comes from.
MemoryManager::SectionPageSource MemoryManager::section_page_source(ProtoIndex index, uint32_t proto) const {
    const bool in_pagefile = SoftwarePte::kind(proto) == PteKind::Pagefile;
    if (!index.is_data()) {
        const ImageSection& sec = section_of_proto(index.raw());
        const bool zero = !in_pagefile && sec.pages[index.raw() - sec.first_proto].file_bytes == 0;
        return SectionPageSource{FrameUse::Image, in_pagefile, zero};
    }
    const bool backed_by_pagefile = m_data_sections[index.data_section()].kind == DataSectionKind::Pagefile;
    return SectionPageSource{backed_by_pagefile ? FrameUse::PagefileSection : FrameUse::File,
                             backed_by_pagefile && in_pagefile, backed_by_pagefile && !in_pagefile};
}

// The hard fault's read of a section page from its file (an image's page: its file bytes, the
// rest zero; a data file's: the 4 KB chunk of the file, zero past its end).
FaultKind MemoryManager::read_section_page(uint16_t space, uint32_t va, uint32_t frame, ProtoIndex index) {
    if (!index.is_data()) {
        const ImageSection& sec = section_of_proto(index.raw());
        const ImagePage& pg = sec.pages[index.raw() - sec.first_proto];
        event(EventKind::ImageRead, space, va, frame, pg.file_offset, intern(m_disk.files()[sec.file].path));
        add(Counter::HardFaults);
        add(Counter::FileReads);
        core::PageRef content = core::PageRef::zeroed();
        const std::vector<uint8_t>& bytes = sec.bytes ? *sec.bytes : m_disk.files()[sec.file].bytes;
        uint8_t* d = content.mutable_data();
        for (uint32_t i = 0; i < pg.file_bytes && size_t(pg.file_offset) + i < bytes.size(); ++i) d[i] = bytes[pg.file_offset + i];
        m_ram.set_content(frame, content);
        return FaultKind::ImageRead;
    }
    const DataSection& s = m_data_sections[index.data_section()];
    const uint32_t page = index.data_page();
    event(EventKind::FilePageRead, space, va, frame, page << 12, intern(m_disk.files()[s.file].path));
    add(Counter::HardFaults);
    add(Counter::FileReads);
    m_ram.set_content(frame, file_chunk(s.file, page));
    return FaultKind::FileRead;
}

FaultOutcome MemoryManager::resolve_section_page(uint16_t space, uint32_t va, uint32_t pte_address, ProtoIndex index,
                                                 uint32_t prot) {
    const uint32_t proto = prototype(index.raw());
    auto map_shared = [&](uint32_t frame) {
        m_pfn.set_share_count(frame, m_pfn[frame].share_count + 1);
        write_pte(pte_address, valid_pte_bits(frame, prot));
    };
    if (proto & Pte::kPresent) {
        const uint32_t frame = proto >> 12;
        event(EventKind::PrototypeSoftFault, space, va, frame, m_pfn[frame].share_count + 1u);
        add(Counter::SoftFaults);
        map_shared(frame);
        return FaultOutcome{AccessStatus::Ok, FaultKind::Soft, AvReason::NoRegion};
    }
    const SectionPageSource source = section_page_source(index, proto);
    const uint32_t frame = obtain_frame(source.zero ? Need::Zeroed : Need::Any, space);
    if (frame == kNoFrame) return no_frame(space, va);
    FaultKind kind;
    if (source.from_pagefile) {
        read_from_pagefile(space, va, frame, SoftwarePte::slot(proto));
        kind = FaultKind::PagefileRead;
    } else if (source.zero) {
        event(EventKind::DemandZero, space, va, frame);
        add(Counter::DemandZeroFaults);
        kind = FaultKind::DemandZero;
    } else {
        kind = read_section_page(space, va, frame, index);
    }
    adopt_section_frame(frame, source.use, index, proto);
    map_shared(frame);
    return FaultOutcome{AccessStatus::Ok, kind, AvReason::NoRegion};
}

FrameMappings MemoryManager::section_mappings(uint32_t frame) const {
    const ProtoIndex index = m_pfn[frame].proto_index();
    // The views that can map it: an image's (of the whole section, from its first page) or a
    // data section's (of a window of it, from offset_page).
    const bool image = m_pfn[frame].use == FrameUse::Image;
    const VadType type = image ? VadType::Image : VadType::Mapped;
    uint32_t section, page;
    if (image) {
        const ImageSection& sec = section_of_proto(index.raw());
        section = sec.id;
        page = index.raw() - sec.first_proto;
    } else {
        section = index.data_section();
        page = index.data_page();
    }
    FrameMappings out;
    auto look = [&](SpaceId id, const Vad& v) {
        if (v.type != type || v.section != section) return;
        const uint32_t first = image ? 0 : v.offset_page;
        if (!image && (page < first || page - first >= v.end_vpn - v.start_vpn)) return;
        const uint32_t pte_address = pte_address_of(id, (v.start_vpn + (page - first)) << 12);
        if (!pte_address) return;
        const uint32_t pte = m_ram.read_u32(pte_address);
        if ((pte & Pte::kPresent) && (pte >> 12) == frame) out.emplace_back(id, pte_address);
    };
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive())
            for (const auto& [k, v] : sp.vads()) look(sp.id(), v);
    // A win95 shared-arena view has one PTE, in a shared table, for every process: found once.
    for (const auto& [k, v] : m_shared.vads()) look(kSharedArena, v);
    return out;
}

void MemoryManager::unmap_view_page(uint16_t space, uint32_t va, bool image) {
    unlock_view_page(space, va);  // the view's locked pages are unlocked with it (and at exit)
    const uint32_t pte_address = pte_address_of(space, va);
    if (!pte_address) return;
    const uint32_t pte = m_ram.read_u32(pte_address);
    const PteKind k = SoftwarePte::kind(pte);
    if (k == PteKind::Valid && (image ? m_pfn[pte >> 12].use == FrameUse::Image : is_section_use(m_pfn[pte >> 12].use))) {
        // The section keeps the page; what this view wrote is remembered in the frame.
        const uint32_t frame = pte >> 12;
        if (pte & Pte::kDirty) m_pfn.set_modified(frame, true);
        invalidate_page(space, va);
        write_pte(pte_address, 0);
        m_pfn.set_share_count(frame, m_pfn[frame].share_count - 1);
    } else if (k == PteKind::Prototype || k == PteKind::Zero) {
        write_pte(pte_address, 0);
    } else {
        free_page(space, va, false);  // a private (copy-on-write) copy: frame or slot, and its charge
    }
}

// ----- Invariants -----

std::optional<uint32_t> MemoryManager::proto_of(const Vad& v, uint32_t vpn) const {
    if (v.type == VadType::Mapped) return view_proto(v, vpn);
    if (v.type == VadType::Image && v.section < m_sections.size()) return m_sections[v.section].first_proto + (vpn - v.start_vpn);
    return std::nullopt;
}

// A section's frames are active, on the active list, mapped by as many PTEs as their share count
// (the tally of PageTables::check) and named by their own prototype PTE; a prototype PTE that
// names a frame is named back; a section nobody maps holds no frame and no slot.
void MemoryManager::check_sections(InvariantReport& report) const {
    const uint32_t n = m_pfn.size();
    for (uint32_t f = 0; f < n; ++f) {
        const PfnEntry& e = m_pfn[f];
        if (e.state != FrameState::Active || !is_section_use(e.use)) continue;
        if (report.valid_maps[f] != e.share_count)
            report.fail("section frame 0x%X is mapped by %u PTEs (share count %u)", f, report.valid_maps[f], e.share_count);
        if (e.list != FrameList::Active) report.fail("section frame 0x%X is not on the active list", f);
        const ProtoIndex index = e.proto_index();
        const bool index_ok = (e.use != FrameUse::Image) == index.is_data() && prototype_exists(index.raw());
        if (!index_ok || prototype(index.raw()) >> 12 != f) report.fail("section frame 0x%X's prototype PTE does not point at it", f);
        if (SoftwarePte::kind(e.original_pte) == PteKind::Pagefile) ++report.slot_refs[SoftwarePte::slot(e.original_pte)];
    }
    for (const ImageSection& sec : m_sections) {
        for (uint32_t i = 0; i < sec.pages_count(); ++i) {
            const uint32_t p = m_protos[sec.first_proto + i];
            if (p & Pte::kPresent) {
                const uint32_t f = p >> 12;
                if (f >= n || m_pfn[f].use != FrameUse::Image || !m_pfn[f].points_at_proto(ProtoIndex::image(sec.first_proto + i)))
                    report.fail("prototype PTE %u points at frame 0x%X, which is not its image frame", sec.first_proto + i, f);
            } else if (SoftwarePte::kind(p) == PteKind::Pagefile) {
                ++report.slot_refs[SoftwarePte::slot(p)];
            }
            if (m_section_views[sec.id] == 0 && p != SoftwarePte::in_file(i, sec.pages[i].mm_protection))
                report.fail("section %u is mapped nowhere but its prototype PTE %u is 0x%08X", sec.id, i, p);
        }
    }
    for (const DataSection& s : m_data_sections) {
        const auto& protos = m_data_protos[s.id];
        if (protos.size() != s.pages)
            report.fail("data section %u has %u prototype PTEs but says %u pages", s.id, uint32_t(protos.size()), s.pages);
        for (uint32_t page = 0; page < protos.size(); ++page) {
            const uint32_t p = protos[page];
            if (!s.alive && p != initial_data_proto(s, page))
                report.fail("data section %u is gone but its prototype PTE %u is 0x%08X", s.id, page, p);
            if (p & Pte::kPresent) {
                const uint32_t f = p >> 12;
                const FrameUse want = s.kind == DataSectionKind::File ? FrameUse::File : FrameUse::PagefileSection;
                if (f >= n || m_pfn[f].use != want || !m_pfn[f].points_at_proto(ProtoIndex::data(s.id, page)))
                    report.fail("data section %u's page %u points at frame 0x%X, which is not its frame", s.id, page, f);
            } else if (s.kind == DataSectionKind::Pagefile && SoftwarePte::kind(p) == PteKind::Pagefile) {
                ++report.slot_refs[SoftwarePte::slot(p)];
                if (!m_pagefile.in_use(SoftwarePte::slot(p))) report.fail("data section %u's page %u is in a free pagefile slot", s.id, page);
            }
        }
    }
}

}  // namespace pagelab::mm
