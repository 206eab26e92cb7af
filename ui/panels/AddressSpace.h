// The address-space panel's parts shared between its files: the strip (AddressStrip.cpp) and the
// region table (AddressSpacePanel.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "Classify.h"
#include "UiState.h"

namespace pagelab::ui {

class App;

// An arena of a personality as the strip names it: [lo, hi), its tint, and labels from the
// longest to the shortest (the longest that fits is drawn).
struct ArenaSpan {
    double lo = 0, hi = 0;
    Arena tint = Arena::User;
    std::array<const char*, 3> labels{};
    float min_px = 0;  // the least width on the strip (a 64 KB partition still shows its name)
};
// NT: 64 KB no access, user 2 GB, 64 KB no access, system 2 GB. Win95: NULL 4 KB, 0-4 MB
// compatibility, 4 MB-2 GB private, 2-3 GB shared, 3-4 GB system.
std::vector<ArenaSpan> arena_spans(mm::Personality p);
Arena arena_at(mm::Personality p, uint32_t va);

// Zooms the strip onto [u_lo, u_hi] of its units (remember: Esc comes back to the view before);
// onto addresses [lo, hi) with a margin.
void zoom_strip_to(UiState& st, double u_lo, double u_hi, bool remember);
void zoom_strip_to_addresses(UiState& st, double lo, double hi);

void draw_address_strip(App& app, uint16_t space);

}  // namespace pagelab::ui
