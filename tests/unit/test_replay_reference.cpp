// sim::Replay against a classic page-replacement simulator: with N data frames, FIFO and exact
// LRU must fault exactly as the textbook algorithms do (including Belady's anomaly), and the
// pagefile traffic must follow from which evicted pages were dirty. Clock and working-set
// trimming have no textbook twin here: they must be deterministic, keep the data right and keep
// every invariant. A journaled replay must undo back to the machine as it booted.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <list>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "os/Machine.h"
#include "sim/AccessTrace.h"
#include "sim/Replay.h"

#include "../bench/BareModel.h"
#include "../bench/HeavyTrace.h"

using namespace pagelab;
using sim::TraceAccess;

namespace {

// ---------------------------------------------------------------------------------------------
// The reference: page numbers, N frames, FIFO (evict in load order) or LRU (evict least recently
// used). Pages start as demand-zero; a page evicted dirty goes to the pagefile (a write) and is
// read back from it on its next fault (a hard fault); a clean page is dropped, and it costs a
// write only if it is dirtied again.

enum class RefPolicy { Fifo, Lru };

struct RefCounts {
    uint64_t faults = 0;
    uint64_t demand_zero = 0;
    uint64_t hard = 0;
    uint64_t pagefile_writes = 0;
    uint64_t evictions = 0;
};

RefCounts reference_run(const std::vector<TraceAccess>& trace, uint32_t frames, RefPolicy policy) {
    RefCounts c;
    std::list<uint32_t> order;  // front = next victim
    std::map<uint32_t, std::list<uint32_t>::iterator> resident;
    std::set<uint32_t> dirty, in_pagefile;
    auto touch = [&](uint32_t page, bool write) {
        auto it = resident.find(page);
        if (it != resident.end()) {
            if (policy == RefPolicy::Lru) order.splice(order.end(), order, it->second);
        } else {
            ++c.faults;
            ++(in_pagefile.count(page) ? c.hard : c.demand_zero);
            if (resident.size() == frames) {
                const uint32_t victim = order.front();
                order.pop_front();
                resident.erase(victim);
                ++c.evictions;
                if (dirty.erase(victim)) {
                    ++c.pagefile_writes;
                    in_pagefile.insert(victim);
                }
            }
            order.push_back(page);
            resident[page] = std::prev(order.end());
        }
        if (write) dirty.insert(page);
    };
    for (const TraceAccess& a : trace) {
        const uint32_t first = a.address >> 12, last = (a.address + a.size - 1) >> 12;
        touch(first, a.write);
        if (last != first) touch(last, a.write);
    }
    return c;
}

// ---------------------------------------------------------------------------------------------
// Deterministic generated traces (fixed seeds). Page p lives in 4 MB region p / 64 at offset
// 0x10000 + (p % 64) * 4 KB, so a trace over P pages needs ceil(P / 64) page tables.

uint32_t page_address(uint32_t page) { return 0x00010000u + (page % 64) * 0x1000u + (page / 64) * 0x00400000u; }

TraceAccess make_access(std::mt19937& rng, uint32_t page, double write_ratio) {
    static const uint8_t sizes[] = {1, 2, 4};
    const uint8_t size = sizes[rng() % 3];
    const uint32_t offset = (rng() % (4096 / size)) * size;  // aligned: never crosses the page
    const bool write = std::uniform_real_distribution<double>(0, 1)(rng) < write_ratio;
    return TraceAccess{page_address(page) + offset, size, write};
}

sim::AccessTrace named(std::string name, std::vector<TraceAccess> accesses) {
    sim::AccessTrace t;
    t.name = std::move(name);
    t.accesses = std::move(accesses);
    return t;
}

sim::AccessTrace uniform_trace(uint32_t seed, uint32_t pages, size_t n) {
    std::mt19937 rng(seed);
    std::vector<TraceAccess> out;
    for (size_t i = 0; i < n; ++i) out.push_back(make_access(rng, rng() % pages, 0.3));
    return named("uniform", out);
}

// 80% of the accesses go to the first 10% of the pages: a working set that fits some N.
sim::AccessTrace hot_cold_trace(uint32_t seed, uint32_t pages, size_t n) {
    std::mt19937 rng(seed);
    const uint32_t hot = std::max<uint32_t>(1, pages / 10);
    std::vector<TraceAccess> out;
    for (size_t i = 0; i < n; ++i) {
        const uint32_t page = rng() % 10 < 8 ? rng() % hot : rng() % pages;
        out.push_back(make_access(rng, page, 0.3));
    }
    return named("hot-cold", out);
}

// A loop over `pages` pages with a few accesses per page: LRU's worst case when N < pages.
sim::AccessTrace loop_trace(uint32_t seed, uint32_t pages, size_t n) {
    std::mt19937 rng(seed);
    std::vector<TraceAccess> out;
    for (size_t i = 0; i < n; ++i) out.push_back(make_access(rng, uint32_t(i / 3) % pages, 0.3));
    return named("loop", out);
}

// Phases: each phase works on a different window of pages, with some unaligned 4-byte accesses
// crossing page boundaries.
sim::AccessTrace phase_trace(uint32_t seed, uint32_t pages, size_t n) {
    std::mt19937 rng(seed);
    std::vector<TraceAccess> out;
    for (size_t i = 0; i < n; ++i) {
        const uint32_t window = uint32_t(i / 500) * 7 % pages;
        const uint32_t page = (window + rng() % 12) % pages;
        if (rng() % 50 == 0 && page % 64 != 63)  // straddles page and page + 1 (same region)
            out.push_back(TraceAccess{page_address(page) + 0xFFE, 4, rng() % 2 == 0});
        else
            out.push_back(make_access(rng, page, 0.4));
    }
    return named("phases", out);
}

std::vector<sim::AccessTrace> generated_traces() {
    return {uniform_trace(1, 40, 4000), hot_cold_trace(2, 150, 6000), loop_trace(3, 20, 3000),
            phase_trace(4, 200, 6000)};
}

sim::AccessTrace belady_trace() {
    // 1 2 3 4 1 2 5 1 2 3 4 5, through the rw parser.
    std::string text = "# Belady's anomaly\n";
    for (uint32_t p : {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5}) text += fmt::format("{:08X} R\n", page_address(p));
    auto parsed = sim::parse_trace(text, sim::TraceFormat::Rw, "belady.rw");
    REQUIRE(parsed.ok());
    return parsed.trace;
}

sim::ReplayOptions options(uint32_t frames, mm::Policy policy) {
    sim::ReplayOptions o;
    o.data_frames = frames;
    o.policy = policy;
    o.timing = false;
    return o;
}

std::string first_problem(const os::Machine& m) {
    const auto bad = m.check_invariants();
    return bad.empty() ? std::string() : bad.front() + fmt::format(" (and {} more)", bad.size() - 1);
}

void check_against_reference(const sim::AccessTrace& trace, uint32_t frames, mm::Policy policy,
                             uint32_t tlb = 0) {
    const RefCounts ref = reference_run(trace.accesses, frames,
                                        policy == mm::Policy::Fifo ? RefPolicy::Fifo : RefPolicy::Lru);
    sim::ReplayOptions o = options(frames, policy);
    o.tlb_entries = tlb;
    o.verify = true;
    sim::Replay replay(trace, o);
    REQUIRE(replay.ok());
    const sim::ReplayStats& s = replay.run();
    INFO(trace.name << ", " << frames << " frames, " << mm::policy_name(policy) << ", tlb " << tlb);
    REQUIRE(replay.ok());
    CHECK(s.misses() == ref.faults);
    CHECK(s.demand_zero_faults == ref.demand_zero);
    CHECK(s.hard_faults == ref.hard);
    CHECK(s.pagefile_reads == ref.hard);
    CHECK(s.pagefile_writes == ref.pagefile_writes);
    CHECK(s.evictions == ref.evictions);
    CHECK(s.soft_faults == 0);
    CHECK(s.data_mismatches == 0);
    CHECK(s.accesses == trace.accesses.size());
    CHECK(first_problem(replay.machine()) == "");
}

}  // namespace

