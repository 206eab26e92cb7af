// Machine-wide counters. They live in the memory manager and are journaled like any other state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pagelab::mm {

enum class Counter : uint8_t {
    Accesses,
    PageFaults,
    HardFaults,
    SoftFaults,
    DemandZeroFaults,
    CowFaults,
    AccessViolations,
    GuardPageFaults,
    PagefileReads,
    PagefileWrites,
    FileReads,
    FileWrites,
    TlbHits,
    TlbMisses,
    Evictions,
    CommitCharge,
    DirtyBitFaults,
    Count_
};
inline constexpr size_t kCounterCount = size_t(Counter::Count_);

// Scenario/CLI names: page_faults, hard_faults, ... commit_charge.
std::string_view counter_name(Counter c);
std::optional<Counter> parse_counter(std::string_view name);

using Counters = std::array<uint64_t, kCounterCount>;

}  // namespace pagelab::mm
