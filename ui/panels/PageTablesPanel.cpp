// The selected process's page directory and one of its page tables, each as a 32 x 32 grid of
// entries coloured by what they say, outlined when the current step changed them. Clicking a PDE
// shows its page table; clicking a PTE selects that page for the decoder, the walk and the frame.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/EntryGrid.h"
#include "widgets/Widgets.h"

#include <fmt/format.h>

namespace pagelab::ui {

namespace {

ImU32 pde_colour(App& app, const mm::AddressSpace& sp, uint32_t d, uint32_t pde) {
    const Palette& pal = app.colours();
    const mm::MemoryManager& m = app.mm();
    if (pde & 1) {
        const uint32_t table = pde >> 12;
        if (table == sp.page_directory()) return pal.frame[int(FrameClass::PageDirectory)];  // the self-map
        if (table < m.pfn().size() && m.pfn()[table].owner == 0xFFFF) return pal.page_table_shared;
        return pal.frame[int(FrameClass::PageTable)];
    }
    const uint32_t vpn = d << 10;
    const mm::Vad* next = m.in_shared_arena(sp.id(), vpn << 12) ? mm::next_vad_in(m.shared_vads(), vpn) : sp.next_vad(vpn);
    if (m.vad_at(sp.id(), vpn << 12) || (next && next->start_vpn < vpn + 1024)) return pal.pde_region;
    return pal.arena[int(arena_of(sp.personality(), (d << 22) + 0x200000))];  // the middle of its 4 MB
}

}  // namespace

void draw_page_tables_panel(App& app) {
    if (!app.begin_panel(PanelId::PageTables)) return;
    if (!app.has_session()) {
        ImGui::TextWrapped("%s", no_session_text());
        app.end_panel();
        return;
    }
    UiState& st = app.state();
    const float follow_w = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("follow the access").x;
    const bool have = process_selector_in_tab_row(app, "pt", follow_w, [&] {
        ImGui::Checkbox("follow the access", &st.follow_access);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Each step selects the page it touched (its PDE, PTE and frame).");
    });
    if (!have) {
        app.end_panel();
        return;
    }
    const Palette& pal = app.colours();
    const Derived& d = app.derived();
    const mm::MemoryManager& m = app.mm();
    const uint16_t space = st.space;
    const mm::AddressSpace& sp = m.space(space);
    const x86::PhysicalMemory& ram = m.ram();
    const auto& regions = d.region_classes(space);
    const std::optional<LastAccess>& last = d.last_access();
    const bool last_here = last && last->space == space;

    // Legend.
    std::vector<LegendItem> items;
    for (PageClass c : {PageClass::Present, PageClass::DemandZero, PageClass::Pagefile, PageClass::Transition, PageClass::Prototype,
                        PageClass::Reserved, PageClass::System, PageClass::Free})
        items.push_back({pal.page[int(c)], page_class_name(c), page_class_help(c)});
    items.push_back({pal.frame[int(FrameClass::PageTable)], "page table", "A present PDE: its page table is in that frame."});
    items.push_back({pal.page_table_shared, "shared table", "A page table every page directory points at (kernel / system arena)."});
    items.push_back({pal.pde_region, "no table yet", "No page table yet, but a region lies in these 4 MB: the first access makes one."});
    items.push_back({pal.changed, "changed now", "Written by the current step (or event, when stepping single events).", true});
    items.push_back({pal.selected, "selected", "The entry shown in the decoder.", true});
    items.push_back({IM_COL32(255, 255, 255, 230), "dot: last access", "The entries the last access walked through."});
    // Room: two grids side by side with a title line over each, and the legend either below them
    // or (when that lets the cells grow, e.g. with classroom fonts) in a column on their right.
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float lh = ImGui::GetTextLineHeightWithSpacing();
    const float gap = ImGui::GetFontSize() * 1.2f;
    const float label_full = ImGui::CalcTextSize("000").x + style.ItemInnerSpacing.x;
    float legend_col_w = 0;
    for (const LegendItem& it : items)
        legend_col_w = std::max(legend_col_w, ImGui::GetTextLineHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(it.label.c_str()).x);
    legend_col_w += gap;
    auto fit = [&](float width, float height, float& label_w) {
        label_w = label_full;
        float c = std::floor(std::min((width - gap - 2 * label_w) / 64.0f, (height - lh) / 32.0f));
        if (c < 7) {
            label_w = 0;
            c = std::floor(std::min((width - gap) / 64.0f, (height - lh) / 32.0f));
        }
        return std::max(c, 3.0f);
    };
    float label_below = 0, label_right = 0;
    const float below_h = legend_height(items, avail.x) + style.ItemSpacing.y * 2;
    const float cell_below = fit(avail.x, avail.y - below_h, label_below);
    const float cell_right = fit(avail.x - legend_col_w, avail.y, label_right);
    const float right_h = float(items.size()) * lh;
    const bool legend_right = cell_right > cell_below && right_h <= avail.y;
    // Large fonts in a short panel: the key moves into a tooltip rather than squeeze the grids.
    float label_none = 0;
    const float cell_none = fit(avail.x, avail.y, label_none);
    const bool legend_tooltip = !legend_right && cell_below < 8 && cell_none >= cell_below + 2;
    const float cell = legend_right ? cell_right : legend_tooltip ? cell_none : cell_below;
    const float label_w = legend_right ? label_right : legend_tooltip ? label_none : label_below;
    const float grid_w = label_w + cell * 32;

    const uint32_t pd = st.pde_index & 0x3FF;
    const uint32_t pde_pa = sp.cr3() + pd * 4;
    const uint32_t pde = ram.read_u32(pde_pa);
    const bool table = (pde & 1) && (pde >> 12) < ram.frame_count();
    const float x0 = ImGui::GetCursorPosX();

    // Titles.
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted("Page directory");
    ImGui::PopFont();
    const std::string pd_note = fmt::format("frame 0x{:X}", sp.page_directory());
    if (ImGui::GetItemRectSize().x + style.ItemSpacing.x + ImGui::CalcTextSize(pd_note.c_str()).x < grid_w) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", pd_note.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("CR3 = %08X: the page directory is frame 0x%X", sp.cr3(), sp.page_directory());
    }
    ImGui::SameLine(x0 + grid_w + gap);
    ImGui::PushFont(app.fonts().bold);
    ImGui::Text("Page table %03X", pd);
    ImGui::PopFont();
    ImGui::SameLine();
    if (table) ImGui::TextDisabled("frame 0x%X", pde >> 12);
    else ImGui::TextDisabled("none");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("PDE %03X covers %08X-%08X", pd, pd << 22, (pd << 22) | 0x3FFFFF);
    if (legend_tooltip) {
        ImGui::SameLine(0, gap);
        ImGui::TextDisabled("[colour key]");
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            for (const LegendItem& it : items) legend({it});
            ImGui::EndTooltip();
        }
    }

    // The page directory.
    const float y = ImGui::GetCursorPosY();
    const GridResult pdg = entry_grid(
        "##pd", cell,
        [&](uint32_t i) {
            const uint32_t pa = sp.cr3() + i * 4;
            const uint32_t e = ram.read_u32(pa);
            GridCell c;
            c.fill = pde_colour(app, sp, i, e);
            c.changed = d.changes().word(pa) != nullptr;
            c.selected = i == pd;
            c.marked = last_here && x86::pde_index(last->va) == i;
            return c;
        },
        pal, app.texture(TextureId::PdGrid), app.texels(TextureId::PdGrid), label_w,
        [](uint32_t r) { return fmt::format("{:03X}", r * 32); });
    app.probe().rect("pd.grid", pdg.rect);
    app.probe().value("pd.cell", fmt::format("{}", pdg.cell));
    if (pdg.clicked) app.select_pde(*pdg.clicked);
    if (pdg.hovered) {
        const uint32_t i = *pdg.hovered;
        const uint32_t pa = sp.cr3() + i * 4;
        const uint32_t e = ram.read_u32(pa);
        ImGui::BeginTooltip();
        ImGui::PushFont(app.fonts().mono);
        ImGui::Text("PDE %03X at pa %08X = %08X", i, pa, e);
        ImGui::PopFont();
        ImGui::Text("covers %08X-%08X (%s)", i << 22, (i << 22) | 0x3FFFFF, mm::arena_name(sp.personality(), i << 22));
        ImGui::TextUnformatted(entry_summary(app.session(), e, true).c_str());
        if (const WordChange* wc = d.changes().word(pa)) text_coloured(pal.changed, fmt::format("changed: {:08X} -> {:08X}", wc->before, wc->after));
        ImGui::TextDisabled("click: show its page table and decode it");
        ImGui::EndTooltip();
    }

    // The page table of the selected PDE.
    ImGui::SetCursorPos(ImVec2(x0 + grid_w + gap, y));
    if (table) {
        const uint32_t frame = pde >> 12;
        const bool self_map = frame == sp.page_directory();
        const GridResult ptg = entry_grid(
            "##pt", cell,
            [&](uint32_t i) {
                const uint32_t pa = (frame << 12) + i * 4;
                const uint32_t e = ram.read_u32(pa);
                const uint32_t vpn = (pd << 10) | i;
                // (win95's compatibility arena has no region class - the strip shows the arena - but a VAD.)
                const mm::Vad* vad = (regions.empty() || regions[vpn] == 0) && !m.in_compat_arena(space, vpn << 12)
                                         ? nullptr : m.vad_at(space, vpn << 12);
                GridCell c;
                c.fill = self_map && (e & 1) ? pal.frame[int(FrameClass::PageTable)] : pal.page[int(classify_pte(e, vad, m, vpn))];
                c.changed = d.changes().word(pa) != nullptr;
                c.selected = st.entry_selected && st.entry_level == EntryLevel::Pte && i == st.pte_index;
                c.marked = last_here && x86::pde_index(last->va) == pd && x86::pte_index(last->va) == i;
                return c;
            },
            pal, app.texture(TextureId::PtGrid), app.texels(TextureId::PtGrid), label_w,
            [](uint32_t r) { return fmt::format("{:03X}", r * 32); });
        app.probe().rect("pt.grid", ptg.rect);
        if (ptg.clicked) app.select_page(space, (pd << 22) | (*ptg.clicked << 12));
        if (ptg.hovered) {
            const uint32_t i = *ptg.hovered;
            const uint32_t pa = (frame << 12) + i * 4;
            const uint32_t e = ram.read_u32(pa);
            const uint32_t va = (pd << 22) | (i << 12);
            const mm::Vad* vad = m.vad_at(space, va);
            ImGui::BeginTooltip();
            ImGui::PushFont(app.fonts().mono);
            ImGui::Text("PTE %03X at pa %08X = %08X", i, pa, e);
            ImGui::PopFont();
            ImGui::Text("page %08X-%08X: %s", va, va | 0xFFF, page_class_name(classify_pte(e, vad, m, va >> 12)));
            ImGui::TextUnformatted(entry_summary(app.session(), e, false).c_str());
            if (vad) ImGui::TextDisabled("region %08X-%08X %s", vad->base(), vad->base() + vad->size() - 1, mm::vad_type_name(vad->type));
            if (vad && vad->type == mm::VadType::Mapped) {
                ImGui::TextDisabled("%s", view_text(app, vad->mapping, vad->offset_page, vad->section).c_str());
                if (e == 0) ImGui::TextDisabled("zero PTE in a view: ask the VAD, then the section's prototype PTE");
            }
            if (const WordChange* wc = d.changes().word(pa)) text_coloured(pal.changed, fmt::format("changed: {:08X} -> {:08X}", wc->before, wc->after));
            ImGui::TextDisabled("click: decode this PTE, walk it, open its frame");
            ImGui::EndTooltip();
        }
    } else {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float side = cell * 32;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(ImVec2(p.x + label_w, p.y), ImVec2(p.x + label_w + side, p.y + side), pal.grid_bg);
        dl->AddRect(ImVec2(p.x + label_w, p.y), ImVec2(p.x + label_w + side, p.y + side), ImGui::GetColorU32(ImGuiCol_Border));
        const char* t1 = "PDE not present:";
        const char* t2 = "no page table for these 4 MB.";
        const char* t3 = "The first access here makes one.";
        float ty = p.y + side * 0.5f - ImGui::GetTextLineHeight() * 1.5f;
        for (const char* t : {t1, t2, t3}) {
            const float tw = ImGui::CalcTextSize(t).x;
            dl->AddText(ImVec2(p.x + label_w + (side - tw) * 0.5f, ty), ImGui::GetColorU32(ImGuiCol_TextDisabled), t);
            ty += ImGui::GetTextLineHeight();
        }
        ImGui::Dummy(ImVec2(label_w + side, side));
        app.probe().value("pt.grid", "none");
    }

    if (legend_right) {
        const float lx = x0 + 2 * grid_w + gap * 2;
        for (size_t i = 0; i < items.size(); ++i) {
            ImGui::SetCursorPos(ImVec2(lx, y + float(i) * lh));
            legend({items[i]});
        }
        ImGui::SetCursorPosY(y + std::max(cell * 32, right_h) + style.ItemSpacing.y);
        ImGui::Dummy(ImVec2(1, 1));
    } else if (!legend_tooltip) {
        ImGui::SetCursorPosY(y + cell * 32 + style.ItemSpacing.y * 2);
        legend(items);
    }
    app.end_panel();
}

}  // namespace pagelab::ui
