// The journal's codecs: how a block of changes and a block of events is packed (CompactLog keeps
// the blocks), and the forecast a replay gives them. See docs/architecture.md, "How the journal
// is stored".
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "core/Check.h"
#include "core/CompactLog.h"
#include "core/Records.h"

namespace pagelab::core {

// The journal's codecs pack a block of records, each record against what came before it in its
// block (CompactLog keeps one Packer per block, so a block decodes on its own). Measured on issue
// 18's heavy replay (2 M accesses, bytes per access, changes + events): plain 219, each record
// against the one before it only 98, with these codecs about 63.

// Events a journal is told of before they happen: the k-th event of a run of `kind` (a replay's
// access-done events, one per access of its trace) has the arguments predict(source, k, args)
// fills in, those of the mask it returns (bit i: args[i]; 0: nothing known of event k). The
// changes are placed in the run by a counter that steps once for each of those events: its value
// before event k's step is counter_base + k (a replay's access count). stores(source, k, width,
// value) says what event k's step stores in memory, if anything (a replay's write). Whoever gives
// a journal a forecast keeps it, and what it reads, alive and unchanged as long as the journal
// lives: blocks packed through it are read through it.
struct EventForecast {
    uint16_t kind = 0;
    const void* source = nullptr;
    unsigned (*predict)(const void* source, uint64_t k, uint32_t args[4]) = nullptr;
    uint32_t counter = 0;
    uint64_t counter_base = 0;
    bool (*stores)(const void* source, uint64_t k, uint32_t& width, uint32_t& value) = nullptr;
};

// A change: a header byte (the store; whether the field is the one that followed the store's
// previous field the last time, with aux zero; whether the target is the store's previous target
// (a counter's: the counter that followed the previous one the last time);
// whether `before` is known: what the last change to the same place in this block left, or for a
// place the block has not changed, what the last change to the same field left), then what the
// flags do not give: the field (with a bit for a non-zero aux), aux, the target's difference from
// the store's previous one, before, and after XOR before, or 0 when `after` is what the last change
// to the same field left (a frame given up takes the values of the frame given up before it).
// Values are coded so that kNoFrame and kNoBlob (all ones) and a 16-bit all ones (no owner) take
// one byte, and a page record is also rotated so that its place bits (kInFrame, kInSlot) come
// last. A change that steps a known value by one (a counter, a list's count, a share count) says
// so in its header and writes no values at all. A fault's PFN changes follow each other in the
// same order every time, so most need no field byte. With a forecast (see EventForecast), bytes
// stored are often what the forecast's current step stores (the last step of its counter in the
// block: a replay's write); `after` is then the code 1 (and a difference of 1, 2^32 + 1).
struct ChangeCodec {
    static constexpr size_t kMaxBytes = 1 + 2 + 3 + 5 + 5 + 5;
    static constexpr unsigned kStep = 17;              // a header's low five bits code kStep + store for a step of one
    static constexpr size_t kStepStores = 32 - kStep;  // the stores that can be coded so
    using Context = const EventForecast*;  // (with a forecast: a data write's value is the trace's)
    class Packer {
    public:
        Packer(Context forecast, uint64_t) : m_forecast(forecast) {
            std::memcpy(m_next_field, kSameField.data(), sizeof m_next_field);
            for (Slot& slot : m_slots) slot.place = kNoPlace;
            for (uint32_t i = 0; i <= kCounterMask; ++i) m_next_counter[i] = i;
        }
        uint64_t guess() const { return 0; }
        uint64_t first_guess() const { return 0; }

