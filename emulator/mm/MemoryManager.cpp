#include "mm/MemoryManager.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace pagelab::mm {

using x86::Access;
using x86::Mode;
using x86::Pte;

namespace {
uint32_t fault_bit(FaultKind k) { return 1u << uint32_t(k); }
constexpr uint32_t kSelfMapIndex = 0x300;   // nt: PDE 0x300 maps the page directory (PTEs at 0xC0000000)
constexpr uint32_t kNtKernelIndex = 0x200;  // nt: kernel page table at 0x80000000 (supervisor only)
constexpr uint32_t kW95SystemIndex = 0x300; // win95: system arena page table at 0xC0000000 (user!)
constexpr uint32_t kSharedFirstPde = 0x200;  // win95: shared arena 0x80000000-0xBFFFFFFF ...
constexpr uint32_t kSharedEndPde = 0x300;    // ... PDE indexes 0x200-0x2FF, one set of tables
constexpr uint32_t kCompatPde = 0;           // win95: the MS-DOS/Win16 arena (0-4 MB), one table for all too
// The shared page tables' slots: the shared arena's PDEs 0x200-0x2FF, then PDE 0's.
constexpr uint32_t kCompatSlot = kSharedEndPde - kSharedFirstPde;
constexpr uint32_t kSharedSlots = kCompatSlot + 1;
uint32_t shared_slot_of(uint32_t pde_index) { return pde_index == kCompatPde ? kCompatSlot : pde_index - kSharedFirstPde; }
uint32_t pde_of_shared_slot(uint32_t slot) { return slot == kCompatSlot ? kCompatPde : kSharedFirstPde + slot; }
bool is_shared_pde(uint32_t pde_index) {
    return pde_index == kCompatPde || (pde_index >= kSharedFirstPde && pde_index < kSharedEndPde);
}


// Which PDE indexes hold this personality's private user space (the rest is shared or system).
uint32_t user_pde_end(Personality p) { return uint32_t((uint64_t(layout_of(p).user_end) + 0x3FFFFF) >> 22); }
}  // namespace

const char* policy_name(Policy p) {
    switch (p) {
        case Policy::Fifo: return "fifo";
        case Policy::Clock: return "clock";
        case Policy::Lru: return "lru";
        case Policy::WorkingSet: return "ws";
    }
    return "?";
}

std::optional<Policy> parse_policy(std::string_view name) {
    if (name == "fifo") return Policy::Fifo;
    if (name == "clock") return Policy::Clock;
    if (name == "lru") return Policy::Lru;
    if (name == "ws" || name == "working-set" || name == "working_set") return Policy::WorkingSet;
    return std::nullopt;
}

const char* fault_kind_name(FaultKind k) {
    switch (k) {
        case FaultKind::None: return "none";
        case FaultKind::DemandZero: return "demand-zero";
        case FaultKind::ImageRead: return "image-read";
        case FaultKind::FileRead: return "file-read";
        case FaultKind::PagefileRead: return "pagefile-read";
        case FaultKind::Soft: return "soft";
        case FaultKind::CopyOnWrite: return "copy-on-write";
        case FaultKind::AccessViolation: return "access-violation";
        case FaultKind::GuardPage: return "guard-page";
        case FaultKind::DirtyBit: return "dirty-bit";
    }
    return "?";
}

