// The window's application object: owns the session (reloadable), the UI state, the fonts, the
// textures and the GLFW/OpenGL window, and runs the frame loop — interactive, screenshot,
// benchmark or scripted UI test. Panels (ui/panels/*.cpp) read the machine through the const
// accessors here and change it only through the commands, which go to sim::Session.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"

#include "Derived.h"
#include "GlTexture.h"
#include "Language.h"
#include "Layout.h"
#include "LiveReload.h"
#include "Moments.h"
#include "Quiz.h"
#include "Theme.h"
#include "UiState.h"
#include "sim/Course.h"
#include "sim/Session.h"
#include "testing/Probe.h"

struct GLFWwindow;

namespace pagelab::ui {

class TestDriver;

struct AppOptions {
    std::string file;                        // empty: the default lesson
    std::optional<std::string> screenshot;   // render, write this PNG, exit
    std::optional<size_t> at;                // steps done before the first frame
    std::optional<size_t> at_event;          // or this event cursor
    int width = 1600, height = 1000;
    int bench_frames = 0;
    bool classroom = false;
    bool high_contrast = false;
    std::optional<float> font_size;
    std::string ui_test;                     // run this built-in UI test
    std::optional<std::string> process;      // select this process ...
    std::optional<std::string> address;      // ... and this page (number or bound name)
    std::optional<uint32_t> frame;           // open this frame's window
    std::optional<std::string> tab;          // bring this panel's tab to the front
    bool single_event = false;               // start in single-event granularity
    std::optional<std::string> compare;      // "A,B": the processes side by side
    std::vector<std::string> crop;           // screenshot only these panels' area (titles, or "frame")
    bool no_quiz = false;                    // step through questions without stopping
    bool ask = false;                        // with --at N: show step N+1's question, as Step would
    std::vector<std::string> answers;        // with --at: the answers to the questions passed, in order
    std::optional<std::string> lessons_dir;  // the picker's lesson library (default: scenarios/)
    bool picker = false;                     // open the lesson picker (for screenshots)
    bool watch = true;                       // reload the open file when it changes on disk (--no-watch)
    std::optional<std::string> moment_a;     // pin this moment as A (as `pagelab diff --from` reads it)
    float pixel_ratio = 1.0f;                // device pixels per font pixel (the browser's devicePixelRatio)
    std::optional<std::string> lang;         // en, zh, ru; else the remembered one, else LANG
    std::optional<std::string> settings;     // the settings file (default: ~/.config/pagelab/pagelab-ui.yaml,
                                             // read and written only by the interactive window)
};

struct LessonInfo {
    std::string path;
    std::string file;   // file name
    std::string title;
    sim::Translations title_tr;
    size_t steps = 0;
    std::string machine;
    size_t questions = 0;
    std::string error;  // the load error, when the file is invalid
};

// The lesson library's course index (scenarios/course.yaml), read with the library.
struct CourseIndex {
    std::optional<sim::Course> course;
    std::string error;  // FILE:LINE:COL: error: ..., or why there is no index: the picker lists files
};

enum class TextureId : uint8_t { Strip, Frames, Slots, PdGrid, PtGrid, Count_ };

class App {
    friend struct WebLoop;  // the browser's frame loop (ui/web/), which the page drives

public:
    explicit App(AppOptions options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    int run();  // the process exit code

    // --- the model, read-only --------------------------------------------------------------
    bool has_session() const { return m_session != nullptr; }
    const sim::Session& session() const { return *m_session; }
    const os::Machine& machine() const { return m_session->machine(); }
    const mm::MemoryManager& mm() const { return m_session->machine().mm(); }
    const Derived& derived();
    const RunSeries& series() const { return m_series; }
    const std::string& scenario_path() const { return m_path; }
    // The process names bound at the end of the run (for address fields such as "buf+0x1000").
    std::optional<uint32_t> resolve_address(const std::string& text) const;
    const std::vector<std::string>& change_lines(size_t event);  // describe_change of each change

    // --- UI state ----------------------------------------------------------------------------
    UiState& state() { return m_state; }
    const Fonts& fonts() const { return m_fonts; }
    const Icons& icons() const { return m_icons; }  // symbols the fonts have (ASCII without DejaVu)
    const Palette& colours() const { return palette(m_state.high_contrast); }
    Probe& probe() { return m_probe; }
    MomentCompare& moments() { return m_moments; }  // moment A and its diff with the cursor (ui/Moments.h)
    GlTexture& texture(TextureId id) { return m_textures[size_t(id)]; }
    std::vector<ImU32>& texels(TextureId id) { return m_texels[size_t(id)]; }  // last upload, for grids
    const AppOptions& options() const { return m_options; }
    ImVec2 window_size() const { return m_window_size; }
    const std::vector<LessonInfo>& lessons(bool rescan = false);
    const CourseIndex& course();  // read with lessons(); rescanned with it
    std::string lessons_dir() const;
    void set_lessons_dir(const std::string& dir);  // and rescan
    std::string default_lesson();                  // what the window opens without a FILE
    // The quiz: the answers given in this lesson and the question waiting for one.
    const Quiz& quiz() const { return m_quiz; }
    Quiz& quiz_input() { return m_quiz; }  // the answer box's text
    bool quiz_on() const { return m_state.quiz; }
    // A question waits, or the current step's question is shown with its answer.
    bool quiz_on_screen() const;

    // --- commands: every change of the machine goes through these ----------------------------
    bool load(const std::string& path);
    void reload();
    // Live reload (ui/LiveReload.h): the reloaded run replaces the session, at the placement's
    // cursor (answers to the unchanged steps kept, selections kept where they still exist); without
    // a placement, as a fresh load.
    void adopt_reload(std::unique_ptr<sim::Session> fresh, const std::optional<sim::ReloadPlacement>& at);
    const LiveReload& live_reload() const { return m_live; }
    void reset();
    void step_forward();   // by the chosen granularity
    void step_back();
    void step_operation(int direction);
    void step_event(int direction);
    void seek_event(size_t cursor);
    void seek_step(size_t steps_done);
    void run_to_breakpoint();
    void toggle_run();
    void set_running(bool on);
    // The quiz. A forward move (Step, Right, Run, Run to breakpoint) into a step with an
    // unanswered question stops before it and puts the question on screen; answering (or
    // skipping) it then runs the step. Jumps (scrub bar, End, clicking an event) never stop.
    void answer_question(const std::string& input);  // a choice's letter, number or text, or a number
    void skip_question();
    void reset_quiz();    // forget every answer of this lesson
    void set_quiz(bool on);

    // --- selection helpers -------------------------------------------------------------------
    void select_space(uint16_t space);
    void select_page(uint16_t space, uint32_t va);  // its PDE, PTE and (if resident) frame
    void select_pde(uint32_t index);
    void open_frame(uint32_t frame);
    void raise(PanelId id);  // bring the panel's tab to the front (from the next frame)
    void set_classroom(bool on);
    // The window's language (en, zh, ru): messages, lesson texts and labels switch from the next
    // frame on; the interactive window remembers the choice in its settings file.
    void set_language(const std::string& code);
    const std::string& language() const { return m_language; }
    // A font file arrived (the browser fetches the Chinese font only when Chinese is chosen): the
    // atlas is built again before the next frame.
    void fonts_changed() { m_built_font_size = 0; }
    // Characters the fonts must draw (a lesson's, the course's): the atlas grows between frames.
    GlyphSet& glyphs() { return m_glyphs; }
    double font_build_ms() const { return m_font_build_ms; }
    // Selects what the current step (or, by event, the last event) touched: its process, the page
    // it accessed or the PTE it wrote, the frame, the region, the slot (ui/Story.cpp). Unless pinned,
    // every move of the cursor calls it.
    void follow_story();
    struct StoryFocus {
        uint16_t space = mm::kNoSpace;
        uint32_t va = 0;
        bool pde = false;  // the PDE of va, not its PTE
    };
    bool alive(uint16_t space) const { return space < mm().spaces().size() && mm().space(space).alive(); }

    // --- panel frames --------------------------------------------------------------------------
    // Opens the panel's slot window (with tabs when the slot holds several panels); false when the
    // panel is hidden behind another tab this frame. Pair a true result with end_panel().
    bool begin_panel(PanelId id);
    void end_panel();
    // Widgets on the right end of the panel's tab row, where there is room beside the tabs
    // (returns false and leaves the cursor alone when there is not). Pair true with end_tab_row().
    bool begin_tab_row(float width);
    void end_tab_row();
    const LayoutPlan& layout() const { return m_layout; }

    // For tests: pixels of the frame just rendered (back buffer, before the swap).
    uint32_t pixel_at(ImVec2 p) const;
    uint64_t frame_count() const { return m_frame; }

private:
    bool init_window();
    void shutdown_window();
    // One frame; false when it was not drawn (the interactive window skips a frame that would look
    // exactly like the one on screen: then there is nothing to swap).
    bool frame();
    void begin_frame_state();
    void draw();
    void handle_shortcuts();
    void update_run(double dt);
    bool advance(bool single_event);  // one move while running; false at the end or on a hit
    // Before a forward move: true (and the question on screen) when the move would start a step
    // whose question is unanswered.
    bool stop_at_question();
    void reveal();  // the move the question held back: the step (or, by event, its first event)
    void after_load();
    std::optional<StoryFocus> story_so_far();  // the last page the lesson touched before the current move
    void apply_startup_options();
    void rebuild_fonts_if_needed();
    int run_screenshot();
    int run_bench();
    int run_test();

    AppOptions m_options;
    std::unique_ptr<sim::Session> m_session;
    std::string m_path;
    Derived m_derived;
    RunSeries m_series;
    std::map<size_t, std::vector<std::string>> m_change_text;
    UiState m_state;
    Fonts m_fonts;
    Icons m_icons;
    float m_built_font_size = 0;
    std::string m_language = "en";
    std::string m_settings_path;  // empty: nothing remembered (screenshots, tests, benchmarks)
    GlyphSet m_glyphs;
    ImVector<ImWchar> m_glyph_ranges;
    uint64_t m_built_glyphs = 0;
    std::string m_built_language;
    double m_font_build_ms = 0;
    std::chrono::steady_clock::time_point m_created = std::chrono::steady_clock::now();  // for the start-up time
    double m_startup_ms = 0;  // the App's creation to the end of its first frame
    bool m_built_high_contrast = false;
    bool m_style_applied = false;
    Probe m_probe;
    std::array<bool, kPanelCount> m_shown{};  // the panels placed this frame (UiState::show, the TLB only with one)
    LayoutPlan m_layout;
    float m_tab_row_y = 0, m_tabs_end_x = 0;
    ImVec2 m_saved_cursor{0, 0};
    std::array<PanelId, kSlotCount> m_pending_active{};
    std::array<bool, kSlotCount> m_pending_set{};
    std::array<GlTexture, size_t(TextureId::Count_)> m_textures;
    std::array<std::vector<ImU32>, size_t(TextureId::Count_)> m_texels;
    std::vector<LessonInfo> m_lessons;
    CourseIndex m_course;
    bool m_lessons_scanned = false;
    Quiz m_quiz;
    LiveReload m_live;
    MomentCompare m_moments;
    bool m_startup_failed = false;  // --ask found no question, or --answers a non-answer: a screenshot exits 2

    GLFWwindow* m_window = nullptr;
    ImVec2 m_window_size{0, 0};
    bool m_fixed_time = false;  // screenshot, bench, tests: every frame advances 1/60 s
    uint64_t m_frame = 0;
    int m_busy_frames = 3;  // frames to draw without waiting for input
    // --bench-frames: this frame's CPU time in PageLab's own code (building the ImGui frame, the
    // main thread's CPU clock) and in the renderer (ImGui::Render, the GL draw, glFinish and the
    // swap: the process's CPU clock, llvmpipe's threads included); where the mouse is.
    double m_own_cpu_ms = 0, m_render_cpu_ms = 0;
    std::optional<ImVec2> m_bench_mouse;
    // The interactive window draws a frame only when its draw data, its size or a texture changed
    // since the frame on screen, or the window system asks (an expose): m_drawn_key is that frame's.
    uint64_t m_drawn_key = 0;
    bool m_must_draw = true;
    uint64_t m_frames_skipped = 0;

    std::unique_ptr<TestDriver> m_test;
    size_t m_last_cursor = ~size_t{0};
    const sim::Session* m_last_session = nullptr;
};

}  // namespace pagelab::ui
