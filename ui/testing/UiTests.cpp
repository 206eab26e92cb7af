// The built-in UI tests (`pagelab-ui --ui-test NAME`, registered in ctest under Xvfb). Each drives
// the real window with injected clicks and keys and checks the session and what was drawn.
#include "testing/TestDriver.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <unistd.h>

#include <GLFW/glfw3.h>
#include <fmt/format.h>

#include "App.h"
#include "sim/Course.h"
#include "testing/TestHelpers.h"

namespace pagelab::ui {

namespace {

// --- the tests -----------------------------------------------------------------------------------

void step_controls(TestDriver& t) {
    t.check("starts at the beginning", [](App& app) { return expect_eq(app.session().cursor(), size_t(0), "cursor"); });
    t.click("controls.step");
    t.click("controls.step");
    t.check("two clicks on Step do two steps", [](App& app) { return expect_eq(app.session().steps_done(), size_t(2), "steps done"); });
    t.check("the lesson panel narrates step 2", [](App& app) {
        return expect_eq(probe(app, "lesson.say"), app.session().scenario().steps[1].say, "narration");
    });
    t.click("controls.back");
    t.check("Back undoes one step", [](App& app) { return expect_eq(app.session().steps_done(), size_t(1), "steps done"); });
    t.key(GLFW_KEY_RIGHT);
    t.check("Right steps forward", [](App& app) { return expect_eq(app.session().steps_done(), size_t(2), "steps done"); });
    t.key(GLFW_KEY_RIGHT, true);
    t.check("Shift+Right applies one event of step 3", [](App& app) {
        const auto& s = app.session();
        if (auto e = expect_eq(s.cursor(), s.first_event_of_step(2) + 1, "cursor"); !e.empty()) return e;
        return expect_contains(probe(app, "controls.where"), "in step 3", "position text");
    });
    t.key(GLFW_KEY_LEFT, true);
    t.check("Shift+Left takes the event back", [](App& app) {
        return expect_eq(app.session().cursor(), app.session().first_event_of_step(2), "cursor");
    });
    t.key(GLFW_KEY_HOME);
    t.check("Home resets", [](App& app) { return expect_eq(app.session().cursor(), size_t(0), "cursor"); });
    t.click("controls.event");
    t.click("controls.step");
    t.check("in event granularity Step moves one event", [](App& app) {
        if (auto e = expect_eq(app.session().cursor(), size_t(1), "cursor"); !e.empty()) return e;
        return expect_eq(int(app.state().granularity), int(Granularity::Event), "granularity");
    });
    t.click("controls.operation");
    t.key(GLFW_KEY_SPACE);
    t.check("Space starts running", [](App& app) { return expect_eq(app.state().running, true, "running"); });
    t.wait(70);  // 2 steps per second at 60 frames per second
    t.check("running moves through the steps", [](App& app) {
        return app.session().steps_done() >= 2 ? std::string() : fmt::format("only {} steps done", app.session().steps_done());
    });
    t.key(GLFW_KEY_SPACE);
    t.check("Space pauses", [](App& app) { return expect_eq(app.state().running, false, "running"); });
    t.click("controls.scrub", ImVec2(0.999f, 0.5f));
    t.check("the scrub bar's right end is the end of the run", [](App& app) {
        if (auto e = expect_eq(app.session().cursor(), app.session().event_count(), "cursor"); !e.empty()) return e;
        return expect_eq(probe(app, "lesson.step"), std::to_string(app.session().step_count()), "lesson step");
    });
    t.click("controls.scrub", ImVec2(0.001f, 0.5f));
    t.check("the scrub bar's left end is the start", [](App& app) { return expect_eq(app.session().cursor(), size_t(0), "cursor"); });
}

void pte_select(TestDriver& t) {
    for (int i = 0; i < 3; ++i) t.key(GLFW_KEY_RIGHT);
    t.check("following the access selects buf's PTE after the first read", [](App& app) {
        const UiState& s = app.state();
        if (!s.entry_selected) return std::string("no entry selected");
        if (auto e = expect_eq(s.pte_index, 0x10u, "pte index"); !e.empty()) return e;
        return expect_eq(probe(app, "decoder.kind"), std::string("valid"), "decoder kind");
    });
    t.click_at("PD cell 000", grid_cell("pd.grid", 0));
    t.check("clicking PDE 000 decodes the PDE", [](App& app) {
        const auto& m = app.mm();
        const uint32_t pde = m.ram().read_u32(m.space(app.state().space).cr3());
        if (auto e = expect_eq(probe(app, "decoder.level"), std::string("pde"), "level"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "decoder.raw"), fmt::format("{:08X}", pde), "raw PDE"); !e.empty()) return e;
        return expect_eq(probe(app, "decoder.bit.0"), std::string("1"), "P bit");
    });
    t.click_at("PT cell 012", grid_cell("pt.grid", 0x12));
    t.check("an untouched committed page decodes with the software layout", [](App& app) {
        if (auto e = expect_eq(probe(app, "decoder.layout"), std::string("software"), "layout"); !e.empty()) return e;
        return expect_eq(app.state().pte_index, 0x12u, "pte index");
    });
    t.click_at("PT cell 010", grid_cell("pt.grid", 0x10));
    t.check("buf's PTE decodes with the hardware layout, A set, D clear", [](App& app) {
        const auto info = app.mm().pte_info(app.state().space, 0x00010000);
        if (auto e = expect_eq(probe(app, "decoder.raw"), fmt::format("{:08X}", info.pte), "raw PTE"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "decoder.layout"), std::string("hardware"), "layout"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "decoder.bit.5"), std::string("1"), "A bit"); !e.empty()) return e;
        return expect_eq(probe(app, "decoder.bit.6"), std::string("0"), "D bit");
    });
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.mouse_away();
    t.check("the grid draws each PTE in its state's colour", [](App& app) {
        // Step 5 selected and changed PTE 011; 010, 012 and 040 carry no outline or dot.
        const Palette& pal = app.colours();
        auto at = [&](uint32_t i) { return *grid_cell("pt.grid", i)(app); };
        if (auto e = colour_is(app, at(0x10), pal.page[int(PageClass::Present)], "PTE 010 (present)"); !e.empty()) return e;
        if (auto e = colour_is(app, at(0x12), pal.page[int(PageClass::DemandZero)], "PTE 012 (demand-zero)"); !e.empty()) return e;
        return colour_is(app, at(0x40), pal.page[int(PageClass::Free)], "PTE 040 (free)");
    });
}

