#include "web/WebLoop.h"

#include <cstdio>
#include <exception>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <fmt/format.h>

#include "App.h"
#include "imgui.h"
#include "i18n/I18n.h"
#include "testing/TestDriver.h"

namespace pagelab::ui {

namespace {

App* g_app = nullptr;
struct WebSettings {
    bool classroom = false;
    bool quiz = true;
    std::string lang;
};
WebSettings g_saved;
std::string g_title_shown;

// The page (ui/web/index.html) defines these on Module; they are optional, so that the same build
// runs under a page that knows nothing of them.
EM_JS(void, web_report, (const char* state, const char* text), {
    if (Module.pagelabReport) Module.pagelabReport(UTF8ToString(state), UTF8ToString(text));
});
EM_JS(void, web_first_frame, (), {
    if (Module.pagelabFirstFrame) Module.pagelabFirstFrame();
});
EM_JS(void, web_save_setting, (const char* key, const char* value), {
    try { localStorage.setItem('pagelab.' + UTF8ToString(key), UTF8ToString(value)); } catch (e) {}
});
EM_JS(void, web_show_lesson, (const char* title), {
    if (Module.pagelabLesson) Module.pagelabLesson(UTF8ToString(title));
});
// Chinese needs the CJK font, which is not in the initial download: the page fetches it (once)
// and calls pagelab_web_fonts_arrived when it is in the file system.
EM_JS(void, web_need_cjk_font, (), {
    if (Module.pagelabNeedCjkFont) Module.pagelabNeedCjkFont();
});
bool g_cjk_requested = false;

// Whether two files hold the same bytes.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(a, ec) || !std::filesystem::is_regular_file(b, ec)) return false;
    if (std::filesystem::file_size(a, ec) != std::filesystem::file_size(b, ec)) return false;
    std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
    return std::equal(std::istreambuf_iterator<char>(fa), std::istreambuf_iterator<char>(), std::istreambuf_iterator<char>(fb));
}

// Input since the last frame (the page counts the events it sees; see index.html).
EM_JS(int, web_take_input, (), {
    const n = Module.pagelabInput || 0;
    Module.pagelabInput = 0;
    return n;
});

int g_idle = 0;      // frames drawn since the last input
int g_skipped = 0;   // animation frames skipped since the last frame drawn

// The desktop window sleeps until an event or a quarter second passes and then draws a few frames
// in a row (ImGui settles some changes a frame late); so does this one, on battery-powered laptops.
bool should_draw(App& a, bool testing) {
    if (testing || a.state().running || ImGui::IsMouseDown(0) || web_take_input() > 0) {
        g_idle = 0;
    } else if (g_idle >= 4 && ++g_skipped < 15) {
        return false;
    }
    ++g_idle;
    g_skipped = 0;
    return true;
}

void save_settings_if_changed(App& a) {
    const UiState& st = a.state();
    const std::string lang(i18n::language());
    if (st.classroom != g_saved.classroom) web_save_setting("classroom", st.classroom ? "1" : "0");
    if (st.quiz != g_saved.quiz) web_save_setting("quiz", st.quiz ? "1" : "0");
    if (lang != g_saved.lang) web_save_setting("lang", lang.c_str());
    g_saved = WebSettings{st.classroom, st.quiz, lang};
}

}  // namespace

App* WebLoop::app() { return g_app; }

int WebLoop::start(App& a) {
    g_app = &a;
    // The settings as the page opened them (URL or local storage) are not written back; a change
    // made in the window is.
    g_saved = WebSettings{a.state().classroom, a.state().quiz, std::string(i18n::language())};
    if (a.m_options.bench_frames > 0) {
        const int code = a.run_bench();  // synchronous, like the desktop's: glFinish per frame
        web_report(code == 0 ? "passed" : "failed", "benchmark done");
        return code;
    }
    if (a.m_test) std::printf("ui test %s: %s\n", a.m_test->name().c_str(), a.m_options.file.c_str());
    // Interactive: one frame per animation frame. A test: frames on a timer, which headless
    // Chromium's virtual time (--virtual-time-budget) runs as fast as they come.
    emscripten_set_main_loop_arg(&WebLoop::tick, nullptr, a.m_test ? 60 : 0, false);
    return 0;
}

