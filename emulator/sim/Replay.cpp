#include "sim/Replay.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <ctime>
#include <vector>

namespace pagelab::sim {

namespace {

constexpr uint32_t kPagesPerChunk = 16;  // 64 KB allocation granularity
constexpr uint32_t kPagesPerTable = 1024;
constexpr uint32_t kSystemFrames = 2;    // taken by MemoryManager's constructor (>= 8 frames)
constexpr uint32_t kMinFramesForSystem = 8;
constexpr uint32_t kMaxFrames = 1u << 20;
constexpr size_t kReservePrefix = 4096;  // accesses run before the journal's reservation

// A set of page (or chunk, or table) numbers kept as a bitmap: touched pages are collected in one
// pass over millions of accesses, and iterating it in index order keeps the setup deterministic.
class Bitmap {
public:
    explicit Bitmap(uint32_t bits) : m_words((bits + 63) / 64, 0) {}
    void set(uint32_t i) { m_words[i >> 6] |= uint64_t(1) << (i & 63); }
    bool test(uint32_t i) const { return (m_words[i >> 6] >> (i & 63)) & 1; }
    uint32_t count() const {
        uint32_t n = 0;
        for (uint64_t w : m_words) n += uint32_t(__builtin_popcountll(w));
        return n;
    }
    uint32_t bits() const { return uint32_t(m_words.size() * 64); }

private:
    std::vector<uint64_t> m_words;
};

// The calling thread's CPU time in nanoseconds.
double thread_cpu_ns() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e9 + double(t.tv_nsec);
}

uint64_t counter_delta(const mm::Counters& after, const mm::Counters& before, mm::Counter c) {
    return after[size_t(c)] - before[size_t(c)];
}

// Checks every access of the trace and marks the pages it touches; the error, if one is not valid.
std::optional<std::string> touched_pages(const AccessTrace& trace, Bitmap& pages) {
    const mm::Layout& lay = mm::layout_of(mm::Personality::Nt);
    const auto& accesses = trace.accesses;
    for (size_t i = 0; i < accesses.size(); ++i) {
        const TraceAccess& a = accesses[i];
        if (a.size != 1 && a.size != 2 && a.size != 4)
            return trace.error_at(i, fmt::format("access size {} is not 1, 2 or 4 bytes", a.size));
        const uint64_t end = uint64_t(a.address) + a.size;
        if (a.address < lay.alloc_lowest || end > lay.user_end)
            return trace.error_at(i, fmt::format("address 0x{:08X} is outside the nt user space 0x{:08X}-0x{:08X}", a.address,
                                                 lay.alloc_lowest, lay.user_end - 1));
        pages.set(a.address >> 12);
        pages.set(uint32_t((end - 1) >> 12));  // an access may straddle two pages
    }
    return std::nullopt;
}

// Commits each maximal run of touched 64 KB chunks with one VirtualAlloc; the problem, if one fails.
std::optional<std::string> commit_chunks(mm::MemoryManager& mm, uint16_t space, const Bitmap& chunks, uint32_t& regions) {
    for (uint32_t c = 0; c < chunks.bits();) {
        if (!chunks.test(c)) {
            ++c;
            continue;
        }
        const uint32_t first = c;
        while (c < chunks.bits() && chunks.test(c)) ++c;
        const uint32_t base = first * kPagesPerChunk * 4096;
        const uint32_t size = (c - first) * kPagesPerChunk * 4096;
        const mm::Result r = mm.virtual_alloc(space, base, size, mm::mem::kReserve | mm::mem::kCommit, mm::page::kReadWrite);
        if (!r.ok || r.value != base)
            return fmt::format("VirtualAlloc(0x{:08X}, 0x{:X}) failed with {}", base, size, mm::error_name(r.error));
        ++regions;
    }
    return std::nullopt;
}

}  // namespace

Replay::Replay(const AccessTrace& trace, const ReplayOptions& options) : m_trace(trace), m_options(options) {
    prepare();
}

