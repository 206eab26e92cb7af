// A process's 4 GB address space as a zoomable strip (regions and arenas above, page states
// below, one texel column per pixel computed from the cached page classes) and the VMMap-style
// region table from VirtualQuery.
#include "App.h"
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

constexpr double kFourGb = 4294967296.0;

// Which class wins a pixel that covers many pages: the rarer, more telling state.
int page_priority(uint8_t c) {
    switch (PageClass(c)) {
        case PageClass::Present: return 8;
        case PageClass::Transition: return 7;
        case PageClass::Pagefile: return 6;
        case PageClass::Prototype: return 5;
        case PageClass::DemandZero: return 4;
        case PageClass::Reserved: return 3;
        case PageClass::System: return 2;
        default: return 0;
    }
}

const char* state_name(uint32_t s) {
    // VirtualQuery's State and Type, in the words of VMMap's columns.
    return s == mm::mem::kCommit ? tr("Commit") : s == mm::mem::kReserve ? tr("Reserve") : tr("Free");
}
const char* type_name(uint32_t t) {
    return t == mm::mem::kPrivate ? tr("Private") : t == mm::mem::kMapped ? tr("Mapped") : t == mm::mem::kImage ? tr("Image") : "";
}
std::string size_text(uint64_t bytes) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 20) == 0) return trf("{count} MB", "count"_a = bytes >> 20);
    if (bytes % (1ull << 20) == 0 && bytes) return trf("{count} MB", "count"_a = bytes >> 20);
    return trf("{count} KB", "count"_a = (bytes + 1023) / 1024);
}

double nice_step(double span, double width_px) {
    const double target = span / std::max(1.0, width_px / 120.0);
    double step = 4096;
    while (step < target) step *= 2;
    return step;
}

