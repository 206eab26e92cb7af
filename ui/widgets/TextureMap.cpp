#include "widgets/TextureMap.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "Theme.h"
#include "testing/Probe.h"
#include "widgets/DirtyRows.h"

namespace pagelab::ui {

namespace {

struct Shape {
    int cols = 1, rows = 1;
    float cell = 1;
};

// Square cells, as many columns as make the map's aspect match the room's.
Shape map_shape(const TextureMapSpec& spec) {
    Shape sh;
    const double aspect = double(spec.size.x) / double(spec.size.y);
    sh.cols = std::clamp(int(std::ceil(std::sqrt(double(spec.count) * aspect))), 1, int(spec.count));
    sh.rows = int((spec.count + uint32_t(sh.cols) - 1) / uint32_t(sh.cols));
    sh.cell = std::min(spec.size.x / float(sh.cols), spec.size.y / float(sh.rows));
    // A small map gets fewer, wider rows if that lets cells grow (8 frames in 2 rows, not 3).
    if (sh.cell > spec.max_cell) sh.cell = spec.max_cell;
    else if (spec.count <= 4096) {
        while (sh.cols < int(spec.count)) {
            const int c2 = sh.cols + 1;
            const int r2 = int((spec.count + uint32_t(c2) - 1) / uint32_t(c2));
            const float cell2 = std::min(spec.size.x / float(c2), spec.size.y / float(r2));
            if (cell2 <= sh.cell) break;
            sh.cols = c2;
            sh.rows = r2;
            sh.cell = std::min(cell2, spec.max_cell);
        }
    }
    sh.cell = std::max(sh.cell, 0.25f);
    return sh;
}

// Zoom (wheel, about the mouse) and pan (drag) once cells are too small to read.
void zoom_and_pan(MapView& view, ImVec2 pos, ImVec2 map_size, float cell, bool hovered) {
    const ImGuiIO& io = ImGui::GetIO();
    const float max_zoom = std::max(1.0f, 36.0f / cell);
    auto clamp_view = [&] {
        view.zoom = std::clamp(view.zoom, 1.0f, max_zoom);
        const float half = 0.5f / view.zoom;
        view.centre.x = std::clamp(view.centre.x, half, 1.0f - half);
        view.centre.y = std::clamp(view.centre.y, half, 1.0f - half);
    };
    clamp_view();
    if (hovered && io.MouseWheel != 0 && max_zoom > 1.0f) {
        const float half = 0.5f / view.zoom;
        const glm::vec2 frac((io.MousePos.x - pos.x) / map_size.x, (io.MousePos.y - pos.y) / map_size.y);
        const glm::vec2 uv0 = view.centre - glm::vec2(half);
        const glm::vec2 under = uv0 + frac * (2.0f * half);
        view.zoom *= std::pow(1.25f, io.MouseWheel);
        view.zoom = std::clamp(view.zoom, 1.0f, max_zoom);
        const float nh = 0.5f / view.zoom;
        view.centre = under - frac * (2.0f * nh) + glm::vec2(nh);
        clamp_view();
    }
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 3.0f) && view.zoom > 1.0f) {
        const float half = 0.5f / view.zoom;
        view.centre.x -= io.MouseDelta.x / map_size.x * 2.0f * half;
        view.centre.y -= io.MouseDelta.y / map_size.y * 2.0f * half;
        clamp_view();
    }
}

// The cells on screen: columns c0..c1, rows r0..r1.
struct Visible {
    int c0, r0, c1, r1;
};

void grid_lines(ImDrawList* dl, const TextureMapResult& out, const Visible& v, ImU32 background) {
    if (out.pitch < 9.0f) return;
    const ImU32 line = (background & 0x00FFFFFF) | 0xFF000000;
    const float width = out.pitch >= 20 ? 2.0f : 1.0f;
    for (int c = v.c0; c <= v.c1 + 1; ++c) {
        const float x = out.origin.x + float(c) * out.pitch;
        dl->AddLine(ImVec2(x, out.rect.Min.y), ImVec2(x, out.rect.Max.y), line, width);
    }
    for (int r = v.r0; r <= v.r1 + 1; ++r) {
        const float y = out.origin.y + float(r) * out.pitch;
        dl->AddLine(ImVec2(out.rect.Min.x, y), ImVec2(out.rect.Max.x, y), line, width);
    }
}

