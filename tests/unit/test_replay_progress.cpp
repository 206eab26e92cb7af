// The replay's progress callback (the command line's progress line on a terminal): called between
// chunks with the accesses done, ending with all of them, and changing no figure.
#include <catch2/catch.hpp>

#include <random>

#include "sim/Replay.h"

using namespace pagelab;

TEST_CASE("a replay reports its progress in chunks and counts the same with or without it", "[replay]") {
    sim::AccessTrace trace;
    trace.name = "progress";
    std::mt19937 rng(5);
    for (size_t i = 0; i < 3 * sim::kProgressChunk + 123; ++i)
        trace.accesses.push_back(sim::TraceAccess{0x10000u + (uint32_t(rng()) % 512) * 4096u + (uint32_t(rng()) % 1024) * 4u, 4,
                                                  rng() % 3 == 0});
    for (const bool journal : {false, true})
        for (const mm::Policy policy : {mm::Policy::Clock, mm::Policy::Lru}) {
            sim::ReplayOptions o;
            o.data_frames = 48;
            o.policy = policy;
            o.journal = journal;
            o.timing = false;
            const sim::ReplayOutcome plain = sim::replay_trace(trace, o);
            REQUIRE(plain.ok());
            std::vector<uint64_t> seen;
            o.progress = [&](uint64_t done, uint64_t total) {
                CHECK(total == trace.accesses.size());
                seen.push_back(done);
            };
            const sim::ReplayOutcome reported = sim::replay_trace(trace, o);
            REQUIRE(reported.ok());
            INFO("journal " << journal << ", policy " << mm::policy_name(policy));
            REQUIRE(seen.size() >= 3);
            CHECK(std::is_sorted(seen.begin(), seen.end()));
            CHECK(seen.back() == trace.accesses.size());
            CHECK(reported.stats.page_faults == plain.stats.page_faults);
            CHECK(reported.stats.pagefile_writes == plain.stats.pagefile_writes);
            CHECK(reported.stats.read_sum == plain.stats.read_sum);
            CHECK(reported.stats.journal_changes == plain.stats.journal_changes);
        }
}
