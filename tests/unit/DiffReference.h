// The reference a journal-based diff (sim/Diff.h) is checked against: two full dumps of the
// machine, taken with the session seeked to each moment, compared item by item. It shares no code
// with sim/Diff.cpp: it reads the machine only through its public queries (VirtualQuery, the page
// tables in physical memory, the PFN database, the pagefile, the object tables), the way
// `pagelab state` does.
//
// Also: random scenarios (many seeds) that exercise what a diff lists — processes coming and
// going, reserve/commit/decommit/release/protect, guard pages, memory pressure with every policy,
// images with copy-on-write and shared sections, DLLs (relocated, or in win95's shared arena),
// file and pagefile mappings, views, handles.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/Diff.h"
#include "sim/Session.h"

namespace pagelab::test {

struct FullDump {
    struct Block {
        uint32_t first_vpn, end_vpn;
        sim::PageFacts facts;
    };
    std::map<uint16_t, std::vector<Block>> regions;  // alive spaces
    // (space or 0x10000 for the shared tables, level, va) -> non-zero word
    std::map<std::tuple<uint32_t, int, uint32_t>, uint32_t> entries;
    std::vector<sim::FrameFacts> frames;
    std::vector<uint32_t> frame_hash;
    std::vector<bool> slot_used;
    std::vector<uint32_t> slot_hash;
    std::vector<mm::MappingObject> mappings;
    std::vector<mm::DataSection> data_sections;
    std::vector<uint32_t> image_views;
    std::map<std::pair<uint16_t, uint32_t>, mm::HandleEntry> handles;
    std::vector<os::ProcessState> processes;
    std::vector<std::pair<std::string, uint64_t>> counters;
};

inline uint32_t page_hash(const core::PageRef& p) {
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < core::kPageSize; ++i) h = (h ^ p.data()[i]) * 16777619u;
    return h;
}

inline bool dump_shared_pde(mm::Personality p, uint32_t idx) {
    const mm::Layout& l = mm::layout_of(p);
    return l.shared_begin && (idx == 0 || (idx >= (l.shared_begin >> 22) && idx < (l.shared_end >> 22)));
}

