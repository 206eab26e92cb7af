// The pagefile: numbered 4 KB slots holding pages that were evicted dirty. Slot 0 is never handed
// out (as in NT, a pagefile offset of 0 in a software PTE means demand-zero), so a pagefile of
// P pages has slots 1..P. Slots are allocated lowest-first, which keeps runs deterministic.
#pragma once

#include <cstdint>
#include <vector>

#include "core/Journal.h"
#include "core/Page.h"

namespace pagelab::mm {

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
    void release(uint32_t slot);
    void write(uint32_t slot, const core::PageRef& page);

    void apply_used(uint32_t slot, bool used);
    void apply_content(uint32_t slot, const core::PageRef& page) { m_content[slot] = page; }

private:
    std::vector<uint8_t> m_used;
    std::vector<core::PageRef> m_content;
    uint32_t m_count = 0;
    uint32_t m_hint = 1;  // no free slot below it (a lower bound kept on undo, never journaled)
    core::Journal& m_journal;
};

}  // namespace pagelab::mm
