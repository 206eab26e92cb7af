#include "sim/Diff.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "mm/SoftwarePte.h"
#include "os/Loader.h"
#include "sim/JsonWriter.h"
#include "sim/Report.h"
#include "sim/Session.h"

namespace pagelab::sim {

using core::Change;
using core::Store;
using mm::PfnField;
using mm::SoftwarePte;
using x86::Pte;

// ---------------------------------------------------------------------------------------------
// Moments

std::variant<size_t, std::string> parse_moment(const Session& s, std::string_view text) {
    const std::string t(text);
    if (t == "start") return size_t(0);
    if (t == "end") return s.event_count();
    if (t.rfind("event:", 0) == 0) {
        const auto n = parse_number(t.substr(6));
        if (!n) return fmt::format("{}: 'event:' takes an event number, as the trace prints it in brackets", t);
        if (s.event_count() == 0) return fmt::format("{}: the run has no events", t);
        if (*n >= s.event_count())
            return fmt::format("{}: the run has {} events, numbered 0 to {}", t, s.event_count(), s.event_count() - 1);
        return size_t(*n + 1);
    }
    if (const auto n = parse_number(t)) {
        if (*n > s.step_count()) return fmt::format("{}: the scenario has {} steps", t, s.step_count());
        return s.first_event_of_step(size_t(*n));
    }
    for (size_t i = 0; i < s.step_count(); ++i)
        if (!s.scenario().steps[i].label.empty() && s.scenario().steps[i].label == t) return s.first_event_of_step(i + 1);
    return fmt::format("{}: not a step number, a label of this scenario, event:N, start or end", t);
}

std::string describe_moment(const Session& s, size_t cursor, bool with_label) {
    if (cursor == 0) return "the start";
    for (size_t step = 0; step <= s.step_count(); ++step)
        if (s.first_event_of_step(step) == cursor) {
            // Several steps may end at one cursor when steps have no events: name the last.
            size_t last = step;
            while (last < s.step_count() && s.first_event_of_step(last + 1) == cursor) ++last;
            const std::string& label = last > 0 ? s.scenario().steps[last - 1].label : std::string();
            return label.empty() || !with_label ? fmt::format("step {}", last) : fmt::format("step {} ({})", last, label);
        }
    return fmt::format("event {} (in step {})", cursor - 1, s.step_of_event(cursor - 1) + 1);
}

bool Diff::empty() const {
    return processes.empty() && regions.empty() && entries.empty() && frames.empty() && slots.empty() && mappings.empty() &&
           data_sections.empty() && image_sections.empty() && handles.empty() && counters.empty();
}

namespace {

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

uint64_t pfn_key(uint32_t frame, PfnField f) { return uint64_t(frame) * 16 + uint64_t(f); }
bool diffed_pfn_field(uint8_t f) {
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

bool is_section_use(mm::FrameUse u) {
    return u == mm::FrameUse::Image || u == mm::FrameUse::File || u == mm::FrameUse::PagefileSection;
}

// Page directory indexes a diff and `pagelab state` list: private user space, and under win95 the
// shared arena's tables too.
uint32_t listed_pdes(mm::Personality p) {
    const mm::Layout& l = mm::layout_of(p);
    if (l.shared_begin) return l.shared_end >> 22;
    return uint32_t((uint64_t(l.user_end) + 0x3FFFFF) >> 22);
}
// win95: the PDEs that point at a page table shared by every directory (the shared arena and the
// compatibility arena below 4 MB). Their PTEs are listed once, as the shared tables'.
bool shared_pde(mm::Personality p, uint32_t idx) {
    const mm::Layout& l = mm::layout_of(p);
    return l.shared_begin && (idx == 0 || (idx >= (l.shared_begin >> 22) && idx < (l.shared_end >> 22)));
}
// Where VirtualQuery answers for a process: user space, and the shared arena under win95.
uint32_t region_end_vpn(mm::Personality p) {
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

// ---------------------------------------------------------------------------------------------
// The machine at a moment, read through the machine as it stands and an overlay. The page facts
// follow MemoryManager::page_state and virtual_query rule for rule (the unit test compares them
// with the real ones at both moments).
class View {
public:
    View(const os::Machine& m, const Overlay& o) : m_machine(m), m_mm(m.mm()), m_o(o) {}

    mm::Personality personality() const { return m_mm.config().personality; }

    uint32_t word(uint32_t pa) const { return m_o.word(pa); }
    uint32_t pfn(uint32_t frame, PfnField f) const {
        if (!m_mm.frame_exists(frame)) return default_field(f);
        if (const uint32_t* v = m_o.pfn.find(pfn_key(frame, f))) return *v;
        return m_mm.pfn().get(frame, f);
    }
    mm::FrameUse use(uint32_t frame) const { return mm::FrameUse(pfn(frame, PfnField::Use)); }
    FrameFacts frame_facts(uint32_t f) const {
        FrameFacts x;
        x.state = mm::FrameState(pfn(f, PfnField::State));
        x.use = mm::FrameUse(pfn(f, PfnField::Use));
        x.owner = uint16_t(pfn(f, PfnField::Owner));
        x.share_count = uint16_t(pfn(f, PfnField::ShareCount));
        x.pte_address = pfn(f, PfnField::PteAddress);
        x.original_pte = pfn(f, PfnField::OriginalPte);
        x.modified = (pfn(f, PfnField::Flags) & mm::PfnEntry::kModified) != 0;
        return x;
    }
    uint64_t counter(size_t c) const { return m_o.counters[c] ? *m_o.counters[c] : m_mm.counters()[c]; }
    uint32_t list_count(size_t l) const { return m_o.list_counts[l] ? *m_o.list_counts[l] : m_mm.pfn().list(mm::FrameList(l)).count; }
    bool slot_used(uint32_t s) const {
        if (const uint8_t* v = m_o.slots.find(s)) return *v;
        return m_mm.pagefile().in_use(s);
    }
    uint32_t pagefile_used() const {
        int64_t n = m_mm.pagefile().used();
        m_o.slots.for_each([&](uint64_t s, uint8_t used) { n += int64_t(used) - int64_t(m_mm.pagefile().in_use(uint32_t(s))); });
        return uint32_t(n);
    }
    uint32_t shared_table(uint32_t idx) const {
        if (auto it = m_o.shared_tables.find(idx); it != m_o.shared_tables.end()) return it->second;
        return m_mm.shared_table(idx);
    }

    // Address spaces.
    bool space_exists(uint16_t s) const {
        if (auto it = m_o.space_exists.find(s); it != m_o.space_exists.end()) return it->second;
        return s < m_mm.spaces().size();
    }
    bool alive(uint16_t s) const {
        if (!space_exists(s)) return false;
        if (auto it = m_o.space_alive.find(s); it != m_o.space_alive.end()) return it->second;
        return s < m_mm.spaces().size() ? m_mm.space(s).alive() : true;  // (created since: alive from the start)
    }
    uint32_t page_directory(uint16_t s) const {
        if (auto it = m_o.space_pd.find(s); it != m_o.space_pd.end()) return it->second;
        return s < m_mm.spaces().size() ? m_mm.space(s).page_directory() : 0;
    }
    uint32_t pde(uint16_t s, uint32_t idx) const {
        if (!alive(s)) return 0;
        return word((page_directory(s) << 12) + idx * 4);
    }
    // The PTE of va in space s, or of the shared tables (s == kNoSpace); 0 without a table.
    uint32_t pte(uint16_t s, uint32_t va, bool* table = nullptr) const {
        uint32_t frame = mm::kNoFrame;
        if (s == mm::kNoSpace) {
            frame = shared_table(x86::pde_index(va));
        } else {
            const uint32_t d = pde(s, x86::pde_index(va));
            if ((d & Pte::kPresent) && m_mm.frame_exists(d >> 12)) frame = d >> 12;
        }
        if (table) *table = frame != mm::kNoFrame;
        return frame == mm::kNoFrame ? 0 : word((frame << 12) + x86::pte_index(va) * 4);
    }
    // The page table frame under PDE idx of s (kNoFrame: none).
    uint32_t table_frame(uint16_t s, uint32_t idx) const {
        if (s == mm::kNoSpace) return shared_table(idx);
        const uint32_t d = pde(s, idx);
        return (d & Pte::kPresent) && m_mm.frame_exists(d >> 12) ? d >> 12 : mm::kNoFrame;
    }

    // VADs: the space's own, and the shared arena's (s == kNoSpace).
    const mm::VadMap& vads(uint16_t s) const {
        static const mm::VadMap none;
        auto changed = m_o.vads.lower_bound({s, 0});
        if (changed == m_o.vads.end() || changed->first.first != s) {
            // No VAD of this set changed between the position and the moment: the machine's own.
            if (s == mm::kNoSpace) return m_mm.shared_vads();
            return s < m_mm.spaces().size() ? m_mm.space(s).vads() : none;
        }
        auto it = m_vads.find(s);
        if (it != m_vads.end()) return it->second;
        mm::VadMap map;
        if (s == mm::kNoSpace) map = m_mm.shared_vads();
        else if (s < m_mm.spaces().size()) map = m_mm.space(s).vads();
        for (auto o = m_o.vads.lower_bound({s, 0}); o != m_o.vads.end() && o->first.first == s; ++o) {
            if (o->second == core::kNoBlob) map.erase(o->first.second);
            else map[o->first.second] = m_mm.vad_blob(o->second);
        }
        return m_vads.emplace(s, std::move(map)).first->second;
    }
    bool in_shared_arena(uint32_t va) const {
        const mm::Layout& l = mm::layout_of(personality());
        return l.shared_begin != 0 && va >= l.shared_begin && va < l.shared_end;
    }
    bool in_compat_arena(uint32_t va) const {
        const mm::Layout& l = mm::layout_of(personality());
        return l.shared_begin != 0 && va >= l.null_trap_end && va < l.alloc_lowest;
    }
    const mm::Vad* vad_at(uint16_t s, uint32_t va) const {
        if (in_shared_arena(va)) return mm::find_vad_in(vads(mm::kNoSpace), va);
        if (in_compat_arena(va)) return &mm::MemoryManager::compat_arena();
        return mm::find_vad_in(vads(s), va);
    }
    // The end VPN of the stretch around vpn in which vad_at gives the same answer (its VAD's end,
    // or the next VAD's start).
    uint32_t vad_extent_end(uint16_t s, uint32_t vpn) const {
        const uint32_t va = vpn << 12;
        if (const mm::Vad* v = vad_at(s, va)) return v->end_vpn;
        const mm::Layout& l = mm::layout_of(personality());
        if (in_shared_arena(va)) {
            const mm::Vad* next = mm::next_vad_in(vads(mm::kNoSpace), vpn);
            return next ? next->start_vpn : l.shared_end >> 12;
        }
        const mm::Vad* next = mm::next_vad_in(vads(s), vpn);
        uint32_t end = next ? next->start_vpn : region_end_vpn(personality());
        if (l.shared_begin) {
            if (vpn < (l.null_trap_end >> 12)) end = std::min(end, l.null_trap_end >> 12);
            if (vpn < (l.shared_begin >> 12)) end = std::min(end, l.shared_begin >> 12);
        }
        return end;
    }
    // Every region VAD the space sees (own, then shared), with the compatibility arena.
    std::vector<const mm::Vad*> regions(uint16_t s) const {
        std::vector<const mm::Vad*> out;
        if (!alive(s)) return out;
        const bool w95 = mm::layout_of(personality()).shared_begin != 0;
        if (w95) out.push_back(&mm::MemoryManager::compat_arena());
        for (const auto& [k, v] : vads(s)) out.push_back(&v);
        if (w95)
            for (const auto& [k, v] : vads(mm::kNoSpace)) out.push_back(&v);
        return out;
    }

    // Sections and objects.
    std::optional<mm::DataSection> data_section(uint32_t id) const {
        if (auto it = m_o.data_sections.find(id); it != m_o.data_sections.end()) {
            if (it->second == core::kNoBlob) return std::nullopt;
            return m_mm.data_section_blob(it->second);
        }
        if (id < m_mm.data_sections().size()) return m_mm.data_sections()[id];
        return std::nullopt;
    }
    std::optional<mm::MappingObject> mapping(uint32_t id) const {
        if (auto it = m_o.mappings.find(id); it != m_o.mappings.end()) {
            if (it->second == core::kNoBlob) return std::nullopt;
            return m_mm.mapping_blob(it->second);
        }
        if (id < m_mm.mappings().size()) return m_mm.mappings()[id];
        return std::nullopt;
    }
    std::optional<mm::HandleEntry> handle(uint16_t s, uint32_t h) const {
        if (auto it = m_o.handles.find({s, h}); it != m_o.handles.end()) {
            if (it->second == core::kNoBlob) return std::nullopt;
            return m_mm.handle_blob(it->second);
        }
        if (const mm::HandleEntry* e = m_mm.find_handle(s, h)) return *e;
        return std::nullopt;
    }
    bool image_section_exists(uint32_t id) const {
        if (auto it = m_o.section_exists.find(id); it != m_o.section_exists.end()) return it->second;
        return id < m_mm.sections().size();
    }
    std::optional<uint32_t> image_section_views(uint32_t id) const {
        if (!image_section_exists(id)) return std::nullopt;
        if (auto it = m_o.section_views.find(id); it != m_o.section_views.end()) return it->second;
        return id < m_mm.sections().size() ? m_mm.section_views(id) : 0;
    }
    std::optional<os::ProcessState> process_state(uint16_t p) const {
        uint32_t v;
        if (auto it = m_o.processes.find(p); it != m_o.processes.end()) v = it->second;
        else v = p < m_machine.processes().size() ? 1 + uint32_t(m_machine.processes()[p].state) : 0;
        if (v == 0) return std::nullopt;
        return os::ProcessState(v - 1);
    }
    // The image section's first prototype index and page count (nullopt: unknown at the moment).
    std::optional<std::pair<uint32_t, uint32_t>> image_protos(uint32_t id) const {
        if (!image_section_exists(id)) return std::nullopt;
        if (id < m_mm.sections().size()) return std::pair{m_mm.sections()[id].first_proto, m_mm.sections()[id].pages_count()};
        for (const NewSection& n : m_o.new_sections)
            if (n.id == id) return std::pair{n.first_proto, uint32_t(n.initial.size())};
        return std::nullopt;
    }
    bool prototype_exists(uint32_t index) const {
        if (mm::MemoryManager::is_data_proto(index)) {
            const auto s = data_section(mm::MemoryManager::data_proto_section(index));
            return s && mm::MemoryManager::data_proto_page(index) < s->pages;
        }
        // Image prototypes: those of the sections that exist at the moment.
        uint32_t count = 0;
        for (uint32_t id = 0;; ++id) {
            const auto r = image_protos(id);
            if (!r) break;
            count = r->first + r->second;
        }
        return index < count;
    }
    uint32_t proto(uint32_t index) const {
        if (const uint32_t* v = m_o.protos.find(index)) return *v;
        if (m_mm.prototype_exists(index)) return m_mm.prototype(index);
        if (mm::MemoryManager::is_data_proto(index)) {
            // A page added to a data section since: its initial prototype PTE.
            const auto s = data_section(mm::MemoryManager::data_proto_section(index));
            if (!s) return 0;
            const uint32_t page = mm::MemoryManager::data_proto_page(index);
            if (s->kind == mm::DataSectionKind::File) return SoftwarePte::in_file(page, s->mm_protection);
            return s->reserve ? 0u : SoftwarePte::demand_zero(s->mm_protection);
        }
        for (const NewSection& n : m_o.new_sections)
            if (index >= n.first_proto && index < n.first_proto + n.initial.size()) return n.initial[index - n.first_proto];
        return 0;
    }

    // MemoryManager::page_state, then VirtualQuery's type and allocation fields.
    PageFacts page_facts(uint16_t s, uint32_t vpn) const {
        PageFacts f;
        if (!alive(s)) return f;
        const uint32_t va = vpn << 12;
        const mm::Vad* vad = vad_at(s, va);
        if (!vad) return f;
        f.type = vad->type == mm::VadType::Private ? mm::mem::kPrivate : vad->type == mm::VadType::Mapped ? mm::mem::kMapped : mm::mem::kImage;
        f.allocation_base = vad->base();
        f.allocation_protect = vad->allocation_protect;
        const uint32_t p = pte(s, va);
        const mm::PteKind kind = SoftwarePte::kind(p);
        const uint32_t reserved_protect = personality() == mm::Personality::Win95 ? mm::page::kNoAccess : 0;
        auto set = [&](uint32_t state, uint32_t protect) {
            f.state = state;
            f.protect = protect;
            return f;
        };
        if (vad->type == mm::VadType::Mapped && (kind == mm::PteKind::Zero || maps_section_page(p))) {
            const auto sec = data_section(vad->section);
            if (sec && sec->kind == mm::DataSectionKind::Pagefile && sec->reserve && proto(mm::MemoryManager::view_proto(*vad, vpn)) == 0)
                return set(mm::mem::kReserve, reserved_protect);
            return set(mm::mem::kCommit, mm::to_win32_protection(view_protection(*vad, vpn)));
        }
        if (kind == mm::PteKind::Zero)
            return vad->mem_commit ? set(mm::mem::kCommit, vad->allocation_protect) : set(mm::mem::kReserve, reserved_protect);
        if (kind == mm::PteKind::Decommitted) return set(mm::mem::kReserve, reserved_protect);
        if (vad->type == mm::VadType::Image && maps_section_page(p))
            return set(mm::mem::kCommit, mm::to_win32_protection(image_protection(*vad, vpn)));
        return set(mm::mem::kCommit, mm::to_win32_protection(page_protection(p)));
    }

private:
    static uint32_t default_field(PfnField f) {
        const mm::PfnEntry e;
        switch (f) {
            case PfnField::PteAddress: return e.pte_address;
            case PfnField::OriginalPte: return e.original_pte;
            case PfnField::Flink: return e.flink;
            case PfnField::Blink: return e.blink;
            case PfnField::ShareCount: return e.share_count;
            case PfnField::Owner: return e.owner;
            case PfnField::State: return uint32_t(e.state);
            case PfnField::Use: return uint32_t(e.use);
            case PfnField::Flags: return e.flags;
            case PfnField::List: return uint32_t(e.list);
        }
        return 0;
    }
    bool maps_section_page(uint32_t p) const {
        const mm::PteKind k = SoftwarePte::kind(p);
        return k == mm::PteKind::Prototype || (k == mm::PteKind::Valid && is_section_use(use(p >> 12)));
    }
    uint32_t proto_protection(uint32_t index) const {
        const uint32_t p = proto(index);
        if (p & Pte::kPresent) return SoftwarePte::protection(pfn(p >> 12, PfnField::OriginalPte));
        return SoftwarePte::protection(p);
    }
    uint32_t page_protection(uint32_t p) const {
        if (p & Pte::kPresent) return SoftwarePte::protection(pfn(p >> 12, PfnField::OriginalPte));
        if (SoftwarePte::kind(p) == mm::PteKind::Prototype) {
            const uint32_t index = SoftwarePte::prototype_index(p);
            return prototype_exists(index) ? proto_protection(index) : mm::mmprot::kNoAccess;
        }
        return SoftwarePte::protection(p);
    }
    uint32_t view_protection(const mm::Vad& v, uint32_t vpn) const {
        const uint32_t page = vpn - v.start_vpn;
        if (page < v.own_protection.size() && v.own_protection[page]) return v.own_protection[page] - 1u;
        return *mm::to_mm_protection(v.allocation_protect);
    }
    uint32_t image_protection(const mm::Vad& v, uint32_t vpn) const {
        const uint32_t page = vpn - v.start_vpn;
        if (page < v.own_protection.size() && v.own_protection[page]) return v.own_protection[page] - 1u;
        const auto r = image_protos(v.section);
        return r ? proto_protection(r->first + page) : mm::mmprot::kNoAccess;
    }

    const os::Machine& m_machine;
    const mm::MemoryManager& m_mm;
    const Overlay& m_o;
    mutable std::map<uint16_t, mm::VadMap> m_vads;
};

// Sorted, merged [first, end) runs.
using Runs = std::vector<std::pair<uint32_t, uint32_t>>;
void merge_runs(Runs& r) {
    std::sort(r.begin(), r.end());
    Runs out;
    for (const auto& x : r) {
        if (x.first >= x.second) continue;
        if (!out.empty() && x.first <= out.back().second) out.back().second = std::max(out.back().second, x.second);
        else out.push_back(x);
    }
    r = std::move(out);
}

class Differ {
public:
    Differ(const Session& s, size_t from, size_t to)
        : m_s(s), m_m(s.machine()), m_mm(m_m.mm()),
          m_oa(m_m, m_m.position(), s.first_change(from)), m_ob(m_m, m_m.position(), s.first_change(to)),
          m_a(m_m, m_oa), m_b(m_m, m_ob) {
        m_out.from = from;
        m_out.to = to;
    }

    Diff run() {
        m_oa.scan_state();
        m_ob.scan_state();
        scan_memory();
        diff_counters();
        diff_processes();
        diff_frames();
        diff_slots();
        diff_objects();
        diff_entries();
        diff_regions();
        return std::move(m_out);
    }

private:
    void scan_memory() {
        // The frames that are page tables or directories at either moment.
        const uint32_t frames = m_mm.config().frames;
        Bitmap tables(frames);
        for (uint32_t f = 0; f < frames; ++f) {
            const mm::FrameUse u = m_mm.pfn()[f].use;
            if (u == mm::FrameUse::PageTable || u == mm::FrameUse::PageDirectory) tables.set(f);
        }
        for (const Overlay* o : {&m_oa, &m_ob})
            o->pfn.for_each([&](uint64_t key, uint32_t v) {
                if ((key & 15) == uint64_t(PfnField::Use) &&
                    (mm::FrameUse(v) == mm::FrameUse::PageTable || mm::FrameUse(v) == mm::FrameUse::PageDirectory))
                    tables.set(size_t(key >> 4));
            });
        m_frames_written = Bitmap(frames);
        m_slots_written = Bitmap(size_t(m_mm.pagefile().capacity()) + 1);
        // The bytes written between the two moments: the overlay of the other moment spans exactly
        // that range when the machine stands at one of them; else a pass of its own.
        const size_t lo = std::min(m_s.first_change(m_out.from), m_s.first_change(m_out.to));
        const size_t hi = std::max(m_s.first_change(m_out.from), m_s.first_change(m_out.to));
        const bool a_spans = m_oa.lo() == lo && m_oa.hi() == hi;
        const bool b_spans = !a_spans && m_ob.lo() == lo && m_ob.hi() == hi;
        m_oa.scan_memory(tables, a_spans ? &m_frames_written : nullptr, a_spans ? &m_slots_written : nullptr);
        m_ob.scan_memory(tables, b_spans ? &m_frames_written : nullptr, b_spans ? &m_slots_written : nullptr);
        if (!a_spans && !b_spans) {
            const auto& changes = m_m.journal().changes();
            for (size_t i = lo; i < hi; ++i) {
                const Change& c = changes[i];
                if (c.store == Store::PhysBytes) m_frames_written.set(c.target >> 12);
                else if (c.store == Store::FrameContent) m_frames_written.set(c.target);
                else if (c.store == Store::SlotContent) m_slots_written.set(c.target);
            }
        }
    }

    void diff_counters() {
        for (size_t c = 0; c < mm::kCounterCount; ++c)
            if (m_a.counter(c) != m_b.counter(c))
                m_out.counters.push_back({std::string(mm::counter_name(mm::Counter(c))), m_a.counter(c), m_b.counter(c)});
        auto add = [&](const char* name, uint64_t a, uint64_t b) {
            if (a != b) m_out.counters.push_back({name, a, b});
        };
        auto lists = [&](const View& v, mm::FrameList l) { return v.list_count(size_t(l)); };
        add("frames_free", lists(m_a, mm::FrameList::Free) + lists(m_a, mm::FrameList::Zeroed),
            lists(m_b, mm::FrameList::Free) + lists(m_b, mm::FrameList::Zeroed));
        add("frames_standby", lists(m_a, mm::FrameList::Standby), lists(m_b, mm::FrameList::Standby));
        add("frames_modified", lists(m_a, mm::FrameList::Modified), lists(m_b, mm::FrameList::Modified));
        add("frames_active", lists(m_a, mm::FrameList::Active), lists(m_b, mm::FrameList::Active));
        add("pagefile_used", m_a.pagefile_used(), m_b.pagefile_used());
    }

    void diff_processes() {
        std::set<uint16_t> ids;
        for (uint16_t p = 0; p < m_m.processes().size(); ++p) ids.insert(p);
        for (const Overlay* o : {&m_oa, &m_ob})
            for (const auto& [id, v] : o->processes) ids.insert(id);
        for (uint16_t p : ids) {
            const auto a = m_a.process_state(p), b = m_b.process_state(p);
            if (a != b) m_out.processes.push_back({p, a, b});
        }
    }

    void diff_frames() {
        std::set<uint32_t> frames;
        for (const Overlay* o : {&m_oa, &m_ob}) o->pfn.for_each([&](uint64_t key, uint32_t) { frames.insert(uint32_t(key >> 4)); });
        m_frames_written.for_each([&](size_t f) { frames.insert(uint32_t(f)); });
        for (uint32_t f : frames) {
            if (!m_mm.frame_exists(f)) continue;
            FrameChange c{f, m_a.frame_facts(f), m_b.frame_facts(f), m_frames_written.test(f)};
            if (c.before != c.after || c.bytes_written) m_out.frames.push_back(c);
        }
    }

    void diff_slots() {
        std::set<uint32_t> slots;
        for (const Overlay* o : {&m_oa, &m_ob}) o->slots.for_each([&](uint64_t s, uint8_t) { slots.insert(uint32_t(s)); });
        m_slots_written.for_each([&](size_t s) { slots.insert(uint32_t(s)); });
        for (uint32_t s : slots) {
            SlotChange c{s, m_a.slot_used(s), m_b.slot_used(s), m_slots_written.test(s)};
            if (c.before != c.after || c.written) m_out.slots.push_back(c);
        }
    }

    void diff_objects() {
        std::set<uint32_t> ids;
        for (const Overlay* o : {&m_oa, &m_ob})
            for (const auto& [id, v] : o->mappings) ids.insert(id);
        for (uint32_t id : ids)
            if (auto a = m_a.mapping(id), b = m_b.mapping(id); a != b) m_out.mappings.push_back({id, a, b});
        ids.clear();
        for (const Overlay* o : {&m_oa, &m_ob})
            for (const auto& [id, v] : o->data_sections) ids.insert(id);
        for (uint32_t id : ids)
            if (auto a = m_a.data_section(id), b = m_b.data_section(id); a != b) m_out.data_sections.push_back({id, a, b});
        ids.clear();
        for (const Overlay* o : {&m_oa, &m_ob}) {
            for (const auto& [id, v] : o->section_exists) ids.insert(id);
            for (const auto& [id, v] : o->section_views) ids.insert(id);
        }
        for (uint32_t id : ids)
            if (auto a = m_a.image_section_views(id), b = m_b.image_section_views(id); a != b) m_out.image_sections.push_back({id, a, b});
        std::set<std::pair<uint16_t, uint32_t>> keys;
        for (const Overlay* o : {&m_oa, &m_ob})
            for (const auto& [k, v] : o->handles) keys.insert(k);
        for (const auto& [s, h] : keys)
            if (auto a = m_a.handle(s, h), b = m_b.handle(s, h); a != b) m_out.handles.push_back({s, h, a, b});
    }

    uint16_t space_count() const {
        uint32_t n = uint32_t(m_mm.spaces().size());
        for (const Overlay* o : {&m_oa, &m_ob})
            for (const auto& [s, v] : o->space_exists) n = std::max<uint32_t>(n, uint32_t(s) + 1);
        return uint16_t(n);
    }

    // Which PTE a word of a page table frame is at a moment: (space or kNoSpace, va), if listed.
    std::optional<std::pair<uint16_t, uint32_t>> pte_of(const View& v, uint32_t pa) const {
        const uint32_t f = pa >> 12;
        if (v.use(f) != mm::FrameUse::PageTable) return std::nullopt;
        const uint32_t owner = v.pfn(f, PfnField::Owner);
        const uint32_t idx = (v.pfn(f, PfnField::PteAddress) & 0xFFFu) / 4;
        const uint32_t va = (idx << 22) | (((pa & 0xFFFu) / 4) << 12);
        const mm::Personality p = v.personality();
        if (owner == 0xFFFF) {
            if (shared_pde(p, idx) && v.shared_table(idx) == f) return std::pair{mm::kNoSpace, va};
            return std::nullopt;  // the system page table
        }
        if (idx >= listed_pdes(p) || shared_pde(p, idx) || !v.alive(uint16_t(owner))) return std::nullopt;
        return std::pair{uint16_t(owner), va};
    }

    void add_table(std::set<std::pair<uint16_t, uint32_t>>& out, const View& v, uint16_t s, uint32_t idx) const {
        const uint32_t t = v.table_frame(s, idx);
        if (t == mm::kNoFrame) return;
        for (uint32_t i = 0; i < 1024; ++i)
            if (v.word((t << 12) + i * 4) != 0) out.insert({s, (idx << 22) | (i << 12)});
    }

    void diff_entries() {
        const mm::Personality p = m_mm.config().personality;
        const uint32_t limit = listed_pdes(p);
        // Touched words by frame.
        std::map<uint32_t, std::vector<uint32_t>> touched;  // frame -> word offsets
        for (const Overlay* o : {&m_oa, &m_ob})
            o->words.for_each([&](uint64_t key, const WordRec&) { touched[uint32_t(key >> 10)].push_back(uint32_t(key & 0x3FF)); });
        for (auto& [f, v] : touched) {
            std::sort(v.begin(), v.end());
            v.erase(std::unique(v.begin(), v.end()), v.end());
        }
        std::set<std::pair<uint16_t, uint32_t>> pte_keys;
        // PDEs.
        const uint16_t spaces = space_count();
        for (uint16_t s = 0; s < spaces; ++s) {
            const bool alive_a = m_a.alive(s), alive_b = m_b.alive(s);
            if (!alive_a && !alive_b) continue;
            const uint32_t pd_a = m_a.page_directory(s), pd_b = m_b.page_directory(s);
            std::vector<uint32_t> idxs;
            if (alive_a != alive_b || pd_a != pd_b) {
                for (uint32_t i = 0; i < limit; ++i) idxs.push_back(i);
            } else if (auto it = touched.find(pd_a); it != touched.end()) {
                for (uint32_t i : it->second)
                    if (i < limit) idxs.push_back(i);
            }
            for (uint32_t i : idxs) {
                const uint32_t a = m_a.pde(s, i), b = m_b.pde(s, i);
                if (a == b) continue;
                m_out.entries.push_back({EntryLevel::Pde, s, i << 22, a, b});
                if (shared_pde(p, i)) continue;  // the shared tables' PTEs are listed once, below
                add_table(pte_keys, m_a, s, i);
                add_table(pte_keys, m_b, s, i);
            }
        }
        // Shared page tables created, freed or replaced.
        std::set<uint32_t> shared;
        for (const Overlay* o : {&m_oa, &m_ob})
            for (const auto& [idx, f] : o->shared_tables) shared.insert(idx);
        for (uint32_t idx : shared) {
            if (m_a.shared_table(idx) == m_b.shared_table(idx)) continue;
            add_table(pte_keys, m_a, mm::kNoSpace, idx);
            add_table(pte_keys, m_b, mm::kNoSpace, idx);
        }
        // Words written in page tables.
        for (const auto& [f, offsets] : touched)
            for (uint32_t off : offsets)
                for (const View* v : {&m_a, &m_b})
                    if (auto k = pte_of(*v, (f << 12) + off * 4)) pte_keys.insert(*k);
        for (const auto& [s, va] : pte_keys) {
            const uint32_t a = m_a.pte(s, va), b = m_b.pte(s, va);
            if (a != b) m_out.entries.push_back({EntryLevel::Pte, s, va, a, b});
        }
        m_pte_keys = std::move(pte_keys);
        std::sort(m_out.entries.begin(), m_out.entries.end(), [](const EntryChange& x, const EntryChange& y) {
            const uint32_t sx = x.space == mm::kNoSpace ? 0x10000u : x.space, sy = y.space == mm::kNoSpace ? 0x10000u : y.space;
            return std::tie(sx, x.level, x.va) < std::tie(sy, y.level, y.va);
        });
    }

    // The pages whose facts may differ, per address space.
    void diff_regions() {
        const mm::Personality p = m_mm.config().personality;
        const bool w95 = mm::layout_of(p).shared_begin != 0;
        const uint16_t spaces = space_count();
        std::map<uint16_t, Runs> cand;
        std::vector<uint16_t> w95_spaces;  // alive at either moment
        for (uint16_t s = 0; s < spaces; ++s)
            if (m_a.alive(s) || m_b.alive(s)) w95_spaces.push_back(s);
        if (!w95) w95_spaces.clear();
        auto add = [&](uint16_t s, uint32_t first, uint32_t end) {
            if (s == mm::kNoSpace) {
                for (uint16_t t : w95_spaces) cand[t].push_back({first, end});
            } else {
                cand[s].push_back({first, end});
            }
        };
        for (const auto& [s, va] : m_pte_keys) add(s, va >> 12, (va >> 12) + 1);
        // VADs inserted, removed or replaced: their whole range at either moment.
        for (const Overlay* o : {&m_oa, &m_ob})
            for (const auto& [key, blob] : o->vads)
                for (const View* v : {&m_a, &m_b}) {
                    const auto& map = v->vads(key.first);
                    if (auto it = map.find(key.second); it != map.end()) add(key.first, it->second.start_vpn, it->second.end_vpn);
                }
        // Address spaces that appear or go: every region they see.
        for (uint16_t s = 0; s < spaces; ++s) {
            if (m_a.alive(s) == m_b.alive(s) && m_a.page_directory(s) == m_b.page_directory(s)) continue;
            for (const View* v : {&m_a, &m_b})
                for (const mm::Vad* vad : v->regions(s)) add(s, vad->start_vpn, vad->end_vpn);
        }
        // Prototype PTEs whose value, or whose frame's use or protection, changed; data sections.
        std::set<uint32_t> protos;
        for (const Overlay* o : {&m_oa, &m_ob}) o->protos.for_each([&](uint64_t index, uint32_t) { protos.insert(uint32_t(index)); });
        for (const Overlay* o : {&m_oa, &m_ob})
            o->pfn.for_each([&](uint64_t key, uint32_t) {
                const PfnField field = PfnField(key & 15);
                if (field != PfnField::Use && field != PfnField::OriginalPte) return;
                const uint32_t f = uint32_t(key >> 4);
                for (const View* v : {&m_a, &m_b}) {
                    const mm::FrameUse u = v->use(f);
                    if (is_section_use(u)) {
                        protos.insert(v->pfn(f, PfnField::PteAddress));
                    } else if (u == mm::FrameUse::Private) {
                        if (auto k = pte_of(*v, v->pfn(f, PfnField::PteAddress) & ~3u)) add(k->first, k->second >> 12, (k->second >> 12) + 1);
                    }
                }
            });
        std::set<uint32_t> data_sections;
        for (const Overlay* o : {&m_oa, &m_ob})
            for (const auto& [id, blob] : o->data_sections) data_sections.insert(id);
        if (!protos.empty() || !data_sections.empty()) {
            for (uint16_t s = 0; s < spaces; ++s)
                for (const View* v : {&m_a, &m_b})
                    for (const mm::Vad* vad : v->regions(s)) {
                        if (vad->type == mm::VadType::Mapped) {
                            if (data_sections.count(vad->section)) add(s, vad->start_vpn, vad->end_vpn);
                            const uint32_t first = mm::MemoryManager::data_proto_index(vad->section, vad->offset_page);
                            for (auto it = protos.lower_bound(first); it != protos.end() && *it < first + (vad->end_vpn - vad->start_vpn); ++it)
                                add(s, vad->start_vpn + (*it - first), vad->start_vpn + (*it - first) + 1);
                        } else if (vad->type == mm::VadType::Image) {
                            const auto r = v->image_protos(vad->section);
                            if (!r) continue;
                            const uint32_t pages = std::min(r->second, vad->end_vpn - vad->start_vpn);
                            for (auto it = protos.lower_bound(r->first); it != protos.end() && *it < r->first + pages; ++it)
                                add(s, vad->start_vpn + (*it - r->first), vad->start_vpn + (*it - r->first) + 1);
                        }
                    }
        }
        for (auto& [s, runs] : cand) {
            merge_runs(runs);
            evaluate(s, runs);
        }
    }

    // Evaluates the candidate pages of one space and lists the runs whose facts differ. A stretch
    // with no page table at either moment, inside one VAD (or one gap) at each, that is not a
    // view, has the same facts on every page: it is evaluated once.
    void evaluate(uint16_t s, const Runs& runs) {
        const uint32_t limit = region_end_vpn(m_mm.config().personality);
        RegionChange cur{};
        bool open = false;
        auto flush = [&] {
            if (open) m_out.regions.push_back(cur);
            open = false;
        };
        auto emit = [&](uint32_t first, uint32_t end, const PageFacts& a, const PageFacts& b) {
            if (a == b) return;
            if (open && cur.base + cur.size == (first << 12) && cur.before == a && cur.after == b) {
                cur.size += (end - first) << 12;
                return;
            }
            flush();
            cur = RegionChange{s, first << 12, (end - first) << 12, a, b};
            open = true;
        };
        auto uniform_end = [&](const View& v, uint32_t vpn) -> uint32_t {
            // (0: this page must be evaluated alone)
            if (!v.alive(s)) return limit;
            const mm::Vad* vad = v.vad_at(s, vpn << 12);
            if (vad && vad->type == mm::VadType::Mapped) return 0;
            bool table = false;
            v.pte(s, vpn << 12, &table);
            if (table) return 0;
            return std::min(v.vad_extent_end(s, vpn), ((vpn >> 10) + 1) << 10);
        };
        for (const auto& [first, end0] : runs) {
            const uint32_t end = std::min(end0, limit);
            for (uint32_t vpn = first; vpn < end;) {
                const uint32_t ua = uniform_end(m_a, vpn), ub = uniform_end(m_b, vpn);
                const uint32_t step_end = (ua && ub) ? std::min({ua, ub, end}) : vpn + 1;
                emit(vpn, std::max(step_end, vpn + 1), m_a.page_facts(s, vpn), m_b.page_facts(s, vpn));
                vpn = std::max(step_end, vpn + 1);
            }
        }
        flush();
    }

    const Session& m_s;
    const os::Machine& m_m;
    const mm::MemoryManager& m_mm;
    Overlay m_oa, m_ob;
    View m_a, m_b;
    Bitmap m_frames_written, m_slots_written;
    std::set<std::pair<uint16_t, uint32_t>> m_pte_keys;
    Diff m_out;
};

}  // namespace

Diff diff_moments(const Session& s, size_t from, size_t to) {
    from = std::min(from, s.event_count());
    to = std::min(to, s.event_count());
    return Differ(s, from, to).run();
}

std::vector<std::pair<uint32_t, uint32_t>> changed_pages(const Diff& d, uint16_t space) {
    Runs r;
    for (const RegionChange& c : d.regions)
        if (c.space == space) r.push_back({c.base >> 12, (c.base + (c.size - 1)) / 4096 + 1});
    for (const EntryChange& e : d.entries)
        if (e.level == EntryLevel::Pte && (e.space == space || e.space == mm::kNoSpace)) r.push_back({e.va >> 12, (e.va >> 12) + 1});
    merge_runs(r);
    return r;
}

}  // namespace pagelab::sim

// ---------------------------------------------------------------------------------------------
// Printing

namespace pagelab::sim {

std::string process_name(const Session& s, uint16_t process) {
    const os::Machine& m = s.machine();
    if (process < m.processes().size()) return m.processes()[process].name;
    // Created after the machine's position: its creation record names its address space, or
    // (a failed CreateProcess) its step binds the name.
    const auto& changes = m.journal().changes();
    for (size_t i = 0; i < changes.size(); ++i) {
        const Change& c = changes[i];
        if (c.store != Store::Os || c.field != uint8_t(os::OsField::ProcessCreate) || c.target != process) continue;
        if (c.aux != mm::kNoSpace) return m.space_name(c.aux);
        const auto& events = m.journal().events();
        auto it = std::upper_bound(events.begin(), events.end(), uint32_t(i),
                                   [](uint32_t ch, const core::EventRecord& e) { return ch < e.first_change; });
        if (it != events.begin()) {
            const Step& step = s.scenario().steps[s.step_of_event(size_t(it - events.begin()) - 1)];
            if (const Arg* as = step.arg("as")) return as->text;
        }
        break;
    }
    return fmt::format("process {}", process);
}

std::string space_label(const Session& s, uint16_t space) {
    return space == mm::kNoSpace ? std::string("shared") : s.machine().space_name(space);
}

std::string entry_text(const mm::MemoryManager& m, EntryLevel level, uint32_t word) {
    if (level == EntryLevel::Pde) {
        if (word == 0) return "00000000 (none)";
        if (!(word & Pte::kPresent)) return fmt::format("{:08X} (not present)", word);
        return fmt::format("{:08X} (valid, page table in frame 0x{:X}, {})", word, word >> 12, windbg_flags(word));
    }
    return fmt::format("{:08X} ({})", word, pte_summary(m, word));
}

namespace {
const char* state_word(uint32_t s) { return s == mm::mem::kCommit ? "Commit" : s == mm::mem::kReserve ? "Reserve" : "Free"; }
const char* type_word(uint32_t t) {
    return t == mm::mem::kPrivate ? "Private" : t == mm::mem::kMapped ? "Mapped" : t == mm::mem::kImage ? "Image" : "";
}
}  // namespace

std::string size_words(uint64_t bytes) {
    if (bytes % (1024 * 1024) == 0 && bytes) return fmt::format("{} MB", bytes / (1024 * 1024));
    return fmt::format("{} KB", (bytes + 1023) / 1024);
}
namespace {
std::string owner_text(const Session& s, uint16_t owner) { return owner == 0xFFFF ? std::string() : s.machine().space_name(owner); }
}  // namespace

std::string frame_facts_text(const Session& s, const FrameFacts& f) {
    std::string out = fmt::format("{} {}", mm::frame_state_name(f.state), mm::frame_use_name(f.use));
    if (f.owner != 0xFFFF) out += " of " + owner_text(s, f.owner);
    out += fmt::format(", share {}", f.share_count);
    if (f.pte_address || is_section_use(f.use)) {
        if (is_section_use(f.use) && mm::MemoryManager::is_data_proto(f.pte_address))
            out += fmt::format(", data section {} page {}", mm::MemoryManager::data_proto_section(f.pte_address),
                               mm::MemoryManager::data_proto_page(f.pte_address));
        else if (is_section_use(f.use)) out += fmt::format(", image prototype #{}", f.pte_address);
        else out += fmt::format(", pte {:08X}", f.pte_address);
    }
    if (f.original_pte) out += fmt::format(", restore {:08X}", f.original_pte);
    if (f.modified) out += ", modified";
    return out;
}

namespace {
std::string mapping_text(const std::optional<mm::MappingObject>& o) {
    if (!o) return "none";
    return fmt::format("[{} {} size 0x{:X}{} handles {} views {}]",
                       o->image() ? fmt::format("image section {}", o->image_section) : fmt::format("data section {}", o->section),
                       mm::protection_name(o->protect), o->size, o->name.empty() ? "" : " \"" + o->name + "\"", o->handles, o->views);
}
std::string data_section_text(const mm::MemoryManager& m, const std::optional<mm::DataSection>& x) {
    if (!x) return "none";
    return fmt::format("[{} {} pages, mappings {}, views {}{}{}]",
                       x->kind == mm::DataSectionKind::File && x->file < m.files().size() ? m.files()[x->file].path : std::string("pagefile-backed"),
                       x->pages, x->mappings, x->views, x->reserve ? ", SEC_RESERVE" : "", x->alive ? "" : ", gone");
}
std::string handle_text(const mm::MemoryManager& m, const std::optional<mm::HandleEntry>& e) {
    if (!e) return "none";
    if (e->kind == mm::HandleKind::File)
        return fmt::format("File {} ({}{})", e->object < m.files().size() ? m.files()[e->object].path : fmt::format("#{}", e->object),
                           (e->access & mm::generic::kRead) ? "R" : "", (e->access & mm::generic::kWrite) ? "W" : "");
    return fmt::format("Section, mapping object #{} (access 0x{:X})", e->object, e->access);
}
std::string process_state_text(const std::optional<os::ProcessState>& p) { return p ? os::process_state_name(*p) : "none"; }
std::string views_text(const std::optional<uint32_t>& v) { return v ? fmt::format("{} view{}", *v, *v == 1 ? "" : "s") : "none"; }
std::string section_name(const Session& s, uint32_t id) {
    const auto& m = s.machine().mm();
    if (id < m.sections().size() && m.sections()[id].file < m.files().size()) return m.files()[m.sections()[id].file].path;
    return fmt::format("image section {}", id);
}
}  // namespace

std::string page_facts_text(const PageFacts& f) {
    if (f.state == mm::mem::kFree) return "Free";
    return fmt::format("{} {} {} (allocation {:08X} {})", state_word(f.state), mm::protection_name(f.protect), type_word(f.type),
                       f.allocation_base, mm::protection_name(f.allocation_protect));
}

void write_diff_text(const Session& s, const Diff& d, std::ostream& out) {
    const auto& mmgr = s.machine().mm();
    out << fmt::format("Diff of {}\n", s.scenario().path);
    out << fmt::format("  from: {}  (cursor {})\n", describe_moment(s, d.from), d.from);
    out << fmt::format("  to:   {}  (cursor {})\n", describe_moment(s, d.to), d.to);
    if (d.empty()) {
        out << "\nNo difference.\n";
        return;
    }
    if (!d.processes.empty()) {
        out << "\nProcesses:\n";
        for (const ProcessChange& p : d.processes)
            out << fmt::format("  {}: {} -> {}\n", process_name(s, p.process), process_state_text(p.before), process_state_text(p.after));
    }
    // Per address space: its regions and entries (shared tables last).
    std::set<uint32_t> spaces;
    for (const RegionChange& r : d.regions) spaces.insert(r.space);
    for (const EntryChange& e : d.entries) spaces.insert(e.space == mm::kNoSpace ? 0x10000u : e.space);
    for (uint32_t key : spaces) {
        const uint16_t sp = key == 0x10000u ? mm::kNoSpace : uint16_t(key);
        if (sp == mm::kNoSpace) out << "\nShared page tables (win95: the same entries in every process):\n";
        else out << fmt::format("\nProcess {} (address space {}):\n", s.machine().space_name(sp), sp);
        bool header = false;
        for (const RegionChange& r : d.regions) {
            if (r.space != sp) continue;
            if (!header) out << "  Regions (VirtualQuery):\n";
            header = true;
            out << fmt::format("    {:08X} {:>8}  {}\n             {:>8}  -> {}\n", r.base, size_words(r.size), page_facts_text(r.before), "",
                               page_facts_text(r.after));
        }
        header = false;
        for (const EntryChange& e : d.entries) {
            if (e.space != sp) continue;
            if (!header) out << "  Page tables:\n";
            header = true;
            if (e.level == EntryLevel::Pde)
                out << fmt::format("    PDE {:03X} ({:08X}-{:08X})  {} -> {}\n", e.va >> 22, e.va, e.va + 0x3FFFFF,
                                   entry_text(mmgr, e.level, e.before), entry_text(mmgr, e.level, e.after));
            else
                out << fmt::format("    PTE {:08X}  {} -> {}\n", e.va, entry_text(mmgr, e.level, e.before), entry_text(mmgr, e.level, e.after));
        }
    }
    if (!d.frames.empty()) {
        out << "\nFrames (RAMMap lists):\n";
        for (const FrameChange& f : d.frames) {
            if (f.before == f.after) out << fmt::format("  0x{:<5X} {}: bytes written\n", f.frame, frame_facts_text(s, f.after));
            else
                out << fmt::format("  0x{:<5X} {}\n          -> {}{}\n", f.frame, frame_facts_text(s, f.before), frame_facts_text(s, f.after),
                                   f.bytes_written ? "; bytes written" : "");
        }
    }
    if (!d.slots.empty()) {
        out << "\nPagefile slots:\n";
        for (const SlotChange& c : d.slots)
            out << fmt::format("  slot {:<5} {} -> {}{}\n", c.slot, c.before ? "in use" : "free", c.after ? "in use" : "free",
                               c.written ? ", written" : "");
    }
    if (!d.mappings.empty()) {
        out << "\nFile mapping objects:\n";
        for (const MappingChange& c : d.mappings) out << fmt::format("  #{:<3} {} -> {}\n", c.id, mapping_text(c.before), mapping_text(c.after));
    }
    if (!d.data_sections.empty()) {
        out << "\nData sections (control areas):\n";
        for (const DataSectionChange& c : d.data_sections)
            out << fmt::format("  {:<4} {} -> {}\n", c.id, data_section_text(mmgr, c.before), data_section_text(mmgr, c.after));
    }
    if (!d.image_sections.empty()) {
        out << "\nImage sections:\n";
        for (const ImageSectionChange& c : d.image_sections)
            out << fmt::format("  {:<4} {}: {} -> {}\n", c.id, section_name(s, c.id), views_text(c.before), views_text(c.after));
    }
    if (!d.handles.empty()) {
        out << "\nHandles:\n";
        for (const HandleChange& c : d.handles)
            out << fmt::format("  {:<8} 0x{:<4X} {} -> {}\n", s.machine().space_name(c.space), c.handle, handle_text(mmgr, c.before),
                               handle_text(mmgr, c.after));
    }
    if (!d.counters.empty()) {
        out << "\nCounters:\n";
        for (const CounterChange& c : d.counters) out << fmt::format("  {:<20} {} -> {}\n", c.name, c.before, c.after);
    }
}

nlohmann::ordered_json diff_json(const Session& s, const Diff& d) {
    using J = nlohmann::ordered_json;
    const auto& mmgr = s.machine().mm();
    J j;
    j["pagelab_diff"] = 1;
    j["scenario"] = s.scenario().path;
    j["from"] = {{"cursor", d.from}, {"moment", describe_moment(s, d.from)}};
    j["to"] = {{"cursor", d.to}, {"moment", describe_moment(s, d.to)}};
    auto opt = [](bool has, auto&& make) -> J { return has ? J(make()) : J(nullptr); };
    J procs = J::array();
    for (const ProcessChange& p : d.processes)
        procs.push_back({{"process", process_name(s, p.process)}, {"id", p.process},
                         {"before", opt(p.before.has_value(), [&] { return os::process_state_name(*p.before); })},
                         {"after", opt(p.after.has_value(), [&] { return os::process_state_name(*p.after); })}});
    j["processes"] = procs;
    auto facts = [](const PageFacts& f) {
        return J{{"state", state_word(f.state)}, {"protect", mm::protection_name(f.protect)}, {"type", type_word(f.type)},
                 {"allocation_base", f.allocation_base}, {"allocation_protect", mm::protection_name(f.allocation_protect)}};
    };
    J regions = J::array();
    for (const RegionChange& r : d.regions)
        regions.push_back({{"process", space_label(s, r.space)}, {"base", r.base}, {"size", r.size}, {"before", facts(r.before)},
                           {"after", facts(r.after)}});
    j["regions"] = regions;
    J entries = J::array();
    for (const EntryChange& e : d.entries)
        entries.push_back({{"process", space_label(s, e.space)}, {"level", e.level == EntryLevel::Pde ? "pde" : "pte"}, {"va", e.va},
                           {"before", e.before}, {"after", e.after}, {"before_text", entry_text(mmgr, e.level, e.before)},
                           {"after_text", entry_text(mmgr, e.level, e.after)}});
    j["entries"] = entries;
    auto frame = [&](const FrameFacts& f) {
        return J{{"list", mm::frame_state_name(f.state)}, {"use", mm::frame_use_name(f.use)}, {"owner", owner_text(s, f.owner)},
                 {"share_count", f.share_count}, {"pte_address", f.pte_address}, {"original_pte", f.original_pte},
                 {"modified", f.modified}};
    };
    J frames = J::array();
    for (const FrameChange& f : d.frames)
        frames.push_back({{"frame", f.frame}, {"before", frame(f.before)}, {"after", frame(f.after)}, {"bytes_written", f.bytes_written}});
    j["frames"] = frames;
    J slots = J::array();
    for (const SlotChange& c : d.slots) slots.push_back({{"slot", c.slot}, {"before", c.before}, {"after", c.after}, {"written", c.written}});
    j["slots"] = slots;
    J mappings = J::array();
    for (const MappingChange& c : d.mappings)
        mappings.push_back({{"id", c.id}, {"before", mapping_text(c.before)}, {"after", mapping_text(c.after)}});
    j["mappings"] = mappings;
    J sections = J::array();
    for (const DataSectionChange& c : d.data_sections)
        sections.push_back({{"id", c.id}, {"before", data_section_text(mmgr, c.before)}, {"after", data_section_text(mmgr, c.after)}});
    j["data_sections"] = sections;
    J images = J::array();
    for (const ImageSectionChange& c : d.image_sections)
        images.push_back({{"id", c.id}, {"file", section_name(s, c.id)}, {"before", opt(c.before.has_value(), [&] { return *c.before; })},
                          {"after", opt(c.after.has_value(), [&] { return *c.after; })}});
    j["image_sections"] = images;
    J handles = J::array();
    for (const HandleChange& c : d.handles)
        handles.push_back({{"process", space_label(s, c.space)}, {"handle", c.handle}, {"before", handle_text(mmgr, c.before)},
                           {"after", handle_text(mmgr, c.after)}});
    j["handles"] = handles;
    J counters = J::array();
    for (const CounterChange& c : d.counters) counters.push_back({{"name", c.name}, {"before", c.before}, {"after", c.after}});
    j["counters"] = counters;
    return j;
}

}  // namespace pagelab::sim