std::optional<FaultKind> parse_fault_kind(std::string_view name) {
    for (int k = 0; k <= int(kLastFaultKind); ++k)
        if (name == fault_kind_name(FaultKind(k))) return FaultKind(k);
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Construction, address spaces, CPU state

MemoryManager::MemoryManager(const MachineConfig& config) : StoresOwner(config), Part(m_owned_stores) {
    PL_CHECK(config.frames >= 1 && config.frames <= (1u << 20));
    m_shared_tables.assign(kSharedSlots, kNoFrame);
    // Boot is not journaled: the state after construction is the state every undo returns to.
    if (config.system_pages && config.frames >= 6) {
        // One page table shared by every page directory, mapping one system page: the kernel at
        // 0x80000000 under nt (supervisor only), the VMM's data at 0xC0000000 under win95
        // (user-accessible: Windows 95 did not protect its system arena from applications).
        const bool w95 = config.personality == Personality::Win95;
        const uint32_t table = m_pfn.pop_front(FrameList::Zeroed);
        const uint32_t data = m_pfn.pop_front(FrameList::Zeroed);
        m_pfn.set_state(table, FrameState::Active);
        m_pfn.set_use(table, FrameUse::PageTable);
        m_pfn.set_flags(table, PfnEntry::kLocked);
        m_pfn.set_share_count(table, 1);
        m_pfn.set_state(data, FrameState::Active);
        m_pfn.set_use(data, FrameUse::System);
        m_pfn.set_flags(data, PfnEntry::kLocked);
        m_pfn.set_share_count(data, 1);
        m_pfn.set_pte_address(data, table << 12);
        m_ram.write_u32(table << 12, Pte::make_valid(data, x86::Writable::Yes, w95 ? x86::User::Yes : x86::User::No).raw());
        const char* text = w95 ? "VMM system arena data" : "ntoskrnl";
        for (uint32_t i = 0; text[i]; ++i) m_ram.write((data << 12) + i, 1, uint8_t(text[i]));
        m_system_table = table;
    }
    m_journal.set_enabled(config.journal);
}

uint32_t MemoryManager::frames_free() const {
    return m_pfn.list(FrameList::Free).count + m_pfn.list(FrameList::Zeroed).count;
}

void MemoryManager::set_page_directory(uint16_t space, uint32_t frame) {
    m_journal.record(core::Store::Space, 0, space, m_spaces[space].page_directory(), frame);
    m_spaces[space].raw_set_page_directory(frame);
}

void MemoryManager::set_alive(uint16_t space, bool alive) {
    m_journal.record(core::Store::Space, 1, space, m_spaces[space].alive(), alive);
    m_spaces[space].raw_set_alive(alive);
}

// The shared set is journaled as Store::Vad with target kNoSpace.
void MemoryManager::insert_shared_vad(const Vad& v) {
    record_vad(kNoSpace, nullptr, &v);
    m_shared_vads[v.start_vpn] = v;
}

void MemoryManager::erase_shared_vad(const Vad& v) {
    const Vad copy = v;
    record_vad(kNoSpace, &copy, nullptr);
    m_shared_vads.erase(copy.start_vpn);
}

void MemoryManager::replace_shared_vad(const Vad& before, const Vad& after) {
    const Vad b = before;
    record_vad(kNoSpace, &b, &after);
    m_shared_vads.erase(b.start_vpn);
    m_shared_vads[after.start_vpn] = after;
}

void MemoryManager::insert_vad(uint16_t space, const Vad& v) {
    if (in_shared_arena(space, v.base())) return insert_shared_vad(v);
    record_vad(space, nullptr, &v);
    m_spaces[space].raw_insert(v);
}

void MemoryManager::erase_vad(uint16_t space, const Vad& v) {
    if (in_shared_arena(space, v.base())) return erase_shared_vad(v);
    const Vad copy = v;
    record_vad(space, &copy, nullptr);
    m_spaces[space].raw_erase(copy.start_vpn);
}

void MemoryManager::replace_vad(uint16_t space, const Vad& before, const Vad& after) {
    if (in_shared_arena(space, before.base())) return replace_shared_vad(before, after);
    const Vad b = before;
    record_vad(space, &b, &after);
    m_spaces[space].raw_erase(b.start_vpn);
    m_spaces[space].raw_insert(after);
}

uint16_t MemoryManager::create_space(Personality personality) {
    const uint16_t id = uint16_t(m_spaces.size());
    PL_CHECK(id < kNoSpace);
    const uint32_t pd = obtain_frame(Need::Zeroed, id);
    if (pd == kNoFrame) {
        event(EventKind::OutOfMemory, kNoSpace, 0, 2);
        return kNoSpace;
    }
    event(EventKind::SpaceCreated, id, pd);
    m_journal.record(core::Store::SpaceCreate, 0, id, 0, 1, uint16_t(personality));
    m_spaces.emplace_back(id, personality);
    m_pfn.set_state(pd, FrameState::Active);
    m_pfn.set_use(pd, FrameUse::PageDirectory);
    m_pfn.set_flags(pd, PfnEntry::kLocked);
    m_pfn.set_owner(pd, id);
    m_pfn.set_share_count(pd, 1);
    set_page_directory(id, pd);
    map_system_pages(id);
    if (personality == Personality::Win95) {
        // The shared arena and the compatibility arena: the new directory gets the PDEs every
        // win95 directory has.
        for (uint32_t i = 0; i < m_shared_tables.size(); ++i)
            if (m_shared_tables[i] != kNoFrame)
                m_ram.write_u32((pd << 12) + pde_of_shared_slot(i) * 4,
                                Pte::make_valid(m_shared_tables[i], x86::Writable::Yes, x86::User::Yes).raw());
    }
    return id;
}

void MemoryManager::map_system_pages(uint16_t id) {
    const uint32_t pd = m_spaces[id].page_directory() << 12;
    const bool w95 = m_spaces[id].personality() == Personality::Win95;
    if (!w95) {
        // The self-map: the directory doubles as the page table for 0xC0000000-0xC03FFFFF, so the
        // PTE of va lives at virtual address 0xC0000000 + (va >> 12) * 4 (WinDbg's !pte shows it).
        m_ram.write_u32(pd + kSelfMapIndex * 4,
                        Pte::make_valid(pd >> 12, x86::Writable::Yes, x86::User::No).raw() | Pte::kAccessed);
    }
    if (m_system_table != kNoFrame) {
        const uint32_t index = w95 ? kW95SystemIndex : kNtKernelIndex;
        m_ram.write_u32(pd + index * 4,
                        Pte::make_valid(m_system_table, x86::Writable::Yes, w95 ? x86::User::Yes : x86::User::No).raw());
        m_pfn.set_share_count(m_system_table, m_pfn[m_system_table].share_count + 1);
    }
}

void MemoryManager::delete_space(uint16_t id) {
    AddressSpace& sp = m_spaces[id];
    if (!sp.alive()) return;
    // The handle table goes first (ObKillProcess), then the address space: a view still keeps
    // its mapping object and section alive until it is unmapped here.
    close_all_handles(id);
    std::vector<Vad> vads;
    for (const auto& [k, v] : sp.vads()) vads.push_back(v);
    for (const Vad& v : vads) {
        if (v.type == VadType::Image) {
            unmap_image(id, v.base());
            continue;
        }
        if (v.type == VadType::Mapped) {
            unmap_view_vad(id, v);
            continue;
        }
        // Each event opens before its changes, so that stepping to it shows what it did.
        event(EventKind::Released, id, v.base(), v.size());
        for (uint32_t vpn = v.start_vpn; vpn < v.end_vpn; ++vpn) free_page(id, vpn << 12, false);
        erase_vad(id, v);
    }
    // The shared regions it uses lose a user (the last user takes them down).
    std::vector<uint32_t> shared;
    for (const auto& [k, v] : m_shared_vads)
        if (std::binary_search(v.users.begin(), v.users.end(), id)) shared.push_back(v.base());
    for (uint32_t base : shared) drop_shared_user(id, base);
    free_empty_page_tables(id, 0, user_pde_end(sp.personality()) << 10);
    const uint32_t pd = sp.page_directory();
    event(EventKind::SpaceDeleted, id, pd);
    if (sp.personality() == Personality::Win95) {
        // The shared PDEs leave the dying directory; the shared tables stay for the others. A
        // table whose PFN entry named this directory's PDE now names another directory's.
        for (uint32_t i = 0; i < m_shared_tables.size(); ++i) {
            const uint32_t table = m_shared_tables[i];
            if (table == kNoFrame) continue;
            const uint32_t pde_address = (pd << 12) + pde_of_shared_slot(i) * 4;
            m_ram.write_u32(pde_address, 0);
            if (m_pfn[table].pte_address != pde_address) continue;
            for (const AddressSpace& other : m_spaces)
                if (other.alive() && other.id() != id && other.personality() == Personality::Win95) {
                    m_pfn.set_pte_address(table, other.cr3() + pde_of_shared_slot(i) * 4);
                    break;
                }
        }
    }
    if (m_system_table != kNoFrame) {
        const uint32_t index = sp.personality() == Personality::Win95 ? kW95SystemIndex : kNtKernelIndex;
        m_ram.write_u32((pd << 12) + index * 4, 0);
        m_pfn.set_share_count(m_system_table, m_pfn[m_system_table].share_count - 1);
    }
    if (sp.personality() == Personality::Nt) m_ram.write_u32((pd << 12) + kSelfMapIndex * 4, 0);
    if (m_stores.current == id) {
        set_register(CpuField::CurrentSpace, m_stores.current, kNoSpace);
        set_register(CpuField::Cr3, m_stores.cr3, 0);
        m_tlb.flush();
    }
    release_frame(pd);
    set_page_directory(id, 0);
    set_alive(id, false);
}

void MemoryManager::switch_to(uint16_t id) {
    if (m_stores.current == id) return;
    event(EventKind::Cr3Loaded, id, m_spaces[id].page_directory());
    set_register(CpuField::CurrentSpace, m_stores.current, id);
    set_register(CpuField::Cr3, m_stores.cr3, m_spaces[id].cr3());
    m_tlb.flush();
}

// ---------------------------------------------------------------------------------------------
// PTE bookkeeping

uint32_t MemoryManager::pte_address_of(uint16_t space, uint32_t va) const {
    if (space == kNoSpace) {
        const uint32_t idx = x86::pde_index(va);
        if (!is_shared_pde(idx)) return 0;
        const uint32_t table = m_shared_tables[shared_slot_of(idx)];
        return table == kNoFrame ? 0 : (table << 12) + x86::pte_index(va) * 4;
    }
    const uint32_t pde = m_ram.read_u32(m_spaces[space].cr3() + x86::pde_index(va) * 4);
    if (!(pde & Pte::kPresent) || !frame_exists(pde >> 12)) return 0;  // (beyond RAM: a debugger's PDE)
    return (pde & Pte::kFrameMask) + x86::pte_index(va) * 4;
}

uint32_t MemoryManager::va_of_pte(uint32_t pte_address) const {
    const uint32_t table = pte_address >> 12;
    if (table >= m_pfn.size()) return 0;  // not a page table's entry (e.g. a prototype index)
    const uint32_t pde_address = m_pfn[table].pte_address;
    return (((pde_address & 0xFFFu) / 4) << 22) | (((pte_address & 0xFFFu) / 4) << 12);
}

void MemoryManager::write_pte(uint32_t pte_address, uint32_t value) {
    const uint32_t old = m_ram.read_u32(pte_address);
    if (old == value) return;
    m_ram.write_u32(pte_address, value);
    if ((old == 0) != (value == 0)) {
        const uint32_t table = pte_address >> 12;
        if (m_pfn[table].use == FrameUse::PageTable)
            m_pfn.set_share_count(table, m_pfn[table].share_count + (value ? 1 : -1));
    }
}

uint32_t MemoryManager::page_protection(uint32_t pte_raw) const {
    if (pte_raw & Pte::kPresent) return SoftwarePte::protection(m_pfn[pte_raw >> 12].original_pte);
    if (SoftwarePte::kind(pte_raw) == PteKind::Prototype) {
        const uint32_t index = SoftwarePte::prototype_index(pte_raw);
        return prototype_exists(index) ? proto_protection(index) : mmprot::kNoAccess;
    }
    return SoftwarePte::protection(pte_raw);
}

uint32_t MemoryManager::valid_pte_bits(uint32_t frame, uint32_t mm_protection) const {
    const uint32_t access = mm_protection & 7u;
    const bool writable = access == mmprot::kReadWrite || access == mmprot::kExecuteReadWrite;
    const bool cow = access == mmprot::kWriteCopy || access == mmprot::kExecuteWriteCopy;
    uint32_t v = Pte::make_valid(frame, writable ? x86::Writable::Yes : x86::Writable::No, x86::User::Yes).raw();
    if (cow) v |= Pte::kCopyOnWrite;
    if (mm_protection & mmprot::kNoCache) v |= Pte::kCacheDisable;
    return v;
}

uint32_t MemoryManager::private_pte_bits(uint16_t space, uint32_t frame, uint32_t mm_protection, uint32_t original_pte,
                                         bool dirty) const {
    uint32_t v = valid_pte_bits(frame, mm_protection);
    if ((v & Pte::kWrite) && !dirty && SoftwarePte::kind(original_pte) == PteKind::Pagefile &&
        space < m_spaces.size() && m_spaces[space].personality() == Personality::Nt)
        v = (v & ~Pte::kWrite) | Pte::kSoftwareWrite;
    return v;
}

void MemoryManager::protect_valid_page(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte,
                                       uint32_t mm_protection) {
    const uint32_t frame = pte >> 12;
    m_pfn.set_original_pte(frame, SoftwarePte::with_protection(m_pfn[frame].original_pte, mm_protection));
    if (mm_protection == mmprot::kNoAccess || (mm_protection & mmprot::kGuard)) {
        // A page that may not be touched cannot stay valid: it goes to a transition PTE that
        // carries the new protection (its frame waits on standby/modified).
        trim_frame(frame);
        return;
    }
    const bool dirty = (pte & Pte::kDirty) || (m_pfn[frame].flags & PfnEntry::kModified);
    write_pte(pte_address, private_pte_bits(space, frame, mm_protection, m_pfn[frame].original_pte, dirty) |
                               (pte & (Pte::kAccessed | Pte::kDirty)));
    invalidate_page(space, va);
}

MemoryManager::PteInfo MemoryManager::pte_info(uint16_t space, uint32_t va) const {
    PteInfo info;
    const AddressSpace& sp = m_spaces[space];
    info.pde_address = sp.cr3() + x86::pde_index(va) * 4;
    info.pde = m_ram.read_u32(info.pde_address);
    if (!(info.pde & Pte::kPresent) || !frame_exists(info.pde >> 12)) return info;
    info.table_present = true;
    info.pte_address = (info.pde & Pte::kFrameMask) + x86::pte_index(va) * 4;
    info.pte = m_ram.read_u32(info.pte_address);
    info.kind = SoftwarePte::kind(info.pte);
    return info;
}

MemoryManager::PageState MemoryManager::page_state(uint16_t space, uint32_t va) const {
    const AddressSpace& sp = m_spaces[space];
    const Vad* vad = vad_at(space, va);
    if (!vad) return PageState{mem::kFree, page::kNoAccess};
    const uint32_t pte_address = pte_address_of(space, va);
    const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
    const PteKind kind = SoftwarePte::kind(pte);
    const uint32_t reserved_protect = sp.personality() == Personality::Win95 ? page::kNoAccess : 0;
    if (vad->type == VadType::Mapped && (kind == PteKind::Zero || maps_section_page(pte))) {
        const DataSection& s = m_data_sections[vad->section];
        if (s.kind == DataSectionKind::Pagefile && s.reserve && prototype(view_proto(*vad, va >> 12)) == 0)
            return PageState{mem::kReserve, reserved_protect};
        return PageState{mem::kCommit, to_win32_protection(view_protection(*vad, va >> 12))};
    }
    if (kind == PteKind::Zero)
        return vad->mem_commit ? PageState{mem::kCommit, vad->allocation_protect}
                               : PageState{mem::kReserve, reserved_protect};
    if (kind == PteKind::Decommitted) return PageState{mem::kReserve, reserved_protect};
    if (vad->type == VadType::Image && maps_section_page(pte))
        return PageState{mem::kCommit, to_win32_protection(image_protection(*vad, va >> 12))};
    return PageState{mem::kCommit, to_win32_protection(page_protection(pte))};
}

uint32_t MemoryManager::committed_pages(uint16_t space, uint32_t start_vpn, uint32_t end_vpn) const {
    uint32_t n = 0;
    for (uint32_t vpn = start_vpn; vpn < end_vpn; ++vpn)
        if (page_state(space, vpn << 12).state == mem::kCommit) ++n;
    return n;
}

bool MemoryManager::ensure_page_table(uint16_t space, uint32_t va) {
    if (in_shared_arena(space, va) || in_compat_arena(space, va)) return ensure_shared_table(space, x86::pde_index(va));
    const uint32_t pde_address = m_spaces[space].cr3() + x86::pde_index(va) * 4;
    if (m_ram.read_u32(pde_address) & Pte::kPresent) return true;
    const uint32_t frame = obtain_frame(Need::Zeroed, space);
    if (frame == kNoFrame) return false;
    event(EventKind::PageTableCreated, space, va & 0xFFC00000u, frame);
    m_pfn.set_state(frame, FrameState::Active);
    m_pfn.set_use(frame, FrameUse::PageTable);
    m_pfn.set_flags(frame, PfnEntry::kLocked);
    m_pfn.set_owner(frame, space);
    m_pfn.set_pte_address(frame, pde_address);
    m_pfn.set_share_count(frame, 0);
    // User page tables are entered writable and user-accessible: the PTEs decide.
    m_ram.write_u32(pde_address, Pte::make_valid(frame, x86::Writable::Yes, x86::User::Yes).raw());
    return true;
}

bool MemoryManager::ensure_page_tables(uint16_t space, uint32_t first_vpn, uint32_t last_vpn) {
    for (uint32_t index = first_vpn >> 10; index <= (last_vpn - 1) >> 10; ++index) {
        if (ensure_page_table(space, index << 22)) continue;
        event(EventKind::OutOfMemory, space, index << 22, 0);
        free_empty_page_tables(space, first_vpn, last_vpn);
        return false;
    }
    return true;
}

void MemoryManager::free_empty_page_tables(uint16_t space, uint32_t start_vpn, uint32_t end_vpn) {
    const uint32_t cr3 = m_spaces[space].cr3();
    const uint32_t limit = std::min(end_vpn, user_pde_end(m_spaces[space].personality()) << 10);
    for (uint32_t idx = start_vpn >> 10; (idx << 10) < limit; ++idx) {
        const uint32_t pde_address = cr3 + idx * 4;
        const uint32_t pde = m_ram.read_u32(pde_address);
        if (!(pde & Pte::kPresent)) continue;
        const uint32_t table = pde >> 12;
        // (A shared table - win95's compatibility arena at PDE 0 - is not this space's to free.)
        if (m_pfn[table].use != FrameUse::PageTable || m_pfn[table].owner != space || m_pfn[table].share_count != 0)
            continue;
        event(EventKind::PageTableFreed, space, idx << 22, table);
        m_ram.write_u32(pde_address, 0);
        release_frame(table);
    }
    // Shared tables in the range (win95): freed from every directory once empty.
    if (!in_shared_arena(space, kSharedFirstPde << 22)) return;
    const uint32_t first = std::max(start_vpn >> 10, kSharedFirstPde);
    const uint32_t last = std::min(uint32_t((uint64_t(end_vpn) + 1023) >> 10), kSharedEndPde);
    for (uint32_t idx = first; idx < last; ++idx) {
        const uint32_t table = m_shared_tables[shared_slot_of(idx)];
        if (table != kNoFrame && m_pfn[table].share_count == 0) free_shared_table(idx);
    }
}

// ---------------------------------------------------------------------------------------------
// The win95 shared arena

bool MemoryManager::in_shared_arena(uint16_t space, uint32_t va) const {
    const Layout& l = space == kNoSpace ? layout_of(m_config.personality) : m_spaces[space].layout();
    return l.shared_begin != 0 && va >= l.shared_begin && va < l.shared_end;
}

uint32_t MemoryManager::shared_table(uint32_t pde_index) const {
    if (!is_shared_pde(pde_index)) return kNoFrame;
    return m_shared_tables[shared_slot_of(pde_index)];
}

bool MemoryManager::in_compat_arena(uint16_t space, uint32_t va) const {
    const Layout& l = space == kNoSpace ? layout_of(m_config.personality) : m_spaces[space].layout();
    return l.shared_begin != 0 && va >= l.null_trap_end && va < l.alloc_lowest;
}

const Vad& MemoryManager::compat_arena() {
    // Pages 1-0x3FF: committed READWRITE from the start (a zero PTE is a demand-zero page).
    static const Vad arena{1, 0x400, VadType::Private, page::kReadWrite, true};
    return arena;
}

const Vad* MemoryManager::vad_at(uint16_t space, uint32_t va) const {
    if (in_shared_arena(space, va)) return find_vad_in(m_shared_vads, va);
    if (in_compat_arena(space, va)) return &compat_arena();
    return m_spaces[space].find_vad(va);
}

std::vector<const Vad*> MemoryManager::regions(uint16_t space) const {
    std::vector<const Vad*> out;
    if (m_spaces[space].layout().shared_begin) out.push_back(&compat_arena());  // below every own VAD
    for (const auto& [k, v] : m_spaces[space].vads()) out.push_back(&v);
    if (m_spaces[space].layout().shared_begin)
        for (const auto& [k, v] : m_shared_vads) out.push_back(&v);
    // Own VADs lie below the shared arena, so the order is already the address order.
    return out;
}

bool MemoryManager::range_is_free_for(uint16_t space, uint32_t start_vpn, uint32_t end_vpn) const {
    // win95: the NULL page and the compatibility arena below 4 MB are never free for a mapping.
    if (const Layout& l = m_spaces[space].layout(); l.shared_begin && start_vpn < (l.alloc_lowest >> 12)) return false;
    if (in_shared_arena(space, start_vpn << 12)) return range_is_free_in(m_shared_vads, start_vpn, end_vpn);
    return m_spaces[space].range_is_free(start_vpn, end_vpn);
}

std::optional<uint32_t> MemoryManager::find_shared_gap(uint32_t pages, uint32_t low) const {
    const Layout& l = layout_of(Personality::Win95);
    if (auto g = find_gap_in(m_shared_vads, pages, std::max(low, l.shared_begin), l.shared_end, false)) return g;
    return find_gap_in(m_shared_vads, pages, l.shared_begin, l.shared_end, false);
}

std::optional<uint32_t> MemoryManager::shared_image_base(uint32_t section) const {
    for (const auto& [k, v] : m_shared_vads)
        if (v.type == VadType::Image && v.section == section) return v.base();
    return std::nullopt;
}

void MemoryManager::invalidate_page(uint16_t space, uint32_t va) {
    if (space == m_stores.current || (m_stores.current != kNoSpace && (in_shared_arena(uint16_t(m_stores.current), va) ||
                                                         in_compat_arena(uint16_t(m_stores.current), va))))
        m_tlb.invalidate(x86::vpn(va));
}

void MemoryManager::set_shared_table(uint32_t pde_index, uint32_t frame) {
    uint32_t& slot = m_shared_tables[shared_slot_of(pde_index)];
    m_journal.record(core::Store::Cpu, uint8_t(CpuField::SharedTable), pde_index, slot, frame);
    slot = frame;
}

bool MemoryManager::ensure_shared_table(uint16_t for_space, uint32_t idx) {
    if (m_shared_tables[shared_slot_of(idx)] != kNoFrame) return true;
    const uint32_t frame = obtain_frame(Need::Zeroed, for_space);
    if (frame == kNoFrame) return false;
    uint32_t dirs = 0;
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive() && sp.personality() == Personality::Win95) ++dirs;
    event(EventKind::SharedTableCreated, for_space, idx << 22, frame, dirs);
    m_pfn.set_state(frame, FrameState::Active);
    m_pfn.set_use(frame, FrameUse::PageTable);
    m_pfn.set_flags(frame, PfnEntry::kLocked);
    m_pfn.set_owner(frame, kNoSpace);
    // The PDE it names is the creating directory's; every win95 directory holds the same.
    m_pfn.set_pte_address(frame, m_spaces[for_space].cr3() + idx * 4);
    m_pfn.set_share_count(frame, 0);
    set_shared_table(idx, frame);
    const uint32_t pde = Pte::make_valid(frame, x86::Writable::Yes, x86::User::Yes).raw();
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive() && sp.personality() == Personality::Win95) m_ram.write_u32(sp.cr3() + idx * 4, pde);
    return true;
}

