// A 32 x 32 grid of the 1024 entries of a page directory or a page table. The fills are one
// texture (cells and the gaps between them baked in at the drawn size), re-uploaded only when a
// colour changes; outlines (changed, selected, last access) are drawn on top for the few cells
// that have one. A software renderer (llvmpipe) pays per triangle, so 2 x 1024 rectangles a
// frame would cost more than the rest of the window.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"

namespace pagelab::ui {

struct GridCell {
    ImU32 fill = 0;
    bool changed = false;   // by the current step / event
    bool selected = false;
    bool marked = false;    // the last access went through this entry
};

struct GridResult {
    std::optional<uint32_t> hovered;
    std::optional<uint32_t> clicked;
    ImRect rect;       // the cells (without row labels)
    float cell = 0;    // cell pitch in pixels
};

// label_width: room on the left for row labels (row_label(r) for r in 0..31, every 4th row
// drawn when rows are small); 0 for none.
struct Palette;
class GlTexture;
GridResult entry_grid(const char* id, float cell, const std::function<GridCell(uint32_t)>& cell_of, const Palette& pal,
                      GlTexture& texture, std::vector<ImU32>& texels,
                      float label_width = 0, const std::function<std::string(uint32_t)>& row_label = {});

// The pixel centre of cell i of a grid drawn at `r` with pitch `cell` (for tests and links).
inline ImVec2 grid_cell_centre(const ImRect& r, float cell, uint32_t i) {
    return ImVec2(r.Min.x + (float(i % 32) + 0.5f) * cell, r.Min.y + (float(i / 32) + 0.5f) * cell);
}

}  // namespace pagelab::ui
