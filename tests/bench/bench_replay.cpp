// Replay throughput: a trace through each policy with the journal off and on, against a bare model
// of the same paging measured in the same rounds (tests/bench/BareModel.h: a two-level walk plus the
// policy's bookkeeping, no bytes; its misses must equal PageLab's).
//
// Mixes (--mix):
//   friendly (default): 10 M accesses over 64 MB, 90 % Zipf s = 1.0 over a 4 MB hot set, 9 % a
//     4-byte stream, 1 % uniform, 30 % writes (every proportion is an option); ~1.7 % fault.
//   heavy: issue 18's trace (tests/bench/HeavyTrace.h = ../shared/bench/heavy-trace.cpp); at 1024
//     frames ~23 % miss, and the bench checks the classic counts FIFO 2,505,175, LRU 2,244,958,
//     Clock 2,299,528.
// Method: warm-ups first, then rounds of one run of every configuration and bare model; ns/access
// is the median over rounds, every ratio (on/off, x_bare) the median of the rounds' ratios. Times
// are the replaying thread's CPU time (--wall: wall clock): on the shared 2-core host a run got
// 11 % of a CPU at times, and wall time then measures the scheduler.
//
// Reproduce:
//   build/tests/pagelab_bench_replay --mix heavy --runs 5 --warmup 1
//   build/tests/pagelab_bench_replay --mix heavy --runs 1 --warmup 0 --journal on --policies clock  (a fresh
//     process; --breakdown adds what the journal holds, by store and event kind, in B/access)
//   valgrind --tool=callgrind --toggle-collect='pagelab::sim::Replay::run_unjournaled*'
//     build/tests/pagelab_bench_replay --mix heavy --accesses 1000000 --runs 1 --warmup 0 --journal off --policies clock
//
// Figures (RelWithDebInfo, heavy, 1024 frames, CPU time of the replaying thread, 2-core VM whose
// timings swing up to 1.6x between minutes: only ratios from alternated runs mean much):
//   bare model: clock 8-10 ns/access (friendly: clock 3.4-4.4)
//   journal off, Clock, fresh processes: 73-113 ns (8-11x bare), peak RSS 150 MB
//   journal on, Clock, fresh processes, 5 rounds alternated with the previous journal (48c0a7c):
//     322-499 ns, median 336, against 356-429, median 379 (round ratios 0.83-1.16, median 0.90);
//     peak RSS 646 MB (previous 793 MB); records as written 219 B/access, kept 51.0 B/access
//     (486 MB for 10 M accesses; previous 65.7 and 627 MB). About 4.3x journal off.
//   friendly, Clock, journal on, --runs 5 --warmup 1, 4 rounds alternated with 48c0a7c: median
//     round ratio 1.04, fastest runs 97.8 ns against 93.1 (the change codec's field prediction
//     costs about 30 instructions a change); kept 16.2 B/access (previous 25.0)
//   bench_session --mix thrash, alternated with 48c0a7c: history 46.7 MB (previous 52.1; packed
//     records 24.1 MB, 4.86 bytes a change with the events, previous 27.4 MB), one event back
//     <= 0.025 ms; a jump median 35 ms against 29-32, at most 89-110 ms against 77-113 (decoding a
//     change takes about 14 % more instructions than with the previous codec)
//   callgrind, Clock, journal off, 300 k heavy accesses: 186 M instructions, ~90 per hit, ~2,300
//     per miss (handle_fault 62 %, obtaining a frame 30 %, reclaim 26 %, evict 17 %)

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <random>
#include <vector>

#include "core/Journal.h"
#include "core/Page.h"
#include "mm/Pfn.h"
#include "sim/AccessTrace.h"
#include "sim/Replay.h"

#include "BareModel.h"
#include "HeavyTrace.h"

using namespace pagelab;

