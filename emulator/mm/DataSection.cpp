// Data sections (NT: the control area and prototype PTEs of a data file or of pagefile-backed
// shared memory) and the mapping objects that hold them: the journaled stores, creating, growing
// and deleting a section, its commit charge, a file page's write-back (FlushViewOfFile, closing,
// eviction) and what a page reads as without faulting. The Win32 calls that create mappings and
// views are in mm/FileMapping.cpp; a data section's page faults go through Segment.
#include <algorithm>

#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

// ---------------------------------------------------------------------------------------------
// Objects: journaled stores

std::optional<uint32_t> MemoryManager::find_data_section(uint32_t file) const {
    for (const DataSection& s : m_data_sections)
        if (s.alive && s.kind == DataSectionKind::File && s.file == file) return s.id;
    return std::nullopt;
}

uint32_t MemoryManager::initial_data_proto(const DataSection& s, uint32_t page) const {
    if (s.kind == DataSectionKind::File) return SoftwarePte::in_file(page, s.mm_protection);
    return s.reserve ? 0u : SoftwarePte::demand_zero(s.mm_protection);
}

void MemoryManager::put_mapping(const MappingObject& m) {
    const bool create = m.id == m_mappings.size();
    PL_CHECK(m.id <= m_mappings.size());
    if (m_journal.enabled()) {
        uint64_t before = core::kNoBlob;
        if (!create) {
            m_mapping_blobs.push_back(m_mappings[m.id]);
            before = m_mapping_blobs.size() - 1;
        }
        m_mapping_blobs.push_back(m);
        m_journal.record(core::Store::Object, uint8_t(ObjectField::Mapping), m.id, before, m_mapping_blobs.size() - 1);
    }
    if (create) m_mappings.push_back(m);
    else m_mappings[m.id] = m;
}

void MemoryManager::put_data_section(const DataSection& s) {
    const bool create = s.id == m_data_sections.size();
    PL_CHECK(s.id <= m_data_sections.size() && s.pages <= kDataProtoStride);
    if (m_journal.enabled()) {
        uint64_t before = core::kNoBlob;
        if (!create) {
            m_data_section_blobs.push_back(m_data_sections[s.id]);
            before = m_data_section_blobs.size() - 1;
        }
        m_data_section_blobs.push_back(s);
        m_journal.record(core::Store::Object, uint8_t(ObjectField::DataSection), s.id, before,
                         m_data_section_blobs.size() - 1);
    }
    if (create) {
        m_data_sections.push_back(s);
        m_data_protos.emplace_back();
    } else {
        m_data_sections[s.id] = s;
    }
    auto& protos = m_data_protos[s.id];
    for (uint32_t page = uint32_t(protos.size()); page < s.pages; ++page) protos.push_back(initial_data_proto(s, page));
}

void MemoryManager::apply_object(const core::Change& c, bool forward) {
    const uint64_t v = forward ? c.after : c.before;
    switch (ObjectField(c.field)) {
        case ObjectField::Mapping:
            if (v == core::kNoBlob) {
                PL_CHECK(m_mappings.size() == size_t(c.target) + 1);
                m_mappings.pop_back();
            } else if (c.target == m_mappings.size()) {
                m_mappings.push_back(m_mapping_blobs[v]);
            } else {
                m_mappings[c.target] = m_mapping_blobs[v];
            }
            break;
        default:
            if (v == core::kNoBlob) {
                PL_CHECK(m_data_sections.size() == size_t(c.target) + 1);
                m_data_sections.pop_back();
                m_data_protos.pop_back();
            } else {
                const DataSection& s = m_data_section_blobs[v];
                if (c.target == m_data_sections.size()) {
                    m_data_sections.push_back(s);
                    m_data_protos.emplace_back();
                } else {
                    m_data_sections[c.target] = s;
                }
                // Growing makes fresh prototype PTEs; undoing a growth drops them (their values
                // were restored to the initial ones by the Proto changes undone before).
                auto& protos = m_data_protos[c.target];
                if (protos.size() > s.pages) protos.resize(s.pages);
                for (uint32_t page = uint32_t(protos.size()); page < s.pages; ++page) protos.push_back(initial_data_proto(s, page));
            }
            break;
    }
}

