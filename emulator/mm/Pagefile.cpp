#include "mm/Pagefile.h"

#include "core/Check.h"

namespace pagelab::mm {

Pagefile::Pagefile(uint32_t slots, core::Journal& journal)
    : m_used(size_t(slots) + 1, 0), m_content(size_t(slots) + 1), m_journal(journal) {
    m_used[0] = 1;  // reserved
}

uint32_t Pagefile::allocate() {
    for (uint32_t s = m_hint; s < m_used.size(); ++s) {
        if (!m_used[s]) {
            m_journal.record(core::Store::Slot, 0, s, 0, 1);
            apply_used(s, true);
            m_hint = s + 1;
            return s;
        }
    }
    m_hint = uint32_t(m_used.size());
    return 0;
}

uint32_t Pagefile::lowest_free() const {
    for (uint32_t s = m_hint; s < m_used.size(); ++s)
        if (!m_used[s]) return s;
    return 0;
}

void Pagefile::release(uint32_t slot) {
    PL_CHECK(slot != 0 && m_used[slot]);
    write(slot, core::PageRef{});
    m_journal.record(core::Store::Slot, 0, slot, 1, 0);
    apply_used(slot, false);
}

void Pagefile::write(uint32_t slot, const core::PageRef& page) {
    if (m_journal.enabled())
        m_journal.record(core::Store::SlotContent, 0, slot, m_journal.keep_page(m_content[slot]),
                         m_journal.keep_page(page));
    m_content[slot] = page;
}

void Pagefile::apply_used(uint32_t slot, bool used) {
    if (bool(m_used[slot]) == used) return;
    m_used[slot] = used;
    if (used) ++m_count;
    else {
        --m_count;
        if (slot < m_hint) m_hint = slot;
    }
}

}  // namespace pagelab::mm
