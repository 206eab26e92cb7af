// Small drawing helpers shared by the panels: colour swatches and legends, hex formatting, a hex
// view that owns no data (it reads bytes through a callback, like imgui_club's memory editor).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"

namespace pagelab::ui {

std::string hex8(uint32_t v);   // "0x00010000"
std::string hex_n(uint32_t v);  // "0x1F"

// A filled square on the current line, the size of the text.
void swatch(ImU32 colour, float size = 0);

struct LegendItem {
    ImU32 colour;
    std::string label;
    std::string help;  // tooltip
    bool outline = false;  // drawn as an outline (change / selection markers)
};
// Swatches with labels, flowing onto as many lines as the width needs.
void legend(const std::vector<LegendItem>& items);
// The height legend(items) takes in a width, without drawing it.
float legend_height(const std::vector<LegendItem>& items, float width);

// "(?)" with a wrapped tooltip.
void help_marker(const char* text);

// Text in a colour, without printf formatting.
void text_coloured(ImU32 colour, const std::string& text);
void text_wrapped(const std::string& text);
// ImGui::SameLine() when `next` fits on the rest of the line, else a new line (translations are
// longer: a second line instead of a cut).
void same_line_if_fits(const std::string& next);
// A fixed table column wide enough for its (translated) header too: a longer Russian or wider
// Chinese header is not cut.
float column_width(const char* header, float at_least);
// The text under the current wrap position (ImGui::PushTextWrapPos), its lines broken by
// wrap_lines() and its glossary terms shown (below). True when a term's tooltip is shown.
bool text_block(const std::string& text);
// The text with newlines where a line of `width` pixels must break (i18n::wrap_text): at spaces,
// not after '.' or ',' as ImGui does, never between "стр." and "5" nor "64" and "КБ"; between
// Chinese characters. Draw the result with wrapping off.
std::string wrap_lines(const std::string& text, ImFont* font, float size, float width);

// The glossary in the window: text_block() shows a term's definition (po/glossary.yaml, in the
// language shown) as a tooltip when the mouse is over it, and underlines it. For the UI tests:
// with recording on, every term drawn this frame and its rectangle; the last tooltip shown.
struct DrawnTerm {
    std::string id;    // the glossary entry
    std::string text;  // the words as drawn
    ImRect rect;       // their first line's rectangle
    std::vector<ImRect> lines;  // each line's (two when a line break parts the term)
    std::string window;         // the ImGui window it was drawn in
    bool label = false;         // a tab's or a column header's label (glossary_label), not text
};
void record_glossary_terms(bool on);
const std::vector<DrawnTerm>& glossary_terms_drawn();  // this frame's (recording on)
struct GlossaryTooltip {
    int frame = -1;  // ImGui's frame count when it was shown
    std::string id, term, text;
};
const GlossaryTooltip& last_glossary_tooltip();
// A tooltip in the glossary's style (the term, then its definition dimmed) for a term that is
// not in the glossary's file (an event kind's chip); last_glossary_tooltip() reports it.
void term_tooltip(const std::string& id, const std::string& term, const std::string& text);
// A tooltip with the glossary entry of a label (a legend's, a tab's, a column header's), if the
// label is a term: appended to `help` when there is one. Call while the label is hovered. True
// when the glossary's entry is shown.
bool glossary_label_tooltip(const std::string& label, const std::string& help);
// After an item showing `label` (a tab, a column header; "###id" ignored): the glossary's entry
// of its first term as a tooltip when it is hovered (true then), and the term recorded for the
// tests.
bool glossary_label(const std::string& label);
// ImGui::TableHeadersRow(), with the glossary's tooltip on a header that is a term.
void table_headers_row();

// A labelled value pair on one line ("Frame  0x12").
void key_value(const char* key, const std::string& value, float key_width);

// A word-wrapped chip with a background ("demand-zero").
void chip(const std::string& text, ImU32 background);

struct HexViewOptions {
    uint32_t base = 0;          // address shown for byte 0
    uint32_t size = 4096;
    bool words = false;         // 32-bit little-endian words (page tables) instead of bytes
    std::function<uint8_t(uint32_t)> byte;                 // byte at an offset
    std::function<bool(uint32_t)> changed;                 // highlight this offset
    std::function<std::string(uint32_t)> word_note;        // words mode: a note after each word
    ImU32 changed_colour = IM_COL32(255, 70, 210, 255);
};
// Rows of 16 bytes (or 4 words), clipped to what is visible. Returns the first row's text.
std::string hex_view(const char* id, const HexViewOptions& o, float height);

}  // namespace pagelab::ui
