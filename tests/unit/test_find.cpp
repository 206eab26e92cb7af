// The go-to box's parser and resolver and the event filter (sim/Find.h), on lessons.
#include <catch2/catch.hpp>

#include "sim/Find.h"
#include "sim/Session.h"

using namespace pagelab;

namespace {
std::unique_ptr<sim::Session> lesson(const char* name) {
    auto loaded = sim::Session::load(std::string(PAGELAB_SOURCE_DIR) + "/scenarios/" + name);
    REQUIRE(std::holds_alternative<std::unique_ptr<sim::Session>>(loaded));
    return std::move(std::get<std::unique_ptr<sim::Session>>(loaded));
}
sim::GotoTarget go(const sim::Session& s, const char* text, size_t cursor) {
    auto r = sim::parse_goto(s, text, cursor);
    INFO(text << ": " << (std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string()));
    REQUIRE(std::holds_alternative<sim::GotoTarget>(r));
    return std::get<sim::GotoTarget>(r);
}
std::string go_error(const sim::Session& s, const char* text, size_t cursor) {
    auto r = sim::parse_goto(s, text, cursor);
    REQUIRE(std::holds_alternative<std::string>(r));
    return std::get<std::string>(r);
}
}  // namespace

TEST_CASE("the go-to box reads hex addresses, bound names with offsets, pfn N and slot N", "[find]") {
    auto s = lesson("01-demand-zero.yaml");
    const size_t end = s->event_count();
    CHECK(go(*s, "00010000", end).value == 0x10000);
    CHECK(go(*s, "0x00011000", end).value == 0x11000);
    CHECK(go(*s, "  10000 ", end).value == 0x10000);
    const sim::GotoTarget buf = go(*s, "buf+0x1000", end);
    CHECK(buf.kind == sim::TargetKind::Address);
    CHECK(buf.value == 0x11000);
    CHECK(buf.note.empty());
    CHECK(go(*s, "buf-16", end).value == 0x10000 - 16);
    const sim::GotoTarget in_a = go(*s, "A:buf", end);
    CHECK(in_a.process == std::optional<std::string>("A"));
    CHECK(in_a.value == 0x10000);
    const sim::GotoTarget frame = go(*s, "pfn 0x4", end);
    CHECK(frame.kind == sim::TargetKind::Frame);
    CHECK(frame.value == 4);
    CHECK(go(*s, "pfn 4", end).value == 4);
    CHECK(go(*s, "frame 1F", end).value == 0x1F);
    const sim::GotoTarget slot = go(*s, "slot 3", end);
    CHECK(slot.kind == sim::TargetKind::Slot);
    CHECK(slot.value == 3);
}

TEST_CASE("a name bound later resolves with a note, bad go-to text says why", "[find]") {
    auto s = lesson("01-demand-zero.yaml");
    const sim::GotoTarget early = go(*s, "buf", 0);
    CHECK(early.value == 0x10000);
    CHECK(early.note == "buf is bound by step 2, later than this moment");
    CHECK(sim::bindings_at(*s, 0) == nullptr);
    REQUIRE(sim::bindings_at(*s, s->event_count()) != nullptr);
    CHECK(sim::bindings_at(*s, s->event_count())->at("buf") == 0x10000);
    CHECK(go_error(*s, "nosuchname", 0).find("not a hex address, a name the scenario binds") != std::string::npos);
    CHECK(go_error(*s, "0x12G4", 0).find("0x12G4: not a hex address") == 0);
    CHECK(go_error(*s, "pfn 0x999", 0) == "pfn 0x999: the machine has 32 frames (0x0-0x1F)");
    CHECK(go_error(*s, "pfn zz", 0).find("a frame number is hex") != std::string::npos);
    CHECK(go_error(*s, "slot 0", 0) == "slot 0: the pagefile's slots are 1 to 64");
    CHECK(go_error(*s, "Z:buf", 0) == "Z:buf: 'Z' is not a process of this scenario");
    CHECK(go_error(*s, "", 0).find("not a hex address") != std::string::npos);
}

