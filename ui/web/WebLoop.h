// The browser's frame loop (emscripten): instead of App::run's blocking loop, the page calls one
// frame per animation frame; App::run hands over here and returns, and the App lives on.
#pragma once

namespace pagelab::ui {

class App;

struct WebLoop {
    // Registers the frame callback (interactive or a built-in UI test), or runs the benchmark
    // right away; returns main()'s exit code.
    static int start(App& app);
    static void tick(void*);
    static void tick_frame();
    // For the page's JS (ui/web/WebMain.cpp's exported functions).
    static App* app();
    static void resize(int width, int height);
    static bool open(const char* path);
    // The query of a link to this moment; a file the user opened gives "file=NAME&…" unless it
    // is byte for byte one of the served lessons (then it is linked as that lesson).
    static const char* moment();
    static const char* title();
    // The window's language (as its Language menu sets it).
    static void set_language(const char* lang);
    // The page has written the Chinese font into the file system: the atlas is built again.
    static void fonts_arrived();
};

}  // namespace pagelab::ui
