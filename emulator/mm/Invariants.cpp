// MemoryManager::check_invariants: every promise the model makes, checked at an event boundary.
// Each part checks its own state; the checks here span parts: every PTE of every page table
// against the VADs, the PFN database, the prototype PTEs and the pagefile; every frame against the
// PTEs that map it; the objects (handles, mapping objects, views, data sections) against each
// other; who refers to each pagefile slot; the commit charge.
#include <cstdio>

#include "mm/Invariants.h"
#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

void InvariantReport::fail(const char* fmt, uint32_t a, uint32_t b, uint32_t c) {
    char buf[256];
    std::snprintf(buf, sizeof buf, fmt, a, b, c);
    m_failures.emplace_back(buf);
}

class InvariantCheck {
public:
    InvariantCheck(const MemoryManager& m, InvariantReport& r) : mm(m), report(r), pfn(m.pfn()), n(m.pfn().size()) {}

    void page_tables();
    void frames();
    void objects();
    void commit_and_slots();

private:
    // One page table's entries, with `space` its owner (kSharedArena: a win95 shared table, walked
    // once for every directory, its VADs the shared set).
    void table(SpaceId space, uint32_t pde_index, uint32_t table);
    void valid_entry(SpaceId space, const Vad* v, uint32_t va, uint32_t pte_address, uint32_t pte);
    void transition_entry(uint32_t va, uint32_t pte_address, uint32_t pte);
    void prototype_entry(const Vad* v, uint32_t va, uint32_t pte);
    void section_frame(uint32_t f, const PfnEntry& e);
    void honoured_protection(SpaceId space, uint32_t va, uint32_t pte);
    // The prototype index of the page at vpn of an image VAD or view (none for other VADs).
    std::optional<uint32_t> proto_of(const Vad& v, uint32_t vpn) const;

    const MemoryManager& mm;
    InvariantReport& report;
    const PfnDatabase& pfn;
    const uint32_t n;
};

std::optional<uint32_t> InvariantCheck::proto_of(const Vad& v, uint32_t vpn) const {
    if (v.type == VadType::Mapped) return MemoryManager::view_proto(v, vpn);
    if (v.type == VadType::Image && v.section < mm.sections().size()) return mm.sections()[v.section].first_proto + (vpn - v.start_vpn);
    return std::nullopt;
}

void InvariantCheck::page_tables() {
    for (const AddressSpace& sp : mm.spaces()) {
        if (!sp.alive()) continue;
        const uint32_t pd = sp.page_directory();
        if (pfn[pd].use != FrameUse::PageDirectory || pfn[pd].state != FrameState::Active)
            report.fail("page directory frame 0x%X of space %u is not an active page directory", pd, sp.id());
        const bool w95 = sp.personality() == Personality::Win95;
        for (uint32_t idx = 0; idx < PageTables::user_pde_end(sp.personality()); ++idx) {
            if (w95 && SharedArena::is_shared_pde(idx)) continue;  // the compatibility arena's table: below, once
            const uint32_t pde = mm.ram().read_u32(sp.cr3() + idx * 4);
            if (!(pde & Pte::kPresent)) {
                if (pde != 0) report.fail("space %u: PDE %u is not present but not zero", sp.id(), idx);
                continue;
            }
            const uint32_t t = pde >> 12;
            if (t >= n || pfn[t].use != FrameUse::PageTable || pfn[t].state != FrameState::Active || pfn[t].owner != sp.id()) {
                report.fail("space %u: PDE %u points at frame 0x%X, which is not its page table", sp.id(), idx, t);
                if (t >= n) continue;
            }
            table(sp.id(), idx, t);
        }
    }
    // The shared tables once.
    for (uint32_t slot = 0; slot < SharedArena::slot_count(); ++slot) {
        const uint32_t idx = SharedArena::pde_of_slot(slot);
        const uint32_t t = mm.shared_table(idx);
        if (t == kNoFrame) continue;
        if (t >= n) {
            report.fail("shared page table for PDE 0x%X points past RAM", idx);
            continue;
        }
        table(kSharedArena, idx, t);
    }
}

