// The selected process's page directory and one of its page tables, each as a 32 x 32 grid of
// entries coloured by what they say, outlined when the current step changed them. Clicking a PDE
// shows its page table; clicking a PTE selects that page for the decoder, the walk and the frame.
// When the panel is too small for readable cells (classroom fonts, a projector), each grid shows
// the band of entries around its selection instead of all 1024 ("whole tables" shows them all).
#include "App.h"
#include "panels/Panels.h"
#include "widgets/EntryGrid.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

ImU32 pde_colour(App& app, const mm::AddressSpace& sp, uint32_t d, x86::Pte pde) {
    const Palette& pal = app.colours();
    const mm::MemoryManager& m = app.mm();
    if (pde.present()) {
        if (pde.frame() == sp.page_directory()) return pal.frame[int(FrameClass::PageDirectory)];  // the self-map
        if (pde.frame() < m.pfn().size() && m.pfn()[pde.frame()].owner == mm::kNoSpace) return pal.page_table_shared;
        return pal.frame[int(FrameClass::PageTable)];
    }
    const uint32_t vpn = d << 10;
    const mm::Vad* next = m.in_shared_arena(sp.id(), vpn << 12) ? mm::next_vad_in(m.shared_vads(), vpn) : sp.next_vad(vpn);
    if (m.vad_at(sp.id(), vpn << 12) || (next && next->start_vpn < vpn + kTableEntries)) return pal.pde_region;
    return pal.arena[int(arena_of(sp.personality(), (d << 22) + 0x200000))];  // the middle of its 4 MB
}

std::vector<LegendItem> legend_items(const Palette& pal) {
    std::vector<LegendItem> items;
    for (PageClass c : {PageClass::Present, PageClass::DemandZero, PageClass::Pagefile, PageClass::Transition, PageClass::Prototype,
                        PageClass::Reserved, PageClass::System, PageClass::Free})
        items.push_back({pal.page[int(c)], page_class_name(c), page_class_help(c)});
    items.push_back({pal.frame[int(FrameClass::PageTable)], tr("page table"), tr("A present PDE: its page table is in that frame.")});
    items.push_back({pal.page_table_shared, tr("shared table"), tr("A page table every page directory points at (kernel / system arena).")});
    items.push_back({pal.pde_region, tr("no table yet"), tr("No page table yet, but a region lies in these 4 MB: the first access makes one.")});
    items.push_back({pal.changed, tr("changed now"), tr("Written by the current step (or event, when stepping single events)."), true});
    items.push_back({pal.selected, tr("selected"), tr("The entry shown in the decoder."), true});
    items.push_back({IM_COL32(255, 255, 255, 230), tr("dot: last access"), tr("The entries the last access walked through.")});
    return items;
}

// --- layout --------------------------------------------------------------------------------------

enum class LegendPlace : uint8_t { Below, Right, Tooltip };

struct GridsLayout {
    float cell = 3;
    float label_w = 0;       // row labels left of each grid
    float grid_w = 0;        // labels + cells
    float gap = 0;           // between the two grids
    uint32_t cols = 32, rows = 32;  // the window each grid shows
    LegendPlace legend = LegendPlace::Below;
    float legend_right_h = 0;
};

