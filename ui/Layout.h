// Where the panels go. The window is cut into columns of slots by fractions of its size (never by
// font size, so classroom fonts scale without moving the layout) - except the address-space slot,
// which is sized to its content (the region table's rows) or by its splitter; a slot holding several visible
// panels shows them as tabs. Dear ImGui 1.86 (Debian) has no docking, and a fixed, computed layout
// also makes every screenshot and UI test land on the same pixels.
#pragma once

#include <array>
#include <cstdint>

#include "imgui.h"
#include "imgui_internal.h"

#include "UiState.h"

namespace pagelab::ui {

enum class Slot : uint8_t { Top, L1, L2, C1, C2, C3, R1, R2, Count_ };
inline constexpr size_t kSlotCount = size_t(Slot::Count_);
const char* slot_window_name(Slot s);

struct LayoutPlan {
    std::array<Slot, kPanelCount> slot_of{};
    std::array<ImRect, kSlotCount> rect{};
    std::array<int, kSlotCount> visible_panels{};  // how many shown panels share the slot
};

// What the panels' content asked for, measured in the frame before (0 = not known, use the share).
struct ContentWants {
    float c1 = 0;          // the address-space slot: its strip and every region row
    bool c1_dragged = false;  // c1 was set by the user with the splitter (it may take more of the column)
    float c1_min = 0;      // the strip and enough rows to show the story's region and its neighbours
    float lesson = 0;      // classroom: the lesson panel's content; the events take the room it leaves
};

// display: the window size; top: where the panels start (below the menu bar); controls_height:
// the controls strip's height (it depends on the font, the rest does not); quiz: a quiz question
// or its answer is on screen, so the lesson takes most of the left column from the events.
LayoutPlan compute_layout(ImVec2 display, float top, float controls_height, bool classroom,
                          const std::array<bool, kPanelCount>& show, bool quiz = false, const ContentWants& wants = {});

}  // namespace pagelab::ui
