#include "mm/Win32.h"

#include <array>
#include <charconv>
#include <utility>

namespace pagelab::mm {

namespace {
constexpr std::array<std::pair<Error, std::string_view>, 26> kNames{{
    {Error::Success, "SUCCESS"},
    {Error::FileNotFound, "FILE_NOT_FOUND"},
    {Error::PathNotFound, "PATH_NOT_FOUND"},
    {Error::AccessDenied, "ACCESS_DENIED"},
    {Error::InvalidHandle, "INVALID_HANDLE"},
    {Error::NotEnoughMemory, "NOT_ENOUGH_MEMORY"},
    {Error::GenFailure, "GEN_FAILURE"},
    {Error::InvalidParameter, "INVALID_PARAMETER"},
    {Error::InvalidName, "INVALID_NAME"},
    {Error::ModNotFound, "MOD_NOT_FOUND"},
    {Error::AlreadyExists, "ALREADY_EXISTS"},
    {Error::BadExeFormat, "BAD_EXE_FORMAT"},
    {Error::PartialCopy, "PARTIAL_COPY"},
    {Error::CallNotImplemented, "CALL_NOT_IMPLEMENTED"},
    {Error::NotLocked, "NOT_LOCKED"},
    {Error::WorkingSetQuota, "WORKING_SET_QUOTA"},
    {Error::InvalidAddress, "INVALID_ADDRESS"},
    {Error::NoAccess, "NOACCESS"},
    {Error::FileInvalid, "FILE_INVALID"},
    {Error::MappedAlignment, "MAPPED_ALIGNMENT"},
    {Error::UserMappedFile, "USER_MAPPED_FILE"},
    {Error::CommitmentLimit, "COMMITMENT_LIMIT"},
    {Error::PrivilegeNotHeld, "PRIVILEGE_NOT_HELD"},
    {Error::NotSupported, "NOT_SUPPORTED"},
    {Error::GuardPageViolation, "GUARD_PAGE_VIOLATION"},
    {Error::Success, "SUCCESS"},
}};
}  // namespace

std::string error_name(Error e) {
    for (const auto& [code, name] : kNames)
        if (code == e) return "ERROR_" + std::string(name);
    return "ERROR_" + std::to_string(uint32_t(e));
}

std::optional<Error> parse_error(std::string_view text) {
    if (!text.empty() && text[0] >= '0' && text[0] <= '9') {
        uint32_t n = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
        return Error(n);
    }
    if (text.substr(0, 6) == "ERROR_") text.remove_prefix(6);
    for (const auto& [code, name] : kNames)
        if (name == text) return code;
    return std::nullopt;
}

}  // namespace pagelab::mm
