// The page-fault handler of mm::MemoryManager: demand-zero, access violations with their reasons
// for both personalities, eviction to the pagefile and hard faults back, trimming to the standby
// and modified lists and soft faults, the replacement policies' victims on hand-made cases, and
// running out of frames or pagefile slots.
#include <catch2/catch.hpp>

#include <sstream>

#include "TestHelpers.h"
#include "sim/Report.h"

using namespace pagelab;
using mm::AccessStatus;
using mm::AvReason;
using mm::FaultKind;
using mm::Personality;
namespace page = mm::page;
namespace memf = mm::mem;

namespace {
constexpr uint32_t kBoth = memf::kReserve | memf::kCommit;
constexpr uint32_t kBase = 0x00500000;

bool had(const mm::AccessResult& r, FaultKind k) { return (r.faults & (1u << uint32_t(k))) != 0; }
mm::PteKind kind_of(test::Rig& rig, uint32_t va) { return rig.mm().pte_info(rig.space, va).kind; }
uint32_t frame_of(test::Rig& rig, uint32_t va) { return rig.mm().pte_info(rig.space, va).pte >> 12; }
uint64_t count(test::Rig& rig, mm::Counter c) { return rig.mm().counter(c); }
}  // namespace

// ---------------------------------------------------------------------------------------------
// Demand-zero

