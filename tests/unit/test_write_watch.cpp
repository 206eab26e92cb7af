// MEM_RESET and write watch (mm/WriteWatch.cpp; docs/fidelity.md "MEM_RESET and write watch"):
// what a reset does to a private page in each of its states, the write-watch bitmap's marks,
// GetWriteWatch's count and reset flag, the refusals, and undo/redo of both.
#include <catch2/catch.hpp>

#include "TestHelpers.h"

using namespace pagelab;
using mm::Error;
using mm::Personality;
namespace page = mm::page;
namespace memf = mm::mem;

namespace {
constexpr uint32_t kBoth = memf::kReserve | memf::kCommit;
constexpr uint32_t kBase = 0x00500000;

const mm::PfnEntry& pfn_of(test::Rig& rig, uint32_t va) {
    return rig.mm().pfn()[rig.mm().pte_info(rig.space, va).pte >> 12];
}
std::vector<uint32_t> watched(test::Rig& rig, uint32_t va, uint32_t size, uint32_t flags = 0, uint32_t count = 64) {
    std::vector<uint32_t> out;
    const mm::Result r = rig.mm().get_write_watch(rig.space, flags, va, size, count, out);
    REQUIRE(r.ok);
    CHECK(r.value == out.size());
    return out;
}
}  // namespace

