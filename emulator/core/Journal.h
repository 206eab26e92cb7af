// The journal: every primitive change of machine state, with its before and after values,
// grouped into events (one learner-sized step, with a kind and arguments that explain it)
// and events into operations (one scenario step or one CLI request).
//
// Stepping back is undoing changes; stepping forward again is redoing them. The journal knows
// nothing of what a change means: the machine applies a change in either direction
// (see mm::MemoryManager::apply and os::Machine::apply).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/Check.h"
#include "core/CompactLog.h"
#include "core/JournalCodecs.h"
#include "core/Page.h"
#include "core/Records.h"

namespace pagelab::core {

struct OperationRecord {
    uint32_t first_event;
    uint32_t step;          // scenario step index, or sequence number
};

class Journal {
public:
    explicit Journal(bool enabled = true) : m_enabled(enabled) {}

    bool enabled() const { return m_enabled; }
    void set_enabled(bool on) { m_enabled = on; }

    // Record one change. The caller has already applied it (or applies it right after).
    // Inline, so that a machine running without the journal pays one branch per change (a fault
    // makes about fifty), and with it the append is inline too (RecordLog grows out of line): a
    // replay records a change or two for every access. Values wider than 32 bits go out of line
    // (append checks them).
    [[gnu::always_inline]] void record(Store store, uint8_t field, uint32_t target, uint64_t before, uint64_t after,
                                       uint16_t aux = 0) {
        if (!m_enabled || before == after) return;
        if (((before | after) >> 32) == 0) [[likely]] {
            m_changes.push_back(Change{store, field, aux, target, uint32_t(before), uint32_t(after)});
            return;
        }
        append(store, field, target, before, after, aux);
    }

    // A counter change merges into the previous record when that record is the same counter and
    // no event began since: hits that only count cost nothing in the journal.
    [[gnu::always_inline]] void record_counter(uint32_t id, uint64_t before, uint64_t after) {
        if (!m_enabled || before == after) return;
        // Right after an event began (every access of a replay) there is nothing to merge with.
        if (m_changes.size() == m_boundary && (after >> 32) == 0) [[likely]] {
            m_changes.push_back(Change{Store::Counter, 0, 0, id, uint32_t(before), uint32_t(after)});
            return;
        }
        append_counter(id, before, after);
    }

    // Opens a new operation. Its first event is the next one begun: the caller opens the
    // operation's own event (mm::EventKind::Operation) right away, before any change.
    uint32_t begin_operation(uint32_t step) {
        if (!m_enabled) return 0;
        m_operations.push_back(OperationRecord{uint32_t(m_events.size()), step});
        m_boundary = m_changes.size();  // a counter never merges into the previous operation
        return uint32_t(m_operations.size() - 1);
    }

    uint32_t begin_event(uint16_t kind, uint16_t space, uint32_t a0 = 0, uint32_t a1 = 0,
                         uint32_t a2 = 0, uint32_t a3 = 0) {
        if (!m_enabled) return 0;
        PL_CHECK(!m_operations.empty());
        m_events.push_back(EventRecord{uint32_t(m_changes.size()), kind, space, {a0, a1, a2, a3}});
        m_boundary = m_changes.size();
        return uint32_t(m_events.size() - 1);
    }
    // Completes an event's arguments once what it explains is known (a retried access: does it
    // fault again?). Only the explanation changes, never a state change, so undo and redo are
    // unaffected. Call it before a later event needs the arguments.
    void set_event_arg(uint32_t event, unsigned i, uint32_t value) {
        if (!m_enabled) return;
        PL_CHECK(event < m_events.size() && i < 4);
        m_events.modify(event, [&](EventRecord& e) { e.args[i] = value; });
    }
    // begin_event for a loop that opens one for every access (the replay's hits): inline, and the
    // caller has checked enabled(). Same record.
    [[gnu::always_inline]] void begin_event_inline(uint16_t kind, uint16_t space, uint32_t a0, uint32_t a1, uint32_t a2,
                                                   uint32_t a3) {
        PL_CHECK(!m_operations.empty());
        const size_t changes = m_changes.size();
        m_events.push_back(EventRecord{uint32_t(changes), kind, space, {a0, a1, a2, a3}});
        m_boundary = changes;
    }

    // Page contents are too large for a change record: the journal keeps a reference to them
    // (no copy) and the record holds its index. kNoBlob stands for the all-zero page.
    uint32_t keep_page(const PageRef& page) {
        if (page.is_zero_page()) return kNoBlob;
        m_pages.push_back(page);
        PL_CHECK(m_pages.size() < kInFrame);
        return uint32_t(m_pages.size() - 1);
    }
    // The record of a page's bytes: kNoBlob for the all-zero page, else the place they also are
    // (when the caller names one, see kInFrame), else a kept reference.
    uint32_t page_record(const PageRef& page, uint32_t place) {
        if (page.is_zero_page()) return kNoBlob;
        return place != kNoPlace ? place : keep_page(page);
    }
    const PageRef& page(uint64_t blob) const {
        static const PageRef zero;
        PL_CHECK(blob == kNoBlob || !is_place(uint32_t(blob)));  // (a place is resolved by its owner)
        return blob == kNoBlob ? zero : m_pages[blob];
    }

