// x86::translate: the two-level walk (Intel SDM Vol. 3A §4.3), the Accessed/Dirty updates
// (§4.8), the U/S and R/W checks with CR0.WP = 1 (§4.6) and the page-fault error code (§4.7).
#include <catch2/catch.hpp>

#include "x86/Walk.h"

using namespace pagelab;
using namespace pagelab::x86;

namespace {
constexpr uint32_t kPd = 1, kPt = 2, kData = 3;
constexpr uint32_t kVa = 0x00401234;  // PDE 1, PTE 1, offset 0x234

struct WalkRig {
    core::Journal journal{true};
    PhysicalMemory ram{8, journal};
    Tlb tlb{0, journal};
    uint32_t cr3 = kPd << 12;

    uint32_t pde_address() const { return cr3 + pde_index(kVa) * 4; }
    uint32_t pte_address() const { return (kPt << 12) + pte_index(kVa) * 4; }
    void map(Writable pde_w, User pde_u, Writable pte_w, User pte_u) {
        ram.write_u32(pde_address(), Pte::make_valid(kPt, pde_w, pde_u).raw());
        ram.write_u32(pte_address(), Pte::make_valid(kData, pte_w, pte_u).raw());
    }
    Pte pde() const { return Pte(ram.read_u32(pde_address())); }
    Pte pte() const { return Pte(ram.read_u32(pte_address())); }
};
}  // namespace

TEST_CASE("a user read walks CR3 -> PDE -> PTE -> frame and sets Accessed on both entries but not Dirty", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::Yes, Writable::Yes, User::Yes);
    WalkRecord rec;
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Read, Mode::User, &rec);
    REQUIRE(t.ok);
    CHECK(t.pa == ((kData << 12) | 0x234));
    CHECK_FALSE(t.tlb_hit);
    CHECK(w.pde().accessed());
    CHECK(w.pte().accessed());
    CHECK_FALSE(w.pte().dirty());
    CHECK_FALSE(w.pde().dirty());
}

TEST_CASE("a write sets Dirty on the PTE (and Accessed on both), never Dirty on the PDE", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::Yes, Writable::Yes, User::Yes);
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::User);
    REQUIRE(t.ok);
    CHECK(w.pte().accessed());
    CHECK(w.pte().dirty());
    CHECK(w.pde().accessed());
    CHECK_FALSE(w.pde().dirty());
}

TEST_CASE("an instruction fetch is checked like a read: 32-bit paging has no execute-disable bit", "[walk]") {
    WalkRig w;
    w.map(Writable::No, User::Yes, Writable::No, User::Yes);
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Execute, Mode::User);
    CHECK(t.ok);
    CHECK_FALSE(w.pte().dirty());
}

TEST_CASE("the walk record holds the entries as read, before Accessed and Dirty were set", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::Yes, Writable::Yes, User::Yes);
    const uint32_t pde_before = w.pde().raw(), pte_before = w.pte().raw();
    WalkRecord rec;
    REQUIRE(translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::User, &rec).ok);
    CHECK(rec.va == kVa);
    CHECK(rec.cr3 == w.cr3);
    CHECK(rec.pde_address == w.pde_address());
    CHECK(rec.pde == pde_before);
    CHECK(rec.pte_address == w.pte_address());
    CHECK(rec.pte == pte_before);
    CHECK(rec.pa == ((kData << 12) | 0x234));
    CHECK(rec.reached_pte);
    CHECK_FALSE(rec.tlb_hit);
}

TEST_CASE("a missing page table faults with P=0 and the W/R and U/S bits of the access, nothing changes", "[walk]") {
    WalkRig w;
    const size_t changes = w.journal.changes().size();
    WalkRecord rec;
    const Translation r = translate(w.ram, w.tlb, w.cr3, kVa, Access::Read, Mode::User, &rec);
    CHECK_FALSE(r.ok);
    CHECK(r.error_code == pf::kUser);
    CHECK_FALSE(rec.reached_pte);
    CHECK(rec.pde_address == w.pde_address());
    const Translation wr = translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::User);
    CHECK(wr.error_code == (pf::kUser | pf::kWrite));
    const Translation kr = translate(w.ram, w.tlb, w.cr3, kVa, Access::Read, Mode::Kernel);
    CHECK(kr.error_code == 0);
    const Translation kw = translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::Kernel);
    CHECK(kw.error_code == pf::kWrite);
    CHECK(w.journal.changes().size() == changes);
}