void MemoryManager::free_shared_table(uint32_t idx) {
    const uint32_t table = m_shared_tables[shared_slot_of(idx)];
    uint32_t dirs = 0;
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive() && sp.personality() == Personality::Win95) ++dirs;
    event(EventKind::SharedTableFreed, kNoSpace, idx << 22, table, dirs);
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive() && sp.personality() == Personality::Win95) m_ram.write_u32(sp.cr3() + idx * 4, 0);
    set_shared_table(idx, kNoFrame);
    release_frame(table);
}

Result MemoryManager::add_shared_user(uint16_t space, uint32_t base) {
    const Vad* found = in_shared_arena(space, base) ? find_vad_in(m_shared_vads, base) : nullptr;
    if (!found || found->base() != base || std::binary_search(found->users.begin(), found->users.end(), space))
        return Result::failure(Error::InvalidAddress);
    Vad after = *found;
    after.users.insert(std::lower_bound(after.users.begin(), after.users.end(), space), space);
    event(EventKind::SharedRegionJoined, space, base, found->size(), uint32_t(found->type), uint32_t(after.users.size()));
    replace_shared_vad(*found, after);
    return Result::success(base);
}

Result MemoryManager::drop_shared_user(uint16_t space, uint32_t base) {
    const Vad* found = in_shared_arena(space, base) ? find_vad_in(m_shared_vads, base) : nullptr;
    if (!found || found->base() != base || !std::binary_search(found->users.begin(), found->users.end(), space))
        return Result::failure(Error::InvalidAddress);
    const Vad v = *found;
    const uint32_t left = uint32_t(v.users.size() - 1);
    event(EventKind::SharedRegionLeft, space, base, v.size(), uint32_t(v.type), left);
    if (left == 0) {
        release_shared_region(space, v);
        return Result::success();
    }
    Vad after = v;
    after.users.erase(std::lower_bound(after.users.begin(), after.users.end(), space));
    replace_shared_vad(v, after);
    return Result::success();
}

void MemoryManager::release_shared_region(uint16_t last_user, const Vad& vad) {
    const Vad v = vad;
    switch (v.type) {
        case VadType::Image: teardown_image(last_user, v); break;
        case VadType::Private:
            event(EventKind::Released, last_user, v.base(), v.size());
            for (uint32_t vpn = v.start_vpn; vpn < v.end_vpn; ++vpn) free_page(last_user, vpn << 12, false);
            erase_shared_vad(v);
            free_empty_page_tables(last_user, v.start_vpn, v.end_vpn);
            break;
        case VadType::Mapped: unmap_view_vad(last_user, v); break;
    }
}

// ---------------------------------------------------------------------------------------------
// Frames: allocation, replacement, eviction

void MemoryManager::release_frame(uint32_t frame) {
    m_pfn.remove(frame);
    m_pfn.set_state(frame, FrameState::Free);
    m_pfn.set_use(frame, FrameUse::None);
    m_pfn.set_owner(frame, kNoSpace);
    m_pfn.set_pte_address(frame, 0);
    m_pfn.set_original_pte(frame, 0);
    m_pfn.set_share_count(frame, 0);
    m_pfn.set_flags(frame, 0);
    m_pfn.push_back(FrameList::Free, frame);
}

void MemoryManager::map_private(uint16_t space, uint32_t pte_address, uint32_t frame, uint32_t mm_protection,
                                uint32_t original_pte, bool announce) {
    const uint32_t pte = private_pte_bits(space, frame, mm_protection, original_pte,
                                          (m_pfn[frame].flags & PfnEntry::kModified) != 0);
    if (announce) event(EventKind::PageMapped, space, va_of_pte(pte_address), frame, pte);
    m_pfn.set_state(frame, FrameState::Active);
    m_pfn.set_use(frame, FrameUse::Private);
    // A page in a shared table (win95 shared arena) belongs to every process: no owner.
    m_pfn.set_owner(frame, m_pfn[pte_address >> 12].owner == kNoSpace ? kNoSpace : space);
    m_pfn.set_pte_address(frame, pte_address);
    m_pfn.set_original_pte(frame, SoftwarePte::with_protection(original_pte, mm_protection));
    m_pfn.set_share_count(frame, 1);
    m_pfn.push_back(FrameList::Active, frame);
    write_pte(pte_address, pte);
}

uint32_t MemoryManager::choose_victim(std::vector<uint32_t>& tried) {
    // (Almost always nothing was tried yet: the sweep then skips the search.)
    const bool any_tried = !tried.empty();
    auto was_tried = [&](uint32_t f) {
        return any_tried && std::find(tried.begin(), tried.end(), f) != tried.end();
    };
    if (m_config.policy == Policy::Fifo || m_config.policy == Policy::Lru) {
        for (uint32_t f = m_pfn.list(FrameList::Active).first; f != kNoFrame; f = m_pfn[f].flink)
            if (!was_tried(f) && !(m_pfn[f].flags & PfnEntry::kLocked)) return f;
        return kNoFrame;
    }
    // Clock (second chance): sweep the frames; a page whose Accessed bit is set loses the bit and
    // is passed over once. Two full turns always find a victim if one exists.
    const uint32_t n = m_pfn.size();
    uint32_t hand = m_clock_hand;
    for (uint32_t step = 0; step < 2 * n + 1; ++step) {
        const uint32_t f = hand;
        hand = hand + 1 == n ? 0 : hand + 1;
        const PfnEntry& e = m_pfn[f];
        if (e.state != FrameState::Active || (e.flags & PfnEntry::kLocked) || e.list != FrameList::Active ||
            was_tried(f))
            continue;
        if (is_section_use(e.use)) {
            // A shared section page was used recently if any process's PTE says so.
            const auto maps = image_mappings(f);
            bool accessed = false;
            for (const auto& [s, pa] : maps) accessed = accessed || (m_ram.read_u32(pa) & Pte::kAccessed);
            if (accessed) {
                event(EventKind::SecondChance, maps.front().first, va_of_pte(maps.front().second), f);
                for (const auto& [s, pa] : maps) {
                    write_pte(pa, m_ram.read_u32(pa) & ~Pte::kAccessed);
                    invalidate_page(s, va_of_pte(pa));
                }
                continue;
            }
            set_register(CpuField::ClockHand, m_clock_hand, hand);
            return f;
        }
        const uint32_t pte = m_ram.read_u32(e.pte_address);
        if (pte & Pte::kAccessed) {
            // The sweep's common step, kept short: the PTE is valid before and after (no table's
            // share count changes), and the address is only needed for the event or a TLB.
            if (m_journal.enabled() || m_tlb.size()) {
                const uint32_t va = va_of_pte(e.pte_address);
                event(EventKind::SecondChance, e.owner, va, f);
                m_ram.write_known(e.pte_address, pte, pte & ~Pte::kAccessed);
                invalidate_page(e.owner, va);
            } else {
                m_ram.store_u32_unjournaled(e.pte_address, pte & ~Pte::kAccessed);
            }
            continue;
        }
        set_register(CpuField::ClockHand, m_clock_hand, hand);
        return f;
    }
    set_register(CpuField::ClockHand, m_clock_hand, hand);
    return kNoFrame;
}

bool MemoryManager::evict(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    const uint32_t pte = m_ram.read_u32(e.pte_address);
    const uint32_t va = va_of_pte(e.pte_address);
    const uint32_t prot = SoftwarePte::protection(e.original_pte);
    const bool dirty = (pte & Pte::kDirty) || (e.flags & PfnEntry::kModified);
    uint32_t new_pte;
    uint32_t slot = SoftwarePte::kind(e.original_pte) == PteKind::Pagefile ? SoftwarePte::slot(e.original_pte) : 0;
    const bool fresh = dirty && slot == 0;
    if (fresh) slot = m_pagefile.lowest_free();
    if (dirty && slot == 0) return false;  // dirty with nowhere to go: the caller tries another page
    event(EventKind::VictimChosen, e.owner, va, frame, uint32_t(m_config.policy));
    if (dirty) {
        event(EventKind::PagefileWrite, e.owner, va, frame, slot);
        if (fresh) m_pagefile.allocate();
        m_pagefile.write(slot, m_ram.content(frame), core::kInFrame | frame);
        add(Counter::PagefileWrites);
        new_pte = SoftwarePte::pagefile(slot, prot);
    } else {
        event(EventKind::PageDropped, e.owner, va, frame, slot);
        new_pte = SoftwarePte::with_protection(e.original_pte, prot);
    }
    note_vacated(frame, slot);
    write_pte(e.pte_address, new_pte);
    invalidate_page(e.owner, va);
    unuse_frame(frame);
    add(Counter::Evictions);
    return true;
}

void MemoryManager::trim_frame(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    const uint32_t pte = m_ram.read_u32(e.pte_address);
    const uint32_t va = va_of_pte(e.pte_address);
    const uint32_t prot = SoftwarePte::protection(e.original_pte);
    const bool dirty = (pte & Pte::kDirty) || (e.flags & PfnEntry::kModified);
    const FrameList to = dirty ? FrameList::Modified : FrameList::Standby;
    event(EventKind::PageTrimmed, e.owner, va, frame, uint32_t(to));
    write_pte(e.pte_address, SoftwarePte::transition(frame, prot));
    invalidate_page(e.owner, va);
    m_pfn.remove(frame);
    if (dirty) m_pfn.set_modified(frame, true);
    m_pfn.set_share_count(frame, 0);
    m_pfn.set_state(frame, dirty ? FrameState::Modified : FrameState::Standby);
    m_pfn.push_back(to, frame);
}

