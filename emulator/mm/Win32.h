// Win32 constants and error codes PageLab reproduces (values from the Windows SDK; see
// shared WINDOWS.md). Results of emulated API calls are data: a value or an error, never an
// exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pagelab::mm {

namespace page {
inline constexpr uint32_t kNoAccess = 0x01, kReadOnly = 0x02, kReadWrite = 0x04, kWriteCopy = 0x08,
                          kExecute = 0x10, kExecuteRead = 0x20, kExecuteReadWrite = 0x40,
                          kExecuteWriteCopy = 0x80, kGuard = 0x100, kNoCache = 0x200;
}
namespace mem {
inline constexpr uint32_t kCommit = 0x1000, kReserve = 0x2000, kDecommit = 0x4000, kRelease = 0x8000,
                          kFree = 0x10000, kPrivate = 0x20000, kMapped = 0x40000, kReset = 0x80000,
                          kTopDown = 0x100000, kImage = 0x1000000;
// MEM_WRITE_WATCH (VirtualAlloc with MEM_RESERVE) and GetWriteWatch's WRITE_WATCH_FLAG_RESET.
inline constexpr uint32_t kWriteWatch = 0x200000, kWriteWatchFlagReset = 0x01;
}

// VirtualLock's limit on the pages one process may lock (docs/fidelity.md "VirtualLock"): NT
// refuses with STATUS_WORKING_SET_QUOTA when the locked pages plus MM_FLUID_WORKING_SET (8) pass
// the process's minimum working set, 50 pages by default; PageLab keeps that default.
inline constexpr uint32_t kVirtualLockLimit = 50 - 8;

// CreateFileMapping's hFile for a mapping backed by the paging file (INVALID_HANDLE_VALUE).
inline constexpr uint32_t kInvalidHandleValue = 0xFFFFFFFFu;

enum class Error : uint32_t {
    Success = 0,
    FileNotFound = 2,
    PathNotFound = 3,
    AccessDenied = 5,
    InvalidHandle = 6,
    NotEnoughMemory = 8,
    GenFailure = 31,
    InvalidParameter = 87,
    InvalidName = 123,
    ModNotFound = 126,
    AlreadyExists = 183,
    BadExeFormat = 193,
    PartialCopy = 299,
    InvalidAddress = 487,
    NoAccess = 998,
    FileInvalid = 1006,
    MappedAlignment = 1132,
    UserMappedFile = 1224,
    CommitmentLimit = 1455,
    // Sections, views and images (issue 16, part 2).
    CallNotImplemented = 120,
    PrivilegeNotHeld = 1314,
    NotLocked = 158,           // VirtualUnlock of a page that is not locked
    WorkingSetQuota = 1453,    // VirtualLock past the working-set (lock) limit
    NotSupported = 50,         // ERROR_NOT_SUPPORTED: named in expectations; no call of the model returns it now
    // STATUS_GUARD_PAGE_VIOLATION as GetLastError gives it after VirtualLock touched a guard page
    // (the "Creating Guard Pages" sample prints 0x80000001).
    GuardPageViolation = 0x80000001u,
};

// "ERROR_INVALID_ADDRESS"; unknown numbers print as "ERROR_<n>".
std::string error_name(Error e);
// Accepts "ERROR_INVALID_ADDRESS", "INVALID_ADDRESS" or a number.
std::optional<Error> parse_error(std::string_view text);

// The NTSTATUS values NtMapViewOfSection answers with (mm/NtMapView.cpp); kernel32 would turn each
// into the Win32 error beside it (RtlNtStatusToDosError).
enum class NtStatus : uint32_t {
    Success = 0,
    ImageNotAtBase = 0x40000003,         // a success: the image view is not at its preferred base
    NotImplemented = 0xC0000002,
    InvalidHandle = 0xC0000008,          // ERROR_INVALID_HANDLE
    NoMemory = 0xC0000017,               // ERROR_NOT_ENOUGH_MEMORY
    ConflictingAddresses = 0xC0000018,   // ERROR_INVALID_ADDRESS
    InvalidViewSize = 0xC000001F,        // ERROR_ACCESS_DENIED
    AccessDenied = 0xC0000022,           // ERROR_ACCESS_DENIED
    InvalidPageProtection = 0xC0000045,  // ERROR_INVALID_PARAMETER
    SectionProtection = 0xC000004E,      // ERROR_INVALID_PARAMETER
    InvalidParameter3 = 0xC00000F1,      // ERROR_INVALID_PARAMETER (and every _N)
    InvalidParameter4 = 0xC00000F2,
    InvalidParameter8 = 0xC00000F6,
    InvalidParameter9 = 0xC00000F7,
    MappedAlignment = 0xC0000220,        // ERROR_MAPPED_ALIGNMENT
};
std::string nt_status_name(NtStatus s);

// The answer of an emulated Win32 call: ok with a value, or failed with GetLastError's code.
struct Result {
    bool ok = true;
    uint32_t value = 0;
    Error error = Error::Success;

    static Result success(uint32_t v = 0) { return Result{true, v, Error::Success}; }
    static Result failure(Error e) { return Result{false, 0, e}; }
};

// NtMapViewOfSection's answer: kernel32's view of it (Result) and the NTSTATUS itself.
struct NtMapResult {
    Result result;
    NtStatus status = NtStatus::Success;
};

// NtMapViewOfSection's arguments (the section handle is the caller's; the view goes into the
// process the call names). inherit: ViewShare 1 / ViewUnmap 2; allocation: MEM_TOP_DOWN and
// AT_ROUND_TO_PAGE; protect: one PAGE_* (Win32Protect).
inline constexpr uint32_t kViewShare = 1, kViewUnmap = 2, kAtRoundToPage = 0x40000000;
struct NtMapArgs {
    uint32_t handle = 0;
    uint32_t address = 0;      // 0: anywhere
    uint32_t zero_bits = 0;
    uint32_t commit_size = 0;
    uint32_t offset = 0;
    uint32_t size = 0;         // 0: to the end of the section
    uint32_t inherit = kViewShare;
    uint32_t allocation = 0;
    uint32_t protect = 0;
};

struct MemoryBasicInformation {
    uint32_t base_address = 0;
    uint32_t allocation_base = 0;
    uint32_t allocation_protect = 0;
    uint32_t region_size = 0;
    uint32_t state = 0;    // mem::kCommit, kReserve or kFree
    uint32_t protect = 0;
    uint32_t type = 0;     // mem::kPrivate, kMapped, kImage or 0

    bool operator==(const MemoryBasicInformation&) const = default;
};

}  // namespace pagelab::mm
