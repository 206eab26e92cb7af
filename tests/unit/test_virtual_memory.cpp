// The private-memory Win32 API of mm::MemoryManager — VirtualAlloc, VirtualFree, VirtualProtect,
// VirtualQuery — against WINDOWS.md "Private memory", for both personalities (nt, win95), and
// the decisions recorded in docs/fidelity.md.
#include <catch2/catch.hpp>

#include "TestHelpers.h"

using namespace pagelab;
using mm::Error;
using mm::Personality;
namespace page = mm::page;
namespace memf = mm::mem;

namespace {
constexpr uint32_t kRes = memf::kReserve, kCom = memf::kCommit, kBoth = memf::kReserve | memf::kCommit;

// A base in the private arena of both personalities (win95's starts at 4 MB).
constexpr uint32_t kBase = 0x00500000;

uint32_t reserved_protect(Personality p) { return p == Personality::Win95 ? page::kNoAccess : 0; }
Error uncommitted_error(Personality p) { return p == Personality::Win95 ? Error::InvalidParameter : Error::InvalidAddress; }
uint32_t lowest(Personality p) { return mm::layout_of(p).alloc_lowest; }
uint64_t charge(test::Rig& rig) { return rig.mm().counter(mm::Counter::CommitCharge); }

void check_mbi(const mm::MemoryBasicInformation& m, uint32_t base, uint32_t alloc_base, uint32_t alloc_protect,
               uint32_t size, uint32_t state, uint32_t protect, uint32_t type) {
    CHECK(m.base_address == base);
    CHECK(m.allocation_base == alloc_base);
    CHECK(m.allocation_protect == alloc_protect);
    CHECK(m.region_size == size);
    CHECK(m.state == state);
    CHECK(m.protect == protect);
    CHECK(m.type == type);
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// VirtualAlloc: reservation and commit granularity

TEST_CASE("a reservation at a requested base starts on the 64 KB boundary below it and covers whole pages",
          "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    const mm::Result r = rig.alloc(kBase + 0x1234, 0x3000, kRes, page::kReadWrite);
    REQUIRE(r.ok);
    CHECK(r.value == kBase);
    // round_up(0x501234 + 0x3000) - 0x500000 = 0x5000: the reservation ends on the page after the
    // requested bytes, not on a 64 KB boundary.
    check_mbi(rig.query(kBase), kBase, kBase, page::kReadWrite, 0x5000, memf::kReserve, reserved_protect(p),
              memf::kPrivate);
    CHECK(rig.query(kBase + 0x5000).state == memf::kFree);
    CHECK(charge(rig) == 0);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a reservation without a base gets the lowest free 64 KB boundary of the private arena", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    const mm::Result a = rig.alloc(0, 0x1000, kRes, page::kReadWrite);
    const mm::Result b = rig.alloc(0, 0x11000, kRes, page::kReadOnly);
    const mm::Result c = rig.alloc(0, 0x1000, kRes, page::kReadOnly);
    REQUIRE(a.ok);
    REQUIRE(b.ok);
    REQUIRE(c.ok);
    CHECK(a.value == lowest(p));
    CHECK(b.value == lowest(p) + 0x10000);
    CHECK(c.value == lowest(p) + 0x30000);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_TOP_DOWN reserves at the highest free 64 KB boundary below the end of user space", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    const mm::Result r = rig.alloc(0, 0x3000, kRes | memf::kTopDown, page::kReadWrite);
    REQUIRE(r.ok);
    CHECK(r.value == ((mm::layout_of(p).user_end - 0x3000) & ~0xFFFFu));
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("commits are page-granular: both ends round out to pages and only those pages are committed",
          "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, kRes, page::kNoAccess).ok);
    const mm::Result c = rig.alloc(kBase + 0x1800, 0x1000, kCom, page::kReadWrite);
    REQUIRE(c.ok);
    CHECK(c.value == kBase + 0x1000);  // the page-aligned start of what was committed
    check_mbi(rig.query(kBase), kBase, kBase, page::kNoAccess, 0x1000, memf::kReserve, reserved_protect(p),
              memf::kPrivate);
    check_mbi(rig.query(kBase + 0x1000), kBase + 0x1000, kBase, page::kNoAccess, 0x2000, memf::kCommit,
              page::kReadWrite, memf::kPrivate);
    check_mbi(rig.query(kBase + 0x3000), kBase + 0x3000, kBase, page::kNoAccess, 0xD000, memf::kReserve,
              reserved_protect(p), memf::kPrivate);
    CHECK(charge(rig) == 2);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_RESERVE|MEM_COMMIT commits the whole reservation at once", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    const mm::Result r = rig.alloc(kBase + 0x100, 0x2000, kBoth, page::kExecuteRead);
    REQUIRE(r.ok);
    CHECK(r.value == kBase);
    check_mbi(rig.query(kBase), kBase, kBase, page::kExecuteRead, 0x3000, memf::kCommit, page::kExecuteRead,
              memf::kPrivate);
    CHECK(charge(rig) == 3);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_COMMIT with a NULL base reserves implicitly, exactly the pages asked for", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    const mm::Result r = rig.alloc(0, 0x2800, kCom, page::kReadWrite);
    REQUIRE(r.ok);
    CHECK(r.value == lowest(p));
    check_mbi(rig.query(r.value), r.value, r.value, page::kReadWrite, 0x3000, memf::kCommit, page::kReadWrite,
              memf::kPrivate);
    // The rest of the 64 KB granule is not part of the region: it is free (and unusable).
    CHECK(rig.query(r.value + 0x3000).state == memf::kFree);
    CHECK(charge(rig) == 3);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_COMMIT with a base needs an existing reservation covering the whole range (487)", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    const mm::Result none = rig.alloc(kBase, 0x1000, kCom, page::kReadWrite);
    CHECK_FALSE(none.ok);
    CHECK(none.error == Error::InvalidAddress);
    REQUIRE(rig.alloc(kBase, 0x2000, kRes, page::kReadWrite).ok);
    const mm::Result past = rig.alloc(kBase + 0x1000, 0x2000, kCom, page::kReadWrite);
    CHECK_FALSE(past.ok);
    CHECK(past.error == Error::InvalidAddress);
    CHECK(charge(rig) == 0);
    CHECK(rig.query(kBase).state == memf::kReserve);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("committing committed pages again costs no commit charge and keeps their contents", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase + 0x10, 0xCAFE).ok());
    REQUIRE(rig.alloc(kBase, 0x4000, kCom, page::kReadWrite).ok);
    CHECK(charge(rig) == 4);
    CHECK(rig.read(kBase + 0x10).value == 0xCAFE);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_COMMIT on committed pages with another protection changes their protection, as NtProtect would",
          "[virtual-alloc][fidelity]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x3000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase, 0x1234).ok());  // page 0 resident and dirty, pages 1-2 untouched
    REQUIRE(rig.alloc(kBase, 0x2000, kCom, page::kReadOnly).ok);
    check_mbi(rig.query(kBase), kBase, kBase, page::kReadWrite, 0x2000, memf::kCommit, page::kReadOnly,
              memf::kPrivate);
    CHECK(rig.query(kBase + 0x2000).protect == page::kReadWrite);
    CHECK(rig.write(kBase, 1).status == mm::AccessStatus::AccessViolation);
    CHECK(rig.read(kBase).value == 0x1234);
    CHECK(rig.write(kBase + 0x1000, 1).status == mm::AccessStatus::AccessViolation);
    CHECK(charge(rig) == 3);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// VirtualAlloc: parameter errors

TEST_CASE("private memory accepts NOACCESS, READONLY, READWRITE, EXECUTE, EXECUTE_READ, EXECUTE_READWRITE (+GUARD/NOCACHE)",
          "[virtual-alloc][protection]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p, 64, 256));
    for (uint32_t prot : {page::kNoAccess, page::kReadOnly, page::kReadWrite, page::kExecute, page::kExecuteRead,
                          page::kExecuteReadWrite, page::kReadWrite | page::kGuard, page::kReadOnly | page::kNoCache,
                          page::kExecuteRead | page::kGuard}) {
        INFO("protection " << mm::protection_name(prot));
        const mm::Result r = rig.alloc(0, 0x1000, kCom, prot);
        REQUIRE(r.ok);
        check_mbi(rig.query(r.value), r.value, r.value, prot, 0x1000, memf::kCommit, prot, memf::kPrivate);
    }
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("WRITECOPY, EXECUTE_WRITECOPY, 0 and two base values are ERROR_INVALID_PARAMETER, and nothing changes",
          "[virtual-alloc][protection]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, kRes, page::kReadWrite).ok);
    const auto before = test::snapshot(rig.machine);
    for (uint32_t prot : {page::kWriteCopy, page::kExecuteWriteCopy, 0u, page::kReadOnly | page::kReadWrite,
                          page::kReadOnly | page::kExecute, page::kNoAccess | page::kGuard,
                          page::kReadWrite | page::kGuard | page::kNoCache, page::kWriteCopy | page::kGuard}) {
        INFO("protection " << prot);
        for (uint32_t type : {kRes, kCom, kBoth}) {
            const mm::Result r = rig.alloc(type == kCom ? kBase : 0, 0x1000, type, prot);
            CHECK_FALSE(r.ok);
            CHECK(r.error == Error::InvalidParameter);
        }
    }
    test::require_same_snapshot(before, test::snapshot(rig.machine));
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("size 0 is ERROR_INVALID_PARAMETER under nt and ERROR_NOT_ENOUGH_MEMORY under win95", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    const mm::Result r = rig.alloc(0, 0, kRes, page::kNoAccess);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (p == Personality::Nt ? Error::InvalidParameter : Error::NotEnoughMemory));
    CHECK(rig.mm().space(rig.space).vads().empty());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("an allocation type without MEM_RESERVE or MEM_COMMIT, or with other bits, is ERROR_INVALID_PARAMETER",
          "[virtual-alloc]") {
    test::Rig rig(test::make_config(Personality::Nt));
    for (uint32_t type : {0u, memf::kTopDown, memf::kDecommit, memf::kRelease, kRes | memf::kRelease,
                          kCom | memf::kFree}) {
        INFO("type " << type);
        const mm::Result r = rig.alloc(0, 0x1000, type, page::kReadWrite);
        CHECK_FALSE(r.ok);
        CHECK(r.error == Error::InvalidParameter);
    }
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a reservation that overlaps an existing one fails with ERROR_INVALID_ADDRESS", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase + 0x10000, 0x20000, kRes, page::kReadWrite).ok);
    // Same base; inside; overlapping the start; overlapping the end; and a base that 64 KB
    // rounding moves into the region.
    for (uint32_t base : {kBase + 0x10000, kBase + 0x20000, kBase, kBase + 0x20000 + 0xF000, kBase + 0x11000}) {
        for (uint32_t type : {kRes, kBoth}) {
            INFO("base " << base << " type " << type);
            const mm::Result r = rig.alloc(base, 0x11000, type, page::kReadWrite);
            CHECK_FALSE(r.ok);
            CHECK(r.error == Error::InvalidAddress);
        }
    }
    // Adjacent below is fine.
    CHECK(rig.alloc(kBase, 0x10000, kRes, page::kReadWrite).ok);
    CHECK(charge(rig) == 0);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a base below the lowest allocatable address is ERROR_INVALID_PARAMETER (kernel32's 64 KB check)",
          "[virtual-alloc][fidelity]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    for (uint32_t base : {1u, 0x1000u, 0xFFFFu, lowest(p) - 0x1000}) {
        for (uint32_t type : {kRes, kCom, kBoth}) {
            INFO("base " << base << " type " << type);
            const mm::Result r = rig.alloc(base, 0x1000, type, page::kReadWrite);
            CHECK_FALSE(r.ok);
            CHECK(r.error == Error::InvalidParameter);
        }
    }
    CHECK(rig.mm().space(rig.space).vads().empty());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a reservation reaching past the end of user space is ERROR_INVALID_PARAMETER", "[virtual-alloc]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    const uint32_t end = mm::layout_of(p).user_end;
    for (uint32_t base : {end - 0x10000, end, 0x90000000u, 0xC0000000u}) {
        INFO("base " << base);
        const mm::Result r = rig.alloc(base, 0x20000, kRes, page::kReadWrite);
        CHECK_FALSE(r.ok);
        CHECK(r.error == Error::InvalidParameter);
    }
    CHECK(rig.alloc(end - 0x10000, 0x10000, kRes, page::kReadWrite).ok);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// Commit charge and the commit limit

TEST_CASE("a commit past the commit limit fails with ERROR_COMMITMENT_LIMIT and changes nothing", "[commit]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p, 16, 16));
    const uint32_t limit = rig.mm().commit_limit();
    REQUIRE(limit == 32);
    const mm::Result a = rig.alloc(0, 20 * 0x1000, kCom, page::kReadWrite);
    REQUIRE(a.ok);
    REQUIRE(rig.alloc(kBase, 0x10000, kRes, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase, 0x2000, kCom, page::kReadWrite).ok);
    CHECK(charge(rig) == 22);
    const auto before = test::snapshot(rig.machine);

    const mm::Result big = rig.alloc(0, 11 * 0x1000, kCom, page::kReadWrite);
    CHECK_FALSE(big.ok);
    CHECK(big.error == Error::CommitmentLimit);
    // 2 of these 12 pages are committed already: 10 fresh pages fit exactly.
    const mm::Result inside_too_big = rig.alloc(kBase, 13 * 0x1000, kCom, page::kReadWrite);
    CHECK_FALSE(inside_too_big.ok);
    CHECK(inside_too_big.error == Error::CommitmentLimit);
    test::require_same_snapshot(before, test::snapshot(rig.machine));

    REQUIRE(rig.alloc(kBase, 12 * 0x1000, kCom, page::kReadWrite).ok);
    CHECK(charge(rig) == limit);
    CHECK_FALSE(rig.alloc(0, 0x1000, kCom, page::kReadWrite).ok);
    // A reservation charges nothing and still works at the limit.
    CHECK(rig.alloc(0, 0x100000, kRes, page::kReadWrite).ok);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("decommit and release give the commit charge back", "[commit]") {
    test::Rig rig(test::make_config(Personality::Nt, 16, 16));
    const mm::Result a = rig.alloc(0, 8 * 0x1000, kCom, page::kReadWrite);
    REQUIRE(a.ok);
    REQUIRE(rig.mm().virtual_free(rig.space, a.value + 0x1000, 0x2000, memf::kDecommit).ok);
    CHECK(charge(rig) == 6);
    REQUIRE(rig.mm().virtual_free(rig.space, a.value, 0, memf::kRelease).ok);
    CHECK(charge(rig) == 0);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// VirtualQuery

TEST_CASE("VirtualQuery of free memory: AllocationBase 0, AllocationProtect 0, MEM_FREE, NOACCESS, Type 0",
          "[virtual-query]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, kRes, page::kReadWrite).ok);
    // From a page in the middle of a gap up to the next region.
    check_mbi(rig.query(kBase - 0x3456), kBase - 0x4000, 0, 0, 0x4000, memf::kFree, page::kNoAccess, 0);
    // After the last region, up to the end of user space.
    check_mbi(rig.query(kBase + 0x10000), kBase + 0x10000, 0, 0, mm::layout_of(p).user_end - (kBase + 0x10000),
              memf::kFree, page::kNoAccess, 0);
    // From address 0.
    // (Under win95 the free NULL page ends where the compatibility arena begins.)
    check_mbi(rig.query(0), 0, 0, 0, p == Personality::Win95 ? 0x1000 : kBase, memf::kFree, page::kNoAccess, 0);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualQuery answers the run of pages from the queried page on with the same state and protection",
          "[virtual-query]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, kRes, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase, 0x5000, kCom, page::kReadWrite).ok);
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase + 0x2000, 0x1000, page::kReadOnly).ok);
    REQUIRE(rig.write(kBase + 0x1000, 5).ok());  // a resident page does not split the run
    check_mbi(rig.query(kBase), kBase, kBase, page::kReadWrite, 0x2000, memf::kCommit, page::kReadWrite,
              memf::kPrivate);
    check_mbi(rig.query(kBase + 0x1FFF), kBase + 0x1000, kBase, page::kReadWrite, 0x1000, memf::kCommit,
              page::kReadWrite, memf::kPrivate);
    check_mbi(rig.query(kBase + 0x2000), kBase + 0x2000, kBase, page::kReadWrite, 0x1000, memf::kCommit,
              page::kReadOnly, memf::kPrivate);
    check_mbi(rig.query(kBase + 0x3000), kBase + 0x3000, kBase, page::kReadWrite, 0x2000, memf::kCommit,
              page::kReadWrite, memf::kPrivate);
    check_mbi(rig.query(kBase + 0x5000), kBase + 0x5000, kBase, page::kReadWrite, 0xB000, memf::kReserve,
              reserved_protect(p), memf::kPrivate);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualQuery runs stop at the end of the region even when the next region looks the same",
          "[virtual-query]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase + 0x10000, 0x10000, kBoth, page::kReadWrite).ok);
    CHECK(rig.query(kBase).region_size == 0x10000);
    CHECK(rig.query(kBase + 0x10000).allocation_base == kBase + 0x10000);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualQuery runs span page tables, present or not", "[virtual-query]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    // 9 MB: page tables for 0x01000000, 0x01400000 and 0x01800000; only the second one will exist.
    REQUIRE(rig.alloc(0x01000000, 0x00900000, memf::kReserve, page::kReadWrite).ok);
    REQUIRE(rig.alloc(0x01500000, 0x2000, kCom, page::kReadWrite).ok);
    REQUIRE(rig.write(0x01500000, 1).ok());
    check_mbi(rig.query(0x01001000), 0x01001000, 0x01000000, page::kReadWrite, 0x004FF000, memf::kReserve,
              reserved_protect(p), memf::kPrivate);
    check_mbi(rig.query(0x01500000), 0x01500000, 0x01000000, page::kReadWrite, 0x2000, memf::kCommit,
              page::kReadWrite, memf::kPrivate);
    check_mbi(rig.query(0x01502000), 0x01502000, 0x01000000, page::kReadWrite, 0x003FE000, memf::kReserve,
              reserved_protect(p), memf::kPrivate);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualQuery above user space is ERROR_INVALID_PARAMETER", "[virtual-query][fidelity]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    for (uint32_t va : {mm::layout_of(p).user_end, 0x80000000u, 0xC0000000u, 0xFFFFFFFFu}) {
        // win95 answers for its shared arena (test_shared_arena.cpp); above it, it refuses.
        if (p == Personality::Win95 && va < 0xC0000000u) continue;
        mm::MemoryBasicInformation mbi;
        const mm::Result r = rig.mm().virtual_query(rig.space, va, mbi);
        INFO("va " << va);
        CHECK_FALSE(r.ok);
        CHECK(r.error == Error::InvalidParameter);
    }
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// VirtualProtect

TEST_CASE("VirtualProtect returns the old protection of the first page and leaves AllocationProtect alone",
          "[virtual-protect]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase + 0x1000, 0x1000, page::kExecuteRead).ok);
    const mm::Result r = rig.mm().virtual_protect(rig.space, kBase + 0x1234, 0x2000, page::kReadOnly);
    REQUIRE(r.ok);
    CHECK(r.value == page::kExecuteRead);
    // 0x1234 + 0x2000 rounds out to pages 1..3.
    check_mbi(rig.query(kBase + 0x1000), kBase + 0x1000, kBase, page::kReadWrite, 0x3000, memf::kCommit,
              page::kReadOnly, memf::kPrivate);
    CHECK(rig.query(kBase).protect == page::kReadWrite);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualProtect on pages that are not all committed fails (nt 487, win95 87) and changes nothing",
          "[virtual-protect]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, kRes, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase, 0x1000, kCom, page::kReadWrite).ok);
    const auto before = test::snapshot(rig.machine);
    for (auto [va, size] : {std::pair<uint32_t, uint32_t>{kBase + 0x1000, 0x1000}, {kBase, 0x2000},
                            {kBase, 0x20000}, {kBase + 0x20000, 0x1000}}) {
        INFO("va " << va << " size " << size);
        const mm::Result r = rig.mm().virtual_protect(rig.space, va, size, page::kReadOnly);
        CHECK_FALSE(r.ok);
        CHECK(r.error == uncommitted_error(p));
    }
    test::require_same_snapshot(before, test::snapshot(rig.machine));
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualProtect of private memory to WRITECOPY or an invalid value is ERROR_INVALID_PARAMETER",
          "[virtual-protect][protection]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x1000, kBoth, page::kReadWrite).ok);
    for (uint32_t prot : {page::kWriteCopy, page::kExecuteWriteCopy, 0u, page::kReadWrite | page::kReadOnly,
                          page::kReadWrite | page::kGuard | page::kNoCache}) {
        INFO("protection " << prot);
        const mm::Result r = rig.mm().virtual_protect(rig.space, kBase, 0x1000, prot);
        CHECK_FALSE(r.ok);
        CHECK(r.error == Error::InvalidParameter);
    }
    CHECK(rig.query(kBase).protect == page::kReadWrite);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("an invalid protection is ERROR_INVALID_PARAMETER even on free memory: NT checks it first",
          "[virtual-protect][fidelity]") {
    test::Rig rig(test::make_config(Personality::Nt));
    const mm::Result r = rig.mm().virtual_protect(rig.space, kBase, 0x1000, page::kReadOnly | page::kExecute);
    CHECK_FALSE(r.ok);
    CHECK(r.error == Error::InvalidParameter);
    const mm::Result free_mem = rig.mm().virtual_protect(rig.space, kBase, 0x1000, page::kReadOnly);
    CHECK(free_mem.error == Error::InvalidAddress);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualProtect keeps resident contents and the page's Dirty state", "[virtual-protect]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p, 12, 32, mm::Policy::Fifo));
    REQUIRE(rig.alloc(kBase, 0x1000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase + 8, 0xFEED).ok());
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase, 0x1000, page::kReadOnly).ok);
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase, 0x1000, page::kNoAccess).ok);
    CHECK(rig.read(kBase + 8).status == mm::AccessStatus::AccessViolation);
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase, 0x1000, page::kReadOnly).ok);
    // Push the page out of RAM: a page whose Dirty bit had been lost would come back as zeros.
    REQUIRE(rig.alloc(0x01000000, 0x20000, kBoth, page::kReadWrite).ok);
    for (uint32_t i = 0; i < 32; ++i) REQUIRE(rig.write(0x01000000 + i * 0x1000, i).ok());
    CHECK(rig.read(kBase + 8).value == 0xFEED);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// VirtualFree

TEST_CASE("VirtualFree with MEM_RELEASE needs size 0 (87) and the allocation base (487)", "[virtual-free]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth, page::kReadWrite).ok);
    const mm::Result sized = rig.mm().virtual_free(rig.space, kBase, 0x4000, memf::kRelease);
    CHECK_FALSE(sized.ok);
    CHECK(sized.error == Error::InvalidParameter);
    const mm::Result inside = rig.mm().virtual_free(rig.space, kBase + 0x1000, 0, memf::kRelease);
    CHECK_FALSE(inside.ok);
    CHECK(inside.error == Error::InvalidAddress);
    const mm::Result nothing = rig.mm().virtual_free(rig.space, kBase + 0x10000, 0, memf::kRelease);
    CHECK_FALSE(nothing.ok);
    CHECK(nothing.error == Error::InvalidAddress);
    CHECK(rig.query(kBase).state == memf::kCommit);
    REQUIRE(rig.mm().virtual_free(rig.space, kBase, 0, memf::kRelease).ok);
    check_mbi(rig.query(kBase), kBase, 0, 0, mm::layout_of(p).user_end - kBase, memf::kFree, page::kNoAccess, 0);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_RELEASE compares pages: an address inside the base page releases the region",
          "[virtual-free][fidelity]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.mm().virtual_free(rig.space, kBase + 0x123, 0, memf::kRelease).ok);
    CHECK(rig.query(kBase).state == memf::kFree);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualFree with type 0, MEM_FREE or both flags is ERROR_INVALID_PARAMETER", "[virtual-free]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, kBoth, page::kReadWrite).ok);
    for (auto [size, type] : {std::pair<uint32_t, uint32_t>{0x10000, 0}, {0, memf::kFree},
                              {0, memf::kDecommit | memf::kRelease}, {0x1000, memf::kCommit}}) {
        INFO("type " << type);
        const mm::Result r = rig.mm().virtual_free(rig.space, kBase, size, type);
        CHECK_FALSE(r.ok);
        CHECK(r.error == Error::InvalidParameter);
    }
    CHECK(rig.query(kBase).state == memf::kCommit);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_DECOMMIT rounds both ends out to pages and may cover reserved pages", "[virtual-free]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, kRes, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase, 0x4000, kCom, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase + 0x1000, 7).ok());
    REQUIRE(rig.mm().virtual_free(rig.space, kBase + 0x1800, 0x1000, memf::kDecommit).ok);
    check_mbi(rig.query(kBase + 0x1000), kBase + 0x1000, kBase, page::kReadWrite, 0x2000, memf::kReserve,
              reserved_protect(p), memf::kPrivate);
    CHECK(rig.query(kBase).state == memf::kCommit);
    CHECK(rig.query(kBase + 0x3000).state == memf::kCommit);
    CHECK(charge(rig) == 2);
    // A range that also covers reserved pages is fine.
    REQUIRE(rig.mm().virtual_free(rig.space, kBase, 0x8000, memf::kDecommit).ok);
    check_mbi(rig.query(kBase), kBase, kBase, page::kReadWrite, 0x10000, memf::kReserve, reserved_protect(p),
              memf::kPrivate);
    CHECK(charge(rig) == 0);
    // Reading decommitted memory fails.
    const mm::AccessResult a = rig.read(kBase + 0x1000);
    CHECK(a.status == mm::AccessStatus::AccessViolation);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a decommitted page of a MEM_RESERVE|MEM_COMMIT region reads as reserved and can be committed again",
          "[virtual-free]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x3000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase + 0x1000, 0x77).ok());
    REQUIRE(rig.mm().virtual_free(rig.space, kBase + 0x1000, 0x1000, memf::kDecommit).ok);
    check_mbi(rig.query(kBase + 0x1000), kBase + 0x1000, kBase, page::kReadWrite, 0x1000, memf::kReserve,
              reserved_protect(p), memf::kPrivate);
    CHECK(rig.read(kBase + 0x1000).reason == mm::AvReason::Decommitted);
    REQUIRE(rig.alloc(kBase + 0x1000, 0x1000, kCom, page::kReadOnly).ok);
    CHECK(rig.read(kBase + 0x1000).value == 0);  // a new commit is demand-zero
    CHECK(charge(rig) == 3);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_DECOMMIT of free memory is 487, past the end of the region it is 87 (STATUS_UNABLE_TO_FREE_VM)",
          "[virtual-free][fidelity]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth, page::kReadWrite).ok);
    const mm::Result free_mem = rig.mm().virtual_free(rig.space, kBase + 0x10000, 0x1000, memf::kDecommit);
    CHECK_FALSE(free_mem.ok);
    CHECK(free_mem.error == Error::InvalidAddress);
    const mm::Result past = rig.mm().virtual_free(rig.space, kBase + 0x3000, 0x2000, memf::kDecommit);
    CHECK_FALSE(past.ok);
    CHECK(past.error == Error::InvalidParameter);
    CHECK(charge(rig) == 4);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_DECOMMIT with size 0 decommits the whole region from its base, elsewhere it is 487",
          "[virtual-free][fidelity]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth, page::kReadWrite).ok);
    const mm::Result inside = rig.mm().virtual_free(rig.space, kBase + 0x1000, 0, memf::kDecommit);
    CHECK_FALSE(inside.ok);
    CHECK(inside.error == Error::InvalidAddress);
    CHECK(charge(rig) == 4);
    REQUIRE(rig.mm().virtual_free(rig.space, kBase, 0, memf::kDecommit).ok);
    check_mbi(rig.query(kBase), kBase, kBase, page::kReadWrite, 0x4000, memf::kReserve, reserved_protect(p),
              memf::kPrivate);
    CHECK(charge(rig) == 0);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("releasing a region frees its frames, page tables and pagefile slots", "[virtual-free]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p, 12, 64, mm::Policy::Fifo));
    const uint32_t free0 = rig.mm().frames_free();
    const mm::Result r = rig.alloc(0, 0x20000, kCom, page::kReadWrite);
    REQUIRE(r.ok);
    for (uint32_t i = 0; i < 32; ++i) REQUIRE(rig.write(r.value + i * 0x1000, i).ok());
    REQUIRE(rig.mm().pagefile().used() > 0);
    REQUIRE(rig.mm().virtual_free(rig.space, r.value, 0, memf::kRelease).ok);
    CHECK(rig.mm().pagefile().used() == 0);
    CHECK(rig.mm().frames_free() == free0);
    CHECK(charge(rig) == 0);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// Guard pages

TEST_CASE("a GUARD page raises a guard-page fault on first touch, loses GUARD, then works", "[guard]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    const uint32_t type = GENERATE(kBoth, kCom);  // zero PTE asked of the VAD, or a demand-zero PTE
    test::Rig rig(test::make_config(p));
    uint32_t base = kBase;
    if (type == kCom) REQUIRE(rig.alloc(kBase, 0x10000, kRes, page::kNoAccess).ok);
    REQUIRE(rig.alloc(kBase, 0x2000, type, page::kReadWrite | page::kGuard).ok);
    CHECK(rig.query(base).protect == (page::kReadWrite | page::kGuard));

    const mm::AccessResult first = rig.write(base + 4, 0x99);
    CHECK(first.status == mm::AccessStatus::GuardPage);
    CHECK((first.faults & (1u << uint32_t(mm::FaultKind::GuardPage))) != 0);
    CHECK(rig.mm().counter(mm::Counter::GuardPageFaults) == 1);
    CHECK(rig.query(base).protect == page::kReadWrite);
    CHECK(rig.query(base + 0x1000).protect == (page::kReadWrite | page::kGuard));
    CHECK(rig.query(base).allocation_protect == (type == kCom ? page::kNoAccess : page::kReadWrite | page::kGuard));
    REQUIRE_INVARIANTS(rig);

    // The faulting write did not happen; the next one does.
    CHECK(rig.read(base + 4).value == 0);
    REQUIRE(rig.write(base + 4, 0x99).ok());
    CHECK(rig.read(base + 4).value == 0x99);
    CHECK(rig.mm().counter(mm::Counter::GuardPageFaults) == 1);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualProtect to GUARD on a resident page keeps its data for after the guard fault", "[guard]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x1000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase, 0x4242).ok());
    const mm::Result r = rig.mm().virtual_protect(rig.space, kBase, 0x1000, page::kReadWrite | page::kGuard);
    REQUIRE(r.ok);
    CHECK(r.value == page::kReadWrite);
    CHECK(rig.query(kBase).protect == (page::kReadWrite | page::kGuard));
    CHECK(rig.read(kBase).status == mm::AccessStatus::GuardPage);
    CHECK(rig.read(kBase).value == 0x4242);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// The invariant that a PTE honours the protection VirtualQuery reports (fidelity rule 1)

