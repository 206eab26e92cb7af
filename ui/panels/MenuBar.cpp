// The main menu: open a lesson, reload, panels on and off, classroom mode, fonts, help.
#include "App.h"
#include "panels/Panels.h"

#include <cmath>
#include <filesystem>

#include <GLFW/glfw3.h>

namespace pagelab::ui {

void draw_menu_bar(App& app) {
    UiState& st = app.state();
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open scenario...", "Ctrl+O")) st.open_picker = true;
        app.probe().last_item("menu.file.open");
        if (ImGui::MenuItem("Reload", "Ctrl+R", false, !app.scenario_path().empty())) app.reload();
        if (ImGui::BeginMenu("Lessons")) {
            for (const LessonInfo& l : app.lessons()) {
                const std::string label = l.title.empty() ? l.file : l.file + "  -  " + l.title;
                if (ImGui::MenuItem(label.c_str(), nullptr, l.path == app.scenario_path())) app.load(l.path);
            }
            ImGui::EndMenu();
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Alt+F4")) glfwSetWindowShouldClose(glfwGetCurrentContext(), 1);
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.file");
    if (ImGui::BeginMenu("View")) {
        bool classroom = st.classroom;
        if (ImGui::MenuItem("Classroom mode", "F11", &classroom)) app.set_classroom(classroom);
        app.probe().last_item("menu.view.classroom");
        ImGui::MenuItem("High contrast", nullptr, &st.high_contrast);
        app.probe().last_item("menu.view.contrast");
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        float size = st.font_size_pending;
        if (ImGui::SliderFloat("Font size", &size, 10.0f, 40.0f, "%.0f px")) st.font_size_pending = std::round(size);
        ImGui::Separator();
        ImGui::TextDisabled("Panels");
        for (size_t p = 1; p < kPanelCount; ++p) ImGui::MenuItem(panel_title(PanelId(p)), nullptr, &st.show[p]);
        ImGui::MenuItem("Controls", nullptr, &st.show[size_t(PanelId::Controls)]);
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.view");
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keyboard shortcuts", "F1")) st.open_shortcuts = true;
        ImGui::EndMenu();
    }
    // The lesson's title, right-aligned, so a projected screen always says what is shown.
    if (app.has_session()) {
        const std::string t = std::filesystem::path(app.scenario_path()).filename().string() + "  -  " + app.session().scenario().title;
        const float w = ImGui::CalcTextSize(t.c_str()).x;
        const float x = ImGui::GetWindowWidth() - w - ImGui::GetStyle().ItemSpacing.x * 2;
        if (x > ImGui::GetCursorPosX() + 20) {
            ImGui::SetCursorPosX(x);
            ImGui::TextDisabled("%s", t.c_str());
        }
    }
    ImGui::EndMainMenuBar();
}

}  // namespace pagelab::ui