void InvariantCheck::table(SpaceId space, uint32_t idx, uint32_t table) {
    auto find = [&](uint32_t va) -> const Vad* {
        if (space != kSharedArena) return mm.space(space).find_vad(va);
        if (idx == 0) return va >= 0x1000 ? &SharedArena::compat_arena() : nullptr;
        return find_vad_in(mm.shared_vads(), va);
    };
    uint32_t nonzero = 0;
    for (uint32_t i = 0; i < 1024; ++i) {
        const uint32_t pte_address = (table << 12) + i * 4;
        const uint32_t pte = mm.ram().read_u32(pte_address);
        const uint32_t va = (idx << 22) | (i << 12);
        if (pte) ++nonzero;
        const PteKind k = SoftwarePte::kind(pte);
        const Vad* v = find(va);
        if (k != PteKind::Zero && !v) report.fail("space %u: va 0x%08X has a PTE 0x%08X outside every region", space, va, pte);
        switch (k) {
            case PteKind::Valid: valid_entry(space, v, va, pte_address, pte); break;
            case PteKind::Transition: transition_entry(va, pte_address, pte); break;
            case PteKind::Prototype: prototype_entry(v, va, pte); break;
            case PteKind::Pagefile: {
                const uint32_t s = SoftwarePte::slot(pte);
                ++report.slot_refs[s];
                if (!mm.pagefile().in_use(s)) report.fail("va 0x%08X is in pagefile slot %u, which is free", va, s);
                break;
            }
            default: break;
        }
    }
    if (nonzero != pfn[table].share_count)
        report.fail("page table 0x%X counts %u used entries but holds %u", table, pfn[table].share_count, nonzero);
}

void InvariantCheck::valid_entry(SpaceId space, const Vad* v, uint32_t va, uint32_t pte_address, uint32_t pte) {
    const uint32_t f = pte >> 12;
    if (f >= n) {
        report.fail("PTE of va 0x%08X points past RAM", va);
        return;
    }
    ++report.valid_maps[f];
    honoured_protection(space, va, pte);
    const PfnEntry& e = pfn[f];
    if (MemoryManager::is_section_use(e.use)) {
        // A section's frame: the view or image VAD maps this very page of the section.
        const bool image = e.use == FrameUse::Image;
        const char* what = image ? "image" : "section";
        const auto index = v && v->type == (image ? VadType::Image : VadType::Mapped) ? proto_of(*v, va >> 12) : std::nullopt;
        if (!index || *index != e.pte_address) {
            report.fail(image ? "va 0x%08X maps the image frame 0x%X of another page" : "va 0x%08X maps the section frame 0x%X of another page", va, f);
        } else if (image != !MemoryManager::is_data_proto(*index) || !(mm.prototype(*index) & Pte::kPresent) ||
                   mm.prototype(*index) >> 12 != f) {
            report.fail(image ? "image frame 0x%X is mapped at va 0x%08X but its prototype PTE does not point at it"
                              : "section frame 0x%X is mapped at va 0x%08X but its prototype PTE does not point at it",
                        f, va);
        }
        if (e.state != FrameState::Active) report.fail(image ? "image frame 0x%X is not active" : "section frame 0x%X is not active", f);
        (void)what;
        return;
    }
    if (e.state != FrameState::Active || e.use != FrameUse::Private)
        report.fail("va 0x%08X maps frame 0x%X, which is not an active private frame", va, f);
    if (e.pte_address != pte_address) report.fail("frame 0x%X's PTE address is not the PTE of va 0x%08X", f, va);
    if (space == kSharedArena && e.owner != kNoSpace)
        report.fail("frame 0x%X at shared-arena va 0x%08X is owned by space %u", f, va, e.owner);
    if (SoftwarePte::kind(e.original_pte) == PteKind::Pagefile) ++report.slot_refs[SoftwarePte::slot(e.original_pte)];
}

