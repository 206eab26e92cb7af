// UI tests of the region table (issue 14, item 2), read from the screen: it is sized to its
// rows (not two rows under the strip), no cell's text is wider than its column, and after each
// step the row of the step's page or region is highlighted and scrolled into view; the splitter
// under it sizes the panel, a double-click fits it again.
#include "testing/TestHelpers.h"
#include "testing/TextCheck.h"

#include <memory>

#include <GLFW/glfw3.h>

namespace pagelab::ui {

namespace {

Check table_follows(size_t min_rows) {
    return [min_rows](App& app) {
        const std::string step = fmt::format("step {}", app.session().steps_done());
        const size_t count = std::stoul(probe(app, "regions.count") == "<not drawn>" ? "0" : probe(app, "regions.count"));
        const size_t shown = std::stoul(probe(app, "regions.shown") == "<not drawn>" ? "0" : probe(app, "regions.shown"));
        if (count == 0) {
            const uint16_t sp = app.state().space;
            return sp != mm::kNoSpace && sp < app.mm().spaces().size() && app.mm().space(sp).alive() ? step + ": the region table was not drawn"
                                                                                                   : std::string();
        }
        if (shown < std::min(count, min_rows)) return fmt::format("{}: {} of {} rows on screen (want {})", step, shown, count, std::min(count, min_rows));
        if (auto e = expect_eq(probe(app, "regions.clipped"), std::string("0"), step + ": cells wider than their column"); !e.empty()) return e;
        const UiState& st = app.state();
        const std::string focus = probe(app, "regions.focus");
        if (!st.entry_selected || st.entry_level != EntryLevel::Pte || !app.mm().vad_at(st.space, (st.pde_index << 22) | (st.pte_index << 12)))
            return std::string();
        // The story's page lies in a region: its row is highlighted and on screen.
        return expect_contains(focus, "visible", step + ": the row of the selected page");
    };
}

float panel_height(App& app) {
    const ImRect* r = app.probe().find_rect("panel.Address space");
    return r ? r->GetHeight() : 0.0f;
}

void regions(TestDriver& t, int steps, size_t min_rows) {
    for (int i = 0; i < steps; ++i) {
        t.key(GLFW_KEY_RIGHT);
        t.wait(1);  // the layout takes the table's height from the frame before
        t.check(fmt::format("after step {}: the table shows its rows and the step's region, highlighted", i + 1), table_follows(min_rows));
    }
    auto before = std::make_shared<float>(0.0f);
    t.act("measure the panel", [before](App& app) { *before = panel_height(app); });
    t.drag("regions.splitter", ImVec2(0.5f, 0.5f), ImVec2(0.5f, 12.0f));
    t.wait(1);
    t.check("dragging the splitter down makes the panel taller", [before](App& app) {
        return panel_height(app) > *before + 30 ? std::string() : fmt::format("{:.0f} px, was {:.0f}", panel_height(app), *before);
    });
    t.double_click_at("the splitter", [](App& app) -> std::optional<ImVec2> {
        const ImRect* r = app.probe().find_rect("regions.splitter");
        if (!r) return std::nullopt;
        return r->GetCenter();
    });
    t.mouse_away();
    t.wait(1);
    t.check("double-clicking the splitter fits the content again", [before](App& app) {
        return std::abs(panel_height(app) - *before) < 2 ? std::string() : fmt::format("{:.0f} px, was {:.0f}", panel_height(app), *before);
    });
}

// A text drawn on screen that holds `part` (issue 16: the region table's Marks column), or empty.
std::string drawn_with(const std::string& part) {
    for (const TextRun& r : record_text_runs())
        if (r.text.find(part) != std::string::npos) return r.text;
    return {};
}

// Steps until the machine is after step `n` (1-based).
void step_to(TestDriver& t, int n) {
    for (int i = 0; i < n; ++i) t.key(GLFW_KEY_RIGHT);
    t.wait(2);
}

}  // namespace

// Issue 16: the write-watch and lock marks are on screen, in the region table's Marks column, and
// follow the machine (a reset clears the count).
void region_marks_ww(TestDriver& t) {
    step_to(t, 4);  // the write to page 1
    t.check("after the first write: 'write watch: 1 written' in the region table", [](App&) {
        return expect_contains(drawn_with("write watch"), "write watch: 1 written", "the Marks cell");
    });
    step_to(t, 2);  // step 6: GetWriteWatch with reset
    t.check("after the reset: 'write watch: 0 written'", [](App&) {
        return expect_contains(drawn_with("write watch"), "write watch: 0 written", "the Marks cell");
    });
    step_to(t, 3);  // step 9: pages 2 and 4 written
    t.check("after two more writes: 'write watch: 2 written'", [](App&) {
        return expect_contains(drawn_with("write watch"), "write watch: 2 written", "the Marks cell");
    });
}

void region_marks_lock(TestDriver& t) {
    step_to(t, 5);
    t.check("before VirtualLock the table has no Marks column", [](App&) {
        for (const TextRun& r : record_text_runs())
            if (r.text == "Marks") return std::string("a Marks header is drawn");
        return std::string();
    });
    step_to(t, 1);  // step 6: VirtualLock of three pages
    t.check("after VirtualLock: '3 locked' in the region table", [](App&) {
        return expect_contains(drawn_with("3 locked"), "3 locked", "the Marks cell");
    });
}

void regions_15(TestDriver& t) { regions(t, 4, 6); }  // step 5 ends the process: no table
void regions_26(TestDriver& t) { regions(t, 6, 6); }

}  // namespace pagelab::ui
