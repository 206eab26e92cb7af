#include "App.h"

#include "sim/Course.h"

#include <algorithm>
#include <cmath>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <ctime>
#include <cstdlib>
#include <cstring>

#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <fmt/format.h>

#ifdef __EMSCRIPTEN__
#include "web/WebLoop.h"
#endif
#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"

#include "Find.h"
#include "Screenshot.h"
#include "i18n/Glossary.h"
#include "i18n/I18n.h"
#include "panels/Panels.h"
#include "sim/Trace.h"
#include "testing/TestDriver.h"
#include "widgets/Widgets.h"

namespace pagelab::ui {

namespace fs = std::filesystem;
using namespace fmt::literals;
using i18n::tr;
using i18n::trf;

namespace {

std::string exe_dir() {
    std::error_code ec;
    const fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : p.parent_path().string();
}

void glfw_error(int code, const char* text) { std::fprintf(stderr, "pagelab-ui: GLFW error %d: %s\n", code, text); }

}  // namespace

App::App(AppOptions options) : m_options(std::move(options)) {
    m_state.show.fill(true);
    m_state.classroom = m_options.classroom;
    m_state.high_contrast = m_options.high_contrast;
    if (m_options.font_size) m_state.font_size = *m_options.font_size;
    else if (m_options.classroom) m_state.font_size = 22.0f;
    else if (m_options.width < 1440) m_state.font_size = 14.0f;  // a laptop screen: a little more room
    m_state.font_size_pending = m_state.font_size;
    if (m_options.single_event) m_state.granularity = Granularity::Event;
    m_state.quiz = !m_options.no_quiz;
    // The settings file belongs to the interactive window: screenshots, tests and benchmarks draw
    // the same whatever a user chose last (unless given a file of their own).
    const bool interactive = !m_options.screenshot && m_options.ui_test.empty() && m_options.bench_frames == 0;
    if (m_options.settings) m_settings_path = *m_options.settings;
    else if (interactive) m_settings_path = default_settings_path();
    const Settings settings = load_settings(m_settings_path);
    // A built-in UI test speaks English unless told otherwise: its expectations are written in it.
    const std::string fallback = m_options.ui_test.empty() ? language_from_environment() : std::string("en");
    m_language = m_options.lang ? *m_options.lang : settings.language ? *settings.language : fallback;
    m_language = std::string(i18n::set_language(m_language));
    if (const std::string glyphs = catalogue_glyph_file(); glyphs.empty() || !m_glyphs.add_file(glyphs))
        std::fprintf(stderr, "pagelab-ui: warning: the catalogue's character list (locale/glyphs.txt) was not found: "
                             "translated labels may draw as boxes\n");
    // The glossary's tooltips, in every language (their words are not all in the catalogues).
    for (const i18n::GlossaryEntry& e : i18n::glossary())
        for (const i18n::GlossaryText& t : e.lang) {
            m_glyphs.add_text(t.term);
            m_glyphs.add_text(t.text);
        }
}

void App::set_language(const std::string& code) {
    const std::string lang(i18n::set_language(code));
    if (lang == m_language) return;
    m_language = lang;
    m_change_text.clear();  // the change lines are generated text
    m_state.status.clear();
    m_busy_frames = 3;
    if (m_settings_path.empty()) return;
    Settings s = load_settings(m_settings_path);
    s.language = m_language;
    if (auto problem = save_settings(m_settings_path, s)) std::fprintf(stderr, "pagelab-ui: warning: %s\n", problem->c_str());
}

App::~App() { shutdown_window(); }

// ------------------------------------------------------------------------------------------------
// Files

std::string App::lessons_dir() const {
    if (m_options.lessons_dir) return *m_options.lessons_dir;
    std::vector<fs::path> candidates = {fs::current_path() / "scenarios"};
    const std::string exe = exe_dir();
    if (!exe.empty()) {
        candidates.push_back(fs::path(exe) / ".." / "scenarios");
        candidates.push_back(fs::path(exe) / ".." / ".." / "scenarios");
    }
    candidates.push_back(fs::path(PAGELAB_SOURCE_DIR) / "scenarios");
    for (const fs::path& c : candidates) {
        std::error_code ec;
        if (fs::exists(c / "01-demand-zero.yaml", ec)) return fs::weakly_canonical(c, ec).string();
    }
    return (fs::path(PAGELAB_SOURCE_DIR) / "scenarios").string();
}

std::string App::default_lesson() {
    // The course's first lesson; without a course, lesson 01, else the first file by name.
    const std::string first = lessons_dir() + "/01-demand-zero.yaml";
    std::error_code ec;
    if (!m_options.lessons_dir && fs::exists(first, ec)) return first;  // no need to read the library
    if (const CourseIndex& c = course(); c.course && !c.course->lessons.empty()) return c.course->lessons.front().path;
    if (fs::exists(first, ec) || lessons().empty()) return first;
    return lessons().front().path;
}

void App::set_lessons_dir(const std::string& dir) {
    m_options.lessons_dir = dir;
    lessons(true);
}

const CourseIndex& App::course() {
    lessons();
    return m_course;
}

const std::vector<LessonInfo>& App::lessons(bool rescan) {
    if (m_lessons_scanned && !rescan) return m_lessons;
    m_lessons_scanned = true;
    m_lessons.clear();
    const std::string dir = lessons_dir();
    // The course index orders the library; without one (or with a broken one) the picker lists
    // the files by name and says why.
    m_course = CourseIndex{};
    if (const auto index = sim::find_course_near(dir)) {
        sim::CourseLoad c = sim::load_course(*index);
        if (c.course) m_course.course = std::move(c.course);
        else m_course.error = c.error ? c.error->message : *index + ": error: cannot read the course index";
    } else {
        m_course.error = fmt::format("{}: there is no course index (course.yaml) here", dir);
    }
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.path().extension() == ".yaml" && !sim::is_course_file(entry.path().string())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (const auto index = sim::find_course_near(dir)) m_glyphs.add_file(*index);
    for (const fs::path& f : files) {
        LessonInfo info;
        info.path = f.string();
        info.file = f.filename().string();
        sim::LoadResult r = sim::load_scenario(info.path);
        if (r.scenario) {
            m_glyphs.add_text(r.scenario->title);  // the picker shows its title (in every language)
            for (const auto& [lang, text] : r.scenario->title_tr) m_glyphs.add_text(text);
            info.title = r.scenario->title;
            info.title_tr = r.scenario->title_tr;
            info.steps = r.scenario->steps.size();
            for (const sim::Step& st : r.scenario->steps) info.questions += st.ask ? 1 : 0;
            info.machine = sim::describe_machine(r.scenario->machine);
        } else if (r.error) {
            info.error = r.error->message;
        }
        m_lessons.push_back(std::move(info));
    }
    return m_lessons;
}

bool App::load(const std::string& path) {
    auto result = sim::Session::load(path);
    if (auto* error = std::get_if<sim::LoadError>(&result)) {
        // A bad file never takes the current lesson away: the error is shown over it.
        m_state.load_error = error->message;
        m_state.open_error_popup = true;
        return false;
    }
    m_session = std::move(std::get<std::unique_ptr<sim::Session>>(result));
    m_path = path;
    m_glyphs.add_file(path);  // its texts in every language, its names
    m_state.load_error.reset();
    after_load();
    return true;
}

void App::reload() {
    if (!m_path.empty()) load(m_path);
}

void App::adopt_reload(std::unique_ptr<sim::Session> fresh, const std::optional<sim::ReloadPlacement>& at) {
    if (!m_session || !at) {
        m_path = fresh->scenario().path;
        m_session = std::move(fresh);
        m_state.load_error.reset();
        after_load();
        return;
    }
    m_session = std::move(fresh);
    m_session->seek_event(at->cursor);
    m_quiz.forget_from(at->unchanged_steps);
    m_quiz.pending.reset();
    m_series = build_run_series(*m_session);
    m_derived.invalidate();
    m_change_text.clear();
    m_state.running = false;
    const size_t spaces = mm().spaces().size();
    if (m_state.compare_left != 0xFFFF && m_state.compare_left >= spaces) m_state.compare_left = 0xFFFF;
    if (m_state.compare_right != 0xFFFF && m_state.compare_right >= spaces) m_state.compare_right = 0xFFFF;
    if (m_state.frame && *m_state.frame >= mm().pfn().size()) {
        m_state.frame.reset();
        m_state.frame_window_open = false;
    }
    m_state.status = at->sentence;
    m_last_cursor = ~size_t{0};
}

void App::after_load() {
    m_series = build_run_series(*m_session);
    m_derived.invalidate();
    m_change_text.clear();
    m_state.running = false;
    m_state.space = mm::kNoSpace;
    m_state.entry_selected = false;
    m_state.frame.reset();
    m_state.frame_window_open = false;
    m_state.pde_index = 0;
    m_state.pte_index = 0;
    m_state.compare_left = m_state.compare_right = mm::kNoSpace;
    m_state.strip = ZoomView{.extent = 1.0};
    m_state.strip_back.clear();
    m_state.frame_map = MapView{};
    m_state.slot_map = MapView{};
    m_state.breakpoints.clear();
    m_moments.clear();
    m_state.event_filter.clear();
    m_quiz.clear();
    m_state.status = trf("Loaded {file} ({steps} steps, {events} events).", "file"_a = fs::path(m_path).filename().string(),
                         "steps"_a = m_session->step_count(), "events"_a = m_session->event_count());
    m_last_cursor = ~size_t{0};
}

std::optional<uint32_t> App::resolve_address(const std::string& text) const {
    const auto expr = sim::parse_address(text);
    if (!expr) return std::nullopt;
    if (expr->name.empty()) return uint32_t(expr->offset);
    if (!m_session || m_session->step_count() == 0) return std::nullopt;
    const auto& bindings = m_session->result(m_session->step_count() - 1).bindings;
    if (!bindings) return std::nullopt;
    auto it = bindings->find(expr->name);
    if (it == bindings->end()) return std::nullopt;
    return uint32_t(int64_t(it->second) + expr->offset);
}

const std::vector<std::string>& App::change_lines(size_t event) {
    auto it = m_change_text.find(event);
    if (it != m_change_text.end()) return it->second;
    std::vector<std::string> lines;
    // visit() moves the machine to just before each change (describe_change needs the state it
    // changes) and puts the cursor back where it was.
    m_session->visit(event, event + 1, nullptr,
                     [&](const core::Change& c) { lines.push_back(sim::describe_change(m_session->machine(), c)); });
    return m_change_text.emplace(event, std::move(lines)).first->second;
}

const Derived& App::derived() {
    if (m_session) m_derived.refresh(*m_session, m_state.granularity == Granularity::Event || m_state.moved_by_event);
    return m_derived;
}

// ------------------------------------------------------------------------------------------------
// Commands

void App::reset() {
    if (!m_session) return;
    m_state.moved_by_event = false;
    m_session->reset();
    m_state.status = tr("Reset to the start.");
}

void App::step_operation(int direction) {
    if (!m_session) return;
    m_state.moved_by_event = false;
    if (direction > 0 && stop_at_question()) return;
    if (direction > 0 ? !m_session->step_forward() : !m_session->step_back())
        m_state.status = direction > 0 ? tr("At the end of the lesson.") : tr("At the start.");
    else
        m_state.status.clear();
}

void App::step_event(int direction) {
    if (!m_session) return;
    m_state.moved_by_event = true;
    if (direction > 0 && stop_at_question()) return;
    if (direction > 0 ? !m_session->step_event_forward() : !m_session->step_event_back())
        m_state.status = direction > 0 ? tr("At the end of the lesson.") : tr("At the start.");
    else
        m_state.status.clear();
}

void App::step_forward() {
    m_state.granularity == Granularity::Event ? step_event(+1) : step_operation(+1);
}

void App::step_back() {
    m_state.granularity == Granularity::Event ? step_event(-1) : step_operation(-1);
}

void App::seek_event(size_t cursor) {
    if (m_session) m_session->seek_event(cursor);
}

void App::seek_step(size_t steps_done) {
    m_state.moved_by_event = false;
    if (m_session) m_session->seek_step(std::min(steps_done, m_session->step_count()));
}

void App::run_to_breakpoint() {
    if (!m_session) return;
    set_running(false);
    if (m_state.breakpoints.empty()) {
        m_state.status = tr("No breakpoints: add one first.");
        return;
    }
    if (stop_at_question()) return;
    const size_t from = m_session->cursor();
    // Like Run, it plays the lesson in order: it stops before the first unanswered question on
    // the way unless a breakpoint matches first.
    if (m_state.quiz) {
        const size_t horizon = m_quiz.horizon(*m_session);
        if (horizon < m_session->step_count()) {
            const size_t limit = m_session->first_event_of_step(horizon);
            for (size_t e = from; e < limit; ++e) {
                m_session->seek_event(e);
                for (const auto& b : m_state.breakpoints)
                    if (m_session->matches(b, e)) {
                        m_session->seek_event(e + 1);
                        m_state.status = trf("Breakpoint hit at event {event} ({breakpoint}): {sentence}", "event"_a = e + 1, "breakpoint"_a = sim::describe(b),
                                             "sentence"_a = m_session->explain(e));
                        return;
                    }
            }
            m_session->seek_event(limit);
            stop_at_question();
            return;
        }
    }
    if (m_session->run_to(m_state.breakpoints)) {
        const size_t e = m_session->cursor() - 1;
        std::string which;
        for (const auto& b : m_state.breakpoints)
            if (which.empty()) {
                m_session->seek_event(e);
                if (m_session->matches(b, e)) which = sim::describe(b);
                m_session->seek_event(e + 1);
            }
        m_state.status = trf("Breakpoint hit at event {event} ({breakpoint}): {sentence}", "event"_a = e + 1, "breakpoint"_a = which,
                             "sentence"_a = m_session->explain(e));
    } else {
        m_state.status = from == m_session->event_count() ? tr("Already at the end.") : tr("Ran to the end: no breakpoint matched.");
    }
}

void App::set_running(bool on) {
    m_state.running = on && m_session && m_session->cursor() < m_session->event_count();
    m_state.run_clock = 0;
}

void App::toggle_run() { set_running(!m_state.running); }

bool App::advance(bool single_event) {
    sim::Session& s = *m_session;
    if (s.cursor() >= s.event_count()) return false;
    if (stop_at_question()) return false;
    const size_t target = single_event ? s.cursor() + 1 : s.first_event_of_step(s.steps_done() + 1);
    if (!m_state.breakpoints.empty()) {
        for (size_t e = s.cursor(); e < target; ++e) {
            s.seek_event(e);
            for (const auto& b : m_state.breakpoints) {
                if (s.matches(b, e)) {
                    s.seek_event(e + 1);
                    m_state.status = trf("Breakpoint hit at event {event} ({breakpoint}).", "event"_a = e + 1, "breakpoint"_a = sim::describe(b));
                    return false;
                }
            }
        }
    }
    s.seek_event(target);
    return s.cursor() < s.event_count();
}

bool App::stop_at_question() {
    if (!m_session || !m_state.quiz) return false;
    const sim::Session& s = *m_session;
    if (s.cursor() >= s.event_count()) return false;
    const size_t k = s.step_of_event(s.cursor());
    if (!about_to_start(s, k) || !s.scenario().steps[k].ask || m_quiz.answer_of(k)) return false;
    m_state.running = false;
    if (m_quiz.pending == k) {
        m_state.status = trf("Step {number} waits for your answer (or Skip it).", "number"_a = k + 1);
        return true;
    }
    m_quiz.pending = k;
    m_quiz.input.clear();
    m_quiz.why.clear();
    m_quiz.focus_input = true;
    m_state.status = trf("Step {number} asks a question: predict, then see.", "number"_a = k + 1);
    // The question is in the lesson panel: a hidden one comes back, a tab comes to the front.
    m_state.show[size_t(PanelId::Lesson)] = true;
    raise(PanelId::Lesson);
    return true;
}

void App::reveal() {
    // The move the question held back, in the granularity the learner steps by; stays paused so
    // that the explanation can be read.
    m_quiz.pending.reset();
    m_quiz.input.clear();
    m_quiz.why.clear();
    if (m_state.granularity == Granularity::Event) m_session->step_event_forward();
    else m_session->step_forward();
}

void App::answer_question(const std::string& input) {
    if (!m_session || !m_quiz.pending) return;
    const size_t k = *m_quiz.pending;
    const sim::Question& q = *m_session->scenario().steps[k].ask;
    std::string why;
    const auto a = sim::parse_answer(q, input, why);
    if (!a) {
        // Not an answer at all (not a number, not a choice): say why and ask again, with an empty box.
        m_quiz.why = why;
        m_quiz.input.clear();
        m_quiz.focus_input = true;
        return;
    }
    const bool right = sim::is_right(q, *a);
    m_quiz.record(k, QuizAnswer{*a, right});
    m_state.status = right ? trf("Step {number}: right.", "number"_a = k + 1)
                           : trf("Step {number}: not quite: the answer is {answer}.", "number"_a = k + 1,
                                 "answer"_a = sim::right_answer_text(q, m_language));
    reveal();
}

void App::skip_question() {
    if (!m_session || !m_quiz.pending) return;
    m_state.status = trf("Step {number}: question skipped.", "number"_a = *m_quiz.pending + 1);
    reveal();
}

void App::reset_quiz() {
    m_quiz.clear();
    m_state.status = tr("The quiz starts again: every question will be asked.");
}

void App::set_quiz(bool on) {
    m_state.quiz = on;
    if (!on) m_quiz.pending.reset();
}

void App::update_run(double dt) {
    if (!m_state.running || !m_session) return;
    m_state.run_clock += dt;
    const double period = 1.0 / std::max(0.1f, m_state.run_rate);
    while (m_state.run_clock >= period && m_state.running) {
        m_state.run_clock -= period;
        if (!advance(m_state.granularity == Granularity::Event)) {
            m_state.running = false;
            if (m_session->cursor() >= m_session->event_count() && m_state.status.empty())
                m_state.status = tr("At the end of the lesson.");
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Selection

void App::select_space(uint16_t space) {
    if (space == m_state.space) return;
    m_state.space = space;
    m_state.entry_selected = false;
}

void App::select_pde(uint32_t index) {
    m_state.pde_index = index & 0x3FF;
    m_state.entry_level = EntryLevel::Pde;
    m_state.entry_selected = true;
}

void App::select_page(uint16_t space, uint32_t va) {
    m_state.space = space;
    m_state.pde_index = x86::pde_index(va);
    m_state.pte_index = x86::pte_index(va);
    m_state.entry_level = EntryLevel::Pte;
    m_state.entry_selected = true;
    // An open frame window keeps showing the frame the user chose; otherwise the page's frame
    // becomes the selected one.
    if (m_session && !m_state.frame_window_open && space < mm().spaces().size() && mm().space(space).alive())
        if (auto f = sim::resident_frame(machine(), space, va)) m_state.frame = *f;
}

void App::raise(PanelId id) {
    m_state.raise_panel = id;  // before the first frame (startup options)
    // During a frame: like a click on its tab, from the next frame.
    const size_t s = size_t(m_layout.slot_of[size_t(id)]);
    m_pending_active[s] = id;
    m_pending_set[s] = true;
}

void App::open_frame(uint32_t frame) {
    m_state.frame = frame;
    m_state.frame_window_open = true;
}

void App::set_classroom(bool on) {
    m_state.classroom = on;
    m_state.font_size_pending = on ? std::max(m_state.font_size, 22.0f) : 15.0f;
}

// ------------------------------------------------------------------------------------------------
// Panels

bool App::begin_panel(PanelId id) {
    const Slot slot = m_layout.slot_of[size_t(id)];
    const size_t s = size_t(slot);
    if (m_layout.visible_panels[s] > 1 && m_state.active_in_slot[s] != id) return false;
    const ImRect r = m_layout.rect[s];
    if (r.GetWidth() < 8 || r.GetHeight() < 8) return false;
    ImGui::SetNextWindowPos(r.Min, ImGuiCond_Always);
    ImGui::SetNextWindowSize(r.GetSize(), ImGuiCond_Always);
    // No background: the slots tile the window, and the frame is cleared to the background
    // colour anyway. A software rasterizer then shades each background pixel once, not twice.
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoTitleBar |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
    ImGui::Begin(slot_window_name(slot), nullptr, flags);
    m_probe.rect(std::string("panel.") + panel_title(id), r);
    m_tab_row_y = ImGui::GetCursorScreenPos().y;
    m_tabs_end_x = ImGui::GetCursorScreenPos().x;
    if (slot != Slot::Top) {
        if (ImGui::BeginTabBar("##tabs", ImGuiTabBarFlags_FittingPolicyResizeDown)) {
            for (size_t p = 0; p < kPanelCount; ++p) {
                if (!m_shown[p] || m_layout.slot_of[p] != slot) continue;
                const PanelId pid = PanelId(p);
                // The UI state decides which tab shows; a click on another tab changes the state
                // (from the next frame, since this frame's window already belongs to `id`).
                const ImGuiTabItemFlags tf = pid == id ? ImGuiTabItemFlags_SetSelected : 0;
                const bool open = ImGui::BeginTabItem(panel_label(pid).c_str(), nullptr, tf);
                if (ImGui::IsItemClicked() && pid != id) {
                    m_pending_active[s] = pid;
                    m_pending_set[s] = true;
                }
                glossary_label(panel_label(pid));  // "Page tables", "TLB": their glossary entry
                m_probe.last_item(std::string("tab.") + panel_title(pid));
                m_probe.value(std::string("label.") + panel_title(pid), tr(panel_title(pid)));
                m_tabs_end_x = std::max(m_tabs_end_x, ImGui::GetItemRectMax().x);
                if (open) ImGui::EndTabItem();
            }
            ImGui::EndTabBar();
        }
    }
    return true;
}

void App::end_panel() { ImGui::End(); }

bool App::begin_tab_row(float width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    const float x = right - width;
    if (x < m_tabs_end_x + ImGui::GetFontSize()) return false;
    m_saved_cursor = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(x, m_tab_row_y));
    return true;
}

void App::end_tab_row() { ImGui::SetCursorScreenPos(m_saved_cursor); }

// ------------------------------------------------------------------------------------------------
// Window and frame loop

bool App::init_window() {
    glfwSetErrorCallback(glfw_error);
    if (!glfwInit()) {
        std::fprintf(stderr, "pagelab-ui: cannot open a window (no display?). Set DISPLAY or run under xvfb-run.\n");
        return false;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
#ifdef GLFW_SCALE_TO_MONITOR  // (emscripten's GLFW is 3.2, without it)
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_FALSE);
#endif
    m_window = glfwCreateWindow(m_options.width, m_options.height, "PageLab", nullptr, nullptr);
    if (!m_window) {
        std::fprintf(stderr, "pagelab-ui: cannot create an OpenGL 3.3 window.\n");
        glfwTerminate();
        return false;
    }
    glfwMakeContextCurrent(m_window);
    glfwSwapInterval(m_fixed_time ? 0 : 1);
    glfwSetWindowUserPointer(m_window, this);
    // Uncovered or resized: what is on screen is lost, draw the next frame even if it is the same.
    glfwSetWindowRefreshCallback(m_window, [](GLFWwindow* w) {
        if (auto* app = static_cast<App*>(glfwGetWindowUserPointer(w))) app->m_must_draw = true;
    });

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the layout is computed; nothing to remember between runs
    io.LogFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(m_window, true);
#ifdef __EMSCRIPTEN__
    ImGui_ImplOpenGL3_Init("#version 300 es");  // WebGL 2
#else
    ImGui_ImplOpenGL3_Init("#version 330 core");
#endif
    // The fonts are built by the first frame, once the lesson is loaded and its characters known
    // (building them here too cost a second atlas at start-up).
    return true;
}

void App::shutdown_window() {
    if (!m_window) return;
    for (auto& t : m_textures) t.release();  // needs the GL context, so before it goes
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(m_window);
    glfwTerminate();
    m_window = nullptr;
}

void App::rebuild_fonts_if_needed() {
    if (!m_style_applied || m_built_high_contrast != m_state.high_contrast) {
        apply_style(m_state.high_contrast);
        if (m_options.pixel_ratio != 1.0f) ImGui::GetStyle().ScaleAllSizes(m_options.pixel_ratio);
        m_style_applied = true;
        m_built_high_contrast = m_state.high_contrast;
    }
    m_state.font_size_pending = std::clamp(m_state.font_size_pending, 10.0f, 40.0f);
    if (m_built_font_size == m_state.font_size_pending && m_built_glyphs == m_glyphs.version() && m_built_language == m_language) return;
    const auto t0 = std::chrono::steady_clock::now();
    m_state.font_size = m_state.font_size_pending;
    m_glyphs.build_ranges(m_glyph_ranges, m_language);
    m_built_glyphs = m_glyphs.version();
    m_built_language = m_language;
    m_fonts = build_fonts(m_state.font_size * m_options.pixel_ratio, m_glyph_ranges.Data);
    m_icons = resolve_icons(m_fonts);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    m_built_font_size = m_state.font_size;
    m_font_build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void App::apply_startup_options() {
    if (!m_session) return;
    if (m_options.at_event) m_session->seek_event(*m_options.at_event);
    else if (m_options.at) seek_step(*m_options.at);
    m_startup_failed = false;
    if (m_options.moment_a) {
        const auto a = sim::parse_moment(*m_session, *m_options.moment_a);
        if (const size_t* cursor = std::get_if<size_t>(&a)) {
            m_moments.pin(*cursor);
            m_state.raise_panel = PanelId::Moments;
        } else {
            std::fprintf(stderr, "pagelab-ui: --moment-a %s\n", std::get<std::string>(a).c_str());
            m_startup_failed = true;
        }
    }
    // --answers: the questions the start-up jump passed, answered in order (for screenshots of the
    // score and the verdicts).
    size_t given = 0;
    for (size_t k = 0; k < m_session->step_count() && given < m_options.answers.size(); ++k) {
        const auto& ask = m_session->scenario().steps[k].ask;
        if (!ask || m_session->first_event_of_step(k) >= m_session->cursor()) continue;
        std::string why;
        if (const auto a = sim::parse_answer(*ask, m_options.answers[given++], why)) m_quiz.record(k, QuizAnswer{*a, sim::is_right(*ask, *a)});
        else {
            m_startup_failed = true;
            std::fprintf(stderr, "pagelab-ui: --answers: step %zu: %s\n", k + 1, why.c_str());
        }
    }
    if (m_options.ask && !stop_at_question()) {
        m_startup_failed = true;
        std::fprintf(stderr, "pagelab-ui: --ask: no question waits at the cursor (step %zu has none, or quizzes are off)\n",
                     m_session->steps_done() + 1);
    }
    derived();
    if (m_options.process) {
        if (const os::Process* p = machine().find_process(*m_options.process)) {
            select_space(p->space);
            if (m_options.address) {
                if (auto va = resolve_address(*m_options.address)) select_page(p->space, *va);
                // An explicit selection wins over following the last access on the first frame.
                m_last_session = m_session.get();
                m_last_cursor = m_session->cursor();
            }
        }
    }
    if (m_options.compare) {
        const std::string& c = *m_options.compare;
        const size_t comma = c.find(',');
        if (comma != std::string::npos) {
            if (const os::Process* a = machine().find_process(c.substr(0, comma))) m_state.compare_left = a->space;
            if (const os::Process* b = machine().find_process(c.substr(comma + 1))) m_state.compare_right = b->space;
        }
    }
    if (m_options.frame && *m_options.frame < mm().pfn().size()) open_frame(*m_options.frame);
    if (m_options.picker) m_state.open_picker = true;
    if (m_options.tab) {
        for (size_t p = 0; p < kPanelCount; ++p) {
            std::string t = panel_title(PanelId(p));
            std::string want = *m_options.tab;
            auto lower = [](std::string v) {
                std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
                return v;
            };
            if (lower(t).find(lower(want)) != std::string::npos) m_state.raise_panel = PanelId(p);
        }
    }
}

void App::begin_frame_state() {
    // Tabs chosen last frame take effect now; then every slot's active tab must be a shown panel.
    const bool classroom = m_state.classroom;
    const float menu_h = ImGui::GetFrameHeight();
    const ImGuiStyle& st = ImGui::GetStyle();
    const float controls_h = 2 * ImGui::GetFrameHeight() + 2 * st.WindowPadding.y + st.ItemSpacing.y + 2;
    // A question waits only while the cursor stands before its step (any move takes it away), and
    // while it waits the events of the whole run, which would tell the answer, are not listed.
    if (m_quiz.pending && (!m_session || !m_state.quiz || !about_to_start(*m_session, *m_quiz.pending))) m_quiz.pending.reset();
    if (m_quiz.pending) m_state.events_whole_run = false;
    const bool dragged = m_state.c1_split_px > 0;
    // Follow the story: a move of the cursor selects what the current step (or event) touched.
    if (m_session && (m_session.get() != m_last_session || m_session->cursor() != m_last_cursor)) {
        m_last_session = m_session.get();
        m_last_cursor = m_session->cursor();
        const auto& procs = machine().processes();
        if (m_state.space == mm::kNoSpace || m_state.space >= mm().spaces().size() || !mm().space(m_state.space).alive()) {
            m_state.space = mm::kNoSpace;
            // A process may have no space in range (kNoSpace after a failed CreateProcess):
            // indexing the spaces with it read past them, and crashed now and then.
            for (const os::Process& p : procs)
                if (p.space < mm().spaces().size() && mm().space(p.space).alive()) {
                    m_state.space = p.space;
                    break;
                }
        }
        if (!m_state.pinned) follow_story();
        if (m_state.compare_left == mm::kNoSpace && procs.size() >= 1) m_state.compare_left = procs[0].space;
        if (m_state.compare_right == mm::kNoSpace && procs.size() >= 2) m_state.compare_right = procs[1].space;
    }
    // The panels that take a place: those the user shows, the TLB only on a machine with one.
    m_shown = m_state.show;
    m_shown[size_t(PanelId::Tlb)] = m_shown[size_t(PanelId::Tlb)] && m_session && !mm().tlb().empty();
    ContentWants wants;
    if (m_session) {
        wants.c1 = dragged ? m_state.c1_split_px : m_state.c1_want_px;
        wants.c1_dragged = dragged;
        wants.c1_min = m_state.c1_min_px;
        wants.lesson = m_state.lesson_want_px;
    }
    m_layout = compute_layout(ImGui::GetIO().DisplaySize, menu_h, controls_h, classroom, m_shown, quiz_on_screen(), wants);
    for (size_t s = 0; s < kSlotCount; ++s) {
        if (m_pending_set[s]) m_state.active_in_slot[s] = m_pending_active[s];
        m_pending_set[s] = false;
    }
    if (m_state.raise_panel && m_shown[size_t(*m_state.raise_panel)])
        m_state.active_in_slot[size_t(m_layout.slot_of[size_t(*m_state.raise_panel)])] = *m_state.raise_panel;
    for (size_t s = 0; s < kSlotCount; ++s) {
        const PanelId cur = m_state.active_in_slot[s];
        if (m_shown[size_t(cur)] && m_layout.slot_of[size_t(cur)] == Slot(s)) continue;
        for (size_t p = 0; p < kPanelCount; ++p)
            if (m_shown[p] && m_layout.slot_of[p] == Slot(s)) {
                m_state.active_in_slot[s] = PanelId(p);
                break;
            }
    }

}

bool App::quiz_on_screen() const {
    if (m_quiz.pending) return true;
    if (!m_session || m_session->cursor() == 0) return false;
    const sim::Session& s = *m_session;
    const size_t step = s.at_step_boundary() ? s.steps_done() - 1 : s.current_step();
    return step < s.step_count() && s.scenario().steps[step].ask.has_value();
}

void App::handle_shortcuts() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) return;
    auto pressed = [](int key, bool repeat) { return ImGui::IsKeyPressed(key, repeat); };
    // A choice answers with its number (1-5, also on the keypad) or its letter (a-e).
    if (m_quiz.pending && !io.KeyCtrl && !io.KeyAlt) {
        const sim::Question& q = *m_session->scenario().steps[*m_quiz.pending].ask;
        for (size_t c = 0; c < q.choices.size() && c < 5; ++c)
            if (pressed(GLFW_KEY_1 + int(c), false) || pressed(GLFW_KEY_KP_1 + int(c), false) || pressed(GLFW_KEY_A + int(c), false)) {
                answer_question(std::string(1, sim::choice_letter(c)));
                return;
            }
    }
    if (pressed(GLFW_KEY_RIGHT, true)) {
        set_running(false);
        io.KeyShift ? step_event(+1) : step_operation(+1);
    }
    if (pressed(GLFW_KEY_LEFT, true)) {
        set_running(false);
        io.KeyShift ? step_event(-1) : step_operation(-1);
    }
    if (pressed(GLFW_KEY_SPACE, false)) toggle_run();
    if (pressed(GLFW_KEY_HOME, false)) {
        set_running(false);
        reset();
    }
    if (pressed(GLFW_KEY_END, false) && m_session) {
        set_running(false);
        seek_event(m_session->event_count());
    }
    if (pressed(GLFW_KEY_F11, false)) set_classroom(!m_state.classroom);
    if (io.KeyCtrl && pressed(GLFW_KEY_O, false)) m_state.open_picker = true;
    if (io.KeyCtrl && pressed(GLFW_KEY_R, false)) reload();
    if (io.KeyCtrl && (pressed(GLFW_KEY_EQUAL, false) || pressed(GLFW_KEY_KP_ADD, false))) m_state.font_size_pending += 2;
    if (io.KeyCtrl && (pressed(GLFW_KEY_MINUS, false) || pressed(GLFW_KEY_KP_SUBTRACT, false))) m_state.font_size_pending -= 2;
    if (pressed(GLFW_KEY_F1, false)) m_state.open_shortcuts = true;
    // Compare and find (ui/Moments.cpp, ui/Find.cpp).
    if (!io.KeyCtrl && !io.KeyAlt && pressed(GLFW_KEY_M, false)) toggle_moment_a(*this);
    if (io.KeyCtrl && pressed(GLFW_KEY_G, false)) m_state.open_goto = true;
    if (io.KeyCtrl && io.KeyShift && pressed(GLFW_KEY_C, false)) {
        const std::string pte = selected_pte_windbg(*this);
        if (!pte.empty()) {
            ImGui::SetClipboardText(pte.c_str());
            m_state.status = tr("!pte copied to the clipboard");
        }
    }
}

void App::draw() {
    draw_menu_bar(*this);
    // The flat list of panels: each draws itself from the session, every frame.
    if (m_state.show[size_t(PanelId::Controls)]) draw_controls_panel(*this);
    if (m_state.show[size_t(PanelId::Lesson)]) draw_lesson_panel(*this);
    if (m_state.show[size_t(PanelId::Events)]) draw_events_panel(*this);
    if (m_state.show[size_t(PanelId::AddressSpace)]) draw_address_space_panel(*this);
    if (m_state.show[size_t(PanelId::Objects)]) draw_objects_panel(*this);
    if (m_state.show[size_t(PanelId::PageTables)]) draw_page_tables_panel(*this);
    if (m_state.show[size_t(PanelId::Compare)]) draw_compare_panel(*this);
    if (m_state.show[size_t(PanelId::Moments)]) draw_moments_panel(*this);
    if (m_state.show[size_t(PanelId::EntryDecoder)]) draw_entry_decoder_panel(*this);
    if (m_state.show[size_t(PanelId::Walk)]) draw_walk_panel(*this);
    if (m_shown[size_t(PanelId::Tlb)]) draw_tlb_panel(*this);
    if (m_state.show[size_t(PanelId::Physical)]) draw_physical_panel(*this);
    if (m_state.show[size_t(PanelId::Pagefile)]) draw_pagefile_panel(*this);
    if (m_state.show[size_t(PanelId::Counters)]) draw_counters_panel(*this);
    if (m_state.frame_window_open) draw_frame_window(*this);
    draw_scenario_picker(*this);
    draw_load_error(*this);
    m_live.draw(*this);
    draw_shortcuts_help(*this);
    draw_goto_box(*this);
    draw_export_popup(*this);
    m_state.raise_panel.reset();
}

namespace {
// A CPU clock in milliseconds: the calling thread's (CLOCK_THREAD_CPUTIME_ID) or the process's.
// A browser has no CPU clock (emscripten's clock_gettime refuses both, which left every figure of
// the page's benchmark at 0): there it is the wall clock, performance.now() (docs/web.md).
double cpu_clock_ms(clockid_t clock) {
#ifdef __EMSCRIPTEN__
    clock = CLOCK_MONOTONIC;
#endif
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}
}  // namespace

namespace {
// A fingerprint of what a frame draws: its size, every draw list's vertices, indices and commands
// (clip rectangles, textures), and how many texture uploads there have been.
uint64_t frame_key(const ImDrawData* dd, int w, int h) {
    uint64_t k = 1469598103934665603ull;
    auto mix = [&k](const void* data, size_t bytes) {
        const auto* p = static_cast<const unsigned char*>(data);
        uint64_t word = 0;
        for (size_t i = 0; i + 8 <= bytes; i += 8) {
            std::memcpy(&word, p + i, 8);
            k = (k ^ word) * 0x100000001b3ull;
            k ^= k >> 29;
        }
        for (size_t i = bytes & ~size_t{7}; i < bytes; ++i) k = (k ^ p[i]) * 0x100000001b3ull;
    };
    const uint64_t head[3] = {uint64_t(w), uint64_t(h), GlTexture::upload_count()};
    mix(head, sizeof head);
    if (!dd) return k;
    for (int i = 0; i < dd->CmdListsCount; ++i) {
        const ImDrawList* l = dd->CmdLists[i];
        mix(l->VtxBuffer.Data, size_t(l->VtxBuffer.Size) * sizeof(ImDrawVert));
        mix(l->IdxBuffer.Data, size_t(l->IdxBuffer.Size) * sizeof(ImDrawIdx));
        for (const ImDrawCmd& c : l->CmdBuffer) {
            const uint64_t cmd[4] = {uint64_t(reinterpret_cast<uintptr_t>(c.TextureId)), c.ElemCount, c.IdxOffset,
                                     uint64_t(c.VtxOffset)};
            mix(cmd, sizeof cmd);
            mix(&c.ClipRect, sizeof c.ClipRect);
        }
    }
    return k;
}
}  // namespace

bool App::frame() {
    if (!m_fixed_time) {
        // Idle, the window sleeps until an event (or a quarter second) passes; after an event it
        // draws a few frames in a row, since ImGui settles some changes (tabs, popups) a frame late.
        if (m_state.running || ImGui::IsMouseDown(0) || m_busy_frames > 0) {
            glfwPollEvents();
            if (m_busy_frames > 0) --m_busy_frames;
        } else {
            const double before = glfwGetTime();
            glfwWaitEventsTimeout(0.25);
            if (glfwGetTime() - before < 0.24) m_busy_frames = 4;
        }
    } else {
        glfwPollEvents();
    }
    rebuild_fonts_if_needed();
    const double own_start = cpu_clock_ms(CLOCK_THREAD_CPUTIME_ID);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    if (m_fixed_time) {
        io.DeltaTime = 1.0f / 60.0f;
        // Screenshots and benchmarks: the X server's pointer must not hover anything.
        io.MousePos = m_bench_mouse ? *m_bench_mouse : ImVec2(-FLT_MAX, -FLT_MAX);
        for (bool& b : io.MouseDown) b = false;
    }
    if (m_test) m_test->inject(*this);
    ImGui::NewFrame();
    ImGui::PushFont(m_fonts.ui);
    m_probe.begin_frame();
    m_window_size = io.DisplaySize;
    m_live.update(*this, io.DeltaTime);
    begin_frame_state();
    update_run(io.DeltaTime);
    handle_shortcuts();
    draw();
    ImGui::PopFont();
    const double own_end = cpu_clock_ms(CLOCK_THREAD_CPUTIME_ID);
    const double render_start = cpu_clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    ImGui::Render();
    int w, h;
    glfwGetFramebufferSize(m_window, &w, &h);
#ifndef __EMSCRIPTEN__
    if (!m_fixed_time) {
        // Nothing changed on screen (idle, or input that moved nothing): keep the frame shown.
        const uint64_t key = frame_key(ImGui::GetDrawData(), w, h);
        if (key == m_drawn_key && !m_must_draw) {
            ++m_frames_skipped;
            ++m_frame;
            return false;
        }
        m_drawn_key = key;
        m_must_draw = false;
    }
#endif
    glViewport(0, 0, w, h);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (m_options.bench_frames > 0) {
        glFinish();
        glfwSwapBuffers(m_window);  // (run_bench's loop does not swap again)
        m_own_cpu_ms = own_end - own_start;
        m_render_cpu_ms = cpu_clock_ms(CLOCK_PROCESS_CPUTIME_ID) - render_start;
    }
    if (m_test) {
        m_test->after_frame(*this);
        if (m_test->take_dump_request()) {
            const std::string png = fmt::format("ui-test-{}-frame{}.png", m_test->name(), m_frame);
            if (auto problem = write_png(png, read_back_buffer(w, h))) std::printf("  (the window as drawn was not written: %s)\n", problem->c_str());
            else std::printf("  (the window as drawn: %s)\n", png.c_str());
        }
    }
    if (m_frame == 0) m_startup_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_created).count();
    ++m_frame;
    return true;
}

uint32_t App::pixel_at(ImVec2 p) const {
    int w, h;
    glfwGetFramebufferSize(m_window, &w, &h);
    return read_pixel(int(p.x), int(p.y), h);
}

int App::run() {
    const UiTest* test = nullptr;
    if (!m_options.ui_test.empty()) {
        test = find_ui_test(m_options.ui_test);
        if (!test) {
            std::fprintf(stderr, "pagelab-ui: no UI test named '%s'. Known tests:\n", m_options.ui_test.c_str());
            for (const UiTest& t : ui_tests()) std::fprintf(stderr, "  %-18s %s\n", t.name.c_str(), t.summary.c_str());
            return 2;
        }
        if (m_options.file.empty()) m_options.file = (fs::path(PAGELAB_SOURCE_DIR) / test->lesson).string();
        m_options.width = test->width;
        m_options.height = test->height;
        m_state.quiz = test->quiz;
        if (test->classroom) {
            m_state.classroom = true;
            m_state.font_size = m_state.font_size_pending = 22.0f;
        }
        m_test = std::make_unique<TestDriver>(test->name);
        m_test->wait(3);  // widgets record their rectangles once drawn; modals settle their size
        test->script(*m_test);
        m_probe.enable(true);
    }
    m_fixed_time = m_test || m_options.screenshot || m_options.bench_frames > 0;
    m_live.set_enabled(m_options.watch && !m_options.screenshot && m_options.bench_frames == 0);
    if (!m_options.crop.empty()) m_probe.enable(true);  // panel rectangles for the crop
    if (!init_window()) return 3;

    const std::string file = m_options.file.empty() ? default_lesson() : m_options.file;
    const bool loaded = load(file);
    apply_startup_options();

#ifdef __EMSCRIPTEN__
    // The browser calls back once per animation frame; the App lives on after main() returns.
    return WebLoop::start(*this);
#endif
    if (m_test) return run_test();
    if (m_options.screenshot) {
        const int code = run_screenshot();
        return code != 0 ? code : (loaded && !m_startup_failed ? 0 : 2);
    }
    if (m_options.bench_frames > 0) return run_bench();
    while (!glfwWindowShouldClose(m_window))
        if (frame()) glfwSwapBuffers(m_window);
    return 0;
}

int App::run_screenshot() {
    // A few frames let ImGui settle window sizes, tab bars and auto-fitted columns.
    for (int i = 0; i < 6; ++i) {
        frame();
        if (i < 5) glfwSwapBuffers(m_window);
    }
    int w, h;
    glfwGetFramebufferSize(m_window, &w, &h);
    Pixels px = read_back_buffer(w, h);
    glfwSwapBuffers(m_window);
    if (!m_options.crop.empty()) {
        // The union of the named panels' rectangles ("frame" is the frame window).
        ImRect r(FLT_MAX, FLT_MAX, -FLT_MAX, -FLT_MAX);
        for (const std::string& name : m_options.crop) {
            const ImRect* pr = m_probe.find_rect(name == "frame" ? std::string("frame.window") : "panel." + name);
            if (!pr) {
                std::fprintf(stderr, "pagelab-ui: --crop: panel '%s' was not drawn\n", name.c_str());
                return 2;
            }
            r.Add(*pr);
        }
        r.Expand(2.0f);
        px = crop(px, int(r.Min.x), int(r.Min.y), int(r.GetWidth()), int(r.GetHeight()));
    }
    if (auto problem = write_png(*m_options.screenshot, px)) {
        // (A file that is not PageLab's PNG is never overwritten; the write is atomic.)
        std::fprintf(stderr, "pagelab-ui: error: %s\n", problem->c_str());
        return 2;
    }
    std::printf("pagelab-ui: wrote %s (%dx%d)\n", m_options.screenshot->c_str(), px.width, px.height);
    return 0;
}

namespace {
// The last frame's draw data: lists, commands, vertices, and the area its triangles cover
// (overdraw included: llvmpipe's fragment work), as a share of the window.
void print_draw_data(int w, int h) {
    const ImDrawData* dd = ImGui::GetDrawData();
    if (!dd) return;
    int cmds = 0;
    double area = 0;
    for (int i = 0; i < dd->CmdListsCount; ++i) {
        const ImDrawList* l = dd->CmdLists[i];
        cmds += l->CmdBuffer.Size;
        for (const ImDrawCmd& c : l->CmdBuffer) {
            for (unsigned k = 0; k + 2 < c.ElemCount; k += 3) {
                const ImVec2 a = l->VtxBuffer[int(c.VtxOffset + l->IdxBuffer[int(c.IdxOffset + k)])].pos;
                const ImVec2 b = l->VtxBuffer[int(c.VtxOffset + l->IdxBuffer[int(c.IdxOffset + k + 1)])].pos;
                const ImVec2 d = l->VtxBuffer[int(c.VtxOffset + l->IdxBuffer[int(c.IdxOffset + k + 2)])].pos;
                area += std::abs((b.x - a.x) * (d.y - a.y) - (d.x - a.x) * (b.y - a.y)) * 0.5;
            }
        }
    }
    std::printf("bench: last frame: %d draw lists, %d draw commands, %d vertices, %d indices; triangles cover %.2f times the window\n",
                dd->CmdListsCount, cmds, dd->TotalVtxCount, dd->TotalIdxCount, area / (double(w) * double(h)));
}

struct BenchSeries {
    std::vector<double> wall, own, render, cpu;  // per frame, ms
};

// Medians and p95 of each series. Wall time depends on what else the machine runs; the CPU times
// are the work a frame costs.
void print_bench_series(std::initializer_list<std::pair<const char*, const BenchSeries*>> series) {
    auto stat = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return std::pair{v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)]};
    };
    for (const auto& [name, r] : series) {
        const auto [wall, wall95] = stat(r->wall);
        const auto [own, own95] = stat(r->own);
        const auto [render, render95] = stat(r->render);
        const auto [cpu, cpu95] = stat(r->cpu);
        std::printf("bench: %-13s median %.2f ms/frame (p95 %.2f); own %.2f ms (p95 %.2f), renderer %.2f ms (p95 %.2f), CPU %.2f ms (p95 %.2f)\n",
                    name, wall, wall95, own, own95, render, render95, cpu, cpu95);
    }
}
}  // namespace

