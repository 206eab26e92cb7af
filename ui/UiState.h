// What the user has chosen in the window — selections, modes, view transforms — and nothing of
// the machine: every panel reads the machine from the session each frame, so this struct never
// mirrors model state (a selection is an index or an address, not a copy of an entry).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "sim/Session.h"
#include "widgets/SegmentedScale.h"

namespace pagelab::ui {

enum class Granularity : uint8_t { Operation, Event };
enum class FrameColouring : uint8_t { Use, Owner, List };
enum class EntryLevel : uint8_t { Pde, Pte };

// Every panel of the window; the layout gives each one a slot (ui/Layout.h).
enum class PanelId : uint8_t {
    Controls,
    Lesson,
    Events,
    AddressSpace,
    Objects,
    PageTables,
    Compare,
    Moments,
    EntryDecoder,
    Walk,
    Physical,
    Pagefile,
    Counters,
    Tlb,  // shown only on a machine with a TLB
    Count_
};
inline constexpr size_t kPanelCount = size_t(PanelId::Count_);
const char* panel_title(PanelId id);        // in English: the panel's name for tests, --tab and --crop
std::string panel_label(PanelId id);        // translated, with the English title as its ImGui ID

// A zoomable 1-D view over [0, extent): screen x = (value - offset) * scale, kept as a glm 2-D
// affine matrix so zooming about the mouse and panning compose as matrix products.
struct ZoomView {
    glm::dmat3 transform{1.0};  // value -> pixels from the widget's left edge
    double extent = 4294967296.0;
    double width_px = 0;        // the widget width the transform was fitted to

    double to_px(double value) const { return (transform * glm::dvec3(value, 0, 1)).x; }
    double to_value(double px) const { return (glm::inverse(transform) * glm::dvec3(px, 0, 1)).x; }
    void fit(double width);                           // whole extent across width
    void zoom_about(double px, double factor, double min_span);
    void pan_px(double dx);
    void show_range(double lo, double hi, double width);
    double lo() const { return to_value(0); }
    double hi() const { return to_value(width_px); }
};

// A zoomable 2-D map (frames, pagefile slots): zoom >= 1, centre in map units (0..1).
struct MapView {
    float zoom = 1.0f;
    glm::vec2 centre{0.5f, 0.5f};
};

struct UiState {
    // Selection (what the entry decoder, the walk and the frame window show).
    uint16_t space = mm::kNoSpace;  // the selected process's address space
    uint32_t pde_index = 0;   // the page table shown next to the page directory
    uint32_t pte_index = 0;
    EntryLevel entry_level = EntryLevel::Pte;
    bool entry_selected = false;
    std::optional<uint32_t> frame;  // the frame whose window is open
    bool frame_window_open = false;
    bool pinned = false;            // the selection stays; unpinned, each move selects what it touched
    bool whole_tables = false;      // the grids show all 1024 entries even when cells get small
    bool walk_selected = false;     // the walk shows the selected page, not the last access
    // What the story focuses on besides the selected entry (set by App::follow_story): the region
    // of the step's page (the region table highlights it and scrolls to it) and the slot it used.
    std::optional<std::pair<uint16_t, uint32_t>> region_focus;  // (space, VAD base)
    std::optional<uint32_t> slot_focus;
    uint64_t story_moves = 0;       // bumped by each follow_story: panels scroll once per move

    // Stepping.
    Granularity granularity = Granularity::Operation;
    bool moved_by_event = false;  // the last move was one event (Shift+arrow): it is "what changed now"
    bool running = false;
    float run_rate = 2.0f;  // moves per second while running
    double run_clock = 0.0;
    std::vector<sim::Breakpoint> breakpoints;
    sim::Breakpoint draft_breakpoint;  // the breakpoint editor's form
    std::string draft_address = "0x00010000";
    std::string status;  // one line under the controls: "breakpoint hit", "at the end", ...
    bool quiz = true;    // stop at questions (Quiz > Ask the questions; --no-quiz); kept across lessons

    // Presentation.
    bool classroom = false;
    bool high_contrast = false;
    float font_size = 15.0f;
    float font_size_pending = 15.0f;  // applied between frames (the font atlas is rebuilt)
    FrameColouring frame_colouring = FrameColouring::Use;
    std::array<bool, kPanelCount> show{};
    std::array<PanelId, 16> active_in_slot{};  // the visible tab of each layout slot
    std::optional<PanelId> raise_panel;        // bring this tab to the front next frame
    bool events_whole_run = false;
    std::string lesson_scrolled_to;           // the quiz card the lesson body last scrolled to
    size_t events_scrolled_to = ~size_t{0};  // the cursor the events list last scrolled to
    int events_scroll_frames = 0;             // frames spent scrolling to it (layout settles)
    bool hex_as_words = false;
    uint16_t compare_left = mm::kNoSpace, compare_right = mm::kNoSpace;
    ZoomView strip{.extent = 1.0};  // over the strip's units [0, 1] (strip_scale maps them to addresses)
    SegmentedScale strip_scale;     // rebuilt from the shown process's regions each frame
    std::vector<std::pair<double, double>> strip_back;  // earlier zooms (strip units), for Esc
    std::optional<float> strip_drag_from;               // a range being dragged out (px from the left)
    float c1_want_px = 0;   // the height the address-space panel's content asked for (strip + every region row)
    float c1_min_px = 0;    // the strip and the rows around the story's region: never less (unless dragged)
    float lesson_want_px = 0;  // the lesson panel's content (classroom: the events get the room it leaves)
    float c1_split_px = 0;  // the user dragged the splitter under it to this height (0: fit the content)
    uint64_t slots_scrolled_for = ~uint64_t{0};         // ... the pagefile's slot list, likewise
    uint64_t regions_scrolled_for = ~uint64_t{0};       // the story move the region table last scrolled for
    MapView frame_map, slot_map;

    // Files.
    std::optional<std::string> load_error;  // FILE:LINE:COL: error: ... of the last load
    bool open_error_popup = false;
    bool open_picker = false;
    std::string picker_path;  // the picker's "any path" field
    bool open_shortcuts = false;

    // Find (ui/Find.cpp): the go-to box (Ctrl+G) and the Events panel's filter.
    bool open_goto = false;
    std::string goto_text;
    std::string goto_result;        // what the last go-to found, or why it found nothing
    bool goto_failed = false;
    std::string event_filter;       // the Events panel's search, as typed (sim/Find.h syntax)
    // Export (ui/Export.cpp): where the File menu writes the current moment's files.
    std::string export_dir = ".";
    bool open_export = false;
    std::string export_result;      // the files written, or the error
};

}  // namespace pagelab::ui
