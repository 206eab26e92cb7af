// What an event touched (sim/Touched.h), derived from the journal: the PTEs and PDEs it wrote with
// the page they map, the frames and slots, the VADs, a CPU switch and the TLB's hit or miss.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "sim/Session.h"
#include "sim/Touched.h"
#include "sim/Trace.h"

using namespace pagelab;

namespace {

std::unique_ptr<sim::Session> load(const std::string& path) {
    auto r = sim::Session::load(PAGELAB_SOURCE_DIR "/" + path);
    if (auto* e = std::get_if<sim::LoadError>(&r)) FAIL(e->message);
    return std::move(std::get<std::unique_ptr<sim::Session>>(r));
}

// The first event of a kind at or after `from`.
size_t find_event(const sim::Session& s, mm::EventKind kind, size_t from = 0) {
    for (size_t e = from; e < s.event_count(); ++e)
        if (mm::EventKind(s.event(e).kind) == kind) return e;
    FAIL("no such event");
    return 0;
}

}  // namespace

TEST_CASE("mapping an image touches one PTE per page, each located at its page in its process", "[touched]") {
    auto s = load("scenarios/15-create-process-appinst.yaml");
    const size_t e = find_event(*s, mm::EventKind::ImageMapped);
    const sim::Touched t = sim::touched(*s, e, e + 1);
    REQUIRE(t.va == 0x00400000u);
    REQUIRE_FALSE(t.va_is_access);
    REQUIRE(t.entries.size() == 6);
    for (size_t i = 0; i < 6; ++i) {
        CHECK(t.entries[i].where.kind == sim::EntryLocation::Kind::Pte);
        CHECK(t.entries[i].where.va == 0x00400000u + uint32_t(i) * 0x1000);
        CHECK(t.entries[i].before == 0);
    }
    REQUIRE(t.pte(true)->where.va == 0x00400000u);
    REQUIRE(t.regions.size() == 1);
    CHECK(t.regions[0].second == 0x00400000u);
    CHECK(s->cursor() == 0);  // the session stands where it stood
}

TEST_CASE("a page table made for an image: the PDE it writes is located in the page directory", "[touched]") {
    auto s = load("scenarios/15-create-process-appinst.yaml");
    const size_t e = find_event(*s, mm::EventKind::PageTableCreated);
    const sim::Touched t = sim::touched(*s, e, e + 1);
    const sim::TouchedEntry* pde = t.pde();
    REQUIRE(pde != nullptr);
    CHECK(pde->where.va == 0x00400000u);
    CHECK((pde->after & 1) == 1);
    CHECK(t.pte() == nullptr);
    CHECK(t.frames.size() >= 1);
}

TEST_CASE("a fault's range touches the frame it took and the PTE of the faulting page", "[touched]") {
    auto s = load("scenarios/01-demand-zero.yaml");
    s->seek_step(2);
    const size_t first = s->first_event_of_step(2), end = s->first_event_of_step(3);
    const sim::Touched t = sim::touched(*s, first, end);
    CHECK(s->cursor() == first);
    REQUIRE(t.va.has_value());
    CHECK(t.va_is_access);
    const sim::TouchedEntry* pte = t.pte();
    REQUIRE(pte != nullptr);
    CHECK(pte->where.va == *t.va);
    CHECK((pte->after & 1) == 1);
    CHECK_FALSE(t.frames.empty());
}

TEST_CASE("the TLB: a miss, a hit, the flush of a CR3 load and the switch to another process", "[touched][tlb]") {
    auto s = load("scenarios/02-tlb-and-cr3-switch.yaml");
    s->seek_event(s->event_count());  // (both processes exist at the end)
    const uint16_t a = s->machine().find_process("A")->space, b = s->machine().find_process("B")->space;
    size_t k = 0;
    while (s->scenario().steps[k].op != sim::Op::Read) ++k;
    // A's first read misses (twice) and fills an entry; its CR3 load is a switch to A.
    const sim::Touched read1 = sim::touched(*s, s->first_event_of_step(k), s->first_event_of_step(k + 1));
    CHECK(read1.tlb.lookup == sim::TlbTouch::Lookup::Miss);
    CHECK(read1.tlb.filled.size() == 1);
    REQUIRE(read1.switched_to.has_value());
    CHECK(*read1.switched_to == a);
    // The same page again hits and writes no entry.
    const sim::Touched read2 = sim::touched(*s, s->first_event_of_step(k + 1), s->first_event_of_step(k + 2));
    CHECK(read2.tlb.lookup == sim::TlbTouch::Lookup::Hit);
    CHECK(read2.entries.empty());
    // Somewhere a CR3 load to B flushes A's entries.
    bool flushed = false;
    for (; k < s->step_count() && !flushed; ++k) {
        const sim::Touched t = sim::touched(*s, s->first_event_of_step(k), s->first_event_of_step(k + 1));
        if (t.switched_to && *t.switched_to == b) flushed = t.tlb.flushed;
    }
    CHECK(flushed);
}

TEST_CASE("locate_entry names the same entry describe_change prints", "[touched]") {
    auto s = load("scenarios/38-win95-system-dlls-shared-arena.yaml");
    s->visit(0, s->event_count(), nullptr, [&](const core::Change& c) {
        if (c.store != core::Store::PhysBytes || c.field != 4) return;
        const auto where = sim::locate_entry(s->machine().mm(), c.target);
        const std::string text = sim::describe_change(s->machine(), c);
        if (!where) {
            CHECK(text.rfind("memory @", 0) == 0);
            return;
        }
        const std::string head = where->kind == sim::EntryLocation::Kind::Pde ? fmt::format("PDE {:03X}", where->va >> 22)
                                                                              : fmt::format("PTE of {:08X}", where->va);
        CHECK(text.rfind(head, 0) == 0);
    });
}
