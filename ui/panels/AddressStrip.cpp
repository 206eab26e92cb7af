// The address-space strip: a process's 4 GB on a segmented scale (widgets/SegmentedScale.h) —
// the arenas named above it, regions (or the arena behind free space) in the upper row, page
// states in the lower, 0 / 2 GB / 3 GB / 4 GB and the regions' addresses under it. Wheel zooms
// about the mouse, dragging a range zooms onto it, right-drag pans, double-click zooms onto a
// region (or back to all 4 GB), Esc goes back one zoom.
#include "panels/AddressSpace.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "App.h"
#include "Moments.h"
#include "panels/Panels.h"
#include "i18n/I18n.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

constexpr double kFourGb = SegmentedScale::kFourGb;

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

// Where a label goes: centred on x, kept inside [0, width], dropped if it would overlap one
// already placed (labels are placed in order of importance).
struct Placed {
    float x0, x1;
};
bool place(std::vector<Placed>& placed, float& x, float tw, float width, float gap) {
    x = std::clamp(x - tw * 0.5f, 0.0f, std::max(0.0f, width - tw));
    if (tw > width) return false;
    for (const Placed& p : placed)
        if (x < p.x1 + gap && x + tw + gap > p.x0) return false;
    placed.push_back({x, x + tw});
    return true;
}

// The strip's scale: cut at the arenas and at every region's ends; a segment is at least ~7 px.
void build_scale(App& app, uint16_t space, float width) {
    const mm::Personality pers = app.mm().space(space).personality();
    std::vector<double> breaks;
    std::vector<std::pair<double, double>> wider;
    for (const ArenaSpan& a : arena_spans(pers)) {
        breaks.push_back(a.lo);
        if (a.min_px <= 0) continue;
        // Room for the shortest wording of its name at this font size.
        float need = a.min_px;
        for (const char* label : a.labels)
            if (label) need = std::max(a.min_px, ImGui::CalcTextSize(label).x + 10);
        wider.emplace_back(a.lo, need / std::max(1.0f, width));
    }
    breaks.push_back(2147483648.0);
    breaks.push_back(3221225472.0);
    for (const mm::Vad* v : app.mm().regions(space)) {
        breaks.push_back(double(v->base()));
        breaks.push_back(double(v->base()) + double(v->size()));
    }
    app.state().strip_scale.build(std::move(breaks), 7.0 / std::max(1.0f, width), wider);
}

void upload_texture(App& app, uint16_t space, int cols) {
    const UiState& st = app.state();
    const Derived& d = app.derived();
    const Palette& pal = app.colours();
    const auto& pages = d.page_classes(space);
    const auto& regions = d.region_classes(space);
    const mm::Personality pers = app.mm().space(space).personality();
    GlTexture& tex = app.texture(TextureId::Strip);
    const double lo = st.strip.lo(), hi = st.strip.hi();
    uint64_t lo_bits, hi_bits;
    std::memcpy(&lo_bits, &lo, 8);
    std::memcpy(&hi_bits, &hi, 8);
    if (!tex.needs_update(hash_key({d.tables_version(), space, uint64_t(cols), lo_bits, hi_bits, uint64_t(st.high_contrast),
                                    st.strip_scale.key()})))
        return;
    std::vector<ImU32> texels(size_t(cols) * 2);
    for (int x = 0; x < cols; ++x) {
        const double a = st.strip_scale.to_address(lo + (hi - lo) * x / cols);
        const double b = st.strip_scale.to_address(lo + (hi - lo) * (x + 1) / cols);
        const uint32_t mid = uint32_t(std::min((a + b) * 0.5, kFourGb - 1));
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
        texels[size_t(x)] = best_region ? pal.region[best_region] : pal.strip_arena(pers, arena_at(pers, mid));
        texels[size_t(cols + x)] = best_page == uint8_t(PageClass::Free) ? pal.grid_bg : pal.page[best_page];
    }
    tex.upload(cols, 2, texels, GlTexture::Filter::Nearest);
}

struct Geometry {
    ImVec2 p0;      // the strip's top left (below the arena band)
    float width = 0, height = 0, row0 = 0, band = 0;
    double px(const UiState& st, double address) const { return st.strip.to_px(st.strip_scale.to_u(address)); }
};