namespace {

constexpr uint32_t kBase = 0x01000000;  // the trace covers kBase .. kBase + its range

// How the trace is made; the defaults are the benchmark.
struct TraceShape {
    size_t accesses = 10'000'000;
    uint32_t megabytes = 64;     // range the accesses fall in
    uint32_t hot_megabytes = 4;  // the hot set: pages scattered over the range
    double zipf = 0.9;           // fraction from the hot set, Zipf-distributed over its pages
    double stream = 0.09;        // fraction from the sequential stream; the rest is uniform
    double zipf_s = 1.0;         // Zipf exponent (rank 1 hottest)
    uint32_t stride = 4;         // bytes the stream advances per access
    double writes = 0.3;
    uint32_t seed = 20240601;
    uint32_t pages() const { return (megabytes << 20) >> 12; }
    uint32_t hot_pages() const { return std::min(pages(), (hot_megabytes << 20) >> 12); }
};

sim::AccessTrace make_trace(const TraceShape& shape) {
    const uint32_t pages = shape.pages();
    std::mt19937 rng(shape.seed);
    // Zipf CDF over the hot set's ranks 1..hot_pages.
    std::vector<double> cdf(shape.hot_pages());
    double total = 0;
    for (uint32_t r = 0; r < cdf.size(); ++r) cdf[r] = total += 1.0 / std::pow(double(r + 1), shape.zipf_s);
    for (double& c : cdf) c /= total;
    std::vector<uint32_t> rank_to_page(pages);
    for (uint32_t i = 0; i < pages; ++i) rank_to_page[i] = i;
    std::shuffle(rank_to_page.begin(), rank_to_page.end(), rng);

    std::uniform_real_distribution<double> unit(0.0, 1.0);
    sim::AccessTrace t;
    t.name = "bench";
    t.accesses.reserve(shape.accesses);
    uint32_t stream = 0;  // byte offset of the sequential stream
    for (size_t i = 0; i < shape.accesses; ++i) {
        const double kind = unit(rng);
        uint32_t address;
        if (kind < shape.zipf) {
            const auto rank = uint32_t(std::lower_bound(cdf.begin(), cdf.end(), unit(rng)) - cdf.begin());
            address = kBase + (rank_to_page[std::min<uint32_t>(rank, uint32_t(cdf.size()) - 1)] << 12) + (rng() % 1024) * 4;
        } else if (kind < shape.zipf + shape.stream) {
            address = kBase + stream;
            stream = (stream + shape.stride) % (pages << 12);
        } else {
            address = kBase + (rng() % (pages * 1024)) * 4;
        }
        t.accesses.push_back(sim::TraceAccess{address, 4, unit(rng) < shape.writes});
    }
    return t;
}

// What first touching fresh memory costs here, per 4 KB page. On the VM this was written on it is
// about 12 us (ordinary hardware: well under 1 us), which would swamp everything the journal does:
// see keep_freed_memory.
double fresh_page_ns() {
    constexpr size_t kBytes = 64u << 20;
    const auto start = std::chrono::steady_clock::now();
    auto* p = static_cast<volatile char*>(std::malloc(kBytes));
    for (size_t i = 0; i < kBytes; i += 4096) p[i] = 1;
    const auto stop = std::chrono::steady_clock::now();
    std::free(const_cast<char*>(p));
    return double(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count()) / double(kBytes / 4096);
}

// glibc returns freed memory to the kernel (large blocks are unmapped, the heap top is trimmed),
// so every run would touch fresh memory again: the journal's vectors and page copies are hundreds
// of MB. Keeping freed memory in the process makes runs after the first measure the emulator
// rather than the hypervisor's page-fault path; the median of 3 runs is then a warm run.
void keep_freed_memory() {
    mallopt(M_MMAP_MAX, 0);                  // no mmap'd blocks: everything from the heap
    // Never shrink the heap. glibc stores the int as a size_t, so -1 means "no limit"; INT_MAX would
    // not do: a 10M-access journal leaves more than 2 GB free at the top of the heap.
    mallopt(M_TRIM_THRESHOLD, -1);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Row {
    mm::Policy policy;
    bool journal;
    double ns;      // median
    double min_ns;  // the fastest run (the least disturbed by other processes)
    double first_ns;  // the first run of all, warm-up included (fresh memory)
    sim::ReplayStats stats;
    bool deterministic;
    std::vector<double> runs;  // the timed runs' ns/access, one per round
    size_t bare;               // which bare model it is measured against
};

bench::BarePolicy bare_policy_of(mm::Policy p) {
    return p == mm::Policy::Fifo ? bench::BarePolicy::Fifo : p == mm::Policy::Lru ? bench::BarePolicy::Lru
                                                                                 : bench::BarePolicy::Clock;
}
const char* bare_name(bench::BarePolicy p) {
    return p == bench::BarePolicy::Fifo ? "fifo" : p == bench::BarePolicy::Lru ? "lru" : "clock";
}

// The median over rounds of a row's time divided by another's in the same round.
double median_ratio(const std::vector<double>& num, const std::vector<double>& den) {
    std::vector<double> r;
    for (size_t k = 0; k < num.size() && k < den.size(); ++k) r.push_back(num[k] / den[k]);
    return median(r);
}

// The classic counts of the heavy trace at 1024 frames (issue 18), which PageLab must reproduce.
struct ClassicCount {
    mm::Policy policy;
    uint64_t misses;
};
constexpr ClassicCount kHeavyClassic[] = {
    {mm::Policy::Fifo, 2'505'175}, {mm::Policy::Lru, 2'244'958}, {mm::Policy::Clock, 2'299'528}};

// Prints the tables and checks the counts: every run's reads alike, PageLab's misses those of the
// bare model (fifo, lru, clock) and, for the heavy trace at its full size, the classic counts.
int report(const sim::AccessTrace& trace, const TraceShape& shape, bool heavy, uint32_t frames, double gen_s,
           size_t writes, double fresh_ns, bool cold, int runs, int warmup, const std::vector<Row>& rows,
           const std::vector<bench::BarePolicy>& bare_models, const std::vector<std::vector<double>>& bare_ns,
           const std::vector<bench::BareResult>& bare_first) {
    const sim::ReplayStats& first = rows.front().stats;
    const double pct_writes = 100.0 * double(writes) / double(trace.accesses.size());
    if (heavy)
        fmt::print("trace: heavy, {} accesses over 64 MB ({} pages touched): 70% Zipf(s=1.2) over 16384 pages, 20% "
                   "64-byte stream over 16 MB, 10% uniform; {:.1f}% writes (generated in {:.2f} s)\n",
                   trace.accesses.size(), first.touched_pages, pct_writes, gen_s);
    else
        fmt::print("trace: friendly, {} accesses over {} MB ({} pages, {} touched): {:.0f}% Zipf(s={}) over a {} MB hot "
                   "set, {:.0f}% sequential stream ({}-byte steps), {:.0f}% uniform; {:.1f}% writes; seed {} (generated "
                   "in {:.2f} s)\n",
                   trace.accesses.size(), shape.megabytes, shape.pages(), first.touched_pages, 100 * shape.zipf,
                   shape.zipf_s, shape.hot_megabytes, 100 * shape.stream, shape.stride,
                   100 * (1 - shape.zipf - shape.stream), pct_writes, shape.seed, gen_s);
    fmt::print("machine: {} data frames + 1 page directory + {} page tables + 2 system = {} frames\n", frames,
               first.page_tables, first.total_frames);
    fmt::print("frame metadata bytes: {} (PfnEntry {} + PageRef {})\n", sizeof(mm::PfnEntry) + sizeof(core::PageRef),
               sizeof(mm::PfnEntry), sizeof(core::PageRef));
    fmt::print("fresh memory: {:.0f} ns to first touch a 4 KB page; allocator {}\n", fresh_ns,
               cold ? "returns freed memory (--cold)" : "keeps freed memory (runs after the first are warm)");
    fmt::print("timed: {} rounds of one run per configuration and bare model, after {} untimed warm-up run(s) each; "
               "ns/access is the median, every ratio the median of the rounds' ratios\n",
               runs, warmup);
    fmt::print("\nbare model (two-level walk + the policy's bookkeeping, no bytes):\n");
    for (size_t b = 0; b < bare_models.size(); ++b)
        fmt::print("  {:<6} {:>7.2f} ns/access, {} misses\n", bare_name(bare_models[b]), median(bare_ns[b]),
                   bare_first[b].misses);
    // (misses: faults that brought a page in; dirty: NT's dirty-bit faults, the first writes to pages
    // that still had a pagefile copy; x_bare: against the bare model of the policy, ws against clock's.)
    fmt::print("\n{:<7} {:<7} {:>10} {:>8} {:>8} {:>10} {:>9} {:>10} {:>10} {:>10} {:>11} {:>7} {:>7} {:>8} {:>8}\n",
               "policy", "journal", "ns/access", "min", "first", "misses", "dirty", "hard", "soft", "pf_writes",
               "journal_MB", "on/off", "x_bare", "rec_B/a", "kept_B/a");
    int failures = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        std::string ratio = "";
        if (r.journal && i > 0 && rows[i - 1].policy == r.policy && !rows[i - 1].journal)
            ratio = fmt::format("{:.2f}", median_ratio(r.runs, rows[i - 1].runs));
        // rec_B/a: bytes of change and event records per access as written (16 B a change, 24 B an
        // event); kept_B/a: what the journal holds per access once older records are packed
        // (journal_MB, with the plain tails and the kept pages' references).
        const double record_bytes = double(r.stats.journal_changes * sizeof(core::Change) +
                                           r.stats.journal_events * sizeof(core::EventRecord)) /
                                    double(r.stats.accesses);
        const double kept_bytes = double(r.stats.journal_bytes) / double(r.stats.accesses);
        fmt::print("{:<7} {:<7} {:>10.2f} {:>8.2f} {:>8.2f} {:>10} {:>9} {:>10} {:>10} {:>10} {:>11.1f} {:>7} {:>7.2f} {:>8.1f} {:>8.1f}{}\n",
                   mm::policy_name(r.policy), r.journal ? "on" : "off", r.ns, r.min_ns, r.first_ns, r.stats.misses(),
                   r.stats.dirty_bit_faults, r.stats.hard_faults, r.stats.soft_faults, r.stats.pagefile_writes,
                   double(r.stats.journal_bytes) / (1 << 20), ratio, median_ratio(r.runs, bare_ns[r.bare]), record_bytes,
                   kept_bytes, r.deterministic ? "" : "  (counts or reads differ between runs!)");
        if (!r.deterministic) ++failures;
        if (r.policy != mm::Policy::WorkingSet && r.stats.misses() != bare_first[r.bare].misses) {
            fmt::print(stderr, "error: {} misses {} times, the bare model {}\n", mm::policy_name(r.policy),
                       r.stats.misses(), bare_first[r.bare].misses);
            ++failures;
        }
        for (const ClassicCount& c : kHeavyClassic)
            if (heavy && frames == 1024 && trace.accesses.size() == bench::kHeavyAccesses && c.policy == r.policy &&
                r.stats.misses() != c.misses) {
                fmt::print(stderr, "error: {} misses {} times, the classic count is {}\n", mm::policy_name(r.policy),
                           r.stats.misses(), c.misses);
                ++failures;
            }
    }
    // What the reads returned does not depend on the policy or the journal: one sum for all.
    for (const Row& r : rows)
        if (r.stats.read_sum != first.read_sum) {
            fmt::print(stderr, "error: {} journal {} read sum {:08x}, {} journal {} read {:08x}\n", mm::policy_name(r.policy),
                       r.journal ? "on" : "off", r.stats.read_sum, mm::policy_name(rows.front().policy),
                       rows.front().journal ? "on" : "off", first.read_sum);
            ++failures;
        }
    if (failures) return 1;
    fmt::print("every run's reads returned the same bytes (sum {:08x}); misses equal the bare model's{}\n",
               first.read_sum,
               heavy && frames == 1024 && trace.accesses.size() == bench::kHeavyAccesses ? " and the classic counts" : "");
    return 0;
}

// What a journaled run records, by store and by event kind, in bytes per access (--breakdown):
// where the journal's bytes go, for the work on compact records.
void print_breakdown(const sim::AccessTrace& trace, uint32_t frames, mm::Policy policy) {
    sim::ReplayOptions o;
    o.data_frames = frames;
    o.policy = policy;
    o.journal = true;
    o.timing = false;
    sim::Replay replay(trace, o);
    if (!replay.ok()) return;
    replay.run();
    const core::Journal& j = replay.machine().journal();
    static const char* kStores[] = {"PhysBytes", "FrameContent", "Pfn",   "ListHead", "Slot",     "SlotContent",
                                    "Counter",   "Tlb",          "Cpu",   "Vad",      "Space",    "SpaceCreate",
                                    "Section",   "Proto",        "Os",    "Object",   "ListMove"};
    std::vector<uint64_t> by_store(std::size(kStores)), by_kind(256);
    // Each kind also packed on its own (its records in order, without the others between them): an
    // estimate of its share of the packed journal, not an exact split of it.
    std::vector<core::Journal::Changes> packed_store(std::size(kStores));
    std::vector<core::Journal::Events> packed_kind(256);
    for (auto& log : packed_store) log.set_context(j.changes().context());  // (the replay's forecast)
    for (auto& log : packed_kind) log.set_context(j.events().context());
    for (const core::Change& c : j.changes()) {
        by_store[size_t(c.store)]++;
        packed_store[size_t(c.store)].push_back(c);
    }
    for (const core::EventRecord& e : j.events()) {
        const size_t k = std::min<size_t>(e.kind, 255);
        by_kind[k]++;
        packed_kind[k].push_back(e);
    }
    const double n = double(trace.accesses.size());
    fmt::print("\njournal of one {} run, bytes per access: as written (changes {} B, events {} B each), and each "
               "kind packed on its own; the journal keeps {:.1f} B/access in all\n",
               mm::policy_name(policy), sizeof(core::Change), sizeof(core::EventRecord),
               double(j.memory_bytes()) / n);
    for (size_t s = 0; s < by_store.size(); ++s)
        if (by_store[s])
            fmt::print("  change {:<18} {:>6.2f} per access {:>7.1f} B written {:>6.1f} B packed\n", kStores[s],
                       double(by_store[s]) / n, double(by_store[s] * sizeof(core::Change)) / n,
                       double(packed_store[s].memory_bytes()) / n);
    for (size_t k = 0; k < by_kind.size(); ++k)
        if (by_kind[k])
            fmt::print("  event  {:<18} {:>6.2f} per access {:>7.1f} B written {:>6.1f} B packed\n",
                       mm::event_kind_name(mm::EventKind(k)), double(by_kind[k]) / n,
                       double(by_kind[k] * sizeof(core::EventRecord)) / n, double(packed_kind[k].memory_bytes()) / n);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Replay throughput benchmark", "pagelab_bench_replay"};
    TraceShape shape;
    std::string mix = "friendly";
    uint32_t frames = 1024;
    int runs = 3;
    std::vector<std::string> policies{"fifo", "clock", "lru", "ws"};
    std::string journal_modes = "both";
    app.add_option("--mix", mix,
                   "friendly (the shape below) or heavy (issue 18's fault-heavy trace: ../shared/bench/heavy-trace.cpp)")
        ->capture_default_str()
        ->check(CLI::IsMember({"friendly", "heavy"}));
    app.add_option("--accesses", shape.accesses, "Trace length")->capture_default_str()->check(CLI::PositiveNumber);
    app.add_option("--megabytes", shape.megabytes, "Range of the trace")->capture_default_str()->check(CLI::Range(1u, 1024u));
    app.add_option("--hot-megabytes", shape.hot_megabytes, "Size of the hot set")->capture_default_str()->check(CLI::Range(1u, 1024u));
    app.add_option("--zipf", shape.zipf, "Fraction of accesses from the Zipf hot set")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    app.add_option("--stream", shape.stream, "Fraction from the sequential stream (rest: uniform)")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    app.add_option("--zipf-s", shape.zipf_s, "Zipf exponent")->capture_default_str()->check(CLI::Range(0.1, 5.0));
    app.add_option("--stride", shape.stride, "Stream step in bytes (multiple of 4)")->capture_default_str()->check(CLI::Range(4u, 4096u));
    app.add_option("--writes", shape.writes, "Fraction of writes")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    app.add_option("--frames", frames, "Data frames")->capture_default_str()->check(CLI::Range(1u, 1u << 19));
    app.add_option("--runs", runs, "Timed rounds (the median is shown)")->capture_default_str()->check(CLI::Range(1, 99));
    int warmup = 2;
    app.add_option("--warmup", warmup,
                   "Untimed runs before them (the first touches fresh memory: see the 'first' column)")
        ->capture_default_str()
        ->check(CLI::Range(0, 9));
    app.add_option("--journal", journal_modes, "Journal modes to run")->capture_default_str()->check(CLI::IsMember({"off", "on", "both"}));
    app.add_option("--seed", shape.seed, "Trace seed (friendly)")->capture_default_str();
    app.add_option("--policies", policies, "Policies to run")->check(CLI::IsMember({"fifo", "clock", "lru", "ws"}));
    bool cold = false;
    bool verbose = false;
    bool wall = false;
    app.add_flag("--wall", wall, "Wall-clock times (default: the thread's CPU time, robust on a busy host)");
    app.add_flag("--verbose", verbose, "Print every run's time");
    app.add_flag("--cold", cold, "Let the allocator return freed memory to the kernel (every run touches fresh memory)");
    bool breakdown = false;
    app.add_flag("--breakdown", breakdown, "Also print what one journaled run of the first policy records, by kind");
    CLI11_PARSE(app, argc, argv);
    if (!cold) keep_freed_memory();
    const double fresh_ns = fresh_page_ns();
    if (shape.zipf + shape.stream > 1.0 || shape.stride % 4) {
        fmt::print(stderr, "--zipf + --stream must not exceed 1 and --stride must be a multiple of 4\n");
        return 2;
    }
    const bool heavy = mix == "heavy";

    const auto gen_start = std::chrono::steady_clock::now();
    const sim::AccessTrace trace = heavy ? bench::make_heavy_trace(shape.accesses) : make_trace(shape);
    const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - gen_start).count();
    size_t writes = 0;
    for (const auto& a : trace.accesses) writes += a.write;

