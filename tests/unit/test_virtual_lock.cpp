// VirtualLock / VirtualUnlock (mm/VirtualLock.cpp; docs/fidelity.md "VirtualLock and VirtualUnlock"):
// a locked page is resident and no trim or replacement policy takes it; when every frame is
// locked a fault fails and the machine stays consistent; every refusal with its Windows error;
// protection, decommit and release let the lock go; win95's stubs; undo/redo.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "TestHelpers.h"

using namespace pagelab;
using mm::Error;
using mm::Personality;
namespace page = mm::page;
namespace memf = mm::mem;

namespace {
constexpr uint32_t kBoth = memf::kReserve | memf::kCommit;
constexpr uint32_t kBase = 0x00500000;
constexpr uint32_t kOther = 0x00800000;

mm::Result lock(test::Rig& rig, uint32_t va, uint32_t size) {
    uint32_t faults = 0;
    return rig.mm().virtual_lock(rig.space, va, size, faults);
}
mm::Result unlock(test::Rig& rig, uint32_t va, uint32_t size) { return rig.mm().virtual_unlock(rig.space, va, size); }
uint32_t pte_of(test::Rig& rig, uint32_t va) { return rig.mm().pte_info(rig.space, va).pte; }
bool valid(test::Rig& rig, uint32_t va) { return (pte_of(rig, va) & x86::Pte::kPresent) != 0; }
bool locked_frame(test::Rig& rig, uint32_t va) {
    return valid(rig, va) && (rig.mm().pfn()[pte_of(rig, va) >> 12].flags & mm::PfnEntry::kWsLocked);
}
}  // namespace

