#include "mm/PageTables.h"

#include <algorithm>

namespace pagelab::mm {

using x86::Pte;

namespace {
constexpr uint32_t kSelfMapIndex = 0x300;    // nt: PDE 0x300 maps the page directory (PTEs at 0xC0000000)
constexpr uint32_t kNtKernelIndex = 0x200;   // nt: kernel page table at 0x80000000 (supervisor only)
constexpr uint32_t kW95SystemIndex = 0x300;  // win95: system arena page table at 0xC0000000 (user!)
constexpr uint32_t kSharedFirstPde = 0x200;  // win95: the shared arena's first PDE
constexpr uint32_t kSharedEndPde = 0x300;
uint32_t system_index(Personality p) { return p == Personality::Win95 ? kW95SystemIndex : kNtKernelIndex; }
// A page table as a PDE names it: writable and user-accessible (the PTEs decide).
uint32_t user_table_pde(uint32_t frame) { return Pte::make_valid(frame, x86::Writable::Yes, x86::User::Yes).raw(); }
}  // namespace

uint32_t PageTables::user_pde_end(Personality p) { return uint32_t((uint64_t(layout_of(p).user_end) + 0x3FFFFF) >> 22); }

void PageTables::boot() {
    if (!m_config.system_pages || m_config.frames < 6) return;
    const bool w95 = m_config.personality == Personality::Win95;
    const x86::User user = w95 ? x86::User::Yes : x86::User::No;
    const FrameNumber table(m_pfn.pop_front(FrameList::Zeroed));
    const FrameNumber data(m_pfn.pop_front(FrameList::Zeroed));
    m_frames.lock_in(table, FrameUse::PageTable, kNoSpace, PteAddress::none(), 1);
    m_frames.lock_in(data, FrameUse::System, kNoSpace, PteAddress(table << 12), 1);
    m_ram.write_u32(table << 12, Pte::make_valid(data, x86::Writable::Yes, user).raw());
    const char* text = w95 ? "VMM system arena data" : "ntoskrnl";
    for (uint32_t i = 0; text[i]; ++i) m_ram.write((data << 12) + i, 1, uint8_t(text[i]));
    m_system_table = table;
}

void PageTables::build_directory(SpaceId id) {
    const uint32_t pd = m_spaces[id].cr3();
    const bool w95 = m_spaces[id].personality() == Personality::Win95;
    if (!w95) {
        // The self-map: the directory doubles as the page table for 0xC0000000-0xC03FFFFF, so the
        // PTE of va lives at virtual address 0xC0000000 + (va >> 12) * 4 (WinDbg's !pte shows it).
        m_ram.write_u32(pd + kSelfMapIndex * 4,
                        Pte::make_valid(pd >> 12, x86::Writable::Yes, x86::User::No).raw() | Pte::kAccessed);
    }
    if (m_system_table != kNoFrame) {
        m_ram.write_u32(pd + system_index(m_spaces[id].personality()) * 4,
                        Pte::make_valid(m_system_table, x86::Writable::Yes, w95 ? x86::User::Yes : x86::User::No).raw());
        m_pfn.set_share_count(m_system_table, m_pfn[m_system_table].share_count + 1);
    }
    if (w95) {
        // The shared arena and the compatibility arena: the PDEs every win95 directory has.
        for (uint32_t slot = 0; slot < SharedArena::slot_count(); ++slot)
            if (const uint32_t table = m_shared.table_of_slot(slot); table != kNoFrame)
                m_ram.write_u32(pd + SharedArena::pde_of_slot(slot) * 4, user_table_pde(table));
    }
}

void PageTables::clear_directory(SpaceId id) {
    const AddressSpace& sp = m_spaces[id];
    const uint32_t pd = sp.cr3();
    if (sp.personality() == Personality::Win95) {
        // The shared PDEs leave the dying directory; the shared tables stay for the others. A
        // table whose PFN entry named this directory's PDE now names another directory's.
        for (uint32_t slot = 0; slot < SharedArena::slot_count(); ++slot) {
            const uint32_t table = m_shared.table_of_slot(slot);
            if (table == kNoFrame) continue;
            const uint32_t pde_index = SharedArena::pde_of_slot(slot);
            const uint32_t pde_address = pd + pde_index * 4;
            m_ram.write_u32(pde_address, 0);
            if (m_pfn[table].pte_address() != pde_address) continue;
            for (const AddressSpace& other : m_spaces)
                if (other.alive() && other.id() != id && other.personality() == Personality::Win95) {
                    m_pfn.set_backlink(table, Backlink::pte(PteAddress(other.cr3() + pde_index * 4)));
                    break;
                }
        }
    }
    if (m_system_table != kNoFrame) {
        m_ram.write_u32(pd + system_index(sp.personality()) * 4, 0);
        m_pfn.set_share_count(m_system_table, m_pfn[m_system_table].share_count - 1);
    }
    if (sp.personality() == Personality::Nt) m_ram.write_u32(pd + kSelfMapIndex * 4, 0);
}

void PageTables::switch_to(SpaceId id) {
    if (m_stores.current == id) return;
    event(EventKind::Cr3Loaded, id, m_spaces[id].page_directory());
    set_register(CpuField::CurrentSpace, m_stores.current, id);
    set_register(CpuField::Cr3, m_stores.cr3, m_spaces[id].cr3());
    m_tlb.flush();
}

uint32_t PageTables::pte_address_of(SpaceId space, uint32_t va) const {
    if (space == kSharedArena) {
        const uint32_t table = m_shared.table(x86::pde_index(va));
        return table == kNoFrame ? 0 : (table << 12) + x86::pte_index(va) * 4;
    }
    const uint32_t pde = m_ram.read_u32(m_spaces[space].cr3() + x86::pde_index(va) * 4);
    if (!(pde & Pte::kPresent) || !frame_exists(pde >> 12)) return 0;  // (beyond RAM: a debugger's PDE)
    return (pde & Pte::kFrameMask) + x86::pte_index(va) * 4;
}

uint32_t PageTables::va_of_pte(uint32_t pte_address) const {
    const uint32_t table = pte_address >> 12;
    // Not a page table's entry (e.g. a prototype index): no va.
    if (table >= m_pfn.size() || is_section_use(m_pfn[table].use)) return 0;
    const uint32_t pde_address = m_pfn[table].pte_address();
    return (((pde_address & 0xFFFu) / 4) << 22) | (((pte_address & 0xFFFu) / 4) << 12);
}

PteInfo PageTables::pte_info(SpaceId space, uint32_t va) const {
    PteInfo info;
    info.pde_address = m_spaces[space].cr3() + x86::pde_index(va) * 4;
    info.pde = m_ram.read_u32(info.pde_address);
    if (!(info.pde & Pte::kPresent) || !frame_exists(info.pde >> 12)) return info;
    info.table_present = true;
    info.pte_address = (info.pde & Pte::kFrameMask) + x86::pte_index(va) * 4;
    info.pte = m_ram.read_u32(info.pte_address);
    info.kind = SoftwarePte::kind(info.pte);
    return info;
}

void PageTables::write_pte(uint32_t pte_address, uint32_t value) {
    const uint32_t old = m_ram.read_u32(pte_address);
    if (old == value) return;
    m_ram.write_u32(pte_address, value);
    if ((old == 0) != (value == 0)) {
        const uint32_t table = pte_address >> 12;
        if (m_pfn[table].use == FrameUse::PageTable)
            m_pfn.set_share_count(table, m_pfn[table].share_count + (value ? 1 : -1));
    }
}

void PageTables::invalidate_page(SpaceId space, uint32_t va) {
    if (m_tlb.empty()) return;  // no TLB (every replay's eviction comes here)
    const uint32_t current = m_stores.current;
    if (space == current || (current != kNoSpace && (m_shared.in_shared_arena(SpaceId(current), va) ||
                                                     m_shared.in_compat_arena(SpaceId(current), va))))
        m_tlb.invalidate(x86::vpn(va));
}

bool PageTables::ensure_page_table(SpaceId space, uint32_t va) {
    if (m_shared.in_shared_arena(space, va) || m_shared.in_compat_arena(space, va))
        return ensure_shared_table(space, x86::pde_index(va));
    const uint32_t pde_address = m_spaces[space].cr3() + x86::pde_index(va) * 4;
    if (m_ram.read_u32(pde_address) & Pte::kPresent) return true;
    const FrameNumber frame = m_frames.obtain(Need::Zeroed, space);
    if (frame.is_none()) return false;
    event(EventKind::PageTableCreated, space, va & 0xFFC00000u, frame);
    m_frames.lock_in(frame, FrameUse::PageTable, space, PteAddress(pde_address), 0);
    m_ram.write_u32(pde_address, user_table_pde(frame));
    return true;
}

bool PageTables::ensure_page_tables(SpaceId space, uint32_t first_vpn, uint32_t last_vpn) {
    for (uint32_t index = first_vpn >> 10; index <= (last_vpn - 1) >> 10; ++index) {
        if (ensure_page_table(space, index << 22)) continue;
        event(EventKind::OutOfMemory, space, index << 22, 0);
        free_empty_page_tables(space, first_vpn, last_vpn);
        return false;
    }
    return true;
}

bool PageTables::ensure_pte_address(SpaceId space, uint32_t va, uint32_t& pte_address) {
    if (!ensure_page_table(space, va)) {
        event(EventKind::OutOfMemory, space, va, 0);
        return false;
    }
    pte_address = pte_address_of(space, va);
    return true;
}

void PageTables::free_empty_page_tables(SpaceId space, uint32_t start_vpn, uint32_t end_vpn) {
    const uint32_t cr3 = m_spaces[space].cr3();
    const uint32_t limit = std::min(end_vpn, user_pde_end(m_spaces[space].personality()) << 10);
    for (uint32_t idx = start_vpn >> 10; (idx << 10) < limit; ++idx) {
        const uint32_t pde_address = cr3 + idx * 4;
        const uint32_t pde = m_ram.read_u32(pde_address);
        if (!(pde & Pte::kPresent)) continue;
        const FrameNumber table = FrameNumber::of_entry(pde);
        // (A shared table - win95's compatibility arena at PDE 0 - is not this space's to free.)
        if (m_pfn[table].use != FrameUse::PageTable || m_pfn[table].owner != space || m_pfn[table].share_count != 0)
            continue;
        event(EventKind::PageTableFreed, space, idx << 22, table);
        m_ram.write_u32(pde_address, 0);
        m_frames.release(table);
    }
    // Shared tables in the range (win95): freed from every directory once empty.
    if (!m_shared.in_shared_arena(space, kSharedFirstPde << 22)) return;
    const uint32_t first = std::max(start_vpn >> 10, kSharedFirstPde);
    const uint32_t last = std::min(uint32_t((uint64_t(end_vpn) + 1023) >> 10), kSharedEndPde);
    for (uint32_t idx = first; idx < last; ++idx) {
        const uint32_t table = m_shared.table(idx);
        if (table != kNoFrame && m_pfn[table].share_count == 0) free_shared_table(idx);
    }
}

void PageTables::set_shared_pde(uint32_t pde_index, uint32_t value) {
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive() && sp.personality() == Personality::Win95) m_ram.write_u32(sp.cr3() + pde_index * 4, value);
}

