// MEM_RESET and write watching (issue 16, rule 13; docs/fidelity.md "MEM_RESET and write watch"):
// VirtualAlloc(MEM_RESET) tells the memory manager that the contents of committed pages are no
// longer of interest — NT's MiResetVirtualMemory makes each private page clean and lets its
// pagefile copy go, so the page is dropped instead of written out when it leaves memory; a
// region reserved with MEM_WRITE_WATCH keeps a bitmap of the pages written since the last reset,
// which GetWriteWatch reads and ResetWriteWatch (or WRITE_WATCH_FLAG_RESET) clears.
#include <algorithm>

#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

// VirtualAlloc(MEM_RESET): the flag stands alone; the protection is ignored but must be valid;
// every page of the range must be committed, in one region.
Result MemoryManager::reset_pages(uint16_t space, uint32_t address, uint32_t size, uint32_t type, uint32_t protect) {
    const Layout& lay = m_spaces[space].layout();
    if (type != mem::kReset) return Result::failure(Error::InvalidParameter);
    if (!to_mm_protection(protect)) return Result::failure(Error::InvalidParameter);
    if (address >= lay.user_end || uint64_t(address) + size > lay.user_end) return Result::failure(Error::InvalidParameter);
    if (size == 0) return Result::failure(Error::InvalidParameter);
    const uint32_t start = address & ~0xFFFu;
    const uint64_t end = page_end(address, size);
    const Vad* vad = vad_at(space, start);
    if (!vad || end > (uint64_t(vad->end_vpn) << 12)) return Result::failure(Error::InvalidAddress);
    const uint32_t first = start >> 12, last = uint32_t(end >> 12);
    for (uint32_t vpn = first; vpn < last; ++vpn)
        if (page_state(space, vpn << 12).state != mem::kCommit) return Result::failure(Error::InvalidAddress);
    // A view's or an image's pages are the section's: PageLab leaves them as they are (Windows
    // may drop a pagefile-backed section's clean copy; a file's pages are the file's).
    uint32_t discardable = 0;
    if (vad->type == VadType::Private)
        for (uint32_t vpn = first; vpn < last; ++vpn)
            if (reset_page_needed(space, vpn << 12)) ++discardable;
    event(EventKind::MemReset, space, start, (last - first) << 12, discardable, uint32_t(vad->type));
    if (vad->type == VadType::Private)
        for (uint32_t vpn = first; vpn < last; ++vpn) reset_page(space, vpn << 12);
    return Result::success(start);
}

// True when MEM_RESET changes the page: it is dirty, waits on the modified list, or has a
// pagefile copy.
bool MemoryManager::reset_page_needed(uint16_t space, uint32_t va) const {
    const uint32_t pte_address = pte_address_of(space, va);
    const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
    switch (SoftwarePte::kind(pte)) {
        case PteKind::Valid: {
            const PfnEntry& e = m_pfn[pte >> 12];
            return (pte & Pte::kDirty) || (e.flags & PfnEntry::kModified) ||
                   SoftwarePte::kind(e.original_pte) == PteKind::Pagefile;
        }
        case PteKind::Transition: {
            const PfnEntry& e = m_pfn[SoftwarePte::frame(pte)];
            return e.state == FrameState::Modified || SoftwarePte::kind(e.original_pte) == PteKind::Pagefile;
        }
        case PteKind::Pagefile: return true;
        default: return false;
    }
}

// One private page forgets its contents' value: a resident page becomes clean with no pagefile
// copy (it stays, with its bytes, until it is trimmed; then it is dropped and reads as zeros), a
// modified page moves to the standby list, a page in the pagefile becomes demand-zero.
void MemoryManager::reset_page(uint16_t space, uint32_t va) {
    if (!reset_page_needed(space, va)) return;
    const uint32_t pte_address = pte_address_of(space, va);
    const uint32_t pte = m_ram.read_u32(pte_address);
    auto forget = [&](uint32_t frame) {
        const PfnEntry e = m_pfn[frame];
        if (SoftwarePte::kind(e.original_pte) == PteKind::Pagefile && m_pagefile.in_use(SoftwarePte::slot(e.original_pte)))
            m_pagefile.release(SoftwarePte::slot(e.original_pte));
        m_pfn.set_original_pte(frame, SoftwarePte::demand_zero(SoftwarePte::protection(e.original_pte)));
        m_pfn.set_modified(frame, false);
    };
    switch (SoftwarePte::kind(pte)) {
        case PteKind::Valid: {
            const uint32_t frame = pte >> 12;
            forget(frame);
            const uint32_t prot = SoftwarePte::protection(m_pfn[frame].original_pte);
            write_pte(pte_address, private_pte_bits(space, frame, prot, m_pfn[frame].original_pte, false) |
                                       (pte & Pte::kAccessed));
            invalidate_page(space, va);
            break;
        }
        case PteKind::Transition: {
            const uint32_t frame = SoftwarePte::frame(pte);
            const bool was_modified = m_pfn[frame].state == FrameState::Modified;
            forget(frame);
            if (was_modified) {
                m_pfn.remove(frame);
                m_pfn.set_state(frame, FrameState::Standby);
                m_pfn.push_back(FrameList::Standby, frame);
            }
            break;
        }
        case PteKind::Pagefile:
            if (m_pagefile.in_use(SoftwarePte::slot(pte))) m_pagefile.release(SoftwarePte::slot(pte));
            write_pte(pte_address, SoftwarePte::demand_zero(SoftwarePte::protection(pte)));
            break;
        default: break;
    }
}

