// UI tests of comparing two moments, finding things and exporting (issue 19): pin A, move, and
// the Compare A/B panel lists what sim::diff_moments lists, a row selects its entry, the strip and
// the frame map mark what differs; the go-to box jumps; the Events panel's filter lists, steps
// through matches and makes a breakpoint; File > Export writes the CLI's files; !pte is copied.
#include "testing/TestHelpers.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <GLFW/glfw3.h>

#include "Find.h"
#include "Moments.h"
#include "sim/Export.h"
#include "sim/Find.h"

namespace pagelab::ui {

namespace {

size_t items(const sim::Diff& d) {
    return d.processes.size() + d.regions.size() + d.entries.size() + d.frames.size() + d.slots.size() + d.mappings.size() +
           d.data_sections.size() + d.image_sections.size() + d.handles.size() + d.counters.size();
}

uint16_t space_of(App& app, const char* name) {
    const os::Process* p = app.machine().find_process(name);
    return p ? p->space : mm::kNoSpace;
}

// The panel lists one row per item of the diff computed here, independently, from A to now.
Check rows_match_diff(const std::string& b_says) {
    return [b_says](App& app) {
        const auto a = app.moments().pinned();
        if (!a) return std::string("no moment A");
        const sim::Diff d = sim::diff_moments(app.session(), *a, app.session().cursor());
        if (auto e = expect_contains(probe(app, "moments.b"), b_says, "moment B"); !e.empty()) return e;
        return expect_eq(probe(app, "moments.rows"), std::to_string(items(d)), "rows");
    };
}

// The index of B's row for the PTE of 0x00402000 (the page lesson 22's copy-on-write copies).
std::optional<size_t> cow_row(App& app) {
    const auto& rows = app.moments().rows(app.session());
    for (size_t i = 0; i < rows.size(); ++i)
        if (rows[i].kind == CompareRow::Kind::Entry && rows[i].space == space_of(app, "B") && rows[i].value == 0x402000) return i;
    return std::nullopt;
}

}  // namespace

void compare_moments(TestDriver& t) {
    for (int i = 0; i < 4; ++i) t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_M);
    t.check("M pins the current moment as A and shows Compare A/B", [](App& app) {
        if (auto e = expect_eq(app.moments().pinned().value_or(99999), app.session().cursor(), "moment A"); !e.empty()) return e;
        if (auto e = expect_contains(probe(app, "moments.a"), "step 4", "A"); !e.empty()) return e;
        return expect_eq(probe(app, "moments.rows"), std::string("0"), "rows at A itself");
    });
    for (int i = 0; i < 7; ++i) t.key(GLFW_KEY_RIGHT);
    t.check("seven steps later the panel lists every difference of the diff from the journal", rows_match_diff("step 11"));
    t.check("... with B's PTE 00402000 old -> new, decoded", [](App& app) {
        const auto i = cow_row(app);
        if (!i) return std::string("no row for B's PTE 00402000");
        const CompareRow& r = app.moments().rows(app.session())[*i];
        if (auto e = expect_eq(r.item, std::string("PTE 00402000"), "item"); !e.empty()) return e;
        if (auto e = expect_contains(r.a, "00006225 (valid, frame 0x6, C---A--UREV)", "A"); !e.empty()) return e;
        return expect_contains(r.b, "0000A067 (valid, frame 0xA, ---DA--UWEV)", "B");
    });
    t.click_at("B's PTE row", [](App& app) -> std::optional<ImVec2> {
        const auto i = cow_row(app);
        const ImRect* r = i ? app.probe().find_rect(fmt::format("moments.row.{}", *i)) : nullptr;
        if (!r) return std::nullopt;
        return ImVec2(r->Min.x + 40, r->GetCenter().y);
    });
    t.mouse_away();
    t.check("clicking the row selects B's PTE of 00402000 and its frame", [](App& app) {
        const UiState& st = app.state();
        if (auto e = expect_eq(st.space, space_of(app, "B"), "process"); !e.empty()) return e;
        if (!st.entry_selected || st.entry_level != EntryLevel::Pte) return std::string("no PTE selected");
        if (auto e = expect_eq(st.pde_index * 1024 + st.pte_index, 0x402u, "page"); !e.empty()) return e;
        return expect_eq(st.frame.value_or(0), 0xAu, "frame");
    });
    t.check("the strip marks B's pages that differ, under the strip", [](App& app) {
        const auto runs = sim::changed_pages(*app.moments().diff(app.session()), space_of(app, "B"));
        if (auto e = expect_eq(probe(app, "strip.differs"), std::to_string(runs.size()), "marked runs"); !e.empty()) return e;
        const ImRect* strip = app.probe().find_rect("strip");
        if (!strip) return std::string("no strip");
        const UiState& st = app.state();  // the segmented scale: address -> [0, 1] -> pixels
        const float x = strip->Min.x + float(st.strip.to_px(st.strip_scale.to_u(double(0x402000) + 2048.0)));
        return colour_is(app, ImVec2(std::round(x), strip->Max.y + 3), IM_COL32(0, 200, 255, 255), "mark of page 00402000");
    });
    t.check("the frame map outlines every frame that differs", [](App& app) {
        return expect_eq(probe(app, "frames.differs"), std::to_string(app.moments().diff(app.session())->frames.size()), "frames");
    });
    t.key(GLFW_KEY_LEFT);
    t.key(GLFW_KEY_LEFT);
    t.check("moving B recomputes the list", rows_match_diff("step 9"));
    t.key(GLFW_KEY_HOME);
    t.check("B before A lists what going back undoes", rows_match_diff("the start"));
    t.click("moments.goto_a");
    t.check("Go to A moves the cursor to A: no difference", [](App& app) {
        if (auto e = expect_eq(app.session().cursor(), *app.moments().pinned(), "cursor"); !e.empty()) return e;
        return expect_eq(probe(app, "moments.rows"), std::string("0"), "rows");
    });
    t.key(GLFW_KEY_M);
    t.check("M on A unpins it", [](App& app) { return app.moments().pinned() ? std::string("A is still pinned") : std::string(); });
}