// Two grids side by side under a title line, with the colour key below them, in a column on their
// right, or (when big fonts leave the grids too small) in a tooltip. Cells below `min_cell`
// make each grid show a band of 16 columns instead of all 32, as many rows as fit.
GridsLayout plan_grids(const std::vector<LegendItem>& items, ImVec2 avail, float min_cell, bool allow_zoom) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float lh = ImGui::GetTextLineHeightWithSpacing();
    GridsLayout g;
    g.gap = ImGui::GetFontSize() * 1.2f;
    const float label_full = ImGui::CalcTextSize("000").x + style.ItemInnerSpacing.x;
    float legend_col_w = 0;
    for (const LegendItem& it : items)
        legend_col_w = std::max(legend_col_w, ImGui::GetTextLineHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(it.label.c_str()).x);
    legend_col_w += g.gap;
    auto fit = [&](float width, float height, uint32_t cols, uint32_t rows, float& label_w) {
        label_w = label_full;
        float c = std::floor(std::min((width - g.gap - 2 * label_w) / float(2 * cols), (height - lh) / float(rows)));
        if (c < 7) {
            label_w = 0;
            c = std::floor(std::min((width - g.gap) / float(2 * cols), (height - lh) / float(rows)));
        }
        return std::max(c, 3.0f);
    };
    auto place = [&](uint32_t cols, uint32_t rows, GridsLayout& out) {
        float label_below = 0, label_right = 0, label_none = 0;
        const float below_h = legend_height(items, avail.x) + style.ItemSpacing.y * 2;
        const float cell_below = fit(avail.x, avail.y - below_h, cols, rows, label_below);
        const float cell_right = fit(avail.x - legend_col_w, avail.y, cols, rows, label_right);
        const float cell_none = fit(avail.x, avail.y, cols, rows, label_none);
        out.legend_right_h = float(items.size()) * lh;
        if (cell_right > cell_below && out.legend_right_h <= avail.y) {
            out.legend = LegendPlace::Right;
            out.cell = cell_right, out.label_w = label_right;
        } else if (cell_below < std::max(8.0f, min_cell) && cell_none >= cell_below + 2) {
            out.legend = LegendPlace::Tooltip;  // the key moves into a tooltip rather than squeeze the grids
            out.cell = cell_none, out.label_w = label_none;
        } else {
            out.legend = LegendPlace::Below;
            out.cell = cell_below, out.label_w = label_below;
        }
        out.cols = cols, out.rows = rows;
    };
    place(32, 32, g);
    if (allow_zoom && g.cell < min_cell) {
        // Half the columns, and as many rows as fit at the larger cell (at least a quarter of the table).
        GridsLayout z = g;
        const float width_cell = std::floor((avail.x - g.gap - 2 * label_full) / 32.0f);
        const float cell = std::max(min_cell, std::min(width_cell, std::floor((avail.y - lh) / 8.0f)));
        const uint32_t rows = uint32_t(std::clamp((avail.y - lh) / cell, 8.0f, 32.0f));
        place(16, rows, z);
        if (z.cell > g.cell * 1.3f) g = z;
    }
    g.grid_w = g.label_w + g.cell * float(g.cols);
    return g;
}

// --- tooltips ------------------------------------------------------------------------------------

void pde_tooltip(App& app, const mm::AddressSpace& sp, uint32_t i) {
    const uint32_t pa = sp.cr3() + i * 4;
    const uint32_t e = app.mm().ram().read_u32(pa);
    ImGui::BeginTooltip();
    ImGui::PushFont(app.fonts().mono);
    ImGui::TextUnformatted(trf("PDE {index:03X} at pa {pa:08X} = {value:08X}", "index"_a = i, "pa"_a = pa, "value"_a = e).c_str());
    ImGui::PopFont();
    ImGui::TextUnformatted(trf("covers {first:08X}-{last:08X} ({arena})", "first"_a = i << 22, "last"_a = (i << 22) | 0x3FFFFF,
                               "arena"_a = tr(mm::arena_name(sp.personality(), i << 22))).c_str());
    ImGui::TextUnformatted(entry_summary(app.session(), e, true).c_str());
    if (const WordChange* wc = app.derived().changes().word(pa))
        text_coloured(app.colours().changed, trf("changed: {before:08X} -> {after:08X}", "before"_a = wc->before, "after"_a = wc->after));
    ImGui::TextDisabled("%s", tr("click: show its page table and decode it"));
    ImGui::EndTooltip();
}