void MemoryManager::repurpose_standby(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    const uint32_t pte = m_ram.read_u32(e.pte_address);
    const uint32_t va = va_of_pte(e.pte_address);
    event(EventKind::PageRepurposed, e.owner, va, frame);
    note_vacated(frame, SoftwarePte::kind(e.original_pte) == PteKind::Pagefile ? SoftwarePte::slot(e.original_pte) : 0);
    write_pte(e.pte_address, SoftwarePte::with_protection(e.original_pte, SoftwarePte::protection(pte)));
    m_pfn.remove(frame);
    m_pfn.set_use(frame, FrameUse::None);
    m_pfn.set_owner(frame, kNoSpace);
    m_pfn.set_pte_address(frame, 0);
    m_pfn.set_original_pte(frame, 0);
    m_pfn.set_flags(frame, 0);
    m_pfn.set_state(frame, FrameState::Active);  // in hand (see obtain_frame)
}

bool MemoryManager::write_modified(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    uint32_t slot = SoftwarePte::kind(e.original_pte) == PteKind::Pagefile ? SoftwarePte::slot(e.original_pte) : 0;
    const bool fresh = slot == 0;
    if (fresh) slot = m_pagefile.lowest_free();
    if (slot == 0) return false;
    event(EventKind::ModifiedWritten, e.owner, va_of_pte(e.pte_address), frame, slot);
    if (fresh) m_pagefile.allocate();
    m_pagefile.write(slot, m_ram.content(frame), core::kInFrame | frame);
    add(Counter::PagefileWrites);
    m_pfn.set_original_pte(frame, SoftwarePte::pagefile(slot, SoftwarePte::protection(e.original_pte)));
    m_pfn.set_modified(frame, false);
    m_pfn.remove(frame);
    m_pfn.set_state(frame, FrameState::Standby);
    m_pfn.push_back(FrameList::Standby, frame);
    return true;
}

uint32_t MemoryManager::obtain_frame(Need need, uint16_t for_space) {
    // A frame in hand is Active with no use yet until the caller gives it one: every event
    // boundary in between is a consistent machine.
    auto take = [&](FrameList l) {
        event(EventKind::FrameTaken, for_space, m_pfn.list(l).first, uint32_t(l));
        const uint32_t f = m_pfn.pop_front(l);
        m_pfn.set_state(f, FrameState::Active);
        return f;
    };
    auto zero_if_needed = [&](uint32_t f) {
        if (need == Need::Zeroed) {
            event(EventKind::FrameZeroed, for_space, f);
            m_ram.set_content(f, core::PageRef{}, core::kNoPlace, vacated_place(f));
        }
        return f;
    };
    const FrameList first = need == Need::Zeroed ? FrameList::Zeroed : FrameList::Free;
    const FrameList second = need == Need::Zeroed ? FrameList::Free : FrameList::Zeroed;
    if (m_pfn.list(first).count) {
        const uint32_t f = take(first);
        return first == FrameList::Free ? zero_if_needed(f) : f;
    }
    if (m_pfn.list(second).count) {
        const uint32_t f = take(second);
        return second == FrameList::Free ? zero_if_needed(f) : f;
    }
    for (int round = 0; round < 3; ++round) {
        if (m_pfn.list(FrameList::Standby).count) {
            const uint32_t f = m_pfn.list(FrameList::Standby).first;
            repurpose_standby(f);
            return zero_if_needed(f);
        }
        // The modified page writer: oldest modified pages go to the pagefile, then to standby.
        bool wrote = false;
        while (m_pfn.list(FrameList::Modified).count) {
            if (!write_modified(m_pfn.list(FrameList::Modified).first)) break;
            wrote = true;
            if (m_config.policy != Policy::WorkingSet) break;
        }
        if (wrote) continue;
        if (m_config.policy == Policy::WorkingSet) {
            // Working-set trimming: age pages with the clock and move a batch to standby/modified;
            // the oldest standby page is then repurposed, the rest can still be soft-faulted back.
            const uint32_t batch = std::max<uint32_t>(1, m_pfn.size() / 16);
            std::vector<uint32_t> tried;
            uint32_t trimmed = 0;
            while (trimmed < batch) {
                const uint32_t v = choose_victim(tried);
                if (v == kNoFrame) break;
                if (is_section_use(m_pfn[v].use)) {
                    // Shared section pages are not trimmed to standby here: they are dropped at once.
                    if (evict_image(v)) return zero_if_needed(v);
                    tried.push_back(v);
                    continue;
                }
                trim_frame(v);
                ++trimmed;
            }
            if (trimmed == 0) break;
            continue;
        }
        std::vector<uint32_t> tried;
        for (;;) {
            const uint32_t v = choose_victim(tried);
            if (v == kNoFrame) return kNoFrame;
            if (is_section_use(m_pfn[v].use) ? evict_image(v) : evict(v)) return zero_if_needed(v);
            tried.push_back(v);  // dirty and the pagefile is full: try another page
        }
    }
    return kNoFrame;
}

// ---------------------------------------------------------------------------------------------
// Faults and accesses

// The PTE address of va, making its page table first when there is none; false (event
// OutOfMemory) when no frame can hold the table.
bool MemoryManager::ensure_pte_address(uint16_t space, uint32_t va, uint32_t& pte_address) {
    if (!ensure_page_table(space, va)) {
        event(EventKind::OutOfMemory, space, va, 0);
        return false;
    }
    pte_address = pte_address_of(space, va);
    return true;
}

FaultOutcome MemoryManager::access_violation(uint16_t space, uint32_t va, AvReason reason) {
    event(EventKind::AccessViolation, space, va, uint32_t(reason));
    add(Counter::AccessViolations);
    return FaultOutcome{AccessStatus::AccessViolation, FaultKind::AccessViolation, reason};
}

FaultOutcome MemoryManager::bad_entry(uint16_t space, uint32_t va, BadEntryKind kind, uint32_t number,
                                                     uint32_t limit) {
    event(EventKind::BadEntry, space, va, uint32_t(kind), number, limit);
    m_bad = AccessResult{};
    m_bad.bad = kind;
    m_bad.bad_number = number;
    m_bad.bad_limit = limit;
    return FaultOutcome{AccessStatus::BadEntry, FaultKind::None, AvReason::NoRegion};
}

FaultOutcome MemoryManager::handle_fault(uint16_t space, uint32_t va, Access kind, Mode mode,
                                                        uint32_t error_code) {
    event(EventKind::PageFault, space, va, error_code, uint32_t(kind));
    add(Counter::PageFaults);
    const AddressSpace& sp = m_spaces[space];
    const Layout& lay = sp.layout();
    if (mode == Mode::User) {
        if (va < lay.null_trap_end) return access_violation(space, va, AvReason::NullPointer);
        if (va >= lay.system_begin && !lay.system_user_accessible)
            return access_violation(space, va, AvReason::KernelAddress);
    }
    if (error_code & x86::pf::kProtection) {
        // The page is present: its rights forbade the access.
        const uint32_t pte_address = pte_address_of(space, va);
        const uint32_t pte = m_ram.read_u32(pte_address);
        if (mode == Mode::User && !(pte & Pte::kUser)) return access_violation(space, va, AvReason::Supervisor);
        if (kind == Access::Write && (pte & Pte::kCopyOnWrite)) return copy_on_write(space, va, pte_address, pte);
        if (kind == Access::Write && (pte & Pte::kSoftwareWrite)) return set_dirty_bit(space, va, pte_address, pte);
        return access_violation(space, va, AvReason::ReadOnly);
    }
    const Vad* vad = vad_at(space, va);
    if (!vad) {
        if (va >= lay.user_end && !in_shared_arena(space, va)) return access_violation(space, va, AvReason::OutsideArena);
        return access_violation(space, va, AvReason::NoRegion);
    }
    uint32_t pte_address = pte_address_of(space, va);
    const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
    const PteKind pk = SoftwarePte::kind(pte);
    // Only a debugger's write makes an entry that names what does not exist: it stops the access
    // before anything is changed (NT would bug-check; the machine here stays as it was).
    if (pk == PteKind::Transition) {
        const uint32_t f = SoftwarePte::frame(pte);
        const PfnEntry& e = m_pfn[f];
        if (!frame_exists(f) || (e.state != FrameState::Standby && e.state != FrameState::Modified) ||
            e.pte_address != pte_address)
            return bad_entry(space, va, BadEntryKind::TransitionFrame, f, m_config.frames);
    } else if (pk == PteKind::Pagefile) {
        const uint32_t slot = SoftwarePte::slot(pte);
        if (slot == 0 || !m_pagefile.in_use(slot))
            return bad_entry(space, va, BadEntryKind::PagefileSlot, slot, m_pagefile.capacity());
    } else if (pk == PteKind::Prototype && !prototype_exists(SoftwarePte::prototype_index(pte))) {
        return bad_entry(space, va, BadEntryKind::Prototype, SoftwarePte::prototype_index(pte), 0);
    }
    // A view page not yet built (zero PTE: ask the VAD) or whose section page left memory.
    if (vad->type == VadType::Mapped && (pk == PteKind::Zero || pk == PteKind::Prototype))
        return view_fault(space, va, kind, *vad, pte_address, pte);
    uint32_t prot = 0;
    switch (pk) {
        case PteKind::Valid: return FaultOutcome{};  // already resolved (retry)
        case PteKind::Zero:
            if (!vad->mem_commit) return access_violation(space, va, AvReason::Reserved);
            prot = *to_mm_protection(vad->allocation_protect);
            break;
        case PteKind::Decommitted: return access_violation(space, va, AvReason::Decommitted);
        case PteKind::Prototype: prot = vad->type == VadType::Image ? image_protection(*vad, va >> 12)
                                                                    : proto_protection(SoftwarePte::prototype_index(pte)); break;
        default: prot = SoftwarePte::protection(pte); break;
    }
    if (prot == mmprot::kNoAccess) return access_violation(space, va, AvReason::NoAccess);
    if (prot & mmprot::kGuard) {
        // STATUS_GUARD_PAGE_VIOLATION: the guard is removed and the access fails this once.
        if (!pte_address && !ensure_pte_address(space, va, pte_address)) return FaultOutcome::out_of_memory();
        const uint32_t unguarded = prot & ~mmprot::kGuard;
        event(EventKind::GuardPage, space, va);
        add(Counter::GuardPageFaults);
        if (pk == PteKind::Prototype) set_own_protection(space, va, unguarded + 1);  // the PTE stays as it is
        else write_pte(pte_address, pk == PteKind::Zero ? SoftwarePte::demand_zero(unguarded)
                                                        : SoftwarePte::with_protection(pte, unguarded));
        return FaultOutcome{AccessStatus::GuardPage, FaultKind::GuardPage, AvReason::NoRegion};
    }
    if (kind == Access::Write) {  // (the Win32 form is only needed to judge a write)
        const uint32_t win = to_win32_protection(prot);
        if (!protection_allows_write(win) && !protection_is_copy_on_write(win))
            return access_violation(space, va, AvReason::ReadOnly);
    }

    if (!pte_address && !ensure_pte_address(space, va, pte_address)) return FaultOutcome::out_of_memory();
    switch (pk) {
        case PteKind::Zero:
        case PteKind::DemandZero: {
            const uint32_t frame = obtain_frame(Need::Zeroed, space);
            if (frame == kNoFrame) {
                event(EventKind::OutOfMemory, space, va, 0);
                return FaultOutcome{AccessStatus::OutOfMemory, FaultKind::None, AvReason::NoRegion};
            }
            // (a2: the page is the system's, in win95's compatibility arena.)
            event(EventKind::DemandZero, space, va, frame, in_compat_arena(space, va) ? 1 : 0);
            add(Counter::DemandZeroFaults);
            map_private(space, pte_address, frame, prot, SoftwarePte::demand_zero(prot));
            return FaultOutcome{AccessStatus::Ok, FaultKind::DemandZero, AvReason::NoRegion};
        }
        case PteKind::Pagefile: {
            const uint32_t slot = SoftwarePte::slot(pte);
            // The host's cache: the slot's bytes were last touched when they were written out, and
            // the retried access reads them; asking for that line before the victim is chosen
            // overlaps the wait with that work (a hint: nothing of the machine changes).
            __builtin_prefetch(m_pagefile.content(slot).data() + x86::page_offset(va));
            const uint32_t frame = obtain_frame(Need::Any, space);
            if (frame == kNoFrame) {
                event(EventKind::OutOfMemory, space, va, 0);
                return FaultOutcome{AccessStatus::OutOfMemory, FaultKind::None, AvReason::NoRegion};
            }
            read_from_pagefile(space, va, frame, slot);
            map_private(space, pte_address, frame, prot, pte);
            return FaultOutcome{AccessStatus::Ok, FaultKind::PagefileRead, AvReason::NoRegion};
        }
        case PteKind::Transition: {
            const uint32_t frame = SoftwarePte::frame(pte);
            const FrameList was = m_pfn[frame].list;
            event(EventKind::SoftFault, space, va, frame, uint32_t(was));
            add(Counter::SoftFaults);
            // Taking the frame off its list and mapping it again is one step: in between, the
            // frame would be neither listed nor mapped.
            m_pfn.remove(frame);
            const uint32_t original = m_pfn[frame].original_pte;
            map_private(space, pte_address, frame, prot, original, false);
            return FaultOutcome{AccessStatus::Ok, FaultKind::Soft, AvReason::NoRegion};
        }
        case PteKind::Prototype: return resolve_prototype(space, va, pte_address, SoftwarePte::prototype_index(pte));
        default: break;
    }
    return access_violation(space, va, AvReason::NoRegion);
}