void frame_window(TestDriver& t) {
    for (int i = 0; i < 5; ++i) t.key(GLFW_KEY_RIGHT);
    t.check("step 5 wrote 0x41 into buf+0x1000", [](App& app) {
        return buf_frame(app, 0x11000) != 0 ? std::string() : std::string("buf+0x1000 has no frame");
    });
    t.click_at("frame of buf+0x1000", frame_cell([](App& app) { return buf_frame(app, 0x11000); }));
    t.check("clicking the frame opens its window with the bytes and the PTE that maps it", [](App& app) {
        const uint32_t f = buf_frame(app, 0x11000);
        if (auto e = expect_eq(probe(app, "frame.window"), std::string("open"), "frame window"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "frame.number"), fmt::format("{:X}", f), "frame"); !e.empty()) return e;
        if (auto e = expect_contains(probe(app, "frame.hex.first"), "0000: 41 00 00 00", "first hex row"); !e.empty()) return e;
        return expect_contains(probe(app, "frame.mappers"), "A 00011000", "mapped by");
    });
    t.click("controls.back");
    t.check("stepping back shows the frame before the write: zero and unmapped", [](App& app) {
        if (auto e = expect_eq(probe(app, "frame.window"), std::string("open"), "frame window"); !e.empty()) return e;
        if (auto e = expect_contains(probe(app, "frame.hex.first"), "0000: 00 00 00 00", "first hex row"); !e.empty()) return e;
        return expect_eq(probe(app, "frame.mappers"), std::string(""), "mapped by");
    });
    t.click_at("the page table's frame", frame_cell([](App& app) {
                   const auto& m = app.mm();
                   return m.ram().read_u32(m.space(0).cr3()) >> 12;
               }));
    t.check("a page table frame shows 32-bit entries and the PDE that points at it", [](App& app) {
        if (auto e = expect_contains(probe(app, "frame.hex.first"), "0000: 00000000 00000000", "first hex row"); !e.empty()) return e;
        return expect_contains(probe(app, "frame.mappers"), "A 00000000", "mapped by");
    });
}

// Lesson 31 at its step 13: two views in A and one in B map the file's first page; B's ReadFile
// has just read A's write from that frame.
void mapped_file(TestDriver& t) {
    for (int i = 0; i < 13; ++i) t.key(GLFW_KEY_RIGHT);
    auto file_frame = [](App& app) {
        const os::Process* a = app.machine().find_process("A");
        return a ? sim::resident_frame(app.machine(), a->space, 0x10000).value_or(0) : 0u;
    };
    t.check("at step 13 the file page is in a frame of use Mapped File", [file_frame](App& app) {
        const uint32_t f = file_frame(app);
        if (f == 0) return std::string("A's first view has no frame");
        return expect_eq(std::string(mm::frame_use_name(app.mm().pfn()[f].use)), std::string("Mapped File"), "use");
    });
    t.click_at("the file page's frame", frame_cell(file_frame));
    t.check("its window shows the file's bytes with A's write and every view's PTE", [file_frame](App& app) {
        if (auto e = expect_eq(probe(app, "frame.window"), std::string("open"), "frame window"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "frame.number"), fmt::format("{:X}", file_frame(app)), "frame"); !e.empty()) return e;
        if (auto e = expect_contains(probe(app, "frame.hex.first"), "0000: 54 68 65 20 51 55 49 43", "first hex row (The QUIC)"); !e.empty())
            return e;
        const std::string mappers = probe(app, "frame.mappers");
        for (const char* who : {"A 00010000", "A 00020000", "B 00010000"})
            if (auto e = expect_contains(mappers, who, "mapped by"); !e.empty()) return e;
        return std::string();
    });
    t.key(GLFW_KEY_HOME);
    t.check("reset: no file page in any frame, the frame window shows it unmapped", [](App& app) {
        for (uint32_t f = 0; f < app.mm().pfn().size(); ++f)
            if (app.mm().pfn()[f].use == mm::FrameUse::File) return fmt::format("frame 0x{:X} still holds a file page", f);
        return expect_eq(probe(app, "frame.mappers"), std::string(""), "mapped by");
    });
}

// Lesson 08: step 10 reads data+0x1000 back from its pagefile slot; step 11 writes it (a
// dirty-bit fault). Following the access keeps that page's PTE in the entry decoder.
void dirty_bit(TestDriver& t) {
    constexpr uint32_t kPage = 0x00011000;
    for (int i = 0; i < 10; ++i) t.key(GLFW_KEY_RIGHT);
    auto decoded = [](App& app, const char* r_w, const char* write, const char* dirty) {
        const auto info = app.mm().pte_info(app.state().space, kPage);
        if (auto e = expect_eq(probe(app, "decoder.raw"), fmt::format("{:08X}", info.pte), "raw PTE"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "decoder.bit.1"), std::string(r_w), "R/W bit"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "decoder.bit.11"), std::string(write), "bit 11 (Write)"); !e.empty()) return e;
        return expect_eq(probe(app, "decoder.bit.6"), std::string(dirty), "D bit");
    };
    t.check("read back from the pagefile, the page's PTE has R/W = 0 and bit 11 set", [decoded](App& app) {
        if (auto e = expect_eq(app.state().pte_index, 0x11u, "pte index"); !e.empty()) return e;
        return decoded(app, "0", "1", "0");
    });
    t.key(GLFW_KEY_RIGHT);
    t.check("the write's dirty-bit fault freed the slot and gave R/W and D", [decoded](App& app) {
        if (auto e = decoded(app, "1", "0", "1"); !e.empty()) return e;
        if (auto e = expect_eq(app.mm().counter(mm::Counter::DirtyBitFaults), uint64_t(1), "dirty_bit_faults"); !e.empty())
            return e;
        return expect_eq(app.mm().pagefile().in_use(1), false, "slot 1 in use");
    });
    t.key(GLFW_KEY_LEFT);
    t.check("stepping back puts the held-back R/W and the slot back", [decoded](App& app) {
        if (auto e = decoded(app, "0", "1", "0"); !e.empty()) return e;
        return expect_eq(app.mm().pagefile().in_use(1), true, "slot 1 in use");
    });
}

void breakpoints(TestDriver& t) {
    t.click("controls.breakpoints");
    t.click("bp.add");
    t.check("the editor adds a breakpoint on any fault", [](App& app) {
        if (auto e = expect_eq(app.state().breakpoints.size(), size_t(1), "breakpoints"); !e.empty()) return e;
        return expect_eq(int(app.state().breakpoints[0].kind), int(sim::BreakKind::Fault), "kind");
    });
    t.click("panel.Lesson", ImVec2(0.5f, 0.97f));  // outside the popup: closes it
    t.click("controls.run_to");
    t.check("Run to breakpoint stops after the first demand-zero fault", [](App& app) {
        const auto& s = app.session();
        if (s.cursor() == 0) return std::string("did not move");
        if (auto e = expect_eq(std::string(mm::event_kind_name(mm::EventKind(s.event(s.cursor() - 1).kind))), std::string("demand-zero"), "event");
            !e.empty())
            return e;
        return expect_contains(app.state().status, "Breakpoint hit", "status");
    });
    t.click("controls.run_to");
    t.check("again: the next fault is the write's, in step 5", [](App& app) {
        const auto& s = app.session();
        if (auto e = expect_eq(s.step_of_event(s.cursor() - 1), size_t(4), "step"); !e.empty()) return e;
        return expect_eq(std::string(mm::event_kind_name(mm::EventKind(s.event(s.cursor() - 1).kind))), std::string("demand-zero"), "event");
    });
    t.act("replace it with 'PTE of buf+0x1000 in A changes'", [](App& app) {
        sim::Breakpoint b;
        b.kind = sim::BreakKind::PteChange;
        b.process = "A";
        b.address = *app.resolve_address("buf+0x1000");
        app.state().breakpoints = {b};
    });
    t.key(GLFW_KEY_HOME);
    t.click("controls.run_to");
    t.check("the first change is the page table appearing under it (step 3)", [](App& app) {
        const auto& s = app.session();
        if (auto e = expect_eq(s.step_of_event(s.cursor() - 1), size_t(2), "step"); !e.empty()) return e;
        return expect_eq(std::string(mm::event_kind_name(mm::EventKind(s.event(s.cursor() - 1).kind))), std::string("page-table-created"),
                         "event");
    });
    t.act("break on demand-zero faults only", [](App& app) {
        sim::Breakpoint b;
        b.kind = sim::BreakKind::Fault;
        b.fault = mm::FaultKind::DemandZero;
        app.state().breakpoints = {b};
    });
    t.key(GLFW_KEY_SPACE);
    t.wait(150);
    t.check("running stops at a breakpoint", [](App& app) {
        const auto& s = app.session();
        if (auto e = expect_eq(app.state().running, false, "running"); !e.empty()) return e;
        return expect_eq(std::string(mm::event_kind_name(mm::EventKind(s.event(s.cursor() - 1).kind))), std::string("demand-zero"), "event");
    });
}