TEST_CASE("VirtualLock faults the pages in and trim passes over them, after VirtualUnlock trim takes them", "[lock]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth, page::kReadWrite).ok);
    uint32_t faults = 0;
    REQUIRE(rig.mm().virtual_lock(rig.space, kBase + 0x10, 0x1FF0, faults).ok);  // pages 0 and 1
    CHECK((faults & (1u << uint32_t(mm::FaultKind::DemandZero))) != 0);
    CHECK(locked_frame(rig, kBase));
    CHECK(locked_frame(rig, kBase + 0x1000));
    CHECK_FALSE(valid(rig, kBase + 0x2000));
    CHECK(rig.mm().locked_pages(rig.space) == 2);
    REQUIRE(rig.write(kBase + 0x3000, 1).ok());
    rig.mm().trim(rig.space);
    CHECK(locked_frame(rig, kBase));
    CHECK(locked_frame(rig, kBase + 0x1000));
    CHECK_FALSE(valid(rig, kBase + 0x3000));  // the unlocked page was trimmed
    REQUIRE_INVARIANTS(rig);
    // Locking again is no new lock (NT: STATUS_WAS_LOCKED, a success).
    REQUIRE(lock(rig, kBase, 0x2000).ok);
    CHECK(rig.mm().locked_pages(rig.space) == 2);
    REQUIRE(unlock(rig, kBase, 0x2000).ok);
    CHECK(rig.mm().locked_pages(rig.space) == 0);
    CHECK(valid(rig, kBase));  // unlocking does not trim
    rig.mm().trim(rig.space);
    CHECK_FALSE(valid(rig, kBase));
    CHECK_FALSE(valid(rig, kBase + 0x1000));
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("every replacement policy passes over locked frames under pressure", "[lock][replacement]") {
    for (const mm::Policy policy : {mm::Policy::Fifo, mm::Policy::Lru, mm::Policy::Clock, mm::Policy::WorkingSet}) {
        INFO(mm::policy_name(policy));
        test::Rig rig(test::make_config(Personality::Nt, 32, 256, policy));
        REQUIRE(rig.alloc(kBase, 0x3000, kBoth, page::kReadWrite).ok);
        for (uint32_t i = 0; i < 3; ++i) REQUIRE(rig.write(kBase + i * 0x1000, 0x100 + i).ok());
        REQUIRE(lock(rig, kBase, 0x3000).ok);
        uint32_t frames[3];
        for (uint32_t i = 0; i < 3; ++i) frames[i] = pte_of(rig, kBase + i * 0x1000) >> 12;
        // Twice as many other pages as there are frames: every unlocked page is pushed out.
        REQUIRE(rig.alloc(kOther, 64 * 0x1000, kBoth, page::kReadWrite).ok);
        for (uint32_t i = 0; i < 64; ++i) REQUIRE(rig.write(kOther + i * 0x1000, i).ok());
        for (uint32_t i = 0; i < 3; ++i) {
            CHECK(locked_frame(rig, kBase + i * 0x1000));
            CHECK(pte_of(rig, kBase + i * 0x1000) >> 12 == frames[i]);
            CHECK(rig.read(kBase + i * 0x1000).value == 0x100 + i);
        }
        CHECK(rig.mm().counters()[size_t(mm::Counter::PagefileWrites)] > 0);
        REQUIRE_INVARIANTS(rig);
    }
}

TEST_CASE("when every frame is locked a fault fails and the machine stays consistent", "[lock][replacement]") {
    test::Rig rig(test::make_config(Personality::Nt, 24, 256));
    REQUIRE(rig.alloc(kBase, 40 * 0x1000, kBoth, page::kReadWrite).ok);
    // Lock page after page until no frame is left to lock one more (24 frames < the limit of 42).
    uint32_t locked = 0;
    mm::Result r;
    while ((r = lock(rig, kBase + locked * 0x1000, 0x1000)).ok) ++locked;
    CHECK(r.error == Error::NotEnoughMemory);
    CHECK(locked < mm::kVirtualLockLimit);
    CHECK(rig.mm().locked_pages(rig.space) == locked);
    REQUIRE_INVARIANTS(rig);
    // A fault of another page finds no frame either.
    const mm::AccessResult a = rig.write(kBase + (locked + 1) * 0x1000, 5);
    CHECK(a.status == mm::AccessStatus::OutOfMemory);
    REQUIRE_INVARIANTS(rig);
    // A range that cannot be brought in whole is not locked at all.
    REQUIRE(unlock(rig, kBase, 0x2000).ok);
    CHECK(lock(rig, kBase + locked * 0x1000, 0x3000).error == Error::NotEnoughMemory);
    CHECK(rig.mm().locked_pages(rig.space) == locked - 2);
    REQUIRE_INVARIANTS(rig);
    // Two pages unlocked: the fault works again.
    CHECK(rig.write(kBase + (locked + 1) * 0x1000, 5).ok());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualLock refuses bad arguments, uncommitted pages and NOACCESS with Windows' errors", "[lock]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x4000, memf::kReserve, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase, 0x1000, memf::kCommit, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase + 0x2000, 0x1000, memf::kCommit, page::kNoAccess).ok);
    CHECK(lock(rig, kBase, 0).error == Error::InvalidParameter);
    CHECK(lock(rig, 0x80000000u, 0x1000).error == Error::InvalidParameter);
    CHECK(lock(rig, 0x7FFFF000u, 0x2000).error == Error::InvalidParameter);
    CHECK(lock(rig, 0x00300000, 0x1000).error == Error::NoAccess);  // no region
    // A reserved page: ERROR_NOACCESS; the committed page before it was touched, not locked.
    CHECK(lock(rig, kBase, 0x2000).error == Error::NoAccess);
    CHECK(valid(rig, kBase));
    CHECK(rig.mm().locked_pages(rig.space) == 0);
    CHECK(lock(rig, kBase + 0x2000, 0x1000).error == Error::NoAccess);  // PAGE_NOACCESS
    CHECK(unlock(rig, kBase, 0x1000).error == Error::NotLocked);
    CHECK(unlock(rig, kBase, 0).error == Error::InvalidParameter);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a guard page fails the first VirtualLock and loses GUARD, the second succeeds", "[lock][guard]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x1000, kBoth, page::kReadOnly | page::kGuard).ok);
    CHECK(lock(rig, kBase, 0x1000).error == Error::GuardPageViolation);
    CHECK(uint32_t(Error::GuardPageViolation) == 0x80000001u);
    CHECK(rig.query(kBase).protect == page::kReadOnly);
    REQUIRE(lock(rig, kBase, 0x1000).ok);
    CHECK(locked_frame(rig, kBase));
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("the lock limit: 42 pages, counted per process, pages locked already not twice", "[lock][quota]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x30000, kBoth, page::kReadWrite).ok);
    CHECK(lock(rig, kBase, (mm::kVirtualLockLimit + 1) * 0x1000).error == Error::WorkingSetQuota);
    CHECK_FALSE(valid(rig, kBase));  // refused before any page is touched
    REQUIRE(lock(rig, kBase, 40 * 0x1000).ok);
    CHECK(lock(rig, kBase + 40 * 0x1000, 3 * 0x1000).error == Error::WorkingSetQuota);
    REQUIRE(lock(rig, kBase + 38 * 0x1000, 4 * 0x1000).ok);  // two of them are locked already
    CHECK(rig.mm().locked_pages(rig.space) == mm::kVirtualLockLimit);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualUnlock of a range with an unlocked page: ERROR_NOT_LOCKED, the page leaves the working set", "[lock]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x3000, kBoth, page::kReadWrite).ok);
    REQUIRE(lock(rig, kBase, 0x1000).ok);
    REQUIRE(rig.write(kBase + 0x1000, 9).ok());
    CHECK(unlock(rig, kBase, 0x3000).error == Error::NotLocked);
    CHECK(locked_frame(rig, kBase));           // nothing unlocked
    CHECK_FALSE(valid(rig, kBase + 0x1000));  // the unlocked resident page was trimmed
    CHECK(rig.read(kBase + 0x1000).value == 9);
    CHECK(unlock(rig, 0x00300000, 0x1000).error == Error::NotLocked);  // no region
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualProtect to NOACCESS or GUARD, decommit and release let the lock go", "[lock]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x4000, kBoth, page::kReadWrite).ok);
    REQUIRE(lock(rig, kBase, 0x4000).ok);
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase, 0x1000, page::kNoAccess).ok);
    CHECK_FALSE(valid(rig, kBase));
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase + 0x1000, 0x1000, page::kReadWrite | page::kGuard).ok);
    CHECK_FALSE(valid(rig, kBase + 0x1000));
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase + 0x2000, 0x1000, page::kReadOnly).ok);
    CHECK(locked_frame(rig, kBase + 0x2000));  // another protection keeps the lock
    CHECK(rig.mm().locked_pages(rig.space) == 2);
    REQUIRE_INVARIANTS(rig);
    REQUIRE(rig.mm().virtual_free(rig.space, kBase + 0x3000, 0x1000, memf::kDecommit).ok);
    CHECK(rig.mm().locked_pages(rig.space) == 1);
    REQUIRE_INVARIANTS(rig);
    REQUIRE(rig.mm().virtual_free(rig.space, kBase, 0, memf::kRelease).ok);
    CHECK(rig.mm().locked_pages(rig.space) == 0);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("Windows 95: VirtualLock and VirtualUnlock return TRUE and do nothing", "[lock][win95]") {
    test::Rig rig(test::make_config(Personality::Win95));
    REQUIRE(rig.alloc(kBase, 0x1000, memf::kReserve, page::kReadWrite).ok);
    CHECK(lock(rig, kBase, 0x1000).ok);
    CHECK(lock(rig, 0, 0).ok);
    CHECK(unlock(rig, kBase, 0x1000).ok);
    CHECK(rig.mm().locked_pages(rig.space) == 0);
    CHECK_FALSE(valid(rig, kBase));
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("undo and redo restore locked pages", "[lock][undo]") {
    test::Rig rig(test::make_config(Personality::Nt));
    os::Machine& m = rig.machine;
    REQUIRE(rig.alloc(kBase, 0x3000, kBoth, page::kReadWrite).ok);
    m.sync_position();
    const size_t start = m.position();
    const auto before = test::snapshot(m);
    REQUIRE(lock(rig, kBase, 0x2000).ok);
    rig.mm().trim(rig.space);
    REQUIRE(unlock(rig, kBase + 0x1000, 0x1000).ok);
    m.sync_position();
    const size_t end = m.position();
    const auto after = test::snapshot(m);
    m.seek(start);
    test::require_same_snapshot(before, test::snapshot(m));
    CHECK(rig.mm().locked_pages(rig.space) == 0);
    m.seek(end);
    test::require_same_snapshot(after, test::snapshot(m));
    CHECK(locked_frame(rig, kBase));
    CHECK(rig.mm().locked_pages(rig.space) == 1);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("check_locks catches a locked page whose frame lost its flag, and a flag with no locked page", "[lock][invariants]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x2000, kBoth, page::kReadWrite).ok);
    REQUIRE(lock(rig, kBase, 0x1000).ok);
    REQUIRE(rig.write(kBase + 0x1000, 1).ok());
    REQUIRE_INVARIANTS(rig);
    auto forge_flags = [&](uint32_t frame, uint32_t flags) {
        rig.mm().apply(core::Change{core::Store::Pfn, uint8_t(mm::PfnField::Flags), 0, frame, 0, flags}, true);
    };
    auto reports = [&](const std::string& words) {
        const auto bad = rig.check_invariants();
        INFO(test::join_lines(bad));
        return std::any_of(bad.begin(), bad.end(), [&](const std::string& s) { return s.find(words) != std::string::npos; });
    };
    SECTION("the locked page's frame without kWsLocked") {
        forge_flags(pte_of(rig, kBase) >> 12, 0);
        CHECK(reports("is not locked in its working set"));
    }
    SECTION("an unlocked page's frame with kWsLocked") {
        forge_flags(pte_of(rig, kBase + 0x1000) >> 12, mm::PfnEntry::kWsLocked);
        CHECK(reports("is flagged locked (VirtualLock) but no locked page maps it"));
    }
}

namespace {
// Process A's and a second process B's views of one named two-page pagefile-backed section.
struct SharedViews {
    uint16_t b = 0;
    uint32_t va = 0, vb = 0, mapping = 0;
    explicit SharedViews(test::Rig& rig) {
        const mm::Result p = rig.machine.create_process("B");
        REQUIRE(p.ok);
        b = rig.machine.processes()[p.value].space;
        mm::MemoryManager& m = rig.mm();
        mapping = m.create_file_mapping(rig.space, 0, page::kReadWrite, 0x2000, mm::sec::kCommit, "Shared").value;
        va = m.map_view(rig.space, mapping, mm::filemap::kWrite, 0, 0, 0).value;
        const uint32_t hb = m.open_file_mapping(b, mm::filemap::kWrite | mm::filemap::kRead, "Shared").value;
        vb = m.map_view(b, hb, mm::filemap::kWrite, 0, 0, 0).value;
        REQUIRE((va && vb));
    }
};
bool frame_flag(test::Rig& rig, uint16_t space, uint32_t va) {
    const uint32_t pte = rig.mm().pte_info(space, va).pte;
    return (pte & x86::Pte::kPresent) && (rig.mm().pfn()[pte >> 12].flags & mm::PfnEntry::kWsLocked);
}
}  // namespace

TEST_CASE("a shared view page locked by two processes stays locked until both let go", "[lock][views]") {
    test::Rig rig(test::make_config(Personality::Nt));
    SharedViews s(rig);
    uint32_t faults = 0;
    REQUIRE(lock(rig, s.va, 0x1000).ok);
    REQUIRE(rig.mm().virtual_lock(s.b, s.vb, 0x1000, faults).ok);
    REQUIRE_INVARIANTS(rig);
    CHECK(rig.mm().pte_info(rig.space, s.va).pte >> 12 == rig.mm().pte_info(s.b, s.vb).pte >> 12);  // one frame
    CHECK(rig.mm().frame_lockers(rig.mm().pte_info(s.b, s.vb).pte >> 12) == 2);
    REQUIRE(unlock(rig, s.va, 0x1000).ok);
    CHECK(frame_flag(rig, s.b, s.vb));                                  // B's lock holds it
    CHECK(unlock(rig, s.va, 0x1000).error == Error::NotLocked);         // A's own lock is gone
    CHECK(rig.mm().locked_pages(rig.space) == 0);
    CHECK(rig.mm().locked_pages(s.b) == 1);
    REQUIRE_INVARIANTS(rig);
    SECTION("unmapping B's view unlocks it") {
        REQUIRE(rig.mm().unmap_view(s.b, s.vb).ok);
        CHECK_FALSE(frame_flag(rig, rig.space, s.va));
        REQUIRE_INVARIANTS(rig);
    }
    SECTION("B's exit unlocks it") {
        REQUIRE(rig.mm().virtual_lock(s.b, s.vb + 0x1000, 0x1000, faults).ok);
        REQUIRE(rig.machine.exit_process(1).ok);
        CHECK_FALSE(frame_flag(rig, rig.space, s.va));
        REQUIRE_INVARIANTS(rig);
    }
}

TEST_CASE("a copy-on-write of a locked WRITECOPY view page keeps the lock on the private copy", "[lock][views]") {
    test::Rig rig(test::make_config(Personality::Nt));
    SharedViews s(rig);
    uint32_t faults = 0;
    const uint32_t cv = rig.mm().map_view(rig.space, s.mapping, mm::filemap::kCopy, 0, 0, 0).value;
    REQUIRE(rig.mm().virtual_lock(s.b, s.vb, 0x1000, faults).ok);  // B also locks the shared frame
    REQUIRE(lock(rig, cv, 0x1000).ok);
    const uint32_t shared = pte_of(rig, cv) >> 12;
    REQUIRE(rig.write(cv, 0x77).ok());
    const uint32_t copy = pte_of(rig, cv) >> 12;
    CHECK(copy != shared);
    CHECK(rig.mm().pfn()[copy].use == mm::FrameUse::Private);
    CHECK(locked_frame(rig, cv));
    CHECK(rig.mm().frame_lockers(shared) == 1);                        // B's
    CHECK((rig.mm().pfn()[shared].flags & mm::PfnEntry::kWsLocked));
    REQUIRE_INVARIANTS(rig);
    REQUIRE(unlock(rig, cv, 0x1000).ok);
    CHECK_FALSE(locked_frame(rig, cv));
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("view pages: the failure paths and the limit are private memory's", "[lock][views]") {
    test::Rig rig(test::make_config(Personality::Nt));
    SharedViews s(rig);
    REQUIRE(rig.mm().virtual_protect(rig.space, s.va, 0x1000, page::kReadWrite | page::kGuard).ok);
    CHECK(lock(rig, s.va, 0x1000).error == Error::GuardPageViolation);
    CHECK(lock(rig, s.va, 0x1000).ok);  // GUARD is gone
    REQUIRE(rig.mm().virtual_protect(rig.space, s.va, 0x1000, page::kNoAccess).ok);
    CHECK(unlock(rig, s.va, 0x1000).error == Error::NotLocked);  // NOACCESS let the lock go
    CHECK(lock(rig, s.va, 0x1000).error == Error::NoAccess);
    CHECK(lock(rig, s.va, 0).error == Error::InvalidParameter);
    REQUIRE(lock(rig, s.va + 0x1000, 0x1000).ok);
    REQUIRE(rig.alloc(kBase, 0x2A000, kBoth, page::kReadWrite).ok);
    CHECK(lock(rig, kBase, 0x2A000).error == Error::WorkingSetQuota);  // 1 + 42 > 42
    CHECK(lock(rig, kBase, 0x29000).ok);                                // 1 + 41
    REQUIRE_INVARIANTS(rig);
    SECTION("check_locks catches a shared frame flagged after every locker let go") {
        REQUIRE(unlock(rig, s.va + 0x1000, 0x1000).ok);
        const uint32_t f = pte_of(rig, s.va + 0x1000) >> 12;
        rig.mm().apply(core::Change{core::Store::Pfn, uint8_t(mm::PfnField::Flags), 0, f, 0, mm::PfnEntry::kWsLocked}, true);
        const auto bad = rig.check_invariants();
        CHECK(std::any_of(bad.begin(), bad.end(), [](const std::string& t) { return t.find("no locked page maps it") != std::string::npos; }));
    }
}
