// Two processes side by side: every frame either one maps, one row per frame, with the left
// process's pages on the left and the right process's on the right. A frame both map is linked
// across the row — so pages that share a frame stay on one row, and a page that gets its own
// copy (copy-on-write) splits into two rows.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

std::string mapping_text(const Mapping& m) {
    switch (m.kind) {
        case Mapping::Kind::Pte: return fmt::format("{:08X}", m.va);
        case Mapping::Kind::TransitionPte: return trf("{va:08X} (transition)", "va"_a = m.va);
        case Mapping::Kind::Pde: return trf("table {va:08X}", "va"_a = m.va);
        case Mapping::Kind::Directory: return tr("directory");
        case Mapping::Kind::Prototype: return tr("prototype");
    }
    return "";
}

bool space_combo(App& app, const char* label, uint16_t& space) {
    const auto& procs = app.machine().processes();
    std::string current = space == mm::kNoSpace ? "-" : app.machine().space_name(space);
    bool changed = false;
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", label);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    if (ImGui::BeginCombo((std::string("##") + label).c_str(), current.c_str())) {
        for (const os::Process& p : procs)
            if (ImGui::Selectable(p.name.c_str(), p.space == space)) {
                space = p.space;
                changed = true;
            }
        ImGui::EndCombo();
    }
    return changed;
}

}  // namespace

namespace {

// One row per frame mapped by either process.
struct Row {
    uint32_t frame;
    std::vector<std::string> left, right;
    uint64_t order = ~uint64_t{0};  // pages by address first, so copies of one page sit together
};
struct Rows {
    std::vector<Row> rows;
    size_t shared = 0, only_left = 0, only_right = 0;
};

// Walks the reverse map (sorted by frame) once: cost grows with mappings, not with RAM.
Rows frame_rows(const Derived& d, uint16_t L, uint16_t R) {
    Rows out;
    const auto& maps = d.mappings();
    for (size_t i = 0; i < maps.size();) {
        const uint32_t f = d.mapping_frame(i);
        Row r{f, {}, {}};
        for (; i < maps.size() && d.mapping_frame(i) == f; ++i) {
            const Mapping& mp = maps[i];
            if (mp.space != L && mp.space != R) continue;
            (mp.space == L ? r.left : r.right).push_back(mapping_text(mp));
            const bool page = mp.kind == Mapping::Kind::Pte || mp.kind == Mapping::Kind::TransitionPte;
            r.order = std::min(r.order, (page ? 0 : (uint64_t(1) << 40)) | (uint64_t(mp.va) << 4) | (mp.space == L ? 0u : 1u));
        }
        if (r.left.empty() && r.right.empty()) continue;
        if (!r.left.empty() && !r.right.empty()) ++out.shared;
        else if (!r.left.empty()) ++out.only_left;
        else ++out.only_right;
        out.rows.push_back(std::move(r));
    }
    std::stable_sort(out.rows.begin(), out.rows.end(), [](const Row& a, const Row& b) { return a.order < b.order; });
    return out;
}

// A row: the left process's pages, a line to the frame's chip, the right process's pages.
void draw_row(App& app, const Row& r, float mid, float chip_w, float lh) {
    const Palette& pal = app.colours();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float cy = p.y + lh * 0.5f;
    const float cx = p.x + mid;
    const bool both = !r.left.empty() && !r.right.empty();
    std::string lt, rt;
    for (const auto& s : r.left) lt += (lt.empty() ? "" : ", ") + s;
    for (const auto& s : r.right) rt += (rt.empty() ? "" : ", ") + s;
    const ImU32 line = both ? pal.link : (pal.text_dim & 0x00FFFFFF) | 0x80000000;
    const float thick = both ? 2.5f : 1.0f;
    if (!lt.empty()) {
        const float tw = ImGui::CalcTextSize(lt.c_str()).x;
        const float tx = cx - chip_w * 0.5f - 20 - tw;
        dl->AddText(ImVec2(tx, cy - ImGui::GetTextLineHeight() * 0.5f), pal.text, lt.c_str());
        dl->AddLine(ImVec2(cx - chip_w * 0.5f - 16, cy), ImVec2(cx - chip_w * 0.5f, cy), line, thick);
    }
    if (!rt.empty()) {
        const float tx = cx + chip_w * 0.5f + 20;
        dl->AddText(ImVec2(tx, cy - ImGui::GetTextLineHeight() * 0.5f), pal.text, rt.c_str());
        dl->AddLine(ImVec2(cx + chip_w * 0.5f, cy), ImVec2(cx + chip_w * 0.5f + 16, cy), line, thick);
    }
    const ImU32 fc = frame_colour(app, r.frame);
    const ImVec2 a(cx - chip_w * 0.5f, p.y + 1), z(cx + chip_w * 0.5f, p.y + lh - 1);
    dl->AddRectFilled(a, z, fc, 3.0f);
    if (both) dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(z.x + 1, z.y + 1), pal.link, 3.0f, 0, 2.0f);
    const std::string ft = fmt::format("0x{:X}", r.frame);
    const float fw = ImGui::CalcTextSize(ft.c_str()).x;
    dl->AddText(ImVec2(cx - fw * 0.5f, cy - ImGui::GetTextLineHeight() * 0.5f), text_on(fc), ft.c_str());
}

}  // namespace

