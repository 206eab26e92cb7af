// Windows 95's MS-DOS/Win16 compatibility arena (0x00001000-0x003FFFFF): the system VM's memory,
// which a Win32 program reaches without an access violation (only the NULL page traps). One page
// table (PDE 0) owned by no process serves every win95 page directory, so a write by one process is
// seen by every other; its pages are demand-zero system pages, pageable, never charged.
#include "TestHelpers.h"

using namespace pagelab;
using mm::AccessStatus;
using mm::AvReason;
using mm::Personality;
namespace page = mm::page;
namespace memf = mm::mem;

namespace {

struct Two {
    test::Rig rig;
    uint16_t a = 0, b = 0;
    explicit Two(uint32_t frames = 64, mm::Policy policy = mm::Policy::Clock, uint32_t tlb = 0)
        : rig(test::make_config(Personality::Win95, frames, 64, policy, tlb), false) {
        a = create("A");
        b = create("B");
    }
    uint16_t create(const std::string& name) {
        const mm::Result r = rig.machine.create_process(name);
        REQUIRE(r.ok);
        return rig.machine.processes()[r.value].space;
    }
    mm::MemoryManager& mm() { return rig.mm(); }
    mm::AccessResult read(uint16_t s, uint32_t va) { return mm().access(s, va, 4, x86::Access::Read); }
    mm::AccessResult write(uint16_t s, uint32_t va, uint32_t v) { return mm().access(s, va, 4, x86::Access::Write, v); }
    uint32_t pde0(uint16_t s) { return mm().ram().read_u32(mm().space(s).cr3()) & ~x86::Pte::kAccessed; }
};

}  // namespace

