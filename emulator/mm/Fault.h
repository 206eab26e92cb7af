// What an access or a fault comes to: the fault kinds a step reports, an access's result, and the
// outcome of one fault (PageFault's handlers return it).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "mm/Events.h"

namespace pagelab::mm {

enum class FaultKind : uint8_t {
    None, DemandZero, ImageRead, FileRead, PagefileRead, Soft, CopyOnWrite, AccessViolation, GuardPage, DirtyBit
};
inline constexpr FaultKind kLastFaultKind = FaultKind::DirtyBit;
const char* fault_kind_name(FaultKind k);
std::optional<FaultKind> parse_fault_kind(std::string_view name);

// BadEntry: the access met an entry naming a frame, slot or prototype that does not exist (event
// BadEntry); it stops there, nothing of the machine changed by it.
enum class AccessStatus : uint8_t { Ok, AccessViolation, GuardPage, OutOfMemory, BadEntry };

struct AccessResult {
    AccessStatus status = AccessStatus::Ok;
    uint32_t value = 0;
    uint32_t faults = 0;  // bit (1 << FaultKind) for each fault kind the access caused
    AvReason reason = AvReason::NoRegion;
    uint32_t fault_address = 0;
    // BadEntry: what the entry named and the limit it passed (bad_entry_note makes the sentence).
    BadEntryKind bad = BadEntryKind::None;
    uint32_t bad_number = 0;
    uint32_t bad_limit = 0;
    bool ok() const { return status == AccessStatus::Ok; }
};

// One fault's outcome: resolved (Ok, with the kind of fault it was), or the access fails.
struct FaultOutcome {
    AccessStatus status = AccessStatus::Ok;
    FaultKind kind = FaultKind::None;
    AvReason reason = AvReason::NoRegion;
    static FaultOutcome resolved(FaultKind kind) { return FaultOutcome{AccessStatus::Ok, kind, AvReason::NoRegion}; }
    // The fault found no frame (its OutOfMemory event is already open).
    static FaultOutcome out_of_memory() { return FaultOutcome{AccessStatus::OutOfMemory, FaultKind::None, AvReason::NoRegion}; }
};

}  // namespace pagelab::mm