// The arenas named above the strip, each centred over its visible part, in the longest wording
// that fits; the probe records what was drawn ("user 2 GB@12-96|...").
void draw_arena_band(App& app, uint16_t space, const Geometry& g) {
    const UiState& st = app.state();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    std::string record;
    for (const ArenaSpan& a : arena_spans(app.mm().space(space).personality())) {
        const float x0 = float(std::max(0.0, g.px(st, a.lo))), x1 = float(std::min(double(g.width), g.px(st, a.hi)));
        if (x1 - x0 < 3) continue;
        const float y = g.p0.y - g.band;
        dl->AddLine(ImVec2(g.p0.x + x0 + 1, y + g.band - 2), ImVec2(g.p0.x + x1 - 1, y + g.band - 2), dim);
        dl->AddLine(ImVec2(g.p0.x + x0 + 1, y + g.band * 0.45f), ImVec2(g.p0.x + x0 + 1, y + g.band - 2), dim);
        dl->AddLine(ImVec2(g.p0.x + x1 - 1, y + g.band * 0.45f), ImVec2(g.p0.x + x1 - 1, y + g.band - 2), dim);
        for (const char* label : a.labels) {
            if (!label || !*label) break;
            const float tw = ImGui::CalcTextSize(label).x;
            if (tw + 6 > x1 - x0) continue;
            const float tx = g.p0.x + (x0 + x1 - tw) * 0.5f;
            const float th = ImGui::GetTextLineHeight();
            dl->AddRectFilled(ImVec2(tx - 3, y), ImVec2(tx + tw + 3, y + th), ImGui::GetColorU32(ImGuiCol_WindowBg));
            dl->AddText(ImVec2(tx, y), ink, label);
            record += fmt::format("{}{}@{:.0f}-{:.0f}", record.empty() ? "" : "|", label, tx - g.p0.x, tx + tw - g.p0.x);
            break;
        }
    }
    app.probe().value("strip.arenas", record);
}

// Under the strip: 0, 2 GB, 3 GB, 4 GB always (where visible), then the regions' bases, then
// even addresses when zoomed in; none overlaps another or leaves the strip.
void draw_ticks(App& app, uint16_t space, const Geometry& g) {
    const UiState& st = app.state();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 tick = ImGui::GetColorU32(ImGuiCol_TextDisabled), strong = ImGui::GetColorU32(ImGuiCol_Text);
    std::vector<std::pair<double, std::string>> marks = {{0.0, "0"}, {2147483648.0, tr("2 GB")}, {3221225472.0, tr("3 GB")}, {kFourGb, tr("4 GB")}};
    const size_t scale_marks = marks.size();
    for (const mm::Vad* v : app.mm().regions(space)) marks.emplace_back(double(v->base()), fmt::format("{:08X}", v->base()));
    const double lo = st.strip_scale.to_address(st.strip.lo()), hi = st.strip_scale.to_address(st.strip.hi());
    double step = 4096;
    while (step < (hi - lo) / std::max(1.0, g.width / 140.0)) step *= 2;
    if (hi - lo < 1 << 26)
        for (double a = std::ceil(lo / step) * step; a <= hi; a += step) marks.emplace_back(a, fmt::format("{:08X}", uint64_t(a)));
    ImGui::PushFont(app.fonts().mono);
    std::vector<Placed> placed;
    std::string record;
    const float y = g.p0.y + g.height + 6;
    for (size_t i = 0; i < marks.size(); ++i) {
        const double px = g.px(st, marks[i].first);
        if (px < -0.5 || px > g.width + 0.5) continue;
        const float x = g.p0.x + float(px);
        const bool major = i < scale_marks;
        dl->AddLine(ImVec2(x, g.p0.y + g.height), ImVec2(x, g.p0.y + g.height + (major ? 6 : 4)), major ? strong : tick);
        float tx = float(px);
        if (!place(placed, tx, ImGui::CalcTextSize(marks[i].second.c_str()).x, g.width, 8)) continue;
        dl->AddText(ImVec2(g.p0.x + tx, y), major ? strong : tick, marks[i].second.c_str());
        record += fmt::format("{}{}", record.empty() ? "" : "|", marks[i].second);
    }
    ImGui::PopFont();
    app.probe().value("strip.ticks", record);
}