void load_error(TestDriver& t) {
    t.check("an invalid scenario shows its error instead of crashing", [](App& app) {
        if (app.has_session()) return std::string("a session was loaded from an invalid file");
        const std::string msg = probe(app, "error.message");
        if (auto e = expect_contains(msg, "unknown-key.yaml:", "message"); !e.empty()) return e;
        return expect_contains(msg, ": error: ", "message");
    });
    t.click("error.open_other");
    t.wait(2);
    t.check("the picker lists the lesson library", [](App& app) {
        const int n = std::atoi(probe(app, "picker.count").c_str());
        return n >= 13 ? std::string() : fmt::format("picker lists {} lessons", n);
    });
    t.click("picker.row.01-demand-zero.yaml");
    t.check("picking a lesson loads it", [](App& app) {
        if (!app.has_session()) return std::string("no session");
        return expect_contains(app.scenario_path(), "01-demand-zero.yaml", "path");
    });
    t.act("open a bad file over the lesson", [](App& app) {
        app.load(std::string(PAGELAB_SOURCE_DIR) + "/tests/scenarios/bad/yaml-syntax.yaml");
    });
    t.check("the error is shown and the lesson stays", [](App& app) {
        if (auto e = expect_contains(probe(app, "error.message"), "yaml-syntax.yaml:", "message"); !e.empty()) return e;
        return expect_contains(app.scenario_path(), "01-demand-zero.yaml", "path");
    });
    t.click("error.close");
    t.check("Close dismisses the error", [](App& app) {
        return expect_eq(probe(app, "error.message"), std::string("<not drawn>"), "error dialog");
    });
}

void classroom(TestDriver& t) {
    t.key(GLFW_KEY_RIGHT);
    t.check("the normal layout shows the side panels", [](App& app) {
        if (!app.probe().find_rect("panel.Events")) return std::string("events panel not drawn");
        if (!app.probe().find_rect("panel.Physical memory")) return std::string("physical memory panel not drawn");
        return std::string();
    });
    t.click("menu.view");
    t.click("menu.view.classroom");
    t.wait(2);
    t.check("classroom mode hides the side panels and enlarges the fonts", [](App& app) {
        if (!app.state().classroom) return std::string("classroom mode is off");
        if (app.probe().find_rect("panel.Events")) return std::string("events panel still shown beside the lesson");
        if (app.probe().find_rect("panel.Physical memory")) return std::string("physical memory still in its own column");
        return app.state().font_size >= 20 ? std::string() : fmt::format("font size {}", app.state().font_size);
    });
    t.check("the lesson column keeps its width when fonts grow", [](App& app) {
        const ImRect* r = app.probe().find_rect("panel.Lesson");
        if (!r) return std::string("lesson not drawn");
        return expect_eq(int(r->GetWidth()), int(app.window_size().x * 0.32f), "lesson width");
    });
    t.act("fonts to 30 px", [](App& app) { app.state().font_size_pending = 30; });
    t.wait(2);
    t.check("... also at 30 px", [](App& app) {
        const ImRect* r = app.probe().find_rect("panel.Lesson");
        if (!r) return std::string("lesson not drawn");
        if (auto e = expect_eq(int(app.state().font_size), 30, "font size"); !e.empty()) return e;
        return expect_eq(int(r->GetWidth()), int(app.window_size().x * 0.32f), "lesson width");
    });
    t.click("menu.view");
    t.click("menu.view.contrast");
    t.mouse_away();
    t.check("high contrast draws on black", [](App& app) {
        const ImRect* r = app.probe().find_rect("panel.Lesson");
        if (!r) return std::string("lesson not drawn");
        return colour_is(app, ImVec2(r->Max.x - 4, r->Max.y - 4), IM_COL32(0, 0, 0, 255), "lesson background");
    });
    t.key(GLFW_KEY_F11);
    t.wait(1);
    t.check("F11 leaves classroom mode", [](App& app) {
        if (app.state().classroom) return std::string("still in classroom mode");
        return app.probe().find_rect("panel.Events") ? std::string() : std::string("events panel not back");
    });
}

void compare(TestDriver& t) {
    t.click("controls.scrub", ImVec2(0.999f, 0.5f));
    t.click("tab.Side by side");
    t.wait(2);
    t.check("two processes share the kernel's page table frame", [](App& app) {
        const int shared = std::atoi(probe(app, "compare.shared").c_str());
        return shared >= 1 ? std::string() : "shared frames: " + probe(app, "compare.shared");
    });
    t.click("tab.TLB");
    t.wait(2);
    t.check("a lesson with a TLB has its panel, every entry drawn", [](App& app) {
        return probe(app, "tlb.valid") != "<not drawn>" ? std::string() : std::string("the TLB panel was not drawn");
    });
}

void walk(TestDriver& t) {
    for (int i = 0; i < 3; ++i) t.key(GLFW_KEY_RIGHT);
    t.click("tab.Translation walk");
    t.wait(2);
    t.check("the walk of the read translates buf", [](App& app) {
        if (auto e = expect_eq(probe(app, "walk.va"), std::string("00010000"), "va"); !e.empty()) return e;
        return expect_eq(probe(app, "walk.result"), std::string("translated"), "result");
    });
    t.act("stand just after the page fault", [](App& app) {
        const auto& s = app.session();
        for (size_t e = s.first_event_of_step(2); e < s.first_event_of_step(3); ++e)
            if (mm::EventKind(s.event(e).kind) == mm::EventKind::PageFault) {
                app.seek_event(e + 1);
                break;
            }
    });
    t.check("mid-fault, the walk stops: no page table yet", [](App& app) {
        return expect_eq(probe(app, "walk.result"), std::string("faults: no page table"), "result");
    });
}

