// mm::PfnDatabase: one entry per frame and the doubly linked frame lists (free, zeroed, standby,
// modified, active), every change journaled so that it can be undone.
#include <catch2/catch.hpp>

#include <vector>

#include "mm/Pfn.h"

using namespace pagelab;
using namespace pagelab::mm;

namespace {
std::vector<uint32_t> walk(const PfnDatabase& db, FrameList l) {
    std::vector<uint32_t> out;
    uint32_t prev = kNoFrame;
    for (uint32_t f = db.list(l).first; f != kNoFrame; f = db[f].flink) {
        CHECK(db[f].blink == prev);
        CHECK(db[f].list == l);
        out.push_back(f);
        prev = f;
        if (out.size() > db.size()) FAIL("list is circular");
    }
    CHECK(db.list(l).last == prev);
    CHECK(db.list(l).count == out.size());
    return out;
}

void undo_all(PfnDatabase& db, const core::Journal& j, size_t from) {
    const auto& ch = j.changes();
    for (size_t i = ch.size(); i-- > from;) {
        if (ch[i].store == core::Store::Pfn) db.apply(ch[i].field, ch[i].target, ch[i].before);
        else if (ch[i].store == core::Store::ListHead) db.apply_list(ch[i].field, ch[i].target, ch[i].before);
        else if (ch[i].store == core::Store::ListMove)
            db.apply_move(ch[i].field, ch[i].target, uint32_t(ch[i].before), uint32_t(ch[i].after), false);
        else FAIL("unexpected store in a PFN journal");
    }
}
}  // namespace

TEST_CASE("at power-on every frame is on the zeroed list in ascending order", "[pfn]") {
    core::Journal j(true);
    PfnDatabase db(6, j);
    CHECK(walk(db, FrameList::Zeroed) == std::vector<uint32_t>{0, 1, 2, 3, 4, 5});
    for (FrameList l : {FrameList::Free, FrameList::Standby, FrameList::Modified, FrameList::Active})
        CHECK(walk(db, l).empty());
    for (uint32_t f = 0; f < 6; ++f) CHECK(db[f].state == FrameState::Zeroed);
    CHECK(j.changes().empty());
}

TEST_CASE("pop_front takes the oldest frame of a list and unlinks it", "[pfn]") {
    core::Journal j(true);
    PfnDatabase db(4, j);
    CHECK(db.pop_front(FrameList::Zeroed) == 0);
    CHECK(db[0].list == FrameList::None);
    CHECK(db[0].flink == kNoFrame);
    CHECK(db[0].blink == kNoFrame);
    CHECK(walk(db, FrameList::Zeroed) == std::vector<uint32_t>{1, 2, 3});
    CHECK(db.pop_front(FrameList::Free) == kNoFrame);
}

TEST_CASE("push_back appends in arrival order and remove unlinks from the middle, front and back", "[pfn]") {
    core::Journal j(true);
    PfnDatabase db(6, j);
    for (int i = 0; i < 6; ++i) db.pop_front(FrameList::Zeroed);
    for (uint32_t f : {3u, 1u, 5u, 0u}) db.push_back(FrameList::Active, f);
    CHECK(walk(db, FrameList::Active) == std::vector<uint32_t>{3, 1, 5, 0});
    db.remove(1);
    CHECK(walk(db, FrameList::Active) == std::vector<uint32_t>{3, 5, 0});
    db.remove(3);
    CHECK(walk(db, FrameList::Active) == std::vector<uint32_t>{5, 0});
    db.remove(0);
    CHECK(walk(db, FrameList::Active) == std::vector<uint32_t>{5});
    db.remove(5);
    CHECK(walk(db, FrameList::Active).empty());
    CHECK(db.list(FrameList::Active).first == kNoFrame);
    // Removing a frame that is on no list does nothing.
    db.remove(5);
    CHECK(walk(db, FrameList::Active).empty());
}

TEST_CASE("move_to_back makes a frame the newest of its list (the LRU touch)", "[pfn]") {
    core::Journal j(true);
    PfnDatabase db(4, j);
    for (int i = 0; i < 4; ++i) db.pop_front(FrameList::Zeroed);
    for (uint32_t f = 0; f < 4; ++f) db.push_back(FrameList::Active, f);
    db.move_to_back(1);
    CHECK(walk(db, FrameList::Active) == std::vector<uint32_t>{0, 2, 3, 1});
    const size_t n = j.changes().size();
    db.move_to_back(1);  // already the newest: nothing to do, nothing journaled
    CHECK(j.changes().size() == n);
    db.move_to_back(0);
    CHECK(walk(db, FrameList::Active) == std::vector<uint32_t>{2, 3, 1, 0});
}