TEST_CASE("the invariant checker catches a PTE that does not honour VirtualQuery's protection", "[vm][invariants]") {
    test::Rig rig(test::make_config(Personality::Nt));
    const mm::Result r = rig.alloc(0, 0x2000, kBoth, page::kReadOnly);
    REQUIRE(r.ok);
    REQUIRE(rig.read(r.value).ok());
    REQUIRE(rig.check_invariants().empty());
    // The kernel debugger sets R/W in the READONLY page's PTE through the self-map (0xC0000000):
    // VirtualQuery still says READONLY, and the checker says so.
    const uint32_t pte_va = 0xC0000000u + (r.value >> 12) * 4;
    const uint32_t pde = rig.mm().ram().read_u32(rig.mm().space(rig.space).cr3() + (r.value >> 22) * 4);
    const uint32_t pte = rig.mm().ram().read_u32((pde & ~0xFFFu) + ((r.value >> 12) & 0x3FF) * 4);
    REQUIRE(rig.mm().debugger_write(rig.space, pte_va, 4, pte | x86::Pte::kWrite).ok());
    const auto bad = rig.check_invariants();
    REQUIRE_FALSE(bad.empty());
    CHECK(bad.front().find("is not writable for VirtualQuery") != std::string::npos);
    // Committing again as READWRITE gives a PTE that honours it; and back to READONLY.
    REQUIRE(rig.alloc(r.value, 0x1000, kCom, page::kReadWrite).ok);
    CHECK(rig.check_invariants().empty());
    REQUIRE(rig.alloc(r.value, 0x1000, kCom, page::kReadOnly).ok);
    CHECK(rig.check_invariants().empty());
    CHECK(!rig.write(r.value, 1).ok());
}
