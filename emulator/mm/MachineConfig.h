// What a scenario (or the replay) chooses about the machine: personality, RAM, pagefile,
// replacement policy, TLB, and whether changes are journaled.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "mm/AddressSpace.h"

namespace pagelab::mm {

enum class Policy : uint8_t { Fifo, Clock, Lru, WorkingSet };
const char* policy_name(Policy p);
std::optional<Policy> parse_policy(std::string_view name);

struct MachineConfig {
    Personality personality = Personality::Nt;
    uint32_t frames = 64;
    uint32_t pagefile_pages = 256;
    Policy policy = Policy::Clock;
    uint32_t tlb_entries = 0;
    bool journal = true;
    bool system_pages = true;  // map the kernel/system arena pages at boot
};

}  // namespace pagelab::mm