TEST_CASE("an LRU touch is one ListMove record, undone and redone from any position of any list length", "[pfn]") {
    for (uint32_t n = 2; n <= 5; ++n) {
        for (uint32_t pos = 0; pos + 1 < n; ++pos) {
            INFO("list of " << n << ", frame at position " << pos);
            core::Journal j(true);
            PfnDatabase db(n, j);
            for (uint32_t i = 0; i < n; ++i) db.pop_front(FrameList::Zeroed);
            for (uint32_t f = 0; f < n; ++f) db.push_back(FrameList::Active, f);
            const std::vector<uint32_t> before = walk(db, FrameList::Active);
            const size_t at = j.changes().size();
            db.move_to_back(pos);
            REQUIRE(j.changes().size() == at + 1);
            const core::Change c = j.changes()[at];
            CHECK(c.store == core::Store::ListMove);
            CHECK(c.target == pos);
            CHECK(c.before == (pos == 0 ? kNoFrame : pos - 1));
            CHECK(c.after == n - 1);
            const std::vector<uint32_t> after = walk(db, FrameList::Active);
            CHECK(after.back() == pos);
            db.apply_move(c.field, c.target, uint32_t(c.before), uint32_t(c.after), false);
            CHECK(walk(db, FrameList::Active) == before);
            for (uint32_t f = 0; f < n; ++f) {
                CHECK(db[f].flink == (f + 1 < n ? f + 1 : kNoFrame));
                CHECK(db[f].blink == (f > 0 ? f - 1 : kNoFrame));
            }
            db.apply_move(c.field, c.target, uint32_t(c.before), uint32_t(c.after), true);
            CHECK(walk(db, FrameList::Active) == after);
        }
    }
}

TEST_CASE("frames move between lists and each list keeps its own count", "[pfn]") {
    core::Journal j(true);
    PfnDatabase db(5, j);
    const uint32_t a = db.pop_front(FrameList::Zeroed), b = db.pop_front(FrameList::Zeroed);
    db.push_back(FrameList::Standby, a);
    db.push_back(FrameList::Modified, b);
    CHECK(db.list(FrameList::Zeroed).count == 3);
    CHECK(db.list(FrameList::Standby).count == 1);
    CHECK(db.list(FrameList::Modified).count == 1);
    db.remove(b);
    db.push_back(FrameList::Standby, b);
    CHECK(walk(db, FrameList::Standby) == std::vector<uint32_t>{a, b});
    CHECK(walk(db, FrameList::Modified).empty());
}

TEST_CASE("field setters journal before and after values and skip no-op writes", "[pfn]") {
    core::Journal j(true);
    PfnDatabase db(2, j);
    db.set_owner(1, 7);
    db.set_share_count(1, 3);
    db.set_state(1, FrameState::Active);
    db.set_use(1, FrameUse::Private);
    db.set_backlink(1, Backlink::pte(PteAddress(0x2004)));
    db.set_original_pte(1, 0x80);
    db.set_modified(1, true);
    CHECK(db[1].owner == 7);
    CHECK(db[1].share_count == 3);
    CHECK(db[1].state == FrameState::Active);
    CHECK(db[1].use == FrameUse::Private);
    CHECK(db[1].pte_address() == 0x2004);
    CHECK(db[1].original_pte == 0x80);
    CHECK((db[1].flags & PfnEntry::kModified) != 0);
    const size_t n = j.changes().size();
    CHECK(n == 7);
    db.set_owner(1, 7);
    CHECK(j.changes().size() == n);
    db.set_modified(1, false);
    CHECK((db[1].flags & PfnEntry::kModified) == 0);
    CHECK(db.get(1, PfnField::Owner) == 7);
    CHECK(db.get(1, PfnField::PteAddress) == 0x2004);
    CHECK(db.get(1, PfnField::State) == uint32_t(FrameState::Active));
}

TEST_CASE("undoing the journal of list operations restores every entry and list head", "[pfn][journal]") {
    core::Journal j(true);
    PfnDatabase db(8, j);
    std::vector<PfnEntry> entries0;
    for (uint32_t f = 0; f < 8; ++f) entries0.push_back(db[f]);
    std::vector<ListHead> heads0;
    for (int l = 0; l < kListCount; ++l) heads0.push_back(db.list(FrameList(l)));

    for (int i = 0; i < 5; ++i) {
        const uint32_t f = db.pop_front(FrameList::Zeroed);
        db.set_state(f, FrameState::Active);
        db.set_share_count(f, 1);
        db.push_back(FrameList::Active, f);
    }
    db.move_to_back(1);
    db.remove(3);
    db.push_back(FrameList::Modified, 3);
    db.remove(0);
    db.push_back(FrameList::Free, 0);
    REQUIRE_FALSE(j.changes().empty());

    undo_all(db, j, 0);
    for (uint32_t f = 0; f < 8; ++f) {
        INFO("frame " << f);
        CHECK(db[f].flink == entries0[f].flink);
        CHECK(db[f].blink == entries0[f].blink);
        CHECK(db[f].list == entries0[f].list);
        CHECK(db[f].state == entries0[f].state);
        CHECK(db[f].share_count == entries0[f].share_count);
    }
    for (int l = 0; l < kListCount; ++l) {
        CHECK(db.list(FrameList(l)).first == heads0[l].first);
        CHECK(db.list(FrameList(l)).last == heads0[l].last);
        CHECK(db.list(FrameList(l)).count == heads0[l].count);
    }
    CHECK(walk(db, FrameList::Zeroed) == std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("frame states, uses and lists have RAMMap's names", "[pfn]") {
    CHECK(std::string(frame_state_name(FrameState::Standby)) == "Standby");
    CHECK(std::string(frame_state_name(FrameState::Modified)) == "Modified");
    CHECK(std::string(frame_use_name(FrameUse::PageTable)) == "Page Table");
    CHECK(std::string(frame_use_name(FrameUse::Private)) == "Process Private");
    CHECK(std::string(frame_list_name(FrameList::Zeroed)) == "zeroed");
}