// One cell's label, with its corner text and its badge (a second line) when the cell is big enough.
void cell_label(ImDrawList* dl, const TextureMapResult& out, const TextureMapSpec& spec, uint32_t i) {
    const float lh = ImGui::GetTextLineHeight();
    const ImRect cr = out.cell_rect(i);
    const ImU32 fg = text_on(spec.colour(i));
    const std::string t = spec.label(i);
    const float tw = ImGui::CalcTextSize(t.c_str()).x;
    if (tw >= out.pitch - 4) return;
    const bool two = spec.badge && out.pitch >= lh * 2.4f;
    const float y = two ? cr.Min.y + out.pitch * 0.5f - lh + 1 : cr.Min.y + (out.pitch - lh) * 0.5f;
    dl->AddText(ImVec2(cr.Min.x + (out.pitch - tw) * 0.5f, y), fg, t.c_str());
    if (spec.corner && out.pitch >= lh * 2.4f) {
        const std::string cn = spec.corner(i);
        if (!cn.empty()) {
            const float cw = ImGui::CalcTextSize(cn.c_str()).x;
            dl->AddText(ImVec2(cr.Max.x - cw - 3, cr.Min.y + 1), fg, cn.c_str());
        }
    }
    if (two) {
        const std::string b = spec.badge(i);
        const float bw = ImGui::CalcTextSize(b.c_str()).x;
        if (bw < out.pitch - 4) dl->AddText(ImVec2(cr.Min.x + (out.pitch - bw) * 0.5f, y + lh), (fg & 0x00FFFFFF) | 0xB0000000, b.c_str());
    }
}

// The changed cells' outlines and the selected cell's ring.
void marks(ImDrawList* dl, const TextureMapResult& out, const TextureMapSpec& spec) {
    auto outline = [&](uint32_t i, ImU32 colour, float thickness) {
        if (i >= spec.count) return;
        ImRect cr = out.cell_rect(i);
        if (!cr.Overlaps(out.rect)) return;
        if (out.pitch < 6) cr.Expand(3.0f - out.pitch * 0.5f);  // tiny cells: a visible ring around them
        const float t = std::min(thickness, std::max(1.0f, out.pitch * 0.2f));
        dl->AddRect(ImVec2(cr.Min.x + t * 0.5f, cr.Min.y + t * 0.5f), ImVec2(cr.Max.x - t * 0.5f, cr.Max.y - t * 0.5f), colour, 0, 0, t);
    };
    size_t drawn = 0;  // a step that touches thousands of frames outlines the first 4096
    for (uint32_t i : spec.changed)
        if (drawn++ < 4096) outline(i, spec.changed_colour, 3.0f);
    if (spec.selected) {
        ImRect cr = out.cell_rect(*spec.selected);
        cr.Expand(2.0f);
        dl->AddRect(cr.Min, cr.Max, IM_COL32(0, 0, 0, 255), 0, 0, 4.0f);
        dl->AddRect(cr.Min, cr.Max, IM_COL32(255, 255, 255, 255), 0, 0, 2.0f);
    }
}

// The cell under the mouse (ringed), and clicked when the press was not a drag.
void hover(ImDrawList* dl, TextureMapResult& out, const TextureMapSpec& spec, bool pressed) {
    const ImGuiIO& io = ImGui::GetIO();
    const ImVec2 m = io.MousePos;
    const int c = int((m.x - out.origin.x) / out.pitch), r = int((m.y - out.origin.y) / out.pitch);
    if (c < 0 || r < 0 || c >= out.cols || r >= out.rows || uint32_t(r * out.cols + c) >= spec.count) return;
    out.hovered = uint32_t(r * out.cols + c);
    const ImRect cr = out.cell_rect(*out.hovered);
    dl->AddRect(cr.Min, cr.Max, IM_COL32(255, 255, 255, 170));
    if (pressed && io.MouseDragMaxDistanceSqr[0] < 16.0f) out.clicked = out.hovered;
}

// Every texel afresh, into `texels` (the whole texture, the cells past `count` in the background).
void fill_all(const TextureMapSpec& spec, const Shape& sh, std::vector<ImU32>& texels) {
    texels.assign(size_t(sh.cols) * size_t(sh.rows), spec.background);
    if (spec.fill) spec.fill(texels.data());
    else
        for (uint32_t i = 0; i < spec.count; ++i) texels[i] = spec.colour(i);
}

// With `verify`: the texels that differ between the texture's CPU copy, a full fill and the GPU.
size_t count_mismatches(GlTexture& texture, const TextureMapSpec& spec, const Shape& sh) {
    std::vector<ImU32> fresh, gpu;
    fill_all(spec, sh, fresh);
    const std::vector<ImU32>& mine = texture.cells();
    size_t bad = fresh.size() == mine.size() ? 0 : fresh.size() + 1;
    for (size_t i = 0; i < fresh.size() && i < mine.size(); ++i) bad += fresh[i] != mine[i];
    if (texture.read_back(gpu))
        for (size_t i = 0; i < fresh.size() && i < gpu.size(); ++i) bad += fresh[i] != gpu[i];
    return bad;
}

