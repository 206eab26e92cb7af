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
// Construction, address spaces

MemoryManager::MemoryManager(const MachineConfig& config) : StoresOwner(config), Part(m_owned_stores) {
    PL_CHECK(config.frames >= 1 && config.frames <= (1u << 20));
    m_frames.set_reclaimer(*this);
    // Boot is not journaled: the state after construction is the state every undo returns to.
    m_tables.boot();
    m_journal.set_enabled(config.journal);
}

void MemoryManager::set_page_directory(uint16_t space, uint32_t frame) {
    m_journal.record(core::Store::Space, 0, space, m_spaces[space].page_directory(), frame);
    m_spaces[space].raw_set_page_directory(frame);
}

void MemoryManager::set_alive(uint16_t space, bool alive) {
    m_journal.record(core::Store::Space, 1, space, m_spaces[space].alive(), alive);
    m_spaces[space].raw_set_alive(alive);
}

uint16_t MemoryManager::create_space(Personality personality) {
    const SpaceId id = SpaceId(m_spaces.size());
    PL_CHECK(id < kNoSpace);
    const FrameNumber pd = m_frames.obtain(Need::Zeroed, id);
    if (pd.is_none()) {
        event(EventKind::OutOfMemory, kNoSpace, 0, 2);
        return kNoSpace;
    }
    event(EventKind::SpaceCreated, id, pd);
    m_journal.record(core::Store::SpaceCreate, 0, id, 0, 1, uint16_t(personality));
    m_spaces.emplace_back(id, personality);
    m_frames.lock_in(pd, FrameUse::PageDirectory, id, 0, 1);
    set_page_directory(id, pd);
    m_tables.build_directory(id);
    return id;
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
    for (uint32_t base : m_shared.used_by(id)) drop_shared_user(id, base);
    m_tables.free_empty_page_tables(id, 0, PageTables::user_pde_end(sp.personality()) << 10);
    const FrameNumber pd(sp.page_directory());
    event(EventKind::SpaceDeleted, id, pd);
    m_tables.clear_directory(id);
    if (m_stores.current == id) {
        set_register(CpuField::CurrentSpace, m_stores.current, kNoSpace);
        set_register(CpuField::Cr3, m_stores.cr3, 0);
        m_tlb.flush();
    }
    m_frames.release(pd);
    set_page_directory(id, 0);
    set_alive(id, false);
}

Result MemoryManager::drop_shared_user(uint16_t space, uint32_t base) {
    std::optional<Vad> last;
    const Result r = m_shared.leave(space, base, last);
    if (last) release_shared_region(space, *last);
    return r;
}

// ---------------------------------------------------------------------------------------------
// PTE bookkeeping

uint32_t MemoryManager::page_protection(uint32_t pte_raw) const {
    if (pte_raw & Pte::kPresent) return SoftwarePte::protection(m_pfn[pte_raw >> 12].original_pte);
    if (SoftwarePte::kind(pte_raw) == PteKind::Prototype) {
        const uint32_t index = SoftwarePte::prototype_index(pte_raw);
        return prototype_exists(index) ? proto_protection(index) : mmprot::kNoAccess;
    }
    return SoftwarePte::protection(pte_raw);
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

FrameNumber MemoryManager::reclaim(SpaceId for_space) {
    (void)for_space;
    for (int round = 0; round < 3; ++round) {
        if (m_pfn.list(FrameList::Standby).count) {
            const uint32_t f = m_pfn.list(FrameList::Standby).first;
            repurpose_standby(f);
            return FrameNumber(f);
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
                    if (evict_image(v)) return FrameNumber(v);
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
            if (v == kNoFrame) return FrameNumber::none();
            if (is_section_use(m_pfn[v].use) ? evict_image(v) : evict(v)) return FrameNumber(v);
            tried.push_back(v);  // dirty and the pagefile is full: try another page
        }
    }
    return FrameNumber::none();
}

// ---------------------------------------------------------------------------------------------
// Faults and accesses

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
        const Vad* next = shared ? next_vad_in(m_shared.vads(), page >> 12) : sp.next_vad(page >> 12);
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
                case CpuField::SharedTable: m_shared.apply_table(c, forward); break;
            }
            break;
        case core::Store::Vad: m_regions.apply(c, forward); break;
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
        case core::Store::Object:
            switch (ObjectField(c.field)) {
                case ObjectField::FileCreate:
                case ObjectField::FilePage:
                case ObjectField::FileSize: m_disk.apply(c, forward); break;
                case ObjectField::Handle: m_handles.apply(c, forward); break;
                default: apply_object(c, forward); break;
            }
            break;
        case core::Store::Os: PL_CHECK(false && "os changes are applied by the machine"); break;
    }
}

}  // namespace pagelab::mm
