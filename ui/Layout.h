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

// display: the window size; top: where the panels start (below the menu bar); controls_height:
// the controls strip's height (it depends on the font, the rest does not); quiz: a quiz question
// or its answer is on screen, so the lesson takes most of the left column from the events.
// c1: the height the address-space slot asks for (its strip and every region row; 0 = its
// share), c1_dragged: the user set it with the splitter (it may then take more of the column).
LayoutPlan compute_layout(ImVec2 display, float top, float controls_height, bool classroom,
                          const std::array<bool, kPanelCount>& show, bool quiz = false, float c1 = 0, bool c1_dragged = false);

}  // namespace pagelab::ui
