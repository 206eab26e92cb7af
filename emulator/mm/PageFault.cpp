// The page-fault handler (NT: MmAccessFault) and its handlers. handle_fault is the dispatcher: it
// refuses what no handler may resolve (a NULL pointer, a kernel address, no region, a reserved or
// decommitted page, NOACCESS, a write to a read-only page), takes a guard page's fault once, and
// hands the rest by the PTE's kind to one handler each: demand-zero, pagefile read, transition
// (soft fault), a section page (Segment: resolve_section_page), copy-on-write and the dirty bit
// (a present page whose rights forbade the access). The frame a handler needs is obtained here,
// then given to the page's new owner.
#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Access;
using x86::Mode;
using x86::Pte;

namespace {
// A write to a page whose protection allows neither writing nor copying on write.
bool write_refused(Access kind, uint32_t prot) {
    if (kind != Access::Write) return false;
    const uint32_t win = to_win32_protection(prot);  // (the Win32 form is only needed to judge a write)
    return !protection_allows_write(win) && !protection_is_copy_on_write(win);
}
}  // namespace

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

FaultOutcome MemoryManager::access_violation(uint16_t space, uint32_t va, AvReason reason) {
    event(EventKind::AccessViolation, space, va, uint32_t(reason));
    add(Counter::AccessViolations);
    return FaultOutcome{AccessStatus::AccessViolation, FaultKind::AccessViolation, reason};
}

FaultOutcome MemoryManager::no_frame(uint16_t space, uint32_t va) {
    event(EventKind::OutOfMemory, space, va, 0);
    return FaultOutcome::out_of_memory();
}

FaultOutcome MemoryManager::bad_entry(uint16_t space, uint32_t va, BadEntryKind kind, uint32_t number, uint32_t limit) {
    event(EventKind::BadEntry, space, va, uint32_t(kind), number, limit);
    m_bad = AccessResult{};
    m_bad.bad = kind;
    m_bad.bad_number = number;
    m_bad.bad_limit = limit;
    return FaultOutcome{AccessStatus::BadEntry, FaultKind::None, AvReason::NoRegion};
}

// Only a debugger's write makes an entry that names what does not exist: it stops the access
// before anything is changed (NT would bug-check; the machine here stays as it was).
std::optional<FaultOutcome> MemoryManager::check_entry(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte) {
    switch (SoftwarePte::kind(pte)) {
        case PteKind::Transition: {
            const uint32_t f = SoftwarePte::frame(pte);
            const PfnEntry& e = m_pfn[f];
            if (!frame_exists(f) || (e.state != FrameState::Standby && e.state != FrameState::Modified) ||
                !e.points_at_pte(PteAddress(pte_address)))
                return bad_entry(space, va, BadEntryKind::TransitionFrame, f, m_config.frames);
            break;
        }
        case PteKind::Pagefile: {
            const uint32_t slot = SoftwarePte::slot(pte);
            if (slot == 0 || !m_pagefile.in_use(slot))
                return bad_entry(space, va, BadEntryKind::PagefileSlot, slot, m_pagefile.capacity());
            break;
        }
        case PteKind::Prototype:
            if (!prototype_exists(SoftwarePte::prototype_index(pte)))
                return bad_entry(space, va, BadEntryKind::Prototype, SoftwarePte::prototype_index(pte), 0);
            break;
        default: break;
    }
    return std::nullopt;
}

// STATUS_GUARD_PAGE_VIOLATION: the guard is removed and the access fails this once. The page's
// PTE gets the unguarded protection (new_pte), or, for a page still backed by its section, the
// page's own protection in its VAD (the PTE stays as it is).
FaultOutcome MemoryManager::guard_page(uint16_t space, uint32_t va, uint32_t unguarded, uint32_t pte_address,
                                       std::optional<uint32_t> new_pte) {
    event(EventKind::GuardPage, space, va);
    add(Counter::GuardPageFaults);
    if (new_pte) write_pte(pte_address, *new_pte);
    else set_own_protection(space, va, unguarded + 1);
    return FaultOutcome{AccessStatus::GuardPage, FaultKind::GuardPage, AvReason::NoRegion};
}

