// UI tests of how classroom mode uses the screen (issue 14, items 2 and 4), read from the screen.
//
// classroom-space-WIDTH: lessons at steps and events where every panel has something to show;
// for each slot on screen, how far down its drawn text reaches. A slot whose bottom part is empty
// (no glyph drawn in it) over more than a fifth of the window's height fails: that room belongs to
// a panel with more to show (the lesson's events under a short lesson; the region table's rows).
// The slots must also tile the window under the controls (no part of the screen in no panel).
// regions-1280-classroom: at 1280x800 in classroom mode, in English, Chinese and Russian, the
// region table shows at least five whole rows (or all of them) with the story's row among them,
// on lesson 15 and with the Marks column of a locked region.
// event-kind-tooltip: hovering the current event's kind chip shows what that kind of event means, drawn,
// in English, Russian and Chinese; the cursor does not move.
#include "testing/TestHelpers.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <GLFW/glfw3.h>

#include "Layout.h"
#include "i18n/I18n.h"
#include "mm/EventHelp.h"
#include "testing/TextCheck.h"
#include "widgets/Widgets.h"

namespace pagelab::ui {

namespace {

constexpr float kMaxEmptyShare = 0.20f;  // of the window's height, at the bottom of one slot

std::string lesson_path(const std::string& file) { return std::string(PAGELAB_SOURCE_DIR) + "/scenarios/" + file; }

// How far down the text drawn in slot `s` (its window and child windows) reaches.
float text_bottom(const std::vector<TextRun>& runs, Slot s, const ImRect& r) {
    const std::string name = slot_window_name(s);
    float bottom = r.Min.y;
    for (const TextRun& t : runs)
        if (t.window == name || t.window.rfind(name + "/", 0) == 0) bottom = std::max(bottom, std::min(t.box.Max.y, r.Max.y));
    return bottom;
}

Check space_used(const std::string& where) {
    return [where](App& app) {
        const LayoutPlan& plan = app.layout();
        const ImVec2 size = app.window_size();
        const float top = plan.rect[size_t(Slot::Top)].Max.y;
        const std::vector<TextRun> runs = record_text_runs();
        std::string line, failures;
        double covered = 0;
        for (size_t s = 1; s < kSlotCount; ++s) {
            const ImRect r = plan.rect[s];
            if (plan.visible_panels[s] == 0 || r.GetHeight() < 8) continue;
            covered += double(r.GetWidth()) * r.GetHeight();
            const float bottom = text_bottom(runs, Slot(s), r);
            const float empty = r.Max.y - bottom;
            line += fmt::format(" {} {:.0f}%", slot_window_name(Slot(s)) + 7, 100 * (bottom - r.Min.y) / r.GetHeight());
            if (empty > size.y * kMaxEmptyShare)
                failures += fmt::format("\n    {}: its lowest {:.0f} px ({:.0f}% of the window) are empty", slot_window_name(Slot(s)), empty,
                                        100 * empty / size.y);
        }
        const double uncovered = 1 - covered / (double(size.x) * (size.y - top));
        std::printf("  %s: text reaches%s; %.1f%% of the screen in no panel\n", where.c_str(), line.c_str(), 100 * uncovered);
        if (uncovered > 0.01) failures += fmt::format("\n    {:.1f}% of the screen under the controls is in no panel", 100 * uncovered);
        return failures.empty() ? std::string() : where + ":" + failures;
    };
}

struct Place {
    const char* file;
    size_t step;   // after this many steps
    size_t event;  // or, if not 0, at this event (stepping by event)
};

const Place kPlaces[] = {
        {"08-hard-and-soft-faults.yaml", 5, 0},    {"08-hard-and-soft-faults.yaml", 10, 0},
        {"12-belady-fifo-3-frames.yaml", 4, 0},    {"14-three-uses-of-memory-mapped-files.yaml", 0, 12},
        {"15-create-process-appinst.yaml", 3, 0},  {"15-create-process-appinst.yaml", 0, 30},
        {"26-second-instance-win95.yaml", 6, 0},   {"06-win95-arenas.yaml", 3, 0},
        {"22-two-instances-copy-on-write.yaml", 11, 0},
};

// Whole rows of the region table on screen: the Address cells (eight hex digits) drawn uncut.
size_t whole_rows() {
    size_t n = 0;
    for (const TextRun& r : record_text_runs()) {
        if (r.window.find("/##regions_") == std::string::npos || r.cut || r.text.size() < 8) continue;
        if (r.box.Min.x > r.window_clip.Min.x + ImGui::GetFontSize()) continue;  // not the Address column (frozen at the left)
        if (r.box.Min.y < r.window_clip.Min.y - 0.5f || r.box.Max.y > r.window_clip.Max.y + 0.5f) continue;
        if (std::all_of(r.text.begin(), r.text.begin() + 8, [](unsigned char c) { return std::isxdigit(c) != 0; }) &&
            (r.text.size() == 8 || r.text[8] == ' '))
            ++n;
    }
    return n;
}

Check rows_shown(const std::string& where, size_t want) {
    return [where, want](App& app) {
        const std::string count_text = probe(app, "regions.count");
        const size_t count = count_text == "<not drawn>" ? 0 : std::stoul(count_text);
        if (count == 0) return where + ": the region table was not drawn";
        const size_t rows = whole_rows();
        std::printf("  %s: %zu whole rows of %zu on screen\n", where.c_str(), rows, count);
        if (rows < std::min(count, want)) return fmt::format("{}: {} whole rows of {} on screen (want {})", where, rows, count, std::min(count, want));
        const std::string focus = probe(app, "regions.focus");
        return focus == "none" ? std::string() : expect_contains(focus, "visible", where + ": the story's row");
    };
}

}  // namespace

void classroom_space(TestDriver& t) {
    for (const Place& p : kPlaces) {
        const std::string where = p.event ? fmt::format("{} at event {}", p.file, p.event) : fmt::format("{} after step {}", p.file, p.step);
        t.act(where, [p](App& app) {
            app.load(lesson_path(p.file));
            app.state().granularity = p.event ? Granularity::Event : Granularity::Operation;
            if (p.event) app.seek_event(p.event);
            else app.seek_step(p.step);
        });
        t.wait(3);  // the layout sizes the slots from what the panels drew the frame before
        t.check(where + ": every panel uses its room", space_used(where));
    }
}

void regions_1280_classroom(TestDriver& t) {
    for (const char* lang : {"en", "zh", "ru"}) {
        const std::string l = lang;
        t.act("language " + l + ", lesson 15", [l](App& app) {
            app.set_language(l);
            app.load(lesson_path("15-create-process-appinst.yaml"));
        });
        for (size_t step = 1; step <= 4; ++step) {
            t.act(fmt::format("step {}", step), [step](App& app) { app.seek_step(step); });
            t.wait(3);
            t.check(fmt::format("{}: lesson 15 after step {}: five whole rows", l, step), rows_shown(fmt::format("{} 15/{}", l, step), 5));
        }
        t.act(l + ": a locked region (the Marks column)", [](App& app) {
            app.load(std::string(PAGELAB_SOURCE_DIR) + "/tests/scenarios/fidelity/16-virtual-lock.yaml");
            app.seek_step(6);
        });
        t.wait(3);
        t.check(l + ": VirtualLock's lesson after step 6: five whole rows", rows_shown(l + " lock/6", 5));
    }
    t.act("English again", [](App& app) { app.set_language("en"); });
}

void event_kind_tooltip(TestDriver& t) {
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.key(GLFW_KEY_RIGHT);
    t.wait(2);
    auto cursor = std::make_shared<size_t>(0);
    for (const char* lang : {"en", "ru", "zh"}) {
        const std::string l = lang;
        t.act("switch to " + l, [l, cursor](App& app) {
            app.set_language(l);
            *cursor = app.session().cursor();
        });
        t.mouse_away();
        t.wait(3);  // the atlas follows the language a frame later, the layout the lesson's new height
        t.act("the events in front, scrolled to the current one", [](App& app) {
            app.state().raise_panel = PanelId::Events;    // classroom: a long lesson keeps the events as a tab
            app.state().events_scrolled_to = ~size_t{0};  // rows wrap anew: scroll to the current one again
        });
        t.wait(4);
        t.hover("events.chip.current");
        t.check(l + ": hovering the current event's kind chip shows what that kind of event means", [l, cursor](App& app) {
            const auto kind = mm::EventKind(app.session().event(*cursor - 1).kind);
            const std::string id = std::string("event:") + mm::event_kind_name(kind);
            const std::string drawn = tooltip_text();
            if (drawn.empty()) return std::string("no tooltip on screen");
            if (auto e = expect_eq(last_glossary_tooltip().id, id, "the tooltip's entry"); !e.empty()) return e;
            auto squeeze = [](std::string s) {
                std::erase_if(s, [](char c) { return c == ' ' || c == '\n'; });
                return s;
            };
            const std::string want = i18n::tr(mm::event_kind_help(kind));
            if (squeeze(drawn).find(squeeze(want)) == std::string::npos) return fmt::format("the tooltip reads '{}', not '{}'", drawn, want);
            if (l != "en" && want == mm::event_kind_help(kind)) return std::string("not translated");
            std::printf("  %s: '%s'\n", l.c_str(), drawn.c_str());
            return expect_eq(app.session().cursor(), *cursor, "the cursor (a hover does not move it)");
        });
    }
    t.act("English again", [](App& app) { app.set_language("en"); });
}

}  // namespace pagelab::ui
