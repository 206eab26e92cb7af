// Compare A/B: a pinned moment A against the current moment B. Per process the regions whose
// VirtualQuery answer changed and every PDE/PTE that differs (old -> new, decoded), then frames,
// pagefile slots, objects and counters. Clicking a row selects its thing in the other panels.
#include "App.h"
#include "Moments.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;

namespace {

void header(App& app, MomentCompare& c) {
    const sim::Session& s = app.session();
    if (ImGui::Button(c.pinned() == s.cursor() ? tr("Unpin A") : tr("Pin A here"))) toggle_moment_a(app);
    app.probe().last_item("moments.pin");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("M: make the current moment A (again on A: unpin it)"));
    if (!c.pinned()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", tr("Pin a moment as A (M), move anywhere, and see what differs here."));
        return;
    }
    ImGui::SameLine();
    if (ImGui::Button(tr("Go to A"))) {
        app.set_running(false);
        app.seek_event(*c.pinned());
    }
    app.probe().last_item("moments.goto_a");
    ImGui::SameLine();
    if (ImGui::Button(tr("Clear"))) {
        c.clear();
        return;
    }
    const std::string a = sim::describe_moment(s, *c.pinned()), b = sim::describe_moment(s, s.cursor());
    ImGui::TextUnformatted(trf("A: {a}   B (now): {b}", "a"_a = a, "b"_a = b).c_str());
    app.probe().value("moments.a", a);
    app.probe().value("moments.b", b);
}

void row_line(App& app, MomentCompare& c, const CompareRow& r, size_t i) {
    const Palette& pal = app.colours();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (r.kind == CompareRow::Kind::Section) {
        ImGui::PushStyleColor(ImGuiCol_Text, pal.link);
        ImGui::TextUnformatted(r.item.c_str());
        ImGui::PopStyleColor();
        return;
    }
    ImGui::PushID(int(i));
    if (ImGui::Selectable(r.item.c_str(), c.selected == i, ImGuiSelectableFlags_SpanAllColumns)) {
        c.selected = i;
        select_compare_row(app, r);
    }
    app.probe().last_item(fmt::format("moments.row.{}", i));
    if (ImGui::IsItemHovered() && !r.a.empty()) ImGui::SetTooltip("%s\nA: %s\nB: %s", r.item.c_str(), r.a.c_str(), r.b.c_str());
    ImGui::TableNextColumn();
    ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
    ImGui::TextUnformatted(r.a.c_str());
    ImGui::PopStyleColor();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.b.c_str());
    ImGui::PopID();
}

}  // namespace

void draw_moments_panel(App& app) {
    const PanelScope panel(app, PanelId::Moments);
    if (!panel) return;
    MomentCompare& c = app.moments();
    header(app, c);
    if (!c.pinned()) return;
    const sim::Diff* d = c.diff(app.session());
    const auto& rows = c.rows(app.session());
    size_t items = 0;
    for (const CompareRow& r : rows) items += r.kind != CompareRow::Kind::Section;
    app.probe().value("moments.rows", std::to_string(items));
    if (d->empty()) {
        ImGui::TextDisabled("%s", tr("No difference between A and this moment."));
        return;
    }
    ImGui::TextDisabled("%s", trf("{regions} regions, {entries} entries, {frames} frames, {slots} slots differ  ({ms:.1f} ms)",
                                  "regions"_a = d->regions.size(), "entries"_a = d->entries.size(), "frames"_a = d->frames.size(),
                                  "slots"_a = d->slots.size(), "ms"_a = c.last_ms())
                                .c_str());
    // A and B share the width (long values are clipped; hover a row for all of it).
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV;
    if (!ImGui::BeginTable("##moments", 3, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::PushFont(app.fonts().mono);
    const float what = ImGui::CalcTextSize("PDE 000 (00000000)").x;
    ImGui::PopFont();
    ImGui::TableSetupColumn(tr("What"), ImGuiTableColumnFlags_WidthFixed, what);
    ImGui::TableSetupColumn("A", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(tr("B (now)"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    table_headers_row();
    ImGui::PushFont(app.fonts().mono);
    ImGuiListClipper clipper;
    clipper.Begin(int(rows.size()));
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) row_line(app, c, rows[size_t(i)], size_t(i));
    ImGui::PopFont();
    ImGui::EndTable();
}

}  // namespace pagelab::ui
