// Long scenarios through every output (issue 13, items 5 and 6): a generated scenario of N steps
// (4 processes, 90 % of the accesses on a hot set, some protections, queries and trims), then
// the time of loading it (parse + run), of `trace` (text and JSON), of `run` (the transcript) and
// of `check`, the output's size and rate, and the process's peak memory. Every output is linear in
// the number of steps: the trace walks the journal once (Session::VisitBatch) and is streamed.
//
//   pagelab_bench_steps --steps 100000                 # the table
//   pagelab_bench_steps --steps 100000 --write s.yaml  # only write the scenario (for the CLI)
//   pagelab_bench_steps --steps 20000 --max-seconds 30 # fail (exit 1) when a phase takes longer
#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <streambuf>

#include <sys/resource.h>

#include <fmt/format.h>

#include "sim/Session.h"
#include "sim/Trace.h"

using namespace pagelab;
using Clock = std::chrono::steady_clock;

namespace {

std::string generate(size_t steps, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string y =
        "pagelab: 1\ntitle: generated\nmachine: {personality: nt, ram: 256 frames, pagefile: 4096 pages, policy: clock, "
        "tlb: 16}\nsteps:\n";
    const int processes = 4;
    for (int p = 0; p < processes; ++p) {
        y += fmt::format("  - do: create_process\n    as: P{}\n", p);
        y += fmt::format(
            "  - do: virtual_alloc\n    process: P{}\n    size: 4 MB\n    type: [reserve, commit]\n    protect: READWRITE\n"
            "    as: m{}\n",
            p, p);
    }
    std::uniform_int_distribution<int> proc(0, processes - 1), page(0, 1023), off(0, 1023), pct(0, 99);
    for (size_t i = size_t(processes) * 2; i < steps; ++i) {
        const int p = proc(rng);
        const int k = pct(rng);
        const uint32_t pg = pct(rng) < 90 ? uint32_t(page(rng)) % 32 : uint32_t(page(rng));
        const uint32_t at = pg * 4096 + uint32_t(off(rng)) * 4;
        if (k < 45) y += fmt::format("  - do: read\n    process: P{}\n    address: m{}+0x{:X}\n", p, p, at);
        else if (k < 90) y += fmt::format("  - do: write\n    process: P{}\n    address: m{}+0x{:X}\n    value: {}\n", p, p, at, i);
        else if (k < 95)
            y += fmt::format(
                "  - do: virtual_protect\n    process: P{}\n    address: m{}+0x{:X}\n    size: 4096\n    protect: READWRITE\n", p,
                p, at & ~0xFFFu);
        else if (k < 98) y += fmt::format("  - do: virtual_query\n    process: P{}\n    address: m{}+0x{:X}\n", p, p, at);
        else y += fmt::format("  - do: trim\n    process: P{}\n", p);
    }
    return y;
}

// Counts what is written and throws it away.
class CountingBuf : public std::streambuf {
public:
    uint64_t bytes = 0;

protected:
    int_type overflow(int_type ch) override {
        if (!traits_type::eq_int_type(ch, traits_type::eof())) ++bytes;
        return traits_type::not_eof(ch);
    }
    std::streamsize xsputn(const char*, std::streamsize n) override {
        bytes += uint64_t(n);
        return n;
    }
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"PageLab: trace, run and check of a long generated scenario"};
    size_t steps = 100000;
    std::string write;
    double max_seconds = 0;
    app.add_option("--steps", steps, "Scenario length")->check(CLI::Range(size_t(8), size_t(10'000'000)));
    app.add_option("--write", write, "Only write the generated scenario to this file");
    app.add_option("--max-seconds", max_seconds, "Fail when one phase takes longer (0: no limit)");
    CLI11_PARSE(app, argc, argv);

    const std::string text = generate(steps, 42);
    if (!write.empty()) {
        std::ofstream out(write, std::ios::binary);
        out << text;
        out.close();
        if (!out) {
            fmt::print(stderr, "cannot write {}\n", write);
            return 2;
        }
        return 0;
    }

    bool too_slow = false;
    auto report = [&](const char* phase, double s, uint64_t bytes) {
        const bool slow = max_seconds > 0 && s > max_seconds;
        too_slow = too_slow || slow;
        if (bytes)
            fmt::print("{:<14} {:8.2f} s  {:10.1f} MB  {:7.1f} MB/s{}\n", phase, s, double(bytes) / 1e6, double(bytes) / 1e6 / s,
                       slow ? "  TOO SLOW" : "");
        else
            fmt::print("{:<14} {:8.2f} s{}\n", phase, s, slow ? "  TOO SLOW" : "");
    };
    fmt::print("{} steps, scenario {:.1f} MB\n", steps, double(text.size()) / 1e6);
    auto t = Clock::now();
    auto loaded = sim::parse_scenario(text, "generated.yaml");
    if (loaded.error) {
        fmt::print(stderr, "{}\n", loaded.error->message);
        return 2;
    }
    sim::Session session(std::move(*loaded.scenario));
    report("load and run", seconds_since(t), 0);
    for (auto format : {sim::TraceFormat::Text, sim::TraceFormat::Json}) {
        CountingBuf buf;
        std::ostream out(&buf);
        t = Clock::now();
        sim::write_trace(session, out, format);
        report(format == sim::TraceFormat::Text ? "trace (text)" : "trace (json)", seconds_since(t), buf.bytes);
    }
    {
        CountingBuf buf;
        std::ostream out(&buf);
        t = Clock::now();
        sim::write_transcript(session, out, sim::TranscriptOptions{});
        report("run", seconds_since(t), buf.bytes);
    }
    {
        CountingBuf buf;
        std::ostream out(&buf);
        sim::TranscriptOptions quiet;
        quiet.quiet = true;
        t = Clock::now();
        sim::write_transcript(session, out, quiet);
        report("check", seconds_since(t), 0);
    }
    fmt::print("peak memory    {:8.1f} MB\n", double(peak_rss_kb()) / 1024);
    return too_slow ? 1 : 0;
}