TEST_CASE("a not-present PTE faults with P=0, leaves the PTE alone and sets only the PDE's Accessed bit", "[walk]") {
    WalkRig w;
    w.ram.write_u32(w.pde_address(), Pte::make_valid(kPt, Writable::Yes, User::Yes).raw());
    w.ram.write_u32(w.pte_address(), 0x80);  // a software PTE (demand-zero READWRITE)
    WalkRecord rec;
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::User, &rec);
    CHECK_FALSE(t.ok);
    CHECK(t.error_code == (pf::kWrite | pf::kUser));
    CHECK(rec.reached_pte);
    CHECK(rec.pte == 0x80);
    CHECK(w.pte().raw() == 0x80);
    CHECK(w.pde().accessed());
}

TEST_CASE("user access to a supervisor page faults with P=1 U/S=1 and sets no Accessed bit on the PTE", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::Yes, Writable::Yes, User::No);
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Read, Mode::User);
    CHECK_FALSE(t.ok);
    CHECK(t.error_code == (pf::kProtection | pf::kUser));
    CHECK_FALSE(w.pte().accessed());
}

TEST_CASE("U/S must be set in both the PDE and the PTE for user mode", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::No, Writable::Yes, User::Yes);
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Read, Mode::User);
    CHECK_FALSE(t.ok);
    CHECK(t.error_code == (pf::kProtection | pf::kUser));
    // Kernel mode may use the same mapping.
    CHECK(translate(w.ram, w.tlb, w.cr3, kVa, Access::Read, Mode::Kernel).ok);
}

TEST_CASE("a user write to a read-only PTE faults with P=1 W/R=1 U/S=1 and does not set Dirty", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::Yes, Writable::No, User::Yes);
    REQUIRE(translate(w.ram, w.tlb, w.cr3, kVa, Access::Read, Mode::User).ok);
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::User);
    CHECK_FALSE(t.ok);
    CHECK(t.error_code == (pf::kProtection | pf::kWrite | pf::kUser));
    CHECK_FALSE(w.pte().dirty());
}

TEST_CASE("R/W must be set in both the PDE and the PTE for a write", "[walk]") {
    WalkRig w;
    w.map(Writable::No, User::Yes, Writable::Yes, User::Yes);
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::User);
    CHECK_FALSE(t.ok);
    CHECK(t.error_code == (pf::kProtection | pf::kWrite | pf::kUser));
}

TEST_CASE("with CR0.WP = 1 (as Windows sets it) kernel-mode writes to read-only pages fault too", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::No, Writable::No, User::No);
    CHECK(translate(w.ram, w.tlb, w.cr3, kVa, Access::Read, Mode::Kernel).ok);
    const Translation t = translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::Kernel);
    CHECK_FALSE(t.ok);
    CHECK(t.error_code == (pf::kProtection | pf::kWrite));
    CHECK_FALSE(w.pte().dirty());
}

TEST_CASE("kernel mode may read and write user pages (no SMAP on a 32-bit Windows-era CPU)", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::Yes, Writable::Yes, User::Yes);
    CHECK(translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::Kernel).ok);
    CHECK(w.pte().dirty());
}

TEST_CASE("the Accessed and Dirty updates are journaled like any other physical write", "[walk]") {
    WalkRig w;
    w.map(Writable::Yes, User::Yes, Writable::Yes, User::Yes);
    const size_t before = w.journal.changes().size();
    REQUIRE(translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::User).ok);
    const auto& ch = w.journal.changes();
    REQUIRE(ch.size() == before + 2);  // PDE.A, then PTE.A|D
    CHECK(ch[before].store == core::Store::PhysBytes);
    CHECK(ch[before].target == w.pde_address());
    CHECK(ch[before + 1].target == w.pte_address());
    CHECK(uint32_t(ch[before + 1].after) == (uint32_t(ch[before + 1].before) | Pte::kAccessed | Pte::kDirty));
    // A second write finds both bits set and writes nothing.
    REQUIRE(translate(w.ram, w.tlb, w.cr3, kVa, Access::Write, Mode::User).ok);
    CHECK(w.journal.changes().size() == before + 2);
}
