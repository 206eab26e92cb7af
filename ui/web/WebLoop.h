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
    static const char* moment();
    static const char* title();
};

}  // namespace pagelab::ui