// The PTE of a present page honours the protection VirtualQuery reports for it (the VAD's, the
// view's or image page's own, or the private frame's): a page that may not be touched (NOACCESS,
// GUARD) is not present; a writable one has R/W set, or (nt) the software Write bit of a page
// whose first write frees its pagefile copy; any other has R/W clear, so that its write faults.
void InvariantCheck::honoured_protection(SpaceId space, uint32_t va, uint32_t pte) {
    if (space == kSharedArena) return;  // one PTE for every process: checked through their VADs elsewhere
    const uint32_t protect = mm.page_state(space, va).protect;
    if (protection_base(protect) == page::kNoAccess || (protect & page::kGuard) || protect == 0) {
        report.fail("space %u: va 0x%08X is present although VirtualQuery says it may not be touched (0x%X)", space, va, protect);
        return;
    }
    const bool writable = protection_allows_write(protect);
    if (writable && !(pte & (Pte::kWrite | Pte::kSoftwareWrite)))
        report.fail("space %u: va 0x%08X is writable for VirtualQuery (0x%X) but its PTE's R/W is clear", space, va, protect);
    if (!writable && (pte & Pte::kWrite))
        report.fail("space %u: va 0x%08X is not writable for VirtualQuery (0x%X) but its PTE's R/W is set", space, va, protect);
}

void InvariantCheck::transition_entry(uint32_t va, uint32_t pte_address, uint32_t pte) {
    const uint32_t f = SoftwarePte::frame(pte);
    if (f >= n) {
        report.fail("va 0x%08X is in transition on frame 0x%X, beyond RAM", va, f);
        return;
    }
    ++report.transition_maps[f];
    if (pfn[f].state != FrameState::Standby && pfn[f].state != FrameState::Modified)
        report.fail("va 0x%08X is in transition on frame 0x%X, which is not standby/modified", va, f);
    if (pfn[f].pte_address != pte_address) report.fail("transition frame 0x%X does not point back at va 0x%08X", f, va);
    if (SoftwarePte::kind(pfn[f].original_pte) == PteKind::Pagefile) ++report.slot_refs[SoftwarePte::slot(pfn[f].original_pte)];
}

void InvariantCheck::prototype_entry(const Vad* v, uint32_t va, uint32_t pte) {
    const uint32_t index = SoftwarePte::prototype_index(pte);
    const auto want = v ? proto_of(*v, va >> 12) : std::nullopt;
    if (v && v->type == VadType::Mapped) {
        if (*want != index) report.fail("va 0x%08X has a prototype PTE for another view page (index %u)", va, index);
    } else if (!want || *want != index) {
        report.fail("va 0x%08X has a prototype PTE for another page (index %u)", va, index);
    }
}

void InvariantCheck::frames() {
    const x86::PhysicalMemory& ram = mm.ram();
    for (uint32_t f = 0; f < n; ++f) {
        const PfnEntry& e = pfn[f];
        const bool on_list = e.list != FrameList::None;
        const uint32_t valid = report.valid_maps[f], transition = report.transition_maps[f];
        switch (e.state) {
            case FrameState::Free:
            case FrameState::Zeroed:
            case FrameState::Standby:
            case FrameState::Modified: {
                static constexpr FrameList kListOf[] = {FrameList::Free, FrameList::Zeroed, FrameList::None,
                                                        FrameList::Standby, FrameList::Modified};
                if (e.list != kListOf[int(e.state)]) report.fail("frame 0x%X is %u but on list %u", f, uint32_t(e.state), uint32_t(e.list));
                if (e.state == FrameState::Zeroed && !ram.content(f).is_zero_page() && !ram.content(f).same_bytes(core::PageRef{}))
                    report.fail("frame 0x%X is on the zeroed list but holds data", f);
                if ((e.state == FrameState::Standby || e.state == FrameState::Modified) && transition != 1)
                    report.fail("frame 0x%X is on standby/modified with %u transition PTEs", f, transition);
                if ((e.state == FrameState::Free || e.state == FrameState::Zeroed) && (valid || transition))
                    report.fail("frame 0x%X is free but mapped", f);
                break;
            }
            case FrameState::Active:
                if (e.use == FrameUse::None) {
                    if (on_list || valid || transition) report.fail("frame 0x%X is in hand but listed or mapped", f);
                } else if (e.use == FrameUse::Private) {
                    if (valid != 1 || e.share_count != 1)
                        report.fail("private frame 0x%X is mapped by %u PTEs (share count %u)", f, valid, e.share_count);
                    if (e.list != FrameList::Active) report.fail("private frame 0x%X is not on the active list", f);
                } else if (MemoryManager::is_section_use(e.use)) {
                    section_frame(f, e);
                } else if (on_list) {
                    report.fail("locked frame 0x%X is on a list", f);
                }
                break;
        }
    }
}

