// `pagelab replay` (DESIGN.md §4): runs a memory-access trace through one process of a fresh
// os::Machine and counts what the memory manager did.
//
// The machine. Personality nt, one process ("replay"). Before the trace runs:
//   - every 64 KB allocation-granularity chunk holding a touched page is committed private
//     READWRITE memory: each maximal run of consecutive touched chunks is one
//     VirtualAlloc(MEM_RESERVE | MEM_COMMIT) (so untouched gaps stay free, like a real heap);
//   - a page table is built for every 4 MB region that holds a touched page
//     (MemoryManager::ensure_page_table), so page tables never compete with data pages.
// The machine gets exactly data_frames + 1 (page directory) + page tables + 2 (the system page
// table and system page the memory manager takes at boot when it has at least 8 frames; a machine
// too small for them boots without). After setup exactly data_frames frames are free, so fault
// counts are comparable with a classic page-replacement simulator of data_frames frames:
//   fifo   evicts in page-in order;
//   lru    is exact (every access moves the page to the back of the active list);
//   clock  sweeps a hand over the frames by number, clearing Accessed bits (second chance).
//          A freshly loaded page starts with Accessed SET: the access that faulted it in is retried
//          and the walk sets A, as on x86. So the hand passes over it once before evicting it.
//   ws     NT-style working-set trimming: batches of pages go to the standby/modified lists and
//          can come back as soft faults; counts are not comparable with the classic policies.
// The pagefile has one slot per committed page, so it never fills.
//
// Addresses. Every access must lie in nt user space, [0x00010000, 0x7FFF0000): the first access
// outside it (or of a size other than 1, 2 or 4) is reported as an error naming its trace line
// (AccessTrace::error_at) and nothing runs — a partial replay would give misleading counts.
//
// Writes store a deterministic value (derived from the access's index) so pages really change
// and, with `verify`, every read is checked against a shadow copy of the written bytes.
//
// Journal. With the journal on, setup is operation 0 and the whole trace is operation 1; every
// event happens inside the memory manager. Machine::seek(0) undoes everything, back to boot.
// The trace is the journal's forecast of operation 1's access-done events (replay_forecast).
//
// Timing. steady_clock (and the thread's CPU clock) around the access loop only. It is the only nondeterministic output,
// so it can be switched off (ReplayOptions::timing = false, `--no-timing`).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/Check.h"
#include "mm/MemoryManager.h"
#include "os/Machine.h"
#include "sim/AccessTrace.h"