inline FullDump full_dump(const os::Machine& m) {
    FullDump d;
    const auto& mmgr = m.mm();
    const mm::Personality p = mmgr.config().personality;
    const mm::Layout& lay = mm::layout_of(p);
    const uint32_t listed = lay.shared_begin ? lay.shared_end >> 22 : uint32_t((uint64_t(lay.user_end) + 0x3FFFFF) >> 22);
    const uint64_t limit = lay.shared_begin ? lay.shared_end : lay.user_end;
    for (const auto& sp : mmgr.spaces()) {
        if (!sp.alive()) continue;
        auto& blocks = d.regions[sp.id()];
        for (uint64_t va = 0; va < limit;) {
            mm::MemoryBasicInformation q;
            REQUIRE(mmgr.virtual_query(sp.id(), uint32_t(va), q).ok);
            REQUIRE(q.region_size > 0);
            sim::PageFacts f;
            f.state = q.state;
            f.protect = q.protect;
            f.type = q.type;
            f.allocation_base = q.state == mm::mem::kFree ? 0 : q.allocation_base;
            f.allocation_protect = q.state == mm::mem::kFree ? 0 : q.allocation_protect;
            blocks.push_back({q.base_address >> 12, uint32_t((uint64_t(q.base_address) + q.region_size) >> 12), f});
            va = uint64_t(q.base_address) + q.region_size;
        }
        for (uint32_t idx = 0; idx < listed; ++idx) {
            const uint32_t pde = mmgr.ram().read_u32(sp.cr3() + idx * 4);
            if (pde) d.entries[{sp.id(), int(sim::EntryLevel::Pde), idx << 22}] = pde;
            if (!(pde & 1) || !mmgr.frame_exists(pde >> 12) || dump_shared_pde(p, idx)) continue;
            for (uint32_t i = 0; i < 1024; ++i)
                if (const uint32_t w = mmgr.ram().read_u32((pde & ~0xFFFu) + i * 4))
                    d.entries[{sp.id(), int(sim::EntryLevel::Pte), (idx << 22) | (i << 12)}] = w;
        }
    }
    for (uint32_t idx = 0; idx < listed; ++idx) {
        if (!dump_shared_pde(p, idx)) continue;
        const uint32_t t = mmgr.shared_table(idx);
        if (t == mm::kNoFrame) continue;
        for (uint32_t i = 0; i < 1024; ++i)
            if (const uint32_t w = mmgr.ram().read_u32((t << 12) + i * 4))
                d.entries[{0x10000u, int(sim::EntryLevel::Pte), (idx << 22) | (i << 12)}] = w;
    }
    for (uint32_t f = 0; f < mmgr.config().frames; ++f) {
        const mm::PfnEntry& e = mmgr.pfn()[f];
        d.frames.push_back({e.state, e.use, e.owner, e.share_count, e.backlink_word(), e.original_pte, (e.flags & mm::PfnEntry::kModified) != 0});
        d.frame_hash.push_back(page_hash(mmgr.ram().content(f)));
    }
    for (uint32_t s = 0; s <= mmgr.pagefile().capacity(); ++s) {
        d.slot_used.push_back(mmgr.pagefile().in_use(s));
        d.slot_hash.push_back(page_hash(mmgr.pagefile().content(s)));
    }
    d.mappings = mmgr.mappings();
    d.data_sections = mmgr.data_sections();
    for (uint32_t i = 0; i < mmgr.sections().size(); ++i) d.image_views.push_back(mmgr.section_views(i));
    for (const auto& sp : mmgr.spaces())
        for (const auto& [h, e] : mmgr.handles(sp.id())) d.handles[{sp.id(), h}] = e;
    for (const os::Process& pr : m.processes()) d.processes.push_back(pr.state);
    for (size_t c = 0; c < mm::kCounterCount; ++c) d.counters.push_back({std::string(mm::counter_name(mm::Counter(c))), mmgr.counters()[c]});
    const auto& pfn = mmgr.pfn();
    auto count = [&](mm::FrameList l) { return uint64_t(pfn.list(l).count); };
    d.counters.push_back({"frames_free", count(mm::FrameList::Free) + count(mm::FrameList::Zeroed)});
    d.counters.push_back({"frames_standby", count(mm::FrameList::Standby)});
    d.counters.push_back({"frames_modified", count(mm::FrameList::Modified)});
    d.counters.push_back({"frames_active", count(mm::FrameList::Active)});
    d.counters.push_back({"pagefile_used", mmgr.pagefile().used()});
    return d;
}

// Facts per page of one space as sorted runs covering [0, limit); a space with no runs is free.
inline sim::PageFacts facts_at(const std::vector<FullDump::Block>& blocks, uint32_t vpn) {
    for (const auto& b : blocks)
        if (vpn >= b.first_vpn && vpn < b.end_vpn) return b.facts;
    return sim::PageFacts{};
}

// The diff of two dumps, in sim::Diff's order. Frames and slots list only those whose facts or
// use differ; `hash_changed` receives the frames / slots whose bytes differ.
struct DumpDiff {
    sim::Diff diff;
    std::vector<uint32_t> frames_bytes_differ, slots_bytes_differ;
};

