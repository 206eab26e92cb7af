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
#include "core/Page.h"

namespace pagelab::core {

// Which store a change touches. Each store is owned by one object of the machine.
enum class Store : uint8_t {
    PhysBytes,     // target = physical address, field = width (1,2,4); before/after = little-endian value
    FrameContent,  // target = frame; before/after = a page record (kNoBlob = all zero; see kInFrame)
    Pfn,           // target = frame; field = PfnField
    ListHead,      // target = list id; field = 0 first, 1 last, 2 count
    Slot,          // target = pagefile slot; before/after = in-use flag
    SlotContent,   // target = slot; before/after = a page record
    Counter,       // target = counter id; before/after = value
    Tlb,           // target = entry index; before/after = packed entry
    Cpu,           // field = 0 cr3, 1 current address space, 2 clock hand
    Vad,           // target = address space id; before/after = VAD blob index (kNoBlob = none)
    Space,         // target = address space id; field = SpaceField
    SpaceCreate,   // target = address space id (created by redo, removed by undo)
    Section,       // field 0: created (target = section id, after = blob); field 1: views (target = id)
    Proto,         // target = prototype PTE index; before/after = the prototype PTE word
    Os,            // os-level stores (processes, modules): field says which
    Object,        // files, handles, file mapping objects, data sections: field = mm::ObjectField
    ListMove,      // target = frame moved to the back of list `field`; before = its old predecessor
                   // (none: it was first), after = the old last frame it now follows (an LRU touch)
};

inline constexpr uint32_t kNoBlob = 0xFFFFFFFFu;

// A page record (FrameContent, SlotContent): kNoBlob for the all-zero page, an index of a page
// the journal keeps (Journal::keep_page), or where the same bytes are at that moment: in a frame
// (kInFrame | frame) or a pagefile slot (kInSlot | slot) other than the change's target. Undo and
// redo apply changes one at a time in order, so when a change is applied either way the place
// holds what it held when the change was recorded: naming it keeps no second reference to the
// bytes, and a page that still lives in the machine is not copied when it is written next.
inline constexpr uint32_t kInFrame = 0x80000000u;
inline constexpr uint32_t kInSlot = 0xC0000000u;
inline constexpr uint32_t kPlaceKind = 0xC0000000u;
inline constexpr uint32_t kNoPlace = 0;  // (a caller's "nowhere else": keep a reference)
inline constexpr bool is_place(uint32_t record) { return record != kNoBlob && (record & kInFrame); }

// Every value a store records fits 32 bits (a TLB entry is recorded as two halves), which keeps
// a change at 16 bytes: long runs journal millions of them.
struct Change {
    Store store;
    uint8_t field;
    uint16_t aux;
    uint32_t target;
    uint32_t before;
    uint32_t after;
};
static_assert(sizeof(Change) == 16, "a change record stays small: the replay journals millions");

struct EventRecord {
    uint32_t first_change;  // changes [first_change, next event's first_change) belong to it
    uint16_t kind;          // sim-independent event kind (mm::EventKind / os::EventKind)
    uint16_t space;         // address space / process id it concerns (0xFFFF = none)
    uint32_t args[4];
};

// The journal's codecs pack a block of records, each record against what came before it in its
// block (CompactLog keeps one Packer per block, so a block decodes on its own). Measured on issue
// 18's heavy replay (2 M accesses, bytes per access, changes + events): plain 219, each record
// against the one before it only 98, with these codecs about 63.

// A change: a header byte (the store; whether the field is the store's previous one and aux is
// zero, whether the target is the store's previous target, whether `before` is what the last
// change to the same place in this block left), then what the flags do not give: the field (with a
// bit for a non-zero aux), aux, the target's difference from the store's previous one, before,
// and after XOR before. Values are coded so that kNoFrame and kNoBlob (all ones) and a 16-bit all
// ones (no owner) take one byte, and a page record is also rotated so that its place bits
// (kInFrame, kInSlot) come last. A change that steps a known value by one (a counter, a list's
// count, a share count) says so in its header and writes no values at all.
struct ChangeCodec {
    static constexpr size_t kMaxBytes = 1 + 2 + 3 + 5 + 5 + 5;
    static constexpr unsigned kStep = 17;              // a header's low five bits code kStep + store for a step of one
    static constexpr size_t kStepStores = 32 - kStep;  // the stores that can be coded so
    class Packer {
    public:
        [[gnu::always_inline]] void encode(const Change& c, uint8_t*& out) {
            const size_t st = size_t(c.store);
            const bool same_field = c.field == m_field[st] && c.aux == 0;
            const bool same_target = c.target == m_target[st];
            const size_t at = slot_of(c);
            Slot& slot = m_slots[at];
            const bool known = used(at) && slot.place == place_of(c) && slot.after == c.before;
            // A step of one from a known value (a counter, a list's count, a share count): the
            // store is coded as kStep + store, and the third flag gives the direction.
            const bool step = known && st < kStepStores && (c.after == c.before + 1 || c.after == c.before - 1);
            const bool third = step ? c.after == c.before - 1 : known;
            *out++ = uint8_t((step ? kStep + st : st) | (same_field ? 0x20 : 0) | (same_target ? 0x40 : 0) | (third ? 0x80 : 0));
            if (!same_field) {
                if (c.field < 0x7F) {
                    *out++ = uint8_t(c.field | (c.aux ? 0x80 : 0));
                } else {
                    *out++ = uint8_t(0x7F | (c.aux ? 0x80 : 0));
                    *out++ = c.field;
                }
                if (c.aux) varint::put(out, c.aux);
            }
            if (!same_target) varint::put(out, varint::zigzag(int64_t(c.target) - int64_t(m_target[st])));
            if (!step) {
                const uint32_t before = to_code(c.store, c.before);
                if (!known) varint::put(out, before);
                varint::put(out, before ^ to_code(c.store, c.after));
            }
            remember(c, slot);
            m_used[at / 64] |= uint64_t(1) << (at % 64);
        }
        [[gnu::always_inline]] Change decode(const uint8_t*& p) {
            const uint8_t h = *p++;
            Change c{};
            const bool step = (h & 0x1F) >= kStep;
            c.store = Store(step ? (h & 0x1F) - kStep : h & 0x1F);
            const size_t st = size_t(c.store);
            if (h & 0x20) {
                c.field = m_field[st];
            } else {
                const uint8_t f = *p++;
                c.field = (f & 0x7F) == 0x7F ? *p++ : uint8_t(f & 0x7F);
                if (f & 0x80) c.aux = uint16_t(varint::get(p));
            }
            c.target = (h & 0x40) ? m_target[st] : uint32_t(int64_t(m_target[st]) + varint::unzigzag(varint::get(p)));
            Slot& slot = m_slots[slot_of(c)];  // (flagged: the encoder found it used, and so it is here)
            if (step) {
                c.before = slot.after;
                c.after = (h & 0x80) ? c.before - 1 : c.before + 1;
            } else {
                const uint32_t before = (h & 0x80) ? to_code(c.store, slot.after) : uint32_t(varint::get(p));
                c.before = from_code(c.store, before);
                c.after = from_code(c.store, before ^ uint32_t(varint::get(p)));
            }
            remember(c, slot);
            return c;
        }

