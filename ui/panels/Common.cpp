// Helpers several panels share.
#include "App.h"
#include "panels/Panels.h"

namespace pagelab::ui {

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
        if (ImGui::SmallButton(label.c_str())) app.select_space(p.space);
        ImGui::PopStyleColor();
        app.probe().last_item(std::string(id) + ".process." + p.name);
    }
    ImGui::PopID();
    if (!any) ImGui::TextDisabled("No process exists at this point of the lesson.");
    return any && app.state().space != 0xFFFF;
}

}  // namespace pagelab::ui
