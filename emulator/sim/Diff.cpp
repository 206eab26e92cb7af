#include "sim/Diff.h"
#include "i18n/I18n.h"

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
#include "sim/DiffOverlay.h"
#include "sim/DiffView.h"

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
    using namespace fmt::literals;
    if (cursor == 0) return i18n::tr("the start");
    for (size_t step = 0; step <= s.step_count(); ++step)
        if (s.first_event_of_step(step) == cursor) {
            // Several steps may end at one cursor when steps have no events: name the last.
            size_t last = step;
            while (last < s.step_count() && s.first_event_of_step(last + 1) == cursor) ++last;
            const std::string& label = last > 0 ? s.scenario().steps[last - 1].label : std::string();
            return label.empty() || !with_label ? i18n::trf("step {step}", "step"_a = last)
                                                : i18n::trf("step {step} ({label})", "step"_a = last, "label"_a = label);
        }
    return i18n::trf("event {event} (in step {step})", "event"_a = cursor - 1, "step"_a = s.step_of_event(cursor - 1) + 1);
}

bool Diff::empty() const {
    return processes.empty() && regions.empty() && entries.empty() && frames.empty() && slots.empty() && mappings.empty() &&
           data_sections.empty() && image_sections.empty() && handles.empty() && counters.empty();
}

namespace {

using namespace diff_detail;

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