// Each region's edges, its kind written inside when it fits, and a mark for one narrower than 3 px.
void draw_regions(App& app, uint16_t space, const Geometry& g) {
    const UiState& st = app.state();
    const Palette& pal = app.colours();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImGui::PushFont(app.fonts().mono);
    std::string record;
    for (const mm::Vad* vp : app.mm().regions(space)) {
        const double x0 = g.px(st, double(vp->base())), x1 = g.px(st, double(vp->base()) + double(vp->size()));
        if (x1 < -3 || x0 > g.width + 3) continue;
        const bool compat = vp == &mm::MemoryManager::compat_arena();
        const ImU32 fill = compat ? pal.strip_arena(app.mm().space(space).personality(), Arena::Compat) : pal.region[int(classify_vad(vp))];
        if (x1 - x0 < 3) {
            const float xm = g.p0.x + float((x0 + x1) * 0.5);
            dl->AddRectFilled(ImVec2(xm - 1.5f, g.p0.y), ImVec2(xm + 1.5f, g.p0.y + g.row0), fill);
        } else {
            const float a = g.p0.x + float(std::max(0.0, x0)), b = g.p0.x + float(std::min(double(g.width), x1));
            dl->AddLine(ImVec2(a, g.p0.y), ImVec2(a, g.p0.y + g.row0), pal.grid_bg);
            const char* kind = compat ? tr("compat") : tr(mm::vad_type_name(vp->type));
            const float tw = ImGui::CalcTextSize(kind).x;
            if (b - a > tw + 6 && g.row0 >= ImGui::GetTextLineHeight())
                dl->AddText(ImVec2((a + b - tw) * 0.5f, g.p0.y + (g.row0 - ImGui::GetTextLineHeight()) * 0.5f), text_on(fill), kind);
        }
        record += fmt::format("{}{:08X}@{:.1f}-{:.1f}", record.empty() ? "" : "|", vp->base(), x0, x1);
    }
    ImGui::PopFont();
    app.probe().value("strip.regions", record);
}

void strip_tooltip(App& app, uint16_t space, uint32_t va) {
    const mm::AddressSpace& sp = app.mm().space(space);
    ImGui::BeginTooltip();
    ImGui::PushFont(app.fonts().mono);
    ImGui::Text("0x%08X", va);
    ImGui::PopFont();
    ImGui::TextDisabled("%s", tr(mm::arena_name(sp.personality(), va)));
    if (const mm::Vad* v = app.mm().vad_at(space, va)) {
        ImGui::TextUnformatted(trf("region 0x{first:08X}-0x{last:08X} {type} {protection}", "first"_a = v->base(),
                                   "last"_a = v->base() + v->size() - 1, "type"_a = tr(mm::vad_type_name(v->type)),
                                   "protection"_a = mm::protection_name(v->allocation_protect)).c_str());
        if (v->type == mm::VadType::Mapped) {
            const uint32_t page = v->offset_page + (x86::vpn(va) - v->start_vpn);
            ImGui::TextDisabled("%s", trf("{view}; this page is section page {page}", "view"_a = view_text(app, v->mapping, v->offset_page, v->section),
                                          "page"_a = page).c_str());
        }
        if (!v->users.empty())
            ImGui::TextDisabled("%s", trf("shared arena: one mapping for every process, {count} using it", "count"_a = v->users.size()).c_str());
        if (v == &mm::MemoryManager::compat_arena())
            ImGui::TextDisabled("%s", tr("the system's memory, not protected: one page table (PDE 0) for every process"));
    }
    ImGui::TextUnformatted(trf("page: {state}", "state"_a = page_class_name(PageClass(app.derived().page_classes(space)[x86::vpn(va)]))).c_str());
    const auto info = app.mm().pte_info(space, va);
    if (info.table_present) ImGui::TextDisabled("PTE %08X: %s", info.pte, entry_summary(app.session(), info.pte, false).c_str());
    else ImGui::TextDisabled("%s", tr("no page table covers it"));
    ImGui::TextDisabled("%s", tr("The scale is segmented: every region and arena gets room; addresses are even inside each."));
    ImGui::TextDisabled("%s", tr("wheel: zoom   drag: zoom onto a range   right-drag: pan   double-click: the region (again: 4 GB)   Esc: back"));
    ImGui::EndTooltip();
}