bool PageTables::ensure_shared_table(SpaceId for_space, uint32_t pde_index) {
    if (m_shared.table(pde_index) != kNoFrame) return true;
    const FrameNumber frame = m_frames.obtain(Need::Zeroed, for_space);
    if (frame.is_none()) return false;
    event(EventKind::SharedTableCreated, for_space, pde_index << 22, frame, m_shared.win95_directories());
    // The PDE it names is the creating directory's; every win95 directory holds the same.
    m_frames.lock_in(frame, FrameUse::PageTable, kNoSpace, PteAddress(m_spaces[for_space].cr3() + pde_index * 4), 0);
    m_shared.set_table(pde_index, frame);
    set_shared_pde(pde_index, user_table_pde(frame));
    return true;
}

void PageTables::free_shared_table(uint32_t pde_index) {
    const FrameNumber table(m_shared.table(pde_index));
    event(EventKind::SharedTableFreed, kNoSpace, pde_index << 22, table, m_shared.win95_directories());
    set_shared_pde(pde_index, 0);
    m_shared.set_table(pde_index, kNoFrame);
    m_frames.release(table);
}

uint32_t PageTables::valid_pte_bits(uint32_t frame, uint32_t mm_protection) const {
    const uint32_t access = mm_protection & 7u;
    const bool writable = access == mmprot::kReadWrite || access == mmprot::kExecuteReadWrite;
    const bool cow = access == mmprot::kWriteCopy || access == mmprot::kExecuteWriteCopy;
    uint32_t v = Pte::make_valid(frame, writable ? x86::Writable::Yes : x86::Writable::No, x86::User::Yes).raw();
    if (cow) v |= Pte::kCopyOnWrite;
    if (mm_protection & mmprot::kNoCache) v |= Pte::kCacheDisable;
    return v;
}

