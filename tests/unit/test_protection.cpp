// mm::Protection: Win32 PAGE_* values <-> NT's 5-bit MM protection, which protections private
// memory accepts, and the names scenario files and traces use.
#include <catch2/catch.hpp>

#include "mm/Protection.h"
#include "mm/Win32.h"

using namespace pagelab::mm;

namespace {
struct Pair {
    uint32_t win32;
    uint32_t mm;
};
// ReactOS MmProtectToValue / MmUserProtectionToMask1/2 (ntoskrnl/mm/ARM3): the eight base values.
const Pair kTable[] = {
    {page::kNoAccess, mmprot::kNoAccess},
    {page::kReadOnly, mmprot::kReadOnly},
    {page::kExecute, mmprot::kExecute},
    {page::kExecuteRead, mmprot::kExecuteRead},
    {page::kReadWrite, mmprot::kReadWrite},
    {page::kWriteCopy, mmprot::kWriteCopy},
    {page::kExecuteReadWrite, mmprot::kExecuteReadWrite},
    {page::kExecuteWriteCopy, mmprot::kExecuteWriteCopy},
};
}  // namespace

TEST_CASE("each Win32 base protection maps to its MM protection and back", "[protection]") {
    for (const Pair& p : kTable) {
        INFO("PAGE_ " << protection_name(p.win32));
        REQUIRE(to_mm_protection(p.win32).has_value());
        CHECK(*to_mm_protection(p.win32) == p.mm);
        CHECK(to_win32_protection(p.mm) == p.win32);
    }
}

TEST_CASE("GUARD and NOCACHE map to the MM guard and nocache bits and back", "[protection]") {
    for (const Pair& p : kTable) {
        if (p.win32 == page::kNoAccess) continue;
        INFO("base " << protection_name(p.win32));
        CHECK(*to_mm_protection(p.win32 | page::kGuard) == (p.mm | mmprot::kGuard));
        CHECK(*to_mm_protection(p.win32 | page::kNoCache) == (p.mm | mmprot::kNoCache));
        CHECK(to_win32_protection(p.mm | mmprot::kGuard) == (p.win32 | page::kGuard));
        CHECK(to_win32_protection(p.mm | mmprot::kNoCache) == (p.win32 | page::kNoCache));
    }
}

TEST_CASE("invalid Win32 protections have no MM protection", "[protection]") {
    // Zero, two base values at once, unknown high bits, NOACCESS with a modifier, and GUARD with
    // NOCACHE (MiMakeProtectionMask: "PAGE_GUARD is not valid on no-access, nocache pages").
    for (uint32_t bad : {0u, page::kReadOnly | page::kReadWrite, page::kReadOnly | page::kExecute,
                         page::kExecuteRead | page::kExecute, page::kReadWrite | 0x800u, 0x1000u,
                         page::kNoAccess | page::kGuard, page::kNoAccess | page::kNoCache,
                         page::kReadWrite | page::kGuard | page::kNoCache, page::kGuard, page::kNoCache}) {
        INFO("protection " << bad);
        CHECK_FALSE(to_mm_protection(bad).has_value());
        CHECK_FALSE(is_valid_private_protection(bad));
    }
}

TEST_CASE("MM zero access and DECOMMIT have no Win32 protection (0)", "[protection]") {
    CHECK(to_win32_protection(mmprot::kZeroAccess) == 0);
    CHECK(to_win32_protection(mmprot::kDecommit) == 0);
    CHECK(to_win32_protection(mmprot::kNoAccess) == page::kNoAccess);
}

TEST_CASE("private memory accepts exactly the six non-copy-on-write base values, with GUARD or NOCACHE",
          "[protection]") {
    // The whole 0x00-0xF0 table of Wine's test_VirtualAlloc_protection.
    for (uint32_t prot = 0; prot <= 0xFF; ++prot) {
        const bool single = prot == 0x01 || prot == 0x02 || prot == 0x04 || prot == 0x10 || prot == 0x20 ||
                            prot == 0x40;
        INFO("protection " << prot);
        CHECK(is_valid_private_protection(prot) == single);
    }
    CHECK(is_valid_private_protection(page::kReadWrite | page::kGuard));
    CHECK(is_valid_private_protection(page::kExecuteRead | page::kNoCache));
    CHECK_FALSE(is_valid_private_protection(page::kWriteCopy));
    CHECK_FALSE(is_valid_private_protection(page::kExecuteWriteCopy));
    CHECK_FALSE(is_valid_private_protection(page::kWriteCopy | page::kGuard));
}