// Wheel, drag a range, right-drag, click, double-click, Esc.
void strip_input(App& app, uint16_t space, const Geometry& g, bool hovered) {
    UiState& st = app.state();
    ImGuiIO& io = ImGui::GetIO();
    const float mx = std::clamp(io.MousePos.x - g.p0.x, 0.0f, g.width);
    const uint32_t hover_va = uint32_t(std::clamp(st.strip_scale.to_address(st.strip.to_value(mx)), 0.0, kFourGb - 1));
    if (hovered && io.MouseWheel != 0) st.strip.zoom_about(mx, std::pow(1.4, io.MouseWheel), 1e-6);
    if (hovered && ImGui::IsMouseDragging(ImGuiMouseButton_Right, 2.0f)) st.strip.pan_px(io.MouseDelta.x);
    if (ImGui::IsItemActivated()) st.strip_drag_from = mx;
    if (ImGui::IsItemActive() && st.strip_drag_from && std::abs(mx - *st.strip_drag_from) > 4) {
        const float a = std::min(mx, *st.strip_drag_from), b = std::max(mx, *st.strip_drag_from);
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(g.p0.x + a, g.p0.y), ImVec2(g.p0.x + b, g.p0.y + g.height), IM_COL32(255, 255, 255, 60));
    }
    if (ImGui::IsItemDeactivated() && st.strip_drag_from) {
        const float a = std::min(mx, *st.strip_drag_from), b = std::max(mx, *st.strip_drag_from);
        if (b - a > 4) zoom_strip_to(st, st.strip.to_value(a), st.strip.to_value(b), true);
        else app.select_page(space, hover_va);
        st.strip_drag_from.reset();
    }
    if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
        const mm::Vad* v = app.mm().vad_at(space, hover_va);
        // Onto the region under the mouse, unless the view is that close already: then all 4 GB.
        const double region_u = v ? st.strip_scale.to_u(double(v->base()) + v->size()) - st.strip_scale.to_u(v->base()) : 0.0;
        if (v && st.strip.hi() - st.strip.lo() > 2.0 * region_u)
            zoom_strip_to_addresses(st, double(v->base()), double(v->base()) + double(v->size()));
        else
            zoom_strip_to(st, 0.0, 1.0, true);
    }
    if (!st.strip_back.empty() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) && !io.WantTextInput &&
        !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) {
        st.strip.show_range(st.strip_back.back().first, st.strip_back.back().second, st.strip.width_px);
        st.strip_back.pop_back();
    }
    if (hovered && !ImGui::IsItemActive()) strip_tooltip(app, space, hover_va);
}

}  // namespace

std::vector<ArenaSpan> arena_spans(mm::Personality p) {
    const mm::Layout& l = mm::layout_of(p);
    if (p == mm::Personality::Nt)
        return {{0.0, double(l.null_trap_end), Arena::NullTrap, {tr("64 KB no access"), tr("64 KB"), "64K"}, 34},
                {double(l.null_trap_end), double(l.user_end), Arena::User, {tr("user 2 GB"), tr("user"), nullptr}},
                {double(l.user_end), double(l.system_begin), Arena::NullTrap, {tr("64 KB no access"), tr("64 KB"), "64K"}, 34},
                {double(l.system_begin), kFourGb, Arena::Kernel, {tr("system 2 GB"), tr("system"), nullptr}}};
    return {{0.0, double(l.null_trap_end), Arena::NullTrap, {tr("NULL 4 KB"), "NULL", nullptr}, 40},
            {double(l.null_trap_end), double(l.alloc_lowest), Arena::Compat, {tr("0-4 MB compatibility"), tr("0-4 MB"), tr("compat")}, 60},
            {double(l.alloc_lowest), double(l.shared_begin), Arena::User, {tr("4 MB-2 GB private"), tr("private"), nullptr}},
            {double(l.shared_begin), double(l.shared_end), Arena::Shared, {tr("2-3 GB shared"), tr("shared"), nullptr}},
            {double(l.system_begin), kFourGb, Arena::Kernel, {tr("3-4 GB system"), tr("system"), nullptr}}};
}

Arena arena_at(mm::Personality p, uint32_t va) {
    for (const ArenaSpan& a : arena_spans(p))
        if (double(va) >= a.lo && double(va) < a.hi) return a.tint;
    return Arena::Kernel;
}

void zoom_strip_to(UiState& st, double u_lo, double u_hi, bool remember) {
    if (remember) st.strip_back.emplace_back(st.strip.lo(), st.strip.hi());
    if (st.strip_back.size() > 32) st.strip_back.erase(st.strip_back.begin());
    st.strip.show_range(std::max(0.0, u_lo), std::min(1.0, u_hi), st.strip.width_px);
}