    // Events to come, told ahead (a replay's access-done events): the events it predicts are
    // packed as little more than their header, and so are the bytes their steps store. Give it before those events, at most once: the
    // caller keeps it (and what it reads) alive and unchanged for the journal's whole life.
    void set_forecast(const EventForecast* forecast) {
        PL_CHECK(m_events.context() == nullptr || m_events.context() == forecast);
        m_events.set_context(forecast);
        m_changes.set_context(forecast);
    }

    // Read by value (see CompactLog): changes()[i], events()[e], and iteration.
    using Changes = CompactLog<Change, ChangeCodec>;
    using Events = CompactLog<EventRecord, EventCodec>;
    const Changes& changes() const { return m_changes; }
    const Events& events() const { return m_events; }

    // A batch of records written in place, for a loop that journals many hits (the replay):
    // open_batch makes room for up to `changes` changes and `events` events past the end and
    // returns where they go; close_batch says how many were written (the rest is dropped).
    // Between the two nothing else may record. The records are exactly those record(),
    // record_counter() and begin_event_inline() would have made, in the same order: the caller
    // keeps their rules (no change whose before equals its after; a counter change right after an
    // event began, so nothing to merge with).
    struct Batch {
        Change* changes;
        EventRecord* events;
        uint32_t first_change;  // index of changes[0]
        uint32_t first_event;   // index of events[0]
    };
    Batch open_batch(size_t changes, size_t events) {
        PL_CHECK(m_enabled && !m_operations.empty());
        const size_t c = m_changes.size(), e = m_events.size();
        PL_CHECK(c + changes < 0xFFFFFFFFu && e + events < 0xFFFFFFFFu);
        Change* cp = m_changes.append_uninitialized(changes);
        EventRecord* ep = m_events.append_uninitialized(events);
        return Batch{cp, ep, uint32_t(c), uint32_t(e)};
    }
    void close_batch(const Batch& b, size_t changes, size_t events) {
        m_changes.resize(size_t(b.first_change) + changes);
        m_events.resize(size_t(b.first_event) + events);
        if (events) m_boundary = m_events.back().first_change;
    }
    // True when the next counter change cannot merge with an earlier record (an event just began).
    bool at_event_start() const { return m_changes.size() == m_boundary; }
    const std::vector<OperationRecord>& operations() const { return m_operations; }
    // The operation an event belongs to (operations own contiguous runs of events).
    uint32_t operation_of(size_t event) const {
        size_t lo = 0, hi = m_operations.size();
        while (hi - lo > 1) {
            const size_t mid = (lo + hi) / 2;
            (m_operations[mid].first_event <= event ? lo : hi) = mid;
        }
        return uint32_t(lo);
    }
    // Room for this many more changes, events and kept pages without growing: a long run that
    // knows its size (the replay) spares the vectors' repeated doubling, each of which copies
    // everything recorded so far into fresh memory.
    void reserve(size_t more_changes, size_t more_events, size_t more_pages) {
        m_changes.reserve(m_changes.size() + more_changes);
        m_events.reserve(m_events.size() + more_events);
        m_pages.reserve(m_pages.size() + more_pages);
    }
    size_t kept_pages() const { return m_pages.size(); }
    // Gives back the slack of the vectors' growth once a run is complete.
    void shrink_to_fit() {
        m_changes.shrink_to_fit();
        m_events.shrink_to_fit();
        m_operations.shrink_to_fit();
        m_pages.shrink_to_fit();
    }

    // Forget everything after change/event/operation counts (used after an undo when the
    // user then does something new, and by reset).
    void truncate(size_t changes, size_t events, size_t operations) {
        PL_CHECK(changes <= m_changes.size() && events <= m_events.size());
        m_changes.resize(changes);
        m_events.resize(events);
        m_operations.resize(operations);
        m_boundary = m_changes.size();
    }
    void clear() { truncate(0, 0, 0); }

    size_t memory_bytes() const {
        return m_changes.memory_bytes() + m_events.memory_bytes() +
               m_operations.capacity() * sizeof(OperationRecord) + m_pages.capacity() * sizeof(PageRef);
    }

private:
    [[gnu::noinline]] void append(Store store, uint8_t field, uint32_t target, uint64_t before, uint64_t after,
                                  uint16_t aux) {
        PL_CHECK(before <= 0xFFFFFFFFu && after <= 0xFFFFFFFFu);
        m_changes.push_back(Change{store, field, aux, target, uint32_t(before), uint32_t(after)});
    }
    [[gnu::noinline]] void append_counter(uint32_t id, uint64_t before, uint64_t after) {
        if (!m_changes.empty() && m_changes.size() > m_boundary) {
            Change& last = m_changes.last();
            if (last.store == Store::Counter && last.target == id) {
                PL_CHECK(after <= 0xFFFFFFFFu);
                last.after = uint32_t(after);
                return;
            }
        }
        PL_CHECK(after <= 0xFFFFFFFFu);  // journaled counters stay below 2^32
        m_changes.push_back(Change{Store::Counter, 0, 0, id, uint32_t(before), uint32_t(after)});
    }

    bool m_enabled;
    size_t m_boundary = 0;  // changes before this index belong to an earlier event
    Changes m_changes;
    Events m_events;
    std::vector<OperationRecord> m_operations;
    std::vector<PageRef> m_pages;
};

}  // namespace pagelab::core
