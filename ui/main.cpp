// pagelab-ui [FILE]: the window (DESIGN.md §5). Options render a screenshot, run the frame-time
// benchmark or a built-in UI test instead of the interactive loop.
#include <csignal>
#include <cstdio>
#include <exception>
#include <new>

#include <execinfo.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "App.h"
#include "testing/TestDriver.h"

namespace {

// A UI test that crashes prints where (ctest's log keeps it): a crash seen once in many runs
// (issue 14's helpers saw 'ui: clip-ru-1280' and 'ui: story-lessons-nt' end in SIGSEGV, rarely)
// is otherwise lost. Only async-signal-safe calls; then the default action (exit code 139).
void crash_backtrace(int sig) {
    void* frames[64];
    const int n = backtrace(frames, 64);
    const char head[] = "pagelab-ui: crashed (signal); backtrace (addr2line -e pagelab-ui -f -C ADDRESS):\n";
    (void)!write(STDERR_FILENO, head, sizeof head - 1);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"PageLab: step through x86 paging as Windows does it, with every structure visible", "pagelab-ui"};
    pagelab::ui::AppOptions o;
    std::string size, frame, at_event_text;
    std::optional<size_t> at;
    bool list_tests = false;
    cli.add_option("file", o.file, "Scenario to open (default: scenarios/01-demand-zero.yaml)");
    cli.add_option("--screenshot", o.screenshot, "Render one frame to this PNG and exit");
    cli.add_option("--at", at, "Stand after this many steps (0 = the start)");
    cli.add_option("--at-event", o.at_event, "Stand at this event cursor instead");
    cli.add_option("--size", size, "Window size WxH (default 1600x1000)");
    cli.add_option("--bench-frames", o.bench_frames, "Render N frames still and N with the cursor moving; print ms per frame");
    cli.add_flag("--classroom", o.classroom, "Classroom mode: large fonts, no side panels");
    cli.add_flag("--high-contrast", o.high_contrast, "High-contrast colours");
    cli.add_option("--font-size", o.font_size, "Font size in pixels");
    cli.add_option("--process", o.process, "Select this process");
    cli.add_option("--address", o.address, "Select this page of the process (number, bound name, name+offset)");
    cli.add_option("--frame", frame, "Open this frame's window (number, 0x-hex)");
    cli.add_option("--tab", o.tab, "Bring this panel's tab to the front (e.g. walk, objects, side, pagefile)");
    cli.add_option("--compare", o.compare, "Processes side by side, as A,B");
    cli.add_flag("--single-event", o.single_event, "Start in single-event granularity");
    cli.add_option("--crop", o.crop, "With --screenshot: keep only these panels (titles, e.g. \"Page tables\", or frame)")
        ->delimiter(',');
    cli.add_flag("--no-quiz", o.no_quiz, "Do not stop at questions: show them with their answers (Quiz menu)");
    cli.add_flag("--ask", o.ask, "With --at N: stop at step N+1's question, as Step would (for screenshots)");
    cli.add_option("--answers", o.answers, "With --at: answer the questions passed on the way, in order (2,b,0x5)")->delimiter(',');
    bool no_watch = false;
    cli.add_flag("--no-watch", no_watch, "Do not reload the open scenario when it changes on disk");
    cli.add_option("--moment-a", o.moment_a, "Pin this moment as A for Compare A/B (a step number, a label, event:N, start, end)");
    cli.add_flag("--picker", o.picker, "Open the lesson picker (File > Open scenario...)");
    cli.add_option("--lessons", o.lessons_dir, "The lesson library the picker lists (a folder; its course.yaml orders it)");
    cli.add_option("--lang", o.lang, "Language: en, zh (简体中文) or ru (Русский); default: the one chosen last (Language menu), else LC_ALL / LC_MESSAGES / LANG")
        ->check(CLI::IsMember({"en", "zh", "ru"}));
    cli.add_option("--settings", o.settings, "The settings file the window remembers its language in (default ~/.config/pagelab/pagelab-ui.yaml)");
    cli.add_option("--ui-test", o.ui_test, "Run a built-in UI test (see --list-ui-tests)");
    cli.add_flag("--list-ui-tests", list_tests, "List the built-in UI tests");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        cli.exit(e);
        return e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success) ? 0 : 2;
    }
    if (list_tests) {
        for (const auto& t : pagelab::ui::ui_tests()) std::printf("%s\t%s\n", t.name.c_str(), t.summary.c_str());
        return 0;
    }
    o.at = at;
    o.watch = !no_watch;
    if (!o.ui_test.empty()) {
        void* warm[1];
        backtrace(warm, 1);  // loads libgcc now, not inside the handler
        std::signal(SIGSEGV, crash_backtrace);
        std::signal(SIGABRT, crash_backtrace);
    }
    if (!size.empty()) {
        int w = 0, h = 0;
        if (std::sscanf(size.c_str(), "%dx%d", &w, &h) != 2 || w < 320 || h < 240) {
            std::fprintf(stderr, "pagelab-ui: --size wants WxH, e.g. 1280x800\n");
            return 2;
        }
        o.width = w;
        o.height = h;
    }
    if (!frame.empty()) o.frame = uint32_t(std::stoul(frame, nullptr, 0));
    // No exception leaves main: each is a message and exit code 2 (loading a scenario reports its
    // own errors, out of memory included; this is the last resort).
    try {
        pagelab::ui::App app(std::move(o));
        return app.run();
    } catch (const std::bad_alloc&) {
        std::fputs("pagelab-ui: error: out of memory (the host refused an allocation)\n", stderr);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pagelab-ui: error: %s\n", e.what());
    } catch (...) {
        std::fputs("pagelab-ui: error: unexpected internal error\n", stderr);
    }
    return 2;
}
