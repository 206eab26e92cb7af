// What a scenario may ask for, checked when it loads (FILE:LINE:COL: error: naming the limit), so
// that no input can make PageLab run for minutes or take gigabytes: docs/limits.md lists them with
// what PageLab says when one is hit. A limit is generous for lessons (the largest lesson stays far
// below each) and small enough that a scenario at every limit at once still runs in a few seconds
// and under about 2 GB.
#pragma once

#include <cstdint>

namespace pagelab::sim::limits {

inline constexpr uint64_t kScenarioFileBytes = 16ull << 20;  // a scenario file
inline constexpr uint64_t kFileBytes = 64ull << 20;          // one file of the emulated disk (data or pe:)
inline constexpr uint64_t kDiskBytes = 256ull << 20;         // all the files of the emulated disk together
inline constexpr uint32_t kMinFrames = 6, kMaxFrames = 1u << 20;  // RAM: 24 KB to 4 GB
inline constexpr uint32_t kMaxPagefilePages = 1u << 20;           // 4 GB
inline constexpr uint32_t kMaxTlbEntries = 1024;
inline constexpr uint64_t kMaxSteps = 250'000;
// The pages the steps may touch, together: a `touch` counts its pages, a read, write, execute or
// debugger_write 2 (an access may straddle two pages; a text, a page more per 4 KB). 262,144 pages = 1 GB of emulated memory, each page possibly
// 4 KB of host memory and a few hundred bytes of journal.
inline constexpr uint64_t kTouchedPages = 262'144;
inline constexpr uint64_t kTraceFileBytes = 256ull << 20;     // replay: an access-trace file
inline constexpr uint64_t kTraceAccesses = 32ull << 20;       // replay: accesses after splitting (512 MB in memory)

}  // namespace pagelab::sim::limits