void large_map(TestDriver& t) {
    t.click("controls.scrub", ImVec2(0.999f, 0.5f));
    t.check("a million frames are one texture, one texel per frame", [](App& app) {
        int cols = 0, rows = 0;
        std::sscanf(probe(app, "frames.shape").c_str(), "%dx%d", &cols, &rows);
        const GlTexture& tex = app.texture(TextureId::Frames);
        if (uint64_t(cols) * uint64_t(rows) < app.mm().pfn().size()) return fmt::format("map {}x{} too small", cols, rows);
        return expect_eq(fmt::format("{}x{}", tex.width(), tex.height()), fmt::format("{}x{}", cols, rows), "texture");
    });
    t.wheel("frames.map", ImVec2(0.1f, 0.1f), 8.0f);
    t.check("the wheel zooms the frame map", [](App& app) {
        const float pitch = std::stof(probe(app, "frames.pitch"));
        return pitch >= 1.0f ? std::string() : fmt::format("pitch {} after zooming", pitch);
    });
    // Click the middle of the cell under the map's centre (a cell edge would be ambiguous).
    t.click_at("the frame under the map's centre", frame_cell([](App& app) {
                   const ImRect* r = app.probe().find_rect("frames.map");
                   int cols = 0, rows = 0;
                   float ox = 0, oy = 0;
                   std::sscanf(probe(app, "frames.shape").c_str(), "%dx%d", &cols, &rows);
                   std::sscanf(probe(app, "frames.origin").c_str(), "%f,%f", &ox, &oy);
                   const float p = std::stof(probe(app, "frames.pitch"));
                   const ImVec2 c = r->GetCenter();
                   return uint32_t(int((c.y - oy) / p) * cols + int((c.x - ox) / p));
               }));
    t.check("clicking the zoomed map opens the frame under the mouse", [](App& app) {
        const ImRect* r = app.probe().find_rect("frames.map");
        int cols = 0, rows = 0;
        float ox = 0, oy = 0;
        std::sscanf(probe(app, "frames.shape").c_str(), "%dx%d", &cols, &rows);
        std::sscanf(probe(app, "frames.origin").c_str(), "%f,%f", &ox, &oy);
        const float p = std::stof(probe(app, "frames.pitch"));
        const ImVec2 c = r->GetCenter();
        const uint32_t want = uint32_t(int((c.y - oy) / p) * cols + int((c.x - ox) / p));
        if (auto e = expect_eq(probe(app, "frame.window"), std::string("open"), "frame window"); !e.empty()) return e;
        return expect_eq(probe(app, "frame.number"), fmt::format("{:X}", want), "frame (origin " + probe(app, "frames.origin") + " pitch " + probe(app, "frames.pitch") + " shape " + probe(app, "frames.shape") + ")");
    });
}


// --- the quiz (tests/scenarios/quiz/two-questions.yaml: step 2 asks for a number, step 3 for one
// of four choices, b) a demand-zero fault) -------------------------------------------------------

uint16_t space_of(App& app, const char* process) {
    const os::Process* p = app.machine().find_process(process);
    return p ? p->space : mm::kNoSpace;
}

const sim::Question& question_of(App& app, size_t step) { return *app.session().scenario().steps[step].ask; }

// The cursor stands at the first event of `step` (0-based): the step has not started.
std::string stands_before(App& app, size_t step) {
    const auto& s = app.session();
    return expect_eq(s.cursor(), s.first_event_of_step(step), fmt::format("cursor (step {} not started)", step + 1));
}

