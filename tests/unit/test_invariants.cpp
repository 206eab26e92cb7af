// Each part of the memory manager checks its own invariants (mm/Invariants.cpp runs them): for
// every part, a machine in a sound state is forged into a broken one — one store changed behind
// the part's back, by applying a change to it as undo/redo would — and the part's check says so.
#include <algorithm>
#include <string>

#include "TestHelpers.h"

namespace pagelab {
namespace {

using mm::page::kReadWrite;
constexpr uint32_t kBoth = mm::mem::kReserve | mm::mem::kCommit;

// Sets one store's value without the part knowing (what a bug in it would leave behind).
void forge(test::Rig& rig, core::Store store, uint8_t field, uint32_t target, uint32_t value, uint16_t aux = 0) {
    rig.mm().apply(core::Change{store, field, aux, target, 0, value}, true);
}

// True when a sentence of the checker's report contains `words` (the report goes to INFO).
bool reports(const test::Rig& rig, const std::string& words) {
    const auto bad = rig.check_invariants();
    INFO(test::join_lines(bad));
    return std::any_of(bad.begin(), bad.end(), [&](const std::string& s) { return s.find(words) != std::string::npos; });
}

// The last change the journal holds of this store (and field).
core::Change last_change(const test::Rig& rig, core::Store store, int field = -1) {
    const auto& changes = rig.machine.journal().changes();
    for (size_t i = changes.size(); i-- > 0;)
        if (changes[i].store == store && (field < 0 || changes[i].field == field)) return changes[i];
    FAIL("no such change");
    return {};
}

// A private page written once, and its frame.
uint32_t private_frame(test::Rig& rig, uint32_t& va) {
    const mm::Result r = rig.alloc(0, 0x1000, kBoth, kReadWrite);
    REQUIRE(r.ok);
    va = r.value;
    REQUIRE(rig.write(va, 0x1234).ok());
    const mm::PteInfo info = rig.mm().pte_info(rig.space, va);
    REQUIRE(info.kind == mm::PteKind::Valid);
    return info.pte >> 12;
}

}  // namespace

TEST_CASE("each part's invariant check catches a state forged behind its back", "[invariants]") {
    test::Rig rig(test::make_config(mm::Personality::Nt));
    uint32_t va = 0;
    const uint32_t frame = private_frame(rig, va);
    REQUIRE_INVARIANTS(rig);

    SECTION("FrameAllocator: a list counting a frame it does not link") {
        const uint32_t count = rig.mm().pfn().list(mm::FrameList::Zeroed).count;
        forge(rig, core::Store::ListHead, 2, uint32_t(mm::FrameList::Zeroed), count + 1);
        CHECK(reports(rig, "counts " + std::to_string(count + 1) + " frames but links"));
    }
    SECTION("FrameAllocator: a private frame whose share count is not its one PTE") {
        forge(rig, core::Store::Pfn, uint8_t(mm::PfnField::ShareCount), frame, 2);
        CHECK(reports(rig, "is mapped by 1 PTEs (share count 2)"));
    }
    SECTION("PageTables: a frame that does not point back at the PTE mapping it") {
        forge(rig, core::Store::Pfn, uint8_t(mm::PfnField::PteAddress), frame, 0x1234);
        CHECK(reports(rig, "PTE address is not the PTE of va"));
    }
    SECTION("PageTables: a page table counting a used entry it does not hold") {
        const mm::PteInfo info = rig.mm().pte_info(rig.space, va);
        const uint32_t table = info.pde >> 12;
        forge(rig, core::Store::Pfn, uint8_t(mm::PfnField::ShareCount), table, rig.mm().pfn()[table].share_count + 1);
        CHECK(reports(rig, "used entries but holds"));
    }
    SECTION("Regions: two VADs of one space overlapping") {
        // Process B's region, put into A's VADs where it overlaps A's own region.
        const mm::Result big = rig.alloc(0x00500000, 0x30000, mm::mem::kReserve, kReadWrite);
        REQUIRE(big.ok);
        const mm::Result b = rig.machine.create_process("B");
        REQUIRE(b.ok);
        const uint16_t space_b = rig.machine.processes()[b.value].space;
        REQUIRE(rig.mm().virtual_alloc(space_b, 0x00510000, 0x10000, mm::mem::kReserve, kReadWrite).ok);
        const core::Change inserted = last_change(rig, core::Store::Vad);
        REQUIRE(inserted.target == space_b);
        forge(rig, core::Store::Vad, 0, rig.space, inserted.after);
        CHECK(reports(rig, "overlaps the one before it"));
    }
    SECTION("Pagefile: a slot in use that nothing refers to") {
        forge(rig, core::Store::Slot, 0, 7, 1);
        CHECK(reports(rig, "pagefile slots are in use but 0 are referenced"));
    }
    SECTION("VirtualMemory: a commit charge that is not the committed pages") {
        const uint64_t charge = rig.mm().counter(mm::Counter::CommitCharge);
        forge(rig, core::Store::Counter, 0, uint32_t(mm::Counter::CommitCharge), uint32_t(charge + 1));
        CHECK(reports(rig, "commit charge is"));
    }
    SECTION("HandleTable: a handle held by a space that does not exist") {
        const uint32_t handle = rig.mm().create_file_mapping(rig.space, mm::kInvalidHandleValue, kReadWrite, 0x1000, 0, {}).value;
        REQUIRE(handle != 0);
        const core::Change put = last_change(rig, core::Store::Object, uint8_t(mm::ObjectField::Handle));
        forge(rig, core::Store::Object, uint8_t(mm::ObjectField::Handle), 9, put.after, put.aux);
        CHECK(reports(rig, "address space 9 is gone but holds 1 handles"));
    }
    SECTION("Segment: a section's frame that its prototype PTE does not name") {
        const uint32_t handle = rig.mm().create_file_mapping(rig.space, mm::kInvalidHandleValue, kReadWrite, 0x2000, 0, {}).value;
        const mm::Result view = rig.mm().map_view(rig.space, handle, mm::filemap::kWrite, 0, 0, 0);
        REQUIRE(view.ok);
        REQUIRE(rig.write(view.value, 7).ok());
        const uint32_t section_frame = rig.mm().pte_info(rig.space, view.value).pte >> 12;
        REQUIRE(rig.mm().pfn()[section_frame].use == mm::FrameUse::PagefileSection);
        REQUIRE_INVARIANTS(rig);
        const mm::ProtoIndex index = rig.mm().pfn()[section_frame].proto_index();
        forge(rig, core::Store::Pfn, uint8_t(mm::PfnField::PteAddress), section_frame, index.raw() + 1);
        CHECK(reports(rig, "prototype PTE does not point at it"));
    }
}

TEST_CASE("SharedArena's check catches a win95 directory whose shared PDE is not the arena's", "[invariants][win95]") {
    test::Rig rig(test::make_config(mm::Personality::Win95));
    REQUIRE_INVARIANTS(rig);
    // PDE 0x200 (the shared arena's first) of A's directory: not present, yet not zero.
    forge(rig, core::Store::PhysBytes, 4, rig.mm().space(rig.space).cr3() + 0x200 * 4, 0x2);
    CHECK(reports(rig, "not the shared arena's"));
}

TEST_CASE("a PFN entry's back link is read only as what the frame's use says it is", "[invariants][pfn]") {
    test::Rig rig(test::make_config(mm::Personality::Nt));
    uint32_t va = 0;
    const mm::PfnEntry& e = rig.mm().pfn()[private_frame(rig, va)];
    CHECK(e.pte_address() == rig.mm().pte_info(rig.space, va).pte_address);
    CHECK(e.points_at_pte(mm::PteAddress(rig.mm().pte_info(rig.space, va).pte_address)));
    CHECK_FALSE(e.points_at_proto(mm::ProtoIndex::from_raw(e.backlink_word())));
}

}  // namespace pagelab
