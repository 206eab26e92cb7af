#include "mm/Counters.h"

namespace pagelab::mm {

namespace {
constexpr std::array<std::string_view, kCounterCount> kNames{
    "accesses",       "page_faults",     "hard_faults",     "soft_faults",
    "demand_zero_faults", "cow_faults",  "access_violations", "guard_page_faults",
    "pagefile_reads", "pagefile_writes", "file_reads",      "file_writes",
    "tlb_hits",       "tlb_misses",      "evictions",       "commit_charge",
    "dirty_bit_faults",
};
}

std::string_view counter_name(Counter c) { return kNames[size_t(c)]; }

std::optional<Counter> parse_counter(std::string_view name) {
    for (size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return Counter(i);
    return std::nullopt;
}

}  // namespace pagelab::mm
