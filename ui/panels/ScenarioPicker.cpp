// The scenario picker (the course by chapter, then the folder's other scenarios; or any path),
// the load-error dialog (the parser's FILE:LINE:COL: error: message, never a crash) and the
// keyboard help.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <functional>
#include <set>

#include <fmt/format.h>
#include <imgui_stdlib.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

std::string join(const std::vector<std::string>& parts, const char* sep) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
    return out;
}

const LessonInfo* find_lesson(const std::vector<LessonInfo>& lessons, const std::string& file) {
    for (const LessonInfo& l : lessons)
        if (l.file == file) return &l;
    return nullptr;
}

// One lesson: the whole row is one selectable, as tall as the row's wrapped text, so a click
// anywhere on it opens the lesson. Returns true when it was clicked.
bool lesson_row(App& app, const std::string& first, const std::string& title, const std::string& below, const std::string& after,
                const LessonInfo* info, const std::string& probe_name) {
    const Palette& pal = app.colours();
    ImGui::TableNextRow();
    auto cell_height = [](float y0) { return ImGui::GetCursorPosY() - y0 - ImGui::GetStyle().ItemSpacing.y; };
    ImGui::TableSetColumnIndex(1);
    float y0 = ImGui::GetCursorPosY();
    if (info && !info->error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, pal.fail);
        text_wrapped(trf("invalid: {error}", "error"_a = info->error));
        ImGui::PopStyleColor();
    } else {
        text_wrapped(title);
    }
    if (!below.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
        text_wrapped(below);
        ImGui::PopStyleColor();
    }
    float h = cell_height(y0);
    ImGui::TableSetColumnIndex(2);
    if (!after.empty()) ImGui::TextDisabled("%s", after.c_str());
    ImGui::TableSetColumnIndex(3);
    if (info && info->error.empty()) {
        y0 = ImGui::GetCursorPosY();
        ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
        std::string what = trfn("{count} step", "{count} steps", info->steps, "count"_a = info->steps);
        if (info->questions) what += ", " + trfn("{count} question", "{count} questions", info->questions, "count"_a = info->questions);
        text_wrapped(what + "; " + info->machine);
        ImGui::PopStyleColor();
        h = std::max(h, cell_height(y0));
    }
    ImGui::TableSetColumnIndex(0);
    const bool current = info && info->path == app.scenario_path();
    const bool clicked = ImGui::Selectable(fmt::format("{}##{}", first, probe_name).c_str(), current,
                                           ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap, ImVec2(0, h));
    app.probe().last_item("picker.row." + probe_name);
    return clicked;
}

// A chapter's title and goal on a tinted band (the # column is the lessons' numbers: left empty).
void chapter_row(App& app, const std::string& title, const std::string& goal, size_t index) {
    ImGui::TableNextRow();
    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(ImGuiCol_TableHeaderBg));
    ImGui::TableSetColumnIndex(1);
    ImGui::PushFont(app.fonts().bold);
    text_wrapped(title);
    app.probe().last_item(fmt::format("picker.chapter.{}", index));
    ImGui::PopFont();
    if (!goal.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, app.colours().text_dim);
        text_wrapped(goal);
        ImGui::PopStyleColor();
    }
}

}  // namespace