TEST_CASE("reference simulator: Belady's anomaly and textbook LRU counts", "[replay][reference]") {
    const auto t = belady_trace();
    CHECK(reference_run(t.accesses, 3, RefPolicy::Fifo).faults == 9);
    CHECK(reference_run(t.accesses, 4, RefPolicy::Fifo).faults == 10);
    CHECK(reference_run(t.accesses, 3, RefPolicy::Lru).faults == 10);
    CHECK(reference_run(t.accesses, 4, RefPolicy::Lru).faults == 8);
}

TEST_CASE("replay: Belady's anomaly, FIFO 9 faults with 3 frames and 10 with 4", "[replay][reference]") {
    const auto t = belady_trace();
    auto fifo3 = sim::replay_trace(t, options(3, mm::Policy::Fifo));
    auto fifo4 = sim::replay_trace(t, options(4, mm::Policy::Fifo));
    REQUIRE(fifo3.ok());
    REQUIRE(fifo4.ok());
    CHECK(fifo3.stats.misses() == 9);
    CHECK(fifo4.stats.misses() == 10);
    CHECK(sim::replay_trace(t, options(3, mm::Policy::Lru)).stats.misses() == 10);
    CHECK(sim::replay_trace(t, options(4, mm::Policy::Lru)).stats.misses() == 8);
    // Three frames are too few for the system pages: the machine boots without them.
    CHECK(fifo3.stats.total_frames == 3 + 1 + 1);
    CHECK(fifo4.stats.total_frames == 4 + 1 + 1 + 2);
    CHECK(fifo3.stats.page_tables == 1);
    CHECK(fifo3.stats.touched_pages == 5);
}

