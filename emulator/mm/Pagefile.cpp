#include "mm/Pagefile.h"

#include <bit>

#include "core/Check.h"
#include "mm/Invariants.h"

namespace pagelab::mm {

Pagefile::Pagefile(uint32_t slots, core::Journal& journal)
    : m_used(size_t(slots) + 1, 0),
      m_content(size_t(slots) + 1),
      m_free((size_t(slots) + 1 + 63) / 64, 0),
      m_free_words((m_free.size() + 63) / 64, 0),
      m_journal(journal) {
    m_used[0] = 1;  // reserved
    for (uint32_t s = 1; s <= slots; ++s) mark(s, true);
}

void Pagefile::mark(uint32_t slot, bool free) {
    const size_t w = slot / 64;
    if (free) m_free[w] |= uint64_t(1) << (slot % 64);
    else m_free[w] &= ~(uint64_t(1) << (slot % 64));
    if (m_free[w]) m_free_words[w / 64] |= uint64_t(1) << (w % 64);
    else m_free_words[w / 64] &= ~(uint64_t(1) << (w % 64));
}

uint32_t Pagefile::allocate() {
    const uint32_t s = lowest_free();
    if (s == 0) return 0;
    m_journal.record(core::Store::Slot, 0, s, 0, 1);
    apply_used(s, true);
    return s;
}

uint32_t Pagefile::lowest_free() const {
    for (size_t g = 0; g < m_free_words.size(); ++g) {
        if (!m_free_words[g]) continue;
        const size_t w = g * 64 + size_t(std::countr_zero(m_free_words[g]));
        return uint32_t(w * 64 + size_t(std::countr_zero(m_free[w])));
    }
    return 0;
}

void Pagefile::release(uint32_t slot, uint32_t old_at) {
    PL_CHECK(slot != 0 && m_used[slot]);
    write(slot, core::PageRef{}, core::kNoPlace, old_at);
    m_journal.record(core::Store::Slot, 0, slot, 1, 0);
    apply_used(slot, false);
}

void Pagefile::write(uint32_t slot, const core::PageRef& page, uint32_t page_at, uint32_t old_at) {
    if (m_journal.enabled())
        m_journal.record(core::Store::SlotContent, 0, slot, m_journal.page_record(m_content[slot], old_at),
                         m_journal.page_record(page, page_at));
    m_content[slot] = page;
}

void Pagefile::apply_used(uint32_t slot, bool used) {
    if (bool(m_used[slot]) == used) return;
    m_used[slot] = used;
    m_count += used ? 1 : -1;
    mark(slot, !used);
}

void Pagefile::check(InvariantReport& report) const {
    for (const auto& [slot, refs] : report.slot_refs)
        if (refs != 1) report.fail("pagefile slot %u is referenced %u times", slot, refs);
    if (report.slot_refs.size() != used())
        report.fail("%u pagefile slots are in use but %u are referenced", used(), uint32_t(report.slot_refs.size()));
}

}  // namespace pagelab::mm