void MemoryManager::set_page_mark(uint16_t space, const Vad& v, uint32_t vpn, uint8_t mark, bool on) {
    if (v.has_mark(vpn, mark) == on) return;
    Vad after = v;
    after.page_marks.resize(after.end_vpn - after.start_vpn, 0);
    uint8_t& m = after.page_marks[vpn - after.start_vpn];
    m = on ? uint8_t(m | mark) : uint8_t(m & ~mark);
    if (std::all_of(after.page_marks.begin(), after.page_marks.end(), [](uint8_t b) { return b == 0; }))
        after.page_marks.clear();
    replace_vad(space, v, after);
}

// A store of size bytes at va has happened: a page of a MEM_WRITE_WATCH region joins its bitmap.
void MemoryManager::note_write(uint16_t space, uint32_t va, uint32_t size) {
    const uint32_t low = va & ~0xFFFu, high = (va + size - 1) & ~0xFFFu;
    for (uint32_t page_va = low;; page_va = high) {
        const Vad* v = vad_at(space, page_va);
        if (v && v->write_watch && !v->has_mark(page_va >> 12, Vad::kPageWritten)) {
            event(EventKind::WriteWatched, space, page_va);
            set_page_mark(space, *v, page_va >> 12, Vad::kPageWritten, true);
        }
        if (page_va == high) break;
    }
}

// The write-watch region covering [address, address + size), or an error (87 for every refusal:
// Wine test_write_watch).
Result MemoryManager::watched_range(uint16_t space, uint32_t address, uint32_t size, const Vad*& out) const {
    if (m_spaces[space].personality() == Personality::Win95) return Result::failure(Error::CallNotImplemented);
    out = nullptr;
    if (size == 0 || address >= m_spaces[space].layout().user_end) return Result::failure(Error::InvalidParameter);
    const Vad* v = vad_at(space, address);
    if (!v || !v->write_watch || page_end(address, size) > (uint64_t(v->end_vpn) << 12))
        return Result::failure(Error::InvalidParameter);
    out = v;
    return Result::success();
}

Result MemoryManager::get_write_watch(uint16_t space, uint32_t flags, uint32_t address, uint32_t size,
                                      uint32_t max_count, std::vector<uint32_t>& out) {
    out.clear();
    if (m_spaces[space].personality() == Personality::Win95) return Result::failure(Error::CallNotImplemented);
    if (flags & ~mem::kWriteWatchFlagReset) return Result::failure(Error::InvalidParameter);
    if (max_count == 0) return Result::failure(Error::InvalidParameter);
    const Vad* v = nullptr;
    if (Result r = watched_range(space, address, size, v); !r.ok) return r;
    const uint32_t first = address >> 12, last = uint32_t(page_end(address, size) >> 12);
    uint32_t vpn = first;
    for (; vpn < last && out.size() < max_count; ++vpn)
        if (v->has_mark(vpn, Vad::kPageWritten)) out.push_back(vpn << 12);
    // WRITE_WATCH_FLAG_RESET clears what was reported (up to the last page looked at).
    if ((flags & mem::kWriteWatchFlagReset) && !out.empty()) clear_watch(space, first, vpn);
    return Result::success(uint32_t(out.size()));
}

Result MemoryManager::reset_write_watch(uint16_t space, uint32_t address, uint32_t size) {
    const Vad* v = nullptr;
    if (Result r = watched_range(space, address, size, v); !r.ok) return r;
    clear_watch(space, address >> 12, uint32_t(page_end(address, size) >> 12));
    return Result::success();
}

void MemoryManager::clear_watch(uint16_t space, uint32_t first, uint32_t last) {
    const Vad& v = *vad_at(space, first << 12);
    Vad after = v;
    uint32_t cleared = 0;
    for (uint32_t vpn = first; vpn < last; ++vpn)
        if (v.has_mark(vpn, Vad::kPageWritten)) {
            ++cleared;
            after.page_marks[vpn - v.start_vpn] &= uint8_t(~Vad::kPageWritten);
        }
    event(EventKind::WriteWatchReset, space, first << 12, (last - first) << 12, cleared);
    if (!cleared) return;
    if (std::all_of(after.page_marks.begin(), after.page_marks.end(), [](uint8_t b) { return b == 0; }))
        after.page_marks.clear();
    replace_vad(space, v, after);
}

}  // namespace pagelab::mm
