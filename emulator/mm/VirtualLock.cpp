// VirtualLock / VirtualUnlock (issue 16; docs/fidelity.md "VirtualLock and VirtualUnlock"): NT's
// NtLockVirtualMemory and NtUnlockVirtualMemory (lockvm.c, MAP_PROCESS) for any committed page of
// a process: private memory, views of a section, image pages. A locked page is marked twice: in
// its VAD (Vad::kPageLocked, per process, which the trace and the window show) and on its frame
// (PfnEntry::kWsLocked, NT's WSLE LockedInWs), which every replacement policy and every trim
// passes over. A section's frame is shared: its flag is derived from the marks, set while any
// process's locked page maps it (the lock count of NT's working-set entries, kept as the marks
// themselves), so one process unlocking leaves it resident for another. So a locked page is always
// resident and mapped in its process (check_locks). Windows 95's VirtualLock and VirtualUnlock are stubs.
#include "mm/Invariants.h"
#include "mm/MemoryManager.h"

namespace pagelab::mm {

namespace {

bool is_win95(const AddressSpace& sp) { return sp.personality() == Personality::Win95; }

// The Win32 error of the touch that failed: what NtLockVirtualMemory's exception handler returns.
Error touch_error(const AccessResult& a) {
    switch (a.status) {
        case AccessStatus::GuardPage: return Error::GuardPageViolation;  // and the page has lost GUARD
        case AccessStatus::OutOfMemory: return Error::NotEnoughMemory;   // every frame locked (see fidelity.md)
        default: return Error::NoAccess;                                 // STATUS_ACCESS_VIOLATION
    }
}

}  // namespace

// NtLockVirtualMemory's and NtUnlockVirtualMemory's argument checks: the base and the range in
// user space, a size not 0 (STATUS_INVALID_PARAMETER -> 87). The range is whole pages.
Result MemoryManager::lock_range(uint16_t space, uint32_t address, uint32_t size, uint32_t& first, uint32_t& last) const {
    const Layout& lay = m_spaces[space].layout();
    if (size == 0 || address >= lay.user_end || uint64_t(address) + size > lay.user_end)
        return Result::failure(Error::InvalidParameter);
    first = address >> 12;
    last = uint32_t(page_end(address, size) >> 12);
    return Result::success();
}

uint32_t MemoryManager::locked_pages(uint16_t space) const {
    uint32_t n = 0;
    for (const auto& [k, v] : m_spaces[space].vads())
        for (uint8_t m : v.page_marks) n += (m & Vad::kPageLocked) ? 1 : 0;
    return n;
}

// The frame a valid PTE of the page maps (kNoFrame when the page is not valid).
uint32_t MemoryManager::valid_frame(uint16_t space, uint32_t vpn) const {
    const uint32_t pte_address = pte_address_of(space, vpn << 12);
    const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
    return SoftwarePte::kind(pte) == PteKind::Valid ? pte >> 12 : kNoFrame;
}

// How many locked pages of live processes map the frame: 0 or 1 for a private frame, up to the
// number of processes locking a section's shared page.
uint32_t MemoryManager::frame_lockers(uint32_t frame) const {
    uint32_t n = 0;
    for (const AddressSpace& sp : m_spaces) {
        if (!sp.alive()) continue;
        for (const auto& [k, v] : sp.vads())
            for (uint32_t i = 0; i < v.page_marks.size(); ++i)
                if ((v.page_marks[i] & Vad::kPageLocked) && valid_frame(sp.id(), v.start_vpn + i) == frame) ++n;
    }
    return n;
}

// The frame's kWsLocked flag from the marks: set while any process's locked page maps it.
void MemoryManager::refresh_frame_lock(uint32_t frame) {
    const uint8_t flags = m_pfn[frame].flags;
    m_pfn.set_flags(frame, frame_lockers(frame) ? uint8_t(flags | PfnEntry::kWsLocked) : uint8_t(flags & ~PfnEntry::kWsLocked));
}

// The page's VAD mark, then its frame's flag (only while the page is valid; a shared frame keeps
// it while another process's locked page maps it).
void MemoryManager::set_page_locked(uint16_t space, uint32_t vpn, bool on) {
    const Vad* v = vad_at(space, vpn << 12);
    PL_CHECK(v);
    set_page_mark(space, *v, vpn, Vad::kPageLocked, on);
    if (const uint32_t frame = valid_frame(space, vpn); frame != kNoFrame) refresh_frame_lock(frame);
}

// A copy-on-write of a locked page (mm/ImageSection.cpp privatize): the lock moves to the private
// copy (NT's working-set entry now maps the copy and stays locked); the shared frame keeps its
// flag only for other lockers.
void MemoryManager::lock_moved_to_copy(uint16_t space, uint32_t va, uint32_t shared, uint32_t copy) {
    const Vad* v = vad_at(space, va);
    if (!v || !v->has_mark(va >> 12, Vad::kPageLocked)) return;
    refresh_frame_lock(copy);
    refresh_frame_lock(shared);
}

// Unmapping a view or an image (and the end of the process, which unmaps them) unlocks the
// process's locked pages in it, before the page leaves.
void MemoryManager::unlock_view_page(uint16_t space, uint32_t va) {
    const Vad* v = vad_at(space, va);
    if (v && v->has_mark(va >> 12, Vad::kPageLocked)) set_page_locked(space, va >> 12, false);
}

// The VADs of the range, before any page is touched: a page with no region fails as lockvm.c's
// VAD walk does (STATUS_ACCESS_VIOLATION -> 998). Private pages, views and images alike: their
// pages are then touched. `already` counts the pages of the range locked before.
Result MemoryManager::lock_regions(uint16_t space, uint32_t first, uint32_t last, uint32_t& already) {
    already = 0;
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const Vad* v = vad_at(space, vpn << 12);
        if (!v) return Result::failure(Error::NoAccess);
        if (v->has_mark(vpn, Vad::kPageLocked)) ++already;
    }
    return Result::success();
}