TEST_CASE("replay: FIFO and LRU match the reference on generated traces", "[replay][reference]") {
    for (const auto& trace : generated_traces())
        for (uint32_t frames : {1u, 2u, 3u, 5u, 8u, 13u, 32u, 100u})
            for (mm::Policy policy : {mm::Policy::Fifo, mm::Policy::Lru}) check_against_reference(trace, frames, policy);
}

TEST_CASE("replay: a TLB changes no fault count", "[replay][reference]") {
    const auto trace = hot_cold_trace(7, 60, 4000);
    for (uint32_t frames : {4u, 16u}) {
        check_against_reference(trace, frames, mm::Policy::Fifo, 8);
        check_against_reference(trace, frames, mm::Policy::Lru, 8);
        auto o = options(frames, mm::Policy::Clock);
        const auto without = sim::replay_trace(trace, o);
        o.tlb_entries = 8;
        const auto with = sim::replay_trace(trace, o);
        REQUIRE(without.ok());
        REQUIRE(with.ok());
        CHECK(with.stats.page_faults == without.stats.page_faults);
        CHECK(with.stats.pagefile_writes == without.stats.pagefile_writes);
        CHECK(with.stats.tlb_hits > 0);
    }
}

TEST_CASE("replay: setup gives exactly N data frames, page tables besides", "[replay]") {
    // 200 pages: 64 in each of the first three 4 MB regions (4 chunks of 64 KB each), 8 in the
    // fourth (one chunk).
    const auto trace = uniform_trace(9, 200, 6000);
    sim::Replay replay(trace, options(10, mm::Policy::Clock));
    REQUIRE(replay.ok());
    CHECK(replay.stats().touched_pages == 200);
    CHECK(replay.stats().page_tables == 4);
    CHECK(replay.stats().total_frames == 10 + 1 + 4 + 2);
    CHECK(replay.stats().regions == 4);
    CHECK(replay.stats().committed_pages == 3 * 64 + 16);
    CHECK(replay.machine().mm().frames_free() == 10);
    CHECK(replay.machine().mm().counter(mm::Counter::PageFaults) == 0);
    CHECK(first_problem(replay.machine()) == "");
    replay.run();
    REQUIRE(replay.ok());
    CHECK(replay.machine().mm().frames_free() == 0);
    CHECK(first_problem(replay.machine()) == "");
}