inline DumpDiff diff_dumps(const FullDump& a, const FullDump& b, mm::Personality p, size_t from, size_t to) {
    DumpDiff out;
    sim::Diff& d = out.diff;
    d.from = from;
    d.to = to;
    for (size_t i = 0; i < std::max(a.processes.size(), b.processes.size()); ++i) {
        std::optional<os::ProcessState> x, y;
        if (i < a.processes.size()) x = a.processes[i];
        if (i < b.processes.size()) y = b.processes[i];
        if (x != y) d.processes.push_back({uint16_t(i), x, y});
    }
    // Regions: a sweep over the block boundaries of both moments.
    const mm::Layout& lay = mm::layout_of(p);
    const uint32_t limit = (lay.shared_begin ? lay.shared_end : lay.user_end) >> 12;
    std::set<uint16_t> spaces;
    for (const auto& [s, v] : a.regions) spaces.insert(s);
    for (const auto& [s, v] : b.regions) spaces.insert(s);
    static const std::vector<FullDump::Block> none;
    for (uint16_t s : spaces) {
        const auto& ra = a.regions.count(s) ? a.regions.at(s) : none;
        const auto& rb = b.regions.count(s) ? b.regions.at(s) : none;
        std::set<uint32_t> cuts{0, limit};
        for (const auto& x : ra) cuts.insert(x.first_vpn), cuts.insert(x.end_vpn);
        for (const auto& x : rb) cuts.insert(x.first_vpn), cuts.insert(x.end_vpn);
        std::vector<uint32_t> c(cuts.begin(), cuts.end());
        for (size_t i = 0; i + 1 < c.size(); ++i) {
            if (c[i] >= limit) break;
            const sim::PageFacts fa = facts_at(ra, c[i]), fb = facts_at(rb, c[i]);
            if (fa == fb) continue;
            const uint32_t end = std::min(c[i + 1], limit);
            if (!d.regions.empty() && d.regions.back().space == s && d.regions.back().base + d.regions.back().size == (c[i] << 12) &&
                d.regions.back().before == fa && d.regions.back().after == fb)
                d.regions.back().size += (end - c[i]) << 12;
            else
                d.regions.push_back({s, c[i] << 12, (end - c[i]) << 12, fa, fb});
        }
    }
    std::set<std::tuple<uint32_t, int, uint32_t>> keys;
    for (const auto& [k, v] : a.entries) keys.insert(k);
    for (const auto& [k, v] : b.entries) keys.insert(k);
    for (const auto& k : keys) {
        const uint32_t x = a.entries.count(k) ? a.entries.at(k) : 0, y = b.entries.count(k) ? b.entries.at(k) : 0;
        if (x != y)
            d.entries.push_back({sim::EntryLevel(std::get<1>(k)), std::get<0>(k) == 0x10000u ? mm::kNoSpace : uint16_t(std::get<0>(k)),
                                 std::get<2>(k), x, y});
    }
    for (uint32_t f = 0; f < a.frames.size(); ++f) {
        if (a.frames[f] != b.frames[f]) d.frames.push_back({f, a.frames[f], b.frames[f], false});
        if (a.frame_hash[f] != b.frame_hash[f]) out.frames_bytes_differ.push_back(f);
    }
    for (uint32_t s = 1; s < a.slot_used.size(); ++s) {
        if (a.slot_used[s] != b.slot_used[s]) d.slots.push_back({s, a.slot_used[s], b.slot_used[s], false});
        if (a.slot_hash[s] != b.slot_hash[s]) out.slots_bytes_differ.push_back(s);
    }
    for (size_t i = 0; i < std::max(a.mappings.size(), b.mappings.size()); ++i) {
        std::optional<mm::MappingObject> x, y;
        if (i < a.mappings.size()) x = a.mappings[i];
        if (i < b.mappings.size()) y = b.mappings[i];
        if (x != y) d.mappings.push_back({uint32_t(i), x, y});
    }
    for (size_t i = 0; i < std::max(a.data_sections.size(), b.data_sections.size()); ++i) {
        std::optional<mm::DataSection> x, y;
        if (i < a.data_sections.size()) x = a.data_sections[i];
        if (i < b.data_sections.size()) y = b.data_sections[i];
        if (x != y) d.data_sections.push_back({uint32_t(i), x, y});
    }
    for (size_t i = 0; i < std::max(a.image_views.size(), b.image_views.size()); ++i) {
        std::optional<uint32_t> x, y;
        if (i < a.image_views.size()) x = a.image_views[i];
        if (i < b.image_views.size()) y = b.image_views[i];
        if (x != y) d.image_sections.push_back({uint32_t(i), x, y});
    }
    std::set<std::pair<uint16_t, uint32_t>> hk;
    for (const auto& [k, v] : a.handles) hk.insert(k);
    for (const auto& [k, v] : b.handles) hk.insert(k);
    for (const auto& k : hk) {
        std::optional<mm::HandleEntry> x, y;
        if (a.handles.count(k)) x = a.handles.at(k);
        if (b.handles.count(k)) y = b.handles.at(k);
        if (x != y) d.handles.push_back({k.first, k.second, x, y});
    }
    for (size_t i = 0; i < a.counters.size(); ++i)
        if (a.counters[i].second != b.counters[i].second) d.counters.push_back({a.counters[i].first, a.counters[i].second, b.counters[i].second});
    return out;
}