TEST_CASE("the first touch of a committed page is a demand-zero fault that maps a zero-filled frame", "[fault]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x2000, kBoth, page::kReadWrite).ok);
    CHECK(kind_of(rig, kBase) == mm::PteKind::Zero);  // no page table yet
    const mm::AccessResult r = rig.read(kBase + 0x10);
    REQUIRE(r.ok());
    CHECK(r.value == 0);
    CHECK(had(r, FaultKind::DemandZero));
    CHECK(count(rig, mm::Counter::DemandZeroFaults) == 1);
    CHECK(count(rig, mm::Counter::PageFaults) == 1);
    const auto info = rig.mm().pte_info(rig.space, kBase);
    CHECK(info.kind == mm::PteKind::Valid);
    const x86::Pte pte(info.pte);
    CHECK(pte.user());
    CHECK(pte.writable());
    CHECK(pte.accessed());
    CHECK_FALSE(pte.dirty());
    const mm::PfnEntry& e = rig.mm().pfn()[pte.frame()];
    CHECK(e.state == mm::FrameState::Active);
    CHECK(e.use == mm::FrameUse::Private);
    CHECK(e.owner == rig.space);
    CHECK(e.pte_address() == info.pte_address);
    // The second touch of the page does not fault.
    const mm::AccessResult again = rig.write(kBase + 0x20, 5);
    CHECK(again.faults == 0);
    CHECK(x86::Pte(rig.mm().pte_info(rig.space, kBase).pte).dirty());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a frame with someone's old data is zero-filled before a demand-zero use", "[fault]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 16));
    const mm::Result a = rig.alloc(0, 0x8000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 8; ++i) REQUIRE(rig.write(a.value + i * 0x1000, 0xDEAD0000u + i).ok());
    REQUIRE(rig.mm().virtual_free(rig.space, a.value, 0, memf::kRelease).ok);
    CHECK(rig.mm().pfn().list(mm::FrameList::Free).count > 0);
    const mm::Result b = rig.alloc(0, 0x8000, memf::kCommit, page::kReadWrite);
    REQUIRE(b.ok);
    for (uint32_t i = 0; i < 8; ++i) CHECK(rig.read(b.value + i * 0x1000).value == 0);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// Access violations

TEST_CASE("nt traps NULL-pointer accesses in the first 64 KB", "[fault][av]") {
    test::Rig rig(test::make_config(Personality::Nt));
    for (uint32_t va : {0u, 4u, 0x1000u, 0xFFFCu}) {
        INFO("va " << va);
        const mm::AccessResult r = rig.read(va);
        CHECK(r.status == AccessStatus::AccessViolation);
        CHECK(r.reason == AvReason::NullPointer);
        CHECK(r.fault_address == va);
        CHECK(had(r, FaultKind::AccessViolation));
    }
    CHECK(rig.read(0x10000).reason == AvReason::NoRegion);
    CHECK(count(rig, mm::Counter::AccessViolations) == 5);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("win95 traps NULL only in the first 4 KB, the compatibility arena up to 4 MB is reachable system memory",
          "[fault][av]") {
    test::Rig rig(test::make_config(Personality::Win95));
    CHECK(rig.read(0).reason == AvReason::NullPointer);
    CHECK(rig.write(0xFFC, 1).reason == AvReason::NullPointer);
    for (uint32_t va : {0x1000u, 0x10000u, 0x3FFFFCu}) {
        INFO("va " << va);
        const mm::AccessResult r = rig.read(va);
        CHECK(r.ok());
        CHECK(r.value == 0);
    }
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("nt: user-mode access to kernel space (>= 0x80000000) faults even where the kernel is mapped",
          "[fault][av]") {
    test::Rig rig(test::make_config(Personality::Nt));
    for (uint32_t va : {0x80000000u, 0x80001000u, 0xC0000000u, 0xFFFFFFFCu}) {
        INFO("va " << va);
        CHECK(rig.read(va).reason == AvReason::KernelAddress);
        CHECK(rig.write(va, 1).reason == AvReason::KernelAddress);
    }
    // The kernel's own page is there for kernel mode.
    const mm::AccessResult k = rig.mm().access(rig.space, 0x80000000, 4, x86::Access::Read, 0, x86::Mode::Kernel);
    REQUIRE(k.ok());
    CHECK(k.value == 0x736F746Eu);  // "ntos"
    // Between the end of user space and 2 GB there is only the no-access guard.
    CHECK(rig.read(0x7FFF0000).reason == AvReason::OutsideArena);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("win95: the system arena at 0xC0000000 is readable and writable by user code", "[fault][win95]") {
    test::Rig rig(test::make_config(Personality::Win95));
    const mm::AccessResult r = rig.read(0xC0000000);
    REQUIRE(r.ok());
    CHECK(r.value == 0x204D4D56u);  // "VMM "
    REQUIRE(rig.write(0xC0000000, 0x21212121).ok());
    CHECK(rig.read(0xC0000000).value == 0x21212121u);
    // The same page is mapped in every process: another process sees the write.
    const auto b = rig.machine.create_process("B");
    REQUIRE(b.ok);
    const uint16_t sb = rig.machine.processes()[b.value].space;
    CHECK(rig.mm().access(sb, 0xC0000000, 4, x86::Access::Read).value == 0x21212121u);
    // The rest of the system arena and the shared arena hold nothing here.
    CHECK(rig.read(0xC0001000).status == AccessStatus::AccessViolation);
    CHECK(rig.read(0x80000000).status == AccessStatus::AccessViolation);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("touching reserved, decommitted and NOACCESS pages is an access violation with that reason",
          "[fault][av]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x10000, memf::kReserve, page::kReadWrite).ok);
    REQUIRE(rig.alloc(kBase, 0x3000, memf::kCommit, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase + 0x1000, 1).ok());
    REQUIRE(rig.mm().virtual_free(rig.space, kBase + 0x1000, 0x1000, memf::kDecommit).ok);
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase + 0x2000, 0x1000, page::kNoAccess).ok);
    CHECK(rig.read(kBase + 0x5000).reason == AvReason::Reserved);
    CHECK(rig.write(kBase + 0x5000, 1).reason == AvReason::Reserved);
    // A decommitted page of a plain reservation is reserved again.
    CHECK(rig.read(kBase + 0x1000).reason == AvReason::Reserved);
    CHECK(rig.read(kBase + 0x2000).reason == AvReason::NoAccess);
    CHECK(rig.write(kBase + 0x2000, 1).reason == AvReason::NoAccess);
    CHECK(rig.mm().access(rig.space, kBase + 0x2000, 1, x86::Access::Execute).reason == AvReason::NoAccess);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a write to a READONLY page fails and changes nothing, resident or not", "[fault][av]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    const uint32_t prot = GENERATE(page::kReadOnly, page::kExecuteRead, page::kExecute);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x2000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase, 0x11111111).ok());
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase, 0x2000, prot).ok);
    // Page 0 is resident (a protection fault), page 1 is not (the handler refuses before paging in).
    for (uint32_t va : {kBase, kBase + 0x1000}) {
        INFO("va " << va);
        const uint32_t pte_before = rig.mm().pte_info(rig.space, va).pte;
        const mm::AccessResult w = rig.write(va, 0x22222222);
        CHECK(w.status == AccessStatus::AccessViolation);
        CHECK(w.reason == AvReason::ReadOnly);
        const uint32_t pte_after = rig.mm().pte_info(rig.space, va).pte;
        CHECK((pte_after & ~x86::Pte::kAccessed) == (pte_before & ~x86::Pte::kAccessed));
    }
    // 32-bit x86 has no execute-disable bit, so EXECUTE pages are readable too.
    CHECK(rig.read(kBase).value == 0x11111111u);
    CHECK(rig.read(kBase + 0x1000).value == 0);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("an instruction fetch from a READWRITE page succeeds: no NX on 32-bit paging", "[fault]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x1000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase, 0x90909090).ok());
    const mm::AccessResult r = rig.mm().access(rig.space, kBase, 4, x86::Access::Execute);
    REQUIRE(r.ok());
    CHECK(r.value == 0x90909090u);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// Accesses that straddle two pages

TEST_CASE("an access that straddles two pages reads and writes both, low bytes first", "[fault]") {
    test::Rig rig(test::make_config(Personality::Nt));
    REQUIRE(rig.alloc(kBase, 0x2000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase + 0xFFE, 0xAABBCCDD).ok());
    CHECK(rig.read(kBase + 0xFFE, 2).value == 0xCCDD);
    CHECK(rig.read(kBase + 0x1000, 2).value == 0xAABB);
    CHECK(rig.read(kBase + 0xFFF, 4).value == 0x00AABBCCu);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a straddling write whose second page may not be written changes neither page (faults are precise)",
          "[fault][av]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p));
    REQUIRE(rig.alloc(kBase, 0x2000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase + 0xFFC, 0x11223344).ok());
    REQUIRE(rig.mm().virtual_protect(rig.space, kBase + 0x1000, 0x1000, page::kReadOnly).ok);
    const mm::AccessResult w = rig.write(kBase + 0xFFE, 0xAABBCCDD);
    CHECK(w.status == AccessStatus::AccessViolation);
    CHECK(w.fault_address == kBase + 0x1000);
    CHECK(rig.read(kBase + 0xFFC).value == 0x11223344u);
    CHECK(rig.read(kBase + 0x1000).value == 0);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// Eviction, the pagefile and hard faults

TEST_CASE("a dirty page is evicted to a pagefile slot and comes back by a hard fault", "[fault][pagefile]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p, 12, 32, mm::Policy::Fifo));
    const mm::Result a = rig.alloc(0, 0x10000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 16; ++i) REQUIRE(rig.write(a.value + i * 0x1000 + 12, 0x5000 + i).ok());
    REQUIRE(kind_of(rig, a.value) == mm::PteKind::Pagefile);
    const uint32_t slot = mm::SoftwarePte::slot(rig.mm().pte_info(rig.space, a.value).pte);
    CHECK(slot == 1);  // the first victim got the lowest slot
    CHECK(rig.mm().pagefile().in_use(slot));
    CHECK(mm::SoftwarePte::protection(rig.mm().pte_info(rig.space, a.value).pte) == mm::mmprot::kReadWrite);
    const uint64_t reads = count(rig, mm::Counter::PagefileReads);
    const mm::AccessResult r = rig.read(a.value + 12);
    REQUIRE(r.ok());
    CHECK(r.value == 0x5000);
    CHECK(had(r, FaultKind::PagefileRead));
    CHECK(count(rig, mm::Counter::PagefileReads) == reads + 1);
    CHECK(count(rig, mm::Counter::HardFaults) >= 1);
    CHECK(count(rig, mm::Counter::PagefileWrites) >= 8);
    // The page keeps its slot while it is resident and clean (the copy there is still good).
    CHECK(mm::SoftwarePte::slot(rig.mm().pfn()[frame_of(rig, a.value)].original_pte) == slot);
    for (uint32_t i = 0; i < 16; ++i) CHECK(rig.read(a.value + i * 0x1000 + 12).value == 0x5000 + i);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a page that was never written is dropped, not written, and comes back as demand-zero", "[fault][pagefile]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    const mm::Result a = rig.alloc(0, 0x10000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 16; ++i) REQUIRE(rig.read(a.value + i * 0x1000).ok());
    CHECK(count(rig, mm::Counter::PagefileWrites) == 0);
    CHECK(count(rig, mm::Counter::Evictions) > 0);
    CHECK(kind_of(rig, a.value) == mm::PteKind::DemandZero);
    const mm::AccessResult r = rig.read(a.value);
    CHECK(had(r, FaultKind::DemandZero));
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a page read back from the pagefile and not written again is evicted without another write",
          "[fault][pagefile]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    const mm::Result a = rig.alloc(0, 0x10000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 16; ++i) REQUIRE(rig.write(a.value + i * 0x1000, i + 1).ok());
    for (uint32_t i = 0; i < 16; ++i) REQUIRE(rig.read(a.value + i * 0x1000).value == i + 1);
    const uint64_t writes = count(rig, mm::Counter::PagefileWrites);
    for (uint32_t i = 0; i < 16; ++i) REQUIRE(rig.read(a.value + i * 0x1000).value == i + 1);
    CHECK(count(rig, mm::Counter::PagefileWrites) == writes);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("rewriting pages that were paged out holds at most one slot per page", "[fault][pagefile]") {
    // (win95 reuses the page's slot; nt frees it at the first write and takes the lowest free one.)
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p, 12, 32, mm::Policy::Fifo));
    const mm::Result a = rig.alloc(0, 0x10000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (int round = 0; round < 3; ++round)
        for (uint32_t i = 0; i < 16; ++i) REQUIRE(rig.write(a.value + i * 0x1000, round * 100 + i).ok());
    CHECK(rig.mm().pagefile().used() <= 16);
    for (uint32_t i = 0; i < 16; ++i) CHECK(rig.read(a.value + i * 0x1000).value == 200 + i);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a kernel-debugger write survives eviction: the page counts as modified", "[fault][debugger]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    const mm::Result a = rig.alloc(0, 0x10000, memf::kCommit, page::kReadOnly);
    REQUIRE(a.ok);
    const mm::AccessResult d = rig.mm().debugger_write(rig.space, a.value + 4, 4, 0x0BADF00D);
    REQUIRE(d.ok());
    CHECK(rig.read(a.value + 4).value == 0x0BADF00Du);
    CHECK(rig.query(a.value).protect == page::kReadOnly);
    for (uint32_t i = 1; i < 16; ++i) REQUIRE(rig.read(a.value + i * 0x1000).ok());
    REQUIRE(kind_of(rig, a.value) != mm::PteKind::Valid);
    CHECK(rig.read(a.value + 4).value == 0x0BADF00Du);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// Trimming, the standby and modified lists, soft faults

TEST_CASE("trimming moves clean pages to standby and dirty pages to modified, touching them is a soft fault",
          "[fault][trim]") {
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p, 32, 32));
    REQUIRE(rig.alloc(kBase, 0x2000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase, 0xD1).ok());
    REQUIRE(rig.read(kBase + 0x1000).ok());
    const uint32_t dirty_frame = frame_of(rig, kBase), clean_frame = frame_of(rig, kBase + 0x1000);
    rig.mm().trim(rig.space);
    CHECK(kind_of(rig, kBase) == mm::PteKind::Transition);
    CHECK(kind_of(rig, kBase + 0x1000) == mm::PteKind::Transition);
    CHECK(rig.mm().pfn()[dirty_frame].list == mm::FrameList::Modified);
    CHECK(rig.mm().pfn()[clean_frame].list == mm::FrameList::Standby);
    CHECK(rig.query(kBase).state == memf::kCommit);
    REQUIRE_INVARIANTS(rig);

    const uint64_t reads = count(rig, mm::Counter::PagefileReads);
    const mm::AccessResult a = rig.read(kBase);
    const mm::AccessResult b = rig.read(kBase + 0x1000);
    CHECK(had(a, FaultKind::Soft));
    CHECK(had(b, FaultKind::Soft));
    CHECK(a.value == 0xD1);
    CHECK(count(rig, mm::Counter::SoftFaults) == 2);
    CHECK(count(rig, mm::Counter::PagefileReads) == reads);
    CHECK(frame_of(rig, kBase) == dirty_frame);
    CHECK(frame_of(rig, kBase + 0x1000) == clean_frame);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a modified page is written to the pagefile before its frame is reused, then comes back by a hard fault",
          "[fault][trim]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    REQUIRE(rig.alloc(kBase, 0x1000, kBoth, page::kReadWrite).ok);
    REQUIRE(rig.write(kBase, 0xABCD).ok());
    rig.mm().trim(rig.space);
    const uint32_t frame = frame_of(rig, kBase);
    REQUIRE(rig.mm().pfn()[frame].list == mm::FrameList::Modified);
    // Use every frame: the modified page writer runs, then the frame is repurposed.
    const mm::Result other = rig.alloc(0, 0x10000, memf::kCommit, page::kReadWrite);
    REQUIRE(other.ok);
    for (uint32_t i = 0; i < 16; ++i) REQUIRE(rig.write(other.value + i * 0x1000, i).ok());
    REQUIRE(kind_of(rig, kBase) == mm::PteKind::Pagefile);
    const mm::AccessResult r = rig.read(kBase);
    CHECK(had(r, FaultKind::PagefileRead));
    CHECK(r.value == 0xABCD);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a standby page's frame is repurposed before any active page is evicted", "[fault][trim]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    const mm::Result a = rig.alloc(0, 0x8000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 8; ++i) REQUIRE(rig.read(a.value + i * 0x1000).ok());
    rig.mm().trim(rig.space);
    REQUIRE(rig.mm().pfn().list(mm::FrameList::Standby).count == 8);
    const uint64_t evictions = count(rig, mm::Counter::Evictions);
    const mm::Result b = rig.alloc(0, 0x1000, memf::kCommit, page::kReadWrite);
    REQUIRE(rig.write(b.value, 1).ok());
    CHECK(count(rig, mm::Counter::Evictions) == evictions);
    CHECK(rig.mm().pfn().list(mm::FrameList::Standby).count == 7);
    CHECK(kind_of(rig, a.value) == mm::PteKind::DemandZero);  // the oldest standby page went
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// Replacement policies on hand-made cases. With 12 frames, 2 hold the system page table and page,
// 1 the page directory and 1 the page table: 8 frames hold data, assigned in ascending order.

namespace {
// Loads pages 0..7 (filling RAM), touches `retouch`, then faults page 8 in; returns the page
// evicted by that fault (or -1).
int victim_after(mm::Policy policy, std::initializer_list<uint32_t> retouch, uint32_t tlb = 0) {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, policy, tlb));
    const mm::Result a = rig.alloc(0, 0x10000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 8; ++i) REQUIRE(rig.read(a.value + i * 0x1000).ok());
    REQUIRE(rig.mm().frames_free() == 0);
    for (uint32_t i : retouch) REQUIRE(rig.read(a.value + i * 0x1000).ok());
    REQUIRE(rig.read(a.value + 8 * 0x1000).ok());
    int victim = -1;
    for (uint32_t i = 0; i < 8; ++i)
        if (kind_of(rig, a.value + i * 0x1000) != mm::PteKind::Valid) victim = int(i);
    REQUIRE_INVARIANTS(rig);
    return victim;
}
}  // namespace