FaultOutcome MemoryManager::set_dirty_bit(uint16_t space, uint32_t va, uint32_t pte_address,
                                                         uint32_t pte) {
    // The pagefile copy is stale from this write on: NT frees the slot now (MiSetDirtyBit ->
    // MiReleasePageFileSpace) and sets R/W and Dirty; the page gets a new slot when it leaves.
    const uint32_t frame = pte >> 12;
    const uint32_t original = m_pfn[frame].original_pte;
    const bool has_slot = SoftwarePte::kind(original) == PteKind::Pagefile;
    const uint32_t slot = has_slot ? SoftwarePte::slot(original) : 0;
    event(EventKind::DirtyBitSet, space, va, frame, slot);
    add(Counter::DirtyBitFaults);
    if (has_slot) {
        // (The slot's bytes are the frame's: the journal names the frame rather than keeping them.)
        m_pagefile.release(slot, frame_place(frame, m_pagefile.content(slot)));
        m_pfn.set_original_pte(frame, SoftwarePte::demand_zero(SoftwarePte::protection(original)));
    }
    write_pte(pte_address, (pte & ~Pte::kSoftwareWrite) | Pte::kWrite | Pte::kDirty);
    invalidate_page(space, va);
    return FaultOutcome{AccessStatus::Ok, FaultKind::DirtyBit, AvReason::NoRegion};
}

bool MemoryManager::take_dirty_bit_fault(uint16_t space, uint32_t va) {
    if (m_journal.enabled() || !m_tlb.empty() || space != m_stores.current) return false;
    // The hit walk's read rights, a PDE that allows the write and a PTE that holds R/W back.
    uint32_t pde_address, pde, pte_address, pte;
    if (!user_hit_walk(m_ram.frame_table(), m_stores.cr3, va, false, pde_address, pde, pte_address, pte)) return false;
    if (!(pde & Pte::kWrite) || (pte & (Pte::kSoftwareWrite | Pte::kWrite)) != Pte::kSoftwareWrite) return false;
    add(Counter::PageFaults);
    set_dirty_bit(space, va, pte_address, pte);
    return true;
}

RetryOutcome MemoryManager::retry_outcome(uint16_t space, uint32_t va, Access kind, Mode mode, uint32_t error_code) const {
    if (!(error_code & x86::pf::kProtection)) return RetryOutcome::NotPresent;
    const uint32_t pte_address = pte_address_of(space, va);
    const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
    if (kind == Access::Write && (mode == Mode::Kernel || (pte & Pte::kUser))) {
        if (pte & Pte::kCopyOnWrite) return RetryOutcome::CopyOnWrite;
        if (pte & Pte::kSoftwareWrite) return RetryOutcome::DirtyBit;
    }
    return RetryOutcome::Protection;
}

AccessResult MemoryManager::access_page(uint16_t space, uint32_t va, uint32_t size, Access kind, uint32_t value,
                                        Mode mode, uint32_t* old_value, const uint32_t* addend) {
    AccessResult result;
    const bool want_record = m_journal.enabled();
    constexpr uint32_t kNoRetry = 0xFFFFFFFFu;
    uint32_t retry = kNoRetry;  // the open Retry event, whose outcome the next walk decides
    for (int attempt = 0; attempt < 4; ++attempt) {
        const x86::Translation t = x86::translate(m_ram, m_tlb, m_stores.cr3, va, kind, mode,
                                                  want_record ? &m_stores.last_walk : nullptr);
        if (m_tlb.size()) add(t.tlb_hit ? Counter::TlbHits : Counter::TlbMisses);
        if (!t.ok && retry != kNoRetry) {
            // The retried access faults again: its event says so (and why), not "it succeeds".
            m_journal.set_event_arg(retry, 2, uint32_t(retry_outcome(space, va, kind, mode, t.error_code)));
            m_journal.set_event_arg(retry, 3, t.error_code);
        }
        if (t.ok) {
            const uint32_t frame = t.pa >> 12;
            if (m_config.policy == Policy::Lru && m_pfn[frame].list == FrameList::Active) m_pfn.move_to_back(frame);
            if (old_value || addend) {
                const uint32_t old = m_ram.read(t.pa, size);
                if (old_value) *old_value = old;
                if (addend) value = old + *addend;
            }
            if (kind == Access::Write) m_ram.write(t.pa, size, value);
            else result.value = m_ram.read(t.pa, size);
            return result;
        }
        const FaultOutcome f =
            t.bad_level ? bad_entry(space, va, t.bad_level == 1 ? BadEntryKind::PdeFrame : BadEntryKind::PteFrame,
                                    t.bad_frame, m_config.frames)
                        : handle_fault(space, va, kind, mode, t.error_code);
        if (f.kind != FaultKind::None) result.faults |= fault_bit(f.kind);
        if (f.status != AccessStatus::Ok) {
            result.status = f.status;
            result.reason = f.reason;
            result.fault_address = va;
            if (f.status == AccessStatus::BadEntry) {
                result.bad = m_bad.bad;
                result.bad_number = m_bad.bad_number;
                result.bad_limit = m_bad.bad_limit;
            }
            return result;
        }
        if (want_record) retry = m_journal.begin_event(uint16_t(EventKind::Retry), space, va, uint32_t(kind));
    }
    PL_CHECK(false && "a resolved fault must make the access succeed");
    return result;
}

AccessResult MemoryManager::access(uint16_t space, uint32_t va, uint32_t size, Access kind, uint32_t value, Mode mode) {
    PL_CHECK(size == 1 || size == 2 || size == 4);
    PL_CHECK(space < m_spaces.size() && m_spaces[space].alive());
    if (m_stores.current != space) switch_to(space);
    AccessResult r;
    uint32_t read_value = 0;
    if (hit(space, va, size, kind, value, mode, read_value)) {
        r.value = read_value;
        return r;
    }
    add(Counter::Accesses);
    const uint32_t in_page = 0x1000 - x86::page_offset(va);
    if (size <= in_page) {
        r = access_page(space, va, size, kind, value, mode);
    } else {
        // An access that straddles two pages is two accesses, low part first (as the CPU does).
        uint32_t old_low = 0;
        r = access_page(space, va, in_page, kind, value & ((1u << (8 * in_page)) - 1), mode, &old_low);
        if (r.ok()) {
            AccessResult hi = access_page(space, va + in_page, size - in_page, kind, value >> (8 * in_page), mode);
            hi.faults |= r.faults;
            hi.value = r.value | (hi.value << (8 * in_page));
            // x86 faults are precise: a store whose high page faults for good leaves the low page
            // as it was, so the low bytes are put back (through the page: resolving the high
            // page may have moved the low one out of RAM).
            if (!hi.ok() && kind == Access::Write) access_page(space, va, in_page, kind, old_low, mode);
            r = hi;
        }
    }
    if (r.ok() && m_journal.enabled())
        event(EventKind::AccessDone, space, va, kind == Access::Write ? value : r.value, uint32_t(kind), size);
    return r;
}

AccessResult MemoryManager::interlocked_add(uint16_t space, uint32_t va, uint32_t addend) {
    PL_CHECK((va & 3) == 0);
    PL_CHECK(space < m_spaces.size() && m_spaces[space].alive());
    if (m_stores.current != space) switch_to(space);
    add(Counter::Accesses);
    uint32_t old = 0;
    AccessResult r = access_page(space, va, 4, Access::Write, 0, Mode::User, &old, &addend);
    if (!r.ok()) return r;
    r.value = old;
    event(EventKind::InterlockedAdd, space, va, old, old + addend, addend);
    return r;
}

AccessResult MemoryManager::debugger_write(uint16_t space, uint32_t va, uint32_t size, uint32_t value) {
    PL_CHECK(size == 1 || size == 2 || size == 4);
    switch_to(space);
    AccessResult r;
    for (uint32_t i = 0; i < size; ++i) {
        const uint32_t byte_va = va + i;
        // The debugger reads its way to the page first (a read never copies-on-write).
        AccessResult in = access_page(space, byte_va, 1, Access::Read, 0, Mode::Kernel);
        r.faults |= in.faults;
        if (!in.ok()) return in;
        const uint32_t pte_address = pte_address_of(space, byte_va);
        const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
        if (!pte_address || !(pte & Pte::kPresent) || !frame_exists(pte >> 12)) {
            // The read went through a stale TLB entry; the entry in memory names no frame of RAM.
            bad_entry(space, byte_va, BadEntryKind::PteFrame, pte >> 12, m_config.frames);
            AccessResult bad = m_bad;
            bad.status = AccessStatus::BadEntry;
            bad.faults = r.faults;
            bad.fault_address = byte_va;
            return bad;
        }
        const uint32_t pa = (pte & Pte::kFrameMask) | x86::page_offset(byte_va);
        event(EventKind::DebuggerWrite, space, byte_va, pa, (value >> (8 * i)) & 0xFF);
        // The debugger stores through the linear address with CR0.WP clear, so the processor
        // sets the PTE's Dirty bit: without it the page would be dropped, not written, on eviction.
        write_pte(pte_address, pte | Pte::kDirty);
        m_ram.write(pa, 1, (value >> (8 * i)) & 0xFF);
    }
    return r;
}

void MemoryManager::trim(uint16_t space) {
    std::vector<uint32_t> frames;
    for (uint32_t f = m_pfn.list(FrameList::Active).first; f != kNoFrame; f = m_pfn[f].flink)
        if (m_pfn[f].owner == space) frames.push_back(f);
    std::sort(frames.begin(), frames.end(), [&](uint32_t a, uint32_t b) {
        return m_pfn[a].pte_address < m_pfn[b].pte_address;
    });
    for (uint32_t f : frames) trim_frame(f);
}

// ---------------------------------------------------------------------------------------------
// VirtualAlloc / VirtualFree / VirtualProtect / VirtualQuery

