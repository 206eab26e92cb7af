// Helpers several panels share.
#include "App.h"
#include "panels/Panels.h"

#include <fmt/format.h>

#include "mm/SoftwarePte.h"

namespace pagelab::ui {

std::string data_section_name(App& app, unsigned section) {
    const mm::MemoryManager& m = app.mm();
    if (section >= m.data_sections().size()) return fmt::format("data section {}", section);
    const mm::DataSection& ds = m.data_sections()[section];
    if (ds.kind == mm::DataSectionKind::Pagefile) return fmt::format("data section {} (pagefile-backed)", section);
    const std::string file = ds.file < m.files().size() ? m.files()[ds.file].path : std::string("?");
    return fmt::format("data section {} ({})", section, file);
}

std::string mapping_name(App& app, unsigned mapping) {
    const mm::MemoryManager& m = app.mm();
    if (mapping >= m.mappings().size()) return fmt::format("mapping {}", mapping);
    const mm::MappingObject& mo = m.mappings()[mapping];
    return mo.name.empty() ? fmt::format("unnamed mapping {}", mapping) : fmt::format("'{}' (mapping {})", mo.name, mapping);
}

std::string data_proto_state(App& app, unsigned section, unsigned page, unsigned value) {
    using mm::SoftwarePte;
    const mm::MemoryManager& m = app.mm();
    const bool file = section < m.data_sections().size() && m.data_sections()[section].kind == mm::DataSectionKind::File;
    switch (SoftwarePte::kind(value)) {
        case mm::PteKind::Valid: return fmt::format("valid: frame 0x{:X}", x86::Pte(value).frame());
        case mm::PteKind::Zero: return "reserved (SEC_RESERVE, not committed)";
        case mm::PteKind::Prototype:
            return fmt::format("in the file (page {}, offset 0x{:X}): the next access reads it", SoftwarePte::in_file_page(value),
                               uint64_t(SoftwarePte::in_file_page(value)) << 12);
        case mm::PteKind::Pagefile: return fmt::format("pagefile slot {}", SoftwarePte::slot(value));
        case mm::PteKind::DemandZero:
            return file ? fmt::format("demand-zero (page {})", page) : std::string("demand-zero (committed, never touched)");
        case mm::PteKind::Transition: return fmt::format("transition: frame 0x{:X}", SoftwarePte::frame(value));
        case mm::PteKind::Decommitted: return "decommitted";
    }
    return fmt::format("{:08X}", value);
}

std::string view_text(App& app, unsigned mapping, unsigned offset_page, unsigned section) {
    return fmt::format("view of {} at offset 0x{:X} of {}", mapping_name(app, mapping), uint64_t(offset_page) << 12,
                       data_section_name(app, section));
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
    ImGui::Checkbox("pin", &app.state().pinned);
    app.probe().last_item("pin");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Pinned: stepping keeps this selection (process, entry, frame).\n"
                          "Not pinned: each step or event selects what it touched (P toggles).");
}

const char* no_session_text() { return "No scenario is loaded. Open one with File > Open scenario (Ctrl+O)."; }

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
        const std::string label = "Process " + p.name;
        if (ImGui::Button(label.c_str())) app.select_space(p.space);
        ImGui::PopStyleColor();
        app.probe().last_item(std::string(id) + ".process." + p.name);
    }
    ImGui::PopID();
    if (!any) ImGui::TextDisabled("No process exists at this point of the lesson.");
    return any && app.state().space != mm::kNoSpace;
}

float process_selector_width(App& app) {
    const ImGuiStyle& st = ImGui::GetStyle();
    float w = 0;
    int n = 0;
    for (const os::Process& p : app.machine().processes()) {
        if (!(p.space < app.mm().spaces().size() && app.mm().space(p.space).alive())) continue;
        w += ImGui::CalcTextSize(("Process " + p.name).c_str()).x + st.FramePadding.x * 2;
        ++n;
    }
    if (n == 0) return ImGui::CalcTextSize("No process exists at this point of the lesson.").x;
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
    const bool ok = process_selector(app, id);
    if (extra) {
        ImGui::SameLine(0, spacing);
        extra();
    }
    return ok;
}

}  // namespace pagelab::ui