TEST_CASE("FIFO evicts the page loaded first, however recently it was used", "[policy]") {
    CHECK(victim_after(mm::Policy::Fifo, {}) == 0);
    CHECK(victim_after(mm::Policy::Fifo, {0}) == 0);
    CHECK(victim_after(mm::Policy::Fifo, {0, 1, 2}, 4) == 0);
}

TEST_CASE("LRU evicts the page used least recently", "[policy]") {
    CHECK(victim_after(mm::Policy::Lru, {}) == 0);
    CHECK(victim_after(mm::Policy::Lru, {0}) == 1);
    CHECK(victim_after(mm::Policy::Lru, {0, 1, 2, 3}) == 4);
    CHECK(victim_after(mm::Policy::Lru, {1, 0}) == 2);
    // A TLB hit is a use too (with 8 entries every page's translation is cached).
    CHECK(victim_after(mm::Policy::Lru, {0}, 8) == 1);
}

TEST_CASE("Clock sweeps by frame number, clearing Accessed bits, and evicts the first page without one",
          "[policy]") {
    // Every page was just loaded with A set: the hand clears all of them in one turn and takes the
    // first frame it passes again.
    CHECK(victim_after(mm::Policy::Clock, {}) == 0);
    CHECK(victim_after(mm::Policy::Clock, {3}) == 0);
}