// The full-dump diff between two moments: the session is seeked to each (and put back).
inline DumpDiff reference_diff(sim::Session& s, size_t from, size_t to) {
    const size_t cursor = s.cursor();
    s.seek_event(from);
    const FullDump a = full_dump(s.machine());
    s.seek_event(to);
    const FullDump b = full_dump(s.machine());
    s.seek_event(cursor);
    return diff_dumps(a, b, s.machine().mm().config().personality, from, to);
}

// Compares a journal diff with the reference; returns the first difference in words (empty: equal).
inline std::string compare_with_reference(const sim::Diff& j, const DumpDiff& r) {
    auto who = [](const auto& list, size_t i) { return fmt::format("row {} of {}", i, list.size()); };
    const sim::Diff& d = r.diff;
    if (j.processes != d.processes) return "processes differ";
    if (j.regions.size() != d.regions.size()) return fmt::format("regions: {} rows, the reference has {}", j.regions.size(), d.regions.size());
    for (size_t i = 0; i < j.regions.size(); ++i)
        if (!(j.regions[i] == d.regions[i]))
            return fmt::format("regions {}: space {} {:08X}+{:X} {} -> {} vs reference space {} {:08X}+{:X} {} -> {}", who(j.regions, i),
                               j.regions[i].space, j.regions[i].base, j.regions[i].size, sim::page_facts_text(j.regions[i].before),
                               sim::page_facts_text(j.regions[i].after), d.regions[i].space, d.regions[i].base, d.regions[i].size,
                               sim::page_facts_text(d.regions[i].before), sim::page_facts_text(d.regions[i].after));
    if (j.entries.size() != d.entries.size()) {
        // Name the first entry one side lacks.
        for (size_t i = 0; i < std::max(j.entries.size(), d.entries.size()); ++i) {
            const auto* x = i < j.entries.size() ? &j.entries[i] : nullptr;
            const auto* y = i < d.entries.size() ? &d.entries[i] : nullptr;
            if (!x || !y || !(*x == *y))
                return fmt::format("entries: {} rows vs {}; first difference at {}: {} vs {}", j.entries.size(), d.entries.size(), i,
                                   x ? fmt::format("space {} {} {:08X} {:08X}->{:08X}", x->space, int(x->level), x->va, x->before, x->after) : "-",
                                   y ? fmt::format("space {} {} {:08X} {:08X}->{:08X}", y->space, int(y->level), y->va, y->before, y->after) : "-");
        }
    }
    for (size_t i = 0; i < j.entries.size(); ++i)
        if (!(j.entries[i] == d.entries[i]))
            return fmt::format("entries {}: space {} {} {:08X} {:08X}->{:08X} vs reference space {} {} {:08X} {:08X}->{:08X}",
                               who(j.entries, i), j.entries[i].space, int(j.entries[i].level), j.entries[i].va, j.entries[i].before,
                               j.entries[i].after, d.entries[i].space, int(d.entries[i].level), d.entries[i].va, d.entries[i].before,
                               d.entries[i].after);
    // Frames: the facts exactly; every frame whose bytes differ is marked written.
    std::vector<sim::FrameChange> facts;
    for (const auto& f : j.frames) {
        if (f.before != f.after) facts.push_back({f.frame, f.before, f.after, false});
        else if (!f.bytes_written) return fmt::format("frame 0x{:X} listed with equal facts and no bytes written", f.frame);
    }
    if (facts != d.frames) return fmt::format("frames: {} with different facts, the reference has {}", facts.size(), d.frames.size());
    for (uint32_t f : r.frames_bytes_differ) {
        bool found = false;
        for (const auto& x : j.frames)
            if (x.frame == f && x.bytes_written) found = true;
        if (!found) return fmt::format("frame 0x{:X}: its bytes differ but it is not marked written", f);
    }
    std::vector<sim::SlotChange> slots;
    for (const auto& s : j.slots) {
        if (s.before != s.after) slots.push_back({s.slot, s.before, s.after, false});
        else if (!s.written) return fmt::format("slot {} listed unchanged and not written", s.slot);
    }
    if (slots != d.slots) return fmt::format("slots: {} in/out of use, the reference has {}", slots.size(), d.slots.size());
    for (uint32_t sl : r.slots_bytes_differ) {
        bool found = false;
        for (const auto& x : j.slots)
            if (x.slot == sl && x.written) found = true;
        if (!found) return fmt::format("slot {}: its bytes differ but it is not marked written", sl);
    }
    if (j.mappings != d.mappings) return "mapping objects differ";
    if (j.data_sections != d.data_sections) return "data sections differ";
    if (j.image_sections != d.image_sections) return "image sections differ";
    if (j.handles != d.handles) return "handles differ";
    if (j.counters != d.counters) return "counters differ";
    return {};
}