void zoom_strip_to_addresses(UiState& st, double lo, double hi) {
    // A quarter of the range on each side (at least 4 pages), measured in addresses: the strip's
    // units around a small region may stand for gigabytes.
    const double margin = std::max((hi - lo) * 0.25, 4.0 * 4096.0);
    zoom_strip_to(st, st.strip_scale.to_u(lo - margin), st.strip_scale.to_u(hi + margin), true);
}

void draw_address_strip(App& app, uint16_t space) {
    UiState& st = app.state();
    const auto& pages = app.derived().page_classes(space);
    Geometry g;
    g.width = std::floor(ImGui::GetContentRegionAvail().x);
    const float lh = ImGui::GetTextLineHeight();
    g.band = lh + 4;
    g.height = std::clamp(lh * 2.6f, 34.0f, 60.0f);
    g.row0 = std::floor(g.height * 0.5f);
    if (g.width < 32 || pages.empty()) return;
    build_scale(app, space, g.width);
    if (st.strip.width_px <= 0) st.strip.fit(g.width);
    else if (std::abs(st.strip.width_px - g.width) > 0.5) st.strip.show_range(st.strip.lo(), st.strip.hi(), g.width);
    upload_texture(app, space, std::min(4096, int(g.width)));

    ImGui::Dummy(ImVec2(g.width, g.band));
    g.p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##strip", ImVec2(g.width, g.height));
    app.probe().last_item("strip");
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const GlTexture& tex = app.texture(TextureId::Strip);
    dl->AddImage(tex.id(), g.p0, ImVec2(g.p0.x + g.width, g.p0.y + g.row0), ImVec2(0, 0), ImVec2(1, 0.5f));
    dl->AddImage(tex.id(), ImVec2(g.p0.x, g.p0.y + g.row0 + 1), ImVec2(g.p0.x + g.width, g.p0.y + g.height), ImVec2(0, 0.5f), ImVec2(1, 1));
    dl->AddRect(ImVec2(g.p0.x - 1, g.p0.y - 1), ImVec2(g.p0.x + g.width + 1, g.p0.y + g.height + 1), ImGui::GetColorU32(ImGuiCol_Border));
    draw_regions(app, space, g);

    // Markers: the selected page (white, below) and the last access (yellow, above).
    const Palette& pal = app.colours();
    auto marker = [&](uint32_t va, ImU32 colour, bool below) {
        const double x0 = g.px(st, double(va & ~0xFFFu)), x1 = g.px(st, double(va & ~0xFFFu) + 4096.0);
        if (x1 < 0 || x0 > g.width) return;
        const float xm = g.p0.x + float(std::clamp((x0 + x1) * 0.5, 0.0, double(g.width)));
        const float s = 6, y = below ? g.p0.y + g.height + 1 : g.p0.y - 1, d = below ? s + 1 : -s - 1;
        if (x1 - x0 >= 3) dl->AddRect(ImVec2(g.p0.x + float(x0), g.p0.y), ImVec2(g.p0.x + float(x1), g.p0.y + g.height), colour, 0, 0, 2);
        dl->AddTriangleFilled(ImVec2(xm, y), ImVec2(xm - s, y + d), ImVec2(xm + s, y + d), colour);
    };
    const auto& last = app.derived().last_access();
    if (last && last->space == space) marker(last->va, pal.link, false);
    if (st.entry_selected && st.space == space && st.entry_level == EntryLevel::Pte)
        marker((st.pde_index << 22) | (st.pte_index << 12), pal.selected, true);
    // Against moment A (ui/Moments.cpp): bars under the pages that differ.
    mark_strip_differences(app, space, [&](double address) { return g.px(st, address); }, g.p0, ImVec2(g.width, g.height));

    strip_input(app, space, g, hovered);
    draw_arena_band(app, space, g);
    draw_ticks(app, space, g);
    app.probe().value("strip.range", fmt::format("{:08X}-{:08X}", uint64_t(st.strip_scale.to_address(st.strip.lo())),
                                                  uint64_t(st.strip_scale.to_address(st.strip.hi()))));
    ImGui::Dummy(ImVec2(g.width, lh + 8));
}

}  // namespace pagelab::ui