// A documented dispatcher (see the file's comment): the refusals, then one handler per PTE kind.
FaultOutcome MemoryManager::handle_fault(uint16_t space, uint32_t va, Access kind, Mode mode, uint32_t error_code) {
    event(EventKind::PageFault, space, va, error_code, uint32_t(kind));
    add(Counter::PageFaults);
    const Layout& lay = m_spaces[space].layout();
    if (mode == Mode::User) {
        if (va < lay.null_trap_end) return access_violation(space, va, AvReason::NullPointer);
        if (va >= lay.system_begin && !lay.system_user_accessible)
            return access_violation(space, va, AvReason::KernelAddress);
    }
    if (error_code & x86::pf::kProtection) return protection_fault(space, va, kind, mode);
    const Vad* vad = vad_at(space, va);
    if (!vad) {
        if (va >= lay.user_end && !in_shared_arena(space, va)) return access_violation(space, va, AvReason::OutsideArena);
        return access_violation(space, va, AvReason::NoRegion);
    }
    uint32_t pte_address = pte_address_of(space, va);
    const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
    const PteKind pk = SoftwarePte::kind(pte);
    if (const std::optional<FaultOutcome> bad = check_entry(space, va, pte_address, pte)) return *bad;
    // A view page not yet built (zero PTE: ask the VAD) or whose section page left memory.
    if (vad->type == VadType::Mapped && (pk == PteKind::Zero || pk == PteKind::Prototype))
        return view_fault(space, va, kind, *vad, pte_address);
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
        if (!pte_address && !ensure_pte_address(space, va, pte_address)) return FaultOutcome::out_of_memory();
        const uint32_t unguarded = prot & ~mmprot::kGuard;
        std::optional<uint32_t> new_pte;
        if (pk != PteKind::Prototype)
            new_pte = pk == PteKind::Zero ? SoftwarePte::demand_zero(unguarded) : SoftwarePte::with_protection(pte, unguarded);
        return guard_page(space, va, unguarded, pte_address, new_pte);
    }
    if (write_refused(kind, prot)) return access_violation(space, va, AvReason::ReadOnly);
    if (!pte_address && !ensure_pte_address(space, va, pte_address)) return FaultOutcome::out_of_memory();
    switch (pk) {
        case PteKind::Zero:
        case PteKind::DemandZero: return demand_zero_fault(space, va, pte_address, prot);
        case PteKind::Pagefile: return pagefile_fault(space, va, pte_address, pte, prot);
        case PteKind::Transition: return transition_fault(space, va, pte_address, pte, prot);
        case PteKind::Prototype:
            return resolve_section_page(space, va, pte_address, ProtoIndex::from_raw(SoftwarePte::prototype_index(pte)), prot);
        default: break;
    }
    return access_violation(space, va, AvReason::NoRegion);
}

// The page is present: its rights forbade the access.
FaultOutcome MemoryManager::protection_fault(uint16_t space, uint32_t va, Access kind, Mode mode) {
    const uint32_t pte_address = pte_address_of(space, va);
    const uint32_t pte = m_ram.read_u32(pte_address);
    if (mode == Mode::User && !(pte & Pte::kUser)) return access_violation(space, va, AvReason::Supervisor);
    if (kind == Access::Write && (pte & Pte::kCopyOnWrite)) return copy_on_write(space, va, pte_address, pte);
    if (kind == Access::Write && (pte & Pte::kSoftwareWrite)) return set_dirty_bit(space, va, pte_address, pte);
    return access_violation(space, va, AvReason::ReadOnly);
}