Result MemoryManager::virtual_alloc(uint16_t space, uint32_t address, uint32_t size, uint32_t type, uint32_t protect) {
    const AddressSpace& sp = m_spaces[space];
    const Layout& lay = sp.layout();
    const bool w95 = sp.personality() == Personality::Win95;
    const bool commit = type & mem::kCommit;
    bool reserve = type & mem::kReserve;
    // kernel32's VirtualAllocEx refuses a base below the allocation granularity before asking the
    // kernel (NULL means "anywhere"); win95's lowest private address is 4 MB.
    if (address != 0 && address < lay.alloc_lowest) return Result::failure(Error::InvalidParameter);
    // NtAllocateVirtualMemory checks the type, then the protection, then the range, then the size.
    if ((!commit && !reserve) || (type & ~(mem::kCommit | mem::kReserve | mem::kTopDown)))
        return Result::failure(Error::InvalidParameter);
    if (!is_valid_private_protection(protect)) return Result::failure(Error::InvalidParameter);
    // win95: committing pages of a SEC_RESERVE view in the shared arena (the only allocation
    // PageLab takes there).
    if (commit && !reserve && size != 0 && in_shared_arena(space, address))
        if (const Vad* v = vad_at(space, address); v && v->type == VadType::Mapped && page_end(address, size) <= (uint64_t(v->end_vpn) << 12))
            return commit_view(space, *v, address >> 12, uint32_t(page_end(address, size) >> 12), *to_mm_protection(protect));
    if (address >= lay.user_end || uint64_t(address) + size > lay.user_end) return Result::failure(Error::InvalidParameter);
    if (size == 0) return Result::failure(w95 ? Error::NotEnoughMemory : Error::InvalidParameter);
    const uint32_t mm_prot = *to_mm_protection(protect);
    if (commit && address == 0) reserve = true;  // MEM_COMMIT with a NULL base reserves implicitly

    if (reserve) {
        uint32_t base;
        uint64_t end;
        if (address != 0) {
            base = address & ~(kAllocationGranularity - 1);
            end = page_end(address, size);
            if (!sp.range_is_free(base >> 12, uint32_t(end >> 12))) return Result::failure(Error::InvalidAddress);
        } else {
            const uint64_t pages = round_up(size, 0x1000) >> 12;
            if (pages > (lay.user_end >> 12)) return Result::failure(Error::NotEnoughMemory);
            auto gap = sp.find_gap(uint32_t(pages), lay.alloc_lowest, lay.user_end, type & mem::kTopDown);
            if (!gap) return Result::failure(Error::NotEnoughMemory);
            base = *gap;
            end = uint64_t(base) + (pages << 12);
        }
        const uint32_t pages = uint32_t((end - base) >> 12);
        if (commit && !charge_fits(space, pages)) return Result::failure(Error::CommitmentLimit);
        // Reserving and committing in one call is one VAD marked committed: the VAD and the
        // charge change together so that every event boundary is consistent.
        event(EventKind::Reserved, space, base, pages << 12, protect);
        if (commit) event(EventKind::Committed, space, base, pages << 12, protect, pages);
        insert_vad(space, Vad{base >> 12, uint32_t(end >> 12), VadType::Private, protect, commit});
        if (commit) add(Counter::CommitCharge, pages);
        return Result::success(base);
    }

    // MEM_COMMIT inside an existing reservation.
    const uint32_t start = address & ~0xFFFu;
    const uint64_t end = page_end(address, size);
    const Vad* vad = vad_at(space, start);
    if (vad && vad->type == VadType::Mapped && end <= (uint64_t(vad->end_vpn) << 12))
        return commit_view(space, *vad, start >> 12, uint32_t(end >> 12), mm_prot);
    if (!vad || end > (uint64_t(vad->end_vpn) << 12) || vad->type != VadType::Private)
        return Result::failure(Error::InvalidAddress);
    const uint32_t first = start >> 12, last = uint32_t(end >> 12);
    const uint32_t already = committed_pages(space, first, last);
    const uint32_t fresh = (last - first) - already;
    if (!charge_fits(space, fresh)) return Result::failure(Error::CommitmentLimit);
    if (!ensure_page_tables(space, first, last)) return Result::failure(Error::NotEnoughMemory);
    event(EventKind::Committed, space, start, (last - first) << 12, protect, fresh);
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const uint32_t va = vpn << 12;
        const uint32_t pte_address = pte_address_of(space, va);
        const uint32_t pte = m_ram.read_u32(pte_address);
        const PteKind pk = SoftwarePte::kind(pte);
        const bool committed = pk != PteKind::Decommitted && (pk != PteKind::Zero || vad->mem_commit);
        if (!committed) {
            write_pte(pte_address, SoftwarePte::demand_zero(mm_prot));
            add(Counter::CommitCharge);
        } else if (pk == PteKind::Zero) {
            write_pte(pte_address, SoftwarePte::demand_zero(mm_prot));
        } else if (pk == PteKind::Valid) {
            // Committing committed pages again sets their protection (NtAllocateVirtualMemory
            // calls NtProtectVirtualMemory for them); their contents stay.
            protect_valid_page(space, va, pte_address, pte, mm_prot);
        } else {
            write_pte(pte_address, SoftwarePte::with_protection(pte, mm_prot));
        }
    }
    return Result::success(start);
}

void MemoryManager::free_page(uint16_t space, uint32_t va, bool leave_decommitted) {
    const uint32_t pte_address = pte_address_of(space, va);
    const Vad* vad = vad_at(space, va);
    const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
    const PteKind pk = SoftwarePte::kind(pte);
    const bool committed = pk != PteKind::Decommitted && (pk != PteKind::Zero || (vad && vad->mem_commit));
    if (committed) add(Counter::CommitCharge, -1);
    if (!pte_address) return;
    auto release_slot = [&](uint32_t sw) {
        if (SoftwarePte::kind(sw) == PteKind::Pagefile) m_pagefile.release(SoftwarePte::slot(sw));
    };
    // An entry a debugger wrote may name a frame beyond RAM, or one this page does not own: it
    // is cleared, and no frame is released.
    const uint32_t named = pk == PteKind::Valid ? pte >> 12 : pk == PteKind::Transition ? SoftwarePte::frame(pte) : 0;
    if ((pk == PteKind::Valid || pk == PteKind::Transition) &&
        (!frame_exists(named) || m_pfn[named].pte_address != pte_address || m_pfn[named].use == FrameUse::None)) {
        invalidate_page(space, va);
        write_pte(pte_address, leave_decommitted ? SoftwarePte::decommitted() : 0);
        return;
    }
    if (pk == PteKind::Pagefile && !m_pagefile.in_use(SoftwarePte::slot(pte))) {
        write_pte(pte_address, leave_decommitted ? SoftwarePte::decommitted() : 0);
        return;
    }
    if (pk == PteKind::Valid) {
        const uint32_t frame = pte >> 12;
        release_slot(m_pfn[frame].original_pte);
        invalidate_page(space, va);
        write_pte(pte_address, 0);
        release_frame(frame);
    } else if (pk == PteKind::Transition) {
        const uint32_t frame = SoftwarePte::frame(pte);
        release_slot(m_pfn[frame].original_pte);
        write_pte(pte_address, 0);
        release_frame(frame);
    } else if (pk == PteKind::Pagefile) {
        release_slot(pte);
    }
    write_pte(pte_address, leave_decommitted ? SoftwarePte::decommitted() : 0);
}

Result MemoryManager::virtual_free(uint16_t space, uint32_t address, uint32_t size, uint32_t type) {
    const AddressSpace& sp = m_spaces[space];
    const Layout& lay = sp.layout();
    // Exactly one of MEM_DECOMMIT and MEM_RELEASE; kernel32 refuses MEM_RELEASE with a size.
    if (type != mem::kDecommit && type != mem::kRelease) return Result::failure(Error::InvalidParameter);
    if (type == mem::kRelease && size != 0) return Result::failure(Error::InvalidParameter);
    // NtFreeVirtualMemory: STATUS_INVALID_PARAMETER above user space or past its end.
    if (address >= lay.user_end || uint64_t(address) + size > lay.user_end)
        return Result::failure(Error::InvalidParameter);
    // win95: the compatibility arena is the system's, not an allocation of the process.
    if (in_compat_arena(space, address)) return Result::failure(Error::InvalidParameter);
    const uint32_t start = address & ~0xFFFu;
    const Vad* found = vad_at(space, start);
    if (!found) return Result::failure(Error::InvalidAddress);  // STATUS_MEMORY_NOT_ALLOCATED
    const Vad vad = *found;
    const uint64_t vad_end = uint64_t(vad.end_vpn) << 12;
    // STATUS_UNABLE_TO_FREE_VM (-> 87): the range runs past the end of the region.
    if (size != 0 && page_end(address, size) > vad_end)
        return Result::failure(Error::InvalidParameter);
    if (vad.type != VadType::Private) return Result::failure(Error::InvalidParameter);  // UNABLE_TO_DELETE_SECTION
    // Size 0 means the whole region, so the address must lie in its first page: NT compares page
    // numbers (STATUS_FREE_VM_NOT_AT_BASE -> 487).
    if (size == 0 && (start >> 12) != vad.start_vpn) return Result::failure(Error::InvalidAddress);

    if (type == mem::kRelease) {
        event(EventKind::Released, space, vad.base(), vad.size());
        for (uint32_t vpn = vad.start_vpn; vpn < vad.end_vpn; ++vpn) free_page(space, vpn << 12, false);
        erase_vad(space, vad);
        free_empty_page_tables(space, vad.start_vpn, vad.end_vpn);
        return Result::success();
    }
    const uint64_t end = size == 0 ? vad_end : page_end(address, size);
    const uint32_t first = start >> 12, last = uint32_t(end >> 12);
    // In a VAD committed at reservation a zero PTE still means "committed", so a decommitted page
    // needs NT's explicit decommitted PTE, and so a page table.
    if (vad.mem_commit && !ensure_page_tables(space, first, last)) return Result::failure(Error::NotEnoughMemory);
    event(EventKind::Decommitted, space, start, uint32_t(end - start));
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const uint32_t va = vpn << 12;
        if (page_state(space, va).state != mem::kCommit) continue;
        // Elsewhere zero means "reserved".
        free_page(space, va, vad.mem_commit);
    }
    free_empty_page_tables(space, first, last);
    return Result::success();
}

Result MemoryManager::virtual_protect(uint16_t space, uint32_t address, uint32_t size, uint32_t protect) {
    const AddressSpace& sp = m_spaces[space];
    const bool w95 = sp.personality() == Personality::Win95;
    if (size == 0) return Result::failure(Error::InvalidParameter);
    // MiProtectVirtualMemory validates the protection before it looks for the region.
    const auto mm_prot_opt = to_mm_protection(protect);
    if (!mm_prot_opt) return Result::failure(Error::InvalidParameter);
    if (address >= sp.layout().user_end) return Result::failure(Error::InvalidParameter);
    if (in_compat_arena(space, address)) return Result::failure(Error::InvalidParameter);  // win95: the system's
    const uint32_t mm_prot = *mm_prot_opt;
    const uint32_t start = address & ~0xFFFu;
    const uint64_t end = page_end(address, size);
    const Vad* vad = vad_at(space, start);
    const Error uncommitted = w95 ? Error::InvalidParameter : Error::InvalidAddress;
    if (!vad || end > (uint64_t(vad->end_vpn) << 12)) return Result::failure(uncommitted);
    if (vad->type == VadType::Private && !is_valid_private_protection(protect))
        return Result::failure(Error::InvalidParameter);
    const uint32_t first = start >> 12, last = uint32_t(end >> 12);
    if (vad->type == VadType::Image) return protect_image(space, *vad, first, last, mm_prot);
    if (vad->type == VadType::Mapped) return protect_view(space, *vad, first, last, mm_prot);
    for (uint32_t vpn = first; vpn < last; ++vpn)
        if (page_state(space, vpn << 12).state != mem::kCommit) return Result::failure(uncommitted);
    const uint32_t old = page_state(space, start).protect;
    if (!ensure_page_tables(space, first, last)) return Result::failure(Error::NotEnoughMemory);
    event(EventKind::Protected, space, start, (last - first) << 12, protect, old);
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const uint32_t va = vpn << 12;
        const uint32_t pte_address = pte_address_of(space, va);
        const uint32_t pte = m_ram.read_u32(pte_address);
        switch (SoftwarePte::kind(pte)) {
            case PteKind::Zero: write_pte(pte_address, SoftwarePte::demand_zero(mm_prot)); break;
            case PteKind::Valid: protect_valid_page(space, va, pte_address, pte, mm_prot); break;
            default: write_pte(pte_address, SoftwarePte::with_protection(pte, mm_prot)); break;
        }
    }
    return Result::success(old);
}

Result MemoryManager::virtual_query(uint16_t space, uint32_t address, MemoryBasicInformation& out) const {
    const AddressSpace& sp = m_spaces[space];
    const Layout& lay = sp.layout();
    out = MemoryBasicInformation{};
    // Windows 95 answers for its shared arena too (every process sees the same regions there).
    const bool shared = in_shared_arena(space, address);
    if (address >= lay.user_end && !shared) return Result::failure(Error::InvalidParameter);
    const uint32_t page = address & ~0xFFFu;
    const Vad* vad = vad_at(space, page);
    if (!vad) {
        const Vad* next = shared ? next_vad_in(m_shared_vads, page >> 12) : sp.next_vad(page >> 12);
        uint32_t end = next ? next->base() : shared ? lay.shared_end : lay.user_end;
        // win95: the free NULL page ends where the compatibility arena begins.
        if (in_compat_arena(space, lay.null_trap_end) && page < lay.null_trap_end) end = lay.null_trap_end;
        out.base_address = page;
        out.region_size = end - page;
        out.state = mem::kFree;
        out.protect = page::kNoAccess;
        return Result::success();
    }
    const PageState first = page_state(space, page);
    uint32_t vpn = page >> 12;
    while (vpn < vad->end_vpn) {
        // A missing page table means every PTE under it is zero: skip it in one step (not in a
        // view, whose zero PTEs each ask the section's prototype PTE, committed or not).
        const uint32_t va = vpn << 12;
        if (vad->type != VadType::Mapped && !pte_address_of(space, va)) {
            const PageState s = page_state(space, va);
            if (s.state != first.state || s.protect != first.protect) break;
            vpn = std::min(vad->end_vpn, ((vpn >> 10) + 1) << 10);
            continue;
        }
        const PageState s = page_state(space, va);
        if (s.state != first.state || s.protect != first.protect) break;
        ++vpn;
    }
    out.base_address = page;
    out.allocation_base = vad->base();
    out.allocation_protect = vad->allocation_protect;
    out.region_size = (vpn << 12) - page;
    out.state = first.state;
    out.protect = first.protect;
    out.type = vad->type == VadType::Private ? mem::kPrivate : vad->type == VadType::Mapped ? mem::kMapped : mem::kImage;
    return Result::success();
}

