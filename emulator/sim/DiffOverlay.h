// Internals of the journal-based diff (sim/Diff.cpp): small containers for millions of touched
// items, and the Overlay — the journal between the machine's position and a moment, reduced to
// each touched item's value at that moment. Only Diff.cpp and DiffText.cpp include this.
#pragma once

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <vector>

#include "mm/SoftwarePte.h"
#include "os/Loader.h"
#include "os/Machine.h"

namespace pagelab::sim::diff_detail {

using core::Change;
using core::Store;
using mm::PfnField;
using mm::SoftwarePte;
using x86::Pte;

// ---------------------------------------------------------------------------------------------
// A small open-addressing hash map from 64-bit keys: the journal between two moments can touch
// millions of items, and std::unordered_map's nodes cost more than the scan itself. Iteration
// order is not used for anything that shows (callers sort what they print).
template <class V>
class FlatMap {
public:
    static constexpr uint64_t kEmpty = ~uint64_t(0);
    FlatMap() { rehash(64); }
    // The value of key; `fresh` says whether it was just inserted (value-initialised).
    V& slot(uint64_t key, bool& fresh) {
        if ((m_size + 1) * 2 > m_keys.size()) rehash(m_keys.size() * 2);
        size_t i = index(key);
        while (m_keys[i] != kEmpty) {
            if (m_keys[i] == key) {
                fresh = false;
                return m_values[i];
            }
            i = (i + 1) & m_mask;
        }
        m_keys[i] = key;
        m_values[i] = V{};
        ++m_size;
        fresh = true;
        return m_values[i];
    }
    const V* find(uint64_t key) const {
        size_t i = index(key);
        while (m_keys[i] != kEmpty) {
            if (m_keys[i] == key) return &m_values[i];
            i = (i + 1) & m_mask;
        }
        return nullptr;
    }
    size_t size() const { return m_size; }
    template <class F>
    void for_each(F&& f) const {
        for (size_t i = 0; i < m_keys.size(); ++i)
            if (m_keys[i] != kEmpty) f(m_keys[i], m_values[i]);
    }

private:
    size_t index(uint64_t key) const { return size_t((key * 0x9E3779B97F4A7C15ull) >> m_shift) & m_mask; }
    void rehash(size_t capacity) {
        std::vector<uint64_t> keys(capacity, kEmpty);
        std::vector<V> values(capacity);
        std::swap(keys, m_keys);
        std::swap(values, m_values);
        m_mask = capacity - 1;
        m_shift = 64 - unsigned(__builtin_ctzll(capacity));
        m_size = 0;
        for (size_t i = 0; i < keys.size(); ++i) {
            if (keys[i] == kEmpty) continue;
            bool fresh;
            slot(keys[i], fresh) = std::move(values[i]);
        }
    }
    std::vector<uint64_t> m_keys;
    std::vector<V> m_values;
    size_t m_size = 0;
    size_t m_mask = 0;
    unsigned m_shift = 0;
};

class Bitmap {
public:
    explicit Bitmap(size_t bits = 0) : m_words((bits + 63) / 64, 0) {}
    void set(size_t i) { m_words[i >> 6] |= uint64_t(1) << (i & 63); }
    bool test(size_t i) const { return (i >> 6) < m_words.size() && ((m_words[i >> 6] >> (i & 63)) & 1); }
    template <class F>
    void for_each(F&& f) const {
        for (size_t w = 0; w < m_words.size(); ++w)
            for (uint64_t bits = m_words[w]; bits; bits &= bits - 1) f(w * 64 + size_t(__builtin_ctzll(bits)));
    }

private:
    std::vector<uint64_t> m_words;
};

// The PFN fields an overlay holds: a dense table for machines of up to 16K frames (every lesson,
// and the benchmark), a hash map beyond. Keys are frame * 16 + field.
class PfnTable {
public:
    explicit PfnTable(uint32_t frames) : m_dense(frames <= kDenseFrames) {
        if (m_dense) {
            m_values.resize(size_t(frames) * 16);
            m_present.resize((size_t(frames) * 16 + 63) / 64, 0);
        }
    }
    // keep_first: the first value put stays (a moment before the position); else the last.
    void put(uint64_t key, uint32_t value, bool keep_first) {
        if (!m_dense) {
            bool fresh;
            uint32_t& v = m_map.slot(key, fresh);
            if (fresh) m_keys.push_back(key);
            if (fresh || !keep_first) v = value;
            return;
        }
        uint64_t& word = m_present[key >> 6];
        const uint64_t bit = uint64_t(1) << (key & 63);
        if (!(word & bit)) {
            word |= bit;
            m_keys.push_back(key);
        } else if (keep_first) {
            return;
        }
        m_values[key] = value;
    }
    const uint32_t* find(uint64_t key) const {
        if (!m_dense) return m_map.find(key);
        if ((key >> 6) >= m_present.size() || !((m_present[key >> 6] >> (key & 63)) & 1)) return nullptr;
        return &m_values[key];
    }
    template <class F>
    void for_each(F&& f) const {
        for (uint64_t key : m_keys) f(key, *find(key));
    }

private:
    static constexpr uint32_t kDenseFrames = 16384;
    bool m_dense;
    std::vector<uint32_t> m_values;
    std::vector<uint64_t> m_present;
    FlatMap<uint32_t> m_map;
    std::vector<uint64_t> m_keys;  // in the order first put
};

inline uint64_t pfn_key(uint32_t frame, PfnField f) { return uint64_t(frame) * 16 + uint64_t(f); }
inline bool diffed_pfn_field(uint8_t f) {
    switch (PfnField(f)) {
        case PfnField::PteAddress:
        case PfnField::OriginalPte:
        case PfnField::ShareCount:
        case PfnField::Owner:
        case PfnField::State:
        case PfnField::Use:
        case PfnField::Flags: return true;
        default: return false;  // list order (flink, blink, list) is not compared
    }
}

using mm::is_section_use;

// Page directory indexes a diff and `pagelab state` list: private user space, and under win95 the
// shared arena's tables too.
inline uint32_t listed_pdes(mm::Personality p) {
    const mm::Layout& l = mm::layout_of(p);
    if (l.shared_begin) return l.shared_end >> 22;
    return uint32_t((uint64_t(l.user_end) + 0x3FFFFF) >> 22);
}
// win95: the PDEs that point at a page table shared by every directory (the shared arena and the
// compatibility arena below 4 MB). Their PTEs are listed once, as the shared tables'.
inline bool shared_pde(mm::Personality p, uint32_t idx) {
    const mm::Layout& l = mm::layout_of(p);
    return l.shared_begin && (idx == 0 || (idx >= (l.shared_begin >> 22) && idx < (l.shared_end >> 22)));
}
// Where VirtualQuery answers for a process: user space, and the shared arena under win95.
inline uint32_t region_end_vpn(mm::Personality p) {
    const mm::Layout& l = mm::layout_of(p);
    return (l.shared_begin ? l.shared_end : l.user_end) >> 12;
}

// An image section created after the machine's position: what its prototype PTEs start as.
struct NewSection {
    uint32_t id = 0;
    uint32_t first_proto = 0;
    std::vector<uint32_t> initial;  // in-file prototype PTE per page
};

struct WordRec {
    uint32_t bytes = 0;
    uint8_t known = 0;  // bit i: byte i is set by a PhysBytes change (change index in at[i])
    uint32_t at[4] = {0, 0, 0, 0};
};
struct ContentRec {
    uint32_t at = 0;      // the FrameContent change's index
    uint32_t record = 0;  // its page record (before or after, by side)
};

// ---------------------------------------------------------------------------------------------
// The journal between the machine's position P and a moment X, reduced to the value each touched
// item has at X: the `before` of its first change when X lies before P, the `after` of its last
// change when X lies after P. Items it does not hold have at X the value they have at P (the
// machine as it stands).
class Overlay {
public:
    Overlay(const os::Machine& m, size_t position, size_t moment)
        : pfn(m.mm().config().frames), m_machine(m), m_before(moment < position), m_lo(std::min(position, moment)),
          m_hi(std::max(position, moment)) {}

