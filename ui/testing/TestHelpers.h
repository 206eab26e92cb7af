// Helpers the UI test scripts share: probe values, comparisons with readable failures, where
// a grid cell or a frame is on screen, pixel colours.
#pragma once

#include <cstdio>
#include <functional>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "App.h"
#include "testing/TestDriver.h"

namespace pagelab::ui {

using Check = TestDriver::Check;

inline std::string probe(App& app, const std::string& name) {
    const std::string* v = app.probe().find_value(name);
    return v ? *v : std::string("<not drawn>");
}

template <typename A, typename B>
inline std::string expect_eq(const A& actual, const B& expected, const std::string& what = "") {
    if (actual == expected) return {};
    std::ostringstream o;
    o << (what.empty() ? "" : what + ": ") << "expected " << expected << ", got " << actual;
    return o.str();
}

inline std::string expect_contains(const std::string& text, const std::string& part, const std::string& what) {
    if (text.find(part) != std::string::npos) return {};
    return fmt::format("{}: expected to contain '{}', got '{}'", what, part, text);
}

// The centre of entry i of a 32 x 32 grid recorded as `grid` ("pt.grid"; its window of entries
// shown as "pt.window"), a fraction inside the cell; nothing when the window does not show it.
inline TestDriver::Where grid_cell(const std::string& grid, uint32_t i, float fx = 0.5f, float fy = 0.5f) {
    return [grid, i, fx, fy](App& app) -> std::optional<ImVec2> {
        const ImRect* r = app.probe().find_rect(grid);
        if (!r) return std::nullopt;
        unsigned c0 = 0, r0 = 0, cols = 32, rows = 32;
        std::sscanf(probe(app, grid.substr(0, grid.find('.')) + ".window").c_str(), "%u,%u,%u,%u", &c0, &r0, &cols, &rows);
        const uint32_t row = i / 32, col = i % 32;
        if (row < r0 || row >= r0 + rows || col < c0 || col >= c0 + cols) return std::nullopt;
        const float cell = r->GetWidth() / float(cols);
        return ImVec2(r->Min.x + (float(col - c0) + fx) * cell, r->Min.y + (float(row - r0) + fy) * cell);
    };
}

// The centre of frame f in the physical-memory map, from the geometry the panel recorded.
inline TestDriver::Where frame_cell(std::function<uint32_t(App&)> frame) {
    return [frame](App& app) -> std::optional<ImVec2> {
        const std::string shape = probe(app, "frames.shape"), origin = probe(app, "frames.origin"), pitch = probe(app, "frames.pitch");
        int cols = 0, rows = 0;
        float ox = 0, oy = 0, p = 0;
        if (std::sscanf(shape.c_str(), "%dx%d", &cols, &rows) != 2 || std::sscanf(origin.c_str(), "%f,%f", &ox, &oy) != 2 ||
            std::sscanf(pitch.c_str(), "%f", &p) != 1 || cols <= 0)
            return std::nullopt;
        const uint32_t f = frame(app);
        return ImVec2(ox + (float(f % uint32_t(cols)) + 0.5f) * p, oy + (float(f / uint32_t(cols)) + 0.5f) * p);
    };
}

inline uint32_t buf_frame(App& app, uint32_t va) {
    const os::Process* a = app.machine().find_process("A");
    if (!a) return 0;
    return sim::resident_frame(app.machine(), a->space, va).value_or(0);
}

inline std::string colour_is(App& app, ImVec2 p, ImU32 expected, const std::string& what) {
    const ImU32 got = app.pixel_at(p);
    auto ch = [](ImU32 c, int s) { return int((c >> s) & 0xFF); };
    for (int s : {0, 8, 16})
        if (std::abs(ch(got, s) - ch(expected, s)) > 3)
            return fmt::format("{}: pixel at ({:.0f},{:.0f}) is #{:02X}{:02X}{:02X}, expected #{:02X}{:02X}{:02X}", what, p.x, p.y,
                               ch(got, 0), ch(got, 8), ch(got, 16), ch(expected, 0), ch(expected, 8), ch(expected, 16));
    return {};
}


// The scripts (one function per test, by file).
void story_15(TestDriver& t);
void strip_nt(TestDriver& t);
void strip_95(TestDriver& t);
void regions_15(TestDriver& t);
void glossary_hover(TestDriver& t);
void glossary_panels(TestDriver& t);
void glossary_split(TestDriver& t);
void vmmap_summary_01(TestDriver& t);
void vmmap_summary_15(TestDriver& t);
void story_lessons_nt(TestDriver& t);
void tlb_story(TestDriver& t);
void failed_process(TestDriver& t);
void story_lessons_95(TestDriver& t);
void regions_26(TestDriver& t);
void region_marks_ww(TestDriver& t);
void region_marks_lock(TestDriver& t);
void compare_moments(TestDriver& t);  // CompareTests.cpp
void go_to_box(TestDriver& t);
void event_filter(TestDriver& t);
void export_files(TestDriver& t);
void language_switch(TestDriver& t);
void clip_lessons(TestDriver& t, const std::string& lang);  // ClipTests.cpp
void classroom_story(TestDriver& t, bool check_cells);      // ClassroomTests.cpp
void classroom_space(TestDriver& t);                       // SpaceTests.cpp
void regions_1280_classroom(TestDriver& t);
void event_kind_tooltip(TestDriver& t);
void frame_labels(TestDriver& t);
void texture_increments(TestDriver& t, size_t step, int events, int steps, bool slots);  // TextureTests.cpp

}  // namespace pagelab::ui
