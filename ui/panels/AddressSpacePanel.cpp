// A process's address space: the strip (AddressStrip.cpp) and the VMMap-style region table from
// VirtualQuery.
#include "App.h"
#include "panels/AddressSpace.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {


// VirtualQuery's Protect of memory that is not committed.
std::string protect_text(uint32_t protect) {
    return protect == 0 ? std::string(tr("0 (NT: a reserved page has no protection until it is committed)")) : mm::protection_name(protect);
}

const char* state_name(uint32_t s) {
    // VirtualQuery's State and Type, in the words of VMMap's columns.
    return s == mm::mem::kCommit ? tr("Commit") : s == mm::mem::kReserve ? tr("Reserve") : tr("Free");
}
const char* type_name(uint32_t t) {
    return t == mm::mem::kPrivate ? tr("Private") : t == mm::mem::kMapped ? tr("Mapped") : t == mm::mem::kImage ? tr("Image") : "";
}
std::string size_text(uint64_t bytes) {
    if (bytes % (1ull << 20) == 0 && bytes) return trf("{count} MB", "count"_a = bytes >> 20);
    return trf("{count} KB", "count"_a = (bytes + 1023) / 1024);
}

void region_table(App& app, uint16_t space) {
    const mm::MemoryManager& m = app.mm();
    const mm::AddressSpace& sp = m.space(space);
    UiState& st = app.state();
    const Derived& d = app.derived();
    const auto& pages = d.page_classes(space);
    struct Row {
        mm::MemoryBasicInformation q;
        uint32_t resident = 0;
    };
    std::vector<Row> rows;
    uint64_t va = 0;
    // win95: the shared arena's regions are listed too once there are any (every process sees them).
    const uint64_t end = sp.layout().shared_begin && !m.shared_vads().empty() ? sp.layout().shared_end : sp.layout().user_end;
    while (va < end) {
        mm::MemoryBasicInformation q;
        if (!m.virtual_query(space, uint32_t(va), q).ok || q.region_size == 0) break;
        Row r{q, 0};
        if (q.state != mm::mem::kFree) {
            for (uint32_t v = x86::vpn(q.base_address); v < (q.base_address + q.region_size) >> 12 && v < pages.size(); ++v)
                if (PageClass(pages[v]) == PageClass::Present || PageClass(pages[v]) == PageClass::Transition) ++r.resident;
        }
        rows.push_back(r);
        va = uint64_t(q.base_address) + q.region_size;
    }
    const uint32_t selected_va = (st.pde_index << 22) | (st.pte_index << 12);
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
    // A "View" column (mapping object + offset) once the process has a view.
    bool any_view = false;
    for (const mm::Vad* v : m.regions(space)) any_view |= v->type == mm::VadType::Mapped;
    if (!ImGui::BeginTable("##regions", any_view ? 8 : 7, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr("Address"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("Address"), ImGui::GetFontSize() * 5.6f));
    ImGui::TableSetupColumn(tr("Type"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("Type"), std::max({ImGui::GetFontSize() * 3.8f, ImGui::CalcTextSize(tr("Private")).x, ImGui::CalcTextSize(tr("Mapped")).x})));
    ImGui::TableSetupColumn(tr("Size"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("Size"), ImGui::GetFontSize() * 5.4f));
    ImGui::TableSetupColumn(tr("State"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("State"), std::max({ImGui::GetFontSize() * 3.6f, ImGui::CalcTextSize(tr("Commit")).x, ImGui::CalcTextSize(tr("Reserve")).x,
                                                                                       ImGui::CalcTextSize(tr("Free")).x})));
    ImGui::TableSetupColumn(tr("Protection"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(tr("Resident"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("Resident"), ImGui::GetFontSize() * 3.6f));
    ImGui::TableSetupColumn(tr("Allocation"), ImGuiTableColumnFlags_WidthStretch, 1.4f);
    if (any_view) ImGui::TableSetupColumn(tr("View"), ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(int(rows.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const Row& r = rows[size_t(i)];
            const auto& q = r.q;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const bool has_sel = st.entry_selected && st.space == space && selected_va >= q.base_address &&
                                 uint64_t(selected_va) < uint64_t(q.base_address) + q.region_size;
            ImGui::PushID(i);
            ImGui::PushFont(app.fonts().mono);
            if (ImGui::Selectable(fmt::format("{:08X}", q.base_address).c_str(), has_sel, ImGuiSelectableFlags_SpanAllColumns)) {
                app.select_page(space, q.base_address);
                zoom_strip_to_addresses(st, double(q.base_address), double(q.base_address) + double(q.region_size));
            }
            ImGui::PopFont();
            ImGui::PopID();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(type_name(q.type));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(size_text(q.region_size).c_str());
            ImGui::TableNextColumn();
            if (q.state == mm::mem::kFree) ImGui::TextDisabled("%s", tr("Free"));
            else ImGui::TextUnformatted(state_name(q.state));
            ImGui::TableNextColumn();
            // VirtualQuery's Protect for every state: reserved pages answer 0 under nt (NOACCESS under
            // win95), free memory NOACCESS; only committed pages' protection is one they obey.
            if (q.state == mm::mem::kCommit) {
                ImGui::TextUnformatted(mm::protection_name(q.protect).c_str());
            } else {
                ImGui::TextDisabled("%s", mm::protection_name(q.protect).c_str());
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s", (q.state == mm::mem::kFree ? trf("VirtualQuery's Protect for free memory: {protect}", "protect"_a = protect_text(q.protect))
                                                                       : trf("VirtualQuery's Protect for reserved memory: {protect}", "protect"_a = protect_text(q.protect)))
                                                .c_str());
            }
            ImGui::TableNextColumn();
            if (q.state != mm::mem::kFree) ImGui::Text("%u", r.resident);
            ImGui::TableNextColumn();
            if (q.state != mm::mem::kFree)
                ImGui::TextDisabled("%08X %s", q.allocation_base, mm::protection_name(q.allocation_protect).c_str());
            if (!any_view) continue;
            // A view: the mapping object it was mapped through, and where in the section this run starts.
            ImGui::TableNextColumn();
            if (q.type != mm::mem::kMapped) continue;
            if (const mm::Vad* v = m.vad_at(space, q.base_address); v && v->type == mm::VadType::Mapped) {
                const uint32_t off = v->offset_page + (x86::vpn(q.base_address) - v->start_vpn);
                const std::string name = v->mapping < m.mappings().size() && !m.mappings()[v->mapping].name.empty()
                                             ? m.mappings()[v->mapping].name
                                             : fmt::format("#{}", v->mapping);
                ImGui::TextUnformatted(fmt::format("{} +{:X}", name, uint64_t(off) << 12).c_str());
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", view_text(app, v->mapping, v->offset_page, v->section).c_str());
            }
        }
    }
    ImGui::EndTable();
    app.probe().value("regions.count", std::to_string(rows.size()));
}

}  // namespace

void draw_address_space_panel(App& app) {
    const PanelScope panel(app, PanelId::AddressSpace);
    if (!panel) return;
    const float views_w = ImGui::CalcTextSize(tr("All 4 GB")).x + ImGui::CalcTextSize(tr("Regions")).x +
                          ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x;
    // Quick views beside the process buttons: all 4 GB, or just the span of the regions.
    if (!process_selector_in_tab_row(app, "as", views_w, [&] {
            if (app.state().space == mm::kNoSpace) return;
            const auto regions = app.mm().regions(app.state().space);
            if (ImGui::Button(tr("All 4 GB"))) zoom_strip_to(app.state(), 0.0, 1.0, true);
            ImGui::SameLine();
            ImGui::BeginDisabled(regions.empty());
            if (ImGui::Button(tr("Regions")) && !regions.empty()) {
                const double lo = double(regions.front()->base());
                const auto& last = *regions.back();
                zoom_strip_to_addresses(app.state(), lo, double(last.base()) + double(last.size()));
            }
            ImGui::EndDisabled();
        })) {
        return;
    }
    const uint16_t space = app.state().space;
    const Palette& pal = app.colours();
    draw_address_strip(app, space);
    // The arenas are named on the strip; the legend names the regions' colours, on one line.
    legend({{pal.region[int(RegionClass::Private)], tr("private"), tr("A private region (VirtualAlloc).")},
            {pal.region[int(RegionClass::Mapped)], tr("mapped"), tr("A view of a section (MapViewOfFile of a data file or a pagefile-backed "
                                                                    "section): its pages are the section's, shared with every other view.")},
            {pal.region[int(RegionClass::Image)], tr("image"), tr("An EXE or DLL mapped as an image.")}});
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr(mm::personality_name(app.mm().space(space).personality())));
    ImGui::SameLine();
    help_marker(tr("Above the strip: the arenas. Top row: regions (VADs) by type, or the arena behind free space. Bottom row: the "
                   "state of the pages (colours as in the page tables); a pixel covering many pages shows the most telling state "
                   "among them. The scale is segmented: each region and arena gets room, addresses are even inside each. "
                   "Wheel zooms, dragging a range zooms onto it, right-drag pans, double-click zooms onto a region (again: all "
                   "4 GB), Esc goes back, click selects a page."));
    region_table(app, space);
}

}  // namespace pagelab::ui
