#include "Layout.h"

#include <algorithm>
#include <vector>

namespace pagelab::ui {

const char* slot_window_name(Slot s) {
    switch (s) {
        case Slot::Top: return "##slot-top";
        case Slot::L1: return "##slot-l1";
        case Slot::L2: return "##slot-l2";
        case Slot::C1: return "##slot-c1";
        case Slot::C2: return "##slot-c2";
        case Slot::C3: return "##slot-c3";
        case Slot::R1: return "##slot-r1";
        case Slot::R2: return "##slot-r2";
        case Slot::Count_: break;
    }
    return "##slot";
}

namespace {

struct Column {
    float width;                                    // fraction of the window
    std::vector<std::pair<Slot, float>> slots;      // slot, fraction of the column's height
    float first_px = 0;                             // the first slot's height in pixels (0: its share)
};

void assign_panels(LayoutPlan& plan, bool classroom, bool events_below) {
    auto put = [&](PanelId p, Slot s) { plan.slot_of[size_t(p)] = s; };
    put(PanelId::Controls, Slot::Top);
    put(PanelId::Lesson, Slot::L1);
    put(PanelId::Events, classroom && !events_below ? Slot::L1 : Slot::L2);
    put(PanelId::AddressSpace, Slot::C1);
    put(PanelId::Objects, Slot::C1);
    put(PanelId::PageTables, Slot::C2);
    put(PanelId::Compare, Slot::C2);
    put(PanelId::Moments, Slot::C2);
    put(PanelId::EntryDecoder, Slot::C3);
    put(PanelId::Walk, Slot::C3);
    put(PanelId::Tlb, Slot::C3);
    // Classroom: the right column goes; its panels are tabs below the page tables.
    put(PanelId::Physical, classroom ? Slot::C3 : Slot::R1);
    put(PanelId::Counters, classroom ? Slot::C3 : Slot::R2);
    put(PanelId::Pagefile, classroom ? Slot::C3 : Slot::R2);
}

// The address-space slot's height: its content's (the strip and every region row), between 12%
// and 45% of the column - but never less than the strip and the rows around the story's region
// (c1_min, up to 60%); dragged by the user: up to 80%.
float address_space_px(const ContentWants& w, float height) {
    if (w.c1 <= 0) return 0;
    const float lo = std::max(height * 0.12f, std::min(w.c1_min, height * 0.6f));
    const float hi = std::max(lo, height * (w.c1_dragged ? 0.8f : 0.45f));
    return std::clamp(w.c1, w.c1_dragged ? height * 0.12f : lo, hi);
}

// Classroom's left column: the lesson's content decides its height; the room it leaves (at least
// a fifth of the column) goes to the events below it, else the events are a tab behind it.
float classroom_lesson_px(const ContentWants& w, float height, const std::array<bool, kPanelCount>& show) {
    if (w.lesson <= 0 || !show[size_t(PanelId::Lesson)] || !show[size_t(PanelId::Events)]) return 0;
    const float lesson = std::max(w.lesson, height * 0.35f);
    return height - lesson >= height * 0.2f ? lesson : 0;
}

// Cuts each column into its slots, left to right; empty slots and columns give their room away.
void place_columns(LayoutPlan& plan, std::vector<Column> columns, ImVec2 display, float y0) {
    const float height = display.y - y0;
    float total_width = 0;
    for (Column& c : columns) {
        if (!c.slots.empty() && plan.visible_panels[size_t(c.slots.front().first)] == 0) c.first_px = 0;
        std::erase_if(c.slots, [&](const auto& s) { return plan.visible_panels[size_t(s.first)] == 0; });
        if (!c.slots.empty()) total_width += c.width;
    }
    float x = 0;
    for (const Column& c : columns) {
        if (c.slots.empty()) continue;
        const float w = display.x * c.width / total_width;
        float total_h = 0;
        for (const auto& s : c.slots) total_h += s.second;
        const bool fixed = c.first_px > 0 && c.slots.size() > 1;
        const float fixed_frac = c.slots.front().second;
        float y = y0;
        for (size_t i = 0; i < c.slots.size(); ++i) {
            const auto& [slot, frac] = c.slots[i];
            float h = height * frac / total_h;
            if (fixed) h = i == 0 ? c.first_px : (height - c.first_px) * frac / (total_h - fixed_frac);
            plan.rect[size_t(slot)] = ImRect(ImVec2(std::floor(x), std::floor(y)), ImVec2(std::floor(x + w), std::floor(y + h)));
            y += h;
        }
        x += w;
    }
}

}  // namespace

LayoutPlan compute_layout(ImVec2 display, float top, float controls_height, bool classroom,
                          const std::array<bool, kPanelCount>& show, bool quiz, const ContentWants& wants) {
    LayoutPlan plan;
    const bool controls = show[size_t(PanelId::Controls)];
    plan.rect[size_t(Slot::Top)] = ImRect(ImVec2(0, top), ImVec2(display.x, top + (controls ? controls_height : 0)));
    const float y0 = controls ? top + controls_height : top;
    const float height = display.y - y0;
    const float lesson_px = classroom ? classroom_lesson_px(wants, height, show) : 0;
    assign_panels(plan, classroom, lesson_px > 0);
    for (size_t p = 0; p < kPanelCount; ++p)
        if (show[p]) ++plan.visible_panels[size_t(plan.slot_of[p])];

    const float c1_px = address_space_px(wants, height);
    std::vector<Column> columns;
    if (!classroom) {
        const float lesson = quiz ? 0.78f : 0.50f;
        columns = {{0.25f, {{Slot::L1, lesson}, {Slot::L2, 1.0f - lesson}}},
                   {0.45f, {{Slot::C1, 0.23f}, {Slot::C2, 0.50f}, {Slot::C3, 0.27f}}, c1_px},
                   {0.30f, {{Slot::R1, 0.52f}, {Slot::R2, 0.48f}}}};
    } else {
        // Classroom: the side columns go; the lesson stays large on the left (the events below it
        // when it leaves room) and everything else is a tab below the page tables.
        columns = {{0.32f, {{Slot::L1, 0.6f}, {Slot::L2, 0.4f}}, lesson_px},
                   {0.68f, {{Slot::C1, 0.16f}, {Slot::C2, 0.54f}, {Slot::C3, 0.30f}}, c1_px}};
    }
    place_columns(plan, std::move(columns), display, y0);
    return plan;
}

}  // namespace pagelab::ui