    private:
        // The last change to a place (store, field, aux, target) hashed here, once used(slot).
        struct Slot {
            uint64_t place;  // store, field and aux; target
            uint32_t after;
        };
        static constexpr size_t kSlots = 512;
        static uint32_t key_of(const Change& c) { return uint32_t(c.store) | uint32_t(c.field) << 8 | uint32_t(c.aux) << 16; }
        static uint64_t place_of(const Change& c) { return uint64_t(key_of(c)) << 32 | c.target; }
        static size_t slot_of(const Change& c) {
            return ((c.target * 2654435761u) ^ (key_of(c) * 40503u)) >> 7 & (kSlots - 1);
        }
        static bool is_page_record(Store s) { return s == Store::FrameContent || s == Store::SlotContent; }
        // All ones (kNoFrame, kNoBlob) codes as 0 and a 16-bit all ones (no owner, no space) as 1;
        // the values below that as value + 2, those above as value + 1.
        static uint32_t to_code(Store s, uint32_t v) {
            const uint32_t w = v < 0xFFFF ? v + 2 : v == 0xFFFF ? 1 : v + 1;
            return is_page_record(s) ? (w << 2 | w >> 30) : w;
        }
        static uint32_t from_code(Store s, uint32_t code) {
            const uint32_t w = is_page_record(s) ? (code >> 2 | code << 30) : code;
            return w > 0x10000 || w == 0 ? w - 1 : w == 1 ? 0xFFFF : w - 2;
        }
        bool used(size_t at) const { return m_used[at / 64] >> (at % 64) & 1; }  // (the encoder's)
        void remember(const Change& c, Slot& slot) {
            m_field[size_t(c.store)] = c.field;
            m_target[size_t(c.store)] = c.target;
            slot = Slot{place_of(c), c.after};
        }
        uint32_t m_target[32] = {};
        uint8_t m_field[32] = {};
        uint64_t m_used[kSlots / 64] = {};
        Slot m_slots[kSlots];  // (left uninitialised: read only once used)
    };
};
static_assert(uint8_t(Store::ListMove) < ChangeCodec::kStep,
              "a change's header byte holds the store in 5 bits, and a step (kStep + store) above it");

// An event against the one before it. A header byte: the first change's distance (0-14, or 15
// and the distance less 15 follows), whether the kind is the one that followed the previous
// event's kind when that kind last occurred in the block, whether the space is new, and whether
// the argument modes are one of the last two this kind used (else a byte of them follows). An
// argument's mode (two bits) is zero, the previous event's, a new value, or its difference from
// the previous event's when that is smaller. Then the kind, the modes, the new space and the
// values, as needed. Most events of a fault or a run of hits repeat the shape of the last one of
// their kind, and take one byte besides their values.
struct EventCodec {
    static constexpr size_t kMaxBytes = 1 + 5 + 3 + 1 + 3 + 4 * 5;
    class Packer {
    public:
        [[gnu::always_inline]] void encode(const EventRecord& e, uint8_t*& out) {
            const uint32_t distance = e.first_change - m_prev.first_change;  // (first changes never decrease)
            const bool kind_known = m_next_kind[m_prev.kind & kKindMask] == e.kind;
            const bool new_space = e.space != m_prev.space;
            uint8_t how = 0;
            uint64_t code[4];
            for (unsigned i = 0; i < 4; ++i) {
                const uint32_t a = e.args[i], was = m_prev.args[i];
                unsigned mode = 0;
                if (a != 0 && a != was) {
                    const uint64_t step = varint::zigzag(int64_t(a) - int64_t(was));
                    mode = varint::length(step) < varint::length(a) ? 3 : 2;  // (a new value on a tie: random data keeps one shape)
                    code[i] = mode == 3 ? step : a;
                } else if (a != 0) {
                    mode = 1;
                }
                how |= uint8_t(mode << (2 * i));
            }
            const size_t k = e.kind & kKindMask;
            // (Written without branches where the data decides: a hit's kind and shape follow
            // reads and writes in the trace's random order.)
            const bool first = how == m_how[k][0];
            const unsigned shape = unsigned(first) | unsigned(!first && how == m_how[k][1]) << 1;
            *out++ = uint8_t(std::min<uint32_t>(distance, 15) | (kind_known ? 0x10 : 0) | (new_space ? 0x20 : 0) | shape << 6);
            if (distance >= 15) [[unlikely]]
                varint::put(out, distance - 15);
            if (e.kind < 0x80) [[likely]] {
                *out = uint8_t(e.kind);  // (its varint)
                out += !kind_known;
            } else if (!kind_known) {
                varint::put(out, e.kind);
            }
            *out = how;
            out += shape == 0;
            if (new_space) varint::put(out, e.space);
            for (unsigned i = 0; i < 4; ++i)
                if (((how >> (2 * i)) & 3) >= 2) varint::put(out, code[i]);
            learn(e, how, shape);
        }
        [[gnu::always_inline]] EventRecord decode(const uint8_t*& p) {
            EventRecord e{};
            const uint8_t h = *p++;
            uint32_t distance = h & 15;
            if (distance == 15) distance += uint32_t(varint::get(p));
            e.first_change = m_prev.first_change + distance;
            e.kind = (h & 0x10) ? m_next_kind[m_prev.kind & kKindMask] : uint16_t(varint::get(p));
            const unsigned shape = h >> 6;
            const uint8_t how = shape ? m_how[e.kind & kKindMask][shape - 1] : *p++;
            e.space = (h & 0x20) ? uint16_t(varint::get(p)) : m_prev.space;
            for (unsigned i = 0; i < 4; ++i) {
                switch ((how >> (2 * i)) & 3) {
                    case 0: e.args[i] = 0; break;
                    case 1: e.args[i] = m_prev.args[i]; break;
                    case 2: e.args[i] = uint32_t(varint::get(p)); break;
                    default: e.args[i] = uint32_t(int64_t(m_prev.args[i]) + varint::unzigzag(varint::get(p))); break;
                }
            }
            learn(e, how, shape);
            return e;
        }

    private:
        static constexpr size_t kKindMask = 127;  // (kinds share a table entry modulo 128: a guess, either way exact)
        void learn(const EventRecord& e, uint8_t how, unsigned shape) {
            m_next_kind[m_prev.kind & kKindMask] = e.kind;
            uint8_t* shapes = m_how[e.kind & kKindMask];  // the newest first
            shapes[1] = shape == 1 ? shapes[1] : shapes[0];
            shapes[0] = how;  // (already there when shape is 1)
            m_prev = e;
        }
        EventRecord m_prev{};
        uint16_t m_next_kind[kKindMask + 1] = {};
        uint8_t m_how[kKindMask + 1][2] = {};
    };
};

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