namespace {

// The course's title and size, or (no course index) the folder and why there is no order.
void picker_heading(App& app, const sim::Course* course, const CourseIndex& index) {
    const Palette& pal = app.colours();
    if (course) {
        ImGui::PushFont(app.fonts().bold);
        text_wrapped(localized(course->title, course->title_tr));
        ImGui::PopFont();
        ImGui::TextDisabled("%s", trf("{lessons} lessons in {chapters} chapters, in teaching order  -  {folder}", "lessons"_a = course->lessons.size(),
                                      "chapters"_a = course->chapters.size(), "folder"_a = app.lessons_dir()).c_str());
    } else {
        ImGui::TextDisabled("%s", trf("The lesson library: {folder}", "folder"_a = app.lessons_dir()).c_str());
        // Without a course index the folder is listed by file name, and the index's error says why.
        ImGui::PushStyleColor(ImGuiCol_Text, pal.fail);
        text_wrapped(trf("No course order: {error}", "error"_a = index.error));
        ImGui::PopStyleColor();
    }
}

// What the table lists, for the probe.
struct Drawn {
    std::vector<std::string> chapters, order, others;
};

// The lessons' rows: by chapter in the course's order, then the folder's other scenarios (or, with
// no course, the folder by file name). open() is called with the lesson clicked.
void lesson_rows(App& app, const sim::Course* course, const std::vector<LessonInfo>& lessons,
                 const std::function<void(const std::string&)>& open, Drawn& drawn) {
    std::vector<std::string>& chapters_drawn = drawn.chapters;
    std::vector<std::string>& order_drawn = drawn.order;
    std::vector<std::string>& others_drawn = drawn.others;
    std::set<std::string> in_course;
    if (course) {
        for (size_t ch = 0; ch < course->chapters.size(); ++ch) {
            const sim::CourseChapter& chapter = course->chapters[ch];
            chapter_row(app, trf("Chapter {number}: {title}", "number"_a = ch + 1, "title"_a = localized(chapter.title, chapter.title_tr)),
                        localized(chapter.goal, chapter.goal_tr), ch);
            chapters_drawn.push_back(chapter.title);
            for (size_t li : chapter.lessons) {
                const sim::CourseLesson& l = course->lessons[li];
                const std::string file = l.id + ".yaml";
                in_course.insert(file);
                std::vector<std::string> after;
                for (const std::string& r : l.requires_)
                    if (const sim::CourseLesson* p = course->find(r)) after.push_back(std::to_string(p->number));
                const std::string after_text = after.empty() ? "" : trf("after {lessons}", "lessons"_a = join(after, ", "));
                const LessonInfo* info = find_lesson(lessons, file);
                if (lesson_row(app, std::to_string(l.number), localized(l.title, l.title_tr), localized(l.goal, l.goal_tr), after_text, info, file)) open(info ? info->path : l.path);
                app.probe().value("picker.after." + l.id, after_text);
                app.probe().value("picker.goal." + l.id, l.goal);
                order_drawn.push_back(l.id);
            }
        }
        bool header = false;
        for (const LessonInfo& l : lessons) {
            if (in_course.count(l.file)) continue;
            if (!header) {
                chapter_row(app, tr("Other scenarios"), tr("In this folder, not in the course."), course->chapters.size());
                header = true;
            }
            if (lesson_row(app, "-", localized(l.title, l.title_tr), l.file, "", &l, l.file)) open(l.path);
            others_drawn.push_back(l.file);
        }
    } else {
        for (const LessonInfo& l : lessons)
            if (lesson_row(app, l.file, localized(l.title, l.title_tr), "", "", &l, l.file)) open(l.path);
    }
}

}  // namespace