void draw_compare_panel(App& app) {
    const PanelScope panel(app, PanelId::Compare);
    if (!panel) return;
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const mm::MemoryManager& m = app.mm();
    space_combo(app, tr("Left"), st.compare_left);
    ImGui::SameLine(0, ImGui::GetFontSize());
    space_combo(app, tr("Right"), st.compare_right);
    auto alive = [&](uint16_t s) { return s != mm::kNoSpace && s < m.spaces().size() && m.space(s).alive(); };
    if (!alive(st.compare_left) || !alive(st.compare_right) || st.compare_left == st.compare_right) {
        ImGui::TextDisabled("%s", tr("Choose two different processes that exist at this point of the lesson."));
        return;
    }
    const uint16_t L = st.compare_left, R = st.compare_right;
    const Derived& d = app.derived();

    const Rows all = frame_rows(d, L, R);
    const std::vector<Row>& rows = all.rows;
    const size_t shared = all.shared, only_left = all.only_left, only_right = all.only_right;
    ImGui::SameLine(0, ImGui::GetFontSize());
    text_coloured(pal.link, trf("{count} shared", "count"_a = shared));
    ImGui::SameLine();
    ImGui::TextDisabled("| %s | %s", trf("{count} only in {process}", "count"_a = only_left, "process"_a = app.machine().space_name(L)).c_str(),
                        trf("{count} only in {process}", "count"_a = only_right, "process"_a = app.machine().space_name(R)).c_str());
    app.probe().value("compare.shared", std::to_string(shared));

    const float w = ImGui::GetContentRegionAvail().x;
    const float mid = w * 0.5f;
    const float chip_w = ImGui::GetFontSize() * 5.5f;
    ImGui::PushFont(app.fonts().bold);
    const std::string ln = app.machine().space_name(L), rn = app.machine().space_name(R);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + mid - chip_w * 0.5f - ImGui::CalcTextSize(ln.c_str()).x - 20);
    ImGui::TextUnformatted(ln.c_str());
    ImGui::SameLine(mid - ImGui::CalcTextSize(tr("frame")).x * 0.5f + ImGui::GetStyle().WindowPadding.x);
    ImGui::TextUnformatted(tr("frame"));
    ImGui::SameLine(mid + chip_w * 0.5f + 20 + ImGui::GetStyle().WindowPadding.x);
    ImGui::TextUnformatted(rn.c_str());
    ImGui::PopFont();

    ImGui::BeginChild("##rows", ImVec2(0, 0), false);
    const float lh = ImGui::GetTextLineHeightWithSpacing() + 2;
    ImGuiListClipper clipper;
    clipper.Begin(int(rows.size()), lh);
    ImGui::PushFont(app.fonts().mono);
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            draw_row(app, rows[size_t(i)], mid, chip_w, lh);
            const Row& r = rows[size_t(i)];
            ImGui::PushID(i);
            ImGui::InvisibleButton("##row", ImVec2(w, lh));
            if (ImGui::IsItemHovered()) frame_tooltip(app, r.frame);
            if (ImGui::IsItemClicked()) app.open_frame(r.frame);
            ImGui::PopID();
        }
    }
    ImGui::PopFont();
    ImGui::EndChild();
}

}  // namespace pagelab::ui