// Brings the texture up to the spec's key: nothing, the dirty cells and their rows, or everything.
void update_texture(GlTexture& texture, const TextureMapSpec& spec, const Shape& sh, TextureMapResult& out) {
    auto key_of = [&](uint64_t k) { return hash_key({k, uint64_t(sh.cols), uint64_t(sh.rows), spec.count}); };
    const uint64_t key = key_of(spec.key);
    if (texture.holds(key)) {
        // (Tests: a map left as it is must be up to date too — a bump the partial update missed.)
        if (spec.verify && !texture.cells().empty()) out.mismatches = count_mismatches(texture, spec, sh);
        return;
    }
    std::vector<ImU32>& texels = texture.cells();
    // A partial update pays per changed cell and row; past an eighth of the map a full fill is as cheap.
    const bool partial = spec.from_key && texture.holds(key_of(*spec.from_key)) && spec.colour &&
                         texels.size() == size_t(sh.cols) * size_t(sh.rows) && spec.dirty.size() <= spec.count / 8 + 16;
    if (partial) {
        for (uint32_t i : spec.dirty)
            if (i < spec.count) texels[i] = spec.colour(i);
        for (const RowSpan& r : dirty_row_spans(spec.dirty, spec.count, sh.cols)) {
            texture.upload_rows(r.first, r.end, texels);
            out.rows_uploaded += r.end - r.first;
        }
        out.update = TextureMapResult::Update::Partial;
    } else {
        fill_all(spec, sh, texels);
        texture.upload(sh.cols, sh.rows, texels);
        out.rows_uploaded = sh.rows;
        out.update = TextureMapResult::Update::Full;
    }
    texture.set_key(key);
    if (spec.verify && partial) out.mismatches = count_mismatches(texture, spec, sh);
}

}  // namespace

void set_versions(TextureMapSpec& spec, uint64_t version, uint64_t look, uint64_t delta_from, bool delta_known,
                  std::span<const uint32_t> cells) {
    spec.key = hash_key({version, look});
    if (delta_known && delta_from + 1 == version) {
        spec.from_key = hash_key({delta_from, look});
        spec.dirty = cells;
    }
}

void probe_update(Probe& probe, const std::string& name, const TextureMapResult& r) {
    if (!probe.enabled()) return;
    if (probe.verify_textures()) probe.value(name + ".mismatches", std::to_string(r.mismatches));
    if (r.update == TextureMapResult::Update::None) return;
    probe.value(name + ".update", r.update == TextureMapResult::Update::Full ? std::string("full") : fmt::format("partial {}", r.rows_uploaded));
}

TextureMapResult texture_map(const char* id, GlTexture& texture, MapView& view, const TextureMapSpec& spec) {
    TextureMapResult out;
    if (spec.count == 0 || spec.size.x < 4 || spec.size.y < 4) {
        ImGui::Dummy(ImVec2(1, 1));
        return out;
    }
    const Shape sh = map_shape(spec);
    out.cols = sh.cols;
    out.rows = sh.rows;
    const ImVec2 map_size(float(sh.cols) * sh.cell, float(sh.rows) * sh.cell);
    update_texture(texture, spec, sh, out);

    const ImVec2 pos = ImGui::GetCursorScreenPos();
    out.rect = ImRect(pos, ImVec2(pos.x + map_size.x, pos.y + map_size.y));
    const bool pressed = ImGui::InvisibleButton(id, ImVec2(std::max(map_size.x, 1.0f), std::max(map_size.y, 1.0f)));
    const bool hovered = ImGui::IsItemHovered();
    zoom_and_pan(view, pos, map_size, sh.cell, hovered);
    const float half = 0.5f / view.zoom;
    const ImVec2 uv0(view.centre.x - half, view.centre.y - half), uv1(view.centre.x + half, view.centre.y + half);
    out.pitch = sh.cell * view.zoom;
    out.origin = ImVec2(pos.x - uv0.x * map_size.x * view.zoom, pos.y - uv0.y * map_size.y * view.zoom);

    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(pos.x - 1, pos.y - 1), ImVec2(out.rect.Max.x + 1, out.rect.Max.y + 1), spec.background);
    dl->AddImage(texture.id(), pos, out.rect.Max, uv0, uv1);
    dl->PushClipRect(out.rect.Min, out.rect.Max, true);
    const Visible v{std::max(0, int((pos.x - out.origin.x) / out.pitch)), std::max(0, int((pos.y - out.origin.y) / out.pitch)),
                    std::min(sh.cols - 1, int((out.rect.Max.x - out.origin.x) / out.pitch)),
                    std::min(sh.rows - 1, int((out.rect.Max.y - out.origin.y) / out.pitch))};
    grid_lines(dl, out, v, spec.background);
    if (spec.label && out.pitch >= ImGui::GetTextLineHeight() * 1.6f)
        for (int r = v.r0; r <= v.r1; ++r)
            for (int c = v.c0; c <= v.c1; ++c) {
                const uint32_t i = uint32_t(r * sh.cols + c);
                if (i >= spec.count) break;
                cell_label(dl, out, spec, i);
            }
    marks(dl, out, spec);
    if (hovered) hover(dl, out, spec, pressed);
    dl->PopClipRect();
    return out;
}

}  // namespace pagelab::ui