// ---------------------------------------------------------------------------------------------
// Data sections

uint32_t MemoryManager::create_data_section(DataSectionKind kind, uint32_t file, uint32_t pages, uint32_t mm_prot,
                                            bool reserve) {
    DataSection s;
    s.id = uint32_t(m_data_sections.size());
    PL_CHECK(s.id < kMaxDataSections);
    s.kind = kind;
    s.file = file;
    s.pages = pages;
    s.mm_protection = mm_prot;
    s.reserve = reserve;
    s.mappings = 0;
    const uint32_t committed = kind == DataSectionKind::Pagefile && !reserve ? pages : 0;
    event(EventKind::DataSectionCreated, kNoSpace, s.id, pages, file == kNoFile ? kNoString : intern(m_disk.files()[file].path),
          committed);
    put_data_section(s);
    // A committed pagefile-backed section is charged in full when it is made (NT charges the
    // whole segment); SEC_RESERVE charges a page when it is committed.
    if (committed) add(Counter::CommitCharge, committed);
    return s.id;
}

void MemoryManager::grow_data_section(uint32_t section, uint32_t pages) {
    DataSection s = m_data_sections[section];
    if (pages <= s.pages) return;
    event(EventKind::DataSectionGrown, kNoSpace, section, s.pages, pages,
          s.file == kNoFile ? kNoString : intern(m_disk.files()[s.file].path));
    s.pages = pages;
    put_data_section(s);
}

uint64_t MemoryManager::data_section_charge() const {
    uint64_t n = 0;
    for (const DataSection& s : m_data_sections) {
        if (!s.alive || s.kind != DataSectionKind::Pagefile) continue;
        if (!s.reserve) n += s.pages;
        else
            for (uint32_t p : m_data_protos[s.id]) n += p != 0;
    }
    return n;
}

void MemoryManager::mapping_ref(uint32_t mapping, int handles, int views) {
    MappingObject m = m_mappings[mapping];
    const bool had_name = m.handles > 0 && !m.name.empty();
    m.handles = uint32_t(int64_t(m.handles) + handles);
    const bool name_goes = had_name && m.handles == 0;
    m.views = uint32_t(int64_t(m.views) + views);
    const bool dies = !m.alive();
    put_mapping(m);
    if (!dies) {
        // The name lives while a handle does; the views keep the object itself.
        if (name_goes) event(EventKind::MappingNameGone, kNoSpace, mapping, intern(m.name), m.views);
        return;
    }
    if (m.image()) {
        // An image section lives on by its own views (and the loader's): nothing else goes.
        event(EventKind::MappingDeleted, kNoSpace, mapping, m.name.empty() ? kNoString : intern(m.name), name_goes);
        return;
    }
    DataSection s = m_data_sections[m.section];
    --s.mappings;
    put_data_section(s);
    event(EventKind::MappingDeleted, kNoSpace, mapping, m.name.empty() ? kNoString : intern(m.name), name_goes);
    if (s.mappings == 0) delete_data_section(s.id);
}

bool MemoryManager::page_is_dirty(uint32_t frame) const {
    if (m_pfn[frame].flags & PfnEntry::kModified) return true;
    for (const auto& [space, pa] : section_mappings(frame))
        if (m_ram.read_u32(pa) & Pte::kDirty) return true;
    return false;
}

