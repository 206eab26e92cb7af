// The commit charge against the commit limit (RAM + pagefile), and the pagefile's slots: a map
// coloured by the process whose page each slot holds, and the list of used slots.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/TextureMap.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

// The commit charge against the limit: a bar with RAM's share marked, and this step's change.
void commit_bar(App& app) {
    const Palette& pal = app.colours();
    const mm::MemoryManager& m = app.mm();
    const Derived& d = app.derived();
    // Commit charge.
    const uint64_t charge = m.counter(mm::Counter::CommitCharge);
    const uint32_t limit = m.commit_limit();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(trf("Commit charge {charge} of {limit} pages", "charge"_a = charge, "limit"_a = limit).c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    help_marker(tr("Every committed page of private memory is charged when it is committed, whether or not it has a frame "
                   "yet. The limit is RAM + pagefile: a commit beyond it fails with ERROR_COMMITMENT_LIMIT."));
    {
        const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight() * 0.8f;
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), pal.grid_bg, 3.0f);
        const float ram_x = p.x + w * float(m.config().frames) / float(std::max(1u, limit));
        const float used_x = p.x + w * float(std::min<uint64_t>(charge, limit)) / float(std::max(1u, limit));
        dl->AddRectFilled(p, ImVec2(used_x, p.y + h), pal.page[int(PageClass::DemandZero)], 3.0f);
        dl->AddLine(ImVec2(ram_x, p.y - 2), ImVec2(ram_x, p.y + h + 2), pal.text, 2.0f);
        ImGui::Dummy(ImVec2(w, h));
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        text_wrapped(trf("limit = {frames} RAM frames | + {slots} pagefile slots", "frames"_a = m.config().frames, "slots"_a = m.config().pagefile_pages));
        ImGui::PopStyleColor();
        if (const int64_t delta = d.changes().counter_delta[size_t(mm::Counter::CommitCharge)]) {
            const std::string step = trf("this step: {delta:+d}", "delta"_a = delta);
            same_line_if_fits(step);
            text_coloured(pal.changed, step);
        }
    }
}

// Slot map: cell i is slot i + 1 (slot 0 is never handed out: offset 0 means demand-zero).
void slot_map(App& app) {
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const Derived& d = app.derived();
    const mm::Pagefile& pf = app.mm().pagefile();
    const float list_h = std::min(ImGui::GetContentRegionAvail().y * 0.45f, ImGui::GetTextLineHeightWithSpacing() * (float(pf.used()) + 1.5f));
    TextureMapSpec spec;
    spec.count = pf.capacity();
    spec.size = ImVec2(ImGui::GetContentRegionAvail().x, std::max(30.0f, ImGui::GetContentRegionAvail().y - list_h - 8));
    spec.max_cell = ImGui::GetFontSize() * 1.8f;
    // Refilled when a slot's use or owner may have changed: only those slots, when Derived knows them.
    const MapDelta& delta = d.slots_delta();
    const bool known = delta.known && delta.cells.size() <= spec.count / 8 + 16;  // (else a full fill anyway)
    std::vector<uint32_t> cells;  // cell i is slot i + 1 (slot 0 is no cell)
    if (known)
        for (uint32_t slot : delta.cells)
            if (slot >= 1) cells.push_back(slot - 1);
    set_versions(spec, d.slots_version(), uint64_t(st.high_contrast), delta.from, known, cells);
    spec.verify = app.probe().verify_textures();
    spec.colour = [&](uint32_t i) {
        const uint32_t slot = i + 1;
        if (!pf.in_use(slot)) return pal.slot_free;
        if (auto o = d.slot_owner(slot)) return owner_colour(o->first, st.high_contrast);
        return pal.slot_used;
    };
    spec.fill = [&](ImU32* out) {
        for (uint32_t i = 0; i < spec.count; ++i) out[i] = pf.in_use(i + 1) ? spec.colour(i) : pal.slot_free;
    };
    spec.label = [](uint32_t i) { return std::to_string(i + 1); };
    for (uint32_t s : d.changes().slots)
        if (s >= 1 && s <= pf.capacity()) spec.changed.push_back(s - 1);
    spec.changed_colour = pal.changed;
    spec.background = pal.grid_bg;
    if (st.slot_focus && *st.slot_focus >= 1 && *st.slot_focus <= pf.capacity()) spec.selected = *st.slot_focus - 1;  // go-to, Compare A/B
    const TextureMapResult r = texture_map("##slots", app.texture(TextureId::Slots), st.slot_map, spec);
    probe_update(app.probe(), "slots", r);
    if (r.hovered) {
        const uint32_t slot = *r.hovered + 1;
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(trf("Slot {slot}: {state}", "slot"_a = slot, "state"_a = pf.in_use(slot) ? tr("in use") : tr("free")).c_str());
        if (auto o = d.slot_owner(slot))
            ImGui::TextUnformatted(trf("holds {process}'s page {va:08X}", "process"_a = app.machine().space_name(o->first), "va"_a = o->second).c_str());
        ImGui::EndTooltip();
    }

}