TEST_CASE("replay: Clock and working-set are deterministic and keep the data", "[replay]") {
    for (const auto& trace : generated_traces()) {
        for (mm::Policy policy : {mm::Policy::Clock, mm::Policy::WorkingSet}) {
            for (uint32_t frames : {1u, 3u, 8u, 32u}) {
                INFO(trace.name << ", " << frames << " frames, " << mm::policy_name(policy));
                auto o = options(frames, policy);
                o.verify = true;
                sim::Replay a(trace, o);
                REQUIRE(a.ok());
                const sim::ReplayStats sa = a.run();
                REQUIRE(a.ok());
                CHECK(sa.data_mismatches == 0);
                CHECK(first_problem(a.machine()) == "");
                const auto b = sim::replay_trace(trace, o);
                REQUIRE(b.ok());
                CHECK(b.stats.page_faults == sa.page_faults);
                CHECK(b.stats.soft_faults == sa.soft_faults);
                CHECK(b.stats.hard_faults == sa.hard_faults);
                CHECK(b.stats.pagefile_writes == sa.pagefile_writes);
                CHECK(b.stats.evictions == sa.evictions);
                // Every page faults at least once; Clock's faults are all evictions' doing.
                CHECK(sa.misses() >= sa.touched_pages);
                if (policy == mm::Policy::Clock)
                    CHECK(sa.misses() == sa.demand_zero_faults + sa.hard_faults);
                if (frames >= sa.touched_pages) CHECK(sa.misses() == sa.touched_pages);
            }
        }
    }
}

TEST_CASE("replay: a journaled replay undoes back to the booted machine and redoes", "[replay][journal]") {
    const auto trace = hot_cold_trace(11, 80, 3000);
    for (mm::Policy policy : {mm::Policy::Fifo, mm::Policy::Clock, mm::Policy::Lru, mm::Policy::WorkingSet}) {
        INFO(mm::policy_name(policy));
        auto o = options(8, policy);
        o.journal = true;
        o.tlb_entries = 4;
        sim::Replay replay(trace, o);
        REQUIRE(replay.ok());
        const sim::ReplayStats s = replay.run();
        REQUIRE(replay.ok());
        os::Machine& m = replay.machine();
        const mm::MemoryManager& mgr = m.mm();
        CHECK(s.journal_changes == m.journal().changes().size());
        CHECK(m.position() == m.journal().changes().size());
        const mm::Counters end_counters = mgr.counters();
        const uint32_t end_free = mgr.frames_free();

        // The journal-off run of the same trace counts the same.
        auto off = o;
        off.journal = false;
        const auto plain = sim::replay_trace(trace, off);
        REQUIRE(plain.ok());
        CHECK(plain.stats.page_faults == s.page_faults);
        CHECK(plain.stats.pagefile_writes == s.pagefile_writes);
        CHECK(plain.stats.soft_faults == s.soft_faults);

        m.seek(0);
        const os::Machine boot(mgr.config());
        CHECK(m.processes().empty());
        CHECK(mgr.spaces().empty());
        CHECK(mgr.frames_free() == boot.mm().frames_free());
        CHECK(mgr.counters() == boot.mm().counters());
        CHECK(mgr.pagefile().used() == 0);
        CHECK(mgr.cr3() == boot.mm().cr3());
        CHECK(mgr.clock_hand() == boot.mm().clock_hand());
        for (uint32_t f = 0; f < mgr.pfn().size(); ++f) {
            const mm::PfnEntry& a = mgr.pfn()[f];
            const mm::PfnEntry& b = boot.mm().pfn()[f];
            INFO("frame " << f);
            CHECK(a.state == b.state);
            CHECK(a.use == b.use);
            CHECK(a.list == b.list);
            CHECK(a.flink == b.flink);
            CHECK(a.blink == b.blink);
            CHECK(a.backlink_word() == b.backlink_word());
            CHECK(a.original_pte == b.original_pte);
            CHECK(a.share_count == b.share_count);
            CHECK(a.flags == b.flags);
            CHECK(mgr.ram().content(f).same_bytes(boot.mm().ram().content(f)));
        }
        for (uint32_t s2 = 1; s2 <= mgr.pagefile().capacity(); ++s2) CHECK(mgr.pagefile().content(s2).is_zero_page());
        CHECK(first_problem(m) == "");

        // Just before the trace: N free frames, no faults yet.
        m.seek(replay.setup_position());
        CHECK(mgr.frames_free() == 8);
        CHECK(mgr.counter(mm::Counter::PageFaults) == 0);
        CHECK(first_problem(m) == "");

        m.seek(m.journal().changes().size());
        CHECK(mgr.counters() == end_counters);
        CHECK(mgr.frames_free() == end_free);
        CHECK(first_problem(m) == "");
    }
}