bool Replay::prepare() {
    if (m_options.data_frames == 0) {
        m_error = fmt::format("{}: error: the replay needs at least 1 data frame", m_trace.name);
        return false;
    }

    // Which pages, 64 KB chunks and 4 MB page-table regions the trace touches.
    Bitmap pages(1u << 20);
    if (auto problem = touched_pages(m_trace, pages)) {
        m_error = *problem;
        return false;
    }
    Bitmap chunks(1u << 16), tables(1u << 10);
    for (uint32_t p = 0; p < pages.bits(); ++p) {
        if (!pages.test(p)) continue;
        chunks.set(p / kPagesPerChunk);
        tables.set(p / kPagesPerTable);
    }
    m_stats.touched_pages = pages.count();
    m_stats.page_tables = tables.count();
    m_stats.committed_pages = chunks.count() * kPagesPerChunk;

    // Frames: data + page directory + page tables + the two system frames (when there are enough
    // frames for the memory manager to take them: it takes them only from 8 frames up).
    mm::MachineConfig config;
    config.personality = mm::Personality::Nt;
    config.policy = m_options.policy;
    config.tlb_entries = m_options.tlb_entries;
    config.journal = m_options.journal;
    const uint64_t without_system = uint64_t(m_options.data_frames) + 1 + m_stats.page_tables;
    config.system_pages = without_system + kSystemFrames >= kMinFramesForSystem;
    const uint64_t frames = without_system + (config.system_pages ? kSystemFrames : 0);
    if (frames > kMaxFrames) {
        m_error = fmt::format("{}: error: {} data frames + {} for page tables and the system exceed the "
                              "{} frames the machine can have",
                              m_trace.name, m_options.data_frames, frames - m_options.data_frames, kMaxFrames);
        return false;
    }
    config.frames = uint32_t(frames);
    // One slot per committed page: a page keeps its slot once written, so this never fills.
    config.pagefile_pages = std::max<uint32_t>(1, m_stats.committed_pages);
    m_stats.total_frames = config.frames;

    m_machine = std::make_unique<os::Machine>(config);
    os::Machine& machine = *m_machine;
    mm::MemoryManager& mm = machine.mm();
    core::Journal& journal = machine.journal();
    auto internal = [&](std::string_view what) {
        m_error = fmt::format("{}: error: internal: {}", m_trace.name, what);
        return false;
    };

    journal.begin_operation(0);
    mm.event(mm::EventKind::Operation, mm::kNoSpace);
    const mm::Result process = machine.create_process("replay");
    if (!process.ok) return internal("cannot create the replay process");
    m_space = machine.processes()[process.value].space;

    if (auto problem = commit_chunks(mm, m_space, chunks, m_stats.regions)) return internal(*problem);
    for (uint32_t t = 0; t < tables.bits(); ++t)
        if (tables.test(t) && !mm.ensure_page_table(m_space, t << 22))
            return internal(fmt::format("no frame for the page table of 0x{:08X}", t << 22));
    // Load CR3 now, so that the trace's first access does not count a CR3 load.
    mm.switch_to(m_space);
    if (mm.frames_free() != m_options.data_frames)
        return internal(fmt::format("{} frames are free after setup, expected {}", mm.frames_free(),
                                    m_options.data_frames));

    machine.sync_position();
    m_setup_position = machine.position();
    if (journal.enabled()) {
        m_forecast = std::make_unique<core::EventForecast>(replay_forecast(m_trace, mm.counter(mm::Counter::Accesses)));
        journal.set_forecast(m_forecast.get());
    }
    journal.begin_operation(1);
    mm.event(mm::EventKind::Operation, m_space);
    return true;
}

core::EventForecast replay_forecast(const AccessTrace& trace, uint64_t counter_base) {
    auto predict = [](const void* source, uint64_t k, uint32_t args[4]) -> unsigned {
        const auto& accesses = static_cast<const AccessTrace*>(source)->accesses;
        if (k >= accesses.size()) return 0;
        const TraceAccess a = accesses[k];
        args[0] = a.address;
        args[2] = uint32_t(a.write ? x86::Access::Write : x86::Access::Read);
        args[3] = a.size;
        if (!a.write) return 0b1101;
        args[1] = replay_write_value(k, a.size);
        return 0b1111;
    };
    auto stores = [](const void* source, uint64_t k, uint32_t& width, uint32_t& value) {
        const auto& accesses = static_cast<const AccessTrace*>(source)->accesses;
        if (k >= accesses.size() || !accesses[k].write) return false;
        width = accesses[k].size;
        value = replay_write_value(k, width);
        return true;
    };
    return core::EventForecast{uint16_t(mm::EventKind::AccessDone), &trace, predict, uint32_t(mm::Counter::Accesses),
                               counter_base, stores};
}

bool Replay::fail_access(size_t index, const mm::AccessResult& r) {
    const char* what = r.status == mm::AccessStatus::OutOfMemory ? "out of memory"
                       : r.status == mm::AccessStatus::GuardPage ? "guard page"
                                                                  : mm::av_reason_text(r.reason);
    m_error = m_trace.error_at(index, fmt::format("internal: the access to 0x{:08X} failed ({})",
                                                  m_trace.accesses[index].address, what));
    return false;
}