        [[gnu::always_inline]] void encode(const Change& c, uint8_t*& out) {
            const size_t st = size_t(c.store);
            const bool field_known = c.field == m_pred_field[st] && c.aux == 0;
            const bool same_target = c.target == m_pred_target[st];
            const uint64_t place = place_of(c);
            const size_t at = slot_of(c);
            Slot& slot = m_slots[at];
            const bool known = last_after(c, place, slot) == c.before;
            // A step of one from a known value (a counter, a list's count, a share count): the
            // store is coded as kStep + store, and the third flag gives the direction.
            const bool step = known && st < kStepStores && (c.after == c.before + 1 || c.after == c.before - 1);
            const bool third = step ? c.after == c.before - 1 : known;
            *out++ = uint8_t((step ? kStep + st : st) | (field_known ? 0x20 : 0) | (same_target ? 0x40 : 0) | (third ? 0x80 : 0));
            if (!field_known) {
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
                const uint64_t before = to_code(c.store, c.before);
                if (!known) varint::put(out, before);
                // The difference is never 0 (nor 2^32: codes have 32 bits), so 0 can say the field's
                // last value in the block (a reset: an entry's owner back to none) and 2^32 that the
                // value did not change (a merged counter's up and down).
                // Stored bytes can also be what the forecast's current step stores (1; a
                // difference of 1 is then 2^32 + 1).
                const uint64_t x = before ^ to_code(c.store, c.after);
                uint64_t code = x ? x : kUnchanged;
                uint32_t stored;
                if (c.after == m_field_after[st][c.field & kFieldMask])
                    code = 0;
                else if (c.store == Store::PhysBytes && forecast_store(c.field, stored) && stored == c.after)
                    code = 1;
                else if (c.store == Store::PhysBytes && x == 1)
                    code = kUnchanged + 1;
                varint::put(out, code);
            }
            remember(c, place, slot);
        }
        [[gnu::always_inline]] Change decode(const uint8_t*& p) {
            const uint8_t h = *p++;
            Change c{};
            const bool step = (h & 0x1F) >= kStep;
            c.store = Store(step ? (h & 0x1F) - kStep : h & 0x1F);
            const size_t st = size_t(c.store);
            if (h & 0x20) {
                c.field = m_pred_field[st];
            } else {
                const uint8_t f = *p++;
                c.field = (f & 0x7F) == 0x7F ? *p++ : uint8_t(f & 0x7F);
                if (f & 0x80) c.aux = uint16_t(varint::get(p));
            }
            c.target = (h & 0x40) ? m_pred_target[st] : uint32_t(int64_t(m_target[st]) + varint::unzigzag(varint::get(p)));
            const uint64_t place = place_of(c);
            const size_t at = slot_of(c);
            Slot& slot = m_slots[at];
            if (step) {
                c.before = last_after(c, place, slot);
                c.after = (h & 0x80) ? c.before - 1 : c.before + 1;
            } else {
                const uint64_t before = (h & 0x80) ? to_code(c.store, last_after(c, place, slot)) : varint::get(p);
                c.before = from_code(c.store, before);
                const uint64_t x = varint::get(p);
                if (x == 0) {
                    c.after = m_field_after[st][c.field & kFieldMask];
                } else if (x == 1 && c.store == Store::PhysBytes) {
                    const bool stores = forecast_store(c.field, c.after);
                    PL_CHECK(stores);  // (packed through the forecast: see CompactLog::set_context)
                } else {
                    c.after = from_code(c.store, x == kUnchanged ? before : x == kUnchanged + 1 ? before ^ 1 : before ^ x);
                }
            }
            remember(c, place, slot);
            return c;
        }

