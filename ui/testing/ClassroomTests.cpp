// UI tests of classroom mode telling the story (issue 14, item 4), read from the screen through
// the text recorder (ui/testing/TextCheck.h): stepping by event, the event's sentence is in the
// lesson panel, on screen, in the narration's type; nothing on screen is larger than the
// narration; the expectations take one line; the page tables' cells are >= 20 px at 1920x1080.
// And the frame map's labels (item 7): a frame number never reads as a name.
#include "testing/TestHelpers.h"

#include <GLFW/glfw3.h>

#include "testing/TextCheck.h"

namespace pagelab::ui {

namespace {

// Runs whose box lies inside r.
std::vector<const TextRun*> runs_in(const std::vector<TextRun>& runs, const ImRect& r) {
    std::vector<const TextRun*> out;
    for (const TextRun& t : runs)
        if (r.Contains(t.box.GetCenter())) out.push_back(&t);
    return out;
}

std::string narration_is_largest(App& app, const std::vector<TextRun>& runs) {
    const float big = app.fonts().big->FontSize;
    for (const TextRun& t : runs)
        if (t.font_size > big + 0.5f)
            return fmt::format("'{}' in {} is drawn at {:.1f} px, larger than the narration ({:.1f} px)", t.text, t.window, t.font_size, big);
    return {};
}

Check event_told(bool check_cells) {
    return [check_cells](App& app) {
        const sim::Session& s = app.session();
        const std::string where = fmt::format("event {}", s.cursor());
        if (s.cursor() == 0) return where + ": the cursor did not move";
        if (auto e = expect_eq(probe(app, "lesson.event"), s.explain(s.cursor() - 1), where + ": the lesson panel's event"); !e.empty()) return e;
        const ImRect* card = app.probe().find_rect("lesson.event");
        const ImRect* panel = app.probe().find_rect("panel.Lesson");
        if (!card || !panel) return where + ": the lesson panel or its event card was not drawn";
        // Inside the panel; a card taller than the panel's body shows its top part (its first lines).
        const float lines = 3 * app.fonts().big->FontSize;
        if (card->Min.y < panel->Min.y || card->Min.y + std::min(card->GetHeight(), lines) > panel->Max.y)
            return fmt::format("{}: the event card ({:.0f}-{:.0f}) is not on screen in the lesson panel ({:.0f}-{:.0f})", where, card->Min.y,
                               card->Max.y, panel->Min.y, panel->Max.y);
        const auto runs = record_text_runs();
        const float big = app.fonts().big->FontSize;
        size_t big_runs = 0;
        for (const TextRun* t : runs_in(runs, *card)) {
            if (t->cut && !scroll_cut(*t)) return fmt::format("{}: '{}' of the event card is cut {}", where, t->text, t->cut_how);
            if (std::abs(t->font_size - big) < 0.5f) ++big_runs;
        }
        if (big_runs == 0) return fmt::format("{}: the event's sentence is not drawn in the narration's type ({:.0f} px)", where, big);
        if (auto e = narration_is_largest(app, runs); !e.empty()) return where + ": " + e;
        if (!check_cells) return std::string();
        for (const char* grid : {"pd", "pt"}) {
            const ImRect* r = app.probe().find_rect(std::string(grid) + ".grid");
            if (!r) continue;  // no table under the PDE
            unsigned c0 = 0, r0 = 0, cols = 32, rows = 32;
            std::sscanf(probe(app, std::string(grid) + ".window").c_str(), "%u,%u,%u,%u", &c0, &r0, &cols, &rows);
            const float cell = r->GetWidth() / float(std::max(1u, cols));
            if (cell < 20.0f) return fmt::format("{}: the {} grid's cells are {:.1f} px, not >= 20", where, grid, cell);
        }
        return std::string();
    };
}

Check expectations_on_one_line() {
    return [](App& app) {
        const ImRect* r = app.probe().find_rect("lesson.expectations");
        if (!r) return std::string("the expectations' line was not drawn");
        if (r->GetHeight() > ImGui::GetFrameHeightWithSpacing() * 1.5f)
            return fmt::format("the expectations take {:.0f} px, more than one line", r->GetHeight());
        if (app.probe().find_value("lesson.checks"))  // drawn only when unfolded
            return std::string("the expectations are unfolded");
        return expect_contains(probe(app, "lesson.expectations"), "expectation", "the line");
    };
}

}  // namespace

// Lesson 15 in classroom mode: the first 24 events one by one (CreateProcess and the image's
// PTEs), then the rest of the step and the next by operation.
void classroom_story(TestDriver& t, bool check_cells) {
    t.mouse_away();
    for (int i = 0; i < 24; ++i) {
        t.key(GLFW_KEY_RIGHT, true);
        t.check(fmt::format("event {}: its sentence is in the lesson panel, on screen, as large as the narration{}", i + 1,
                            check_cells ? "; grid cells >= 20 px" : ""),
                event_told(check_cells));
    }
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.check("stepping by operation: the expectations take one line", expectations_on_one_line());
    t.check("... and nothing is larger than the narration", [](App& app) { return narration_is_largest(app, record_text_runs()); });
    t.click("lesson.expectations");
    t.check("a click unfolds them", [](App& app) { return expect_contains(probe(app, "lesson.checks"), "passed", "the list"); });
}

// Frame cells say "#0A" for frame 0xA: no label of the map is a bare hex number that could read
// as a process or a name ("A img").
void frame_labels(TestDriver& t) {
    t.key(GLFW_KEY_END);
    t.mouse_away();
    t.check("every frame number on the map is written #NN", [](App& app) {
        const ImRect* map = app.probe().find_rect("frames.map");
        if (!map) return std::string("the frame map was not drawn");
        size_t numbers = 0;
        for (const TextRun* r : runs_in(record_text_runs(), *map)) {
            if (r->text.size() > 1 && r->text[0] == '#') {
                ++numbers;
                continue;
            }
            if (r->text.find_first_not_of("0123456789ABCDEF") == std::string::npos)
                return fmt::format("'{}' on the frame map is a bare number", r->text);
        }
        return numbers > 0 ? std::string() : std::string("no frame number drawn on the map (cells too small for labels?)");
    });
}

}  // namespace pagelab::ui
