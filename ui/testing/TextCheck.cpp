#include "testing/TextCheck.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

namespace pagelab::ui {

namespace {

struct GlyphRef {
    const ImFont* font = nullptr;
    const ImFontGlyph* glyph = nullptr;
};

uint64_t uv_key(float u, float v) {
    uint32_t a = 0, b = 0;
    std::memcpy(&a, &u, 4);
    std::memcpy(&b, &v, 4);
    return (uint64_t(a) << 32) | b;
}

// Every glyph of every font by the top-left corner of its place in the atlas.
std::unordered_map<uint64_t, GlyphRef> glyph_index() {
    std::unordered_map<uint64_t, GlyphRef> out;
    for (const ImFont* font : ImGui::GetIO().Fonts->Fonts)
        for (const ImFontGlyph& g : font->Glyphs)
            if (g.Visible) out.emplace(uv_key(g.U0, g.V0), GlyphRef{font, &g});
    return out;
}

void append_utf8(std::string& s, unsigned c) {
    char buf[8] = {};
    ImTextCharToUtf8(buf, c);
    s += buf;
}

// One glyph quad read back: where it was drawn, where it would have been uncut, its pen.
struct Quad {
    ImRect drawn, full;
    float pen_x = 0, line_top = 0, advance = 0, size = 0;
    unsigned codepoint = 0;
    bool shortened = false;
};

std::optional<Quad> read_quad(const ImDrawVert* v, const std::unordered_map<uint64_t, GlyphRef>& index) {
    auto it = index.find(uv_key(v[0].uv.x, v[0].uv.y));
    if (it == index.end()) return std::nullopt;
    if (v[1].pos.y != v[0].pos.y || v[2].pos.x != v[1].pos.x || v[3].pos.x != v[0].pos.x || v[3].pos.y != v[2].pos.y ||
        v[1].uv.y != v[0].uv.y || v[3].uv.x != v[0].uv.x || v[2].uv.x != v[1].uv.x || v[2].uv.y != v[3].uv.y)
        return std::nullopt;
    const ImFontGlyph& g = *it->second.glyph;
    Quad q;
    q.drawn = ImRect(v[0].pos, v[2].pos);
    const float du = g.U1 - g.U0, dv = g.V1 - g.V0;
    const float fu = du > 0 ? (v[1].uv.x - g.U0) / du : 1.0f, fv = dv > 0 ? (v[3].uv.y - g.V0) / dv : 1.0f;
    if (fu <= 0.01f || fv <= 0.01f) return std::nullopt;
    q.shortened = fu < 0.999f || fv < 0.999f;
    const float w = q.drawn.GetWidth() / fu, h = q.drawn.GetHeight() / fv;
    q.full = ImRect(q.drawn.Min, q.drawn.Min + ImVec2(w, h));
    const float scale = g.Y1 > g.Y0 ? h / (g.Y1 - g.Y0) : (g.X1 > g.X0 ? w / (g.X1 - g.X0) : 1.0f);
    q.pen_x = q.drawn.Min.x - g.X0 * scale;
    q.line_top = q.drawn.Min.y - g.Y0 * scale;
    q.advance = g.AdvanceX * scale;
    q.size = it->second.font->FontSize * scale;
    q.codepoint = g.Codepoint;
    return q;
}

// Where a glyph sticks out of the clip rectangle, in whole pixels (ImGui's glyph boxes carry
// less than a pixel of filter padding).
std::string outside(const ImRect& g, const ImRect& clip, char& side) {
    const float slack = 1.5f;
    side = g.Max.y > clip.Max.y + slack ? 'b' : g.Min.y < clip.Min.y - slack ? 't' : g.Max.x > clip.Max.x + slack ? 'r' : 'l';
    if (g.Max.y > clip.Max.y + slack) return fmt::format("at the bottom by {:.0f} px", g.Max.y - clip.Max.y);
    if (g.Min.y < clip.Min.y - slack) return fmt::format("at the top by {:.0f} px", clip.Min.y - g.Min.y);
    if (g.Max.x > clip.Max.x + slack) return fmt::format("on the right by {:.0f} px", g.Max.x - clip.Max.x);
    if (g.Min.x < clip.Min.x - slack) return fmt::format("on the left by {:.0f} px", clip.Min.x - g.Min.x);
    return {};
}

bool checked_window(const ImGuiWindow* w) {
    if (!w->Active || w->Hidden || !w->DrawList) return false;
    const ImGuiWindowFlags skip = ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup | ImGuiWindowFlags_Modal | ImGuiWindowFlags_ChildMenu;
    return !(w->Flags & skip) && !(w->RootWindow && (w->RootWindow->Flags & skip));
}

void finish(TextRun& run) {
    if (run.glyphs.empty()) return;
    const std::string& t = run.text;
    run.ellipsis = (t.size() >= 3 && t.compare(t.size() - 3, 3, "\xE2\x80\xA6") == 0) || (t.size() >= 3 && t.compare(t.size() - 3, 3, "...") == 0);
}

void read_list(const ImGuiWindow* w, const std::unordered_map<uint64_t, GlyphRef>& index, std::vector<TextRun>& out) {
    const ImDrawList& dl = *w->DrawList;
    const ImTextureID atlas = ImGui::GetIO().Fonts->TexID;
    for (const ImDrawCmd& cmd : dl.CmdBuffer) {
        if (cmd.UserCallback || cmd.ElemCount == 0 || cmd.TextureId != atlas) continue;
        const ImRect clip(cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w);
        TextRun run;
        std::optional<Quad> last;
        auto flush = [&] {
            finish(run);
            if (!run.glyphs.empty()) out.push_back(std::move(run));
            run = TextRun{};
            last.reset();
        };
        // The command's own triangles, in order: a glyph is two of them, indices v, v+1, v+2,
        // v, v+2, v+3 (vertices of other commands may lie between a command's vertices, after
        // ImGui merged a table's draw channels).
        const unsigned end = cmd.IdxOffset + cmd.ElemCount;
        for (unsigned k = cmd.IdxOffset; k + 3 <= end;) {
            auto at = [&](unsigned j) { return cmd.VtxOffset + unsigned(dl.IdxBuffer[int(j)]); };
            const unsigned i = at(k);
            const bool quad = k + 6 <= end && at(k + 1) == i + 1 && at(k + 2) == i + 2 && at(k + 3) == i && at(k + 4) == i + 2 &&
                              at(k + 5) == i + 3 && i + 3 < unsigned(dl.VtxBuffer.Size);
            const auto q = quad ? read_quad(&dl.VtxBuffer[int(i)], index) : std::nullopt;
            if (!q) {
                if (last) flush();
                k += quad ? 6 : 3;
                continue;
            }
            // A new run when the pen goes back, jumps a line, or does not clear the last glyph.
            if (last && (std::abs(q->line_top - last->line_top) > 0.5f || q->pen_x < last->pen_x + last->advance - 0.5f ||
                         std::abs(q->size - last->size) > 0.5f || q->pen_x > last->pen_x + last->advance + 3 * q->size))
                flush();
            if (last && q->pen_x > last->pen_x + last->advance + 0.15f * q->size) run.text += ' ';
            if (run.glyphs.empty()) {
                run.window = w->Name;
                run.clip = clip;
                run.font_size = q->size;
                run.line_top = q->line_top;
                run.box = q->full;
                run.scrolls_x = w->ScrollbarX;
                run.scrolls_y = w->ScrollbarY;
                run.window_clip = w->InnerClipRect;
            }
            run.box.Add(q->full);
            run.glyphs.push_back(q->full);
            run.codes.push_back(q->codepoint);
            append_utf8(run.text, q->codepoint);
            if (!run.cut) {
                char side = 's';
                std::string how = q->shortened ? std::string("shortened by ImGui's clipping") : outside(q->full, clip, side);
                if (!how.empty()) {
                    run.cut_side = side;
                    run.cut = true;
                    run.cut_how = how;
                }
            }
            last = q;
            k += 6;
        }
        flush();
    }
}

}  // namespace

bool scroll_cut(const TextRun& r) {
    // A table with a frozen header row or column clips the rows scrolled under it at the frozen
    // part, not at the window's edge: any cut along a direction the window scrolls is a scroll.
    if (r.cut_side == 'b' || r.cut_side == 't') return r.scrolls_y;
    return (r.cut_side == 'l' || r.cut_side == 'r') && r.scrolls_x;
}

std::vector<TextRun> record_text_runs() {
    std::vector<TextRun> out;
    const auto index = glyph_index();
    for (const ImGuiWindow* w : GImGui->Windows)
        if (checked_window(w)) read_list(w, index, out);
    return out;
}

std::string tooltip_text() {
    std::vector<TextRun> runs;
    const auto index = glyph_index();
    for (const ImGuiWindow* w : GImGui->Windows)
        if (w->Active && !w->Hidden && w->DrawList && (w->Flags & ImGuiWindowFlags_Tooltip)) read_list(w, index, runs);
    std::string out;
    for (const TextRun& r : runs) out += (out.empty() ? "" : " ") + r.text;
    return out;
}

std::vector<TextProblem> text_problems(const std::vector<TextRun>& runs, size_t limit) {
    std::vector<TextProblem> out;
    auto add = [&](std::string what) {
        if (out.size() < limit) out.push_back({std::move(what)});
    };
    for (const TextRun& r : runs)
        if (r.cut && !r.ellipsis && !scroll_cut(r))
            add(fmt::format("'{}' in {} is cut {} (clip {:.0f},{:.0f}-{:.0f},{:.0f})", r.text, r.window, r.cut_how, r.clip.Min.x, r.clip.Min.y,
                            r.clip.Max.x, r.clip.Max.y));
    // Overlaps: glyph boxes shrunk by a pixel (filter padding), bucketed on a coarse grid.
    constexpr float kCell = 64.0f;
    std::unordered_map<uint64_t, std::vector<std::pair<size_t, size_t>>> grid;
    auto key = [](int x, int y) { return (uint64_t(uint32_t(x)) << 32) | uint32_t(y); };
    for (size_t r = 0; r < runs.size(); ++r) {
        // Only what is seen: the glyph's part inside its clip rectangle.
        for (size_t g = 0; g < runs[r].glyphs.size(); ++g) {
            ImRect b = runs[r].glyphs[g];
            b.ClipWithFull(runs[r].clip);
            if (b.GetWidth() <= 2 || b.GetHeight() <= 2) continue;
            for (int y = int(std::floor(b.Min.y / kCell)); y <= int(std::floor(b.Max.y / kCell)); ++y)
                for (int x = int(std::floor(b.Min.x / kCell)); x <= int(std::floor(b.Max.x / kCell)); ++x) grid[key(x, y)].push_back({r, g});
        }
    }
    std::vector<std::pair<size_t, size_t>> reported;
    for (const auto& [cell, items] : grid)
        for (size_t i = 0; i < items.size(); ++i)
            for (size_t j = i + 1; j < items.size(); ++j) {
                const auto [ra, ga] = items[i];
                const auto [rb, gb] = items[j];
                if (ra == rb) continue;
                const std::pair<size_t, size_t> pair(std::min(ra, rb), std::max(ra, rb));
                if (std::find(reported.begin(), reported.end(), pair) != reported.end()) continue;
                ImRect a = runs[ra].glyphs[ga], b = runs[rb].glyphs[gb];
                a.ClipWithFull(runs[ra].clip);
                b.ClipWithFull(runs[rb].clip);
                a.Expand(-1.0f);
                b.Expand(-1.0f);
                if (!a.Overlaps(b)) continue;
                // In a scrolling table, a row scrolled under the frozen header shares the
                // header's draw command (ImGui merges the columns' commands, and with them
                // their clip rectangles); the header is drawn over it. Rows of one line never
                // differ in their line's top.
                if (runs[ra].window == runs[rb].window && (runs[ra].scrolls_y || runs[ra].scrolls_x) &&
                    std::abs(runs[ra].line_top - runs[rb].line_top) > 0.3f * runs[ra].font_size)
                    continue;
                // The same glyph drawn twice at one place (ImGui draws a table's last header twice) is one.
                const ImRect& fa = runs[ra].glyphs[ga];
                const ImRect& fb = runs[rb].glyphs[gb];
                if (runs[ra].codes[ga] == runs[rb].codes[gb] && std::abs(fa.Min.x - fb.Min.x) < 1.5f && std::abs(fa.Min.y - fb.Min.y) < 1.5f)
                    continue;
                reported.push_back(pair);
                add(fmt::format("'{}' in {} overlaps '{}' in {} at ({:.0f},{:.0f})", runs[ra].text, runs[ra].window, runs[rb].text,
                                runs[rb].window, a.Min.x, a.Min.y));
            }
    return out;
}

}  // namespace pagelab::ui