    bool before() const { return m_before; }
    size_t lo() const { return m_lo; }
    size_t hi() const { return m_hi; }

    // Everything but the bytes of physical memory.
    void scan_state() {
        const auto& changes = m_machine.journal().changes();
        const auto& mmgr = m_machine.mm();
        for (size_t i = m_lo; i < m_hi; ++i) {
            const Change& c = changes[i];
            switch (c.store) {
                case Store::Pfn:
                    if (diffed_pfn_field(c.field)) pfn.put(pfn_key(c.target, PfnField(c.field)), m_before ? c.before : c.after, m_before);
                    break;
                case Store::ListHead:
                    if (c.field == 2 && c.target < mm::kListCount) put_opt(list_counts[c.target], c.before, c.after);
                    break;
                case Store::Counter:
                    if (c.target < mm::kCounterCount) put_opt(counters[c.target], c.before, c.after);
                    break;
                case Store::Slot: put(slots, c.target, uint8_t(c.before != 0), uint8_t(c.after != 0)); break;
                case Store::Cpu:
                    if (c.field == 3) put(shared_tables, c.target, c.before, c.after);
                    break;
                case Store::Vad: scan_vad(c); break;
                case Store::Space:
                    if (c.field == 0) put(space_pd, uint16_t(c.target), c.before, c.after);
                    else put(space_alive, uint16_t(c.target), uint8_t(c.before != 0), uint8_t(c.after != 0));
                    break;
                case Store::SpaceCreate: put(space_exists, uint16_t(c.target), uint8_t(0), uint8_t(1)); break;
                case Store::Section:
                    if (c.field == 0) {
                        put(section_exists, c.target, uint8_t(0), uint8_t(1));
                        if (!m_before) note_new_section(i, c.target);
                    } else {
                        put(section_views, c.target, c.before, c.after);
                    }
                    break;
                case Store::Proto: put(protos, c.target, c.before, c.after); break;
                case Store::Object:
                    switch (mm::ObjectField(c.field)) {
                        case mm::ObjectField::Mapping: put(mappings, c.target, c.before, c.after); break;
                        case mm::ObjectField::DataSection: put(data_sections, c.target, c.before, c.after); break;
                        case mm::ObjectField::Handle:
                            put(handles, std::pair<uint16_t, uint32_t>(uint16_t(c.target), uint32_t(c.aux) * 4), c.before, c.after);
                            break;
                        default: break;  // the disk's files are not compared
                    }
                    break;
                case Store::Os:
                    if (c.field == uint8_t(os::OsField::ProcessCreate)) put(processes, uint16_t(c.target), 0u, c.after);
                    else if (c.field == uint8_t(os::OsField::ProcessState))
                        put(processes, uint16_t(c.target), c.before + 1, c.after + 1);
                    break;
                case Store::PhysBytes:
                case Store::FrameContent:
                case Store::SlotContent: m_memory.push_back(uint32_t(i)); break;  // for scan_memory
                default: break;  // ListMove, TLB: not compared
            }
        }
        (void)mmgr;
    }

