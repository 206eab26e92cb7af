#include "widgets/EntryGrid.h"

#include "GlTexture.h"
#include "Theme.h"

namespace pagelab::ui {

GridResult entry_grid(const char* id, float cell, const std::function<GridCell(uint32_t)>& cell_of, const Palette& pal,
                      GlTexture& texture, std::vector<ImU32>& texels, float label_width,
                      const std::function<std::string(uint32_t)>& row_label) {
    GridResult out;
    out.cell = cell;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 min(origin.x + label_width, origin.y);
    const float side = cell * 32;
    out.rect = ImRect(min, ImVec2(min.x + side, min.y + side));
    ImGui::InvisibleButton(id, ImVec2(label_width + side, side));
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImGuiStyle& style = ImGui::GetStyle();
    dl->AddRectFilled(ImVec2(min.x - 1, min.y - 1), ImVec2(min.x + side + 1, min.y + side + 1),
                      pal.grid_bg);

    const float gap = cell >= 7 ? 1.0f : 0.0f;
    const ImU32 changed_col = pal.changed;
    // Fills: bake cells and gaps into texels at the drawn size; upload only what changed.
    GridCell cells[1024];
    const int px = int(cell);
    const int side_px = px * 32;
    std::vector<ImU32> fresh(size_t(side_px) * size_t(side_px), pal.grid_bg);
    for (uint32_t i = 0; i < 1024; ++i) {
        cells[i] = cell_of(i);
        const int x0 = int(i % 32) * px, y0 = int(i / 32) * px;
        const int fill = px - int(gap);
        for (int y = 0; y < fill; ++y) {
            ImU32* row = fresh.data() + size_t(y0 + y) * size_t(side_px) + size_t(x0);
            for (int x = 0; x < fill; ++x) row[x] = cells[i].fill;
        }
    }
    if (fresh != texels || texture.empty() || texture.width() != side_px) {
        texels.swap(fresh);
        texture.upload(side_px, side_px, texels, GlTexture::Filter::Nearest);
    }
    dl->AddImage(texture.id(), min, ImVec2(min.x + float(side_px), min.y + float(side_px)));
    for (uint32_t i = 0; i < 1024; ++i) {
        const GridCell& c = cells[i];
        if (!c.changed && !c.selected && !c.marked) continue;
        const float x = min.x + float(i % 32) * cell, y = min.y + float(i / 32) * cell;
        if (c.changed) {
            // Thin on small cells, so the fill colour still shows inside the outline.
            const float t = cell >= 12 ? cell * 0.16f : 1.0f;
            dl->AddRect(ImVec2(x + t * 0.5f - 0.5f, y + t * 0.5f - 0.5f), ImVec2(x + cell - gap - t * 0.5f + 0.5f, y + cell - gap - t * 0.5f + 0.5f),
                        changed_col, 0, 0, t);
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
    if (label_width > 0 && row_label) {
        const float lh = ImGui::GetTextLineHeight();
        const int every = lh <= cell ? 1 : lh <= cell * 2 ? 2 : lh <= cell * 4 ? 4 : 8;
        const ImU32 col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
        for (uint32_t r = 0; r < 32; r += uint32_t(every)) {
            const std::string t = row_label(r);
            const float w = ImGui::CalcTextSize(t.c_str()).x;
            dl->AddText(ImVec2(min.x - w - style.ItemInnerSpacing.x, min.y + float(r) * cell + (cell - lh) * 0.5f), col, t.c_str());
        }
    }
    if (hovered) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        if (m.x >= min.x && m.y >= min.y && m.x < min.x + side && m.y < min.y + side) {
            const uint32_t col = uint32_t((m.x - min.x) / cell), row = uint32_t((m.y - min.y) / cell);
            out.hovered = std::min(31u, row) * 32 + std::min(31u, col);
            const float x = min.x + float(*out.hovered % 32) * cell, y = min.y + float(*out.hovered / 32) * cell;
            dl->AddRect(ImVec2(x - 1, y - 1), ImVec2(x + cell, y + cell), IM_COL32(255, 255, 255, 160));
            if (clicked) out.clicked = out.hovered;
        }
    }
    return out;
}

}  // namespace pagelab::ui