TEST_CASE("resolve_location tells what an address, a frame and a slot are at the moment", "[find]") {
    auto s = lesson("08-hard-and-soft-faults.yaml");
    s->seek_step(12);
    const sim::Located a = sim::resolve_location(*s, go(*s, "data+0x1000", s->cursor()));
    REQUIRE(a.addresses.size() == 1);
    CHECK(a.addresses[0].process == "A");
    CHECK(a.addresses[0].region_known);
    CHECK(a.addresses[0].region.state == mm::mem::kCommit);
    REQUIRE(a.addresses[0].frame);
    CHECK(a.addresses[0].frame == 7u);
    REQUIRE(a.frame);
    CHECK(a.frame->facts.use == mm::FrameUse::Private);
    CHECK(a.frame->mapped_by == std::vector<std::pair<uint16_t, uint32_t>>{{0, 0x11000}});
    CHECK(a.summary.find("A: 00011000 commit READWRITE, PTE valid, frame 0x7") == 0);

    const sim::Located slot = sim::resolve_location(*s, go(*s, "slot 2", s->cursor()));
    REQUIRE(slot.slot);
    CHECK(slot.slot->in_use);
    CHECK(slot.slot->pages == std::vector<std::pair<uint16_t, uint32_t>>{{0, 0x12000}});
    CHECK(slot.summary == "pagefile slot 2: in use, holds A 00012000");

    const sim::Located table = sim::resolve_location(*s, go(*s, "pfn 3", s->cursor()));
    REQUIRE(table.frame);
    CHECK(table.frame->facts.use == mm::FrameUse::PageTable);
    CHECK(table.frame->mapped_by == std::vector<std::pair<uint16_t, uint32_t>>{{0, 0}});  // PDE 0 of A
    // The paged-out page: no frame, its copy in slot 3.
    const sim::Located out = sim::resolve_location(*s, go(*s, "13000", s->cursor()));
    REQUIRE(out.addresses.size() == 1);
    CHECK(!out.addresses[0].frame);
    CHECK(out.addresses[0].slot == 3u);
    CHECK(out.addresses[0].pte_text == "pagefile slot 3, READWRITE");
}

TEST_CASE("event filters select by kind, group, process, address, frame, slot and words", "[find]") {
    auto s = lesson("22-two-instances-copy-on-write.yaml");
    auto filter = [&](const char* text) {
        auto r = sim::parse_event_filter(text);
        INFO(text);
        REQUIRE(std::holds_alternative<sim::EventFilter>(r));
        return std::get<sim::EventFilter>(r);
    };
    const auto cow = sim::matching_events(*s, filter("kind:cow"), 0, s->event_count());
    REQUIRE(cow.size() == 2);  // B's and C's copy-on-write faults
    for (size_t e : cow) CHECK(mm::EventKind(s->event(e).kind) == mm::EventKind::CopyOnWrite);
    const auto cow_b = sim::matching_events(*s, filter("kind:copy-on-write process:B"), 0, s->event_count());
    REQUIRE(cow_b.size() == 1);
    CHECK(s->machine().space_name(s->event(cow_b[0]).space) == "B");
    // Faults as a group include the page faults and every resolution.
    const auto faults = sim::matching_events(*s, filter("kind:fault"), 0, s->event_count());
    CHECK(faults.size() > cow.size());
    // By address: everything that touched .data's first page; by frame; by words.
    for (size_t e : sim::matching_events(*s, filter("at:402000"), 0, s->event_count())) {
        const auto t = sim::event_touches(*s, e);
        bool hit = false;
        for (const auto& [a, b] : t.ranges) hit = hit || (a <= 0x402FFF && b > 0x402000);
        CHECK(hit);
    }
    CHECK(!sim::matching_events(*s, filter("range:402000-402FFF kind:page-fault"), 0, s->event_count()).empty());
    CHECK(!sim::matching_events(*s, filter("frame:6"), 0, s->event_count()).empty());
    const auto words = sim::matching_events(*s, filter("kind:copy-on-write private FRAME"), 0, s->event_count());
    CHECK(words == cow);
    CHECK(sim::matching_events(*s, filter("kind:cow nosuchword"), 0, s->event_count()).empty());
    // Next and previous, and "like this one".
    const auto first = sim::next_match(*s, filter("kind:cow"), sim::kNoEvent, sim::Direction::Forward);
    REQUIRE(first == cow[0]);
    CHECK(sim::next_match(*s, filter("kind:cow"), cow[0], sim::Direction::Forward) == cow[1]);
    CHECK(sim::next_match(*s, filter("kind:cow"), cow[1], sim::Direction::Forward) == std::nullopt);
    CHECK(sim::next_match(*s, filter("kind:cow"), cow[1], sim::Direction::Backward) == cow[0]);
    CHECK(sim::next_match(*s, filter("kind:cow"), sim::kNoEvent, sim::Direction::Backward) == cow[1]);
    const sim::EventFilter like = sim::filter_like(*s, cow[0]);
    CHECK(like.kinds == std::set<mm::EventKind>{mm::EventKind::CopyOnWrite});
    CHECK(like.process == std::optional<std::string>("B"));
    CHECK(sim::next_match(*s, like, cow[0], sim::Direction::Forward) == std::nullopt);  // C's is another process
    // A breakpoint made from a filter: the window seeks just after the next match.
    s->seek_event(0);
    const auto hit = sim::next_match(*s, filter("kind:cow process:C"), s->cursor() == 0 ? sim::kNoEvent : s->cursor() - 1,
                                     sim::Direction::Forward);
    REQUIRE(hit == cow[1]);
}

