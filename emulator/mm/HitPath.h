// The hit path: MemoryManager's inlined accesses that need no fault — access()'s first try
// (hit), the replay's loops over runs of such accesses (hit_run, behind hit_run_unjournaled and
// hit_run_journaled) and the walk they share (user_hit_walk). Included at the end of
// mm/MemoryManager.h: each of these is a member of MemoryManager, kept here so that the class reads
// as its parts and its API, and the hot loop reads as one piece.
#pragma once

#include <algorithm>
#include <cstring>

namespace pagelab::mm {

// access_hit's body for any mode; the space is the running one (CR3 loaded).
// When the PDE and PTE already allow the access and the PDE already carries Accessed, the
// walk's only possible change is setting the PTE's Accessed (and Dirty, for a write) bits, done
// here in the walk's order; the effects are exactly those of access_page's successful first
// walk. Clock clears Accessed bits by the thousand, so a hit on a page it passed over stays
// here too. Faults and the TLB take the full walk (access_page).
inline bool MemoryManager::hit(uint16_t space, uint32_t va, uint32_t size, x86::Access kind, uint32_t value,
                               x86::Mode mode, uint32_t& read_value) {
    using x86::Pte;
    if (!m_tlb.empty() || x86::page_offset(va) + size > 0x1000) [[unlikely]]
        return false;
    const bool write = kind == x86::Access::Write;
    const uint32_t rights = Pte::kPresent | (mode == x86::Mode::User ? Pte::kUser : 0u) | (write ? Pte::kWrite : 0u);
    const uint32_t need = rights | Pte::kAccessed;
    const uint32_t pde_address = m_stores.cr3 + x86::pde_index(va) * 4;
    const uint32_t pde = m_ram.read_u32(pde_address);
    if ((pde & need) != need) [[unlikely]]
        return false;
    // An entry naming a frame beyond RAM (a debugger's write) is the walk's to report.
    const uint32_t frames = m_config.frames;
    if ((pde >> 12) >= frames) [[unlikely]]
        return false;
    const uint32_t pte_address = (pde & Pte::kFrameMask) + x86::pte_index(va) * 4;
    const uint32_t pte = m_ram.read_u32(pte_address);
    if ((pte & rights) != rights || (pte >> 12) >= frames) [[unlikely]]
        return false;
    // From here on the access happens, with the changes in access()'s order: the count, the
    // PTE's bits, the data.
    const uint32_t pte_bits = Pte::kAccessed | (write ? Pte::kDirty : 0u);
    if (!m_journal.enabled()) {
        // The same without a journal: nothing to record, so no old values to carry.
        ++m_counters[size_t(Counter::Accesses)];
        if ((pte & pte_bits) != pte_bits) m_ram.store_u32_unjournaled(pte_address, pte | pte_bits);
        const uint32_t pa = (pte & Pte::kFrameMask) | x86::page_offset(va);
        m_policy.on_access(pa >> 12);
        if (write) m_ram.write(pa, size, value);
        else read_value = m_ram.read(pa, size);
        return true;
    }
    add(Counter::Accesses);
    if ((pte & pte_bits) != pte_bits) m_ram.write_known(pte_address, pte, pte | pte_bits);
    const uint32_t pa = (pte & Pte::kFrameMask) | x86::page_offset(va);
    m_policy.on_access(pa >> 12);
    uint32_t done_value = value;
    if (write) m_ram.write(pa, size, value);
    else read_value = done_value = m_ram.read(pa, size);
    if (m_journal.enabled()) {
        m_stores.last_walk = x86::WalkRecord{va, m_stores.cr3, pde_address, pde, pte_address, pte, pa, false, true};
        m_journal.begin_event_inline(uint16_t(EventKind::AccessDone), space, va, done_value, uint32_t(kind), size);
    }
    return true;
}
// A hit's PTE: Accessed (and Dirty on a write) set when missing, exactly as the walk would.
template <bool kJournal>
[[gnu::always_inline]] inline void hit_mark(core::PageRef* frames, uint32_t pte_address, uint32_t pte, bool write,
                                            const core::Journal::Batch& b, size_t& c) {
    const uint32_t pte_bits = x86::Pte::kAccessed | (write ? x86::Pte::kDirty : 0u);
    if ((pte & pte_bits) == pte_bits) return;
    const uint32_t updated = pte | pte_bits;
    if constexpr (kJournal) b.changes[c++] = core::Change{core::Store::PhysBytes, 4, 0, pte_address, pte, updated};
    std::memcpy(frames[pte_address >> 12].mutable_data() + (pte_address & 0xFFFu), &updated, 4);
}

// A hit's store: the bytes and, with the journal on, their change when they differ.
template <bool kJournal>
[[gnu::always_inline]] inline void hit_store(core::PageRef& page, uint32_t offset, uint32_t pa, uint32_t size, uint32_t done,
                                             const core::Journal::Batch& b, size_t& c) {
    if constexpr (kJournal) {
        const uint32_t value = size < 4 ? done & ((1u << (8 * size)) - 1) : done;
        const uint32_t old = x86::load_bytes(page.data() + offset, size);
        if (old != value) {
            b.changes[c++] = core::Change{core::Store::PhysBytes, uint8_t(size), 0, pa, old, value};
            x86::store_bytes(page.mutable_data() + offset, size, value);
        }
    } else {
        x86::store_bytes(page.mutable_data() + offset, size, done);
    }
}

// The replay's hit loop (hit_run_unjournaled / hit_run_journaled), one body for both.
template <bool kJournal, class A, class ValueOf>
inline size_t MemoryManager::hit_run(uint16_t space, const A* a, size_t i, size_t n, ValueOf& value_of,
                                      uint32_t& read_sum) {
    using core::Change;
    using core::Store;
    using x86::Pte;
    if (space != m_stores.current || !m_tlb.empty() || m_journal.enabled() != kJournal) [[unlikely]]
        return i;
    if constexpr (kJournal) {
        if (!m_journal.at_event_start()) return i;
    }
    const bool lru = m_config.policy == Policy::Lru;
    const size_t end = kJournal ? i + std::min(n - i, kJournalBatch) : n;
    // (Const, so that the loop keeps its pointers in registers.) At most per access: the count,
    // the PTE, the data, and an LRU touch.
    const core::Journal::Batch b =
        kJournal ? m_journal.open_batch((lru ? 4 : 3) * (end - i), end - i) : core::Journal::Batch{};
    core::PageRef* const frames = m_ram.frame_table();
    const uint32_t cr3 = m_stores.cr3;
    const size_t first = i;
    uint64_t accesses = m_counters[size_t(Counter::Accesses)];  // (journal on: counted as recorded)
    size_t c = 0, e = 0;                                         // records written (journal on)
    uint32_t sum = read_sum;
    x86::WalkRecord last{};
    for (; i < end; ++i) {
        if (i + kPrefetchAhead < n) [[likely]]
            prefetch_data(frames, cr3, a[i + kPrefetchAhead].address);
        const uint32_t va = a[i].address, size = a[i].size;
        const bool write = a[i].write;
        if (x86::page_offset(va) + size > 0x1000) [[unlikely]]
            break;
        if constexpr (kJournal) {
            if (accesses >= 0xFFFFFFFFu) [[unlikely]]
                break;  // journaled counters stay below 2^32
        }
        uint32_t pde_address, pde, pte_address, pte;
        if (!user_hit_walk(frames, cr3, va, write, pde_address, pde, pte_address, pte)) [[unlikely]]
            break;
        if constexpr (kJournal) {
            b.changes[c++] = Change{Store::Counter, 0, 0, uint32_t(Counter::Accesses), uint32_t(accesses),
                                    uint32_t(accesses + 1)};
            ++accesses;
        }
        hit_mark<kJournal>(frames, pte_address, pte, write, b, c);
        const uint32_t frame = pte >> 12;
        const uint32_t offset = x86::page_offset(va);
        const uint32_t pa = (frame << 12) | offset;
        if (lru && m_pfn[frame].list == FrameList::Active) {
            if constexpr (kJournal)
                m_pfn.move_to_back_recorded(frame, [&](Store store, uint8_t field, uint32_t target, uint32_t before,
                                                       uint32_t after) {
                    b.changes[c++] = Change{store, field, 0, target, before, after};
                });
            else
                m_pfn.move_to_back(frame);
        }
        uint32_t done;
        if (write) {
            done = value_of(i, size);  // the AccessDone event records the value as given
            hit_store<kJournal>(frames[frame], offset, pa, size, done, b, c);
        } else {
            done = x86::load_bytes(frames[frame].data() + offset, size);
            sum += done;
        }
        if constexpr (kJournal) {
            b.events[e++] = core::EventRecord{b.first_change + uint32_t(c), uint16_t(EventKind::AccessDone), space,
                                              {va, done, uint32_t(write ? x86::Access::Write : x86::Access::Read), size}};
            last = x86::WalkRecord{va, cr3, pde_address, pde, pte_address, pte, pa, false, true};
        }
    }
    m_counters[size_t(Counter::Accesses)] = kJournal ? accesses : accesses + (i - first);
    if constexpr (kJournal) {
        m_journal.close_batch(b, c, e);
        if (e) m_stores.last_walk = last;
    }
    read_sum = sum;
    return i;
}
// The hit loop's walk: the PDE and PTE of va (read through the frame table) when both allow a
// user-mode access and the PDE already carries Accessed (hit()'s conditions).
inline bool MemoryManager::user_hit_walk(const core::PageRef* frames, uint32_t cr3, uint32_t va, bool write,
                                                 uint32_t& pde_address, uint32_t& pde, uint32_t& pte_address,
                                                 uint32_t& pte) {
    using x86::Pte;
    const uint32_t rights = Pte::kPresent | Pte::kUser | (write ? Pte::kWrite : 0u);
    const uint32_t need = rights | Pte::kAccessed;
    pde_address = cr3 + x86::pde_index(va) * 4;
    std::memcpy(&pde, frames[pde_address >> 12].data() + (pde_address & 0xFFFu), 4);
    if ((pde & need) != need) return false;
    pte_address = (pde & Pte::kFrameMask) + x86::pte_index(va) * 4;
    std::memcpy(&pte, frames[pte_address >> 12].data() + (pte_address & 0xFFFu), 4);
    return (pte & rights) == rights;
}
// The host's caches: the bytes at va, if its page is present now, are asked for now (a hint:
// nothing of the machine changes). A hit costs little more than waiting for its data; asking
// kPrefetchAhead accesses early overlaps the waits.
inline void MemoryManager::prefetch_data(const core::PageRef* frames, uint32_t cr3, uint32_t va) {
    using x86::Pte;
    const uint32_t pda = cr3 + x86::pde_index(va) * 4;
    uint32_t pd;
    std::memcpy(&pd, frames[pda >> 12].data() + (pda & 0xFFFu), 4);
    if (!(pd & Pte::kPresent)) return;
    const uint32_t pta = (pd & Pte::kFrameMask) + x86::pte_index(va) * 4;
    uint32_t pt;
    std::memcpy(&pt, frames[pta >> 12].data() + (pta & 0xFFFu), 4);
    if (pt & Pte::kPresent) __builtin_prefetch(frames[pt >> 12].data() + x86::page_offset(va));
}

}  // namespace pagelab::mm
