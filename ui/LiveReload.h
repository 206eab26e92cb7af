// Live reload: the window watches the open scenario, the `pe:` files it reads and the course index
// beside it, and on a save reloads (docs/authoring.md). The position is kept where the run allows
// it (sim/Reload.h says where the cursor goes); a file that does not load leaves the last good
// lesson on screen with the error shown in place — FILE:LINE:COL, the offending line, a caret —
// until the next save fixes it.
//
// Watching is polling (io/FileWatch.h) on the window's own clock, a quarter second apart: no thread
// and no OS notification, so the WebAssembly build reloads the same way from its file system.
#pragma once

#include <optional>
#include <string>

#include "io/FileWatch.h"
#include "sim/Reload.h"

namespace pagelab::ui {

class App;

class LiveReload {
public:
    void set_enabled(bool on) { m_enabled = on; }
    bool enabled() const { return m_enabled; }
    // Each frame: polls when a quarter second of the window's clock has passed, and reloads.
    void update(App& app, double dt);
    // The error banner (over the bottom of the window) while the file does not load.
    void draw(App& app);

    const std::optional<std::string>& error() const { return m_error; }
    size_t reloads() const { return m_reloads; }

private:
    void reload_scenario(App& app, const std::string& path);

    bool m_enabled = true;
    double m_clock = 0;
    io::FileWatch m_watch;
    std::string m_target;                 // the scenario the watch list was made for
    const void* m_session_seen = nullptr; // ... and the session (a new one may read other files)
    std::optional<std::string> m_course;  // the course index beside it
    std::optional<std::string> m_error;   // the scenario's load error
    std::optional<sim::ErrorExcerpt> m_excerpt;
    std::optional<std::string> m_course_error;
    std::optional<sim::ErrorExcerpt> m_course_excerpt;
    size_t m_reloads = 0;
    bool m_close_error_popup = false;  // a reload fixed the file the window opened with
};

}  // namespace pagelab::ui