TEST_CASE("Clock gives a page used since the last sweep a second chance", "[policy]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Clock));
    const mm::Result a = rig.alloc(0, 0x10000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 9; ++i) REQUIRE(rig.read(a.value + i * 0x1000).ok());
    // Page 0 went (the sweep cleared every Accessed bit). Page 1 is used again; the next fault
    // passes over it and takes page 2. FIFO would take page 1.
    REQUIRE(kind_of(rig, a.value) != mm::PteKind::Valid);
    const uint64_t chances = [&] {
        uint64_t n = 0;
        for (const auto& e : rig.machine.journal().events())
            n += e.kind == uint16_t(mm::EventKind::SecondChance);
        return n;
    }();
    CHECK(chances == 8);
    REQUIRE(rig.read(a.value + 0x1000).ok());
    REQUIRE(rig.read(a.value + 9 * 0x1000).ok());
    CHECK(kind_of(rig, a.value + 0x1000) == mm::PteKind::Valid);
    CHECK(kind_of(rig, a.value + 0x2000) != mm::PteKind::Valid);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("working-set trimming moves clock victims to standby/modified, the rest come back by soft fault",
          "[policy][trim]") {
    // 32 frames: batches of 32 / 16 = 2 pages are trimmed each time RAM runs out.
    test::Rig rig(test::make_config(Personality::Nt, 32, 64, mm::Policy::WorkingSet));
    const uint32_t data_frames = rig.mm().frames_free() - 1;  // one frame goes to the page table
    const mm::Result a = rig.alloc(0, 0x40000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < data_frames; ++i) REQUIRE(rig.write(a.value + i * 0x1000, i).ok());
    REQUIRE(rig.mm().frames_free() == 0);
    REQUIRE(rig.write(a.value + data_frames * 0x1000, 99).ok());
    // Two pages were trimmed (both dirty): both written out, one frame reused, one still on standby.
    CHECK(count(rig, mm::Counter::PagefileWrites) == 2);
    CHECK(rig.mm().pfn().list(mm::FrameList::Standby).count == 1);
    uint32_t transition = 0, paged = 0;
    for (uint32_t i = 0; i < data_frames; ++i) {
        const mm::PteKind k = kind_of(rig, a.value + i * 0x1000);
        transition += k == mm::PteKind::Transition;
        paged += k == mm::PteKind::Pagefile;
    }
    CHECK(transition == 1);
    CHECK(paged == 1);
    for (uint32_t i = 0; i < data_frames; ++i) {
        if (kind_of(rig, a.value + i * 0x1000) != mm::PteKind::Transition) continue;
        const mm::AccessResult r = rig.read(a.value + i * 0x1000);
        CHECK(had(r, FaultKind::Soft));
        CHECK(r.value == i);
    }
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// Out of frames, pagefile full

TEST_CASE("when every frame is dirty and the pagefile is full, a fault answers OutOfMemory and the machine stays consistent",
          "[fault][oom]") {
    const mm::Policy policy = GENERATE(mm::Policy::Fifo, mm::Policy::Clock, mm::Policy::Lru, mm::Policy::WorkingSet);
    const Personality p = GENERATE(Personality::Nt, Personality::Win95);
    test::Rig rig(test::make_config(p, 12, 2, policy));
    const mm::Result a = rig.alloc(0, 12 * 0x1000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    // 8 data frames + 2 pagefile slots: 10 pages fit.
    for (uint32_t i = 0; i < 10; ++i) REQUIRE(rig.write(a.value + i * 0x1000, 0x100 + i).ok());
    REQUIRE_INVARIANTS(rig);
    const mm::AccessResult r = rig.write(a.value + 10 * 0x1000, 1);
    CHECK(r.status == AccessStatus::OutOfMemory);
    CHECK(r.fault_address == a.value + 10 * 0x1000);
    REQUIRE_INVARIANTS(rig);
    CHECK(rig.mm().pagefile().used() == 2);
    // Every page written so far still holds its value (reading a resident one needs no frame).
    uint32_t readable = 0;
    for (uint32_t i = 0; i < 10; ++i) {
        const mm::AccessResult v = rig.read(a.value + i * 0x1000);
        if (v.ok()) {
            CHECK(v.value == 0x100 + i);
            ++readable;
        } else {
            CHECK(v.status == AccessStatus::OutOfMemory);
        }
    }
    CHECK(readable >= 8);
    // A new process cannot get a frame for its page directory either.
    const mm::Result b = rig.machine.create_process("B");
    CHECK_FALSE(b.ok);
    CHECK(b.error == mm::Error::NotEnoughMemory);
    REQUIRE_INVARIANTS(rig);
    // Freeing memory makes room again.
    REQUIRE(rig.mm().virtual_free(rig.space, a.value + 0x1000, 0x3000, memf::kDecommit).ok);
    CHECK(rig.write(a.value + 10 * 0x1000, 1).ok());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("without a pagefile, RAM full of dirty pages is OutOfMemory", "[fault][oom]") {
    test::Rig rig(test::make_config(Personality::Nt, 8, 0, mm::Policy::Fifo));
    const mm::Result a = rig.alloc(0, 6 * 0x1000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 4; ++i) REQUIRE(rig.write(a.value + i * 0x1000, i).ok());
    CHECK(rig.write(a.value + 4 * 0x1000, 4).status == AccessStatus::OutOfMemory);
    // A clean page can still be dropped to make room.
    REQUIRE(rig.mm().virtual_free(rig.space, a.value, 0x1000, memf::kDecommit).ok);
    CHECK(rig.read(a.value + 4 * 0x1000).ok());
    // The clean page 4 is the one page that can give its frame up.
    CHECK(rig.write(a.value + 5 * 0x1000, 5).ok());
    CHECK(kind_of(rig, a.value + 4 * 0x1000) == mm::PteKind::DemandZero);
    CHECK(rig.write(a.value + 4 * 0x1000, 4).status == AccessStatus::OutOfMemory);
    REQUIRE_INVARIANTS(rig);
}

// ---------------------------------------------------------------------------------------------
// The dirty-bit fault (NT's MiSetDirtyBit): a clean page with a pagefile copy is mapped with R/W
// clear and the software Write bit set; its first write frees the slot.

namespace {
// Sixteen written pages through 12 frames: the first ones go to the pagefile; page 0 is read back.
uint32_t page_out_and_read_back(test::Rig& rig) {
    const mm::Result a = rig.alloc(0, 0x10000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    for (uint32_t i = 0; i < 16; ++i) REQUIRE(rig.write(a.value + i * 0x1000, 0x700 + i).ok());
    REQUIRE(kind_of(rig, a.value) == mm::PteKind::Pagefile);
    const mm::AccessResult r = rig.read(a.value);
    REQUIRE(had(r, FaultKind::PagefileRead));
    REQUIRE(r.value == 0x700);
    return a.value;
}
}  // namespace

TEST_CASE("nt maps a page read back from the pagefile with R/W clear and the software Write bit set",
          "[fault][pagefile][dirty-bit]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    const uint32_t va = page_out_and_read_back(rig);
    const x86::Pte pte(rig.mm().pte_info(rig.space, va).pte);
    CHECK(pte.present());
    CHECK_FALSE(pte.writable());
    CHECK(pte.software_write());
    CHECK_FALSE(pte.dirty());
    CHECK_FALSE(pte.copy_on_write());
    // VirtualQuery still says READWRITE: the protection is the PFN's, not the hardware bit's.
    CHECK(rig.query(va).protect == page::kReadWrite);
    // A read changes nothing of that.
    REQUIRE(rig.read(va + 8).ok());
    CHECK(rig.mm().counter(mm::Counter::DirtyBitFaults) == 0);
    CHECK_FALSE(x86::Pte(rig.mm().pte_info(rig.space, va).pte).writable());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("the first write to such a page is a dirty-bit fault: the slot is freed, R/W and Dirty are set, "
          "and the page's bytes are not copied",
          "[fault][pagefile][dirty-bit]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    const uint32_t va = page_out_and_read_back(rig);
    const uint32_t frame = frame_of(rig, va);
    const uint32_t slot = mm::SoftwarePte::slot(rig.mm().pfn()[frame].original_pte);
    REQUIRE(slot != 0);
    REQUIRE(rig.mm().pagefile().in_use(slot));
    const uint8_t* bytes = rig.mm().ram().content(frame).data();
    const uint64_t faults = count(rig, mm::Counter::PageFaults), used = rig.mm().pagefile().used();

    const mm::AccessResult w = rig.write(va + 4, 0xD1127);
    REQUIRE(w.ok());
    CHECK(had(w, FaultKind::DirtyBit));
    CHECK(count(rig, mm::Counter::DirtyBitFaults) == 1);
    CHECK(count(rig, mm::Counter::PageFaults) == faults + 1);
    CHECK(count(rig, mm::Counter::HardFaults) == 1);  // no page came in
    CHECK_FALSE(rig.mm().pagefile().in_use(slot));
    CHECK(rig.mm().pagefile().used() == used - 1);
    CHECK(mm::SoftwarePte::kind(rig.mm().pfn()[frame].original_pte) == mm::PteKind::DemandZero);
    const x86::Pte pte(rig.mm().pte_info(rig.space, va).pte);
    CHECK(pte.writable());
    CHECK(pte.dirty());
    CHECK_FALSE(pte.software_write());
    CHECK(frame_of(rig, va) == frame);
    // The frame wrote into its own buffer: the slot let go of it, so nothing had to be copied.
    CHECK(rig.mm().ram().content(frame).data() == bytes);
    CHECK(rig.read(va).value == 0x700);
    CHECK(rig.read(va + 4).value == 0xD1127u);
    // The next write is a plain hit.
    const mm::AccessResult again = rig.write(va + 8, 1);
    CHECK(again.faults == 0);
    CHECK(count(rig, mm::Counter::DirtyBitFaults) == 1);
    REQUIRE_INVARIANTS(rig);

    // Evicted again, the page needs a slot again and keeps its bytes.
    for (uint32_t i = 1; i < 16; ++i) REQUIRE(rig.read(va + i * 0x1000).ok());
    REQUIRE(kind_of(rig, va) == mm::PteKind::Pagefile);
    CHECK(rig.read(va + 4).value == 0xD1127u);
    CHECK(rig.read(va).value == 0x700);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("the walk text and the !pte flags explain a held-back R/W", "[fault][pagefile][dirty-bit][report]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    const uint32_t va = page_out_and_read_back(rig);
    auto walk_text = [&] {
        std::ostringstream out;
        sim::write_walk_text(rig.machine, rig.space, va, out);
        return out.str();
    };
    const uint32_t held = rig.mm().pte_info(rig.space, va).pte;
    CHECK(sim::windbg_flags(held) == "----A--UWEV");  // W: the Write bit, as the debugger shows it
    std::string text = walk_text();
    CHECK(text.find("R/W=0") != std::string::npos);
    CHECK(text.find("R/W is held at 0 while a pagefile slot holds the same bytes") != std::string::npos);
    REQUIRE(rig.write(va, 9).ok());
    CHECK(sim::windbg_flags(rig.mm().pte_info(rig.space, va).pte) == "---DA--UWEV");
    text = walk_text();
    CHECK(text.find("held at 0") == std::string::npos);
    CHECK(text.find("may read and write") != std::string::npos);
}

TEST_CASE("win95 sets no trap for the first write: the hardware Dirty bit marks the page", "[fault][pagefile][dirty-bit]") {
    test::Rig rig(test::make_config(Personality::Win95, 12, 32, mm::Policy::Fifo));
    const uint32_t va = page_out_and_read_back(rig);
    const x86::Pte pte(rig.mm().pte_info(rig.space, va).pte);
    CHECK(pte.writable());
    CHECK_FALSE(pte.software_write());
    const mm::AccessResult w = rig.write(va, 5);
    REQUIRE(w.ok());
    CHECK(w.faults == 0);
    CHECK(count(rig, mm::Counter::DirtyBitFaults) == 0);
    CHECK(x86::Pte(rig.mm().pte_info(rig.space, va).pte).dirty());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualProtect keeps the write trap of a clean page with a pagefile copy", "[fault][pagefile][dirty-bit]") {
    test::Rig rig(test::make_config(Personality::Nt, 12, 32, mm::Policy::Fifo));
    const uint32_t va = page_out_and_read_back(rig);
    const mm::Result ro = rig.mm().virtual_protect(rig.space, va, 0x1000, page::kReadOnly);
    REQUIRE(ro.ok);
    CHECK(ro.value == page::kReadWrite);
    x86::Pte pte(rig.mm().pte_info(rig.space, va).pte);
    CHECK_FALSE(pte.writable());
    CHECK_FALSE(pte.software_write());  // read-only: a write is an access violation
    CHECK(rig.write(va, 1).status == AccessStatus::AccessViolation);
    REQUIRE(rig.mm().virtual_protect(rig.space, va, 0x1000, page::kReadWrite).ok);
    pte = x86::Pte(rig.mm().pte_info(rig.space, va).pte);
    CHECK_FALSE(pte.writable());
    CHECK(pte.software_write());
    const mm::AccessResult w = rig.write(va, 2);
    CHECK(had(w, FaultKind::DirtyBit));
    CHECK(rig.read(va).value == 2u);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a dirty page soft-faulted back from the modified list gets R/W at once (no copy on disk to protect)",
          "[fault][pagefile][dirty-bit]") {
    test::Rig rig(test::make_config(Personality::Nt, 24, 32, mm::Policy::WorkingSet));
    const mm::Result a = rig.alloc(0, 0x4000, memf::kCommit, page::kReadWrite);
    REQUIRE(a.ok);
    REQUIRE(rig.write(a.value, 1).ok());
    REQUIRE(rig.write(a.value + 0x1000, 2).ok());
    // Trimmed dirty: the modified list. Soft-faulted back it is still dirty, so R/W is given at once.
    rig.mm().trim(rig.space);
    const mm::AccessResult back = rig.read(a.value);
    REQUIRE(had(back, FaultKind::Soft));
    CHECK(x86::Pte(rig.mm().pte_info(rig.space, a.value).pte).writable());
    CHECK(rig.write(a.value, 3).faults == 0);
    REQUIRE_INVARIANTS(rig);
}
