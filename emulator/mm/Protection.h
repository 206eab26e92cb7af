// Page protections in the two vocabularies PageLab shows: Win32 PAGE_* values (what the API
// takes and VirtualQuery reports) and NT's 5-bit MM protection (what a software PTE stores,
// ReactOS ntoskrnl/include/internal/mm.h):
//   bits 0-2: 0 zero access (= not committed), 1 READONLY, 2 EXECUTE, 3 EXECUTE_READ,
//             4 READWRITE, 5 WRITECOPY, 6 EXECUTE_READWRITE, 7 EXECUTE_WRITECOPY
//   bits 3-4: 0x08 NOCACHE, 0x10 GUARD; 0x18 with access 0 is NOACCESS; 0x10 alone is DECOMMIT.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pagelab::mm {

namespace mmprot {
inline constexpr uint32_t kZeroAccess = 0, kReadOnly = 1, kExecute = 2, kExecuteRead = 3, kReadWrite = 4,
                          kWriteCopy = 5, kExecuteReadWrite = 6, kExecuteWriteCopy = 7;
inline constexpr uint32_t kNoCache = 0x08, kGuard = 0x10;
inline constexpr uint32_t kDecommit = 0x10;  // zero access + guard
inline constexpr uint32_t kNoAccess = 0x18;  // zero access + guard + nocache
}  // namespace mmprot

// Win32 PAGE_* value (with GUARD/NOCACHE) -> MM protection; nullopt if not one valid base value.
std::optional<uint32_t> to_mm_protection(uint32_t win32);
// MM protection -> Win32 PAGE_* value (0 for zero access / decommit).
uint32_t to_win32_protection(uint32_t mm);

// What the hardware may do with a page of this (Win32) protection.
bool protection_allows_read(uint32_t win32);
bool protection_allows_write(uint32_t win32);     // READWRITE, EXECUTE_READWRITE (not WRITECOPY)
bool protection_is_copy_on_write(uint32_t win32);  // WRITECOPY, EXECUTE_WRITECOPY
bool protection_allows_execute(uint32_t win32);
inline uint32_t protection_base(uint32_t win32) { return win32 & 0xFFu; }
// The protection a copy-on-write page has once copied: WRITECOPY -> READWRITE, EXECUTE_WRITECOPY
// -> EXECUTE_READWRITE (an MM protection; the others as they are).
inline uint32_t writable_variant(uint32_t mm_prot) {
    const uint32_t access = mm_prot & 7u;
    if (access == mmprot::kWriteCopy) return (mm_prot & ~7u) | mmprot::kReadWrite;
    if (access == mmprot::kExecuteWriteCopy) return (mm_prot & ~7u) | mmprot::kExecuteReadWrite;
    return mm_prot;
}

// Private memory (VirtualAlloc/VirtualProtect of private pages) accepts exactly one of NOACCESS,
// READONLY, READWRITE, EXECUTE, EXECUTE_READ, EXECUTE_READWRITE, optionally with GUARD or NOCACHE.
bool is_valid_private_protection(uint32_t win32);

// "READWRITE", "EXECUTE_READ+GUARD", "0" for zero.
std::string protection_name(uint32_t win32);
// Accepts names with or without "PAGE_", joined by '+' or '|', or a number.
std::optional<uint32_t> parse_protection(std::string_view text);

}  // namespace pagelab::mm
