// Line plots of values sampled at every step boundary of the run, with the cursor's position
// marked, for the counters panel (faults by kind, free frames, pagefile use, commit charge).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imgui.h"

namespace pagelab::ui {

struct PlotSeries {
    std::string name;
    ImU32 colour;
    std::vector<double> values;  // one per step boundary
};

// position: the cursor in steps (fractional inside a step). Samples from `shown` on are held back
// (a quiz question waits before them): the x axis still spans the whole run, but neither their
// lines nor their values (nor the y scale they would set) are drawn. Returns the hovered sample or -1.
int plot_lines(const char* id, const std::vector<PlotSeries>& series, double position, ImVec2 size, ImU32 background,
               const char* title, size_t shown = SIZE_MAX);

}  // namespace pagelab::ui