void InvariantCheck::section_frame(uint32_t f, const PfnEntry& e) {
    if (report.valid_maps[f] != e.share_count)
        report.fail("section frame 0x%X is mapped by %u PTEs (share count %u)", f, report.valid_maps[f], e.share_count);
    if (e.list != FrameList::Active) report.fail("section frame 0x%X is not on the active list", f);
    const bool data = e.use != FrameUse::Image;
    const bool index_ok = data == MemoryManager::is_data_proto(e.pte_address) && mm.prototype_exists(e.pte_address);
    if (!index_ok || mm.prototype(e.pte_address) >> 12 != f) report.fail("section frame 0x%X's prototype PTE does not point at it", f);
    if (SoftwarePte::kind(e.original_pte) == PteKind::Pagefile) ++report.slot_refs[SoftwarePte::slot(e.original_pte)];
}

void InvariantCheck::objects() {
    const auto& mappings = mm.mappings();
    const auto& sections = mm.data_sections();
    std::vector<uint32_t> handle_refs(mappings.size(), 0), view_refs(mappings.size(), 0);
    std::vector<uint32_t> section_views(sections.size(), 0), section_maps(sections.size(), 0);
    const auto& tables = mm.m_handles.tables();
    for (uint32_t id = 0; id < tables.size(); ++id) {
        if (!tables[id].empty() && (id >= mm.spaces().size() || !mm.space(SpaceId(id)).alive()))
            report.fail("address space %u is gone but holds %u handles", id, uint32_t(tables[id].size()));
        for (const auto& [h, e] : tables[id]) {
            if (e.kind == HandleKind::Mapping) {
                if (e.object >= mappings.size()) report.fail("handle 0x%X of space %u names no mapping object", h, id);
                else ++handle_refs[e.object];
            } else if (e.object >= mm.files().size()) {
                report.fail("handle 0x%X of space %u names no file", h, id);
            }
        }
    }
    std::vector<const Vad*> views;
    for (const AddressSpace& sp : mm.spaces())
        if (sp.alive())
            for (const auto& [k, v] : sp.vads()) views.push_back(&v);
    for (const auto& [k, v] : mm.shared_vads()) views.push_back(&v);  // once, whoever uses them
    for (const Vad* vp : views) {
        const Vad& v = *vp;
        if (v.type == VadType::Image && v.mapping != 0xFFFFFFFFu) {
            if (v.mapping >= mappings.size() || mappings[v.mapping].image_section != v.section)
                report.fail("the image view at 0x%08X names a mapping object of another image", v.base());
            else ++view_refs[v.mapping];
            continue;
        }
        if (v.type != VadType::Mapped) continue;
        if (v.mapping >= mappings.size() || mappings[v.mapping].section != v.section ||
            v.offset_page + (v.end_vpn - v.start_vpn) > sections[v.section].pages) {
            report.fail("the view at 0x%08X does not fit its section", v.base());
            continue;
        }
        ++view_refs[v.mapping];
        ++section_views[v.section];
    }
    for (const MappingObject& m : mappings) {
        if (m.handles != handle_refs[m.id] || m.views != view_refs[m.id])
            report.fail("mapping object %u counts %u handles and %u views", m.id, m.handles, m.views);
        if (!m.alive() || m.image()) continue;
        ++section_maps[m.section];
        if (!sections[m.section].alive) report.fail("mapping object %u uses data section %u, which is gone", m.id, m.section);
    }
    for (const DataSection& s : sections)
        if (s.views != section_views[s.id] || s.mappings != section_maps[s.id])
            report.fail("data section %u counts %u views and %u mapping objects", s.id, s.views, s.mappings);
}