bool MemoryManager::write_back(uint32_t frame, WriteBack why) {
    const uint32_t index = m_pfn[frame].proto_index().raw();
    const DataSection& s = m_data_sections[data_proto_section(index)];
    if (s.kind != DataSectionKind::File || !page_is_dirty(frame)) return false;
    const uint32_t page = data_proto_page(index);
    const uint64_t at = uint64_t(page) << 12;
    event(EventKind::FilePageWritten, kNoSpace, frame, uint32_t(at), intern(m_disk.files()[s.file].path), uint32_t(why));
    // Only the bytes inside the file go to it (the last page of a file is partly past its end).
    const uint64_t size = m_disk.files()[s.file].bytes.size();
    if (at < size) file_store(s.file, at, m_ram.content(frame).data(), uint32_t(std::min<uint64_t>(0x1000, size - at)));
    add(Counter::FileWrites);
    for (const auto& [space, pa] : section_mappings(frame)) {
        const uint32_t pte = m_ram.read_u32(pa);
        if (!(pte & Pte::kDirty)) continue;
        write_pte(pa, pte & ~Pte::kDirty);
        invalidate_page(space, va_of_pte(pa));
    }
    m_pfn.set_modified(frame, false);
    return true;
}

void MemoryManager::delete_data_section(uint32_t section) {
    const DataSection s = m_data_sections[section];
    PL_CHECK(s.alive && s.mappings == 0 && s.views == 0);
    // A file's dirty pages reach it before the section lets go of them.
    if (s.kind == DataSectionKind::File)
        for (uint32_t page = 0; page < s.pages; ++page)
            if (const uint32_t p = prototype(data_proto_index(section, page)); p & Pte::kPresent) write_back(p >> 12, WriteBack::Close);
    uint32_t frames = 0;
    for (uint32_t page = 0; page < s.pages; ++page) frames += (prototype(data_proto_index(section, page)) & Pte::kPresent) != 0;
    event(EventKind::DataSectionDeleted, kNoSpace, section, frames, s.file == kNoFile ? kNoString : intern(m_disk.files()[s.file].path));
    const uint64_t charge = s.kind == DataSectionKind::Pagefile
                                ? (s.reserve ? uint64_t(std::count_if(m_data_protos[section].begin(), m_data_protos[section].end(),
                                                                      [](uint32_t p) { return p != 0; }))
                                             : s.pages)
                                : 0;
    for (uint32_t page = 0; page < s.pages; ++page) {
        const uint32_t index = data_proto_index(section, page);
        const uint32_t p = prototype(index);
        uint32_t sw = p;
        if (p & Pte::kPresent) {
            sw = m_pfn[p >> 12].original_pte;
            release_frame(p >> 12);
        }
        if (s.kind == DataSectionKind::Pagefile && SoftwarePte::kind(sw) == PteKind::Pagefile)
            m_pagefile.release(SoftwarePte::slot(sw));
        set_proto(index, initial_data_proto(s, page));
    }
    if (charge) add(Counter::CommitCharge, -int64_t(charge));
    DataSection dead = s;
    dead.alive = false;
    put_data_section(dead);
}

std::optional<uint8_t> MemoryManager::peek_data_prototype(uint32_t index, uint32_t offset) const {
    const uint32_t section = data_proto_section(index), page = data_proto_page(index);
    if (section >= m_data_sections.size() || page >= m_data_protos[section].size()) return std::nullopt;
    const DataSection& s = m_data_sections[section];
    const uint32_t p = m_data_protos[section][page];
    if (p & Pte::kPresent) return m_ram.content(p >> 12).data()[offset & 0xFFF];
    if (s.kind == DataSectionKind::Pagefile) {
        if (p == 0) return std::nullopt;  // reserved
        if (SoftwarePte::kind(p) == PteKind::Pagefile) return m_pagefile.content(SoftwarePte::slot(p)).data()[offset & 0xFFF];
        return uint8_t(0);
    }
    const auto& bytes = m_disk.files()[s.file].bytes;
    const uint64_t at = (uint64_t(page) << 12) + (offset & 0xFFF);
    return at < bytes.size() ? bytes[at] : uint8_t(0);
}

}  // namespace pagelab::mm
