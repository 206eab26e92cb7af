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

// The part of the 32 x 32 entries a grid shows: all of them, or (zoomed) a band of rows of one
// half, so that cells stay large enough to read from the back of a classroom.
struct GridWindow {
    uint32_t col0 = 0, cols = 32;
    uint32_t row0 = 0, rows = 32;
    bool whole() const { return cols == 32 && rows == 32; }
    bool contains(uint32_t i) const {
        const uint32_t r = i / 32, c = i % 32;
        return r >= row0 && r < row0 + rows && c >= col0 && c < col0 + cols;
    }
    uint32_t entry(uint32_t r, uint32_t c) const { return (row0 + r) * 32 + col0 + c; }  // r, c inside the window
    // A window of cols x rows placed so that `focus` is inside it (and, rows allowing, not at its edge).
    static GridWindow around(uint32_t focus, uint32_t cols, uint32_t rows);
};

struct GridResult {
    std::optional<uint32_t> hovered;
    std::optional<uint32_t> clicked;
    ImRect rect;       // the cells (without row labels)
    float cell = 0;    // cell pitch in pixels
    GridWindow window;
    // The pixel centre of entry i, if the window shows it.
    std::optional<ImVec2> centre_of(uint32_t i) const {
        if (!window.contains(i)) return std::nullopt;
        return ImVec2(rect.Min.x + (float(i % 32 - window.col0) + 0.5f) * cell, rect.Min.y + (float(i / 32 - window.row0) + 0.5f) * cell);
    }
};

// label_width: room on the left for row labels (row_label(i): i the first entry of a row shown;
// every 2nd, 4th or 8th row when rows are small); 0 for none.
struct Palette;
class GlTexture;
GridResult entry_grid(const char* id, float cell, const GridWindow& window, const std::function<GridCell(uint32_t)>& cell_of,
                      const Palette& pal, GlTexture& texture, std::vector<ImU32>& texels, float label_width = 0,
                      const std::function<std::string(uint32_t)>& row_label = {});

}  // namespace pagelab::ui