// An access the hit paths declined (a fault, mostly) through the general path; its hit path has
// just declined it, so it is not tried again.
bool Replay::slow_access(size_t i, uint32_t& read_sum) {
    const TraceAccess a = m_trace.accesses[i];
    const mm::AccessResult r = m_machine->mm().access_declined(m_space, a.address, a.size,
                                                                a.write ? x86::Access::Write : x86::Access::Read,
                                                                replay_write_value(i, a.size));
    if (!r.ok()) [[unlikely]]
        return fail_access(i, r);
    if (!a.write) read_sum += r.value;
    return true;
}

// The timed loop: nothing but the accesses.
bool Replay::run_plain() {
    uint32_t read_sum = 0;
    const bool ok = m_machine->journal().enabled() ? run_journaled(read_sum) : run_unjournaled(read_sum);
    m_stats.read_sum = read_sum;
    return ok;
}

// Journal off: runs of hits in one inlined loop, each miss through access(); with a progress
// callback, in chunks between which it is called (the loop is the same, it only stops more often).
bool Replay::run_unjournaled(uint32_t& read_sum) {
    mm::MemoryManager& mm = m_machine->mm();
    const TraceAccess* accesses = m_trace.accesses.data();
    const size_t n = m_trace.accesses.size();
    const auto& progress = m_options.progress;
    auto value_of = [](size_t i, uint32_t size) { return replay_write_value(i, size); };
    size_t report_at = progress ? kProgressChunk : n;
    for (size_t i = 0; i < n;) {
        if (i >= report_at) {
            progress(i, n);
            report_at = (i / kProgressChunk + 1) * kProgressChunk;
        }
        const size_t end = std::min(n, report_at);
        i = mm.hit_run_unjournaled(m_space, accesses, i, end, value_of, read_sum);
        if (i == end) continue;
        // The first write to a page with a pagefile copy: its fault, then the hit loop again.
        if (accesses[i].write && mm.take_dirty_bit_fault(m_space, accesses[i].address)) continue;
        if (!slow_access(i, read_sum)) return false;
        ++i;
    }
    if (progress) progress(n, n);
    return true;
}

// Journal on: the journaled hit loop, access_hit, then the general path.
bool Replay::run_journaled(uint32_t& read_sum) {
    mm::MemoryManager& mm = m_machine->mm();
    const TraceAccess* accesses = m_trace.accesses.data();
    const size_t n = m_trace.accesses.size();
    const uint16_t space = m_space;
    auto value_of = [](size_t i, uint32_t size) { return replay_write_value(i, size); };
    auto run = [&](size_t from, size_t to) {
        for (size_t i = from; i < to; ++i) {
            // Runs of hits in one inlined loop; what it declines goes through access_hit/access().
            i = mm.hit_run_journaled(space, accesses, i, to, value_of, read_sum);
            if (i == to) break;
            const TraceAccess a = accesses[i];
            const x86::Access kind = a.write ? x86::Access::Write : x86::Access::Read;
            // A hit runs inline (prepare checked every size); anything else takes access().
            uint32_t read_value = 0;
            if (mm.access_hit(space, a.address, a.size, kind, replay_write_value(i, a.size), read_value)) [[likely]] {
                if (!a.write) read_sum += read_value;
                continue;
            }
            if (!slow_access(i, read_sum)) return false;
        }
        return true;
    };
    // run() in chunks with the progress callback between them.
    const auto& progress = m_options.progress;
    auto run_reporting = [&](size_t from, size_t to) {
        if (!progress) return run(from, to);
        for (size_t i = from; i < to;) {
            const size_t end = std::min(to, (i / kProgressChunk + 1) * kProgressChunk);
            if (!run(i, end)) return false;
            progress(end, n);
            i = end;
        }
        return true;
    };
    if (n < kReservePrefix * 4) return run_reporting(0, n);
    // With the journal on, a run of millions of accesses records hundreds of MB, and growing the
    // vectors by doubling copies all of it about once more, into fresh memory. The first accesses
    // show how much each access records: the rest is reserved at that rate plus an eighth (a
    // misjudged rate costs one more doubling, nothing else). Same trace, same reservation.
    core::Journal& journal = m_machine->journal();
    const size_t changes0 = journal.changes().size(), events0 = journal.events().size();
    const size_t pages0 = journal.kept_pages();
    const size_t prefix = std::max(kReservePrefix, n / 32);
    if (!run_reporting(0, prefix)) return false;
    auto extrapolate = [&](size_t now, size_t before) {
        const double per_access = double(now - before) / double(prefix);
        return size_t(per_access * double(n - prefix) * 1.125) + 64;
    };
    journal.reserve(extrapolate(journal.changes().size(), changes0), extrapolate(journal.events().size(), events0),
                    extrapolate(journal.kept_pages(), pages0));
    return run_reporting(prefix, n);
}