// The first question: asked before its step, nothing given away, a bad answer refused, a right one.
void quiz_first(TestDriver& t) {
    t.click("controls.step");
    t.check("a step without a question just runs; the next step's narration waits for its answer", [](App& app) {
        if (auto e = expect_eq(app.session().steps_done(), size_t(1), "steps done"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "lesson.next"), std::string("asks"), "the next step, as announced"); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.pending"), std::string("<not drawn>"), "question");
    });
    t.click("controls.step");
    t.check("Step into a question stops before the step and draws the question", [](App& app) {
        if (auto e = stands_before(app, 1); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.pending"), std::string("2"), "question of step"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.question"), question_of(app, 1).question, "question text"); !e.empty()) return e;
        return app.probe().find_rect("quiz.input") ? std::string() : std::string("no answer box for a number");
    });
    t.check("... and the panels do not give the answer away", [](App& app) {
        // The allocation has not happened: no region at 0x10000, no commit charge, no outcome or
        // expectation (returns: 0x10000) on screen.
        if (app.mm().vad_at(space_of(app, "A"), 0x10000)) return std::string("A already has a region at 0x10000");
        if (auto e = expect_eq(app.mm().counter(mm::Counter::CommitCharge), uint64_t(0), "commit charge"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "lesson.say"), std::string(""), "the step's narration"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "lesson.result"), std::string("<not drawn>"), "outcome"); !e.empty()) return e;
        return expect_eq(probe(app, "lesson.checks"), std::string("<not drawn>"), "expectations");
    });
    t.key(GLFW_KEY_RIGHT);
    t.check("Right does not pass an unanswered question", [](App& app) {
        if (auto e = stands_before(app, 1); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.pending"), std::string("2"), "question of step");
    });
    t.click("quiz.input");
    t.type("sixty");
    t.key(GLFW_KEY_ENTER);
    t.check("an answer that is not a number is refused, and says why", [](App& app) {
        if (auto e = stands_before(app, 1); !e.empty()) return e;
        return expect_contains(probe(app, "quiz.why"), "is not a number", "message");
    });
    t.click("quiz.input");
    t.type("65536");
    t.key(GLFW_KEY_ENTER);
    t.check("a right answer runs the step and shows right, the answer and the explanation", [](App& app) {
        if (auto e = stands_before(app, 2); !e.empty()) return e;
        if (!app.mm().vad_at(space_of(app, "A"), 0x10000)) return std::string("no region at 0x10000 after the reveal");
        if (auto e = expect_contains(probe(app, "quiz.verdict"), "Right: 0x10000 (65536)", "verdict"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.explain"), question_of(app, 1).explain, "explanation"); !e.empty()) return e;
        if (auto e = expect_contains(probe(app, "lesson.result"), "0x00010000", "outcome"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "lesson.say"), app.session().scenario().steps[1].say, "narration"); !e.empty()) return e;
        return expect_contains(probe(app, "quiz.score"), "1 of 1 right", "score");
    });
}

// The second question (choices): a wrong answer; not asked again after Back.
void quiz_second(TestDriver& t) {
    t.click("controls.step");
    t.check("the second question: the read has not happened, buf's PTE is not written", [](App& app) {
        if (auto e = stands_before(app, 2); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.pending"), std::string("3"), "question of step"); !e.empty()) return e;
        if (auto e = expect_eq(app.mm().pte_info(space_of(app, "A"), 0x10000).pte, 0u, "PTE of buf"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.question"), question_of(app, 2).question, "question text"); !e.empty()) return e;
        for (const char* c : {"quiz.choice.a", "quiz.choice.b", "quiz.choice.c", "quiz.choice.d"})
            if (!app.probe().find_rect(c)) return fmt::format("{} not drawn", c);
        return app.probe().find_rect("quiz.choice.e") ? std::string("a fifth choice drawn") : std::string();
    });
    t.click("quiz.choice.c");
    t.check("a wrong answer runs the step and shows not quite, the right answer and the explanation", [](App& app) {
        if (auto e = expect_eq(app.session().cursor(), app.session().event_count(), "cursor (the read done)"); !e.empty()) return e;
        if (!(app.mm().pte_info(space_of(app, "A"), 0x10000).pte & x86::Pte::kPresent)) return std::string("buf's PTE is not present after the read");
        if (auto e = expect_contains(probe(app, "quiz.verdict"), "Not quite: the answer is b) a demand-zero fault", "verdict"); !e.empty())
            return e;
        if (auto e = expect_eq(probe(app, "quiz.explain"), question_of(app, 2).explain, "explanation"); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.score"), std::string("1 of 2 right"), "score");
    });
    t.key(GLFW_KEY_LEFT);
    t.key(GLFW_KEY_RIGHT);
    t.check("back before an answered question and forward again: not asked again, the answer shown", [](App& app) {
        if (auto e = expect_eq(app.session().cursor(), app.session().event_count(), "cursor"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.pending"), std::string("<not drawn>"), "question"); !e.empty()) return e;
        return expect_contains(probe(app, "quiz.verdict"), "Not quite", "verdict");
    });
}

// Reset score asks again; a key answers; Run stops before a question; a jump skips it.
void quiz_score_and_run(TestDriver& t) {
    t.click("menu.quiz");
    t.click("menu.quiz.reset");
    t.key(GLFW_KEY_LEFT);
    t.key(GLFW_KEY_RIGHT);
    t.check("after Reset score the question is asked again; the one behind counts as skipped", [](App& app) {
        if (auto e = stands_before(app, 2); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.pending"), std::string("3"), "question of step"); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.score"), std::string("no answers yet \u00B7 1 skipped \u00B7 1 to come"), "score");
    });
    t.key(GLFW_KEY_2);
    t.check("the key 2 answers b)", [](App& app) {
        if (auto e = expect_contains(probe(app, "quiz.verdict"), "Right: b) a demand-zero fault", "verdict"); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.score"), std::string("1 of 1 right \u00B7 1 skipped"), "score");
    });
    t.key(GLFW_KEY_HOME);
    t.key(GLFW_KEY_SPACE);
    t.wait(90);
    t.check("Run stops before an unanswered question", [](App& app) {
        if (auto e = expect_eq(app.state().running, false, "running"); !e.empty()) return e;
        if (auto e = stands_before(app, 1); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.pending"), std::string("2"), "question of step");
    });
    t.click("controls.scrub", ImVec2(0.999f, 0.5f));
    t.check("a jump goes past the question without stopping; it counts as skipped, not wrong", [](App& app) {
        if (auto e = expect_eq(app.session().cursor(), app.session().event_count(), "cursor"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.pending"), std::string("<not drawn>"), "question"); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.score"), std::string("1 of 1 right \u00B7 1 skipped"), "score");
    });
}

void quiz(TestDriver& t) {
    quiz_first(t);
    quiz_second(t);
    quiz_score_and_run(t);
}

void quiz_off(TestDriver& t) {
    t.click("menu.quiz");
    t.click("menu.quiz.on");
    t.check("the Quiz menu turns the questions off", [](App& app) { return expect_eq(app.quiz_on(), false, "quiz on"); });
    for (int i = 0; i < 3; ++i) t.click("controls.step");
    t.check("with quizzes off, stepping does not stop at questions", [](App& app) {
        if (auto e = expect_eq(app.session().steps_done(), size_t(3), "steps done"); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.pending"), std::string("<not drawn>"), "question");
    });
    t.check("each question is shown with its answer and explanation once its step ran", [](App& app) {
        if (auto e = expect_eq(probe(app, "quiz.verdict"), std::string("Answer: b) a demand-zero fault"), "verdict"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "quiz.explain"), question_of(app, 2).explain, "explanation"); !e.empty()) return e;
        return expect_eq(probe(app, "quiz.score"), std::string("off"), "score");
    });
    t.act("open the lesson again", [](App& app) { app.load(std::string(PAGELAB_SOURCE_DIR) + "/tests/scenarios/quiz/two-questions.yaml"); });
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.check("the choice holds for the session: another lesson does not stop either", [](App& app) {
        if (auto e = expect_eq(app.quiz_on(), false, "quiz on"); !e.empty()) return e;
        return expect_eq(app.session().steps_done(), size_t(2), "steps done");
    });
}

// --- narrated groups (lesson 09 opens with one: the first three references) -----------------------

// The first narrated group of the open lesson.
const sim::Group* first_group(App& app) {
    const auto& groups = app.session().scenario().groups;
    return groups.empty() ? nullptr : &groups.front();
}

void narrated_group(TestDriver& t) {
    t.act("stand after the step before the group", [](App& app) {
        if (const sim::Group* g = first_group(app)) app.seek_step(g->first);
    });
    t.check("a step outside a group shows no group sentence", [](App& app) {
        const sim::Group* g = first_group(app);
        if (!g) return std::string("the lesson has no narrated group");
        if (g->first == 0) return std::string();
        return expect_eq(probe(app, "lesson.group"), std::string("<not drawn>"), "group sentence");
    });
    for (int i = 0; i < 2; ++i) {
        t.key(GLFW_KEY_RIGHT);
        t.check(fmt::format("step {} of the group: the group's range and sentence above the step's own narration", i + 1), [i](App& app) {
            const sim::Group* g = first_group(app);
            if (!g || g->count < 2) return std::string("the lesson's first group has fewer than two steps");
            if (auto e = expect_eq(app.session().steps_done(), g->first + size_t(i) + 1, "steps done"); !e.empty()) return e;
            return expect_eq(probe(app, "lesson.group"), fmt::format("Steps {}-{}: {}", g->first + 1, g->first + g->count, g->say),
                             "group sentence");
        });
    }
}

// --- the course picker -----------------------------------------------------------------------------

std::string joined_chapters(const sim::Course& c) {
    std::string out;
    for (const auto& ch : c.chapters) out += (out.empty() ? "" : " | ") + ch.title;
    return out;
}

void open_picker(TestDriver& t) {
    t.click("menu.file");
    t.click("menu.file.open");
    t.wait(2);
}

void course_picker(TestDriver& t) {
    open_picker(t);
    t.check("the picker lists the course's chapters in course order", [](App& app) {
        const sim::CourseLoad c = sim::load_course(app.lessons_dir() + "/course.yaml");
        if (!c.course) return "the course does not load: " + (c.error ? c.error->message : std::string("?"));
        if (auto e = expect_eq(probe(app, "picker.chapters"), joined_chapters(*c.course), "chapters"); !e.empty()) return e;
        float y = -1;
        for (size_t i = 0; i < c.course->chapters.size(); ++i) {
            const ImRect* r = app.probe().find_rect(fmt::format("picker.chapter.{}", i));
            if (!r) return fmt::format("chapter {} not drawn", i + 1);
            if (r->Min.y <= y) return fmt::format("chapter {} is drawn above chapter {}", i + 1, i);
            y = r->Min.y;
        }
        return std::string();
    });
    t.check("... every lesson in course order, with its goal and its prerequisites by number", [](App& app) {
        const sim::Course& c = *app.course().course;
        std::string order;
        for (const auto& l : c.lessons) order += (order.empty() ? "" : ",") + l.id;
        if (auto e = expect_eq(probe(app, "picker.order"), order, "lessons"); !e.empty()) return e;
        for (const auto& l : c.lessons) {
            if (auto e = expect_eq(probe(app, "picker.goal." + l.id), l.goal, "goal of " + l.id); !e.empty()) return e;
            std::string after;
            for (const auto& r : l.requires_) after += (after.empty() ? "after " : ", ") + std::to_string(c.find(r)->number);
            if (auto e = expect_eq(probe(app, "picker.after." + l.id), after, "prerequisites of " + l.id); !e.empty()) return e;
        }
        return std::string();
    });
    // The first lesson of the second chapter, whatever the course calls it.
    auto second_chapter_first = [](App& app) {
        const sim::Course& c = *app.course().course;
        return c.lessons[c.chapters.at(1).lessons.at(0)].id;
    };
    t.click_at("the first lesson of chapter 2", [second_chapter_first](App& app) -> std::optional<ImVec2> {
        const ImRect* r = app.probe().find_rect("picker.row." + second_chapter_first(app) + ".yaml");
        if (!r) return std::nullopt;
        return r->GetCenter();
    });
    t.check("clicking a lesson opens it", [second_chapter_first](App& app) {
        if (auto e = expect_contains(app.scenario_path(), second_chapter_first(app) + ".yaml", "path"); !e.empty()) return e;
        return expect_eq(probe(app, "picker.count"), std::string("<not drawn>"), "the picker (closed)");
    });
    t.act("a folder with its own course and a teacher's file", [](App& app) {
        app.set_lessons_dir(std::string(PAGELAB_SOURCE_DIR) + "/tests/ui/course");
    });
    open_picker(t);
    t.check("a scenario the course does not list comes after it, under Other scenarios", [](App& app) {
        if (auto e = expect_eq(probe(app, "picker.chapters"), std::string("First things | Second things"), "chapters"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "picker.order"), std::string("01-one-process,02-one-allocation"), "lessons"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "picker.after.02-one-allocation"), std::string("after 1"), "prerequisites"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "picker.other"), std::string("teachers-own.yaml"), "other scenarios"); !e.empty()) return e;
        const ImRect* last = app.probe().find_rect("picker.row.02-one-allocation.yaml");
        const ImRect* other = app.probe().find_rect("picker.row.teachers-own.yaml");
        if (!last || !other) return std::string("rows not drawn");
        return other->Min.y > last->Min.y ? std::string() : std::string("the teacher's file is not below the course");
    });
    t.click("picker.row.teachers-own.yaml");
    t.check("... and opens like a lesson", [](App& app) { return expect_contains(app.scenario_path(), "teachers-own.yaml", "path"); });
    t.act("a folder whose course index is broken", [](App& app) {
        app.set_lessons_dir(std::string(PAGELAB_SOURCE_DIR) + "/tests/ui/course-broken");
    });
    open_picker(t);
    t.check("a broken index: the files by name, and the index's error", [](App& app) {
        if (auto e = expect_contains(probe(app, "picker.course_error"), "course.yaml:11:17: error:", "error"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "picker.chapters"), std::string(""), "chapters"); !e.empty()) return e;
        return app.probe().find_rect("picker.row.01-one-process.yaml") ? std::string() : std::string("the lesson file is not listed");
    });
    t.key(GLFW_KEY_ESCAPE);
}


// Live reload: a copy of lesson 01 is edited on disk while the window stands in step 4.
// Replaces the first `from` in the file by `to`; false when there is none.
bool edit_file(const std::string& path, const std::string& from, const std::string& to) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const size_t at = text.find(from);
    if (at == std::string::npos) return false;
    text.replace(at, from.size(), to);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return true;
}

// The number of the file's first line holding `what` (0: none).
int line_in_file(const std::string& path, const std::string& what) {
    std::ifstream in(path);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line.find(what) != std::string::npos) return n;
    return 0;
}

void live_reload(TestDriver& t) {
    namespace fs = std::filesystem;
    auto file = std::make_shared<std::string>();
    auto edit = [file](const std::string& from, const std::string& to) { return edit_file(*file, from, to); };
    auto line_of = [file](const std::string& what) { return line_in_file(*file, what); };
    const int settle = 45;  // two polls a quarter second apart, at 60 frames a second, and some
    t.act("copy lesson 01 to a temporary folder and open the copy", [file](App& app) {
        const fs::path dir = fs::temp_directory_path() / fmt::format("pagelab-ui-live-reload-{}", ::getpid());
        fs::create_directories(dir);
        *file = (dir / "lesson.yaml").string();
        fs::copy_file(fs::path(PAGELAB_SOURCE_DIR) / "scenarios/01-demand-zero.yaml", *file, fs::copy_options::overwrite_existing);
        app.load(*file);
    });
    for (int i = 0; i < 3; ++i) t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT, true);
    t.check("the copy is open, one event into step 4", [file](App& app) {
        if (auto e = expect_eq(app.scenario_path(), *file, "path"); !e.empty()) return e;
        return expect_eq(app.session().cursor(), app.session().first_event_of_step(3) + 1, "cursor");
    });
    t.act("change the title on disk", [edit](App&) { edit("  en: Demand-zero pages and the first touch", "  en: Demand-zero pages, live"); });
    t.wait(settle);
    t.check("the window reloads it and keeps the step and the event", [](App& app) {
        if (auto e = expect_eq(app.session().scenario().title, std::string("Demand-zero pages, live"), "title"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "reload.count"), std::string("1"), "reloads"); !e.empty()) return e;
        if (auto e = expect_eq(app.session().cursor(), app.session().first_event_of_step(3) + 1, "cursor"); !e.empty()) return e;
        if (auto e = expect_contains(app.state().status, "run as before; still at step 4, event 1", "status"); !e.empty()) return e;
        return expect_eq(probe(app, "reload.error"), std::string("<not drawn>"), "error banner");
    });
    t.act("misspell a key on disk", [edit](App&) { edit("    address: buf+4\n", "    adress: buf+4\n"); });
    t.wait(settle);
    t.check("the error is shown in place with FILE:LINE:COL and the line; the last good lesson stays", [file, line_of](App& app) {
        const int line = line_of("adress: buf+4");
        const std::string where = fmt::format("{}:{}:5", *file, line);
        if (auto e = expect_contains(probe(app, "reload.error"), where + ": error: unknown key 'adress' in a read step", "error");
            !e.empty())
            return e;
        if (auto e = expect_eq(probe(app, "reload.error.where"), where, "where"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "reload.error.line"), std::string("    adress: buf+4"), "offending line"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "reload.error.caret"), std::string("    ^"), "caret"); !e.empty()) return e;
        if (!app.probe().find_rect("reload.banner")) return std::string("no banner drawn");
        if (auto e = expect_eq(app.session().scenario().title, std::string("Demand-zero pages, live"), "title kept"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "reload.count"), std::string("1"), "reloads"); !e.empty()) return e;
        return expect_eq(app.session().cursor(), app.session().first_event_of_step(3) + 1, "cursor kept");
    });
    t.key(GLFW_KEY_HOME);
    for (int i = 0; i < 3; ++i) t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT, true);
    t.check("the last good lesson still steps", [](App& app) {
        return expect_eq(app.session().cursor(), app.session().first_event_of_step(3) + 1, "cursor");
    });
    auto steps = std::make_shared<size_t>(0);
    t.act("fix it, and add a step before the others", [edit, steps](App& app) {
        *steps = app.session().step_count();
        edit("    adress: buf+4\n", "    address: buf+4\n");
        edit("steps:\n", "steps:\n  - say: A pause added before everything.\n");
    });
    t.wait(settle);
    t.check("the error goes, and the window follows its step to its new number", [steps](App& app) {
        if (auto e = expect_eq(probe(app, "reload.error"), std::string("<not drawn>"), "error banner"); !e.empty()) return e;
        if (auto e = expect_eq(probe(app, "reload.count"), std::string("2"), "reloads"); !e.empty()) return e;
        if (auto e = expect_eq(app.session().step_count(), *steps + 1, "steps"); !e.empty()) return e;
        if (auto e = expect_eq(app.session().cursor(), app.session().first_event_of_step(4) + 1, "cursor"); !e.empty()) return e;
        if (auto e = expect_contains(probe(app, "controls.where"), "in step 5", "position text"); !e.empty()) return e;
        return expect_contains(app.state().status, "added or removed before step 4, now step 5", "status");
    });
    t.act("remove the temporary folder", [file](App&) {
        std::error_code ec;
        fs::remove_all(fs::path(*file).parent_path(), ec);
    });
}

}  // namespace

