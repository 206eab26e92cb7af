// x86::Tlb: a fully associative TLB with FIFO replacement, invalidation per page, a flush on CR3
// load, and the processor's re-walk when a write hits an entry whose Dirty bit is clear.
#include <catch2/catch.hpp>

#include "TestHelpers.h"
#include "x86/Walk.h"

using namespace pagelab;
using namespace pagelab::x86;

TEST_CASE("a TLB entry packs and unpacks losslessly", "[tlb]") {
    const TlbEntry e{true, true, false, true, 0xABCDE, 0x12345};
    const TlbEntry u = TlbEntry::unpack(e.pack());
    CHECK(u.valid == e.valid);
    CHECK(u.writable == e.writable);
    CHECK(u.user == e.user);
    CHECK(u.dirty == e.dirty);
    CHECK(u.vpn == e.vpn);
    CHECK(u.frame == e.frame);
    CHECK(TlbEntry{}.pack() == 0);
}

TEST_CASE("a filled translation hits, an unknown page misses", "[tlb]") {
    core::Journal j(true);
    Tlb tlb(4, j);
    tlb.fill(0x401, 7, true, true, false);
    const TlbEntry* e = tlb.lookup(0x401);
    REQUIRE(e);
    CHECK(e->frame == 7);
    CHECK(e->writable);
    CHECK(e->user);
    CHECK_FALSE(e->dirty);
    CHECK(tlb.lookup(0x402) == nullptr);
}

TEST_CASE("a TLB of size 0 is no TLB: fills are ignored", "[tlb]") {
    core::Journal j(true);
    Tlb tlb(0, j);
    tlb.fill(0x401, 7, true, true, false);
    CHECK(tlb.size() == 0);
    CHECK(tlb.lookup(0x401) == nullptr);
    CHECK(j.changes().empty());
}

TEST_CASE("when the TLB is full the oldest fill is replaced first (FIFO)", "[tlb]") {
    core::Journal j(true);
    Tlb tlb(3, j);
    tlb.fill(0x10, 1, false, true, false);
    tlb.fill(0x11, 2, false, true, false);
    tlb.fill(0x12, 3, false, true, false);
    CHECK(tlb.next_victim() == 0);
    tlb.lookup(0x10);  // a hit does not make an entry younger: FIFO, not LRU
    tlb.fill(0x13, 4, false, true, false);
    CHECK(tlb.lookup(0x10) == nullptr);
    CHECK(tlb.lookup(0x11) != nullptr);
    CHECK(tlb.lookup(0x13) != nullptr);
    CHECK(tlb.next_victim() == 1);
    tlb.fill(0x14, 5, false, true, false);
    CHECK(tlb.lookup(0x11) == nullptr);
    CHECK(tlb.entries()[1].vpn == 0x14);
}

TEST_CASE("refilling a page already in the TLB updates its entry in place", "[tlb]") {
    core::Journal j(true);
    Tlb tlb(2, j);
    tlb.fill(0x10, 1, false, true, false);
    tlb.fill(0x10, 1, true, true, true);
    CHECK(tlb.next_victim() == 1);
    const TlbEntry* e = tlb.lookup(0x10);
    REQUIRE(e);
    CHECK(e->writable);
    CHECK(e->dirty);
    int valid = 0;
    for (const TlbEntry& x : tlb.entries()) valid += x.valid;
    CHECK(valid == 1);
}

TEST_CASE("invalidate (INVLPG) drops one page, flush drops all", "[tlb]") {
    core::Journal j(true);
    Tlb tlb(4, j);
    for (uint32_t v = 0; v < 4; ++v) tlb.fill(0x20 + v, v, false, true, false);
    tlb.invalidate(0x21);
    CHECK(tlb.lookup(0x21) == nullptr);
    CHECK(tlb.lookup(0x20) != nullptr);
    CHECK(tlb.lookup(0x22) != nullptr);
    tlb.flush();
    for (const TlbEntry& e : tlb.entries()) CHECK_FALSE(e.valid);
}

TEST_CASE("TLB changes are journaled and undo restores entries and the FIFO pointer", "[tlb]") {
    core::Journal j(true);
    Tlb tlb(2, j);
    tlb.fill(0x10, 1, false, true, false);
    tlb.fill(0x11, 2, true, true, false);
    tlb.fill(0x12, 3, true, true, true);
    tlb.invalidate(0x11);
    const auto& ch = j.changes();
    for (size_t i = ch.size(); i-- > 0;) {
        REQUIRE(ch[i].store == core::Store::Tlb);
        if (ch[i].field == 1) tlb.apply_next(ch[i].before);
        else tlb.apply_entry(ch[i].target, ch[i].field, ch[i].before);
    }
    for (const TlbEntry& e : tlb.entries()) CHECK_FALSE(e.valid);
    CHECK(tlb.next_victim() == 0);
}

namespace {
struct TlbWalkRig {
    core::Journal journal{true};
    PhysicalMemory ram{8, journal};
    Tlb tlb{4, journal};
    uint32_t cr3 = 1u << 12;
    uint32_t va = 0x00401000;
    uint32_t pte_address = (2u << 12) + 4;
    TlbWalkRig(Writable w = Writable::Yes) {
        ram.write_u32(cr3 + 4, Pte::make_valid(2, Writable::Yes, User::Yes).raw());
        ram.write_u32(pte_address, Pte::make_valid(3, w, User::Yes).raw());
    }
    Pte pte() const { return Pte(ram.read_u32(pte_address)); }
};
}  // namespace

