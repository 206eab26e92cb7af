// Diff benchmark (issue 19): the journal-based diff between two moments of a 100,000-operation
// session (the generator of bench_session.cpp: four processes under memory pressure). Measures
// random pairs with the cursor at the later moment (the CLI, and the window comparing a pinned
// earlier moment with the current one), at the earlier moment (the pinned moment is later), at
// neither, neighbouring steps, and the longest pair there is (start to end).
// Target: <= 50 ms for any two points.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "sim/Diff.h"
#include "GeneratedScenario.h"
#include "sim/Session.h"

using namespace pagelab;
using Clock = std::chrono::steady_clock;

namespace {

// The generated scenario: GeneratedScenario.h (mixes "thrash" and "lesson").
std::string generate(size_t operations, uint32_t seed, const std::string& mix) {
    return bench::generate_scenario(operations, seed, mix);
}

struct Stats {
    std::vector<double> ms;
    size_t rows = 0;
    void add(double v, const sim::Diff& d) {
        ms.push_back(v);
        rows = std::max(rows, d.regions.size() + d.entries.size() + d.frames.size() + d.slots.size());
    }
    double median() const {
        std::vector<double> v = ms;
        std::sort(v.begin(), v.end());
        return v.empty() ? 0 : v[v.size() / 2];
    }
    double max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
};

double timed(sim::Session& s, size_t from, size_t to, Stats& st) {
    const auto a = Clock::now();
    const sim::Diff d = sim::diff_moments(s, from, to);
    const auto b = Clock::now();
    const double ms = std::chrono::duration<double, std::milli>(b - a).count();
    st.add(ms, d);
    return ms;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"PageLab diff benchmark"};
    size_t operations = 100000;
    int samples = 40;
    std::string mix = "thrash";
    double max_ms = 0;
    app.add_option("--operations", operations, "Scenario length");
    app.add_option("--samples", samples, "Random pairs per case");
    app.add_option("--mix", mix, "thrash (every operation faults) or lesson (a hot set)")->check(CLI::IsMember({"thrash", "lesson"}));
    app.add_option("--max-ms", max_ms, "Fail (exit 1) when the start-to-end diff takes longer (0: no limit)");
    CLI11_PARSE(app, argc, argv);

    auto loaded = sim::parse_scenario(generate(operations, 42, mix), "generated.yaml");
    if (loaded.error) {
        fmt::print(stderr, "{}\n", loaded.error->message);
        return 2;
    }
    sim::Session s(std::move(*loaded.scenario));
    const size_t n = s.event_count();
    std::mt19937 rng(7);
    std::uniform_int_distribution<size_t> any(0, n);
    Stats at_to, at_from, elsewhere, neighbours, whole;
    for (int i = 0; i < samples; ++i) {
        size_t a = any(rng), b = any(rng);
        if (a > b) std::swap(a, b);
        s.seek_event(b);
        timed(s, a, b, at_to);
        s.seek_event(a);
        timed(s, b, a, at_from);  // the pinned moment is the later one
        s.seek_event(any(rng));
        timed(s, a, b, elsewhere);
        const size_t step = 1 + std::uniform_int_distribution<size_t>(0, s.step_count() - 1)(rng);
        s.seek_step(step);
        timed(s, s.first_event_of_step(step - 1), s.first_event_of_step(step), neighbours);
    }
    for (int i = 0; i < 5; ++i) {
        s.seek_event(n);
        timed(s, 0, n, whole);
        s.seek_event(0);
        timed(s, n, 0, whole);
    }
    const auto& j = s.machine().journal();
    fmt::print("mix                          {}\n", mix);
    fmt::print("operations                   {}\n", s.step_count());
    fmt::print("events                       {}\n", n);
    fmt::print("changes                      {}\n", j.changes().size());
    auto line = [](const char* what, const Stats& st) {
        fmt::print("{:<28} median {:7.2f} ms, max {:7.2f} ms   (largest diff {} rows)\n", what, st.median(), st.max(), st.rows);
    };
    line("random pair, cursor at B", at_to);
    line("random pair, cursor at A", at_from);
    line("random pair, cursor elsewhere", elsewhere);
    line("one step against the last", neighbours);
    line("start <-> end", whole);
    fmt::print("(target: <= 50 ms for any two points)\n");
    if (max_ms > 0 && whole.median() > max_ms) {
        fmt::print(stderr, "the start-to-end diff took a median {:.1f} ms, more than {:.0f} ms\n", whole.median(), max_ms);
        return 1;
    }
    return 0;
}