// The clip / overlap check (ClipTests.cpp): every lesson, in each language, at both sizes, normal
// and classroom: clip-LANG-WIDTH[-classroom].
static void add_clip_tests(std::vector<UiTest>& tests) {
    for (const char* lang : {"en", "zh", "ru"})
        for (const auto& [w, h] : {std::pair{1280, 800}, std::pair{1920, 1080}})
            for (bool classroom : {false, true}) {
                const std::string l = lang;
                tests.push_back({fmt::format("clip-{}-{}{}", l, w, classroom ? "-classroom" : ""),
                                 fmt::format("every lesson at its start, middle, one event on and end, in {} at {}x{}{}: no text cut by its "
                                             "window or cell, none overlapping", l, w, h, classroom ? " in classroom mode" : ""),
                                 "scenarios/01-demand-zero.yaml", w, h, [l](TestDriver& t) { clip_lessons(t, l); }, false, classroom});
            }
}

namespace {

// The tests, one a row: name, what it shows, the scenario, the window's size, the test (and
// whether it needs quizzes on, classroom mode); ui_tests() adds the clipping tests.
const std::vector<UiTest> kTests = {
        {"step-controls", "Step, Back, keys, granularity, run/pause and the scrub bar move the session", "scenarios/01-demand-zero.yaml",
         1280, 800, step_controls},
        {"pte-select", "clicking PDE and PTE cells decodes them; cells are drawn in their state's colour",
         "scenarios/01-demand-zero.yaml", 1280, 800, pte_select},
        {"frame-window", "clicking a frame opens its hex content and who maps it, and follows stepping back",
         "scenarios/01-demand-zero.yaml", 1280, 800, frame_window},
        {"breakpoints", "the breakpoint editor, run to breakpoint (fault, PTE change) and running into one",
         "scenarios/01-demand-zero.yaml", 1280, 800, breakpoints},
        {"load-error", "an invalid scenario shows FILE:LINE:COL instead of crashing; the picker opens a lesson",
         "tests/scenarios/bad/unknown-key.yaml", 1280, 800, load_error},
        {"classroom", "classroom mode hides side panels and scales fonts without moving the layout; high contrast",
         "scenarios/01-demand-zero.yaml", 1280, 800, classroom},
        {"compare", "two processes side by side share a frame; the TLB is listed", "scenarios/02-tlb-and-cr3-switch.yaml", 1280, 800,
         compare},
        {"walk", "the translation walk of the last access, complete and mid-fault", "scenarios/01-demand-zero.yaml", 1280, 800, walk},
        {"large-map", "a million frames: one texture, zoom with the wheel, pick a frame", "tests/ui/large-machine.yaml", 1280, 800,
         large_map},
        {"mapped-file", "a mapped file's frame shows the file's bytes and every view's PTE, and goes on reset",
         "scenarios/31-coherence-of-views-and-read-file.yaml", 1280, 800, mapped_file},
        {"dirty-bit", "a page read back from the pagefile decodes with R/W held back; its first write's dirty-bit fault "
                      "sets R/W and D and frees the slot; stepping back undoes it",
         "scenarios/08-hard-and-soft-faults.yaml", 1280, 800, dirty_bit},
        {"quiz", "stepping into a question stops before its step with nothing revealed; a typed right answer and a clicked "
                 "wrong one each run the step and show the verdict, the right answer and the explanation; the score; no "
                 "re-asking after Back; Reset score; keys; Run stops; a jump skips",
         "tests/scenarios/quiz/two-questions.yaml", 1280, 800, quiz, true},
        {"quiz-off", "with quizzes off (Quiz menu) stepping does not stop, and questions are shown with their answers",
         "tests/scenarios/quiz/two-questions.yaml", 1280, 800, quiz_off, true},
        {"narrated-group", "each step of a narrated group shows the group's steps and sentence above its own narration",
         "scenarios/09-replacement-fifo.yaml", 1280, 800, narrated_group},
        {"story-15", "lesson 15 event by event: the PTE each event wrote (CreateProcess's image PTEs too) or the page it touched is selected and drawn",
         "scenarios/15-create-process-appinst.yaml", 1280, 800, story_15},
        {"story-15-classroom", "the same in classroom mode at 1920x1080 (zoomed grids)", "scenarios/15-create-process-appinst.yaml", 1920, 1080,
         story_15, false, true},
        {"strip-nt", "the address-space strip at All 4 GB: NT's arenas named, 0/2/3/4 GB marked, every region visible, arenas "
                     ">= 3:1 apart in both palettes; zoom by double-click, dragged range and wheel, Esc back",
         "scenarios/15-create-process-appinst.yaml", 1280, 800, strip_nt},
        {"strip-nt-classroom", "the same at 1920x1080 in classroom mode", "scenarios/15-create-process-appinst.yaml", 1920, 1080,
         strip_nt, false, true},
        {"strip-95", "the strip under Windows 95: the compatibility, private, shared and system arenas", "scenarios/26-second-instance-win95.yaml",
         1280, 800, strip_95},
        {"strip-95-classroom", "the same at 1920x1080 in classroom mode", "scenarios/26-second-instance-win95.yaml", 1920, 1080, strip_95,
         false, true},
        {"region-marks-write-watch", "the region table's Marks column counts a MEM_WRITE_WATCH region's written pages as they are "
                                     "written and reset", "tests/scenarios/fidelity/13-write-watch.yaml", 1280, 800, region_marks_ww},
        {"region-marks-lock", "the region table's Marks column shows the pages VirtualLock locked",
         "tests/scenarios/fidelity/16-virtual-lock.yaml", 1280, 800, region_marks_lock},
        {"regions-15", "the region table shows its rows (not two), no cell wider than its column, the row of each step's page "
                       "highlighted and in view; the splitter sizes it", "scenarios/15-create-process-appinst.yaml", 1280, 800, regions_15},
        {"regions-26-classroom", "the same for lesson 26 (Windows 95) at 1920x1080 in classroom mode", "scenarios/26-second-instance-win95.yaml",
         1920, 1080, regions_26, false, true},
        {"story-lessons-nt", "the CreateProcess lessons (16-25) and 13, 28, 34 step by step: the page tables are on a table, the step's "
                             "last access selected", "scenarios/15-create-process-appinst.yaml", 1280, 800, story_lessons_nt},
        {"story-lessons-nt-classroom", "the same lessons at 1920x1080 in classroom mode", "scenarios/15-create-process-appinst.yaml", 1920, 1080,
         story_lessons_nt, false, true},
        {"story-lessons-95", "the Windows 95 lessons step by step at 1280x800", "scenarios/26-second-instance-win95.yaml", 1280, 800,
         story_lessons_95},
        {"story-lessons-95-classroom", "the Windows 95 lessons the same way, at 1920x1080 in classroom mode",
         "scenarios/26-second-instance-win95.yaml", 1920, 1080, story_lessons_95, false, true},
        {"tlb-02", "lesson 02: the TLB panel comes to the front and tells miss, hit (entry) and flush as drawn; the walk says "
                   "'TLB hit: no walk'; after the switch the panels show B", "scenarios/02-tlb-and-cr3-switch.yaml", 1280, 800, tlb_story},
        {"tlb-02-classroom", "the same at 1920x1080 in classroom mode", "scenarios/02-tlb-and-cr3-switch.yaml", 1920, 1080, tlb_story, false, true},
        {"failed-process", "lesson 20: once A's CreateProcess failed the panels say so, not 'no process exists'",
         "scenarios/20-fixed-dll-createprocess-fails.yaml", 1280, 800, failed_process},
        {"compare-moments", "M pins moment A; seven steps later Compare A/B lists the journal's diff (B's copied PTE old -> new), "
                            "a row selects its PTE, the strip and the frame map mark what differs; B before A; Go to A; unpin",
         "scenarios/22-two-instances-copy-on-write.yaml", 1280, 800, compare_moments},
        {"go-to", "Ctrl+G jumps to a bound name plus offset, a frame and a pagefile slot; bad text says why",
         "scenarios/08-hard-and-soft-faults.yaml", 1280, 800, go_to_box},
        {"event-filter", "the Events panel's filter lists its matches, steps to the next and previous one, makes a breakpoint; "
                         "like this one; a bad filter says why",
         "scenarios/08-hard-and-soft-faults.yaml", 1280, 800, event_filter},
        {"export", "File > Export writes the CLI's VMMap/RAMMap CSV and WinDbg files for the moment; Copy !pte fills the clipboard",
         "scenarios/22-two-instances-copy-on-write.yaml", 1280, 800, export_files},
        {"glossary", "lesson 01 step 2: hovering 'commit charge' in the narration shows the glossary's definition in English, "
                     "Chinese and Russian (the term found where it is drawn); VAD too",
         "scenarios/01-demand-zero.yaml", 1920, 1080, glossary_hover},
        {"glossary-panels", "lesson 01 step 2: hovering (no click) a term of an event's sentence, the column headers 'Protection' and 'Regions' and "
                            "the tab 'Page tables' shows its glossary entry as drawn, in English, Russian and Chinese; the cursor stays",
         "scenarios/01-demand-zero.yaml", 1280, 800, glossary_panels},
        {"glossary-split", "in Russian, classroom mode, 1280x800: a term parted by a line break shows its entry from either line",
         "scenarios/15-create-process-appinst.yaml", 1280, 800, glossary_split, false, true},
        {"vmmap-summary-01", "lesson 01 step 2: VMMap's summary shows the three committed pages as 12 K of Private Data",
         "scenarios/01-demand-zero.yaml", 1920, 1080, vmmap_summary_01},
        {"vmmap-summary-15", "lesson 15 steps 1-4: every row of VMMap's summary equals the sums of the model's VirtualQuery answers",
         "scenarios/15-create-process-appinst.yaml", 1280, 800, vmmap_summary_15},
        {"language", "at a step, the Language menu switches the narration and the panel labels to 中文, to Русский and back, at "
                     "1920x1080; no character is drawn as the fallback glyph",
         "scenarios/01-demand-zero.yaml", 1920, 1080, language_switch},
        {"language-classroom", "the same in classroom mode (the large fonts hold the Chinese and Cyrillic glyphs too)",
         "scenarios/01-demand-zero.yaml", 1920, 1080, language_switch, false, true},
        {"course-picker", "the lesson picker lists the course's chapters and lessons in order with goals and prerequisites, "
                          "then other scenarios; a click opens a lesson; a broken index falls back to file names",
         "scenarios/01-demand-zero.yaml", 1280, 800, course_picker},
        {"live-reload", "a lesson edited on disk reloads in place: the position is kept (or follows its step), an error is "
                        "shown with FILE:LINE:COL and the offending line over the last good lesson, and goes when the file is fixed",
         "scenarios/01-demand-zero.yaml", 1280, 800, live_reload},
        {"classroom-story", "classroom mode at 1920x1080, lesson 15 by event: each event's sentence in the lesson panel, on screen, "
                            "in the narration's type, nothing larger; grid cells >= 20 px; the expectations on one line, unfolded by a click",
         "scenarios/15-create-process-appinst.yaml", 1920, 1080, [](TestDriver& t) { classroom_story(t, true); }, false, true},
        {"classroom-story-1280", "the same at 1280x800 (cells not measured)", "scenarios/15-create-process-appinst.yaml", 1280, 800,
         [](TestDriver& t) { classroom_story(t, false); }, false, true},
        {"frame-labels", "lesson 22 at its end: the frame map's cells say #0A, never a bare number that reads as a name",
         "scenarios/22-two-instances-copy-on-write.yaml", 1920, 1080, frame_labels},
        {"classroom-space-1280", "classroom mode at 1280x800, lessons 06, 08, 12, 14, 15, 22, 26 at steps and events: no panel leaves "
                                 "the lower fifth of the window empty, and the panels tile the screen",
         "scenarios/01-demand-zero.yaml", 1280, 800, classroom_space, false, true},
        {"classroom-space-1920", "the same at 1920x1080", "scenarios/01-demand-zero.yaml", 1920, 1080, classroom_space, false, true},
        {"regions-1280-classroom", "classroom mode at 1280x800 in English, Chinese and Russian: the region table shows at least five "
                                   "whole rows with the story's row on lesson 15 and on VirtualLock's regression (Marks column)",
         "scenarios/15-create-process-appinst.yaml", 1280, 800, regions_1280_classroom, false, true},
        {"event-kind-tooltip", "lesson 01 step 3: hovering the current event's kind chip (access-done) shows what that kind of event means, "
                               "drawn, in English, Russian and Chinese; the cursor stays",
         "scenarios/01-demand-zero.yaml", 1280, 800, event_kind_tooltip},
        {"event-kind-tooltip-classroom", "the same in classroom mode at 1920x1080 (the events under the lesson)",
         "scenarios/01-demand-zero.yaml", 1920, 1080, event_kind_tooltip, false, true},
        {"textures-08", "lesson 08 event by event forward and back, then by steps: each partial update of the frame map and the "
                        "slot map equals a full fill, in the CPU's copy and the GPU's texture",
         "scenarios/08-hard-and-soft-faults.yaml", 1280, 800, [](TestDriver& t) { texture_increments(t, 0, 80, 6, true); }},
        {"textures-large", "the same on the large machine at 1920x1080, from its 64 MB touch (a million-texel frame map)",
         "tests/ui/large-machine.yaml", 1920, 1080, [](TestDriver& t) { texture_increments(t, 4, 40, 4, false); }},
};

}  // namespace

const std::vector<UiTest>& ui_tests() {
    static const std::vector<UiTest> tests = [] {
        std::vector<UiTest> all = kTests;
        add_clip_tests(all);
        return all;
    }();
    return tests;
}

const UiTest* find_ui_test(const std::string& name) {
    for (const UiTest& t : ui_tests())
        if (t.name == name) return &t;
    return nullptr;
}

}  // namespace pagelab::ui
