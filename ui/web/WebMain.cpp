// pagelab-web: the window in the browser (docs/web.md). The page (index.html) turns the URL's
// parameters and the settings in local storage into these arguments:
//   --lesson NAME (scenarios/NAME.yaml) | --file PATH, --at N, --event N, --lang en|zh|ru,
//   --classroom, --no-quiz, --ui-test NAME, --bench-frames N, --size WxH (device pixels),
//   --pixel-ratio R (device pixels per CSS pixel: the fonts are rasterised that much larger).
// The lessons, the message catalogues and the fonts are preloaded into the virtual file system
// (/scenarios, /locale, /usr/share/fonts); App is the desktop window's, frame loop in WebLoop.
#include <cstdio>
#include <exception>
#include <new>

#include <CLI/CLI.hpp>
#include <emscripten.h>

#include "App.h"
#include "i18n/I18n.h"
#include "web/WebLoop.h"

using pagelab::ui::WebLoop;

extern "C" {

// Called by the page: the canvas follows the browser window (device pixels).
EMSCRIPTEN_KEEPALIVE void pagelab_web_resize(int width, int height) { WebLoop::resize(width, height); }
// A scenario the user picked or dropped, written into the virtual file system by the page; a bad
// file's FILE:LINE:COL error shows in the window, over the lesson that stays open.
EMSCRIPTEN_KEEPALIVE int pagelab_web_open(const char* path) { return WebLoop::open(path) ? 1 : 0; }
// The query string of a link to the current moment (lesson=...&at=...).
EMSCRIPTEN_KEEPALIVE const char* pagelab_web_moment() { return WebLoop::moment(); }
EMSCRIPTEN_KEEPALIVE const char* pagelab_web_title() { return WebLoop::title(); }
EMSCRIPTEN_KEEPALIVE void pagelab_web_set_language(const char* lang) { WebLoop::set_language(lang); }
// The page wrote the Chinese font (fetched when Chinese is chosen) into the file system.
EMSCRIPTEN_KEEPALIVE void pagelab_web_fonts_arrived() { WebLoop::fonts_arrived(); }
}

int main(int argc, char** argv) {
    CLI::App cli{"PageLab in the browser", "pagelab-web"};
    pagelab::ui::AppOptions o;
    std::string lesson, lang = "en", size;
    std::optional<size_t> at;
    float ratio = 1.0f;
    cli.add_option("--lesson", lesson, "A lesson of the course, by name (scenarios/NAME.yaml)");
    cli.add_option("--file", o.file, "A scenario file in the virtual file system");
    cli.add_option("--at", at, "Stand after this many steps");
    cli.add_option("--event", o.at_event, "Stand at this event cursor instead");
    CLI::Option* lang_option = cli.add_option("--lang", lang, "Language: en, zh or ru");
    cli.add_flag("--classroom", o.classroom, "Classroom mode");
    cli.add_flag("--no-quiz", o.no_quiz, "Do not stop at questions");
    cli.add_option("--ui-test", o.ui_test, "Run a built-in UI test");
    cli.add_option("--bench-frames", o.bench_frames, "Measure frame times (as pagelab-ui --bench-frames)");
    cli.add_option("--size", size, "Canvas size WxH in device pixels");
    cli.add_option("--pixel-ratio", ratio, "Device pixels per CSS pixel")->check(CLI::Range(0.5f, 4.0f));
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        cli.exit(e);
        return 2;
    }
    pagelab::i18n::set_catalog_dir("/locale");
    pagelab::i18n::set_language(lang);
    // The window's language is the page's (its lang parameter or the remembered one), not the
    // environment's, which is English in a browser.
    if (lang_option->count() > 0) o.lang = lang;
    if (!lesson.empty() && lesson.find('/') == std::string::npos) o.file = "/scenarios/" + lesson + ".yaml";
    o.at = at;
    if (!size.empty() && std::sscanf(size.c_str(), "%dx%d", &o.width, &o.height) != 2) {
        std::fprintf(stderr, "pagelab-web: --size wants WxH\n");
        return 2;
    }
    o.pixel_ratio = ratio;
    // The font size the desktop picks from the window's size, in CSS pixels. A built-in UI test
    // starts as `pagelab-ui --ui-test` does (the default window, then the test's own size), so
    // that it lays out, and clicks and reads pixels, as on the desktop.
    if (!o.ui_test.empty()) {
        o.width = pagelab::ui::AppOptions{}.width;
        o.height = pagelab::ui::AppOptions{}.height;
    } else if (!o.classroom && o.width / ratio < 1440) {
        o.font_size = 14.0f;
    }
    try {
        // The App outlives main(): the browser calls its frames afterwards.
        auto* app = new pagelab::ui::App(std::move(o));
        return app->run();
    } catch (const std::bad_alloc&) {
        std::fputs("pagelab-web: error: out of memory\n", stderr);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pagelab-web: error: %s\n", e.what());
    }
    return 2;
}

// stb_image_write's implementation (Debian ships it compiled in libstb, which is not for wasm):
// failed UI tests write their frame as a PNG into the virtual file system.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