uint32_t PageTables::private_pte_bits(SpaceId space, uint32_t frame, uint32_t mm_protection, uint32_t original_pte,
                                      bool dirty) const {
    uint32_t v = valid_pte_bits(frame, mm_protection);
    if ((v & Pte::kWrite) && !dirty && SoftwarePte::kind(original_pte) == PteKind::Pagefile &&
        space < m_spaces.size() && m_spaces[space].personality() == Personality::Nt)
        v = (v & ~Pte::kWrite) | Pte::kSoftwareWrite;
    return v;
}

void PageTables::map_private(SpaceId space, uint32_t pte_address, FrameNumber frame, uint32_t mm_protection,
                             uint32_t original_pte, bool announce) {
    const uint32_t pte = private_pte_bits(space, frame, mm_protection, original_pte,
                                          (m_pfn[frame].flags & PfnEntry::kModified) != 0);
    if (announce && m_journal.enabled()) event(EventKind::PageMapped, space, va_of_pte(pte_address), frame, pte);
    // A page in a shared table (win95 shared arena) belongs to every process: no owner.
    const SpaceId owner = m_pfn[pte_address >> 12].owner == kNoSpace ? kNoSpace : space;
    m_frames.activate(frame, FrameUse::Private, owner, Backlink::pte(PteAddress(pte_address)),
                      SoftwarePte::with_protection(original_pte, mm_protection), 1);
    write_pte(pte_address, pte);
}

}  // namespace pagelab::mm
