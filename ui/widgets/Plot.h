// Line plots of values sampled at every step boundary of the run, with the cursor's position
// marked, for the counters panel (faults by kind, free frames, pagefile use, commit charge).
#pragma once

#include <string>
#include <vector>

#include "imgui.h"

namespace pagelab::ui {

struct PlotSeries {
    std::string name;
    ImU32 colour;
    std::vector<double> values;  // one per step boundary
};

// position: the cursor in steps (fractional inside a step). Returns the hovered sample or -1.
int plot_lines(const char* id, const std::vector<PlotSeries>& series, double position, ImVec2 size, ImU32 background,
               const char* title);

}  // namespace pagelab::ui