TEST_CASE("win95: reads and writes in the compatibility arena work, and only the first 4 KB traps", "[compat][win95]") {
    Two w;
    for (uint32_t va : {0x2000u, 0x100000u, 0x3FFFFCu}) {
        INFO("va " << va);
        const mm::AccessResult r = w.read(w.a, va);
        REQUIRE(r.ok());
        CHECK(r.value == 0);
        CHECK(r.faults == 1u << uint32_t(mm::FaultKind::DemandZero));
    }
    CHECK(w.write(w.a, 0x2000, 0x12345678).ok());
    CHECK(w.write(w.a, 0x100000, 0xCAFE).ok());
    for (uint32_t va : {0x0u, 0x10u, 0xFFCu}) {
        INFO("va " << va);
        const mm::AccessResult r = w.read(w.a, va);
        CHECK(r.status == AccessStatus::AccessViolation);
        CHECK(r.reason == AvReason::NullPointer);
    }
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("win95: a write in the compatibility arena by one process is seen by every other, one frame for all",
          "[compat][win95]") {
    Two w;
    REQUIRE(w.write(w.a, 0x2000, 0x41424344).ok());
    // B sees it at once, without a fault: the PTE is in the one shared table.
    const mm::AccessResult r = w.read(w.b, 0x2000);
    REQUIRE(r.ok());
    CHECK(r.value == 0x41424344);
    CHECK(r.faults == 0);
    // The same table in every directory, also one created later; the frame is owned by no process.
    const uint32_t table = w.mm().shared_table(0);
    REQUIRE(table != mm::kNoFrame);
    CHECK(w.pde0(w.a) == w.pde0(w.b));
    const uint16_t c = w.create("C");
    CHECK(w.pde0(c) == w.pde0(w.a));
    CHECK(w.read(c, 0x2000).value == 0x41424344);
    const auto& e = w.mm().pfn()[table];
    CHECK(e.owner == mm::kNoSpace);
    CHECK(e.use == mm::FrameUse::PageTable);
    const auto info = w.mm().pte_info(w.a, 0x2000);
    REQUIRE(info.kind == mm::PteKind::Valid);
    CHECK(w.mm().pfn()[info.pte >> 12].owner == mm::kNoSpace);
    CHECK(w.mm().pfn()[info.pte >> 12].use == mm::FrameUse::Private);
    // Not charged: the system's memory, not a commitment of the process.
    CHECK(w.mm().counter(mm::Counter::CommitCharge) == 0);
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("win95: the compatibility arena outlives the process that wrote it", "[compat][win95]") {
    Two w;
    REQUIRE(w.write(w.a, 0x3000, 7).ok());
    w.mm().delete_space(w.a);
    REQUIRE_INVARIANTS(w.rig);
    CHECK(w.mm().shared_table(0) != mm::kNoFrame);
    CHECK(w.read(w.b, 0x3000).value == 7);
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("win95: VirtualQuery reports the compatibility arena as one committed READWRITE region, the NULL page is free",
          "[compat][win95][virtual-query]") {
    Two w;
    mm::MemoryBasicInformation q;
    REQUIRE(w.mm().virtual_query(w.a, 0x2345, q).ok);
    CHECK(q.base_address == 0x2000);
    CHECK(q.allocation_base == 0x1000);
    CHECK(q.allocation_protect == page::kReadWrite);
    CHECK(q.region_size == 0x400000 - 0x2000);
    CHECK(q.state == memf::kCommit);
    CHECK(q.protect == page::kReadWrite);
    CHECK(q.type == memf::kPrivate);
    // A touched page does not split the run.
    REQUIRE(w.write(w.a, 0x100000, 1).ok());
    REQUIRE(w.mm().virtual_query(w.b, 0x1000, q).ok);
    CHECK(q.region_size == 0x3FF000);
    REQUIRE(w.mm().virtual_query(w.a, 0, q).ok);
    CHECK(q.state == memf::kFree);
    CHECK(q.region_size == 0x1000);
    CHECK(q.protect == page::kNoAccess);
}

TEST_CASE("win95: VirtualAlloc, VirtualFree and VirtualProtect refuse the compatibility arena", "[compat][win95]") {
    Two w;
    REQUIRE(w.write(w.a, 0x2000, 1).ok());
    CHECK(w.mm().virtual_alloc(w.a, 0x2000, 0x1000, memf::kReserve | memf::kCommit, page::kReadWrite).error ==
          mm::Error::InvalidParameter);
    CHECK(w.mm().virtual_alloc(w.a, 0x2000, 0x1000, memf::kCommit, page::kReadWrite).error == mm::Error::InvalidParameter);
    CHECK(w.mm().virtual_free(w.a, 0x1000, 0, memf::kRelease).error == mm::Error::InvalidParameter);
    CHECK(w.mm().virtual_free(w.a, 0x2000, 0x1000, memf::kDecommit).error == mm::Error::InvalidParameter);
    CHECK(w.mm().virtual_protect(w.a, 0x2000, 0x1000, page::kReadOnly).error == mm::Error::InvalidParameter);
    CHECK(w.read(w.b, 0x2000).value == 1);
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("win95: a compatibility-arena page is paged out and back like any page, and trim leaves it alone",
          "[compat][win95][pagefile]") {
    Two w(12, mm::Policy::Fifo, 4);
    REQUIRE(w.write(w.a, 0x2000, 0x5A5A5A5A).ok());
    const uint32_t arena_frame = w.mm().pte_info(w.a, 0x2000).pte >> 12;
    w.mm().trim(w.a);
    CHECK(w.mm().pte_info(w.a, 0x2000).kind == mm::PteKind::Valid);  // not the process's working set
    // Fill the rest of RAM with A's private pages: FIFO takes the arena page first.
    const mm::Result buf = w.mm().virtual_alloc(w.a, 0, 0x10000, memf::kReserve | memf::kCommit, page::kReadWrite);
    REQUIRE(buf.ok);
    for (uint32_t i = 0; i < 16; ++i) REQUIRE(w.write(w.a, buf.value + i * 0x1000, i).ok());
    CHECK(w.mm().pte_info(w.b, 0x2000).kind == mm::PteKind::Pagefile);
    CHECK(w.mm().pfn()[arena_frame].pte_address() != w.mm().pte_info(w.a, 0x2000).pte_address);
    // B reads it back from the pagefile (a hard fault), with the TLB on.
    const mm::AccessResult r = w.read(w.b, 0x2000);
    REQUIRE(r.ok());
    CHECK(r.value == 0x5A5A5A5A);
    CHECK(r.faults == 1u << uint32_t(mm::FaultKind::PagefileRead));
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("nt has no compatibility arena: 0x2000 is in the 64 KB NULL region", "[compat][nt]") {
    test::Rig rig(test::make_config(Personality::Nt));
    CHECK(rig.read(0x2000).reason == AvReason::NullPointer);
    CHECK(!rig.mm().in_compat_arena(rig.space, 0x2000));
    CHECK(rig.mm().shared_table(0) == mm::kNoFrame);
}

TEST_CASE("win95: undoing the compatibility arena's first touch takes its table and page back", "[compat][win95][undo]") {
    Two w;
    os::Machine& m = w.rig.machine;
    m.sync_position();
    const size_t start = m.position();
    const auto before = test::snapshot(m);
    REQUIRE(w.write(w.a, 0x2000, 9).ok());
    REQUIRE(w.read(w.b, 0x2000).value == 9);
    m.sync_position();
    const size_t end = m.position();
    const auto after = test::snapshot(m);
    m.seek(start);
    test::require_same_snapshot(before, test::snapshot(m));
    CHECK(w.mm().shared_table(0) == mm::kNoFrame);
    REQUIRE_INVARIANTS(w.rig);
    m.seek(end);
    test::require_same_snapshot(after, test::snapshot(m));
    REQUIRE_INVARIANTS(w.rig);
}
