// The TLB (on a machine with one): what the current step (or event) did with it — a hit (no
// walk), a miss (a walk, then an entry filled), a flush on a CR3 load, an INVLPG — in large type,
// then every entry, the one that hit or was filled highlighted.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"

#include <fmt/format.h>

namespace pagelab::ui {

namespace {

// The step's story for the TLB, in one sentence, and its colour.
std::pair<std::string, ImU32> tlb_sentence(App& app, std::optional<uint32_t> hit_entry) {
    const Derived& d = app.derived();
    const sim::TlbTouch& t = d.touched().tlb;
    const Palette& pal = app.colours();
    const auto& a = d.last_access();
    const std::string who = a ? fmt::format("{} {:08X}", app.machine().space_name(a->space), a->va) : std::string("the access");
    if (t.lookup == sim::TlbTouch::Lookup::Hit)
        return {fmt::format("TLB hit for {}: entry #{} gives the frame - no walk, no PDE or PTE read.", who,
                            hit_entry ? std::to_string(*hit_entry) : std::string("?")),
                pal.link};
    if (t.lookup == sim::TlbTouch::Lookup::Miss)
        return {fmt::format("TLB miss for {}: the CPU walked CR3 > PDE > PTE{}.", who,
                            t.filled.empty() ? std::string() : fmt::format(" and filled entry #{}", t.filled.back())),
                pal.changed};
    if (t.flushed) return {"CR3 loaded: every entry is flushed (the new process's pages must be walked again).", pal.changed};
    if (!t.invalidated.empty())
        return {fmt::format("INVLPG: the entry for page {:08X} is dropped (its PTE changed).", t.invalidated.back() << 12), pal.changed};
    return {"This step did not use the TLB.", pal.text_dim};
}

}  // namespace

void draw_tlb_panel(App& app) {
    const PanelScope panel(app, PanelId::Tlb);
    if (!panel) return;
    const x86::Tlb& tlb = app.mm().tlb();
    const Derived& d = app.derived();
    const sim::TlbTouch& t = d.touched().tlb;
    const Palette& pal = app.colours();
    std::optional<uint32_t> hit_entry;
    if (t.lookup == sim::TlbTouch::Lookup::Hit && d.last_access())
        if (const x86::TlbEntry* e = tlb.lookup(x86::vpn(d.last_access()->va))) hit_entry = uint32_t(e - tlb.entries().data());
    const auto [sentence, colour] = tlb_sentence(app, hit_entry);
    ImGui::PushFont(app.fonts().big);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    text_wrapped(sentence);
    ImGui::PopStyleColor();
    ImGui::PopFont();
    app.probe().value("tlb.lookup", t.lookup == sim::TlbTouch::Lookup::Hit ? "hit" : t.lookup == sim::TlbTouch::Lookup::Miss ? "miss" : "none");
    app.probe().value("tlb.flushed", t.flushed ? "yes" : "no");
    app.probe().value("tlb.sentence", sentence);
    const uint16_t running = app.mm().current_space();
    ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
    text_wrapped(fmt::format("{} entries, next victim #{}; they hold {}'s translations (no global pages: a CR3 load flushes them all).",
                             tlb.size(), tlb.next_victim(), running == mm::kNoSpace ? "nobody" : app.machine().space_name(running)));
    ImGui::PopStyleColor();
    if (!ImGui::BeginTable("##tlb", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY,
                           ImVec2(0, ImGui::GetContentRegionAvail().y)))
        return;
    for (const char* c : {"#", "Page", "Frame", "Rights", "Dirty"}) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    int valid = 0;
    for (uint32_t i = 0; i < tlb.size(); ++i) {
        const x86::TlbEntry& e = tlb.entries()[i];
        ImGui::TableNextRow();
        const bool filled = std::find(t.filled.begin(), t.filled.end(), i) != t.filled.end();
        if (hit_entry == i) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, (pal.link & 0x00FFFFFFu) | 0x60000000u);
        else if (filled) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, (pal.changed & 0x00FFFFFFu) | 0x50000000u);
        ImGui::TableNextColumn();
        ImGui::Text("%u", i);
        ImGui::TableNextColumn();
        if (!e.valid) {
            ImGui::TextDisabled("empty");
            continue;
        }
        ++valid;
        ImGui::PushFont(app.fonts().mono);
        ImGui::Text("%08X", e.vpn << 12);
        ImGui::PopFont();
        ImGui::TableNextColumn();
        ImGui::Text("0x%X", e.frame);
        ImGui::TableNextColumn();
        ImGui::Text("%s %s", e.user ? "U" : "K", e.writable ? "W" : "R");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(e.dirty ? "yes" : "no");
    }
    ImGui::EndTable();
    app.probe().value("tlb.valid", std::to_string(valid));
    if (hit_entry) app.probe().value("tlb.hit_entry", std::to_string(*hit_entry));
}

}  // namespace pagelab::ui
