// The private-memory Win32 API (WINDOWS.md "Private memory"): VirtualAlloc, VirtualFree,
// VirtualProtect, VirtualQuery, and what they read and change one page at a time — a page's
// Win32 state and protection (page_state, also used by expectations), decommitting a page
// (free_page) and re-protecting a valid one (protect_valid_page).
#include <algorithm>

#include "mm/Invariants.h"
#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

// The commit charge is the committed pages of every live space's private regions, the private
// copies of image and view pages, the shared arena's, and the live pagefile-backed sections'; it
// stays within the limit.
void MemoryManager::check_commit(InvariantReport& report) const {
    uint64_t committed = 0;
    for (const AddressSpace& sp : m_spaces) {
        if (!sp.alive()) continue;
        for (const auto& [k, vad] : sp.vads())
            if (vad.type == VadType::Private) committed += committed_pages(sp.id(), vad.start_vpn, vad.end_vpn);
            else committed += image_private_pages(sp.id(), vad);  // private copies of image and view pages
    }
    for (const auto& [k, vad] : shared_vads()) {
        if (vad.type == VadType::Image || vad.type == VadType::Mapped) committed += image_private_pages(kSharedArena, vad);
        else if (vad.type == VadType::Private && !vad.users.empty() && vad.users.front() < m_spaces.size())
            committed += committed_pages(vad.users.front(), vad.start_vpn, vad.end_vpn);
    }
    committed += data_section_charge();
    report.committed = committed;
    const uint64_t charge = counter(Counter::CommitCharge);
    if (committed != charge) report.fail("commit charge is %u pages but %u are committed", uint32_t(charge), uint32_t(committed));
    if (charge > commit_limit()) report.fail("commit charge exceeds the limit");
}


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
    if (mm_protection == mmprot::kNoAccess || (mm_protection & mmprot::kGuard)) {
        // A page that may not be touched cannot stay valid: it goes to a transition PTE that
        // carries the new protection (its frame waits on standby/modified). A locked page loses
        // its lock first. The protection changes once the page is out, so that no event boundary
        // sees a valid PTE whose protection forbids it.
        drop_lock_for_protection(space, va, frame);
        trim_frame(frame);
        m_pfn.set_original_pte(frame, SoftwarePte::with_protection(m_pfn[frame].original_pte, mm_protection));
        write_pte(pte_address, SoftwarePte::transition(frame, mm_protection));
        return;
    }
    m_pfn.set_original_pte(frame, SoftwarePte::with_protection(m_pfn[frame].original_pte, mm_protection));
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


Result MemoryManager::virtual_alloc(uint16_t space, uint32_t address, uint32_t size, uint32_t type, uint32_t protect) {
    const AddressSpace& sp = m_spaces[space];
    const Layout& lay = sp.layout();
    const bool w95 = sp.personality() == Personality::Win95;
    const bool commit = type & mem::kCommit;
    bool reserve = type & mem::kReserve;
    // kernel32's VirtualAllocEx refuses a base below the allocation granularity before asking the
    // kernel (NULL means "anywhere"); win95's lowest private address is 4 MB.
    if (address != 0 && address < lay.alloc_lowest) return Result::failure(Error::InvalidParameter);
    // MEM_RESET stands alone (mm/WriteWatch.cpp); Windows 95 does not know it.
    if ((type & mem::kReset) && !w95) return reset_pages(space, address, size, type, protect);
    // NtAllocateVirtualMemory checks the type, then the protection, then the range, then the size.
    // MEM_WRITE_WATCH (NT only) needs MEM_RESERVE.
    const uint32_t known = mem::kCommit | mem::kReserve | mem::kTopDown | (w95 ? 0 : mem::kWriteWatch);
    if ((!commit && !reserve) || (type & ~known) || ((type & mem::kWriteWatch) && !reserve))
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

    if (reserve) return reserve_region(space, address, size, type, protect, commit);
    return commit_in_region(space, address, size, protect, mm_prot);
}

// MEM_RESERVE (with MEM_COMMIT: one VAD marked committed) at address, or anywhere (address 0).
Result MemoryManager::reserve_region(uint16_t space, uint32_t address, uint32_t size, uint32_t type, uint32_t protect,
                                     bool commit) {
    const AddressSpace& sp = m_spaces[space];
    const Layout& lay = sp.layout();
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
    Vad vad{base >> 12, uint32_t(end >> 12), VadType::Private, protect, commit};
    vad.write_watch = type & mem::kWriteWatch;
    insert_vad(space, vad);
    if (commit) add(Counter::CommitCharge, pages);
    return Result::success(base);
}

// MEM_COMMIT inside an existing reservation (or a view's pages).
Result MemoryManager::commit_in_region(uint16_t space, uint32_t address, uint32_t size, uint32_t protect, uint32_t mm_prot) {
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
    // Decommit and release unlock (the frame's flag goes with the frame).
    if (vad && vad->has_mark(va >> 12, Vad::kPageLocked)) set_page_mark(space, *vad, va >> 12, Vad::kPageLocked, false);
    if (!pte_address) return;
    auto release_slot = [&](uint32_t sw) {
        if (SoftwarePte::kind(sw) == PteKind::Pagefile) m_pagefile.release(SoftwarePte::slot(sw));
    };
    // An entry a debugger wrote may name a frame beyond RAM, or one this page does not own: it
    // is cleared, and no frame is released.
    const uint32_t named = pk == PteKind::Valid ? pte >> 12 : pk == PteKind::Transition ? SoftwarePte::frame(pte) : 0;
    if ((pk == PteKind::Valid || pk == PteKind::Transition) &&
        (!frame_exists(named) || !m_pfn[named].points_at_pte(PteAddress(pte_address)) || m_pfn[named].use == FrameUse::None)) {
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
    // win95: decommitting pages of a SEC_RESERVE view in the shared arena.
    if (type == mem::kDecommit && size != 0 && in_shared_arena(space, address))
        if (const Vad* v = vad_at(space, address); v && v->type == VadType::Mapped && page_end(address, size) <= (uint64_t(v->end_vpn) << 12))
            return decommit_view(space, *v, address >> 12, uint32_t(page_end(address, size) >> 12));
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
    // Windows 95 reports a SEC_RESERVE view as private memory reserved with no access (Wine
    // test_MapViewOfFile's win9x branch).
    if (sp.personality() == Personality::Win95 && vad->type == VadType::Mapped &&
        m_data_sections[vad->section].kind == DataSectionKind::Pagefile && m_data_sections[vad->section].reserve) {
        out.type = mem::kPrivate;
        out.allocation_protect = page::kNoAccess;
    }
    return Result::success();
}


}  // namespace pagelab::mm