// ---------------------------------------------------------------------------------------------
// Undo / redo

const core::PageRef& MemoryManager::recorded_page(uint32_t record) const {
    if (!core::is_place(record)) return m_journal.page(record);
    const uint32_t n = record & ~core::kPlaceKind;
    return (record & core::kPlaceKind) == core::kInSlot ? m_pagefile.content(n) : m_ram.content(n);
}

void MemoryManager::apply(const core::Change& c, bool forward) {
    const uint64_t v = forward ? c.after : c.before;
    switch (c.store) {
        case core::Store::PhysBytes: m_ram.apply_bytes(c.target, c.field, uint32_t(v)); break;
        case core::Store::FrameContent: m_ram.apply_content(c.target, recorded_page(uint32_t(v))); break;
        case core::Store::Pfn: m_pfn.apply(c.field, c.target, v); break;
        case core::Store::ListHead: m_pfn.apply_list(c.field, c.target, v); break;
        case core::Store::ListMove: m_pfn.apply_move(c.field, c.target, uint32_t(c.before), uint32_t(c.after), forward); break;
        case core::Store::Slot: m_pagefile.apply_used(c.target, v != 0); break;
        case core::Store::SlotContent: m_pagefile.apply_content(c.target, recorded_page(uint32_t(v))); break;
        case core::Store::Counter: m_counters[c.target] = v; break;
        case core::Store::Tlb:
            if (c.field == 1) m_tlb.apply_next(uint32_t(v));
            else m_tlb.apply_entry(c.target, c.field, uint32_t(v));
            break;
        case core::Store::Cpu:
            switch (CpuField(c.field)) {
                case CpuField::Cr3: m_stores.cr3 = uint32_t(v); break;
                case CpuField::CurrentSpace: m_stores.current = uint32_t(v); break;
                case CpuField::ClockHand: m_clock_hand = uint32_t(v); break;
                case CpuField::SharedTable: m_shared_tables[shared_slot_of(c.target)] = uint32_t(v); break;
            }
            break;
        case core::Store::Vad: {
            const uint64_t remove = forward ? c.before : c.after;
            if (c.target == kNoSpace) {
                if (remove != core::kNoBlob) m_shared_vads.erase(m_stores.vad_blobs[remove].start_vpn);
                if (v != core::kNoBlob) m_shared_vads[m_stores.vad_blobs[v].start_vpn] = m_stores.vad_blobs[v];
                break;
            }
            if (remove != core::kNoBlob) m_spaces[c.target].raw_erase(m_stores.vad_blobs[remove].start_vpn);
            if (v != core::kNoBlob) m_spaces[c.target].raw_insert(m_stores.vad_blobs[v]);
            break;
        }
        case core::Store::Space:
            if (c.field == 0) m_spaces[c.target].raw_set_page_directory(uint32_t(v));
            else m_spaces[c.target].raw_set_alive(v != 0);
            break;
        case core::Store::SpaceCreate:
            if (forward) m_spaces.emplace_back(uint16_t(c.target), Personality(c.aux));
            else {
                PL_CHECK(m_spaces.size() == size_t(c.target) + 1);
                m_spaces.pop_back();
            }
            break;
        case core::Store::Section:
            if (c.field == 0) {
                if (forward) {
                    const ImageSection& b = m_section_blobs[c.after];
                    PL_CHECK(m_sections.size() == b.id && m_protos.size() == b.first_proto);
                    m_sections.push_back(b);
                    m_section_views.push_back(0);
                    for (uint32_t i = 0; i < b.pages_count(); ++i) m_protos.push_back(SoftwarePte::in_file(i, b.pages[i].mm_protection));
                } else {
                    PL_CHECK(!m_sections.empty() && m_sections.back().id == c.target);
                    m_protos.resize(m_sections.back().first_proto);
                    m_sections.pop_back();
                    m_section_views.pop_back();
                }
            } else {
                m_section_views[c.target] = uint32_t(v);
            }
            break;
        case core::Store::Proto:
            if (is_data_proto(c.target)) m_data_protos[data_proto_section(c.target)][data_proto_page(c.target)] = uint32_t(v);
            else m_protos[c.target] = uint32_t(v);
            break;
        case core::Store::Object: apply_object(c, forward); break;
        case core::Store::Os: PL_CHECK(false && "os changes are applied by the machine"); break;
    }
}

// ---------------------------------------------------------------------------------------------
// Invariants