void pte_tooltip(App& app, uint16_t space, uint32_t table_frame, uint32_t pd, uint32_t i) {
    const mm::MemoryManager& m = app.mm();
    const uint32_t pa = (table_frame << 12) + i * 4;
    const uint32_t e = m.ram().read_u32(pa);
    const uint32_t va = (pd << 22) | (i << 12);
    const mm::Vad* vad = m.vad_at(space, va);
    ImGui::BeginTooltip();
    ImGui::PushFont(app.fonts().mono);
    ImGui::TextUnformatted(trf("PTE {index:03X} at pa {pa:08X} = {value:08X}", "index"_a = i, "pa"_a = pa, "value"_a = e).c_str());
    ImGui::PopFont();
    ImGui::TextUnformatted(trf("page {first:08X}-{last:08X}: {state}", "first"_a = va, "last"_a = va | 0xFFF,
                               "state"_a = page_class_name(classify_pte(e, vad, m, x86::vpn(va)))).c_str());
    ImGui::TextUnformatted(entry_summary(app.session(), e, false).c_str());
    if (vad)
        ImGui::TextDisabled("%s", trf("region {first:08X}-{last:08X} {type}", "first"_a = vad->base(), "last"_a = vad->base() + vad->size() - 1,
                                      "type"_a = tr(mm::vad_type_name(vad->type))).c_str());
    if (vad && vad->type == mm::VadType::Mapped) {
        ImGui::TextDisabled("%s", view_text(app, vad->mapping, vad->offset_page, vad->section).c_str());
        if (e == 0) ImGui::TextDisabled("%s", tr("zero PTE in a view: ask the VAD, then the section's prototype PTE"));
    }
    if (const WordChange* wc = app.derived().changes().word(pa))
        text_coloured(app.colours().changed, trf("changed: {before:08X} -> {after:08X}", "before"_a = wc->before, "after"_a = wc->after));
    ImGui::TextDisabled("%s", tr("click: decode this PTE, walk it, open its frame"));
    ImGui::EndTooltip();
}

// --- the grids -----------------------------------------------------------------------------------

std::string row_label(uint32_t first_entry) { return fmt::format("{:03X}", first_entry); }

// The entry a window of the table should keep in view: the selection, else the first entry this
// step changed, else the first one in use.
uint32_t table_focus(App& app, uint32_t table_pa, std::optional<uint32_t> selected) {
    if (selected) return *selected;
    const ChangeSet& ch = app.derived().changes();
    for (auto it = ch.words.lower_bound(table_pa); it != ch.words.end() && it->first < table_pa + 4096; ++it) return (it->first - table_pa) / 4;
    const x86::PhysicalMemory& ram = app.mm().ram();
    for (uint32_t i = 0; i < kTableEntries; ++i)
        if (ram.read_u32(table_pa + i * 4) != 0) return i;
    return 0;
}

GridWindow window_for(const GridsLayout& g, uint32_t focus) {
    if (g.cols == 32 && g.rows == 32) return GridWindow{};
    return GridWindow::around(focus, g.cols, g.rows);
}

void directory_grid(App& app, const mm::AddressSpace& sp, const GridsLayout& g, uint32_t pd) {
    const Derived& d = app.derived();
    const x86::PhysicalMemory& ram = app.mm().ram();
    const std::optional<LastAccess>& last = d.last_access();
    const bool last_here = last && last->space == sp.id();
    const GridResult r = entry_grid(
        "##pd", g.cell, window_for(g, pd),
        [&](uint32_t i) {
            const uint32_t pa = sp.cr3() + i * 4;
            GridCell c;
            c.fill = pde_colour(app, sp, i, x86::Pte(ram.read_u32(pa)));
            c.changed = d.changes().word(pa) != nullptr;
            c.selected = i == pd;
            c.marked = last_here && x86::pde_index(last->va) == i;
            return c;
        },
        app.colours(), app.texture(TextureId::PdGrid), app.texels(TextureId::PdGrid), g.label_w, row_label);
    app.probe().rect("pd.grid", r.rect);
    app.probe().value("pd.cell", fmt::format("{}", r.cell));
    app.probe().value("pd.window", fmt::format("{},{},{},{}", r.window.col0, r.window.row0, r.window.cols, r.window.rows));
    if (r.clicked) app.select_pde(*r.clicked);
    if (r.hovered) pde_tooltip(app, sp, *r.hovered);
}

