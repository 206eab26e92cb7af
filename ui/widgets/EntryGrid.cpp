#include "widgets/EntryGrid.h"

#include <algorithm>

#include "GlTexture.h"
#include "Theme.h"

namespace pagelab::ui {

GridWindow GridWindow::around(uint32_t focus, uint32_t cols, uint32_t rows) {
    GridWindow w;
    w.cols = std::clamp(cols, 1u, 32u);
    w.rows = std::clamp(rows, 1u, 32u);
    const uint32_t r = (focus / 32) % 32, c = focus % 32;
    w.col0 = std::min(c / w.cols * w.cols, 32 - w.cols);
    // The focus row a quarter down the window, so that what follows it is in view too.
    const uint32_t above = w.rows / 4;
    w.row0 = std::min(r > above ? r - above : 0u, 32 - w.rows);
    return w;
}

namespace {

// The outlines of changed cells, the dots of marked ones and the ring of the selected one.
void cell_marks(ImDrawList* dl, const std::vector<GridCell>& cells, const GridWindow& window, ImVec2 min, float cell,
                float gap, const Palette& pal) {
    for (uint32_t k = 0; k < cells.size(); ++k) {
        const GridCell& c = cells[k];
        if (!c.changed && !c.selected && !c.marked) continue;
        const float x = min.x + float(k % window.cols) * cell, y = min.y + float(k / window.cols) * cell;
        if (c.changed) {
            // Thin on small cells, so the fill colour still shows inside the outline.
            const float t = cell >= 12 ? cell * 0.16f : 1.0f;
            dl->AddRect(ImVec2(x + t * 0.5f - 0.5f, y + t * 0.5f - 0.5f), ImVec2(x + cell - gap - t * 0.5f + 0.5f, y + cell - gap - t * 0.5f + 0.5f),
                        pal.changed, 0, 0, t);
        }
        if (c.marked) {
            const float r = std::max(2.0f, cell * 0.18f);
            dl->AddCircleFilled(ImVec2(x + (cell - gap) * 0.5f, y + (cell - gap) * 0.5f), r, IM_COL32(255, 255, 255, 230));
            dl->AddCircle(ImVec2(x + (cell - gap) * 0.5f, y + (cell - gap) * 0.5f), r, IM_COL32(0, 0, 0, 200));
        }
        if (c.selected) {
            dl->AddRect(ImVec2(x - 2, y - 2), ImVec2(x + cell - gap + 2, y + cell - gap + 2), IM_COL32(0, 0, 0, 255), 0, 0, 3.0f);
            dl->AddRect(ImVec2(x - 2, y - 2), ImVec2(x + cell - gap + 2, y + cell - gap + 2), IM_COL32(255, 255, 255, 255), 0, 0, 2.0f);
        }
    }
}

// Row labels left of the grid, every row or fewer when rows are lower than a line of text.
void row_labels(ImDrawList* dl, const GridWindow& window, ImVec2 min, float cell,
                const std::function<std::string(uint32_t)>& row_label) {
    const float lh = ImGui::GetTextLineHeight();
    const uint32_t every = lh <= cell ? 1 : lh <= cell * 2 ? 2 : lh <= cell * 4 ? 4 : 8;
    const ImU32 col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImGuiStyle& style = ImGui::GetStyle();
    for (uint32_t r = 0; r < window.rows; ++r) {
        if ((window.row0 + r) % every != 0) continue;
        const std::string t = row_label(window.entry(r, 0));
        const float tw = ImGui::CalcTextSize(t.c_str()).x;
        dl->AddText(ImVec2(min.x - tw - style.ItemInnerSpacing.x, min.y + float(r) * cell + (cell - lh) * 0.5f), col, t.c_str());
    }
}

}  // namespace

GridResult entry_grid(const char* id, float cell, const GridWindow& window, const std::function<GridCell(uint32_t)>& cell_of,
                      const Palette& pal, GlTexture& texture, std::vector<ImU32>& texels, float label_width,
                      const std::function<std::string(uint32_t)>& row_label) {
    GridResult out;
    out.cell = cell;
    out.window = window;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 min(origin.x + label_width, origin.y);
    const float w = cell * float(window.cols), h = cell * float(window.rows);
    out.rect = ImRect(min, ImVec2(min.x + w, min.y + h));
    ImGui::InvisibleButton(id, ImVec2(label_width + w, h));
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(min.x - 1, min.y - 1), ImVec2(min.x + w + 1, min.y + h + 1), pal.grid_bg);

    const float gap = cell >= 7 ? 1.0f : 0.0f;
    // Fills: bake cells and gaps into texels at the drawn size; upload only what changed.
    std::vector<GridCell> cells(size_t(window.cols) * window.rows);
    const int px = int(cell);
    const int w_px = px * int(window.cols), h_px = px * int(window.rows);
    std::vector<ImU32> fresh(size_t(w_px) * size_t(h_px), pal.grid_bg);
    const int fill = px - int(gap);
    for (uint32_t r = 0; r < window.rows; ++r)
        for (uint32_t c = 0; c < window.cols; ++c) {
            GridCell& gc = cells[r * window.cols + c];
            gc = cell_of(window.entry(r, c));
            const int x0 = int(c) * px, y0 = int(r) * px;
            for (int y = 0; y < fill; ++y) {
                ImU32* row = fresh.data() + size_t(y0 + y) * size_t(w_px) + size_t(x0);
                std::fill(row, row + fill, gc.fill);
            }
        }
    if (fresh != texels || texture.empty() || texture.width() != w_px || texture.height() != h_px) {
        texels.swap(fresh);
        texture.upload(w_px, h_px, texels, GlTexture::Filter::Nearest);
    }
    dl->AddImage(texture.id(), min, ImVec2(min.x + float(w_px), min.y + float(h_px)));
    cell_marks(dl, cells, window, min, cell, gap, pal);
    if (label_width > 0 && row_label) row_labels(dl, window, min, cell, row_label);
    if (hovered) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        if (m.x >= min.x && m.y >= min.y && m.x < min.x + w && m.y < min.y + h) {
            const uint32_t c = std::min(window.cols - 1, uint32_t((m.x - min.x) / cell));
            const uint32_t r = std::min(window.rows - 1, uint32_t((m.y - min.y) / cell));
            out.hovered = window.entry(r, c);
            const float x = min.x + float(c) * cell, y = min.y + float(r) * cell;
            dl->AddRect(ImVec2(x - 1, y - 1), ImVec2(x + cell, y + cell), IM_COL32(255, 255, 255, 160));
            if (clicked) out.clicked = out.hovered;
        }
    }
    return out;
}

}  // namespace pagelab::ui