void go_to_box(TestDriver& t) {
    t.key(GLFW_KEY_END);
    t.key(GLFW_KEY_G, false, true);
    t.type("data+0x1000");
    t.key(GLFW_KEY_ENTER);
    t.check("Ctrl+G, data+0x1000, Enter selects A's PTE of that page and zooms the strip to it", [](App& app) {
        const UiState& st = app.state();
        if (auto e = expect_eq(st.space, space_of(app, "A"), "process"); !e.empty()) return e;
        const auto data = sim::bindings_at(app.session(), app.session().cursor())->at("data");
        if (auto e = expect_eq((st.pde_index << 22) | (st.pte_index << 12), uint32_t(data + 0x1000) & ~0xFFFu, "page"); !e.empty()) return e;
        if (!st.entry_selected || st.entry_level != EntryLevel::Pte) return std::string("no PTE selected");
        if (st.strip.lo() > double(data + 0x1000) || st.strip.hi() < double(data + 0x1000)) return std::string("the strip does not show it");
        return expect_contains(st.goto_result, fmt::format("A: {:08X}", data + 0x1000), "result");
    });
    t.key(GLFW_KEY_G, false, true);
    t.type("pfn 3");
    t.key(GLFW_KEY_ENTER);
    t.check("pfn 3 opens frame 3", [](App& app) {
        if (!app.state().frame_window_open) return std::string("the frame window is closed");
        return expect_eq(app.state().frame.value_or(0), 3u, "frame");
    });
    t.key(GLFW_KEY_G, false, true);
    t.type("slot 2");
    t.key(GLFW_KEY_ENTER);
    t.check("slot 2 focuses the pagefile's slot 2", [](App& app) { return expect_eq(app.state().slot_focus.value_or(0), 2u, "slot"); });
    t.key(GLFW_KEY_G, false, true);
    t.type("12G4");
    t.key(GLFW_KEY_ENTER);
    t.check("text that is no address says why and keeps the box open", [](App& app) {
        if (!app.state().goto_failed) return std::string("no failure");
        return expect_contains(probe(app, "goto.result"), "12G4: not a hex address", "error");
    });
    t.key(GLFW_KEY_ESCAPE);
    t.check("Escape closes it", [](App& app) { return expect_eq(probe(app, "goto.result"), std::string("<not drawn>"), "box"); });
}