// ----- Random scenarios ---------------------------------------------------------------------------

class RandomScenario {
public:
    RandomScenario(uint32_t seed, size_t steps) : m_rng(seed) {
        const bool w95 = pick(10) < 3;
        static const char* const kPolicies[] = {"fifo", "clock", "lru", "ws"};
        const uint32_t ram = 14 + pick(30);
        y << "pagelab: 1\ntitle: random " << seed << "\n";
        y << fmt::format("machine: {{personality: {}, ram: {} frames, pagefile: {} pages, policy: {}, tlb: {}}}\n", w95 ? "win95" : "nt",
                         ram, 24 + pick(100), kPolicies[pick(4)], pick(3) == 0 ? 4 : 0);
        y << R"(files:
  - path: C:\APP\App.exe
    image:
      base: 0x00400000
      entry: 0x1000
      imports: [LIB.DLL]
      sections:
        - {name: .text, size: 0x2000, flags: [code, read, execute], text: "code"}
        - {name: .data, size: 0x2000, flags: [data, read, write], text: "data"}
        - {name: .bss, size: 0x1000, flags: [bss, read, write]}
        - {name: Shared, size: 0x1000, flags: [data, read, write, shared]}
  - path: C:\APP\LIB.DLL
    image:
      dll: true
      base: 0x10000000
      entry: 0x1000
      sections:
        - {name: .text, size: 0x1000, flags: [code, read, execute], text: "lib"}
        - {name: .data, size: 0x1000, flags: [data, read, write], text: "libdata"}
  - path: C:\APP\SYS.DLL
    image:
      dll: true
      base: 0x90000000
      entry: 0x1000
      sections:
        - {name: .text, size: 0x1000, flags: [code, read, execute], text: "sys"}
        - {name: .data, size: 0x1000, flags: [data, read, write], text: "sysdata"}
  - {path: C:\DATA\f.txt, size: 30000, text: "The quick brown fox "}
steps:
)";
        for (size_t i = 0; i < steps; ++i) step();
    }
    std::string text() const { return y.str(); }

