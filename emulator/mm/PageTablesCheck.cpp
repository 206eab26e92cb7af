// PageTables' invariants (PageTables::check, check_tlb): the directories, every entry of every
// page table against the regions, the PFN database, the prototype PTEs and the pagefile, and the
// TLB against the tables. MemoryManager::check_invariants (Invariants.cpp) runs them.
#include "mm/Invariants.h"
#include "mm/PageTables.h"
#include "mm/Protection.h"

namespace pagelab::mm {

using x86::Pte;

namespace {

// One walk over the tables, with what each entry is checked against.
class TableCheck {
public:
    TableCheck(const x86::PhysicalMemory& ram, const PfnDatabase& pfn, const Pagefile& pagefile,
               const std::vector<AddressSpace>& spaces, const SharedArena& shared, const PageMeaning& meaning,
               InvariantReport& report)
        : m_ram(ram), m_pfn(pfn), m_pagefile(pagefile), m_spaces(spaces), m_shared(shared), m_meaning(meaning),
          m_report(report), m_frames(pfn.size()) {}

    void directory(const AddressSpace& sp);
    // One page table's entries, with `space` its owner (kSharedArena: a win95 shared table, walked
    // once for every directory, its VADs the shared set).
    void table(SpaceId space, uint32_t pde_index, uint32_t table);

private:
    const Vad* region(SpaceId space, uint32_t pde_index, uint32_t va) const;
    void valid_entry(SpaceId space, const Vad* v, uint32_t va, uint32_t pte_address, uint32_t pte);
    void section_entry(const Vad* v, uint32_t va, uint32_t f, const PfnEntry& e);
    void transition_entry(uint32_t va, uint32_t pte_address, uint32_t pte);
    void prototype_entry(const Vad* v, uint32_t va, uint32_t pte);
    void honoured_protection(SpaceId space, uint32_t va, uint32_t pte);