TEST_CASE("the second access to a page hits the TLB and does not walk (A is not set again)", "[tlb][walk]") {
    TlbWalkRig w;
    REQUIRE(translate(w.ram, w.tlb, w.cr3, w.va, Access::Read, Mode::User).ok);
    REQUIRE(w.pte().accessed());
    // Clear A behind the TLB's back: a hit does not look at memory, so A stays clear.
    w.ram.write_u32(w.pte_address, w.pte().raw() & ~Pte::kAccessed);
    WalkRecord rec;
    const Translation t = translate(w.ram, w.tlb, w.cr3, w.va + 8, Access::Read, Mode::User, &rec);
    CHECK(t.ok);
    CHECK(t.tlb_hit);
    CHECK(rec.tlb_hit);
    CHECK(t.pa == ((3u << 12) | 8));
    CHECK_FALSE(w.pte().accessed());
}

TEST_CASE("a write hitting an entry whose Dirty bit is clear walks again to set Dirty", "[tlb][walk]") {
    TlbWalkRig w;
    REQUIRE(translate(w.ram, w.tlb, w.cr3, w.va, Access::Read, Mode::User).ok);
    REQUIRE_FALSE(w.tlb.lookup(x86::vpn(w.va))->dirty);
    const Translation t = translate(w.ram, w.tlb, w.cr3, w.va, Access::Write, Mode::User);
    CHECK(t.ok);
    CHECK_FALSE(t.tlb_hit);
    CHECK(w.pte().dirty());
    CHECK(w.tlb.lookup(x86::vpn(w.va))->dirty);
    // Now the write hits.
    CHECK(translate(w.ram, w.tlb, w.cr3, w.va, Access::Write, Mode::User).tlb_hit);
}

TEST_CASE("a rights violation on a TLB hit is re-checked against the page tables", "[tlb][walk]") {
    TlbWalkRig w(Writable::No);
    REQUIRE(translate(w.ram, w.tlb, w.cr3, w.va, Access::Read, Mode::User).ok);
    // Through the cached read-only entry the write faults, after a walk that finds R/W = 0.
    const Translation denied = translate(w.ram, w.tlb, w.cr3, w.va, Access::Write, Mode::User);
    CHECK_FALSE(denied.ok);
    CHECK(denied.error_code == (pf::kProtection | pf::kWrite | pf::kUser));
    // The PTE becomes writable without INVLPG: the stale entry makes the CPU walk and succeed.
    w.ram.write_u32(w.pte_address, w.pte().raw() | Pte::kWrite);
    CHECK(translate(w.ram, w.tlb, w.cr3, w.va, Access::Write, Mode::User).ok);
    CHECK(w.tlb.lookup(x86::vpn(w.va))->writable);
}

TEST_CASE("loading CR3 for another process flushes the TLB", "[tlb][machine]") {
    test::Rig rig(test::make_config(mm::Personality::Nt, 64, 64, mm::Policy::Clock, 4));
    const auto b = rig.machine.create_process("B");
    REQUIRE(b.ok);
    const uint16_t space_b = rig.machine.processes()[b.value].space;
    const auto base = rig.alloc(0, 0x4000, mm::mem::kCommit | mm::mem::kReserve, mm::page::kReadWrite);
    REQUIRE(base.ok);
    REQUIRE(rig.write(base.value, 1).ok());
    REQUIRE(rig.read(base.value).ok());
    REQUIRE(rig.mm().tlb().lookup(x86::vpn(base.value)) != nullptr);
    rig.mm().switch_to(space_b);
    for (const TlbEntry& e : rig.mm().tlb().entries()) CHECK_FALSE(e.valid);
    CHECK(rig.mm().cr3() == rig.mm().space(space_b).cr3());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a TLB hit is counted as a hit and a walk as a miss", "[tlb][machine]") {
    test::Rig rig(test::make_config(mm::Personality::Nt, 64, 64, mm::Policy::Clock, 4));
    const auto base = rig.alloc(0, 0x1000, mm::mem::kCommit | mm::mem::kReserve, mm::page::kReadWrite);
    REQUIRE(base.ok);
    REQUIRE(rig.write(base.value, 1).ok());  // fault, then the walk that succeeds
    const uint64_t hits = rig.mm().counter(mm::Counter::TlbHits);
    REQUIRE(rig.read(base.value).ok());
    REQUIRE(rig.write(base.value + 4, 2).ok());
    CHECK(rig.mm().counter(mm::Counter::TlbHits) == hits + 2);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("changing a page's protection invalidates its TLB entry (no stale write access)", "[tlb][machine]") {
    test::Rig rig(test::make_config(mm::Personality::Nt, 64, 64, mm::Policy::Clock, 4));
    const auto base = rig.alloc(0, 0x1000, mm::mem::kCommit | mm::mem::kReserve, mm::page::kReadWrite);
    REQUIRE(base.ok);
    REQUIRE(rig.write(base.value, 0x11).ok());
    REQUIRE(rig.mm().tlb().lookup(x86::vpn(base.value)));
    REQUIRE(rig.mm().virtual_protect(rig.space, base.value, 0x1000, mm::page::kReadOnly).ok);
    const auto w = rig.write(base.value, 0x22);
    CHECK(w.status == mm::AccessStatus::AccessViolation);
    CHECK(rig.read(base.value).value == 0x11);
    REQUIRE_INVARIANTS(rig);
}
