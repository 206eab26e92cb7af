// The clip / overlap check of the UI tests (issue 14, item 6): every glyph the frame drew, read
// back from ImGui's draw data after rendering, grouped into text runs, with the window and clip
// rectangle it was drawn in; a run is reported when a glyph of it is cut by its clip rectangle
// (partly outside, or shortened by ImGui's CPU clipping) or when a glyph of one run covers a
// glyph of another.
//
// Why the draw data and not a wrapper around the panels' text calls: the panels draw text through
// ImGui::Text*, tables, tabs, buttons, selectables and ImDrawList::AddText alike, and every one of
// them ends in ImFont::RenderText, which writes one quad of 4 vertices per visible glyph, its
// top-left texture coordinate the glyph's own place in the atlas (ImGui 1.86). A glyph quad is
// recognised by that coordinate; its draw command gives the clip rectangle the GPU will apply.
//
// What it cannot see: RenderText drops, before they reach the draw data, the lines wholly above
// or below its clip rectangle and the glyphs wholly left or right of it. A line cut exactly
// between two glyphs therefore shows only as its last glyph touching the edge; a line cut through
// a glyph (the usual case) is found. Text in popups and tooltips is not checked (a tooltip lies
// over the panels on purpose); text ending in an ellipsis (U+2026, or "...") is truncation drawn
// on purpose and is not a failure. Neither is a line cut at the edge of a window that scrolls
// that way (a scroll bar says there is more: the events list, the lesson's body, a long table);
// a cut by a table cell, by a window that does not scroll, or across the scroll direction is.
#pragma once

#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"

namespace pagelab::ui {

struct TextRun {
    std::string text;    // the glyphs' characters (a space where the pen jumped)
    std::string window;  // the ImGui window (child windows by their full path)
    ImRect box;          // the union of the glyphs' quads, as drawn (unclipped)
    ImRect clip;         // the clip rectangle of its draw command
    float font_size = 0;
    float line_top = 0;  // the top of its line (where ImGui put the pen)
    bool cut = false;        // a glyph lies partly outside the clip rectangle, or was shortened
    bool ellipsis = false;   // ends in U+2026 or "...": truncated on purpose
    std::string cut_how;     // "at the bottom by 6 px", ...
    char cut_side = 0;       // 'b', 't', 'l', 'r', or 's' (shortened by ImGui's CPU clipping)
    bool scrolls_x = false, scrolls_y = false;  // its window has more to show that way (a scroll bar)
    ImRect window_clip;      // its window's inner clip rectangle
    std::vector<ImRect> glyphs;  // each glyph's quad, as drawn
    std::vector<unsigned> codes; // and its character
};

// True when the run's cut is the edge of a scrolling view.
bool scroll_cut(const TextRun& r);

struct TextProblem {
    std::string what;  // one line for the report
};

// Every text run of the frame just rendered (call after ImGui::Render, before the next NewFrame).
std::vector<TextRun> record_text_runs();
// The text of the tooltips on screen in the frame just rendered, as drawn (their glyphs' runs,
// joined by spaces): what a UI test reads to know a tooltip is shown and what it says.
std::string tooltip_text();
// Runs cut by their clip rectangle and pairs of runs whose glyphs overlap (at most `limit`).
std::vector<TextProblem> text_problems(const std::vector<TextRun>& runs, size_t limit = 20);

}  // namespace pagelab::ui