// VirtualLock: the limit, the regions, then every page touched in order (a reserved or NOACCESS
// page fails with ERROR_NOACCESS, a guard page with STATUS_GUARD_PAGE_VIOLATION and loses GUARD;
// the pages before it stay resident, none is locked), then each page made valid again if a later
// touch pushed it out, and locked.
Result MemoryManager::virtual_lock(uint16_t space, uint32_t address, uint32_t size, uint32_t& faults) {
    faults = 0;
    if (is_win95(m_spaces[space])) {
        event(EventKind::LockIgnored, space, address & ~0xFFFu, uint32_t(page_end(address, std::max(size, 1u)) - (address & ~0xFFFu)), 0);
        return Result::success();
    }
    uint32_t first = 0, last = 0, already = 0;
    if (Result r = lock_range(space, address, size, first, last); !r.ok) return r;
    const uint32_t pages = last - first, locked = locked_pages(space);
    auto quota = [&](uint32_t asked) {
        event(EventKind::LockQuota, space, first << 12, asked, locked, kVirtualLockLimit);
        return Result::failure(Error::WorkingSetQuota);
    };
    if (pages > kVirtualLockLimit) return quota(pages);
    if (Result r = lock_regions(space, first, last, already); !r.ok) return r;
    if (locked + pages - already > kVirtualLockLimit) return quota(pages - already);
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const AccessResult a = access(space, vpn << 12, 1, x86::Access::Read);
        faults |= a.faults;
        if (!a.ok()) return Result::failure(touch_error(a));
    }
    event(EventKind::PagesLocked, space, first << 12, pages << 12, pages - already, locked + pages - already);
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const uint32_t pte_address = pte_address_of(space, vpn << 12);
        if (!pte_address || SoftwarePte::kind(m_ram.read_u32(pte_address)) != PteKind::Valid) {
            const AccessResult a = access(space, vpn << 12, 1, x86::Access::Read);
            faults |= a.faults;
            if (!a.ok()) {  // every frame is locked: the pages this call locked are let go again
                for (uint32_t v = first; v < vpn; ++v) set_page_locked(space, v, false);
                return Result::failure(touch_error(a));
            }
        }
        set_page_locked(space, vpn, true);
    }
    return Result::success();
}

