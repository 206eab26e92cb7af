// The clip / overlap check over the lesson library (issue 14, item 6; issue 17: in every
// language): every lesson of scenarios/ at its start, its middle step, its end and one event into
// the step after the middle (stepping by event), in one language, one window size, normal or
// classroom - one ctest entry per combination, so that `ctest -j2` runs them side by side. At each
// position no text may be cut by its window or cell, nor cover other text (ui/testing/TextCheck.h).
#include "testing/TestHelpers.h"

#include <algorithm>
#include <filesystem>

#include "testing/TextCheck.h"

namespace pagelab::ui {

namespace {

std::vector<std::string> lesson_files() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(std::string(PAGELAB_SOURCE_DIR) + "/scenarios")) {
        const std::string name = e.path().filename().string();
        if (e.path().extension() == ".yaml" && name != "course.yaml") out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Known and left to issue 14's region-table work (ui/panels/AddressSpacePanel.cpp, another
// branch): at 1280x800 in classroom mode the table is a few pixels shorter than its rows, so the
// last row is cut without a vertical scroll bar, and rows scrolled under the frozen header share
// its draw command. Those runs only are set aside, each one printed; everything else fails.
bool known_defect(const TextRun& r) { return r.window.find("/##regions_") != std::string::npos; }

Check no_text_problems(const std::string& where) {
    return [where](App& app) {
        std::vector<TextRun> runs = record_text_runs();
        size_t known = 0;
        for (const TextRun& r : runs)
            if (known_defect(r) && r.cut && !scroll_cut(r)) {
                std::printf("  known (region table): '%s' cut %s\n", r.text.c_str(), r.cut_how.c_str());
                ++known;
            }
        std::erase_if(runs, [](const TextRun& r) { return known_defect(r) && r.cut && !scroll_cut(r); });
        auto problems = text_problems(runs, 12);
        std::erase_if(problems, [&](const TextProblem& p) {
            const bool set_aside = p.what.find("/##regions_") != std::string::npos && p.what.find(" overlaps ") != std::string::npos &&
                                   p.what.rfind("/##regions_") != p.what.find("/##regions_");
            if (set_aside) std::printf("  known (region table): %s\n", p.what.c_str());
            return set_aside;
        });
        if (problems.empty()) return std::string();
        std::string out = fmt::format("{} ({}, {:.0f}x{:.0f}{}): {} text problem(s)", where, app.language(), app.window_size().x,
                                      app.window_size().y, app.state().classroom ? ", classroom" : "", problems.size());
        for (const TextProblem& p : problems) out += "\n    " + p.what;
        return out;
    };
}

// Moves the cursor, lets the layout settle one frame (the region table sizes itself from the
// frame before), then checks the frame.
void check_at(TestDriver& t, const std::string& where, std::function<void(App&)> move) {
    t.act(where, std::move(move));
    t.check(where + ": no text cut or overlapping", no_text_problems(where));
}

}  // namespace

void clip_lessons(TestDriver& t, const std::string& lang) {
    t.act("language " + lang, [lang](App& app) { app.set_language(lang); });
    t.mouse_away();
    t.wait(2);  // the atlas is rebuilt between frames
    for (const std::string& file : lesson_files()) {
        check_at(t, file + " at the start", [file](App& app) {
            app.load(std::string(PAGELAB_SOURCE_DIR) + "/scenarios/" + file);
            app.state().granularity = Granularity::Operation;
        });
        check_at(t, file + " at its middle step", [](App& app) { app.seek_step((app.session().step_count() + 1) / 2); });
        check_at(t, file + " one event into the next step", [](App& app) {
            app.state().granularity = Granularity::Event;
            app.step_event(+1);
        });
        check_at(t, file + " at the end", [](App& app) {
            app.state().granularity = Granularity::Operation;
            app.seek_step(app.session().step_count());
        });
    }
}

}  // namespace pagelab::ui
