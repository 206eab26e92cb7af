#include "cli/ReplayCommand.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <unistd.h>

#include "sim/AccessTrace.h"
#include "sim/Replay.h"

namespace pagelab::cli {

namespace {

struct ReplayArgs {
    std::string trace;
    uint32_t frames = 0;
    std::string policy;
    std::string format;  // empty: guessed from the file
    std::string journal = "off";
    uint32_t tlb = 0;
    bool no_timing = false;
};

// On a terminal, a long replay shows how far it is: one line on standard error, rewritten a few
// times a second ("replay: 12.6 M of 40.0 M accesses (31%), 24.1 M/s, about 1 s left"), erased
// when the replay ends. Not on a terminal: nothing at all (the figures on standard output are the
// same either way). PAGELAB_PROGRESS_MS sets the refresh interval (default 250; tests use 0).
class ProgressLine {
public:
    ProgressLine() : m_start(Clock::now()), m_last(m_start) {
        if (const char* ms = std::getenv("PAGELAB_PROGRESS_MS")) m_interval = std::chrono::milliseconds(std::atol(ms));
    }
    void update(uint64_t done, uint64_t total) {
        const auto now = Clock::now();
        if (now - m_last < m_interval || done >= total) return;
        m_last = now;
        const double seconds = std::chrono::duration<double>(now - m_start).count();
        const double rate = seconds > 0 ? double(done) / seconds : 0;
        std::string line = fmt::format("replay: {} of {} accesses ({}%)", amount(double(done)), amount(double(total)), done * 100 / total);
        if (rate > 0)
            line += fmt::format(", {}/s, about {} left", amount(rate), duration(double(total - done) / rate));
        std::fprintf(stderr, "\r%s\033[K", line.c_str());
        std::fflush(stderr);
        m_shown = true;
    }
    void erase() {
        if (m_shown) std::fputs("\r\033[K", stderr);
        m_shown = false;
    }

private:
    using Clock = std::chrono::steady_clock;
    static std::string amount(double n) {
        if (n >= 1e9) return fmt::format("{:.2f} G", n / 1e9);
        if (n >= 1e6) return fmt::format("{:.1f} M", n / 1e6);
        if (n >= 1e4) return fmt::format("{:.0f} K", n / 1e3);
        return fmt::format("{:.0f}", n);
    }
    static std::string duration(double s) {
        if (s < 60) return fmt::format("{:.0f} s", std::max(1.0, s));
        return fmt::format("{}:{:02}", int(s) / 60, int(s) % 60);
    }
    Clock::time_point m_start, m_last;
    std::chrono::milliseconds m_interval{250};
    bool m_shown = false;
};

int run_replay(const ReplayArgs& args) {
    std::optional<sim::TraceFormat> format;
    if (!args.format.empty()) format = sim::parse_trace_format(args.format);
    const sim::TraceParseResult parsed = sim::load_trace(args.trace, format);
    if (!parsed.ok()) {
        fmt::print(stderr, "{}\n", *parsed.error);
        return 2;
    }
    sim::ReplayOptions options;
    options.data_frames = args.frames;
    options.policy = *mm::parse_policy(args.policy);  // CLI11 checked the name
    options.journal = args.journal == "on";
    options.tlb_entries = args.tlb;
    options.timing = !args.no_timing;
    ProgressLine progress;
    if (isatty(fileno(stderr))) options.progress = [&progress](uint64_t done, uint64_t total) { progress.update(done, total); };
    const sim::ReplayOutcome out = sim::replay_trace(parsed.trace, options);
    progress.erase();
    if (!out.ok()) {
        fmt::print(stderr, "{}\n", *out.error);
        return 2;
    }
    const sim::ReplayStats& s = out.stats;
    std::string text;
    auto line = [&](std::string_view name, auto value) { text += fmt::format("{}: {}\n", name, value); };
    line("format", sim::trace_format_name(parsed.trace.format));
    line("policy", mm::policy_name(options.policy));
    line("journal", options.journal ? "on" : "off");
    line("data_frames", options.data_frames);
    line("page_tables", s.page_tables);
    line("touched_pages", s.touched_pages);
    line("accesses", s.accesses);
    line("reads", s.reads);
    line("writes", s.writes);
    line("page_faults", s.page_faults);
    line("misses", s.misses());
    line("dirty_bit_faults", s.dirty_bit_faults);
    line("demand_zero_faults", s.demand_zero_faults);
    line("soft_faults", s.soft_faults);
    line("hard_faults", s.hard_faults);
    line("pagefile_reads", s.pagefile_reads);
    line("pagefile_writes", s.pagefile_writes);
    line("evictions", s.evictions);
    // The 32-bit sum of every value the reads returned: the same for every policy, journal mode and
    // TLB size (a read returns what the trace last wrote there, wherever the page went meanwhile).
    text += fmt::format("read_sum: 0x{:08X}\n", s.read_sum);
    if (options.tlb_entries) {
        line("tlb_hits", s.tlb_hits);
        line("tlb_misses", s.tlb_misses);
    }
    if (s.ns_per_access) text += fmt::format("ns_per_access: {:.1f}\n", *s.ns_per_access);
    std::fputs(text.c_str(), stdout);
    return 0;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ReplayArgs>();
    CLI::App* cmd = app.add_subcommand(
        "replay", "Run a memory-access trace through one process whose touched range is committed private memory");
    cmd->add_option("TRACE", args->trace, "Trace file (valgrind lackey, `HEXADDR R|W` lines, or binary u32 records)")
        ->required();
    cmd->add_option("--frames", args->frames,
                    "Frames for data pages (the page directory and page tables get theirs besides)")
        ->required()
        ->check(CLI::Range(1u, 1u << 20));
    cmd->add_option("--policy", args->policy, "Replacement policy")
        ->required()
        ->check(CLI::IsMember({"fifo", "clock", "lru", "ws"}));
    cmd->add_option("--format", args->format, "Trace format (default: guessed from the file)")
        ->check(CLI::IsMember({"lackey", "rw", "bin"}));
    cmd->add_option("--journal", args->journal, "Record every change for undo (costs memory and time)")
        ->check(CLI::IsMember({"on", "off"}))
        ->capture_default_str();
    cmd->add_option("--tlb", args->tlb, "TLB entries (0 = no TLB)")->check(CLI::Range(0u, 4096u))->capture_default_str();
    cmd->add_flag("--no-timing", args->no_timing, "Omit ns_per_access (the only nondeterministic figure)");
    cmd->callback([args, &exit_code] { exit_code = run_replay(*args); });
}

}  // namespace pagelab::cli
