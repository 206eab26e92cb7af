// x86::Pte: the 32-bit (non-PAE) PDE/PTE word, bit for bit as Intel SDM Vol. 3A §4.3,
// Tables 4-5 (PDE referencing a page table) and 4-6 (PTE mapping a 4 KB page) lay it out.
#include <catch2/catch.hpp>

#include "x86/Pte.h"

using namespace pagelab::x86;

namespace {
// Every architectural bit position, checked at compile time: a PTE type that drifted from the
// SDM would not build.
static_assert(Pte::kPresent == 0x001);
static_assert(Pte::kWrite == 0x002);
static_assert(Pte::kUser == 0x004);
static_assert(Pte::kWriteThrough == 0x008);
static_assert(Pte::kCacheDisable == 0x010);
static_assert(Pte::kAccessed == 0x020);
static_assert(Pte::kDirty == 0x040);
static_assert(Pte::kLargePage == 0x080);
static_assert(Pte::kGlobal == 0x100);
static_assert(Pte::kCopyOnWrite == 0x200);
static_assert(Pte::kPrototype == 0x400);
static_assert(Pte::kAvl2 == 0x800);
static_assert(Pte::kFrameMask == 0xFFFFF000u);

static_assert(Pte(Pte::kPresent).present());
static_assert(Pte(Pte::kWrite).writable());
static_assert(Pte(Pte::kUser).user());
static_assert(Pte(Pte::kWriteThrough).write_through());
static_assert(Pte(Pte::kCacheDisable).cache_disabled());
static_assert(Pte(Pte::kAccessed).accessed());
static_assert(Pte(Pte::kDirty).dirty());
static_assert(Pte(Pte::kLargePage).large_page());
static_assert(Pte(Pte::kGlobal).global());
static_assert(Pte(Pte::kCopyOnWrite).copy_on_write());
static_assert(Pte(Pte::kPrototype).prototype());
static_assert(Pte(0xABCDE000u).frame() == 0xABCDE);
static_assert(Pte(0xE00u).avl() == 7 && Pte(0x200u).avl() == 1 && Pte(0x800u).avl() == 4);

static_assert(Pte::make_valid(0x12345, Writable::Yes, User::Yes).raw() == 0x12345007u);
static_assert(Pte::make_valid(0x12345, Writable::No, User::Yes).raw() == 0x12345005u);
static_assert(Pte::make_valid(0x12345, Writable::Yes, User::No).raw() == 0x12345003u);
static_assert(Pte::make_valid(0x12345, Writable::No, User::No).raw() == 0x12345001u);
static_assert(Pte().is_zero() && !Pte(1).is_zero());

static_assert(pde_index(0xC0300000u) == 0x300 && pte_index(0xC0300000u) == 0x300);
static_assert(pde_index(0x00401234u) == 1 && pte_index(0x00401234u) == 1 && page_offset(0x00401234u) == 0x234);
static_assert(page_base(0x00401234u) == 0x00401000u && vpn(0x00401234u) == 0x401);
static_assert(pf::kProtection == 1 && pf::kWrite == 2 && pf::kUser == 4);
}  // namespace

TEST_CASE("each flag accessor reads exactly its own bit of the PTE word", "[pte]") {
    struct Bit {
        uint32_t mask;
        bool (Pte::*get)() const;
    };
    const Bit bits[] = {
        {Pte::kPresent, &Pte::present},        {Pte::kWrite, &Pte::writable},
        {Pte::kUser, &Pte::user},              {Pte::kWriteThrough, &Pte::write_through},
        {Pte::kCacheDisable, &Pte::cache_disabled}, {Pte::kAccessed, &Pte::accessed},
        {Pte::kDirty, &Pte::dirty},            {Pte::kLargePage, &Pte::large_page},
        {Pte::kGlobal, &Pte::global},          {Pte::kCopyOnWrite, &Pte::copy_on_write},
        {Pte::kPrototype, &Pte::prototype},
    };
    for (const Bit& b : bits) {
        INFO("bit mask " << b.mask);
        CHECK((Pte(b.mask).*b.get)());
        CHECK_FALSE((Pte(~b.mask).*b.get)());
        CHECK_FALSE((Pte(0).*b.get)());
        // The flag does not leak into the frame number.
        CHECK(Pte(b.mask).frame() == 0);
    }
}

TEST_CASE("the frame number is bits 12-31 and with_frame keeps every flag", "[pte]") {
    const Pte p = Pte::make_valid(0xFFFFF, Writable::Yes, User::Yes).with(Pte::kDirty | Pte::kAccessed, true);
    CHECK(p.frame() == 0xFFFFF);
    const Pte q = p.with_frame(0x00042);
    CHECK(q.frame() == 0x42);
    CHECK((q.raw() & 0xFFFu) == (p.raw() & 0xFFFu));
    CHECK(q.with_frame(0xFFFFF) == p);
}

TEST_CASE("with sets and clears only the named bits", "[pte]") {
    const Pte p = Pte::make_valid(7, Writable::No, User::Yes);
    const Pte d = p.with(Pte::kDirty, true);
    CHECK(d.dirty());
    CHECK(d.raw() == (p.raw() | Pte::kDirty));
    CHECK(d.with(Pte::kDirty, false) == p);
    CHECK(p.with(Pte::kWrite | Pte::kAccessed, true).raw() == (p.raw() | 0x22u));
}

TEST_CASE("the three AVL bits 9-11 belong to the OS: NT uses bit 9 for copy-on-write and bit 10 for prototype",
          "[pte]") {
    CHECK(Pte(Pte::kCopyOnWrite).avl() == 1);
    CHECK(Pte(Pte::kPrototype).avl() == 2);
    CHECK(Pte(Pte::kAvl2).avl() == 4);
    CHECK(Pte(0xFFFFFFFFu).avl() == 7);
    CHECK(Pte(0xFFFFF1FFu).avl() == 0);
}

TEST_CASE("a linear address splits into 10-bit directory index, 10-bit table index and 12-bit offset", "[pte]") {
    for (uint32_t va : {0u, 0x00010000u, 0x7FFEFFFFu, 0x80000000u, 0xC0000000u, 0xFFFFFFFFu, 0x12345678u}) {
        INFO("va " << va);
        CHECK(pde_index(va) < 1024);
        CHECK(pte_index(va) < 1024);
        CHECK(((pde_index(va) << 22) | (pte_index(va) << 12) | page_offset(va)) == va);
        CHECK(page_base(va) + page_offset(va) == va);
        CHECK(vpn(va) == (va >> 12));
    }
}