void WebLoop::tick(void*) {
    // No exception may leave a frame (the browser would only see a number): as the desktop's
    // main(), it becomes a message, and the loop stops.
    try {
        tick_frame();
    } catch (const std::exception& e) {
        emscripten_cancel_main_loop();
        std::fprintf(stderr, "pagelab-web: error: %s\n", e.what());
        web_report("error", (std::string("pagelab-web: error: ") + e.what()).c_str());
    } catch (...) {
        emscripten_cancel_main_loop();
        web_report("error", "pagelab-web: error: unexpected internal error");
    }
}

void WebLoop::tick_frame() {
    App& a = *g_app;
    if (!g_cjk_requested && i18n::language() == std::string_view("zh")) {
        g_cjk_requested = true;
        web_need_cjk_font();
    }
    if (!should_draw(a, a.m_test != nullptr)) return;
    a.frame();
    glfwSwapBuffers(a.m_window);
    if (a.m_frame == 1) web_first_frame();
    const char* title = a.has_session() ? a.session().scenario().title.c_str() : "";
    if (g_title_shown != title) {
        g_title_shown = title;
        web_show_lesson(title);
    }
    if (!a.m_test) {
        save_settings_if_changed(a);
        return;
    }
    const uint64_t limit = 3000;  // as App::run_test: a runaway script ends here, failed
    if (!a.m_test->done() && a.m_frame < limit) return;
    emscripten_cancel_main_loop();
    std::string text;
    bool ok = false;
    if (!a.m_test->done()) {
        text = fmt::format("FAIL: the script did not finish within {} frames", limit);
    } else {
        text = fmt::format("ui test {}: {} checks, {} failed ({} frames)", a.m_test->name(), a.m_test->checks(),
                           a.m_test->failures(), a.m_frame);
        ok = a.m_test->failures() == 0 && a.m_test->checks() > 0;
    }
    std::printf("%s\n", text.c_str());
    web_report(ok ? "passed" : "failed", text.c_str());
}

void WebLoop::resize(int width, int height) {
    g_idle = 0;
    if (g_app && g_app->m_window && !g_app->m_test) glfwSetWindowSize(g_app->m_window, width, height);
}

bool WebLoop::open(const char* path) {
    g_idle = 0;  // draw the new lesson (or the error) now, whoever called
    return g_app && g_app->load(path);
}

const char* WebLoop::moment() {
    // The query of a link to this moment: the lesson (a course lesson by name, else the file),
    // the steps done (and the event when the cursor stands inside a step), the language, classroom.
    static std::string q;
    q.clear();
    if (!g_app || !g_app->has_session()) return "";
    const sim::Session& s = g_app->session();
    const std::filesystem::path p(g_app->scenario_path());
    if (p.parent_path() == "/scenarios") {
        q = "lesson=" + p.stem().string();
    } else {
        // A file opened from this computer that is a served lesson, byte for byte, whatever its name.
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator("/scenarios", ec))
            if (entry.path().extension() == ".yaml" && same_file(p, entry.path())) {
                q = "lesson=" + entry.path().stem().string();
                break;
            }
        if (q.empty()) q = "file=" + p.filename().string();
    }
    q += fmt::format("&at={}", s.steps_done());
    if (!s.at_step_boundary()) q += fmt::format("&event={}", s.cursor());
    if (i18n::language() != "en") q += "&lang=" + std::string(i18n::language());
    if (g_app->state().classroom) q += "&classroom=1";
    return q.c_str();
}

void WebLoop::set_language(const char* lang) {
    g_idle = 0;
    if (g_app) g_app->set_language(lang);
    else i18n::set_language(lang);
}

void WebLoop::fonts_arrived() {
    g_idle = 0;
    if (g_app) g_app->fonts_changed();
}

const char* WebLoop::title() {
    static std::string t;
    t = g_app && g_app->has_session() ? g_app->session().scenario().title : std::string();
    return t.c_str();
}

}  // namespace pagelab::ui
