// The journal-based diff (sim/Diff.h) against the full-dump reference (DiffReference.h): random
// sessions of every personality and policy, every lesson, the machine standing at either moment
// or elsewhere, both orders of the moments.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "DiffReference.h"
#include "sim/Diff.h"
#include "sim/Session.h"

using namespace pagelab;

namespace {

struct Coverage {
    size_t regions = 0, ptes = 0, pdes = 0, shared_ptes = 0, frames = 0, slots = 0, mappings = 0, data_sections = 0,
           image_sections = 0, handles = 0, processes = 0, counters = 0, compared = 0;
    void add(const sim::Diff& d) {
        regions += d.regions.size();
        for (const auto& e : d.entries) {
            if (e.level == sim::EntryLevel::Pde) ++pdes;
            else if (e.space == mm::kNoSpace) ++shared_ptes;
            else ++ptes;
        }
        frames += d.frames.size();
        slots += d.slots.size();
        mappings += d.mappings.size();
        data_sections += d.data_sections.size();
        image_sections += d.image_sections.size();
        handles += d.handles.size();
        processes += d.processes.size();
        counters += d.counters.size();
        ++compared;
    }
};

// Diffs (from, to) with the session standing at `at`, and checks it against the reference.
void check_pair(sim::Session& s, size_t from, size_t to, size_t at, Coverage& cov) {
    s.seek_event(at);
    const sim::Diff j = sim::diff_moments(s, from, to);
    REQUIRE(s.cursor() == at);  // the diff moved nothing
    const test::DumpDiff r = test::reference_diff(s, from, to);
    const std::string problem = test::compare_with_reference(j, r);
    INFO("diff from cursor " << from << " to " << to << " standing at " << at << " of " << s.event_count() << " ("
                             << s.scenario().path << ")");
    CHECK(problem == "");
    cov.add(j);
}

void check_session(sim::Session& s, std::mt19937& rng, int pairs, Coverage& cov) {
    const size_t n = s.event_count();
    std::uniform_int_distribution<size_t> any(0, n);
    for (int i = 0; i < pairs; ++i) {
        size_t a = any(rng), b = any(rng);
        if (i % 5 == 0) b = std::min(n, a + 1 + any(rng) % 8);  // neighbours: one step's worth of events
        check_pair(s, a, b, b, cov);                          // the window: pinned A, current B
        check_pair(s, a, b, a, cov);                          // the current moment is the earlier one
        if (i % 3 == 0) check_pair(s, a, b, any(rng), cov);   // standing anywhere else
    }
    check_pair(s, 0, n, n, cov);
    check_pair(s, n, 0, 0, cov);
}

}  // namespace

TEST_CASE("the journal diff equals the full-dump diff on random sessions", "[diff]") {
    Coverage cov;
    for (uint32_t seed = 1; seed <= 60; ++seed) {
        auto s = test::random_session(seed, 40 + seed % 5 * 30);
        std::mt19937 rng(seed * 7919u);
        check_session(*s, rng, 8, cov);
    }
    // The sessions reach every kind of row (otherwise the comparison above proves little).
    INFO("diffs compared: " << cov.compared);
    if (std::getenv("PAGELAB_DIFF_COVERAGE"))
        WARN("compared " << cov.compared << ": regions " << cov.regions << ", PTEs " << cov.ptes << ", PDEs " << cov.pdes << ", shared PTEs "
                         << cov.shared_ptes << ", frames " << cov.frames << ", slots " << cov.slots << ", mappings " << cov.mappings
                         << ", data sections " << cov.data_sections << ", image sections " << cov.image_sections << ", handles "
                         << cov.handles << ", processes " << cov.processes << ", counters " << cov.counters);
    CHECK(cov.regions > 100);
    CHECK(cov.ptes > 100);
    CHECK(cov.pdes > 10);
    CHECK(cov.shared_ptes > 0);
    CHECK(cov.frames > 100);
    CHECK(cov.slots > 10);
    CHECK(cov.mappings > 10);
    CHECK(cov.data_sections > 10);
    CHECK(cov.image_sections > 10);
    CHECK(cov.handles > 10);
    CHECK(cov.processes > 10);
    CHECK(cov.counters > 100);
}

TEST_CASE("the journal diff equals the full-dump diff on every lesson", "[diff]") {
    Coverage cov;
    const std::filesystem::path dir = std::filesystem::path(PAGELAB_SOURCE_DIR) / "scenarios";
    std::vector<std::filesystem::path> lessons;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".yaml" && e.path().filename() != "course.yaml") lessons.push_back(e.path());
    std::sort(lessons.begin(), lessons.end());
    REQUIRE(lessons.size() >= 40);
    uint32_t seed = 1;
    for (const auto& path : lessons) {
        auto loaded = sim::Session::load(path.string());
        REQUIRE(std::holds_alternative<std::unique_ptr<sim::Session>>(loaded));
        auto& s = *std::get<std::unique_ptr<sim::Session>>(loaded);
        std::mt19937 rng(seed++);
        check_session(s, rng, 6, cov);
        // Every step against the one before it (what the window shows with A pinned one step back).
        for (size_t step = 1; step <= s.step_count(); ++step)
            check_pair(s, s.first_event_of_step(step - 1), s.first_event_of_step(step), s.first_event_of_step(step), cov);
    }
    CHECK(cov.image_sections > 0);
    CHECK(cov.shared_ptes > 0);
}