void table_grid(App& app, const mm::AddressSpace& sp, const GridsLayout& g, uint32_t pd, uint32_t table_frame) {
    const UiState& st = app.state();
    const Derived& d = app.derived();
    const mm::MemoryManager& m = app.mm();
    const x86::PhysicalMemory& ram = m.ram();
    const Palette& pal = app.colours();
    const auto& regions = d.region_classes(sp.id());
    const std::optional<LastAccess>& last = d.last_access();
    const bool last_here = last && last->space == sp.id();
    const bool self_map = table_frame == sp.page_directory();
    const bool selected_here = st.entry_selected && st.entry_level == EntryLevel::Pte;
    const uint32_t focus = table_focus(app, table_frame << 12, selected_here ? std::optional<uint32_t>(st.pte_index) : std::nullopt);
    const GridResult r = entry_grid(
        "##pt", g.cell, window_for(g, focus),
        [&](uint32_t i) {
            const uint32_t pa = (table_frame << 12) + i * 4;
            const uint32_t e = ram.read_u32(pa);
            const uint32_t vpn = (pd << 10) | i;
            // (win95's compatibility arena has no region class - the strip shows the arena - but a VAD.)
            const mm::Vad* vad = (regions.empty() || regions[vpn] == 0) && !m.in_compat_arena(sp.id(), vpn << 12)
                                     ? nullptr : m.vad_at(sp.id(), vpn << 12);
            GridCell c;
            c.fill = self_map && x86::Pte(e).present() ? pal.frame[int(FrameClass::PageTable)] : pal.page[int(classify_pte(e, vad, m, vpn))];
            c.changed = d.changes().word(pa) != nullptr;
            c.selected = selected_here && i == st.pte_index;
            c.marked = last_here && x86::pde_index(last->va) == pd && x86::pte_index(last->va) == i;
            return c;
        },
        pal, app.texture(TextureId::PtGrid), app.texels(TextureId::PtGrid), g.label_w, row_label);
    app.probe().rect("pt.grid", r.rect);
    app.probe().value("pt.cell", fmt::format("{}", r.cell));
    app.probe().value("pt.window", fmt::format("{},{},{},{}", r.window.col0, r.window.row0, r.window.cols, r.window.rows));
    // The selected PTE as drawn: its process and page, when the grid shows its cell.
    if (selected_here && r.window.contains(st.pte_index))
        app.probe().value("pt.selected", fmt::format("{} {:08X}", app.machine().space_name(sp.id()), (pd << 22) | (st.pte_index << 12)));
    if (r.clicked) app.select_page(sp.id(), (pd << 22) | (*r.clicked << 12));
    if (r.hovered) pte_tooltip(app, sp.id(), table_frame, pd, *r.hovered);
}

// No page table under the selected PDE: an empty frame the size of a grid, saying why.
void no_table(App& app, const GridsLayout& g) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec2 size(g.cell * float(g.cols), g.cell * float(g.rows));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a(p.x + g.label_w, p.y), z(a.x + size.x, a.y + size.y);
    dl->AddRectFilled(a, z, app.colours().grid_bg);
    dl->AddRect(a, z, ImGui::GetColorU32(ImGuiCol_Border));
    const UiState& st = app.state();
    const uint32_t pde_pa = app.mm().space(st.space).cr3() + 4 * st.pde_index;
    const WordChange* w = app.derived().changes().word(pde_pa);
    const bool cleared = w && (w->before & x86::Pte::kPresent);
    const std::string text = cleared ? trf("PDE {index:03X} was just cleared: its page table had no used entries left and was freed.", "index"_a = st.pde_index)
                                     : std::string(tr("PDE not present: no page table for these 4 MB. The first access here makes one."));
    // Centred in the empty table, so that a longer translation stays inside it.
    const float text_h = ImGui::CalcTextSize(text.c_str(), nullptr, false, size.x - 2 * g.cell).y;
    ImGui::SetCursorScreenPos(ImVec2(a.x + g.cell, a.y + std::max(2.0f, (size.y - text_h) * 0.5f)));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + size.x - 2 * g.cell);
    text_coloured(cleared ? app.colours().changed : ImGui::GetColorU32(ImGuiCol_TextDisabled), text);
    ImGui::PopTextWrapPos();
    ImGui::SetCursorScreenPos(p);
    ImGui::Dummy(ImVec2(g.label_w + size.x, size.y));
    app.probe().value("pt.grid", "none");
}