private:
    struct Proc {
        std::string name;
        bool alive = true;
        bool image = false;
        std::vector<std::pair<std::string, uint32_t>> regions, views;  // name, pages
        std::vector<std::string> files, mappings;
    };

    uint32_t pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(m_rng); }
    template <class T>
    const T& any(const std::vector<T>& v) { return v[pick(uint32_t(v.size()))]; }
    Proc* live() {
        std::vector<Proc*> l;
        for (auto& p : m_procs)
            if (p.alive) l.push_back(&p);
        return l.empty() ? nullptr : l[pick(uint32_t(l.size()))];
    }
    std::string name(const char* prefix) { return fmt::format("{}{}", prefix, m_names++); }
    void op(const std::string& first, const std::vector<std::string>& rest) {
        y << "  - do: " << first << "\n";
        for (const auto& r : rest)
            if (!r.empty()) y << "    " << r << "\n";
    }
    std::string protect() {
        static const char* const k[] = {"READWRITE", "READONLY", "NOACCESS", "READWRITE+GUARD", "EXECUTE_READ", "EXECUTE_READWRITE"};
        return k[pick(6)];
    }

    void step() {
        Proc* p = live();
        const uint32_t r = pick(100);
        if (!p || (r < 7 && m_procs.size() < 5)) {
            Proc np;
            np.name = name("P");
            np.image = pick(10) < 6;
            op("create_process", {"as: " + np.name, np.image ? R"(image: C:\APP\App.exe)" : ""});
            m_procs.push_back(np);
            return;
        }
        const std::string pr = "process: " + p->name;
        if (r < 9 && m_procs.size() > 1) {
            op("exit_process", {pr});
            p->alive = false;
            return;
        }
        if (r < 20) {
            const uint32_t pages = pick(4) == 0 ? 16 * (1 + pick(4)) : 1 + pick(8);
            const std::string n = name("r");
            op("virtual_alloc", {pr, fmt::format("size: 0x{:X}", pages * 4096), pick(10) < 6 ? "type: [reserve, commit]" : "type: reserve",
                                 "protect: " + std::string(pick(4) ? "READWRITE" : "EXECUTE_READWRITE"), "as: " + n});
            p->regions.push_back({n, pages});
            return;
        }
        if (r < 25 && !p->regions.empty()) {
            const auto& [n, pages] = any(p->regions);
            const uint32_t first = pick(pages), count = 1 + pick(std::min<uint32_t>(4, pages - first));
            op("virtual_alloc", {pr, fmt::format("address: {}+0x{:X}", n, first * 4096), fmt::format("size: 0x{:X}", count * 4096),
                                 "type: commit", "protect: READWRITE"});
            return;
        }
        if (r < 29 && !p->regions.empty()) {
            const size_t i = pick(uint32_t(p->regions.size()));
            const auto [n, pages] = p->regions[i];
            if (pick(2)) {
                op("virtual_free", {pr, "address: " + n, "type: release"});
                p->regions.erase(p->regions.begin() + long(i));
            } else {
                const uint32_t first = pick(pages);
                op("virtual_free", {pr, fmt::format("address: {}+0x{:X}", n, first * 4096), "size: 0x1000", "type: decommit"});
            }
            return;
        }
        if (r < 34 && !p->regions.empty()) {
            const auto& [n, pages] = any(p->regions);
            const uint32_t first = pick(pages), count = 1 + pick(std::min<uint32_t>(3, pages - first));
            op("virtual_protect", {pr, fmt::format("address: {}+0x{:X}", n, first * 4096), fmt::format("size: 0x{:X}", count * 4096),
                                   "protect: " + protect()});
            return;
        }
        if (r < 56 && !p->regions.empty()) {
            const auto& [n, pages] = any(p->regions);
            const std::string at = fmt::format("address: {}+0x{:X}", n, pick(pages) * 4096 + pick(1024) * 4);
            if (pick(2)) op("write", {pr, at, fmt::format("value: {}", pick(100000))});
            else op("read", {pr, at});
            return;
        }
        if (r < 60 && !p->regions.empty()) {
            const auto& [n, pages] = any(p->regions);
            op("touch", {pr, "address: " + n, fmt::format("size: 0x{:X}", pages * 4096), pick(2) ? "access: write" : "access: read"});
            return;
        }
        if (r < 67 && p->image) {
            static const uint32_t kPages[] = {0x401000, 0x402000, 0x403000, 0x404000, 0x405000, 0x406000, 0x10001000, 0x10002000};
            const uint32_t va = kPages[pick(8)] + pick(256) * 4;
            const uint32_t k = pick(3);
            if (k == 0) op("write", {pr, fmt::format("address: 0x{:08X}", va), fmt::format("value: {}", pick(1000))});
            else if (k == 1) op("read", {pr, fmt::format("address: 0x{:08X}", va)});
            else op("execute", {pr, fmt::format("address: 0x{:08X}", va & ~0xFFFu)});
            return;
        }
        if (r < 70) {
            op("trim", {pr});
            return;
        }
        if (r < 75) {
            // A file or pagefile mapping.
            std::string file = "file: INVALID_HANDLE_VALUE";
            std::string size = fmt::format("size: 0x{:X}", (1 + pick(6)) * 4096);
            if (pick(2)) {
                if (p->files.empty()) {
                    const std::string f = name("fh");
                    op("create_file", {pr, R"(path: C:\DATA\f.txt)", "access: [read, write]", "as: " + f});
                    p->files.push_back(f);
                }
                file = "file: " + any(p->files);
                size = pick(2) ? "" : "size: 0x9000";
            }
            const std::string m = name("m");
            const bool named = pick(3) == 0;
            op("create_file_mapping", {pr, file, "protect: READWRITE", size, named ? fmt::format("name: Shared{}", m_names % 2) : "",
                                       "as: " + m});
            p->mappings.push_back(m);
            return;
        }
        if (r < 80 && !p->mappings.empty()) {
            const std::string v = name("v");
            static const char* const kAccess[] = {"write", "read", "copy", "all"};
            op("map_view", {pr, "mapping: " + any(p->mappings), std::string("access: ") + kAccess[pick(4)], "as: " + v});
            p->views.push_back({v, 2});
            return;
        }
        if (r < 82) {
            const std::string m = name("m");
            static const char* const kAccess[] = {"write", "read", "all"};
            op("open_file_mapping", {pr, fmt::format("name: Shared{}", pick(2)), std::string("access: ") + kAccess[pick(3)], "as: " + m});
            p->mappings.push_back(m);
            return;
        }
        if (r < 90 && !p->views.empty()) {
            const auto& [v, pages] = any(p->views);
            const std::string at = fmt::format("address: {}+0x{:X}", v, pick(pages) * 4096 + pick(64) * 4);
            if (pick(2)) op("write", {pr, at, fmt::format("value: {}", pick(1000))});
            else op("read", {pr, at});
            return;
        }
        if (r < 92 && !p->views.empty()) {
            const size_t i = pick(uint32_t(p->views.size()));
            op(pick(2) ? "unmap_view" : "flush_view", {pr, "address: " + p->views[i].first});
            return;
        }
        if (r < 94 && (!p->mappings.empty() || !p->files.empty())) {
            std::vector<std::string> hs = p->mappings;
            hs.insert(hs.end(), p->files.begin(), p->files.end());
            op("close_handle", {pr, "handle: " + any(hs)});
            return;
        }
        if (r < 97) {
            op("load_library", {pr, pick(2) ? "name: LIB.DLL" : "name: SYS.DLL", "as: " + name("lib")});
            return;
        }
        if (!p->regions.empty()) op("virtual_query", {pr, "address: " + any(p->regions).first});
        else op("trim", {pr});
    }

    std::mt19937 m_rng;
    std::ostringstream y;
    std::vector<Proc> m_procs;
    uint32_t m_names = 0;
};

inline std::unique_ptr<sim::Session> random_session(uint32_t seed, size_t steps) {
    const RandomScenario gen(seed, steps);
    auto loaded = sim::parse_scenario(gen.text(), fmt::format("random-{}.yaml", seed));
    INFO(gen.text());
    if (loaded.error) FAIL(loaded.error->message);
    return std::make_unique<sim::Session>(std::move(*loaded.scenario));
}

}  // namespace pagelab::test