    private:
        // The last change to a place (store, field, aux, target) hashed here (kNoPlace: none yet).
        struct Slot {
            uint64_t place;  // store, field and aux; target
            uint32_t after;
        };
        static constexpr size_t kSlots = 512;
        static constexpr size_t kFieldMask = 15;  // (fields share a table entry modulo 16: a guess, either way exact)
        static constexpr uint64_t kUnchanged = uint64_t(1) << 32;
        static constexpr uint64_t kNoPlace = ~uint64_t(0);  // (no store is 0xFF)
        static constexpr size_t kCounterMask = 31;  // (counters share an entry modulo 32: a guess, either way exact)
        static constexpr std::array<std::array<uint8_t, kFieldMask + 1>, 32> kSameField = [] {
            std::array<std::array<uint8_t, kFieldMask + 1>, 32> t{};
            for (auto& row : t)
                for (size_t f = 0; f <= kFieldMask; ++f) row[f] = uint8_t(f);
            return t;
        }();
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
        static uint32_t from_code(Store s, uint64_t code) {
            const uint32_t w = is_page_record(s) ? uint32_t(code >> 2 | code << 30) : uint32_t(code);
            return w > 0x10000 || w == 0 ? w - 1 : w == 1 ? 0xFFFF : w - 2;
        }
        // What the place held after its last change in the block; else what the field (of any
        // target) last became: a frame given up gets back the use, owner and share count the
        // frame mapped before it was given.
        uint32_t last_after(const Change& c, uint64_t place, const Slot& slot) const {
            return slot.place == place ? slot.after : m_field_after[size_t(c.store)][c.field & kFieldMask];
        }
        // What the forecast's current step (the last step of its counter) stores, `width` bytes wide.
        bool forecast_store(uint32_t width, uint32_t& value) const {
            uint32_t w = 0;
            return m_step_known && m_forecast->stores && m_forecast->stores(m_forecast->source, m_step, w, value) &&
                   w == width;
        }
        // Learns c: the field and target that follow, the place's and the field's last value, and
        // the forecast's step.
        void remember(const Change& c, uint64_t place, Slot& slot) {
            const size_t st = size_t(c.store);
            if (c.store == Store::Counter) {
                if (m_forecast && c.target == m_forecast->counter && c.after == c.before + 1 &&
                    c.before >= m_forecast->counter_base) {
                    m_step = c.before - m_forecast->counter_base;
                    m_step_known = true;
                }
                // A counter's target: the counter that followed this one the last time (a fault
                // counts its kinds in the same order every time).
                m_next_counter[m_target[st] & kCounterMask] = c.target;
                m_pred_target[st] = m_next_counter[c.target & kCounterMask];
            } else {
                m_pred_target[st] = c.target;  // (any other store's: the same target again)
            }
            m_next_field[st][m_field[st] & kFieldMask] = c.field;
            m_pred_field[st] = m_next_field[st][c.field & kFieldMask];
            m_field[st] = c.field;
            m_target[st] = c.target;
            m_field_after[st][c.field & kFieldMask] = c.after;
            slot = Slot{place, c.after};
        }
        const EventForecast* m_forecast;
        uint64_t m_step = 0;        // the forecast's current step, once m_step_known
        bool m_step_known = false;  // a step of the forecast's counter was packed in this block
        uint32_t m_target[32] = {};
        uint8_t m_field[32] = {};
        uint32_t m_pred_target[32] = {};  // the target and field the header's flags stand for
        uint8_t m_pred_field[32] = {};
        uint8_t m_next_field[32][kFieldMask + 1];  // the field that followed this one last (from kSameField)
        uint32_t m_field_after[32][kFieldMask + 1] = {};
        uint32_t m_next_counter[kCounterMask + 1];  // (from the identity: the same counter again)
        Slot m_slots[kSlots];  // (a place no change has until one is hashed there)
    };
};
static_assert(uint8_t(Store::ListMove) < ChangeCodec::kStep,
              "a change's header byte holds the store in 5 bits, and a step (kStep + store) above it");

// An event against the one before it. A header byte: the first change's distance (0-14, or 15
// and the distance less 15 follows), whether the kind is the one that followed the previous
// event's kind when that kind last occurred in the block, whether the space is new, and whether
// the argument modes are one of the last two this kind used (else a byte of them follows). An
// argument's mode (two bits) is zero, the previous event's, a new value, or its difference from
// the previous event's (for the first argument once a forecast placed the block, see base()) when
// that is smaller. Then the kind, the modes, the new space and the
// values, as needed. Most events of a fault or a run of hits repeat the shape of the last one of
// their kind, and take one byte besides their values.
//
// With a forecast, an event that is what the forecast predicts for the index after the last one
// the block used takes the fourth shape: its header, then only the arguments the forecast does not
// know (a replay's read value), as varints or, when the kind bit (implied by the shape) is set,
// four bytes each. The block's first such event, and the first after an event of the forecast's
// kind that it did not predict, write their index. A replay's hit is its header, or its header
// and the value it read.
struct EventCodec {
    static constexpr size_t kMaxBytes = 1 + 5 + 3 + 1 + 3 + 4 * 5 + 10;
    using Context = const EventForecast*;
    class Packer {
    public:
        // `guess`: the forecast index the encoder tries first (the one after the previous block's last).
        Packer(Context forecast, uint64_t guess) : m_forecast(forecast), m_guess(guess), m_first_guess(guess) {}
        uint64_t guess() const { return m_guess; }
        // The index the block's first forecast event wrote, or the guess given when there is none.
        uint64_t first_guess() const { return m_first_guess; }