void title_line(App& app, const mm::AddressSpace& sp, const GridsLayout& g, uint32_t pd, std::optional<uint32_t> table_frame,
                const std::vector<LegendItem>& items) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float x0 = ImGui::GetCursorPosX();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(tr("Page directory"));
    ImGui::PopFont();
    app.probe().value("pt.process", app.machine().space_name(sp.id()));
    const std::string pd_note = trf("frame 0x{frame:X}", "frame"_a = sp.page_directory());
    if (ImGui::GetItemRectSize().x + style.ItemSpacing.x + ImGui::CalcTextSize(pd_note.c_str()).x < g.grid_w) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", pd_note.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", trf("CR3 = {cr3:08X}: the page directory is frame 0x{frame:X}", "cr3"_a = sp.cr3(), "frame"_a = sp.page_directory()).c_str());
    }
    ImGui::SameLine(x0 + g.grid_w + g.gap);
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(trf("Page table {index:03X}", "index"_a = pd).c_str());
    ImGui::PopFont();
    const std::string pt_note = table_frame ? trf("frame 0x{frame:X}", "frame"_a = *table_frame) : std::string(tr("none"));
    if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + ImGui::CalcTextSize(pt_note.c_str()).x < ImGui::GetWindowPos().x + x0 + 2 * g.grid_w + g.gap) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", pt_note.c_str());
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", trf("PDE {index:03X} covers {first:08X}-{last:08X}", "index"_a = pd, "first"_a = pd << 22, "last"_a = (pd << 22) | 0x3FFFFF).c_str());
    if (g.legend == LegendPlace::Tooltip) {
        ImGui::SameLine(0, g.gap);
        ImGui::TextDisabled("%s", tr("[colour key]"));
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            for (const LegendItem& it : items) legend({it});
            ImGui::EndTooltip();
        }
    }
}

// Tab row: the process, whole tables or the part that matters, and pinning the selection.
bool tab_row(App& app, bool zoomable) {
    UiState& st = app.state();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float check = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x;
    const float extra = check + ImGui::CalcTextSize(tr("pin")).x + (zoomable ? style.ItemSpacing.x + check + ImGui::CalcTextSize(tr("whole tables")).x : 0);
    return process_selector_in_tab_row(app, "pt", extra, [&] {
        if (zoomable) {
            ImGui::Checkbox(tr("whole tables"), &st.whole_tables);
            app.probe().last_item("pt.whole");
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Show all 1024 entries of each table (small cells) instead of the part around the selection"));
            ImGui::SameLine();
        }
        pin_checkbox(app);
    });
}

}  // namespace

void draw_page_tables_panel(App& app) {
    const PanelScope panel(app, PanelId::PageTables);
    if (!panel) return;
    UiState& st = app.state();
    const float min_cell = st.classroom ? 20.0f : 7.0f;
    if (!tab_row(app, st.classroom || st.whole_tables)) return;
    const mm::MemoryManager& m = app.mm();
    const mm::AddressSpace& sp = m.space(st.space);
    const std::vector<LegendItem> items = legend_items(app.colours());
    const ImGuiStyle& style = ImGui::GetStyle();
    const GridsLayout g = plan_grids(items, ImGui::GetContentRegionAvail(), min_cell, !st.whole_tables);

    const uint32_t pd = x86::pde_index(st.pde_index << 22);
    const x86::Pte pde(m.ram().read_u32(sp.cr3() + pd * 4));
    const bool table = pde.present() && pde.frame() < m.ram().frame_count();
    const float x0 = ImGui::GetCursorPosX();
    title_line(app, sp, g, pd, table ? std::optional<uint32_t>(pde.frame()) : std::nullopt, items);

    const float y = ImGui::GetCursorPosY();
    directory_grid(app, sp, g, pd);
    ImGui::SetCursorPos(ImVec2(x0 + g.grid_w + g.gap, y));
    if (table) table_grid(app, sp, g, pd, pde.frame());
    else no_table(app, g);

    const float grids_h = g.cell * float(g.rows);
    if (g.legend == LegendPlace::Right) {
        const float lx = x0 + 2 * g.grid_w + g.gap * 2;
        const float lh = ImGui::GetTextLineHeightWithSpacing();
        for (size_t i = 0; i < items.size(); ++i) {
            ImGui::SetCursorPos(ImVec2(lx, y + float(i) * lh));
            legend({items[i]});
        }
        ImGui::SetCursorPosY(y + std::max(grids_h, g.legend_right_h) + style.ItemSpacing.y);
        ImGui::Dummy(ImVec2(1, 1));
    } else if (g.legend == LegendPlace::Below) {
        ImGui::SetCursorPosY(y + grids_h + style.ItemSpacing.y * 2);
        legend(items);
    }
}

}  // namespace pagelab::ui