void event_filter(TestDriver& t) {
    auto matches = [](App& app) {
        const auto f = std::get<sim::EventFilter>(sim::parse_event_filter("kind:demand-zero"));
        return sim::matching_events(app.session(), f, 0, app.session().event_count());
    };
    t.click("events.filter");
    t.type("kind:demand-zero");
    t.mouse_away();
    t.check("a filter lists its matches over the whole run", [matches](App& app) {
        const auto m = matches(app);
        if (m.size() < 2) return fmt::format("lesson 08 has {} demand-zero faults", m.size());
        if (auto e = expect_eq(probe(app, "events.matches"), std::to_string(m.size()), "matches"); !e.empty()) return e;
        return expect_eq(probe(app, "events.count"), std::to_string(m.size()), "listed");
    });
    t.click("events.next");
    t.check("> moves to just after the first match", [matches](App& app) { return expect_eq(app.session().cursor(), matches(app)[0] + 1, "cursor"); });
    t.click("events.next");
    t.check("> again: the second", [matches](App& app) { return expect_eq(app.session().cursor(), matches(app)[1] + 1, "cursor"); });
    t.click("events.prev");
    t.check("< back to the first", [matches](App& app) { return expect_eq(app.session().cursor(), matches(app)[0] + 1, "cursor"); });
    t.click("events.break");
    t.key(GLFW_KEY_HOME);
    t.click("controls.run_to");
    t.check("Break makes a breakpoint of the filter; Run to breakpoint stops after the first match", [matches](App& app) {
        const auto& bps = app.state().breakpoints;
        if (bps.size() != 1 || bps[0].kind != sim::BreakKind::Filter) return std::string("no filter breakpoint");
        if (auto e = expect_eq(bps[0].filter, std::string("kind:demand-zero"), "filter"); !e.empty()) return e;
        return expect_eq(app.session().cursor(), matches(app)[0] + 1, "cursor");
    });
    t.act("like this one (right-click on an event)", [](App& app) { filter_like_event(app, app.session().cursor() - 1); });
    t.check("'like this one' filters the event's kind in its process", [](App& app) {
        const std::string text = app.state().event_filter;
        if (auto e = expect_eq(text, std::string("kind:demand-zero process:A"), "filter"); !e.empty()) return e;
        const auto f = std::get<sim::EventFilter>(sim::parse_event_filter(text));
        return expect_eq(probe(app, "events.matches"), std::to_string(sim::matching_events(app.session(), f, 0, app.session().event_count()).size()), "matches");
    });
    t.act("a bad filter", [](App& app) { app.state().event_filter = "kind:nonsense"; });
    t.wait(1);
    t.check("a bad filter says which term is wrong, and the step's events stay listed", [](App& app) {
        return expect_contains(probe(app, "events.filter_error"), "kind:nonsense: not an event kind", "error");
    });
}

void export_files(TestDriver& t) {
    static const std::filesystem::path dir = std::filesystem::temp_directory_path() / fmt::format("pagelab-ui-export-{}", ::getpid());
    for (int i = 0; i < 11; ++i) t.key(GLFW_KEY_RIGHT);
    t.act("an empty folder", [](App& app) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        app.state().export_dir = dir.string();
    });
    t.click("menu.file");
    t.click("menu.file.export");
    t.click("export.write");
    t.check("File > Export this moment writes the CLI's three files for step 11", [](App& app) {
        const std::string stem = (dir / "22-two-instances-copy-on-write-step11").string();
        std::ostringstream regions, frames, windbg;
        sim::write_regions_csv(app.machine(), regions, {});
        sim::write_frames_csv(app.machine(), frames);
        sim::write_state_windbg(app.machine(), windbg, {});
        auto read = [](const std::string& p) {
            std::ifstream in(p, std::ios::binary);
            return std::string(std::istreambuf_iterator<char>(in), {});
        };
        if (auto e = expect_eq(read(stem + "-regions.csv"), regions.str(), "regions.csv"); !e.empty()) return e;
        if (auto e = expect_eq(read(stem + "-frames.csv"), frames.str(), "frames.csv"); !e.empty()) return e;
        if (auto e = expect_eq(read(stem + ".windbg.txt"), windbg.str(), "windbg.txt"); !e.empty()) return e;
        return expect_contains(probe(app, "export.result"), "wrote 3 files", "result");
    });
    t.key(GLFW_KEY_ESCAPE);
    t.act("select B's PTE of 00402000", [](App& app) { go_to(app, "B:402000"); });
    t.click("menu.file");
    t.click("menu.file.copy_pte");
    t.check("File > Copy !pte puts the selected PTE's !pte block on the clipboard", [](App& app) {
        const char* clip = ImGui::GetClipboardText();
        const std::string expected = sim::windbg_pte(app.machine(), space_of(app, "B"), 0x402000);
        if (auto e = expect_contains(expected, "VA 00402000", "!pte"); !e.empty()) return e;
        std::filesystem::remove_all(dir);
        return expect_eq(std::string(clip ? clip : ""), expected, "clipboard");
    });
}

}  // namespace pagelab::ui
