#include "widgets/Plot.h"

#include "i18n/I18n.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "imgui_internal.h"

namespace pagelab::ui {

int plot_lines(const char* id, const std::vector<PlotSeries>& series, double position, ImVec2 size, ImU32 background,
               const char* title, size_t shown) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    dl->AddRectFilled(p0, p1, background, 3.0f);
    const float lh = ImGui::GetTextLineHeight();
    // Title, then each series' name in its colour: the plot's legend.
    float tx = p0.x + 5;
    dl->AddText(ImVec2(tx, p0.y + 2), ImGui::GetColorU32(ImGuiCol_TextDisabled), title);
    tx += ImGui::CalcTextSize(title).x + 8;
    for (const auto& s : series) {
        const float w = ImGui::CalcTextSize(s.name.c_str()).x;
        if (tx + w > p1.x - 40) break;
        dl->AddText(ImVec2(tx, p0.y + 2), s.colour, s.name.c_str());
        tx += w + 8;
    }

    size_t n = 0;
    double vmax = 1;
    for (const auto& s : series) {
        n = std::max(n, s.values.size());
        for (size_t i = 0; i < s.values.size() && i < shown; ++i) vmax = std::max(vmax, s.values[i]);
    }
    const std::string top = fmt::format("{}", uint64_t(vmax));
    const float label_w = ImGui::CalcTextSize(top.c_str()).x + 6;
    const ImRect area(ImVec2(p0.x + label_w, p0.y + lh * 1.6f + 4), ImVec2(p1.x - 6, p1.y - 4));
    dl->AddText(ImVec2(p0.x + label_w - 6 - ImGui::CalcTextSize(top.c_str()).x, area.Min.y - lh * 0.5f),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), top.c_str());
    dl->AddText(ImVec2(p0.x + label_w - 6 - ImGui::CalcTextSize("0").x, area.Max.y - lh * 0.5f),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), "0");
    dl->AddLine(ImVec2(area.Min.x, area.Max.y), area.Max, IM_COL32(255, 255, 255, 40));
    dl->AddLine(area.Min, ImVec2(area.Max.x, area.Min.y), IM_COL32(255, 255, 255, 20));
    if (n < 1 || area.GetWidth() < 4 || area.GetHeight() < 4) return -1;
    auto x_of = [&](double i) { return area.Min.x + float(n > 1 ? i / double(n - 1) : 0.5) * area.GetWidth(); };
    auto y_of = [&](double v) { return area.Max.y - float(v / vmax) * area.GetHeight(); };

    // Step lines: each value holds from its boundary to the next.
    for (const auto& s : series) {
        if (s.values.empty()) continue;
        std::vector<ImVec2> pts;
        pts.reserve(s.values.size() * 2);
        for (size_t i = 0; i < s.values.size() && i < shown; ++i) {
            const float y = y_of(s.values[i]);
            if (i > 0) pts.push_back(ImVec2(x_of(double(i)), pts.back().y));
            pts.push_back(ImVec2(x_of(double(i)), y));
        }
        dl->AddPolyline(pts.data(), int(pts.size()), s.colour, 0, 2.0f);
    }
    if (shown < n) {
        const float hx = x_of(double(shown - 1));
        dl->AddRectFilled(ImVec2(hx + 1, area.Min.y), area.Max, IM_COL32(128, 128, 128, 28));
        const char* held = i18n::tr("? until you answer");
        if (area.Max.x - hx > ImGui::CalcTextSize(held).x + 8)
            dl->AddText(ImVec2(hx + 5, area.Max.y - lh - 2), ImGui::GetColorU32(ImGuiCol_TextDisabled), held);
    }
    const float cx = x_of(std::clamp(position, 0.0, double(n - 1)));
    dl->AddLine(ImVec2(cx, area.Min.y - 2), ImVec2(cx, area.Max.y + 2), IM_COL32(255, 255, 255, 200), 1.5f);

    int hovered_sample = -1;
    if (hovered && shown > 0) {
        const float mx = ImGui::GetIO().MousePos.x;
        hovered_sample = n > 1 ? int(std::lround((mx - area.Min.x) / area.GetWidth() * double(n - 1))) : 0;
        hovered_sample = std::clamp(hovered_sample, 0, int(std::min(n, shown)) - 1);
        const float hx = x_of(double(hovered_sample));
        dl->AddLine(ImVec2(hx, area.Min.y), ImVec2(hx, area.Max.y), IM_COL32(255, 255, 255, 70));
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(i18n::trf("after step {number}", fmt::arg("number", hovered_sample)).c_str());
        for (const auto& s : series) {
            if (size_t(hovered_sample) >= s.values.size()) continue;
            ImGui::PushStyleColor(ImGuiCol_Text, s.colour);
            ImGui::Text("%s: %g", s.name.c_str(), s.values[size_t(hovered_sample)]);
            ImGui::PopStyleColor();
        }
        ImGui::EndTooltip();
    }
    return hovered_sample;
}

}  // namespace pagelab::ui