    // Every configuration's warm-ups first, then the timed runs round-robin: one run of each
    // configuration and of each bare model per round, so that the host's slow minutes fall on all
    // of them alike and every ratio can be taken round by round.
    std::vector<Row> rows;
    std::vector<sim::ReplayOptions> configs;
    std::vector<bench::BarePolicy> bare_models;
    for (const std::string& name : policies) {
        const mm::Policy policy = *mm::parse_policy(name);
        const bench::BarePolicy bp = bare_policy_of(policy);
        size_t bare = std::find(bare_models.begin(), bare_models.end(), bp) - bare_models.begin();
        if (bare == bare_models.size()) bare_models.push_back(bp);
        for (bool journal : {false, true}) {
            if (journal_modes != "both" && journal != (journal_modes == "on")) continue;
            sim::ReplayOptions o;
            o.data_frames = frames;
            o.policy = policy;
            o.journal = journal;
            configs.push_back(o);
            rows.push_back(Row{o.policy, journal, 0, 0, 0, {}, true, {}, bare});
        }
    }
    std::vector<std::vector<double>> bare_ns(bare_models.size());
    std::vector<bench::BareResult> bare_first(bare_models.size());
    auto run_once = [&](size_t k, int r) {
        Row& row = rows[k];
        rusage before{}, after{};
        getrusage(RUSAGE_SELF, &before);
        const sim::ReplayOutcome out = sim::replay_trace(trace, configs[k]);
        getrusage(RUSAGE_SELF, &after);
        if (!out.ok()) {
            fmt::print(stderr, "{}\n", *out.error);
            return false;
        }
        const double ns = wall ? *out.stats.ns_per_access : *out.stats.cpu_ns_per_access;
        if (r == 0) row.first_ns = ns;
        if (r >= warmup) row.runs.push_back(ns);
        if (verbose)
            fmt::print(stderr, "{} journal {} run {}{}: {:.2f} ns/access, {} minor page faults\n",
                       mm::policy_name(row.policy), row.journal ? "on" : "off", r + 1, r < warmup ? " (warm-up)" : "",
                       ns, after.ru_minflt - before.ru_minflt);
        if (r == 0) row.stats = out.stats;  // (every run's counts must equal the first's)
        else if (out.stats.page_faults != row.stats.page_faults ||
                 out.stats.pagefile_writes != row.stats.pagefile_writes || out.stats.read_sum != row.stats.read_sum)
            row.deterministic = false;
        return true;
    };
    auto run_bare = [&](size_t b, bool timed) {
        const bench::BareResult res = bench::bare_model_run(bare_models[b], trace, frames);
        if (timed) bare_ns[b].push_back(wall ? res.ns_per_access : res.cpu_ns_per_access);
        else bare_first[b] = res;
    };
    for (size_t k = 0; k < rows.size(); ++k)
        for (int r = 0; r < warmup; ++r)
            if (!run_once(k, r)) return 2;
    for (size_t b = 0; b < bare_models.size(); ++b) run_bare(b, false);  // (one warm-up: the tables are small)
    for (int r = 0; r < runs; ++r) {
        for (size_t b = 0; b < bare_models.size(); ++b) run_bare(b, true);
        for (size_t k = 0; k < rows.size(); ++k)
            if (!run_once(k, warmup + r)) return 2;
    }
    for (Row& row : rows) {
        row.ns = median(row.runs);
        row.min_ns = *std::min_element(row.runs.begin(), row.runs.end());
    }
    fmt::print("times: {}\n", wall ? "wall clock (--wall)" : "the replaying thread's CPU time (--wall: wall clock)");
    const int status = report(trace, shape, heavy, frames, gen_s, writes, fresh_ns, cold, runs, warmup, rows, bare_models,
                              bare_ns, bare_first);
    if (breakdown) print_breakdown(trace, frames, *mm::parse_policy(policies.front()));
    return status;
}