TEST_CASE("MEM_RESET makes a dirty resident page clean with no pagefile copy, its bytes stay", "[mem-reset]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x2000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase, 0x1234).ok());
    REQUIRE(rig.mm().pte_info(rig.space, kBase).pte & x86::Pte::kDirty);
    const mm::Result r = rig.alloc(kBase, 0x1000, memf::kReset, page::kNoAccess);
    REQUIRE(r.ok);
    CHECK(r.value == kBase);
    CHECK_FALSE(rig.mm().pte_info(rig.space, kBase).pte & x86::Pte::kDirty);
    CHECK_FALSE(pfn_of(rig, kBase).flags & mm::PfnEntry::kModified);
    CHECK(rig.read(kBase).value == 0x1234);
    // VirtualQuery is unchanged: one committed READWRITE run over both pages.
    CHECK(rig.query(kBase).region_size == 0x2000);
    CHECK(rig.query(kBase).protect == page::kReadWrite);
    // Trimmed now, the page goes to the standby list (clean), not the modified list.
    rig.mm().trim(rig.space);
    const uint32_t frame = mm::SoftwarePte::frame(rig.mm().pte_info(rig.space, kBase).pte);
    CHECK(rig.mm().pfn()[frame].state == mm::FrameState::Standby);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_RESET moves a modified page to standby and frees a pagefile page's slot", "[mem-reset]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x1000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase, 7).ok());
    rig.mm().trim(rig.space);
    const uint32_t frame = mm::SoftwarePte::frame(rig.mm().pte_info(rig.space, kBase).pte);
    REQUIRE(rig.mm().pfn()[frame].state == mm::FrameState::Modified);
    REQUIRE(rig.alloc(kBase, 0x1000, memf::kReset, page::kReadWrite).ok);
    CHECK(rig.mm().pfn()[frame].state == mm::FrameState::Standby);
    CHECK_FALSE(rig.mm().pfn()[frame].flags & mm::PfnEntry::kModified);
    CHECK(rig.read(kBase).value == 7);  // a soft fault: the frame still holds it
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("MEM_RESET's refusals", "[mem-reset]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x2000, memf::kReserve, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase, 0x1000, memf::kCommit, page::kReadWrite).ok);
    const auto before = test::snapshot(rig.machine);
    CHECK(rig.alloc(kBase, 0x1000, memf::kReset | memf::kCommit, page::kReadWrite).error == Error::InvalidParameter);
    CHECK(rig.alloc(kBase, 0x1000, memf::kReset, page::kWriteCopy | page::kReadOnly).error == Error::InvalidParameter);
    CHECK(rig.alloc(kBase, 0, memf::kReset, page::kReadWrite).error == Error::InvalidParameter);
    CHECK(rig.alloc(kBase, 0x2000, memf::kReset, page::kReadWrite).error == Error::InvalidAddress);  // page 2 reserved
    CHECK(rig.alloc(kBase + 0x10000, 0x1000, memf::kReset, page::kReadWrite).error == Error::InvalidAddress);  // free
    test::require_same_snapshot(before, test::snapshot(rig.machine));
    test::Rig w95(test::make_config(Personality::Win95));
    REQUIRE(w95.alloc(kBase, 0x1000, kBoth, page::kReadWrite).ok);
    CHECK(w95.alloc(kBase, 0x1000, memf::kReset, page::kReadWrite).error == Error::InvalidParameter);
}

TEST_CASE("a write-watch region marks each page written, GetWriteWatch's count and reset flag", "[write-watch]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x10000, kBoth | memf::kWriteWatch, page::kReadWrite).ok);
    CHECK(rig.query(kBase).type == memf::kPrivate);
    CHECK(watched(rig, kBase, 0x10000).empty());
    REQUIRE(rig.write(kBase + 0x1001, 1, 1).ok());
    REQUIRE(rig.write(kBase + 0x4FFE, 0xDEADBEEF).ok());  // straddles pages 4 and 5
    REQUIRE(rig.read(kBase + 0x7000).ok());               // a read marks nothing
    CHECK(watched(rig, kBase, 0x10000) == std::vector<uint32_t>{kBase + 0x1000, kBase + 0x4000, kBase + 0x5000});
    CHECK(watched(rig, kBase + 0x5000, 0x1000) == std::vector<uint32_t>{kBase + 0x5000});
    // count 1 with the reset flag: the lowest page is reported and only it is cleared.
    CHECK(watched(rig, kBase, 0x10000, memf::kWriteWatchFlagReset, 1) == std::vector<uint32_t>{kBase + 0x1000});
    CHECK(watched(rig, kBase, 0x10000) == std::vector<uint32_t>{kBase + 0x4000, kBase + 0x5000});
    REQUIRE(rig.mm().reset_write_watch(rig.space, kBase + 0x5000, 0x1000).ok);
    CHECK(watched(rig, kBase, 0x10000) == std::vector<uint32_t>{kBase + 0x4000});
    // Trimming, protection changes and decommitting keep the marks.
    rig.mm().trim(rig.space);
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase, 0x10000, page::kReadOnly).ok);
    REQUIRE(rig.mm().virtual_free(rig.space, kBase + 0x4000, 0x1000, memf::kDecommit).ok);
    CHECK(watched(rig, kBase, 0x10000) == std::vector<uint32_t>{kBase + 0x4000});
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("GetWriteWatch and ResetWriteWatch refuse with ERROR_INVALID_PARAMETER, win95 has neither", "[write-watch]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x2000, kBoth | memf::kWriteWatch, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase + 0x10000, 0x1000, kBoth, page::kReadWrite).ok);
    std::vector<uint32_t> out;
    auto get = [&](uint32_t flags, uint32_t va, uint32_t size, uint32_t count) {
        return rig.mm().get_write_watch(rig.space, flags, va, size, count, out).error;
    };
    CHECK(get(0, kBase + 0x10000, 0x1000, 64) == Error::InvalidParameter);  // not a write-watch region
    CHECK(get(0, kBase, 0, 64) == Error::InvalidParameter);
    CHECK(get(0, kBase, 0x3000, 64) == Error::InvalidParameter);  // past the region
    CHECK(get(0, kBase, 0x2000, 0) == Error::InvalidParameter);
    CHECK(get(2, kBase, 0x2000, 64) == Error::InvalidParameter);  // an unknown flag
    CHECK(get(0, 0, 0x1000, 64) == Error::InvalidParameter);
    CHECK(rig.mm().reset_write_watch(rig.space, kBase, 0).error == Error::InvalidParameter);
    CHECK(rig.alloc(0, 0x1000, memf::kWriteWatch, page::kReadWrite).error == Error::InvalidParameter);
    CHECK(rig.alloc(kBase, 0x1000, memf::kCommit | memf::kWriteWatch, page::kReadWrite).error == Error::InvalidParameter);
    test::Rig w95(test::make_config(Personality::Win95));
    CHECK(w95.alloc(kBase, 0x1000, kBoth | memf::kWriteWatch, page::kReadWrite).error == Error::InvalidParameter);
    CHECK(w95.mm().get_write_watch(w95.space, 0, kBase, 0x1000, 64, out).error == Error::CallNotImplemented);
    CHECK(w95.mm().reset_write_watch(w95.space, kBase, 0x1000).error == Error::CallNotImplemented);
}

TEST_CASE("undo and redo restore the write-watch marks and a reset page", "[write-watch][mem-reset][undo]") {
    test::Rig rig(test::make_config(Personality::Nt));
    os::Machine& m = rig.machine;
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth | memf::kWriteWatch, page::kReadWrite).ok);
    m.sync_position();
    const size_t start = m.position();
    const auto before = test::snapshot(m);
    REQUIRE(rig.write(kBase + 0x2000, 5).ok());
    REQUIRE(rig.alloc(kBase + 0x2000, 0x1000, memf::kReset, page::kReadWrite).ok);
    rig.mm().trim(rig.space);
    m.sync_position();
    const size_t end = m.position();
    const auto after = test::snapshot(m);
    m.seek(start);
    test::require_same_snapshot(before, test::snapshot(m));
    m.seek(end);
    test::require_same_snapshot(after, test::snapshot(m));
    CHECK(watched(rig, kBase, 0x4000) == std::vector<uint32_t>{kBase + 0x2000});
    REQUIRE_INVARIANTS(rig);
}