void InvariantCheck::commit_and_slots() {
    for (const AddressSpace& sp : mm.spaces()) {
        if (!sp.alive()) continue;
        for (const auto& [k, vad] : sp.vads())
            if (vad.type == VadType::Private) report.committed += mm.committed_pages(sp.id(), vad.start_vpn, vad.end_vpn);
            else report.committed += mm.image_private_pages(sp.id(), vad);  // private copies of image and view pages
    }
    for (const auto& [k, vad] : mm.shared_vads()) {
        if (vad.type == VadType::Image || vad.type == VadType::Mapped) report.committed += mm.image_private_pages(kSharedArena, vad);
        else if (vad.type == VadType::Private && !vad.users.empty() && vad.users.front() < mm.spaces().size())
            report.committed += mm.committed_pages(vad.users.front(), vad.start_vpn, vad.end_vpn);
    }
    for (const auto& [slot, refs] : report.slot_refs)
        if (refs != 1) report.fail("pagefile slot %u is referenced %u times", slot, refs);
    if (report.slot_refs.size() != mm.pagefile().used())
        report.fail("%u pagefile slots are in use but %u are referenced", mm.pagefile().used(), uint32_t(report.slot_refs.size()));
    report.committed += mm.data_section_charge();
    const uint64_t charge = mm.counter(Counter::CommitCharge);
    if (report.committed != charge)
        report.fail("commit charge is %u pages but %u are committed", uint32_t(charge), uint32_t(report.committed));
    if (charge > mm.commit_limit()) report.fail("commit charge exceeds the limit");
}

// Prototype PTEs: a section nobody maps holds no frame and no slot.
void MemoryManager::check_prototypes(InvariantReport& report) const {
    const uint32_t n = m_pfn.size();
    for (const ImageSection& sec : m_sections) {
        for (uint32_t i = 0; i < sec.pages_count(); ++i) {
            const uint32_t p = m_protos[sec.first_proto + i];
            if (p & Pte::kPresent) {
                const uint32_t f = p >> 12;
                if (f >= n || m_pfn[f].use != FrameUse::Image || m_pfn[f].pte_address != sec.first_proto + i)
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
                if (f >= n || m_pfn[f].use != want || m_pfn[f].pte_address != data_proto_index(s.id, page))
                    report.fail("data section %u's page %u points at frame 0x%X, which is not its frame", s.id, page, f);
            } else if (s.kind == DataSectionKind::Pagefile && SoftwarePte::kind(p) == PteKind::Pagefile) {
                ++report.slot_refs[SoftwarePte::slot(p)];
                if (!m_pagefile.in_use(SoftwarePte::slot(p))) report.fail("data section %u's page %u is in a free pagefile slot", s.id, page);
            }
        }
    }
}

std::vector<std::string> MemoryManager::check_invariants() const {
    InvariantReport report(m_pfn.size());
    InvariantCheck check(*this, report);
    m_frames.check(report);
    check.page_tables();
    m_shared.check(report);
    check.frames();
    check_prototypes(report);
    check.objects();
    check.commit_and_slots();
    m_tables.check_tlb(report);
    return report.take();
}

}  // namespace pagelab::mm