TEST_CASE("replay: addresses outside nt user space name the trace line", "[replay]") {
    auto below = sim::parse_trace("10000 R\n\n  0000FFFF W\n", sim::TraceFormat::Rw, "low.rw");
    REQUIRE(below.ok());
    auto r = sim::replay_trace(below.trace, options(4, mm::Policy::Fifo));
    CHECK(r.error.value_or("") == "low.rw:3:3: error: address 0x0000FFFF is outside the nt user space 0x00010000-0x7FFEFFFF");

    auto above = sim::parse_trace(" L 7ffefffe,4\n", sim::TraceFormat::Lackey, "high.lackey");
    REQUIRE(above.ok());
    r = sim::replay_trace(above.trace, options(4, mm::Policy::Fifo));
    CHECK(r.error.value_or("") ==
          "high.lackey:1:4: error: address 0x7FFEFFFE is outside the nt user space 0x00010000-0x7FFEFFFF");
    auto top = sim::parse_trace(" L 7ffefffc,4\n", sim::TraceFormat::Lackey, "top.lackey");
    CHECK(sim::replay_trace(top.trace, options(4, mm::Policy::Fifo)).ok());

    std::string bin;
    for (uint32_t v : {0x00010000u, 0x80000001u})
        for (int i = 0; i < 4; ++i) bin += char((v >> (8 * i)) & 0xFF);
    auto kernel = sim::parse_trace(bin, sim::TraceFormat::Bin, "k.bin");
    REQUIRE(kernel.ok());
    r = sim::replay_trace(kernel.trace, options(4, mm::Policy::Fifo));
    CHECK(r.error.value_or("") ==
          "k.bin: error: record 1 (byte offset 4): address 0x80000000 is outside the nt user space 0x00010000-0x7FFEFFFF");
}

TEST_CASE("replay: bad options and generated traces are errors, not crashes", "[replay]") {
    auto t = named("gen", {TraceAccess{0x10000, 3, false}});
    CHECK(sim::replay_trace(t, options(4, mm::Policy::Fifo)).error.value_or("") ==
          "gen: error: access 0: access size 3 is not 1, 2 or 4 bytes");
    auto ok = named("gen", {TraceAccess{0x10000, 4, true}});
    CHECK(sim::replay_trace(ok, options(0, mm::Policy::Fifo)).error.value_or("") ==
          "gen: error: the replay needs at least 1 data frame");
    CHECK_FALSE(sim::replay_trace(ok, options(1u << 20, mm::Policy::Fifo)).ok());
    const auto empty = sim::replay_trace(named("empty", {}), options(4, mm::Policy::Clock));
    REQUIRE(empty.ok());
    CHECK(empty.stats.accesses == 0);
    CHECK(empty.stats.page_tables == 0);
    sim::Replay twice(ok, options(2, mm::Policy::Clock));
    twice.run();
    REQUIRE(twice.ok());
    twice.run();
    CHECK_FALSE(twice.ok());
}

TEST_CASE("replay: timing is reported only when asked for", "[replay]") {
    const auto t = loop_trace(5, 10, 500);
    auto o = options(4, mm::Policy::Clock);
    CHECK_FALSE(sim::replay_trace(t, o).stats.ns_per_access.has_value());
    o.timing = true;
    const auto timed = sim::replay_trace(t, o);
    REQUIRE(timed.stats.ns_per_access.has_value());
    CHECK(*timed.stats.ns_per_access > 0);
}

