// Session benchmark (issue: scenario files and the stepping session): a generated scenario of
// 100,000 operations under memory pressure; measures loading (parse + run), one event back,
// one step back, a jump to a random event, and the memory the history takes.
// Targets: one event back <= 1 ms, a jump anywhere <= 100 ms, history <= 64 MB.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <chrono>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "GeneratedScenario.h"
#include "sim/Session.h"

using namespace pagelab;
using Clock = std::chrono::steady_clock;

namespace {

// The generated scenario: GeneratedScenario.h (mixes "thrash" and "lesson").
std::string generate(size_t operations, uint32_t seed, const std::string& mix) {
    return bench::generate_scenario(operations, seed, mix);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"PageLab session benchmark"};
    size_t operations = 100000;
    int samples = 200;
    app.add_option("--operations", operations, "Scenario length");
    app.add_option("--samples", samples, "Random positions measured");
    std::string mix = "thrash";
    app.add_option("--mix", mix, "thrash (every operation faults) or lesson (a hot set)")->check(CLI::IsMember({"thrash", "lesson"}));
    CLI11_PARSE(app, argc, argv);

    const std::string text = generate(operations, 42, mix);
    auto t0 = Clock::now();
    auto loaded = sim::parse_scenario(text, "generated.yaml");
    if (loaded.error) {
        fmt::print(stderr, "{}\n", loaded.error->message);
        return 2;
    }
    auto t1 = Clock::now();
    sim::Session session(std::move(*loaded.scenario));
    auto t2 = Clock::now();

    std::mt19937 rng(7);
    std::uniform_int_distribution<size_t> any(1, session.event_count());
    std::vector<double> back_event, back_step, jump;
    for (int i = 0; i < samples; ++i) {
        session.seek_event(any(rng));
        auto a = Clock::now();
        session.step_event_back();
        auto b = Clock::now();
        back_event.push_back(std::chrono::duration<double, std::milli>(b - a).count());
        a = Clock::now();
        session.step_back();
        b = Clock::now();
        back_step.push_back(std::chrono::duration<double, std::milli>(b - a).count());
    }
    double worst_jump = 0;
    for (int i = 0; i < samples; ++i) {
        const size_t target = i % 10 == 0 ? (session.cursor() < session.event_count() / 2 ? session.event_count() : 0) : any(rng);
        auto a = Clock::now();
        session.seek_event(target);
        auto b = Clock::now();
        const double ms = std::chrono::duration<double, std::milli>(b - a).count();
        jump.push_back(ms);
        worst_jump = std::max(worst_jump, ms);
    }
    // End to start, the longest jump there is.
    session.seek_event(session.event_count());
    auto a = Clock::now();
    session.seek_event(0);
    auto b = Clock::now();
    const double full_undo = std::chrono::duration<double, std::milli>(b - a).count();

    const auto& j = session.machine().journal();
    size_t results_bytes = session.step_count() * sizeof(sim::StepResult);
    for (size_t i = 0; i < session.step_count(); ++i)
        for (const auto& c : session.result(i).checks) results_bytes += sizeof(c) + c.what.size() + c.expected.size() + c.actual.size();
    const double history_mb = double(j.memory_bytes() + results_bytes) / (1024.0 * 1024.0);

    if (std::getenv("PAGELAB_BENCH_HISTOGRAM")) {
        std::map<std::pair<int, int>, size_t> hist;
        for (const auto& c : j.changes()) ++hist[{int(c.store), int(c.field)}];
        for (const auto& [k, n] : hist) fmt::print("store {} field {}: {}\n", k.first, k.second, n);
        std::map<int, size_t> ev;
        for (const auto& e : j.events()) ++ev[e.kind];
        for (const auto& [k, n] : ev) fmt::print("event kind {}: {}\n", k, n);
    }
    fmt::print("mix                   {}\n", mix);
    fmt::print("operations            {}\n", session.step_count());
    fmt::print("events                {}\n", session.event_count());
    fmt::print("changes               {}\n", j.changes().size());
    fmt::print("parse                 {:.0f} ms\n", std::chrono::duration<double, std::milli>(t1 - t0).count());
    fmt::print("run (load)            {:.0f} ms\n", std::chrono::duration<double, std::milli>(t2 - t1).count());
    fmt::print("one event back        median {:.4f} ms, max {:.4f} ms   (target <= 1 ms)\n", median(back_event),
               *std::max_element(back_event.begin(), back_event.end()));
    fmt::print("one step back         median {:.4f} ms, max {:.4f} ms\n", median(back_step),
               *std::max_element(back_step.begin(), back_step.end()));
    fmt::print("jump to any event     median {:.3f} ms, max {:.3f} ms   (target <= 100 ms)\n", median(jump), worst_jump);
    fmt::print("end -> start          {:.3f} ms\n", full_undo);
    fmt::print("history memory        {:.1f} MB (journal {:.1f} MB)   (target <= 64 MB)\n", history_mb,
               double(j.memory_bytes()) / (1024.0 * 1024.0));
    // The journal's packed records alone: its memory above comes in chunks of up to 4 MB.
    const double packed = double(j.changes().packed_bytes() + j.events().packed_bytes());
    fmt::print("packed records        {:.1f} MB ({:.2f} bytes per change, events included)\n", packed / (1024.0 * 1024.0),
               packed / double(j.changes().size()));
    return 0;
}