int App::run_bench() {
    if (!m_session) return 2;
    const int n = m_options.bench_frames;
    using Series = BenchSeries;
    // One frame as the interactive loop draws it (frame() swaps when benchmarking), timed.
    auto timed_frame = [&](Series& out, bool keep) {
        const double c0 = cpu_clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        const auto t0 = std::chrono::steady_clock::now();
        frame();
        if (!keep) return;
        out.wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        out.cpu.push_back(cpu_clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0);
        out.own.push_back(m_own_cpu_ms);
        out.render.push_back(m_render_cpu_ms);
    };
    int w, h;
    glfwGetFramebufferSize(m_window, &w, &h);
    // The mouse's path when it moves: a zigzag over the whole window, a new place every frame,
    // so that every panel's hover (grid cells, frames, tooltips) is drawn.
    auto mouse_at = [&](int i) {
        const int cols = 37, rows = 23;
        const int c = i % cols, r = (i / cols) % rows;
        return ImVec2((float(c) + 0.5f) * float(w) / float(cols), (float(r) + 0.5f) * float(h) / float(rows));
    };
    enum class Mode { Still, Events, Mouse };
    auto measure = [&](Mode mode) {
        Series s;
        for (int i = 0; i < n + 10; ++i) {
            if (mode == Mode::Events) {
                // The worst case: every frame the cursor moves one event, so every cache and texture is rebuilt.
                if (m_session->cursor() >= m_session->event_count()) m_session->reset();
                else m_session->step_event_forward();
            }
            m_bench_mouse = mode == Mode::Mouse ? std::optional<ImVec2>(mouse_at(i)) : std::nullopt;
            timed_frame(s, i >= 10);
        }
        m_bench_mouse.reset();
        return s;
    };
    // Warm up first: the first frames after start-up are slow for reasons of the renderer
    // (llvmpipe compiles shader variants, the X server maps its buffers), not of the UI.
    const size_t start = m_session->cursor();
    Series none;
    for (int i = 0; i < std::min(60, std::max(20, n)); ++i) {
        m_session->step_event_forward();
        timed_frame(none, false);
    }
    m_session->seek_event(start);
    const Series still = measure(Mode::Still);
    const Series events = measure(Mode::Events);
    m_session->seek_event(start);
    const Series mouse = measure(Mode::Mouse);
    print_draw_data(w, h);
    const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    std::printf("bench: %s, %u frames, %zu events, %dx%d, renderer %s\n", fs::path(m_path).filename().string().c_str(),
                mm().pfn().size(), m_session->event_count(), w, h, renderer ? renderer : "?");
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    size_t chars = 0;
    for (int i = 0; i + 1 < m_glyph_ranges.Size; i += 2) chars += size_t(m_glyph_ranges[i + 1] - m_glyph_ranges[i] + 1);
    std::printf("bench: fonts: atlas %dx%d for %zu characters in 5 faces (%s, %.0f px), built in %.0f ms, CJK font %s\n", atlas->TexWidth,
                atlas->TexHeight, chars, m_language.c_str(), m_state.font_size, m_font_build_ms, m_fonts.cjk ? "merged" : "missing");
    std::printf("bench: start-up: %.0f ms from the window's creation to the end of its first frame\n", m_startup_ms);
    std::printf("bench: load average %.2f while measuring\n", [] {
        double l[1] = {0};
        return getloadavg(l, 1) == 1 ? l[0] : -1.0;
    }());
    print_bench_series({{"still", &still}, {"cursor moving", &events}, {"mouse moving", &mouse}});
    return 0;
}

int App::run_test() {
    std::printf("ui test %s: %s\n", m_test->name().c_str(), m_options.file.c_str());
    const uint64_t limit = 3000;  // a runaway script ends here, failed
    while (!m_test->done() && m_frame < limit && !glfwWindowShouldClose(m_window)) {
        frame();
        glfwSwapBuffers(m_window);
    }
    if (!m_test->done()) {
        std::printf("FAIL: the script did not finish within %llu frames\n", static_cast<unsigned long long>(limit));
        return 1;
    }
    std::printf("ui test %s: %d checks, %d failed (%llu frames)\n", m_test->name().c_str(), m_test->checks(),
                m_test->failures(), static_cast<unsigned long long>(m_frame));
    return m_test->failures() == 0 ? 0 : 1;
}

}  // namespace pagelab::ui
