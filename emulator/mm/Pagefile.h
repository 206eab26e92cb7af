// The pagefile: numbered 4 KB slots holding pages that were evicted dirty. Slot 0 is never handed
// out (as in NT, a pagefile offset of 0 in a software PTE means demand-zero), so a pagefile of
// P pages has slots 1..P. Slots are allocated lowest-first, which keeps runs deterministic.
#pragma once

#include <cstdint>
#include <vector>

#include "core/Journal.h"
#include "core/Page.h"

namespace pagelab::mm {

class InvariantReport;

class Pagefile {
public:
    Pagefile(uint32_t slots, core::Journal& journal);

    uint32_t capacity() const { return uint32_t(m_used.size()) - 1; }
    uint32_t used() const { return m_count; }
    bool in_use(uint32_t slot) const { return slot < m_used.size() && m_used[slot]; }
    const core::PageRef& content(uint32_t slot) const { return m_content[slot]; }

    // Lowest free slot, or 0 when the pagefile is full.
    uint32_t allocate();
    // The slot allocate() would return, without taking it.
    uint32_t lowest_free() const;
    // old_at / page_at: where the slot's old bytes / the new bytes also are right now (a frame or
    // another slot, core::kInFrame), for the journal to name instead of keeping (core::kNoPlace: keep).
    void release(uint32_t slot, uint32_t old_at = core::kNoPlace);
    void write(uint32_t slot, const core::PageRef& page, uint32_t page_at = core::kNoPlace,
               uint32_t old_at = core::kNoPlace);

    void apply_used(uint32_t slot, bool used);

    // Every slot in use is referred to exactly once (a PTE, a PFN entry's original PTE, a
    // prototype PTE: the tally the other checks made in report.slot_refs), and no other is.
    void check(InvariantReport& report) const;
    void apply_content(uint32_t slot, const core::PageRef& page) { m_content[slot] = page; }

private:
    void mark(uint32_t slot, bool free);

    std::vector<uint8_t> m_used;
    std::vector<core::PageRef> m_content;
    uint32_t m_count = 0;
    // The free slots as a two-level bitmap (bit set = free; a summary bit per word that has one),
    // so that the lowest free slot is found in a few word scans however fragmented the pagefile is.
    // Derived from m_used, kept in step by apply_used; not journaled.
    std::vector<uint64_t> m_free;
    std::vector<uint64_t> m_free_words;
    core::Journal& m_journal;
};

}  // namespace pagelab::mm
