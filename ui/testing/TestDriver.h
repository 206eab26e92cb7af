// Scripted UI tests that drive the real window through injected input (Dear ImGui 1.86:
// io.MousePos, io.MouseDown[], io.KeysDown[]), one input change per frame, and check the session
// and what was drawn (probe values, recorded rectangles, pixels of the back buffer).
//
// A script is a queue of actions. Each frame the driver applies the next input (move, press,
// release, key) before ImGui::NewFrame and runs the next check after the frame is rendered, so a
// check sees what the window drew in response to the input before it.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "imgui.h"

namespace pagelab::ui {

class App;
struct AppOptions;

class TestDriver {
public:
    // A check returns an empty string when it holds, else what went wrong.
    using Check = std::function<std::string(App&)>;
    using Where = std::function<std::optional<ImVec2>(App&)>;

    explicit TestDriver(std::string name) : m_name(std::move(name)) {}

    // Script building.
    void click(const std::string& rect_name, ImVec2 fraction = ImVec2(0.5f, 0.5f));
    void click_at(const std::string& what, Where where);
    // Move the mouse there without pressing, then wait `frames` frames: for a tooltip (a click
    // would act: on an event's row it moves the cursor).
    void hover(const std::string& rect_name, ImVec2 fraction = ImVec2(0.5f, 0.5f), int frames = 2);
    void hover_at(const std::string& what, Where where, int frames = 2);
    void key(int glfw_key, bool shift = false, bool ctrl = false);
    void type(const std::string& text);  // characters into the focused text field, as typed
    void wheel(const std::string& rect_name, ImVec2 fraction, float amount);
    // Press at one point of a recorded rectangle, move to another over a few frames, release.
    void drag(const std::string& rect_name, ImVec2 from, ImVec2 to);
    void double_click_at(const std::string& what, Where where);
    void wait(int frames);
    // Idle frames until `ready` holds, at most `max_frames` (then the script goes on, and its next
    // check says what is missing): what arrives asynchronously, as the browser's Chinese font.
    void wait_until(const std::string& what, std::function<bool(App&)> ready, int max_frames);
    void mouse_away();  // so that no hover highlight covers what a check reads
    void act(const std::string& what, std::function<void(App&)> fn);
    void check(const std::string& what, Check fn);

    // Running (called by the App's frame loop).
    void inject(App& app);       // after the platform backend's NewFrame, before ImGui::NewFrame
    void after_frame(App& app);  // after rendering, before the swap
    bool done() const { return m_queue.empty() || m_aborted; }
    int failures() const { return m_failures; }
    int checks() const { return m_checks; }
    const std::string& name() const { return m_name; }
    // True once after a check failed: the App then saves the frame as a PNG for the report.
    bool take_dump_request() { return std::exchange(m_dump, false); }

private:
    enum class Op : uint8_t { Move, Down, Up, KeyDown, KeyUp, Wheel, Idle, Act, Check, Type, WaitUntil };
    struct Micro {
        Op op = Op::Idle;
        std::string what;
        Where where;
        int key = 0;
        bool shift = false;
        bool ctrl = false;
        float wheel = 0;
        std::function<void(App&)> act;
        std::function<bool(App&)> ready;  // WaitUntil (frames left in `key`)
        Check check;
    };
    void fail(const std::string& what, const std::string& why);

    std::string m_name;
    std::deque<Micro> m_queue;
    ImVec2 m_mouse{-1, -1};
    bool m_mouse_down = false;
    std::optional<Micro> m_pending_check;
    int m_failures = 0;
    int m_checks = 0;
    bool m_aborted = false;
    bool m_dump = false;
};

struct UiTest {
    std::string name;
    std::string summary;
    std::string lesson;  // file the window opens (relative to the source tree)
    int width = 1280, height = 800;
    std::function<void(TestDriver&)> script;
    bool quiz = false;  // stop at questions (off, so that stepping tests step whatever the lesson asks)
    bool classroom = false;  // start in classroom mode
};
const std::vector<UiTest>& ui_tests();
const UiTest* find_ui_test(const std::string& name);

}  // namespace pagelab::ui