FaultOutcome MemoryManager::demand_zero_fault(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t prot) {
    const uint32_t frame = obtain_frame(Need::Zeroed, space);
    if (frame == kNoFrame) return no_frame(space, va);
    // (a2: the page is the system's, in win95's compatibility arena.)
    event(EventKind::DemandZero, space, va, frame, in_compat_arena(space, va) ? 1 : 0);
    add(Counter::DemandZeroFaults);
    map_private(space, pte_address, frame, prot, SoftwarePte::demand_zero(prot));
    return FaultOutcome{AccessStatus::Ok, FaultKind::DemandZero, AvReason::NoRegion};
}

FaultOutcome MemoryManager::pagefile_fault(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte, uint32_t prot) {
    const uint32_t slot = SoftwarePte::slot(pte);
    // The host's cache: the slot's bytes were last touched when they were written out, and the
    // retried access reads them; asking for that line before the victim is chosen overlaps the
    // wait with that work (a hint: nothing of the machine changes).
    __builtin_prefetch(m_pagefile.content(slot).data() + x86::page_offset(va));
    const uint32_t frame = obtain_frame(Need::Any, space);
    if (frame == kNoFrame) return no_frame(space, va);
    read_from_pagefile(space, va, frame, slot);
    map_private(space, pte_address, frame, prot, pte);
    return FaultOutcome{AccessStatus::Ok, FaultKind::PagefileRead, AvReason::NoRegion};
}

FaultOutcome MemoryManager::transition_fault(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte, uint32_t prot) {
    const uint32_t frame = SoftwarePte::frame(pte);
    const FrameList was = m_pfn[frame].list;
    event(EventKind::SoftFault, space, va, frame, uint32_t(was));
    add(Counter::SoftFaults);
    // Taking the frame off its list and mapping it again is one step: in between, the frame
    // would be neither listed nor mapped.
    m_pfn.remove(frame);
    const uint32_t original = m_pfn[frame].original_pte;
    map_private(space, pte_address, frame, prot, original, false);
    return FaultOutcome{AccessStatus::Ok, FaultKind::Soft, AvReason::NoRegion};
}

// A view's page with no valid PTE: the view's protection decides, then the section's page.
FaultOutcome MemoryManager::view_fault(uint16_t space, uint32_t va, Access kind, const Vad& vad, uint32_t pte_address) {
    const uint32_t vpn = va >> 12;
    const uint32_t index = view_proto(vad, vpn);
    const DataSection& s = m_data_sections[vad.section];
    if (s.kind == DataSectionKind::Pagefile && s.reserve && prototype(index) == 0)
        return access_violation(space, va, AvReason::Reserved);
    const uint32_t prot = view_protection(vad, vpn);
    if (prot == mmprot::kNoAccess) return access_violation(space, va, AvReason::NoAccess);
    if (prot & mmprot::kGuard) return guard_page(space, va, prot & ~mmprot::kGuard, pte_address, std::nullopt);
    if (write_refused(kind, prot)) return access_violation(space, va, AvReason::ReadOnly);
    if (!pte_address && !ensure_pte_address(space, va, pte_address)) return FaultOutcome::out_of_memory();
    return resolve_section_page(space, va, pte_address, ProtoIndex::from_raw(index), prot);
}

FaultOutcome MemoryManager::copy_on_write(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte) {
    const uint32_t prot = writable_variant(protection_at(space, va, pte));
    const Privatized copy = privatize(space, va, pte_address, pte, prot, [&](uint32_t f) {
        event(EventKind::CopyOnWrite, space, va, pte >> 12, f, to_win32_protection(prot));
    });
    if (copy.status == Privatized::NoFrame) return no_frame(space, va);
    if (copy.status == Privatized::Retry) return FaultOutcome{AccessStatus::Ok, FaultKind::None, AvReason::NoRegion};
    add(Counter::CowFaults);
    return FaultOutcome{AccessStatus::Ok, FaultKind::CopyOnWrite, AvReason::NoRegion};
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

}  // namespace pagelab::mm