        [[gnu::always_inline]] void encode(const EventRecord& e, uint8_t*& out) {
            const uint32_t distance = e.first_change - m_prev.first_change;  // (first changes never decrease)
            const bool new_space = e.space != m_prev.space;
            if (m_forecast && e.kind == m_forecast->kind && encode_forecast(e, distance, new_space, out)) return;
            const bool kind_known = m_next_kind[m_prev.kind & kKindMask] == e.kind;
            uint8_t how = 0;
            uint64_t code[4];
            for (unsigned i = 0; i < 4; ++i) {
                const uint32_t a = e.args[i], was = m_prev.args[i];
                unsigned mode = 0;
                if (a != 0 && a != was) {
                    const uint64_t step = varint::zigzag(int64_t(a) - int64_t(base(i)));
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
            const unsigned shape = h >> 6;
            if (shape == kForecastShape) {
                decode_forecast(e, h, p);
                return e;
            }
            e.kind = (h & 0x10) ? m_next_kind[m_prev.kind & kKindMask] : uint16_t(varint::get(p));
            const uint8_t how = shape ? m_how[e.kind & kKindMask][shape - 1] : *p++;
            e.space = (h & 0x20) ? uint16_t(varint::get(p)) : m_prev.space;
            for (unsigned i = 0; i < 4; ++i) {
                switch ((how >> (2 * i)) & 3) {
                    case 0: e.args[i] = 0; break;
                    case 1: e.args[i] = m_prev.args[i]; break;
                    case 2: e.args[i] = uint32_t(varint::get(p)); break;
                    default: e.args[i] = uint32_t(int64_t(base(i)) + varint::unzigzag(varint::get(p))); break;
                }
            }
            learn(e, how, shape);
            return e;
        }

    private:
        static constexpr size_t kKindMask = 127;  // (kinds share a table entry modulo 128: a guess, either way exact)
        static constexpr unsigned kForecastShape = 3;
        // The forecast's shape, when the forecast predicts e as the event after the block's last
        // forecast one (the carried guess, for the block's first).
        bool encode_forecast(const EventRecord& e, uint32_t distance, bool new_space, uint8_t*& out) {
            unsigned rest = 0;
            if (!predicts(e, m_guess, rest)) {
                // After an event of the kind the forecast did not predict, its index is written
                // again: this one may be the one after the guess.
                if (m_started || !predicts(e, m_guess + 1, rest)) return false;
                ++m_guess;
            }
            unsigned varint_bytes = 0;  // (the arguments to write, and their varints' length)
            for (unsigned i = 0; i < 4; ++i)
                if (rest >> i & 1) varint_bytes += varint::length(e.args[i]);
            const bool raw = varint_bytes > 4 * unsigned(std::popcount(rest));
            *out++ = uint8_t(std::min<uint32_t>(distance, 15) | (raw ? 0x10 : 0) | (new_space ? 0x20 : 0) | kForecastShape << 6);
            if (distance >= 15) [[unlikely]]
                varint::put(out, distance - 15);
            if (!m_started) varint::put(out, m_guess);
            if (new_space) varint::put(out, e.space);
            for (unsigned i = 0; i < 4; ++i) {
                if (!(rest >> i & 1)) continue;
                if (raw) {
                    std::memcpy(out, &e.args[i], 4);  // (little-endian, as the decoder reads it)
                    out += 4;
                } else {
                    varint::put(out, e.args[i]);
                }
            }
            learn_forecast(e);
            return true;
        }
        // What a difference is taken from: the previous event's argument; for the first argument,
        // once the block has placed itself in the forecast, the first argument the forecast gives
        // the next event (a replay's address: the fault that access takes names it, or its page).
        uint32_t base(unsigned i) const { return i == 0 && m_started ? m_next_a0 : m_prev.args[i]; }
        // Whether the forecast's event k has e's arguments where it knows them; `rest` the others.
        bool predicts(const EventRecord& e, uint64_t k, unsigned& rest) const {
            uint32_t args[4];
            const unsigned known = m_forecast->predict(m_forecast->source, k, args);
            if (known == 0) return false;
            for (unsigned i = 0; i < 4; ++i)
                if ((known >> i & 1) && args[i] != e.args[i]) return false;
            rest = ~known & 15u;
            return true;
        }
        void decode_forecast(EventRecord& e, uint8_t h, const uint8_t*& p) {
            PL_CHECK(m_forecast);  // (packed through it: see CompactLog::set_context)
            if (!m_started) {
                m_guess = varint::get(p);
                if (!m_told) m_first_guess = m_guess;
                m_told = true;
            }
            e.kind = m_forecast->kind;
            e.space = (h & 0x20) ? uint16_t(varint::get(p)) : m_prev.space;
            const unsigned known = m_forecast->predict(m_forecast->source, m_guess, e.args);
            PL_CHECK(known != 0);
            for (unsigned i = 0; i < 4; ++i) {
                if (known >> i & 1) continue;
                if (h & 0x10) {
                    std::memcpy(&e.args[i], p, 4);
                    p += 4;
                } else {
                    e.args[i] = uint32_t(varint::get(p));
                }
            }
            learn_forecast(e);
        }
        void learn_forecast(const EventRecord& e) {
            m_started = true;
            ++m_guess;
            uint32_t next[4];
            m_next_a0 = m_forecast->predict(m_forecast->source, m_guess, next) & 1 ? next[0] : e.args[0];
            m_next_kind[m_prev.kind & kKindMask] = e.kind;
            m_prev = e;
        }
        void learn(const EventRecord& e, uint8_t how, unsigned shape) {
            // An event of the forecast's kind it did not predict: the next one writes its index.
            if (m_forecast && e.kind == m_forecast->kind) m_started = false;
            m_next_kind[m_prev.kind & kKindMask] = e.kind;
            uint8_t* shapes = m_how[e.kind & kKindMask];  // the newest first
            shapes[1] = shape == 1 ? shapes[1] : shapes[0];
            shapes[0] = how;  // (already there when shape is 1)
            m_prev = e;
        }
        const EventForecast* m_forecast;
        uint64_t m_guess;        // the forecast index of the next forecast event
        uint64_t m_first_guess;  // (the decoder's: the index the block's first forecast event wrote)
        bool m_started = false;  // a forecast event was packed since the last index written: m_guess is known to both sides
        bool m_told = false;     // (the decoder's: an index was written in the block)
        uint32_t m_next_a0 = 0;  // (once m_started: the forecast's first argument of event m_guess)
        EventRecord m_prev{};
        uint16_t m_next_kind[kKindMask + 1] = {};
        uint8_t m_how[kKindMask + 1][2] = {};
    };
};

}  // namespace pagelab::core
