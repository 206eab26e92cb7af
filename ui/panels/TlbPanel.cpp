// The TLB (on a machine with one): what the current step (or event) did with it — a hit (no
// walk), a miss (a walk, then an entry filled), a flush on a CR3 load, an INVLPG — in large type,
// then every entry, the one that hit or was filled highlighted.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;

namespace {

// The step's story for the TLB, in one sentence, and its colour.
std::pair<std::string, ImU32> tlb_sentence(App& app, std::optional<uint32_t> hit_entry) {
    const Derived& d = app.derived();
    const sim::TlbTouch& t = d.touched().tlb;
    const Palette& pal = app.colours();
    const auto& a = d.last_access();
    const std::string who = a ? fmt::format("{} {:08X}", app.machine().space_name(a->space), a->va) : std::string(tr("the access"));
    if (t.lookup == sim::TlbTouch::Lookup::Hit)
        return {trf("TLB hit for {who}: entry #{entry} gives the frame - no walk, no PDE or PTE read.", "who"_a = who, "entry"_a =
                            hit_entry ? std::to_string(*hit_entry) : std::string("?")),
                pal.link};
    if (t.lookup == sim::TlbTouch::Lookup::Miss)
        return {t.filled.empty() ? trf("TLB miss for {who}: the CPU walked CR3 > PDE > PTE.", "who"_a = who)
                                 : trf("TLB miss for {who}: the CPU walked CR3 > PDE > PTE and filled entry #{entry}.", "who"_a = who,
                                       "entry"_a = t.filled.back()),
                pal.changed};
    if (t.flushed) return {tr("CR3 loaded: every entry is flushed (the new process's pages must be walked again)."), pal.changed};
    if (!t.invalidated.empty())
        return {trf("INVLPG: the entry for page {va:08X} is dropped (its PTE changed).", "va"_a = t.invalidated.back() << 12), pal.changed};
    return {tr("This step did not use the TLB."), pal.text_dim};
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
    text_wrapped(trf("{count} entries, next victim #{victim}; they hold {process}'s translations (no global pages: a CR3 load flushes them all).",
                     "count"_a = tlb.size(), "victim"_a = tlb.next_victim(),
                     "process"_a = running == mm::kNoSpace ? std::string(tr("nobody")) : app.machine().space_name(running)));
    ImGui::PopStyleColor();
    if (!ImGui::BeginTable("##tlb", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY,
                           ImVec2(0, ImGui::GetContentRegionAvail().y)))
        return;
    for (const char* c : {"#", N_("Page"), N_("Frame"), N_("Rights"), N_("Dirty")}) ImGui::TableSetupColumn(tr(c));
    table_headers_row();
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
            ImGui::TextDisabled("%s", tr("empty"));
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
        ImGui::TextUnformatted(e.dirty ? tr("yes") : tr("no"));
    }
    ImGui::EndTable();
    app.probe().value("tlb.valid", std::to_string(valid));
    if (hit_entry) app.probe().value("tlb.hit_entry", std::to_string(*hit_entry));
}

}  // namespace pagelab::ui
