// The main menu: open a lesson (the course by chapter), reload, panels on and off, classroom
// mode, fonts, the quiz, help.
#include "App.h"
#include "Find.h"
#include "i18n/I18n.h"
#include "panels/Panels.h"

#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include <GLFW/glfw3.h>

namespace pagelab::ui {

using i18n::tr;

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
            ImGui::TextDisabled("%s", tr("No course order: the course index could not be read."));
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", index.error.c_str());
            ImGui::Separator();
        }
        for (const LessonInfo& l : lessons) lesson_item(app, l.title.empty() ? l.file : l.file + "  -  " + localized(l.title, l.title_tr), l.path);
        return;
    }
    const sim::Course& c = *index.course;
    std::set<std::string> in_course;
    for (const sim::CourseLesson& l : c.lessons) in_course.insert(l.id + ".yaml");
    for (size_t ch = 0; ch < c.chapters.size(); ++ch) {
        if (!ImGui::BeginMenu(fmt::format("{}. {}###chapter{}", ch + 1, localized(c.chapters[ch].title, c.chapters[ch].title_tr), ch).c_str())) continue;
        for (size_t li : c.chapters[ch].lessons) {
            const sim::CourseLesson& l = c.lessons[li];
            const LessonInfo* info = find_lesson(lessons, l.id + ".yaml");
            lesson_item(app, fmt::format("{:2}  {}", l.number, localized(l.title, l.title_tr)), info ? info->path : l.path);
            if (ImGui::IsItemHovered() && !l.goal.empty()) ImGui::SetTooltip("%s", localized(l.goal, l.goal_tr).c_str());
        }
        ImGui::EndMenu();
    }
    std::vector<const LessonInfo*> others;
    for (const LessonInfo& l : lessons)
        if (!in_course.count(l.file)) others.push_back(&l);
    if (!others.empty()) {
        ImGui::Separator();
        if (ImGui::BeginMenu(tr("Other scenarios"))) {
            for (const LessonInfo* l : others)
                lesson_item(app, l->title.empty() ? l->file : l->file + "  -  " + localized(l->title, l->title_tr), l->path);
            ImGui::EndMenu();
        }
    }
}

// A menu's translated label with a fixed ID, so that switching language keeps it open.
std::string label(const char* text, const char* id) { return std::string(text) + "###menu." + id; }

// Language: the languages by their own names, so whoever reads one finds it. Outside English the
// menu's title says "Language" in English too, for a visitor who cannot read the one chosen.
void language_menu(App& app) {
    std::string title = tr("Language");
    if (app.language() != "en") title += " (Language)";
    if (ImGui::BeginMenu(label(title.c_str(), "language").c_str())) {
        for (const LanguageName& l : language_names()) {
            if (ImGui::MenuItem(l.name, nullptr, app.language() == l.code)) app.set_language(l.code);
            app.probe().last_item(std::string("menu.language.") + l.code);
        }
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.language");
}

}  // namespace

void draw_menu_bar(App& app) {
    UiState& st = app.state();
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu(label(tr("File"), "file").c_str())) {
        if (ImGui::MenuItem(tr("Open scenario..."), "Ctrl+O")) st.open_picker = true;
        app.probe().last_item("menu.file.open");
        if (ImGui::MenuItem(tr("Reload"), "Ctrl+R", false, !app.scenario_path().empty())) app.reload();
        if (ImGui::BeginMenu(tr("Lessons"))) {
            lessons_menu(app);
            ImGui::EndMenu();
        }
        ImGui::Separator();
        export_menu_items(app);  // ui/Export.cpp
        ImGui::Separator();
        if (ImGui::MenuItem(tr("Quit"), "Alt+F4")) glfwSetWindowShouldClose(glfwGetCurrentContext(), 1);
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.file");
    if (ImGui::BeginMenu(label(tr("View"), "view").c_str())) {
        bool classroom = st.classroom;
        if (ImGui::MenuItem(tr("Classroom mode"), "F11", &classroom)) app.set_classroom(classroom);
        app.probe().last_item("menu.view.classroom");
        ImGui::MenuItem(tr("High contrast"), nullptr, &st.high_contrast);
        app.probe().last_item("menu.view.contrast");
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        float size = st.font_size_pending;
        if (ImGui::SliderFloat(tr("Font size"), &size, 10.0f, 40.0f, "%.0f px")) st.font_size_pending = std::round(size);
        ImGui::Separator();
        ImGui::TextDisabled("%s", tr("Panels"));
        for (size_t p = 1; p < kPanelCount; ++p) ImGui::MenuItem(panel_label(PanelId(p)).c_str(), nullptr, &st.show[p]);
        ImGui::MenuItem(panel_label(PanelId::Controls).c_str(), nullptr, &st.show[size_t(PanelId::Controls)]);
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.view");
    if (ImGui::BeginMenu(label(tr("Quiz"), "quiz").c_str())) {
        bool on = app.quiz_on();
        if (ImGui::MenuItem(tr("Ask the questions"), nullptr, &on)) app.set_quiz(on);
        app.probe().last_item("menu.quiz.on");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s", tr("Stop before each step that asks a question, until it is answered (off: questions are shown with their answers)"));
        if (ImGui::MenuItem(tr("Reset score"), nullptr, false, app.has_session())) app.reset_quiz();
        app.probe().last_item("menu.quiz.reset");
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.quiz");
    if (ImGui::BeginMenu(label(tr("Find"), "find").c_str())) {
        if (ImGui::MenuItem(tr("Go to..."), "Ctrl+G", false, app.has_session())) st.open_goto = true;
        const bool pinned = app.moments().pinned().has_value();
        if (ImGui::MenuItem(pinned ? tr("Pin A here / unpin A") : tr("Pin this moment as A"), "M", false, app.has_session())) toggle_moment_a(app);
        ImGui::EndMenu();
    }
    app.probe().last_item("menu.find");
    language_menu(app);
    if (ImGui::BeginMenu(label(tr("Help"), "help").c_str())) {
        if (ImGui::MenuItem(tr("Keyboard shortcuts"), "F1")) st.open_shortcuts = true;
        ImGui::EndMenu();
    }
    // The lesson's title, right-aligned, so a projected screen always says what is shown.
    if (app.has_session()) {
        const sim::Scenario& sc = app.session().scenario();
        const std::string t = std::filesystem::path(app.scenario_path()).filename().string() + "  -  " + localized(sc.title, sc.title_tr);
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