void draw_scenario_picker(App& app) {
    UiState& st = app.state();
    if (st.open_picker) {
        ImGui::OpenPopup("###picker");
        app.lessons(true);
        st.open_picker = false;
    }
    const ImVec2 ws = app.window_size();
    ImGui::SetNextWindowSize(ImVec2(std::floor(ws.x * 0.7f), std::floor(ws.y * 0.8f)), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImVec2(ws.x * 0.5f, ws.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    if (!ImGui::BeginPopupModal((std::string(tr("Open a scenario")) + "###picker").c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    const auto& lessons = app.lessons();
    const CourseIndex& index = app.course();
    const sim::Course* course = index.course ? &*index.course : nullptr;
    picker_heading(app, course, index);
    app.probe().value("picker.course_error", index.error);
    app.probe().value("picker.count", std::to_string(lessons.size()));

    Drawn drawn;
    bool picked = false;
    auto open = [&](const std::string& path) {
        app.load(path);  // a bad file shows its error over the lesson that stays open
        picked = true;
    };
    const float bottom = ImGui::GetFrameHeightWithSpacing() * 2.4f;
    if (ImGui::BeginTable("##lessons", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                              ImGuiTableFlags_SizingStretchProp,
                          ImVec2(0, ImGui::GetContentRegionAvail().y - bottom))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(course ? "#" : tr("File"), ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn(tr("Lesson"), ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn(course ? tr("After") : "", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn(tr("Steps and machine"), ImGuiTableColumnFlags_WidthStretch, 1.2f);
        table_headers_row();
        lesson_rows(app, course, lessons, open, drawn);
        ImGui::EndTable();
    }
    app.probe().value("picker.chapters", join(drawn.chapters, " | "));
    app.probe().value("picker.order", join(drawn.order, ","));
    app.probe().value("picker.other", join(drawn.others, ","));
    if (picked) ImGui::CloseCurrentPopup();
    ImGui::TextUnformatted(tr("Or any file:"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 10);
    const bool enter = ImGui::InputTextWithHint("##path", tr("path/to/scenario.yaml"), &st.picker_path, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button(tr("Open")) || enter) && !st.picker_path.empty()) {
        app.load(st.picker_path);
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(tr("Cancel")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

void draw_load_error(App& app) {
    UiState& st = app.state();
    if (st.open_error_popup) {
        ImGui::OpenPopup("###scenario-error");
        st.open_error_popup = false;
    }
    const ImVec2 ws = app.window_size();
    ImGui::SetNextWindowPos(ImVec2(ws.x * 0.5f, ws.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::floor(ws.x * 0.55f), 0), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal((std::string(tr("Scenario error")) + "###scenario-error").c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    const Palette& pal = app.colours();
    ImGui::TextUnformatted(tr("This scenario file cannot be loaded:"));
    ImGui::Spacing();
    const std::string msg = st.load_error.value_or("");
    ImGui::PushFont(app.fonts().mono);
    ImGui::PushStyleColor(ImGuiCol_Text, pal.fail);
    text_wrapped(msg);
    ImGui::PopStyleColor();
    ImGui::PopFont();
    app.probe().value("error.message", msg);
    ImGui::Spacing();
    if (app.has_session()) ImGui::TextDisabled("%s", tr("The lesson you had open is unchanged."));
    else ImGui::TextDisabled("%s", tr("No lesson is open. Fix the file and reload, or open another one."));
    ImGui::Spacing();
    if (ImGui::Button(tr("Open another scenario..."))) {
        ImGui::CloseCurrentPopup();
        st.open_picker = true;
    }
    app.probe().last_item("error.open_other");
    ImGui::SameLine();
    if (ImGui::Button(tr("Close")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    app.probe().last_item("error.close");
    ImGui::EndPopup();
}

void draw_shortcuts_help(App& app) {
    UiState& st = app.state();
    if (st.open_shortcuts) {
        ImGui::OpenPopup("###shortcuts");
        st.open_shortcuts = false;
    }
    if (!ImGui::BeginPopupModal((std::string(tr("Keyboard shortcuts")) + "###shortcuts").c_str(), nullptr,
                                ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings))
        return;
    const char* keys[][2] = {
        {N_("Right / Left"), N_("one step forward / back")},
        {N_("Shift + Right / Left"), N_("one event forward / back")},
        {"Space", N_("run / pause")},
        {"Home / End", N_("to the start / to the end")},
        {"F11", N_("classroom mode")},
        {"Ctrl + / Ctrl -", N_("larger / smaller fonts")},
        {"Ctrl+O, Ctrl+R", N_("open a scenario, reload it")},
        {"M", N_("pin this moment as A (Compare A/B); again on A: unpin")},
        {"Ctrl+G", N_("go to an address, a bound name (buf+0x1000), pfn N or slot N")},
        {"Ctrl+Shift+C", N_("copy the selected PTE's !pte text")},
        {N_("1-5 or a-e"), N_("answer a quiz question's choice")},
        {N_("a number, Enter"), N_("answer a quiz question that wants a number")},
        {N_("Mouse wheel, drag"), N_("zoom and pan the frame map; the address-space strip: wheel zooms, drag a range, right-drag pans, Esc zooms back")},
    };
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_SizingFixedFit)) {
        for (auto& k : keys) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushFont(app.fonts().bold);
            ImGui::TextUnformatted(tr(k[0]));
            ImGui::PopFont();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(tr(k[1]));
        }
        ImGui::EndTable();
    }
    if (ImGui::Button(tr("Close")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace pagelab::ui
