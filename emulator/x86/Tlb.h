// A translation lookaside buffer: fully associative, N entries, replaced in FIFO order.
// It caches a page's frame and the combined rights of its PDE and PTE (R/W, U/S) and whether
// the PTE's Dirty bit is already set. Loading CR3 flushes it; the memory manager invalidates an
// entry (INVLPG) whenever it changes that page's PTE. N = 0 means no TLB.
#pragma once

#include <cstdint>
#include <vector>

#include "core/Journal.h"

namespace pagelab::x86 {

struct TlbEntry {
    bool valid = false;
    bool writable = false;
    bool user = false;
    bool dirty = false;
    uint32_t vpn = 0;
    uint32_t frame = 0;

    uint64_t pack() const {
        return uint64_t(valid) | uint64_t(writable) << 1 | uint64_t(user) << 2 | uint64_t(dirty) << 3 |
               uint64_t(vpn) << 4 | uint64_t(frame) << 24;
    }
    static TlbEntry unpack(uint64_t v) {
        return TlbEntry{bool(v & 1), bool(v & 2), bool(v & 4), bool(v & 8), uint32_t(v >> 4) & 0xFFFFFu,
                        uint32_t(v >> 24) & 0xFFFFFu};
    }
};

class Tlb {
public:
    Tlb(uint32_t entries, core::Journal& journal) : m_entries(entries), m_journal(journal) {}

    uint32_t size() const { return uint32_t(m_entries.size()); }
    bool empty() const { return m_entries.empty(); }  // no TLB (cheaper to test than size())
    const std::vector<TlbEntry>& entries() const { return m_entries; }
    uint32_t next_victim() const { return m_next; }

    const TlbEntry* lookup(uint32_t vpn) const {
        for (const TlbEntry& e : m_entries)
            if (e.valid && e.vpn == vpn) return &e;
        return nullptr;
    }

    void fill(uint32_t vpn, uint32_t frame, bool writable, bool user, bool dirty) {
        if (m_entries.empty()) return;
        TlbEntry e{true, writable, user, dirty, vpn, frame};
        for (uint32_t i = 0; i < m_entries.size(); ++i)
            if (m_entries[i].valid && m_entries[i].vpn == vpn) return set(i, e);
        set(m_next, e);
        set_next((m_next + 1) % uint32_t(m_entries.size()));
    }

    void invalidate(uint32_t vpn) {
        for (uint32_t i = 0; i < m_entries.size(); ++i)
            if (m_entries[i].valid && m_entries[i].vpn == vpn) set(i, TlbEntry{});
    }

    void flush() {
        for (uint32_t i = 0; i < m_entries.size(); ++i)
            if (m_entries[i].valid) set(i, TlbEntry{});
    }

    // Undo/redo: field 0 is the low half of the packed entry (flags and page), field 2 the frame.
    void apply_entry(uint32_t i, uint8_t field, uint32_t value) {
        const uint64_t packed = m_entries[i].pack();
        m_entries[i] = TlbEntry::unpack(field == 0 ? (packed & ~0xFFFFFFull) | (value & 0xFFFFFFu)
                                                   : (packed & 0xFFFFFFull) | (uint64_t(value) << 24));
    }
    void apply_next(uint32_t next) { m_next = next; }

private:
    void set(uint32_t i, const TlbEntry& e) {
        const uint64_t before = m_entries[i].pack(), after = e.pack();
        m_journal.record(core::Store::Tlb, 0, i, before & 0xFFFFFFu, after & 0xFFFFFFu);
        m_journal.record(core::Store::Tlb, 2, i, before >> 24, after >> 24);
        m_entries[i] = e;
    }
    void set_next(uint32_t n) {
        m_journal.record(core::Store::Tlb, 1, 0, m_next, n);
        m_next = n;
    }
    std::vector<TlbEntry> m_entries;
    uint32_t m_next = 0;
    core::Journal& m_journal;
};

}  // namespace pagelab::x86