std::vector<std::string> MemoryManager::check_invariants() const {
    std::vector<std::string> bad;
    auto fail = [&](const char* fmt, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0) {
        char buf[256];
        std::snprintf(buf, sizeof buf, fmt, a, b, c);
        bad.emplace_back(buf);
    };
    const uint32_t n = m_pfn.size();
    // Lists: links, counts and states agree.
    for (int l = 0; l < kListCount; ++l) {
        const ListHead& h = m_pfn.list(FrameList(l));
        uint32_t count = 0, prev = kNoFrame;
        for (uint32_t f = h.first; f != kNoFrame; f = m_pfn[f].flink) {
            if (++count > n) { fail("list %u is circular", l); break; }
            if (m_pfn[f].list != FrameList(l)) fail("frame 0x%X is linked on list %u but says list %u", f, l, uint32_t(m_pfn[f].list));
            if (m_pfn[f].blink != prev) fail("frame 0x%X has a wrong back link", f);
            prev = f;
        }
        if (count != h.count) fail("list %u counts %u frames but links %u", l, h.count, count);
        if (prev != h.last) fail("list %u's last frame is wrong", l);
    }
    // Mapping counts per frame, from every PTE of every live address space.
    std::vector<uint32_t> valid_maps(n, 0), transition_maps(n, 0);
    std::map<uint32_t, uint32_t> slot_refs;
    uint64_t committed = 0;
    // One page table's entries, with `space` its owner (kNoSpace: a win95 shared table, walked
    // once for every directory, its VADs the shared set).
    auto check_table = [&](uint16_t space, uint32_t idx, uint32_t table) {
        auto find = [&](uint32_t va) -> const Vad* {
            if (space != kNoSpace) return m_spaces[space].find_vad(va);
            if (idx == kCompatPde) return va >= 0x1000 ? &compat_arena() : nullptr;
            return find_vad_in(m_shared_vads, va);
        };
        const uint32_t id = space == kNoSpace ? 0xFFFFu : space;
        uint32_t nonzero = 0;
        for (uint32_t i = 0; i < 1024; ++i) {
            const uint32_t pte_address = (table << 12) + i * 4;
            const uint32_t pte = m_ram.read_u32(pte_address);
            const uint32_t va = (idx << 22) | (i << 12);
            if (pte) ++nonzero;
            const PteKind k = SoftwarePte::kind(pte);
            if (k != PteKind::Zero && !find(va))
                fail("space %u: va 0x%08X has a PTE 0x%08X outside every region", id, va, pte);
            if (k == PteKind::Valid) {
                const uint32_t f = pte >> 12;
                if (f >= n) { fail("PTE of va 0x%08X points past RAM", va); continue; }
                ++valid_maps[f];
                if (m_pfn[f].use == FrameUse::File || m_pfn[f].use == FrameUse::PagefileSection) {
                    const Vad* v = find(va);
                    const uint32_t index = m_pfn[f].pte_address;
                    if (!v || v->type != VadType::Mapped || view_proto(*v, va >> 12) != index)
                        fail("va 0x%08X maps the section frame 0x%X of another page", va, f);
                    else if (!is_data_proto(index) || !(prototype(index) & Pte::kPresent) || prototype(index) >> 12 != f)
                        fail("section frame 0x%X is mapped at va 0x%08X but its prototype PTE does not point at it", f, va);
                    if (m_pfn[f].state != FrameState::Active) fail("section frame 0x%X is not active", f);
                    continue;
                }
                if (m_pfn[f].use == FrameUse::Image) {
                    const Vad* v = find(va);
                    const uint32_t index = m_pfn[f].pte_address;
                    if (!v || v->type != VadType::Image || m_sections[v->section].first_proto + ((va >> 12) - v->start_vpn) != index)
                        fail("va 0x%08X maps the image frame 0x%X of another page", va, f);
                    else if (m_protos[index] >> 12 != f || !(m_protos[index] & Pte::kPresent))
                        fail("image frame 0x%X is mapped at va 0x%08X but its prototype PTE does not point at it", f, va);
                    if (m_pfn[f].state != FrameState::Active) fail("image frame 0x%X is not active", f);
                    continue;
                }
                if (m_pfn[f].state != FrameState::Active || m_pfn[f].use != FrameUse::Private)
                    fail("va 0x%08X maps frame 0x%X, which is not an active private frame", va, f);
                if (m_pfn[f].pte_address != pte_address) fail("frame 0x%X's PTE address is not the PTE of va 0x%08X", f, va);
                if (space == kNoSpace && m_pfn[f].owner != kNoSpace)
                    fail("frame 0x%X at shared-arena va 0x%08X is owned by space %u", f, va, m_pfn[f].owner);
                if (SoftwarePte::kind(m_pfn[f].original_pte) == PteKind::Pagefile)
                    ++slot_refs[SoftwarePte::slot(m_pfn[f].original_pte)];
            } else if (k == PteKind::Transition) {
                const uint32_t f = SoftwarePte::frame(pte);
                if (f >= n) { fail("va 0x%08X is in transition on frame 0x%X, beyond RAM", va, f); continue; }
                ++transition_maps[f];
                if (m_pfn[f].state != FrameState::Standby && m_pfn[f].state != FrameState::Modified)
                    fail("va 0x%08X is in transition on frame 0x%X, which is not standby/modified", va, f);
                if (m_pfn[f].pte_address != pte_address) fail("transition frame 0x%X does not point back at va 0x%08X", f, va);
                if (SoftwarePte::kind(m_pfn[f].original_pte) == PteKind::Pagefile)
                    ++slot_refs[SoftwarePte::slot(m_pfn[f].original_pte)];
            } else if (k == PteKind::Prototype) {
                const Vad* v = find(va);
                const uint32_t index = SoftwarePte::prototype_index(pte);
                if (v && v->type == VadType::Mapped) {
                    if (view_proto(*v, va >> 12) != index) fail("va 0x%08X has a prototype PTE for another view page (index %u)", va, index);
                } else if (!v || v->type != VadType::Image || v->section >= m_sections.size() ||
                    m_sections[v->section].first_proto + ((va >> 12) - v->start_vpn) != index)
                    fail("va 0x%08X has a prototype PTE for another page (index %u)", va, index);
            } else if (k == PteKind::Pagefile) {
                const uint32_t s = SoftwarePte::slot(pte);
                ++slot_refs[s];
                if (!m_pagefile.in_use(s)) fail("va 0x%08X is in pagefile slot %u, which is free", va, s);
            }
        }
        if (nonzero != m_pfn[table].share_count)
            fail("page table 0x%X counts %u used entries but holds %u", table, m_pfn[table].share_count, nonzero);
    };
    for (const AddressSpace& sp : m_spaces) {
        if (!sp.alive()) continue;
        const uint32_t pd = sp.page_directory();
        if (m_pfn[pd].use != FrameUse::PageDirectory || m_pfn[pd].state != FrameState::Active)
            fail("page directory frame 0x%X of space %u is not an active page directory", pd, sp.id());
        const bool w95 = sp.personality() == Personality::Win95;
        for (uint32_t idx = 0; idx < user_pde_end(sp.personality()); ++idx) {
            if (w95 && is_shared_pde(idx)) continue;  // the compatibility arena's table: below, once
            const uint32_t pde = m_ram.read_u32(sp.cr3() + idx * 4);
            if (!(pde & Pte::kPresent)) {
                if (pde != 0) fail("space %u: PDE %u is not present but not zero", sp.id(), idx);
                continue;
            }
            const uint32_t table = pde >> 12;
            if (table >= n || m_pfn[table].use != FrameUse::PageTable || m_pfn[table].state != FrameState::Active ||
                m_pfn[table].owner != sp.id()) {
                fail("space %u: PDE %u points at frame 0x%X, which is not its page table", sp.id(), idx, table);
                if (table >= n) continue;
            }
            check_table(sp.id(), idx, table);
        }
        if (sp.personality() == Personality::Win95) {
            // Exactly the shared PDEs, in every win95 directory (Accessed may differ: the walk sets it).
            for (uint32_t slot = 0; slot < kSharedSlots; ++slot) {
                const uint32_t idx = pde_of_shared_slot(slot);
                const uint32_t pde = m_ram.read_u32(sp.cr3() + idx * 4);
                const uint32_t table = m_shared_tables[slot];
                const bool right = table == kNoFrame ? pde == 0
                                                     : (pde & ~Pte::kAccessed) ==
                                                           Pte::make_valid(table, x86::Writable::Yes, x86::User::Yes).raw();
                if (!right) fail("space %u: PDE 0x%X is 0x%08X, not the shared arena's", sp.id(), idx, pde);
            }
        }
        for (const auto& [k, vad] : sp.vads())
            if (vad.type == VadType::Private) committed += committed_pages(sp.id(), vad.start_vpn, vad.end_vpn);
            else committed += image_private_pages(sp.id(), vad);  // private copies of image and view pages
    }
    // The shared arena: its tables once, its VADs once.
    for (uint32_t slot = 0; slot < kSharedSlots; ++slot) {
        const uint32_t idx = pde_of_shared_slot(slot);
        const uint32_t table = m_shared_tables[slot];
        if (table == kNoFrame) continue;
        if (table >= n) { fail("shared page table for PDE 0x%X points past RAM", idx); continue; }
        const PfnEntry& e = m_pfn[table];
        if (e.use != FrameUse::PageTable || e.state != FrameState::Active || e.owner != kNoSpace || !(e.flags & PfnEntry::kLocked))
            fail("shared page table 0x%X (PDE 0x%X) is not a locked, ownerless page table", table, idx);
        check_table(kNoSpace, idx, table);
    }
    for (const auto& [k, vad] : m_shared_vads) {
        if (vad.base() < 0x80000000u || uint64_t(vad.end_vpn) << 12 > 0xC0000000u)
            fail("shared VAD 0x%08X lies outside the shared arena", vad.base());
        if (vad.users.empty()) fail("shared VAD 0x%08X has no user", vad.base());
        for (size_t i = 0; i < vad.users.size(); ++i) {
            const uint16_t u = vad.users[i];
            if (i && vad.users[i - 1] >= u) fail("shared VAD 0x%08X's users are not in order", vad.base());
            if (u >= m_spaces.size() || !m_spaces[u].alive() || m_spaces[u].personality() != Personality::Win95)
                fail("shared VAD 0x%08X is used by space %u, which is not a live win95 space", vad.base(), u);
        }
        if (vad.type == VadType::Image || vad.type == VadType::Mapped) committed += image_private_pages(kNoSpace, vad);
        else if (vad.type == VadType::Private && !vad.users.empty() && vad.users.front() < m_spaces.size())
            committed += committed_pages(vad.users.front(), vad.start_vpn, vad.end_vpn);
    }
    for (uint32_t f = 0; f < n; ++f) {
        const PfnEntry& e = m_pfn[f];
        const bool on_list = e.list != FrameList::None;
        switch (e.state) {
            case FrameState::Free:
            case FrameState::Zeroed:
            case FrameState::Standby:
            case FrameState::Modified: {
                const FrameList want = e.state == FrameState::Free     ? FrameList::Free
                                       : e.state == FrameState::Zeroed ? FrameList::Zeroed
                                       : e.state == FrameState::Standby ? FrameList::Standby
                                                                         : FrameList::Modified;
                if (e.list != want) fail("frame 0x%X is %u but on list %u", f, uint32_t(e.state), uint32_t(e.list));
                if (e.state == FrameState::Zeroed && !m_ram.content(f).is_zero_page() &&
                    !m_ram.content(f).same_bytes(core::PageRef{}))
                    fail("frame 0x%X is on the zeroed list but holds data", f);
                if ((e.state == FrameState::Standby || e.state == FrameState::Modified) && transition_maps[f] != 1)
                    fail("frame 0x%X is on standby/modified with %u transition PTEs", f, transition_maps[f]);
                if ((e.state == FrameState::Free || e.state == FrameState::Zeroed) && (valid_maps[f] || transition_maps[f]))
                    fail("frame 0x%X is free but mapped", f);
                break;
            }
            case FrameState::Active:
                if (e.use == FrameUse::None) {
                    if (on_list || valid_maps[f] || transition_maps[f]) fail("frame 0x%X is in hand but listed or mapped", f);
                } else if (e.use == FrameUse::Private) {
                    if (valid_maps[f] != 1 || e.share_count != 1)
                        fail("private frame 0x%X is mapped by %u PTEs (share count %u)", f, valid_maps[f], e.share_count);
                    if (e.list != FrameList::Active) fail("private frame 0x%X is not on the active list", f);
                } else if (is_section_use(e.use)) {
                    if (valid_maps[f] != e.share_count)
                        fail("section frame 0x%X is mapped by %u PTEs (share count %u)", f, valid_maps[f], e.share_count);
                    if (e.list != FrameList::Active) fail("section frame 0x%X is not on the active list", f);
                    const bool data = e.use != FrameUse::Image;
                    const bool index_ok = data ? is_data_proto(e.pte_address) && data_proto_section(e.pte_address) < m_data_sections.size() &&
                                                     data_proto_page(e.pte_address) < m_data_protos[data_proto_section(e.pte_address)].size()
                                               : e.pte_address < m_protos.size();
                    if (!index_ok || prototype(e.pte_address) >> 12 != f)
                        fail("section frame 0x%X's prototype PTE does not point at it", f);
                    if (SoftwarePte::kind(e.original_pte) == PteKind::Pagefile) ++slot_refs[SoftwarePte::slot(e.original_pte)];
                } else if (on_list) {
                    fail("locked frame 0x%X is on a list", f);
                }
                break;
        }
    }
    // Prototype PTEs: a section nobody maps holds no frame and no slot.
    for (const ImageSection& sec : m_sections) {
        for (uint32_t i = 0; i < sec.pages_count(); ++i) {
            const uint32_t p = m_protos[sec.first_proto + i];
            if (p & Pte::kPresent) {
                const uint32_t f = p >> 12;
                if (f >= n || m_pfn[f].use != FrameUse::Image || m_pfn[f].pte_address != sec.first_proto + i)
                    fail("prototype PTE %u points at frame 0x%X, which is not its image frame", sec.first_proto + i, f);
            } else if (SoftwarePte::kind(p) == PteKind::Pagefile) {
                ++slot_refs[SoftwarePte::slot(p)];
            }
            if (m_section_views[sec.id] == 0 && p != SoftwarePte::in_file(i, sec.pages[i].mm_protection))
                fail("section %u is mapped nowhere but its prototype PTE %u is 0x%08X", sec.id, i, p);
        }
    }
    // Data sections' prototype PTEs, handles, mapping objects and views.
    for (const DataSection& s : m_data_sections) {
        const auto& protos = m_data_protos[s.id];
        if (protos.size() != s.pages) fail("data section %u has %u prototype PTEs but says %u pages", s.id, uint32_t(protos.size()), s.pages);
        for (uint32_t page = 0; page < protos.size(); ++page) {
            const uint32_t p = protos[page];
            if (!s.alive && p != initial_data_proto(s, page)) fail("data section %u is gone but its prototype PTE %u is 0x%08X", s.id, page, p);
            if (p & Pte::kPresent) {
                const uint32_t f = p >> 12;
                const FrameUse want = s.kind == DataSectionKind::File ? FrameUse::File : FrameUse::PagefileSection;
                if (f >= n || m_pfn[f].use != want || m_pfn[f].pte_address != data_proto_index(s.id, page))
                    fail("data section %u's page %u points at frame 0x%X, which is not its frame", s.id, page, f);
            } else if (s.kind == DataSectionKind::Pagefile && SoftwarePte::kind(p) == PteKind::Pagefile) {
                ++slot_refs[SoftwarePte::slot(p)];
                if (!m_pagefile.in_use(SoftwarePte::slot(p))) fail("data section %u's page %u is in a free pagefile slot", s.id, page);
            }
        }
    }
    {
        std::vector<uint32_t> handle_refs(m_mappings.size(), 0), view_refs(m_mappings.size(), 0);
        std::vector<uint32_t> section_views(m_data_sections.size(), 0), section_maps(m_data_sections.size(), 0);
        for (uint32_t id = 0; id < m_handles.size(); ++id) {
            if (!m_handles[id].empty() && (id >= m_spaces.size() || !m_spaces[id].alive()))
                fail("address space %u is gone but holds %u handles", id, uint32_t(m_handles[id].size()));
            for (const auto& [h, e] : m_handles[id]) {
                if (e.kind == HandleKind::Mapping) {
                    if (e.object >= m_mappings.size()) fail("handle 0x%X of space %u names no mapping object", h, id);
                    else ++handle_refs[e.object];
                } else if (e.object >= m_files.size()) {
                    fail("handle 0x%X of space %u names no file", h, id);
                }
            }
        }
        std::vector<const Vad*> views;
        for (const AddressSpace& sp : m_spaces)
            if (sp.alive())
                for (const auto& [k, v] : sp.vads()) views.push_back(&v);
        for (const auto& [k, v] : m_shared_vads) views.push_back(&v);  // once, whoever uses them
        {
            for (const Vad* vp : views) {
                const Vad& v = *vp;
                if (v.type == VadType::Image && v.mapping != 0xFFFFFFFFu) {
                    if (v.mapping >= m_mappings.size() || m_mappings[v.mapping].image_section != v.section)
                        fail("the image view at 0x%08X names a mapping object of another image", v.base());
                    else ++view_refs[v.mapping];
                    continue;
                }
                if (v.type != VadType::Mapped) continue;
                if (v.mapping >= m_mappings.size() || m_mappings[v.mapping].section != v.section ||
                    v.offset_page + (v.end_vpn - v.start_vpn) > m_data_sections[v.section].pages) {
                    fail("the view at 0x%08X does not fit its section", v.base());
                    continue;
                }
                ++view_refs[v.mapping];
                ++section_views[v.section];
            }
        }
        for (const MappingObject& m : m_mappings) {
            if (m.handles != handle_refs[m.id] || m.views != view_refs[m.id])
                fail("mapping object %u counts %u handles and %u views", m.id, m.handles, m.views);
            if (!m.alive() || m.image()) continue;
            ++section_maps[m.section];
            if (!m_data_sections[m.section].alive) fail("mapping object %u uses data section %u, which is gone", m.id, m.section);
        }
        for (const DataSection& s : m_data_sections)
            if (s.views != section_views[s.id] || s.mappings != section_maps[s.id])
                fail("data section %u counts %u views and %u mapping objects", s.id, s.views, s.mappings);
    }
    for (const auto& [slot, refs] : slot_refs)
        if (refs != 1) fail("pagefile slot %u is referenced %u times", slot, refs);
    if (slot_refs.size() != m_pagefile.used())
        fail("%u pagefile slots are in use but %u are referenced", m_pagefile.used(), uint32_t(slot_refs.size()));
    committed += data_section_charge();
    if (committed != counter(Counter::CommitCharge))
        fail("commit charge is %u pages but %u are committed", uint32_t(counter(Counter::CommitCharge)), uint32_t(committed));
    if (counter(Counter::CommitCharge) > commit_limit()) fail("commit charge exceeds the limit");
    // The TLB holds only translations the page tables still make.
    if (m_stores.current != kNoSpace) {
        for (const x86::TlbEntry& t : m_tlb.entries()) {
            if (!t.valid) continue;
            const PteInfo info = pte_info(uint16_t(m_stores.current), t.vpn << 12);
            if (!info.table_present || !(info.pte & Pte::kPresent) || (info.pte >> 12) != t.frame) {
                fail("TLB entry for page 0x%05X is stale", t.vpn);
                continue;
            }
            // Cached rights may be narrower than the entries' (the CPU re-walks), never wider; a
            // cached Dirty bit must be in the PTE, or a write through the TLB would be lost to
            // eviction.
            const Pte pde(info.pde), pte(info.pte);
            if (t.writable && !(pde.writable() && pte.writable()))
                fail("TLB entry for page 0x%05X allows writes its PTE forbids", t.vpn);
            if (t.user && !(pde.user() && pte.user())) fail("TLB entry for page 0x%05X allows user access", t.vpn);
            if (t.dirty && !pte.dirty()) fail("TLB entry for page 0x%05X is dirty but its PTE is not", t.vpn);
        }
    }
    return bad;
}

}  // namespace pagelab::mm
