// The scenario picker (the lesson library, or any path), the load-error dialog (the parser's
// FILE:LINE:COL: error: message, never a crash) and the keyboard help.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"

#include <imgui_stdlib.h>

namespace pagelab::ui {

void draw_scenario_picker(App& app) {
    UiState& st = app.state();
    if (st.open_picker) {
        ImGui::OpenPopup("Open a scenario");
        app.lessons(true);
        st.open_picker = false;
    }
    const ImVec2 ws = app.window_size();
    ImGui::SetNextWindowSize(ImVec2(std::floor(ws.x * 0.62f), std::floor(ws.y * 0.66f)), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImVec2(ws.x * 0.5f, ws.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    if (!ImGui::BeginPopupModal("Open a scenario", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    const Palette& pal = app.colours();
    const auto& lessons = app.lessons();
    ImGui::TextDisabled("The lesson library: %s", app.lessons_dir().c_str());
    app.probe().value("picker.count", std::to_string(lessons.size()));
    const float bottom = ImGui::GetFrameHeightWithSpacing() * 2.4f;
    if (ImGui::BeginTable("##lessons", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                              ImGuiTableFlags_SizingStretchProp,
                          ImVec2(0, ImGui::GetContentRegionAvail().y - bottom))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("File", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Title", ImGuiTableColumnFlags_WidthStretch, 2.2f);
        ImGui::TableSetupColumn("Machine", ImGuiTableColumnFlags_WidthStretch, 1.3f);
        ImGui::TableHeadersRow();
        for (const LessonInfo& l : lessons) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const bool current = l.path == app.scenario_path();
            if (ImGui::Selectable(l.file.c_str(), current, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick)) {
                if (app.load(l.path)) ImGui::CloseCurrentPopup();
                else ImGui::CloseCurrentPopup();
            }
            app.probe().last_item("picker.row." + l.file);
            ImGui::TableNextColumn();
            if (!l.error.empty()) text_coloured(pal.fail, "invalid: " + l.error);
            else ImGui::TextUnformatted(l.title.c_str());
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%zu steps, %s", l.steps, l.machine.c_str());
        }
        ImGui::EndTable();
    }
    ImGui::TextUnformatted("Or any file:");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 10);
    const bool enter = ImGui::InputTextWithHint("##path", "path/to/scenario.yaml", &st.picker_path, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Open") || enter) && !st.picker_path.empty()) {
        app.load(st.picker_path);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

void draw_load_error(App& app) {
    UiState& st = app.state();
    if (st.open_error_popup) {
        ImGui::OpenPopup("Scenario error");
        st.open_error_popup = false;
    }
    const ImVec2 ws = app.window_size();
    ImGui::SetNextWindowPos(ImVec2(ws.x * 0.5f, ws.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::floor(ws.x * 0.55f), 0), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("Scenario error", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    const Palette& pal = app.colours();
    ImGui::TextUnformatted("This scenario file cannot be loaded:");
    ImGui::Spacing();
    const std::string msg = st.load_error.value_or("");
    ImGui::PushFont(app.fonts().mono);
    ImGui::PushStyleColor(ImGuiCol_Text, pal.fail);
    text_wrapped(msg);
    ImGui::PopStyleColor();
    ImGui::PopFont();
    app.probe().value("error.message", msg);
    ImGui::Spacing();
    if (app.has_session()) ImGui::TextDisabled("The lesson you had open is unchanged.");
    else ImGui::TextDisabled("No lesson is open. Fix the file and reload, or open another one.");
    ImGui::Spacing();
    if (ImGui::Button("Open another scenario...")) {
        ImGui::CloseCurrentPopup();
        st.open_picker = true;
    }
    app.probe().last_item("error.open_other");
    ImGui::SameLine();
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    app.probe().last_item("error.close");
    ImGui::EndPopup();
}

void draw_shortcuts_help(App& app) {
    UiState& st = app.state();
    if (st.open_shortcuts) {
        ImGui::OpenPopup("Keyboard shortcuts");
        st.open_shortcuts = false;
    }
    if (!ImGui::BeginPopupModal("Keyboard shortcuts", nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) return;
    const char* keys[][2] = {
        {"Right / Left", "one step forward / back"},
        {"Shift + Right / Left", "one event forward / back"},
        {"Space", "run / pause"},
        {"Home / End", "to the start / to the end"},
        {"F11", "classroom mode"},
        {"Ctrl + / Ctrl -", "larger / smaller fonts"},
        {"Ctrl+O, Ctrl+R", "open a scenario, reload it"},
        {"Mouse wheel, drag", "zoom and pan the address-space strip and the frame map"},
    };
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_SizingFixedFit)) {
        for (auto& k : keys) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushFont(app.fonts().bold);
            ImGui::TextUnformatted(k[0]);
            ImGui::PopFont();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(k[1]);
        }
        ImGui::EndTable();
    }
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace pagelab::ui