TEST_CASE("the comparison with the reference notices a row missing, added or wrong", "[diff]") {
    // The check above would prove nothing if it could not fail: alter a correct diff and see.
    auto s = test::random_session(3, 120);
    s->seek_event(s->event_count());
    const size_t from = s->event_count() / 3, to = s->event_count();
    const sim::Diff good = sim::diff_moments(*s, from, to);
    const test::DumpDiff ref = test::reference_diff(*s, from, to);
    REQUIRE(test::compare_with_reference(good, ref) == "");
    REQUIRE(!good.regions.empty());
    REQUIRE(!good.entries.empty());
    REQUIRE(!good.frames.empty());
    REQUIRE(!good.counters.empty());
    {
        sim::Diff bad = good;
        bad.regions.pop_back();
        CHECK(test::compare_with_reference(bad, ref) != "");
    }
    {
        sim::Diff bad = good;
        bad.regions.front().size += 0x1000;
        CHECK(test::compare_with_reference(bad, ref) != "");
    }
    {
        sim::Diff bad = good;
        bad.entries.erase(bad.entries.begin() + long(bad.entries.size() / 2));
        CHECK(test::compare_with_reference(bad, ref) != "");
    }
    {
        sim::Diff bad = good;
        bad.entries.back().after ^= 0x20;  // the Accessed bit
        CHECK(test::compare_with_reference(bad, ref) != "");
    }
    {
        sim::Diff bad = good;
        for (auto& f : bad.frames)
            if (f.before != f.after) {
                f.after.share_count += 1;
                break;
            }
        CHECK(test::compare_with_reference(bad, ref) != "");
    }
    {
        sim::Diff bad = good;
        for (auto& f : bad.frames) f.bytes_written = false;
        CHECK(test::compare_with_reference(bad, ref) != "");
    }
    {
        sim::Diff bad = good;
        bad.counters.pop_back();
        CHECK(test::compare_with_reference(bad, ref) != "");
    }
}

TEST_CASE("a diff of a moment with itself is empty, and the reverse diff swaps before and after", "[diff]") {
    auto s = test::random_session(11, 150);
    const size_t n = s->event_count();
    for (size_t at : {size_t(0), n / 2, n}) {
        s->seek_event(at);
        CHECK(sim::diff_moments(*s, at, at).empty());
        CHECK(sim::diff_moments(*s, n / 3, n / 3).empty());
    }
    s->seek_event(n);
    const sim::Diff fwd = sim::diff_moments(*s, n / 4, n);
    const sim::Diff back = sim::diff_moments(*s, n, n / 4);
    REQUIRE(fwd.entries.size() == back.entries.size());
    for (size_t i = 0; i < fwd.entries.size(); ++i) {
        CHECK(fwd.entries[i].before == back.entries[i].after);
        CHECK(fwd.entries[i].after == back.entries[i].before);
    }
    REQUIRE(fwd.regions.size() == back.regions.size());
    for (size_t i = 0; i < fwd.regions.size(); ++i) CHECK(fwd.regions[i].before == back.regions[i].after);
}

TEST_CASE("moments are step numbers, labels, event:N, start and end, bad ones say why", "[diff]") {
    auto loaded = sim::Session::load(std::string(PAGELAB_SOURCE_DIR) + "/scenarios/01-demand-zero.yaml");
    auto& s = *std::get<std::unique_ptr<sim::Session>>(loaded);
    CHECK(std::get<size_t>(sim::parse_moment(s, "0")) == 0);
    CHECK(std::get<size_t>(sim::parse_moment(s, "start")) == 0);
    CHECK(std::get<size_t>(sim::parse_moment(s, "end")) == s.event_count());
    CHECK(std::get<size_t>(sim::parse_moment(s, "2")) == s.first_event_of_step(2));
    CHECK(std::get<size_t>(sim::parse_moment(s, "event:0")) == 1);
    CHECK(std::get<size_t>(sim::parse_moment(s, "event:7")) == 8);
    CHECK(std::get<std::string>(sim::parse_moment(s, "99")).find("steps") != std::string::npos);
    CHECK(std::get<std::string>(sim::parse_moment(s, "event:100000")).find("events, numbered 0 to") != std::string::npos);
    CHECK(std::get<std::string>(sim::parse_moment(s, "no-such-label")).find("not a step number, a label") != std::string::npos);
    CHECK(sim::describe_moment(s, 0) == "the start");
    CHECK(sim::describe_moment(s, s.first_event_of_step(2)) == "step 2");
    CHECK(sim::describe_moment(s, s.first_event_of_step(2) + 1).rfind("event ", 0) == 0);
}
