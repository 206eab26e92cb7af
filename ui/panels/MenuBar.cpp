// The main menu: open a lesson (the course by chapter), reload, panels on and off, classroom
// mode, fonts, the quiz, help.
#include "App.h"
#include "Find.h"
#include "panels/Panels.h"

#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include <GLFW/glfw3.h>

namespace pagelab::ui {

namespace {

const LessonInfo* find_lesson(const std::vector<LessonInfo>& lessons, const std::string& file) {
    for (const LessonInfo& l : lessons)
        if (l.file == file) return &l;
    return nullptr;
}

void lesson_item(App& app, const std::string& label, const std::string& path) {
    if (ImGui::MenuItem(label.c_str(), nullptr, path == app.scenario_path())) app.load(path);
}

// File > Lessons: one submenu per chapter of the course, then the folder's other scenarios; the
// files by name when there is no usable course index.
void lessons_menu(App& app) {
    const auto& lessons = app.lessons();
    const CourseIndex& index = app.course();
    if (!index.course) {
        if (!index.error.empty()) {
            ImGui::TextDisabled("No course order: the course index could not be read.");
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", index.error.c_str());
            ImGui::Separator();
        }
        for (const LessonInfo& l : lessons) lesson_item(app, l.title.empty() ? l.file : l.file + "  -  " + l.title, l.path);
        return;
    }
    const sim::Course& c = *index.course;
    std::set<std::string> in_course;
    for (const sim::CourseLesson& l : c.lessons) in_course.insert(l.id + ".yaml");
    for (size_t ch = 0; ch < c.chapters.size(); ++ch) {
        if (!ImGui::BeginMenu(fmt::format("{}. {}", ch + 1, c.chapters[ch].title).c_str())) continue;
        for (size_t li : c.chapters[ch].lessons) {
            const sim::CourseLesson& l = c.lessons[li];
            const LessonInfo* info = find_lesson(lessons, l.id + ".yaml");
            lesson_item(app, fmt::format("{:2}  {}", l.number, l.title), info ? info->path : l.path);
            if (ImGui::IsItemHovered() && !l.goal.empty()) ImGui::SetTooltip("%s", l.goal.c_str());
        }
        ImGui::EndMenu();
    }
    std::vector<const LessonInfo*> others;
    for (const LessonInfo& l : lessons)
        if (!in_course.count(l.file)) others.push_back(&l);
    if (!others.empty()) {
        ImGui::Separator();
        if (ImGui::BeginMenu("Other scenarios")) {
            for (const LessonInfo* l : others) lesson_item(app, l->title.empty() ? l->file : l->file + "  -  " + l->title, l->path);
            ImGui::EndMenu();
        }
    }
}

}  // namespace

void draw_menu_bar(App& app) {
    UiState& st = app.state();
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open scenario...", "Ctrl+O")) st.open_picker = true;
        app.probe().last_item("menu.file.open");
        if (ImGui::MenuItem("Reload", "Ctrl+R", false, !app.scenario_path().empty())) app.reload();
        if (ImGui::BeginMenu("Lessons")) {
            lessons_menu(app);
            ImGui::EndMenu();
        }
        ImGui::Separator();
        export_menu_items(app);  // ui/Export.cpp
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
    if (ImGui::BeginMenu("Quiz")) {
        bool on = app.quiz_on();
        if (ImGui::MenuItem("Ask the questions", nullptr, &on)) app.set_quiz(on);
        app.probe().last_item("menu.quiz.on");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Stop before each step that asks a question, until it is answered (off: questions are shown with their answers)");
        if (ImGui::MenuItem("Reset score", nullptr, false, app.has_session())) app.reset_quiz();
        app.probe().last_item("menu.quiz.reset");
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.quiz");
    if (ImGui::BeginMenu("Find")) {
        if (ImGui::MenuItem("Go to...", "Ctrl+G", false, app.has_session())) st.open_goto = true;
        const bool pinned = app.moments().pinned().has_value();
        if (ImGui::MenuItem(pinned ? "Pin A here / unpin A" : "Pin this moment as A", "M", false, app.has_session())) toggle_moment_a(app);
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.find");
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