// The replay runs hits in batched loops (MemoryManager::hit_run_unjournaled / hit_run_journaled)
// that must do and record exactly what access() does for each of them: the same trace driven
// through access() one access at a time gives the same journal, record for record, the same
// machine and the same values read.
TEST_CASE("replay: the batched hit loops do exactly what access() does", "[replay][journal]") {
    const auto trace = hot_cold_trace(23, 120, 6000);
    std::set<uint32_t> read_sums;  // what the reads returned cannot depend on the policy or the journal
    for (mm::Policy policy : {mm::Policy::Fifo, mm::Policy::Clock, mm::Policy::Lru, mm::Policy::WorkingSet}) {
        for (bool journal : {true, false}) {
            INFO(mm::policy_name(policy) << (journal ? ", journal on" : ", journal off"));
            auto o = options(10, policy);
            o.journal = journal;
            sim::Replay batched(trace, o);
            REQUIRE(batched.ok());
            const sim::ReplayStats s = batched.run();
            REQUIRE(batched.ok());

            sim::Replay single(trace, o);
            REQUIRE(single.ok());
            os::Machine& m = single.machine();
            uint32_t read_sum = 0;
            for (size_t i = 0; i < trace.accesses.size(); ++i) {
                const TraceAccess& a = trace.accesses[i];
                const mm::AccessResult r =
                    m.mm().access(single.space(), a.address, a.size, a.write ? x86::Access::Write : x86::Access::Read,
                                  sim::replay_write_value(i, a.size));
                REQUIRE(r.ok());
                if (!a.write) read_sum += r.value;
            }
            m.sync_position();
            CHECK(s.read_sum == read_sum);
            read_sums.insert(s.read_sum);

            const os::Machine& b = batched.machine();
            CHECK(b.mm().counters() == m.mm().counters());
            CHECK(b.mm().clock_hand() == m.mm().clock_hand());
            CHECK(b.mm().counter(mm::Counter::DirtyBitFaults) > 0);  // (the trace has dirty-bit faults)
            for (uint32_t f = 0; f < b.mm().pfn().size(); ++f) {
                INFO("frame " << f);
                CHECK(b.mm().ram().content(f).same_bytes(m.mm().ram().content(f)));
                CHECK(b.mm().pfn()[f].list == m.mm().pfn()[f].list);
                CHECK(b.mm().pfn()[f].flink == m.mm().pfn()[f].flink);
                CHECK(b.mm().pfn()[f].original_pte == m.mm().pfn()[f].original_pte);
                CHECK(b.mm().pfn()[f].flags == m.mm().pfn()[f].flags);
            }
            for (uint32_t slot = 1; slot <= b.mm().pagefile().capacity(); ++slot) {
                CHECK(b.mm().pagefile().in_use(slot) == m.mm().pagefile().in_use(slot));
                CHECK(b.mm().pagefile().content(slot).same_bytes(m.mm().pagefile().content(slot)));
            }
            CHECK(b.mm().last_walk().va == m.mm().last_walk().va);

            const auto& bc = b.journal().changes();
            const auto& mc = m.journal().changes();
            REQUIRE(bc.size() == mc.size());
            size_t differing = 0;
            for (size_t k = 0; k < bc.size(); ++k)
                if (bc[k].store != mc[k].store || bc[k].field != mc[k].field || bc[k].aux != mc[k].aux ||
                    bc[k].target != mc[k].target || bc[k].before != mc[k].before || bc[k].after != mc[k].after)
                    ++differing;
            CHECK(differing == 0);
            const auto& be = b.journal().events();
            const auto& me = m.journal().events();
            REQUIRE(be.size() == me.size());
            differing = 0;
            for (size_t k = 0; k < be.size(); ++k)
                if (be[k].first_change != me[k].first_change || be[k].kind != me[k].kind || be[k].space != me[k].space ||
                    be[k].args[0] != me[k].args[0] || be[k].args[1] != me[k].args[1] || be[k].args[2] != me[k].args[2] ||
                    be[k].args[3] != me[k].args[3])
                    ++differing;
            CHECK(differing == 0);
            if (journal) {
                CHECK(bc.size() > trace.accesses.size());  // the test journals something
                CHECK(first_problem(batched.machine()) == "");
            }
        }
    }
    CHECK(read_sums.size() == 1);
    CHECK(*read_sums.begin() != 0);  // the trace reads back what it wrote
}

