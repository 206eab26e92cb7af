// mm::Pagefile: numbered 4 KB slots, slot 0 reserved (a pagefile offset of 0 in a software PTE
// means demand-zero), allocation lowest-first, every change journaled.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "TestHelpers.h"
#include "mm/Pagefile.h"

using namespace pagelab;
using namespace pagelab::mm;

TEST_CASE("a pagefile of P pages has slots 1..P, slot 0 is never handed out", "[pagefile]") {
    core::Journal j(true);
    Pagefile pf(3, j);
    CHECK(pf.capacity() == 3);
    CHECK(pf.used() == 0);
    CHECK(pf.allocate() == 1);
    CHECK(pf.allocate() == 2);
    CHECK(pf.allocate() == 3);
    CHECK(pf.used() == 3);
}

TEST_CASE("a full pagefile answers slot 0 and changes nothing", "[pagefile]") {
    core::Journal j(true);
    Pagefile pf(2, j);
    pf.allocate();
    pf.allocate();
    const size_t n = j.changes().size();
    CHECK(pf.allocate() == 0);
    CHECK(pf.allocate() == 0);
    CHECK(pf.used() == 2);
    CHECK(j.changes().size() == n);
}

TEST_CASE("slots are allocated lowest-first, so a released low slot is reused before higher ones", "[pagefile]") {
    core::Journal j(true);
    Pagefile pf(5, j);
    for (int i = 0; i < 4; ++i) pf.allocate();
    pf.release(2);
    pf.release(1);
    CHECK_FALSE(pf.in_use(1));
    CHECK_FALSE(pf.in_use(2));
    CHECK(pf.allocate() == 1);
    CHECK(pf.allocate() == 2);
    CHECK(pf.allocate() == 5);
    CHECK(pf.allocate() == 0);
}

TEST_CASE("a slot keeps the page written to it and forgets it when released", "[pagefile]") {
    core::Journal j(true);
    Pagefile pf(2, j);
    const uint32_t s = pf.allocate();
    core::PageRef page = core::PageRef::zeroed();
    page.mutable_data()[7] = 0x5A;
    pf.write(s, page);
    CHECK(pf.content(s).data()[7] == 0x5A);
    // The slot shares the bytes; a later write to the caller's page does not reach the slot.
    page.mutable_data()[7] = 0x11;
    CHECK(pf.content(s).data()[7] == 0x5A);
    pf.release(s);
    CHECK(pf.content(s).is_zero_page());
}

TEST_CASE("undoing a pagefile journal restores slot use, contents and lowest-first order", "[pagefile][journal]") {
    core::Journal j(true);
    Pagefile pf(3, j);
    const uint32_t a = pf.allocate();
    core::PageRef page = core::PageRef::zeroed();
    page.mutable_data()[0] = 1;
    pf.write(a, page);
    const size_t mark = j.changes().size();
    pf.release(a);
    const uint32_t b = pf.allocate();
    const uint32_t c = pf.allocate();
    CHECK(b == 1);
    CHECK(c == 2);
    const auto& ch = j.changes();
    for (size_t i = ch.size(); i-- > mark;) {
        if (ch[i].store == core::Store::Slot) pf.apply_used(ch[i].target, ch[i].before != 0);
        else pf.apply_content(ch[i].target, j.page(ch[i].before));
    }
    CHECK(pf.used() == 1);
    CHECK(pf.in_use(a));
    CHECK_FALSE(pf.in_use(2));
    CHECK(pf.content(a).data()[0] == 1);
    CHECK(pf.allocate() == 2);
}

TEST_CASE("the commit limit is RAM plus pagefile pages", "[pagefile][commit]") {
    test::Rig rig(test::make_config(Personality::Nt, 16, 40));
    CHECK(rig.mm().commit_limit() == 56);
    CHECK(rig.mm().pagefile().capacity() == 40);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("lowest-first holds however fragmented the pagefile is (checked against a std::set)", "[pagefile]") {
    core::Journal j(false);
    const uint32_t slots = 9000;  // more than one summary word (4096 slots each) and a ragged end
    Pagefile pf(slots, j);
    std::set<uint32_t> free;
    for (uint32_t s = 1; s <= slots; ++s) free.insert(s);
    std::mt19937 rng(7);
    for (int i = 0; i < 60000; ++i) {
        const bool take = free.size() == slots || (free.size() > 0 && rng() % 100 < 55);
        if (take) {
            const uint32_t want = *free.begin();
            REQUIRE(pf.lowest_free() == want);
            REQUIRE(pf.allocate() == want);
            free.erase(want);
        } else {
            const uint32_t s = 1 + rng() % slots;
            if (free.count(s)) continue;
            pf.release(s);
            free.insert(s);
        }
        REQUIRE(pf.used() == slots - free.size());
    }
    while (!free.empty()) {
        REQUIRE(pf.allocate() == *free.begin());
        free.erase(free.begin());
    }
    CHECK(pf.allocate() == 0);
    CHECK(pf.lowest_free() == 0);
    // Undo's path (apply_used) keeps the free map too.
    pf.apply_used(slots, false);
    pf.apply_used(64, false);
    CHECK(pf.lowest_free() == 64);
    pf.apply_used(64, true);
    CHECK(pf.lowest_free() == slots);
}