TEST_CASE("a bad event filter says which term is wrong", "[find]") {
    auto err = [](const char* text) {
        auto r = sim::parse_event_filter(text);
        REQUIRE(std::holds_alternative<std::string>(r));
        return std::get<std::string>(r);
    };
    CHECK(err("kind:nosuch").rfind("kind:nosuch: not an event kind", 0) == 0);
    CHECK(err("range:5000-1000").rfind("range:5000-1000: write range:LO-HI in hex", 0) == 0);
    CHECK(err("at:xyz") == "at:xyz: not a hex address");
    CHECK(err("frame:zz") == "frame:zz: a frame number is hex");
    CHECK(sim::kinds_named("page-out").count(mm::EventKind::PagefileWrite));
    CHECK(sim::kinds_named("soft") == std::set<mm::EventKind>{mm::EventKind::SoftFault, mm::EventKind::PrototypeSoftFault});
}

TEST_CASE("a filter's text reads back as the same filter, 'like this one' finds the event's kind in its process", "[find]") {
    auto s = lesson("08-hard-and-soft-faults.yaml");
    for (size_t e = 0; e < s->event_count(); ++e) {
        const sim::EventFilter like = sim::filter_like(*s, e);
        const std::string text = sim::filter_text(like);
        auto back = sim::parse_event_filter(text);
        INFO("event " << e << ": " << text);
        REQUIRE(std::holds_alternative<sim::EventFilter>(back));
        const sim::EventFilter& f = std::get<sim::EventFilter>(back);
        CHECK(f.kinds == like.kinds);
        CHECK(f.process == like.process);
        CHECK(f.include_operations == like.include_operations);
        CHECK(f.matches(*s, e));
    }
    auto f = std::get<sim::EventFilter>(sim::parse_event_filter("kind:trim,demand-zero process:A range:10000-1FFFF frame:1A slot:3 zero"));
    CHECK(sim::filter_text(f).find("range:10000-1FFFF frame:1A slot:3 zero") != std::string::npos);
}

TEST_CASE("a breakpoint made from a filter stops after the first matching event", "[find]") {
    auto s = lesson("08-hard-and-soft-faults.yaml");
    const auto f = std::get<sim::EventFilter>(sim::parse_event_filter("kind:pagefile-read"));
    const auto first = sim::next_match(*s, f, sim::kNoEvent, sim::Direction::Forward);
    REQUIRE(first);
    sim::Breakpoint b;
    b.kind = sim::BreakKind::Filter;
    b.filter = "kind:pagefile-read";
    CHECK(sim::describe(b) == "event matching 'kind:pagefile-read'");
    s->seek_event(0);
    REQUIRE(s->run_to({b}));
    CHECK(s->cursor() == *first + 1);
    const auto second = sim::next_match(*s, f, *first, sim::Direction::Forward);
    CHECK(s->run_to({b}) == second.has_value());
    if (second) CHECK(s->cursor() == *second + 1);
    b.filter = "kind:nonsense";
    s->seek_event(0);
    CHECK_FALSE(s->run_to({b}));  // a filter that does not parse matches nothing
}
