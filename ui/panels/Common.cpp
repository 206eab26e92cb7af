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
        if (ImGui::Button(label.c_str())) app.select_space(p.space);
        ImGui::PopStyleColor();
        app.probe().last_item(std::string(id) + ".process." + p.name);
    }
    ImGui::PopID();
    if (!any) ImGui::TextDisabled("No process exists at this point of the lesson.");
    return any && app.state().space != 0xFFFF;
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