// Issue 18's fault-heavy trace (tests/bench/HeavyTrace.h): the same accesses as the program that
// defines it (../shared/bench/heavy-trace.cpp: an FNV-1a hash of its first 200,000 `bin` records),
// and on a prefix of it every policy faults as the bare model does (FIFO and LRU also as the
// reference), through the replay's fast loops, whatever the journal and the TLB; every run reads
// the same bytes. (bench_replay --mix heavy checks the full trace's classic counts.)
TEST_CASE("replay: the heavy trace, its counts the bare model's, reads alike in every mode", "[replay][reference]") {
    const sim::AccessTrace full = bench::make_heavy_trace(200'000);
    uint64_t hash = 1469598103934665603ull;
    for (const TraceAccess& a : full.accesses) hash = (hash ^ (a.address | (a.write ? 1u : 0u))) * 1099511628211ull;
    CHECK(hash == 0x68eacb13f40af484ull);
    const sim::AccessTrace trace = bench::make_heavy_trace(60'000);
    std::optional<uint32_t> read_sum;
    for (mm::Policy policy : {mm::Policy::Fifo, mm::Policy::Clock, mm::Policy::Lru, mm::Policy::WorkingSet}) {
        const bench::BarePolicy bare = policy == mm::Policy::Fifo  ? bench::BarePolicy::Fifo
                                       : policy == mm::Policy::Lru ? bench::BarePolicy::Lru
                                                                   : bench::BarePolicy::Clock;
        const uint64_t bare_misses = bench::bare_model_run(bare, trace, 256).misses;
        if (policy == mm::Policy::Fifo || policy == mm::Policy::Lru)
            CHECK(bare_misses == reference_run(trace.accesses, 256, policy == mm::Policy::Fifo ? RefPolicy::Fifo
                                                                                                : RefPolicy::Lru)
                                     .faults);
        std::optional<uint64_t> faults;
        for (bool journal : {false, true}) {
            for (uint32_t tlb : {0u, 16u}) {
                INFO(mm::policy_name(policy) << ", journal " << journal << ", tlb " << tlb);
                sim::ReplayOptions o = options(256, policy);
                o.journal = journal;
                o.tlb_entries = tlb;
                const sim::ReplayOutcome out = sim::replay_trace(trace, o);
                REQUIRE(out.ok());
                if (policy != mm::Policy::WorkingSet) CHECK(out.stats.misses() == bare_misses);
                if (!faults) faults = out.stats.page_faults;
                CHECK(out.stats.page_faults == *faults);
                if (!read_sum) read_sum = out.stats.read_sum;
                CHECK(out.stats.read_sum == *read_sum);
            }
        }
    }
}

// Seek-to-any-change over a journaled replay: the state after each access, reached by seeking
// the journal (forward, one event back and forward again, and jumps backwards), is the state of
// a journal-off machine driven through access() to that access, and each access's AccessDone
// event says what that access did. A journal that stores runs of hits compactly (issue 18) must
// keep this exact: the test reads the journal only through seek() and its events.
namespace {

// The first difference between two machines' memory-manager state, or "".
std::string machine_difference(const os::Machine& a, const os::Machine& b) {
    const mm::MemoryManager& x = a.mm();
    const mm::MemoryManager& y = b.mm();
    if (!(x.counters() == y.counters())) return "counters";
    if (x.clock_hand() != y.clock_hand()) return "clock hand";
    if (x.frames_free() != y.frames_free()) return "free frames";
    if (x.cr3() != y.cr3()) return "cr3";
    for (uint32_t f = 0; f < x.pfn().size(); ++f) {
        const mm::PfnEntry& p = x.pfn()[f];
        const mm::PfnEntry& q = y.pfn()[f];
        if (p.state != q.state || p.use != q.use || p.list != q.list || p.flink != q.flink || p.blink != q.blink ||
            p.original_pte != q.original_pte || p.flags != q.flags || p.backlink_word() != q.backlink_word())
            return fmt::format("pfn {}", f);
        if (!x.ram().content(f).same_bytes(y.ram().content(f))) return fmt::format("frame {} bytes", f);
    }
    for (uint32_t s = 1; s <= x.pagefile().capacity(); ++s)
        if (x.pagefile().in_use(s) != y.pagefile().in_use(s) || !x.pagefile().content(s).same_bytes(y.pagefile().content(s)))
            return fmt::format("slot {}", s);
    return "";
}

}  // namespace

TEST_CASE("replay: seeking a journaled replay to any access gives that access's machine and event", "[replay][journal]") {
    const auto trace = hot_cold_trace(31, 70, 1500);
    for (mm::Policy policy : {mm::Policy::Clock, mm::Policy::Lru}) {
        INFO(mm::policy_name(policy));
        auto o = options(10, policy);
        o.journal = true;
        sim::Replay journaled(trace, o);
        REQUIRE(journaled.ok());
        journaled.run();
        REQUIRE(journaled.ok());
        os::Machine& m = journaled.machine();
        // Where each access's AccessDone event begins: the state just after that access.
        std::vector<size_t> done;
        const auto& events = m.journal().events();
        for (size_t i = 0; i < events.size(); ++i) {
            const core::EventRecord e = events[i];
            if (e.first_change >= journaled.setup_position() && e.kind == uint16_t(mm::EventKind::AccessDone)) done.push_back(i);
        }
        REQUIRE(done.size() == trace.accesses.size());

        auto off = o;
        off.journal = false;
        auto step_to = [&](sim::Replay& r, size_t& next, size_t n, uint32_t& value) {
            for (; next <= n; ++next) {
                const TraceAccess& a = trace.accesses[next];
                const mm::AccessResult res =
                    r.machine().mm().access(r.space(), a.address, a.size, a.write ? x86::Access::Write : x86::Access::Read,
                                            sim::replay_write_value(next, a.size));
                REQUIRE(res.ok());
                value = a.write ? sim::replay_write_value(next, a.size) : res.value;
            }
        };
        sim::Replay ref(trace, off);
        REQUIRE(ref.ok());
        size_t next = 0, differing = 0;
        for (size_t n = 0; n < trace.accesses.size(); ++n) {
            uint32_t value = 0;
            step_to(ref, next, n, value);
            const core::EventRecord& e = m.journal().events()[done[n]];
            m.seek(e.first_change);
            const TraceAccess& a = trace.accesses[n];
            if (e.args[0] != a.address || e.args[1] != value || e.args[3] != a.size ||
                e.args[2] != uint32_t(a.write ? x86::Access::Write : x86::Access::Read))
                ++differing;
            std::string diff = machine_difference(m, ref.machine());
            if (n > 0 && n % 7 == 0) {  // one event back, then forward again
                m.seek(m.journal().events()[done[n - 1]].first_change);
                m.seek(e.first_change);
                if (diff.empty()) diff = machine_difference(m, ref.machine());
            }
            INFO("access " << n);
            REQUIRE(diff == "");
        }
        CHECK(differing == 0);
        CHECK(first_problem(m) == "");

        // Jumps backwards from the end, each checked against a fresh run to that access.
        for (size_t n : {size_t(1400), size_t(777), size_t(3), size_t(1100), size_t(0)}) {
            INFO("jump to access " << n);
            m.seek(m.journal().events()[done[n]].first_change);
            sim::Replay fresh(trace, off);
            REQUIRE(fresh.ok());
            size_t k = 0;
            uint32_t value = 0;
            step_to(fresh, k, n, value);
            CHECK(machine_difference(m, fresh.machine()) == "");
        }
        m.seek(m.journal().changes().size());
        CHECK(first_problem(m) == "");
    }
}