    // The words of the frames that are page tables or page directories at either moment (the only
    // physical memory a diff reads), and which frames and slots had their bytes written.
    void scan_memory(const Bitmap& tables, Bitmap* frames_written, Bitmap* slots_written) {
        const auto& changes = m_machine.journal().changes();
        for (const uint32_t i : m_memory) {
            const Change& c = changes[i];
            if (c.store == Store::PhysBytes) {
                const uint32_t frame = c.target >> 12;
                if (frames_written) frames_written->set(frame);
                if (!tables.test(frame)) continue;
                const uint32_t value = m_before ? c.before : c.after;
                for (uint32_t b = 0; b < c.field; ++b) {
                    const uint32_t pa = c.target + b;
                    bool fresh;
                    WordRec& w = words.slot(pa >> 2, fresh);
                    const unsigned lane = pa & 3;
                    if (m_before && (w.known >> lane) & 1) continue;  // the first change decides
                    w.known |= uint8_t(1u << lane);
                    w.at[lane] = uint32_t(i);
                    w.bytes = (w.bytes & ~(0xFFu << (8 * lane))) | (((value >> (8 * b)) & 0xFFu) << (8 * lane));
                }
            } else if (c.store == Store::FrameContent) {
                if (frames_written) frames_written->set(c.target);
                if (!tables.test(c.target)) continue;
                bool fresh;
                ContentRec& r = contents.slot(c.target, fresh);
                if (m_before && !fresh) continue;
                r.at = uint32_t(i);
                r.record = m_before ? c.before : c.after;
            } else if (c.store == Store::SlotContent) {
                if (slots_written) slots_written->set(c.target);
            }
        }
    }

    // The word at physical address pa (4-byte aligned) at the moment, for a frame scan_memory
    // tracked.
    uint32_t word(uint32_t pa) const {
        const uint32_t now = m_machine.mm().ram().read_u32(pa);
        const ContentRec* content = contents.find(pa >> 12);
        const WordRec* w = words.find(pa >> 2);
        if (!content && !w) return now;
        const uint8_t* page = content ? page_bytes(content->record) : nullptr;
        uint32_t out = 0;
        for (unsigned lane = 0; lane < 4; ++lane) {
            uint32_t byte;
            const bool from_write = w && ((w->known >> lane) & 1) &&
                                    (!content || (m_before ? w->at[lane] < content->at : w->at[lane] > content->at));
            if (from_write) byte = (w->bytes >> (8 * lane)) & 0xFFu;
            else if (page) byte = page[(pa & 0xFFFu) + lane];
            else byte = (now >> (8 * lane)) & 0xFFu;
            out |= byte << (8 * lane);
        }
        return out;
    }