namespace pagelab::sim {

struct ReplayOptions {
    uint32_t data_frames = 64;
    mm::Policy policy = mm::Policy::Clock;
    bool journal = false;
    uint32_t tlb_entries = 0;
    bool timing = true;
    bool verify = false;  // check every read against a shadow copy (slower; for tests)
    // Called between runs of at most kProgressChunk accesses with the accesses done so far and the
    // total (and once more at the end): the command line's progress line. It must not touch the
    // machine. Empty: not called.
    std::function<void(uint64_t done, uint64_t total)> progress;
};
inline constexpr size_t kProgressChunk = size_t(1) << 16;

struct ReplayStats {
    // The trace.
    uint64_t accesses = 0;
    uint64_t reads = 0;
    uint64_t writes = 0;
    // The memory manager's counters over the trace (setup causes none of these).
    uint64_t page_faults = 0;         // every page fault the processor raised
    uint64_t dirty_bit_faults = 0;    // of which a first write to a clean page (no page comes in)
    uint64_t demand_zero_faults = 0;
    uint64_t soft_faults = 0;
    uint64_t hard_faults = 0;
    uint64_t pagefile_reads = 0;
    uint64_t pagefile_writes = 0;
    uint64_t evictions = 0;
    uint64_t tlb_hits = 0;
    uint64_t tlb_misses = 0;
    uint64_t data_mismatches = 0;  // verify only: reads that did not return the bytes written
    // The 32-bit sum of every value the trace's reads returned: the same for every policy and
    // journal mode (what a read returns never depends on where the page was in between).
    uint32_t read_sum = 0;
    // The faults that brought a page in: what a classic page-replacement simulator counts.
    uint64_t misses() const { return page_faults - dirty_bit_faults; }
    // The machine the setup built.
    uint32_t touched_pages = 0;
    uint32_t committed_pages = 0;
    uint32_t regions = 0;      // VirtualAlloc calls (runs of 64 KB chunks)
    uint32_t page_tables = 0;  // besides the page directory
    uint32_t total_frames = 0;
    // The journal after the run (0 when it is off).
    uint64_t journal_changes = 0;
    uint64_t journal_events = 0;
    uint64_t journal_bytes = 0;
    std::optional<double> ns_per_access;  // only with timing
    // The same in CPU time of the replaying thread (only with timing): on a host shared with other
    // busy processes, wall time measures the scheduler as much as the replay.
    std::optional<double> cpu_ns_per_access;
};

class Replay {
public:
    // Checks the trace and builds the machine (nothing of the trace runs yet); see error().
    // The trace is referenced, not copied (it may hold millions of accesses): it must outlive the
    // Replay. With the journal on, the journal reads it too: the access-done event of access k
    // is packed as a forecast from the trace (core::EventForecast), its header and the value a
    // read returned.
    Replay(const AccessTrace& trace, const ReplayOptions& options);

    bool ok() const { return !m_error.has_value(); }
    const std::optional<std::string>& error() const { return m_error; }

    // Runs the trace once; on an access the memory manager refuses (which the setup should make
    // impossible) sets error() naming the trace line and stops there.
    const ReplayStats& run();
    const ReplayStats& stats() const { return m_stats; }

    // The machine exists once the trace has been checked (ok() right after construction).
    os::Machine& machine() {
        PL_CHECK(m_machine);
        return *m_machine;
    }
    const os::Machine& machine() const {
        PL_CHECK(m_machine);
        return *m_machine;
    }
    uint16_t space() const { return m_space; }
    // Journal position after the setup, before the first access.
    size_t setup_position() const { return m_setup_position; }

private:
    bool prepare();
    bool run_plain();
    bool run_unjournaled(uint32_t& read_sum);
    bool run_journaled(uint32_t& read_sum);
    bool slow_access(size_t i, uint32_t& read_sum);
    bool run_verified();
    bool fail_access(size_t index, const mm::AccessResult& r);

    const AccessTrace& m_trace;
    ReplayOptions m_options;
    std::optional<std::string> m_error;
    // The journal's forecast (where a move leaves it), declared before the machine, which it outlives.
    std::unique_ptr<core::EventForecast> m_forecast;
    std::unique_ptr<os::Machine> m_machine;
    uint16_t m_space = mm::kNoSpace;
    size_t m_setup_position = 0;
    bool m_ran = false;
    ReplayStats m_stats;
};

struct ReplayOutcome {
    ReplayStats stats;
    std::optional<std::string> error;
    bool ok() const { return !error.has_value(); }
};

// Builds and runs in one call.
ReplayOutcome replay_trace(const AccessTrace& trace, const ReplayOptions& options);

// The value a replay writes for the access at `index`, `size` bytes wide (tests use it to predict
// memory). Masked to the size: the journal and the AccessDone event record the value as given.
inline uint32_t replay_write_value(uint64_t index, uint32_t size) {
    const uint32_t v = uint32_t(index) * 0x9E3779B1u + 1u;
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

// What the trace says of the AccessDone event of its access k: the address, the access and its
// size, and for a write the value written (what a read returns is the machine's to say); and of
// the access's step (the access count steps from counter_base + k): what a write stores.
core::EventForecast replay_forecast(const AccessTrace& trace, uint64_t counter_base);

}  // namespace pagelab::sim