// The used slots: who holds each, its first bytes; the story's slot highlighted.
void used_slots(App& app) {
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const Derived& d = app.derived();
    const mm::Pagefile& pf = app.mm().pagefile();
    if (pf.used() > 0 && ImGui::BeginTable("##used", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                                           ImVec2(0, ImGui::GetContentRegionAvail().y))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(tr("Slot"), ImGuiTableColumnFlags_WidthFixed, column_width(tr("Slot"), ImGui::GetFontSize() * 3));
        ImGui::TableSetupColumn(tr("Page"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn(tr("First bytes"), ImGuiTableColumnFlags_WidthStretch, 1.2f);
        table_headers_row();
        std::vector<uint32_t> used;
        for (uint32_t s = 1; s <= pf.capacity(); ++s)
            if (pf.in_use(s)) used.push_back(s);
        // The slot the story's move used: highlighted, and scrolled into view once per move.
        int focus = -1;
        if (st.slot_focus)
            for (size_t i = 0; i < used.size(); ++i)
                if (used[i] == *st.slot_focus) focus = int(i);
        ImGuiListClipper clipper;
        clipper.Begin(int(used.size()));
        if (focus >= 0) clipper.ForceDisplayRangeByIndices(focus, focus + 1);
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const uint32_t s = used[size_t(i)];
                ImGui::TableNextRow();
                if (i == focus) {
                    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, (pal.changed & 0x00FFFFFFu) | 0x50000000u);
                    app.probe().value("pagefile.focus", std::to_string(s));
                    if (st.slots_scrolled_for != st.story_moves) {
                        ImGui::SetScrollHereY(0.5f);
                        st.slots_scrolled_for = st.story_moves;
                    }
                }
                ImGui::TableNextColumn();
                ImGui::Text("%u", s);
                ImGui::TableNextColumn();
                if (auto o = d.slot_owner(s)) ImGui::Text("%s %08X", app.machine().space_name(o->first).c_str(), o->second);
                else ImGui::TextDisabled("%s", tr("(unreferenced)"));
                ImGui::TableNextColumn();
                const uint8_t* b = pf.content(s).data();
                ImGui::PushFont(app.fonts().mono);
                ImGui::TextDisabled("%02X %02X %02X %02X %02X %02X %02X %02X", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
                ImGui::PopFont();
            }
        ImGui::EndTable();
    }
}

}  // namespace

void draw_pagefile_panel(App& app) {
    const PanelScope panel(app, PanelId::Pagefile);
    if (!panel) return;
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const mm::Pagefile& pf = app.mm().pagefile();

    commit_bar(app);
    ImGui::Spacing();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(trf("Pagefile: {used} of {capacity} slots used", "used"_a = pf.used(), "capacity"_a = pf.capacity()).c_str());
    ImGui::PopFont();
    if (pf.capacity() == 0) {
        ImGui::TextDisabled("%s", tr("This machine has no pagefile: dirty pages cannot leave memory."));
        return;
    }
    std::vector<LegendItem> items;
    for (const os::Process& p : app.machine().processes()) items.push_back({owner_colour(p.space, st.high_contrast), p.name, ""});
    items.push_back({pal.slot_used, tr("used, no page refers"), tr("A slot in use that no PTE or frame refers to.")});
    items.push_back({pal.slot_free, tr("free"), ""});
    items.push_back({pal.changed, tr("changed now"), "", true});
    legend(items);

    slot_map(app);
    used_slots(app);
}

}  // namespace pagelab::ui