TEST_CASE("what the hardware may do with a page follows its base protection", "[protection]") {
    CHECK_FALSE(protection_allows_read(page::kNoAccess));
    CHECK_FALSE(protection_allows_read(0));
    for (uint32_t p : {page::kReadOnly, page::kReadWrite, page::kWriteCopy, page::kExecute, page::kExecuteRead,
                       page::kExecuteReadWrite, page::kExecuteWriteCopy})
        CHECK(protection_allows_read(p));
    CHECK(protection_allows_write(page::kReadWrite));
    CHECK(protection_allows_write(page::kExecuteReadWrite | page::kGuard));
    CHECK_FALSE(protection_allows_write(page::kWriteCopy));
    CHECK_FALSE(protection_allows_write(page::kReadOnly));
    CHECK(protection_is_copy_on_write(page::kWriteCopy));
    CHECK(protection_is_copy_on_write(page::kExecuteWriteCopy));
    CHECK_FALSE(protection_is_copy_on_write(page::kReadWrite));
    CHECK(protection_allows_execute(page::kExecute));
    CHECK(protection_allows_execute(page::kExecuteWriteCopy));
    CHECK_FALSE(protection_allows_execute(page::kReadWrite));
    CHECK(protection_base(page::kReadWrite | page::kGuard) == page::kReadWrite);
}

TEST_CASE("protection names use the Windows names without prefix, joined by +", "[protection]") {
    CHECK(protection_name(0) == "0");
    CHECK(protection_name(page::kNoAccess) == "NOACCESS");
    CHECK(protection_name(page::kReadOnly) == "READONLY");
    CHECK(protection_name(page::kReadWrite) == "READWRITE");
    CHECK(protection_name(page::kWriteCopy) == "WRITECOPY");
    CHECK(protection_name(page::kExecute) == "EXECUTE");
    CHECK(protection_name(page::kExecuteRead) == "EXECUTE_READ");
    CHECK(protection_name(page::kExecuteReadWrite) == "EXECUTE_READWRITE");
    CHECK(protection_name(page::kExecuteWriteCopy) == "EXECUTE_WRITECOPY");
    CHECK(protection_name(page::kReadWrite | page::kGuard) == "READWRITE+GUARD");
    CHECK(protection_name(page::kExecuteRead | page::kNoCache) == "EXECUTE_READ+NOCACHE");
    // Values that are not one base value (plus modifiers) print as a number.
    CHECK(protection_name(0x06) == "0x6");
    CHECK(protection_name(0x1000) == "0x1000");
}

TEST_CASE("parse_protection accepts names with or without PAGE_, joined by + or |, and numbers", "[protection]") {
    CHECK(parse_protection("READWRITE") == page::kReadWrite);
    CHECK(parse_protection("PAGE_READWRITE") == page::kReadWrite);
    CHECK(parse_protection("READWRITE+GUARD") == (page::kReadWrite | page::kGuard));
    CHECK(parse_protection("PAGE_EXECUTE_READ | PAGE_NOCACHE") == (page::kExecuteRead | page::kNoCache));
    CHECK(parse_protection("0x40") == page::kExecuteReadWrite);
    CHECK(parse_protection("4") == page::kReadWrite);
    CHECK_FALSE(parse_protection("").has_value());
    CHECK_FALSE(parse_protection("READWRIT").has_value());
    CHECK_FALSE(parse_protection("readwrite").has_value());
    CHECK_FALSE(parse_protection("0x4g").has_value());
    CHECK_FALSE(parse_protection("READWRITE+").has_value());
}

TEST_CASE("every protection name parses back to its value", "[protection]") {
    for (const Pair& p : kTable) {
        CHECK(parse_protection(protection_name(p.win32)) == p.win32);
        if (p.win32 != page::kNoAccess)
            CHECK(parse_protection(protection_name(p.win32 | page::kGuard)) == (p.win32 | page::kGuard));
    }
}
