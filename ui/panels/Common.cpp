// Helpers several panels share.
#include "App.h"
#include "panels/Panels.h"

#include <fmt/format.h>

#include "mm/SoftwarePte.h"
#include "i18n/I18n.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

std::string data_section_name(App& app, unsigned section) {
    const mm::MemoryManager& m = app.mm();
    if (section >= m.data_sections().size()) return trf("data section {index}", "index"_a = section);
    const mm::DataSection& ds = m.data_sections()[section];
    if (ds.kind == mm::DataSectionKind::Pagefile) return trf("data section {index} (pagefile-backed)", "index"_a = section);
    const std::string file = ds.file < m.files().size() ? m.files()[ds.file].path : std::string("?");
    return trf("data section {index} ({file})", "index"_a = section, "file"_a = file);
}

std::string mapping_name(App& app, unsigned mapping) {
    const mm::MemoryManager& m = app.mm();
    if (mapping >= m.mappings().size()) return trf("mapping {index}", "index"_a = mapping);
    const mm::MappingObject& mo = m.mappings()[mapping];
    return mo.name.empty() ? trf("unnamed mapping {index}", "index"_a = mapping) : trf("'{name}' (mapping {index})", "name"_a = mo.name, "index"_a = mapping);
}

std::string data_proto_state(App& app, unsigned section, unsigned page, unsigned value) {
    using mm::SoftwarePte;
    const mm::MemoryManager& m = app.mm();
    const bool file = section < m.data_sections().size() && m.data_sections()[section].kind == mm::DataSectionKind::File;
    switch (SoftwarePte::kind(value)) {
        case mm::PteKind::Valid: return trf("valid: frame 0x{frame:X}", "frame"_a = x86::Pte(value).frame());
        case mm::PteKind::Zero: return tr("reserved (SEC_RESERVE, not committed)");
        case mm::PteKind::Prototype:
            return trf("in the file (page {page}, offset 0x{offset:X}): the next access reads it", "page"_a = SoftwarePte::in_file_page(value),
                       "offset"_a = uint64_t(SoftwarePte::in_file_page(value)) << 12);
        case mm::PteKind::Pagefile: return trf("pagefile slot {slot}", "slot"_a = SoftwarePte::slot(value));
        case mm::PteKind::DemandZero:
            return file ? trf("demand-zero (page {page})", "page"_a = page) : std::string(tr("demand-zero (committed, never touched)"));
        case mm::PteKind::Transition: return trf("transition: frame 0x{frame:X}", "frame"_a = SoftwarePte::frame(value));
        case mm::PteKind::Decommitted: return tr("decommitted");
    }
    return fmt::format("{:08X}", value);
}

std::string view_text(App& app, unsigned mapping, unsigned offset_page, unsigned section) {
    return trf("view of {mapping} at offset 0x{offset:X} of {section}", "mapping"_a = mapping_name(app, mapping),
               "offset"_a = uint64_t(offset_page) << 12, "section"_a = data_section_name(app, section));
}

PanelScope::PanelScope(App& app, PanelId id, Without without) : m_app(app) {
    m_open = app.begin_panel(id);
    if (!m_open) return;
    m_drawing = app.has_session() || without == Without::DrawAnyway;
    if (!m_drawing) ImGui::TextWrapped("%s", no_session_text());
}

PanelScope::~PanelScope() {
    if (m_open) m_app.end_panel();
}

void pin_checkbox(App& app) {
    ImGui::Checkbox(tr("pin"), &app.state().pinned);
    app.probe().last_item("pin");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("Pinned: stepping keeps this selection (process, entry, frame).\n"
                                   "Not pinned: each step or event selects what it touched (P toggles)."));
}

const char* no_session_text() { return tr("No scenario is loaded. Open one with File > Open scenario (Ctrl+O)."); }

// Why no process has an address space to show: none exists yet, or each one has failed or exited
// (its address space is gone, the process object remains: "A failed: ...").
std::string no_address_space_text(App& app) {
    const auto& procs = app.machine().processes();
    if (procs.empty()) return tr("No process exists at this point of the lesson.");
    std::string out;
    for (const os::Process& p : procs)
        out += fmt::format("{}{} {}", out.empty() ? "" : "; ", p.name,
                           p.state == os::ProcessState::Failed ? tr("failed (CreateProcess did not complete)") : tr(os::process_state_name(p.state)));
    return trf("{processes}: no address space to show (see Objects).", "processes"_a = out);
}

bool process_selector(App& app, const char* id) {
    const auto& procs = app.machine().processes();
    bool any = false;
    ImGui::PushID(id);
    for (const os::Process& p : procs) {
        const bool alive = p.space < app.mm().spaces().size() && app.mm().space(p.space).alive();
        if (!alive) continue;
        if (any) ImGui::SameLine();
        any = true;
        const bool selected = app.state().space == p.space;
        ImGui::PushStyleColor(ImGuiCol_Button, selected ? ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive)
                                                        : ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
        const std::string label = trf("Process {name}", "name"_a = p.name) + "###" + p.name;
        if (ImGui::Button(label.c_str())) app.select_space(p.space);
        ImGui::PopStyleColor();
        app.probe().last_item(std::string(id) + ".process." + p.name);
    }
    ImGui::PopID();
    if (!any) {
        const std::string why = no_address_space_text(app);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s", why.c_str());  // several processes' states: longer than a panel is wide
        ImGui::PopStyleColor();
        app.probe().value(std::string(id) + ".none", why);
    }
    return any && app.state().space != mm::kNoSpace;
}

float process_selector_width(App& app) {
    const ImGuiStyle& st = ImGui::GetStyle();
    float w = 0;
    int n = 0;
    for (const os::Process& p : app.machine().processes()) {
        if (!(p.space < app.mm().spaces().size() && app.mm().space(p.space).alive())) continue;
        w += ImGui::CalcTextSize(trf("Process {name}", "name"_a = p.name).c_str()).x + st.FramePadding.x * 2;
        ++n;
    }
    if (n == 0) return ImGui::CalcTextSize(no_address_space_text(app).c_str()).x;
    return w + st.ItemSpacing.x * float(n - 1);
}

bool process_selector_in_tab_row(App& app, const char* id, float extra_width, const std::function<void()>& extra) {
    const float spacing = ImGui::GetStyle().ItemSpacing.x * 3;
    const float w = process_selector_width(app) + (extra ? extra_width + spacing : 0);
    if (app.begin_tab_row(w)) {
        const bool ok = process_selector(app, id);
        if (extra) {
            ImGui::SameLine(0, spacing);
            extra();
        }
        app.end_tab_row();
        return ok;
    }
    // On its own line; with no process to show, the extra controls (pin, views) have nothing to act on.
    const bool ok = process_selector(app, id);
    if (extra && ok) {
        ImGui::SameLine(0, spacing);
        extra();
    }
    return ok;
}

}  // namespace pagelab::ui