    // Item maps: value at the moment.
    PfnTable pfn;
    std::array<std::optional<uint64_t>, mm::kCounterCount> counters{};
    std::array<std::optional<uint32_t>, mm::kListCount> list_counts{};
    FlatMap<uint8_t> slots;
    std::map<uint32_t, uint32_t> shared_tables;  // PDE index -> frame
    std::map<std::pair<uint16_t, uint32_t>, uint32_t> vads;  // (space or kNoSpace, start VPN) -> VAD blob / kNoBlob
    std::map<uint16_t, uint32_t> space_pd;
    std::map<uint16_t, uint8_t> space_alive;
    std::map<uint16_t, uint8_t> space_exists;
    FlatMap<uint32_t> protos;
    std::map<uint32_t, uint8_t> section_exists;
    std::map<uint32_t, uint32_t> section_views;
    std::vector<NewSection> new_sections;  // (after the position only) in creation order
    std::map<uint32_t, uint32_t> mappings;       // id -> blob / kNoBlob
    std::map<uint32_t, uint32_t> data_sections;  // id -> blob / kNoBlob
    std::map<std::pair<uint16_t, uint32_t>, uint32_t> handles;  // (space, handle) -> blob / kNoBlob
    std::map<uint16_t, uint32_t> processes;                     // id -> 0 (none) / 1 + ProcessState
    FlatMap<WordRec> words;        // key: physical address >> 2
    FlatMap<ContentRec> contents;  // key: frame

private:
    template <class K, class V>
    void put(std::map<K, V>& map, const K& key, V before, V after) {
        if (m_before) map.try_emplace(key, before);
        else map.insert_or_assign(key, after);
    }
    template <class V>
    void put(FlatMap<V>& map, uint64_t key, V before, V after) {
        bool fresh;
        V& v = map.slot(key, fresh);
        if (!m_before || fresh) v = m_before ? before : after;
    }
    template <class V, class W>
    void put_opt(std::optional<V>& slot, W before, W after) {
        if (m_before) {
            if (!slot) slot = V(before);
        } else {
            slot = V(after);
        }
    }
    // A VAD change names the VAD it removes and the one it inserts; both are keyed by their
    // start. Replacing a VAD by one with the same start is one item.
    void scan_vad(const Change& c) {
        const auto& mmgr = m_machine.mm();
        const uint16_t space = uint16_t(c.target);
        const uint32_t b = c.before, a = c.after;
        const uint32_t sb = b == core::kNoBlob ? 0 : mmgr.vad_blob(b).start_vpn;
        const uint32_t sa = a == core::kNoBlob ? 0 : mmgr.vad_blob(a).start_vpn;
        if (b != core::kNoBlob) put(vads, {space, sb}, b, (a != core::kNoBlob && sa == sb) ? a : core::kNoBlob);
        if (a != core::kNoBlob && (b == core::kNoBlob || sa != sb)) put(vads, {space, sa}, uint32_t(core::kNoBlob), a);
    }
    // An image section created between the position and a later moment: its first prototype
    // index and initial prototype PTEs, from the image it was made from (the loader builds every
    // image section with os::image_pages of the file's description).
    void note_new_section(size_t change, uint32_t id) {
        const auto& mmgr = m_machine.mm();
        const auto& events = m_machine.journal().events();
        NewSection ns;
        ns.id = id;
        ns.first_proto = new_sections.empty() ? uint32_t(mmgr.prototypes().size())
                                              : new_sections.back().first_proto + uint32_t(new_sections.back().initial.size());
        // The section-created event opened just before the change.
        auto it = std::upper_bound(events.begin(), events.end(), uint32_t(change),
                                   [](uint32_t ch, const core::EventRecord& e) { return ch < e.first_change; });
        if (it != events.begin()) {
            const core::EventRecord& e = *(it - 1);
            if (mm::EventKind(e.kind) == mm::EventKind::SectionCreated && e.args[2] < mmgr.strings().size()) {
                if (const auto file = mmgr.find_file(mmgr.strings()[e.args[2]])) {
                    if (const os::ImageDescription* image = m_machine.image_of(*file)) {
                        const auto pages = os::image_pages(*image);
                        for (uint32_t p = 0; p < pages.size(); ++p) ns.initial.push_back(SoftwarePte::in_file(p, pages[p].mm_protection));
                    }
                }
            }
        }
        new_sections.push_back(std::move(ns));
    }
    const uint8_t* page_bytes(uint32_t record) const {
        if (record == core::kNoBlob) return core::PageRef().data();
        // A page still elsewhere in the machine when it was recorded (not the case for page
        // tables, which are never paged): the machine's present bytes there, the best at hand.
        return m_machine.mm().recorded_page(record).data();
    }

    const os::Machine& m_machine;
    bool m_before;
    size_t m_lo, m_hi;
    std::vector<uint32_t> m_memory;  // the PhysBytes, FrameContent and SlotContent changes, in order
};

}  // namespace pagelab::sim::diff_detail