// The same loop with a shadow copy of every touched page: each read must return what the trace
// wrote last (or zero), whatever the policy did with the page in between.
bool Replay::run_verified() {
    mm::MemoryManager& mm = m_machine->mm();
    std::vector<uint32_t> shadow_index(1u << 20, UINT32_MAX);
    std::vector<uint8_t> shadow;
    auto byte_at = [&](uint32_t va) -> uint8_t& {
        uint32_t& index = shadow_index[va >> 12];
        if (index == UINT32_MAX) {
            index = uint32_t(shadow.size() / 4096);
            shadow.resize(shadow.size() + 4096, 0);
        }
        return shadow[size_t(index) * 4096 + (va & 0xFFFu)];
    };
    for (size_t i = 0; i < m_trace.accesses.size(); ++i) {
        const TraceAccess a = m_trace.accesses[i];
        const uint32_t value = replay_write_value(i, a.size);
        const mm::AccessResult r = mm.access(m_space, a.address, a.size, a.write ? x86::Access::Write : x86::Access::Read,
                                             value);
        if (!r.ok()) return fail_access(i, r);
        if (!a.write) m_stats.read_sum += r.value;
        if (m_options.progress && (i + 1) % kProgressChunk == 0) m_options.progress(i + 1, m_trace.accesses.size());
        if (a.write) {
            for (uint32_t k = 0; k < a.size; ++k) byte_at(a.address + k) = uint8_t(value >> (8 * k));
        } else {
            uint32_t expected = 0;
            for (uint32_t k = 0; k < a.size; ++k) expected |= uint32_t(byte_at(a.address + k)) << (8 * k);
            if (r.value != expected) ++m_stats.data_mismatches;
        }
    }
    return true;
}

const ReplayStats& Replay::run() {
    if (!ok()) return m_stats;
    if (m_ran) {
        m_error = fmt::format("{}: error: internal: the trace was replayed twice", m_trace.name);
        return m_stats;
    }
    m_ran = true;
    mm::MemoryManager& mm = m_machine->mm();
    const mm::Counters before = mm.counters();

    const double cpu_start = thread_cpu_ns();
    const auto start = std::chrono::steady_clock::now();
    const bool ran = m_options.verify ? run_verified() : run_plain();
    const auto stop = std::chrono::steady_clock::now();
    const double cpu_stop = thread_cpu_ns();
    m_machine->sync_position();

    for (const TraceAccess& a : m_trace.accesses) (a.write ? m_stats.writes : m_stats.reads) += 1;
    const mm::Counters& after = mm.counters();
    m_stats.accesses = counter_delta(after, before, mm::Counter::Accesses);
    m_stats.page_faults = counter_delta(after, before, mm::Counter::PageFaults);
    m_stats.dirty_bit_faults = counter_delta(after, before, mm::Counter::DirtyBitFaults);
    m_stats.demand_zero_faults = counter_delta(after, before, mm::Counter::DemandZeroFaults);
    m_stats.soft_faults = counter_delta(after, before, mm::Counter::SoftFaults);
    m_stats.hard_faults = counter_delta(after, before, mm::Counter::HardFaults);
    m_stats.pagefile_reads = counter_delta(after, before, mm::Counter::PagefileReads);
    m_stats.pagefile_writes = counter_delta(after, before, mm::Counter::PagefileWrites);
    m_stats.evictions = counter_delta(after, before, mm::Counter::Evictions);
    m_stats.tlb_hits = counter_delta(after, before, mm::Counter::TlbHits);
    m_stats.tlb_misses = counter_delta(after, before, mm::Counter::TlbMisses);
    const core::Journal& journal = m_machine->journal();
    m_stats.journal_changes = journal.changes().size();
    m_stats.journal_events = journal.events().size();
    m_stats.journal_bytes = journal.memory_bytes();
    if (ran && m_options.timing) {
        const double ns = double(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count());
        m_stats.ns_per_access = m_stats.accesses ? ns / double(m_stats.accesses) : 0.0;
        m_stats.cpu_ns_per_access = m_stats.accesses ? (cpu_stop - cpu_start) / double(m_stats.accesses) : 0.0;
    }
    return m_stats;
}

ReplayOutcome replay_trace(const AccessTrace& trace, const ReplayOptions& options) {
    Replay replay(trace, options);
    ReplayOutcome out;
    if (replay.ok()) replay.run();
    out.stats = replay.stats();
    out.error = replay.error();
    return out;
}

}  // namespace pagelab::sim