    const x86::PhysicalMemory& m_ram;
    const PfnDatabase& m_pfn;
    const Pagefile& m_pagefile;
    const std::vector<AddressSpace>& m_spaces;
    const SharedArena& m_shared;
    const PageMeaning& m_meaning;
    InvariantReport& m_report;
    const uint32_t m_frames;
};

void TableCheck::directory(const AddressSpace& sp) {
    const uint32_t pd = sp.page_directory();
    if (m_pfn[pd].use != FrameUse::PageDirectory || m_pfn[pd].state != FrameState::Active)
        m_report.fail("page directory frame 0x%X of space %u is not an active page directory", pd, sp.id());
    const bool w95 = sp.personality() == Personality::Win95;
    for (uint32_t idx = 0; idx < PageTables::user_pde_end(sp.personality()); ++idx) {
        if (w95 && SharedArena::is_shared_pde(idx)) continue;  // the compatibility arena's table: once, apart
        const uint32_t pde = m_ram.read_u32(sp.cr3() + idx * 4);
        if (!(pde & Pte::kPresent)) {
            if (pde != 0) m_report.fail("space %u: PDE %u is not present but not zero", sp.id(), idx);
            continue;
        }
        const uint32_t t = pde >> 12;
        if (t >= m_frames || m_pfn[t].use != FrameUse::PageTable || m_pfn[t].state != FrameState::Active ||
            m_pfn[t].owner != sp.id()) {
            m_report.fail("space %u: PDE %u points at frame 0x%X, which is not its page table", sp.id(), idx, t);
            if (t >= m_frames) continue;
        }
        table(sp.id(), idx, t);
    }
}

const Vad* TableCheck::region(SpaceId space, uint32_t idx, uint32_t va) const {
    if (space != kSharedArena) return m_spaces[space].find_vad(va);
    if (idx == 0) return va >= 0x1000 ? &SharedArena::compat_arena() : nullptr;
    return find_vad_in(m_shared.vads(), va);
}

void TableCheck::table(SpaceId space, uint32_t idx, uint32_t table) {
    uint32_t nonzero = 0;
    for (uint32_t i = 0; i < 1024; ++i) {
        const uint32_t pte_address = (table << 12) + i * 4;
        const uint32_t pte = m_ram.read_u32(pte_address);
        const uint32_t va = (idx << 22) | (i << 12);
        if (pte) ++nonzero;
        const PteKind k = SoftwarePte::kind(pte);
        const Vad* v = region(space, idx, va);
        if (k != PteKind::Zero && !v) m_report.fail("space %u: va 0x%08X has a PTE 0x%08X outside every region", space, va, pte);
        switch (k) {
            case PteKind::Valid: valid_entry(space, v, va, pte_address, pte); break;
            case PteKind::Transition: transition_entry(va, pte_address, pte); break;
            case PteKind::Prototype: prototype_entry(v, va, pte); break;
            case PteKind::Pagefile: {
                const uint32_t s = SoftwarePte::slot(pte);
                ++m_report.slot_refs[s];
                if (!m_pagefile.in_use(s)) m_report.fail("va 0x%08X is in pagefile slot %u, which is free", va, s);
                break;
            }
            default: break;
        }
    }
    if (nonzero != m_pfn[table].share_count)
        m_report.fail("page table 0x%X counts %u used entries but holds %u", table, m_pfn[table].share_count, nonzero);
}

void TableCheck::valid_entry(SpaceId space, const Vad* v, uint32_t va, uint32_t pte_address, uint32_t pte) {
    const uint32_t f = pte >> 12;
    if (f >= m_frames) {
        m_report.fail("PTE of va 0x%08X points past RAM", va);
        return;
    }
    ++m_report.valid_maps[f];
    honoured_protection(space, va, pte);
    const PfnEntry& e = m_pfn[f];
    if (is_section_use(e.use)) return section_entry(v, va, f, e);
    if (e.state != FrameState::Active || e.use != FrameUse::Private)
        m_report.fail("va 0x%08X maps frame 0x%X, which is not an active private frame", va, f);
    if (!e.points_at_pte(PteAddress(pte_address))) m_report.fail("frame 0x%X's PTE address is not the PTE of va 0x%08X", f, va);
    if (space == kSharedArena && e.owner != kNoSpace)
        m_report.fail("frame 0x%X at shared-arena va 0x%08X is owned by space %u", f, va, e.owner);
    if (SoftwarePte::kind(e.original_pte) == PteKind::Pagefile) ++m_report.slot_refs[SoftwarePte::slot(e.original_pte)];
}

// A section's frame: the view or image VAD maps this very page of the section.
void TableCheck::section_entry(const Vad* v, uint32_t va, uint32_t f, const PfnEntry& e) {
    const bool image = e.use == FrameUse::Image;
    const auto index = v && v->type == (image ? VadType::Image : VadType::Mapped) ? m_meaning.proto_of(*v, va >> 12) : std::nullopt;
    if (!index || !e.points_at_proto(ProtoIndex::from_raw(*index))) {
        m_report.fail(image ? "va 0x%08X maps the image frame 0x%X of another page" : "va 0x%08X maps the section frame 0x%X of another page", va, f);
    } else if (image == ProtoIndex::from_raw(*index).is_data() || !(m_meaning.prototype_word(*index) & Pte::kPresent) ||
               m_meaning.prototype_word(*index) >> 12 != f) {
        m_report.fail(image ? "image frame 0x%X is mapped at va 0x%08X but its prototype PTE does not point at it"
                            : "section frame 0x%X is mapped at va 0x%08X but its prototype PTE does not point at it",
                      f, va);
    }
    if (e.state != FrameState::Active) m_report.fail(image ? "image frame 0x%X is not active" : "section frame 0x%X is not active", f);
}

// The PTE of a present page honours the protection VirtualQuery reports for it (the VAD's, the
// view's or image page's own, or the private frame's): a page that may not be touched (NOACCESS,
// GUARD) is not present; a writable one has R/W set, or (nt) the software Write bit of a page
// whose first write frees its pagefile copy; any other has R/W clear, so that its write faults.
void TableCheck::honoured_protection(SpaceId space, uint32_t va, uint32_t pte) {
    if (space == kSharedArena) return;  // one PTE for every process: checked through their VADs elsewhere
    const uint32_t protect = m_meaning.query_protection(space, va);
    if (protection_base(protect) == page::kNoAccess || (protect & page::kGuard) || protect == 0) {
        m_report.fail("space %u: va 0x%08X is present although VirtualQuery says it may not be touched (0x%X)", space, va, protect);
        return;
    }
    const bool writable = protection_allows_write(protect);
    if (writable && !(pte & (Pte::kWrite | Pte::kSoftwareWrite)))
        m_report.fail("space %u: va 0x%08X is writable for VirtualQuery (0x%X) but its PTE's R/W is clear", space, va, protect);
    if (!writable && (pte & Pte::kWrite))
        m_report.fail("space %u: va 0x%08X is not writable for VirtualQuery (0x%X) but its PTE's R/W is set", space, va, protect);
}

void TableCheck::transition_entry(uint32_t va, uint32_t pte_address, uint32_t pte) {
    const uint32_t f = SoftwarePte::frame(pte);
    if (f >= m_frames) {
        m_report.fail("va 0x%08X is in transition on frame 0x%X, beyond RAM", va, f);
        return;
    }
    ++m_report.transition_maps[f];
    const PfnEntry& e = m_pfn[f];
    if (e.state != FrameState::Standby && e.state != FrameState::Modified)
        m_report.fail("va 0x%08X is in transition on frame 0x%X, which is not standby/modified", va, f);
    if (!e.points_at_pte(PteAddress(pte_address))) m_report.fail("transition frame 0x%X does not point back at va 0x%08X", f, va);
    if (SoftwarePte::kind(e.original_pte) == PteKind::Pagefile) ++m_report.slot_refs[SoftwarePte::slot(e.original_pte)];
}

void TableCheck::prototype_entry(const Vad* v, uint32_t va, uint32_t pte) {
    const uint32_t index = SoftwarePte::prototype_index(pte);
    const auto want = v ? m_meaning.proto_of(*v, va >> 12) : std::nullopt;
    if (v && v->type == VadType::Mapped) {
        if (*want != index) m_report.fail("va 0x%08X has a prototype PTE for another view page (index %u)", va, index);
    } else if (!want || *want != index) {
        m_report.fail("va 0x%08X has a prototype PTE for another page (index %u)", va, index);
    }
}

}  // namespace

void PageTables::check(InvariantReport& report, const PageMeaning& meaning) const {
    TableCheck check(m_ram, m_pfn, m_pagefile, m_spaces, m_shared, meaning, report);
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive()) check.directory(sp);
    // The shared tables once.
    for (uint32_t slot = 0; slot < SharedArena::slot_count(); ++slot) {
        const uint32_t idx = SharedArena::pde_of_slot(slot);
        const uint32_t t = m_shared.table(idx);
        if (t == kNoFrame) continue;
        if (t >= m_pfn.size()) {
            report.fail("shared page table for PDE 0x%X points past RAM", idx);
            continue;
        }
        check.table(kSharedArena, idx, t);
    }
}

void PageTables::check_tlb(InvariantReport& report) const {
    if (m_stores.current == kNoSpace) return;
    for (const x86::TlbEntry& t : m_tlb.entries()) {
        if (!t.valid) continue;
        const PteInfo info = pte_info(SpaceId(m_stores.current), t.vpn << 12);
        if (!info.table_present || !(info.pte & Pte::kPresent) || (info.pte >> 12) != t.frame) {
            report.fail("TLB entry for page 0x%05X is stale", t.vpn);
            continue;
        }
        // Cached rights may be narrower than the entries' (the CPU re-walks), never wider; a
        // cached Dirty bit must be in the PTE, or a write through the TLB would be lost to
        // eviction.
        const Pte pde(info.pde), pte(info.pte);
        if (t.writable && !(pde.writable() && pte.writable()))
            report.fail("TLB entry for page 0x%05X allows writes its PTE forbids", t.vpn);
        if (t.user && !(pde.user() && pte.user())) report.fail("TLB entry for page 0x%05X allows user access", t.vpn);
        if (t.dirty && !pte.dirty()) report.fail("TLB entry for page 0x%05X is dirty but its PTE is not", t.vpn);
    }
}

}  // namespace pagelab::mm