void draw_strip(App& app, uint16_t space) {
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const Derived& d = app.derived();
    const auto& pages = d.page_classes(space);
    const auto& regions = d.region_classes(space);
    const mm::AddressSpace& sp = app.mm().space(space);
    const float width = std::floor(ImGui::GetContentRegionAvail().x);
    const float lh = ImGui::GetTextLineHeight();
    const float height = std::clamp(lh * 2.8f, 36.0f, 48.0f);
    if (width < 32 || pages.empty()) return;
    ZoomView& view = st.strip;
    if (view.width_px <= 0) view.fit(width);
    else if (std::abs(view.width_px - width) > 0.5) view.show_range(view.lo(), view.hi(), width);

    // The strip: row 0 regions (or the arena behind free space), row 1 page states.
    const int cols = std::min(4096, int(width));
    GlTexture& tex = app.texture(TextureId::Strip);
    const double lo = view.lo(), hi = view.hi();
    uint64_t lo_bits, hi_bits;
    std::memcpy(&lo_bits, &lo, 8);
    std::memcpy(&hi_bits, &hi, 8);
    if (tex.needs_update(hash_key({d.tables_version(), space, uint64_t(cols), lo_bits, hi_bits, uint64_t(st.high_contrast)}))) {
        std::vector<ImU32> texels(size_t(cols) * 2);
        for (int x = 0; x < cols; ++x) {
            const double a = lo + (hi - lo) * x / cols, b = lo + (hi - lo) * (x + 1) / cols;
            const uint32_t va = uint32_t(std::min(a, kFourGb - 1));
            uint32_t v0 = uint32_t(a / 4096.0);
            uint32_t v1 = std::max(v0 + 1, uint32_t(std::min(std::ceil(b / 4096.0), 1048576.0)));
            v0 = std::min(v0, 1048575u);
            uint8_t best_region = 0, best_page = 0;
            int best_prio = -1;
            for (uint32_t v = v0; v < v1; ++v) {
                best_region = std::max(best_region, regions[v]);
                const int pr = page_priority(pages[v]);
                if (pr > best_prio) {
                    best_prio = pr;
                    best_page = pages[v];
                }
            }
            texels[size_t(x)] = best_region ? pal.region[best_region] : pal.arena[int(arena_of(sp.personality(), va))];
            texels[size_t(cols + x)] = best_page == uint8_t(PageClass::Free) ? pal.grid_bg : pal.page[best_page];
        }
        tex.upload(cols, 2, texels, GlTexture::Filter::Nearest);
    }

    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##strip", ImVec2(width, height));
    app.probe().last_item("strip");
    const bool hovered = ImGui::IsItemHovered();
    ImGuiIO& io = ImGui::GetIO();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float row0 = std::floor(height * 0.42f);
    dl->AddImage(tex.id(), p0, ImVec2(p0.x + width, p0.y + row0), ImVec2(0, 0), ImVec2(1, 0.5f));
    dl->AddImage(tex.id(), ImVec2(p0.x, p0.y + row0 + 1), ImVec2(p0.x + width, p0.y + height), ImVec2(0, 0.5f), ImVec2(1, 1));
    dl->AddRect(ImVec2(p0.x - 1, p0.y - 1), ImVec2(p0.x + width + 1, p0.y + height + 1), ImGui::GetColorU32(ImGuiCol_Border));

    // Regions narrower than a few pixels at this zoom still get a visible mark.
    for (const mm::Vad* vp : app.mm().regions(space)) {
        const mm::Vad& vad = *vp;
        const double x0 = view.to_px(double(vad.base())), x1 = view.to_px(double(vad.base()) + double(vad.size()));
        if (x1 < -3 || x0 > width + 3 || x1 - x0 >= 3) continue;
        const float xm = p0.x + float((x0 + x1) * 0.5);
        dl->AddRectFilled(ImVec2(xm - 1.5f, p0.y), ImVec2(xm + 1.5f, p0.y + row0), pal.region[int(classify_vad(&vad))]);
    }

    // Markers: the selected page (white) and the last access (yellow).
    auto marker = [&](uint32_t va, ImU32 colour, bool below) {
        const double x0 = view.to_px(double(va & ~0xFFFu)), x1 = view.to_px(double(va & ~0xFFFu) + 4096.0);
        if (x1 < 0 || x0 > width) return;
        const float xm = p0.x + float(std::clamp((x0 + x1) * 0.5, 0.0, double(width)));
        const float s = 6;
        if (x1 - x0 >= 3) dl->AddRect(ImVec2(p0.x + float(x0), p0.y), ImVec2(p0.x + float(x1), p0.y + height), colour, 0, 0, 2);
        if (below) dl->AddTriangleFilled(ImVec2(xm, p0.y + height + 1), ImVec2(xm - s, p0.y + height + s + 2), ImVec2(xm + s, p0.y + height + s + 2), colour);
        else dl->AddTriangleFilled(ImVec2(xm, p0.y - 1), ImVec2(xm - s, p0.y - s - 2), ImVec2(xm + s, p0.y - s - 2), colour);
    };
    if (d.last_access() && d.last_access()->space == space) marker(d.last_access()->va, pal.link, false);
    if (st.entry_selected && st.space == space && st.entry_level == EntryLevel::Pte)
        marker((st.pde_index << 22) | (st.pte_index << 12), pal.selected, true);

    // Zoom and pan.
    if (hovered && io.MouseWheel != 0) view.zoom_about(io.MousePos.x - p0.x, std::pow(1.4, io.MouseWheel), 16.0 * 4096.0);
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 3.0f)) view.pan_px(io.MouseDelta.x);
    if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) view.fit(width);
    const uint32_t hover_va = uint32_t(std::clamp(view.to_value(io.MousePos.x - p0.x), 0.0, kFourGb - 1));
    if (ImGui::IsItemDeactivated() && io.MouseDragMaxDistanceSqr[0] < 16.0f) app.select_page(space, hover_va);
    if (hovered && !ImGui::IsItemActive()) {
        ImGui::BeginTooltip();
        ImGui::PushFont(app.fonts().mono);
        ImGui::Text("0x%08X", hover_va);
        ImGui::PopFont();
        ImGui::TextDisabled("%s", tr(mm::arena_name(sp.personality(), hover_va)));
        if (const mm::Vad* v = app.mm().vad_at(space, hover_va)) {
            ImGui::TextUnformatted(trf("region 0x{first:08X}-0x{last:08X} {type} {protection}", "first"_a = v->base(),
                                       "last"_a = v->base() + v->size() - 1, "type"_a = tr(mm::vad_type_name(v->type)),
                                       "protection"_a = mm::protection_name(v->allocation_protect)).c_str());
            if (v->type == mm::VadType::Mapped) {
                const uint32_t page = v->offset_page + (x86::vpn(hover_va) - v->start_vpn);
                ImGui::TextDisabled("%s", trf("{view}; this page is section page {page}", "view"_a = view_text(app, v->mapping, v->offset_page, v->section),
                                              "page"_a = page).c_str());
            }
            if (!v->users.empty())
                ImGui::TextDisabled("%s", trf("shared arena: one mapping for every process, {count} using it", "count"_a = v->users.size()).c_str());
            if (v == &mm::MemoryManager::compat_arena())
                ImGui::TextDisabled("%s", tr("the system's memory, not protected: one page table (PDE 0) for every process"));
        }
        const auto pc = PageClass(pages[x86::vpn(hover_va)]);
        ImGui::TextUnformatted(trf("page: {state}", "state"_a = page_class_name(pc)).c_str());
        const auto info = app.mm().pte_info(space, hover_va);
        if (info.table_present) ImGui::TextDisabled("PTE %08X: %s", info.pte, entry_summary(app.session(), info.pte, false).c_str());
        else ImGui::TextDisabled("%s", tr("no page table covers it"));
        ImGui::TextDisabled("%s", tr("wheel: zoom   drag: pan   double-click: whole 4 GB   click: select"));
        ImGui::EndTooltip();
    }

    // Address ticks under the strip.
    const double step = nice_step(hi - lo, width);
    const ImU32 tick = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    ImGui::PushFont(app.fonts().mono);
    const float tick_y = p0.y + height + 8;
    for (double a = std::ceil(lo / step) * step; a <= hi; a += step) {
        const float x = p0.x + float(view.to_px(a));
        dl->AddLine(ImVec2(x, p0.y + height), ImVec2(x, p0.y + height + 4), tick);
        const std::string t = a >= kFourGb ? std::string("4 GB") : fmt::format("{:08X}", uint64_t(a));
        const float tw = ImGui::CalcTextSize(t.c_str()).x;
        if (x + tw * 0.5f < p0.x + width && x - tw * 0.5f > p0.x) dl->AddText(ImVec2(x - tw * 0.5f, tick_y), tick, t.c_str());
    }
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(width, lh + 10));
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
    ImGui::TableSetupColumn(tr("Type"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("Type"), ImGui::GetFontSize() * 3.8f));
    ImGui::TableSetupColumn(tr("Size"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("Size"), ImGui::GetFontSize() * 5.4f));
    ImGui::TableSetupColumn(tr("State"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("State"), ImGui::GetFontSize() * 3.6f));
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
                const double span = std::max(double(q.region_size), 16.0 * 4096.0);
                st.strip.show_range(std::max(0.0, double(q.base_address) - span * 0.25),
                                    std::min(kFourGb, double(q.base_address) + span * 1.25), st.strip.width_px);
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
            if (ImGui::Button(tr("All 4 GB"))) app.state().strip.fit(app.state().strip.width_px);
            ImGui::SameLine();
            ImGui::BeginDisabled(regions.empty());
            if (ImGui::Button(tr("Regions")) && !regions.empty()) {
                const double lo = double(regions.front()->base());
                const auto& last = *regions.back();
                const double hi = double(last.base()) + double(last.size());
                const double margin = std::max((hi - lo) * 0.1, 8.0 * 4096.0);
                app.state().strip.show_range(std::max(0.0, lo - margin), std::min(kFourGb, hi + margin), app.state().strip.width_px);
            }
            ImGui::EndDisabled();
        })) {
        return;
    }
    const uint16_t space = app.state().space;
    const Palette& pal = app.colours();
    ImGui::Dummy(ImVec2(1, 2));
    draw_strip(app, space);
    // A short panel gives the room to the region table; the (?) explains the colours anyway.
    const bool room = ImGui::GetContentRegionAvail().y > ImGui::GetTextLineHeightWithSpacing() * 6;
    const bool win95 = app.mm().space(space).personality() == mm::Personality::Win95;
    std::vector<LegendItem> items = {
        {pal.region[int(RegionClass::Private)], tr("private"), tr("A private region (VirtualAlloc).")},
        {pal.region[int(RegionClass::Mapped)], tr("mapped"), tr("A view of a section (MapViewOfFile of a data file or a pagefile-backed "
                                                          "section): its pages are the section's, shared with every other view.")},
        {pal.region[int(RegionClass::Image)], tr("image"), tr("An EXE or DLL mapped as an image.")},
        {pal.arena[int(Arena::NullTrap)], tr("NULL trap"), tr("Accesses here trap as NULL-pointer dereferences.")},
    };
    if (win95) {
        items.push_back({pal.arena[int(Arena::Compat)], tr("compat"), tr("MS-DOS / 16-bit compatibility arena (4 KB - 4 MB): the system's "
                                                                 "memory, not protected, the same in every process.")});
        items.push_back({pal.arena[int(Arena::User)], tr("private arena"), tr("4 MB - 2 GB: per-process memory.")});
        items.push_back({pal.arena[int(Arena::Shared)], tr("shared arena"), tr("2-3 GB: mapped files and system DLLs, the same in every process.")});
        items.push_back({pal.arena[int(Arena::Kernel)], tr("system arena"), tr("3-4 GB: the VMM, not protected from applications.")});
    } else {
        items.push_back({pal.arena[int(Arena::User)], tr("user space"), tr("0x00010000 - 0x7FFEFFFF.")});
        items.push_back({pal.arena[int(Arena::Kernel)], tr("kernel"), tr("The top 2 GB: user-mode accesses fault.")});
    }
    if (room) {
        legend(items);
        ImGui::SameLine();
        ImGui::TextDisabled("%s", tr(mm::personality_name(app.mm().space(space).personality())));
        ImGui::SameLine();
        help_marker(tr("Top row: regions (VADs) by type, or the arena behind free space. Bottom row: the state of the pages "
                       "(colours as in the page tables); a pixel covering many pages shows the most telling state among them. "
                       "Wheel zooms, drag pans, double-click shows all 4 GB, click selects a page."));
    }
    region_table(app, space);
}

}  // namespace pagelab::ui