// VirtualUnlock: every page of the range must be locked, else ERROR_NOT_LOCKED and nothing is
// unlocked — but, as NtUnlockVirtualMemory does, each resident page that was not locked is
// taken out of the working set on the way (the documented trick for trimming a range).
Result MemoryManager::virtual_unlock(uint16_t space, uint32_t address, uint32_t size) {
    if (is_win95(m_spaces[space])) {
        event(EventKind::LockIgnored, space, address & ~0xFFFu, uint32_t(page_end(address, std::max(size, 1u)) - (address & ~0xFFFu)), 1);
        return Result::success();
    }
    uint32_t first = 0, last = 0, already = 0;
    if (Result r = lock_range(space, address, size, first, last); !r.ok) return r;
    bool not_locked = false;
    std::vector<uint32_t> strays;  // resident pages that are not locked: their frames
    for (uint32_t vpn = first; vpn < last && !not_locked; ++vpn)
        if (!vad_at(space, vpn << 12)) not_locked = true;  // lockvm.c stops at a page with no region
    if (!not_locked) {
        if (Result r = lock_regions(space, first, last, already); !r.ok) return r;
        for (uint32_t vpn = first; vpn < last; ++vpn) {
            const uint32_t pte_address = pte_address_of(space, vpn << 12);
            const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
            if (vad_at(space, vpn << 12)->has_mark(vpn, Vad::kPageLocked)) continue;
            not_locked = true;
            // A section's shared page stays: PageLab takes such a page out of every process at once
            // (evict_section), not out of one working set (docs/fidelity.md).
            if (SoftwarePte::kind(pte) == PteKind::Valid && !is_section_use(m_pfn[pte >> 12].use)) strays.push_back(pte >> 12);
        }
    }
    if (not_locked) {
        event(EventKind::UnlockNotLocked, space, first << 12, (last - first) << 12, uint32_t(strays.size()));
        for (uint32_t frame : strays) trim_frame(frame);
        return Result::failure(Error::NotLocked);
    }
    event(EventKind::PagesUnlocked, space, first << 12, (last - first) << 12, locked_pages(space) - (last - first));
    for (uint32_t vpn = first; vpn < last; ++vpn) set_page_locked(space, vpn, false);
    return Result::success();
}

// VirtualProtect (or a commit again) to NOACCESS or GUARD of a valid page: NT removes the page
// from the working set, and a locked page loses its lock (MiSetProtectionOnSection's `Locked`,
// STATUS_WAS_UNLOCKED). Called before the page is trimmed.
void MemoryManager::drop_lock_for_protection(uint16_t space, uint32_t va, uint32_t frame) {
    const Vad* v = vad_at(space, va);
    if (!v || !v->has_mark(va >> 12, Vad::kPageLocked)) return;
    event(EventKind::LockDropped, space, va, frame);
    set_page_locked(space, va >> 12, false);
}

// ----- Invariants -----
// A page marked locked in its VAD is resident: its PTE valid, its frame active, on the active list
// and flagged kWsLocked — a private page's frame owned by its process, a view's or an image's page
// either the section's shared frame or the process's private copy. A frame flagged kWsLocked is
// mapped by at least one such page (the flag is the lock count's "not zero").
void MemoryManager::check_locks(InvariantReport& report) const {
    std::vector<bool> held(m_pfn.size(), false);
    for (const AddressSpace& sp : m_spaces) {
        if (!sp.alive()) continue;
        for (const auto& [k, v] : sp.vads())
            for (uint32_t i = 0; i < v.page_marks.size(); ++i) {
                if (!(v.page_marks[i] & Vad::kPageLocked)) continue;
                const uint32_t va = (v.start_vpn + i) << 12;
                const uint32_t frame = valid_frame(sp.id(), v.start_vpn + i);
                const bool known = frame != kNoFrame && frame < m_pfn.size();  // (a forged PTE may name any frame)
                const PfnEntry& e = m_pfn[known ? frame : 0];
                const bool shared = v.type != VadType::Private && is_section_use(e.use);
                if (!known || !(shared || (e.use == FrameUse::Private && e.owner == sp.id()))) {
                    report.fail("space %u: locked page 0x%08X is not resident in its process (frame 0x%X)", sp.id(), va, frame);
                    continue;
                }
                held[frame] = true;
                if (!(e.flags & PfnEntry::kWsLocked) || e.state != FrameState::Active || e.list != FrameList::Active)
                    report.fail("space %u: locked page 0x%08X's frame 0x%X is not locked in its working set", sp.id(), va, frame);
            }
    }
    for (uint32_t f = 0; f < m_pfn.size(); ++f)
        if ((m_pfn[f].flags & PfnEntry::kWsLocked) && !held[f])
            report.fail("frame 0x%X is flagged locked (VirtualLock) but no locked page maps it", f);
}

}  // namespace pagelab::mm
