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
};

}  // namespace

LayoutPlan compute_layout(ImVec2 display, float top, float controls_height, bool classroom,
                          const std::array<bool, kPanelCount>& show, bool quiz, float c1, bool c1_dragged) {
    LayoutPlan plan;
    auto put = [&](PanelId p, Slot s) { plan.slot_of[size_t(p)] = s; };
    put(PanelId::Controls, Slot::Top);
    std::vector<Column> columns;
    if (!classroom) {
        put(PanelId::Lesson, Slot::L1);
        put(PanelId::Events, Slot::L2);
        put(PanelId::AddressSpace, Slot::C1);
        put(PanelId::Objects, Slot::C1);
        put(PanelId::PageTables, Slot::C2);
        put(PanelId::Compare, Slot::C2);
        put(PanelId::EntryDecoder, Slot::C3);
        put(PanelId::Walk, Slot::C3);
        put(PanelId::Tlb, Slot::C3);
        put(PanelId::Physical, Slot::R1);
        put(PanelId::Counters, Slot::R2);
        put(PanelId::Pagefile, Slot::R2);
        const float lesson = quiz ? 0.78f : 0.50f;
        columns = {{0.25f, {{Slot::L1, lesson}, {Slot::L2, 1.0f - lesson}}},
                   {0.45f, {{Slot::C1, 0.23f}, {Slot::C2, 0.50f}, {Slot::C3, 0.27f}}},
                   {0.30f, {{Slot::R1, 0.52f}, {Slot::R2, 0.48f}}}};
    } else {
        // Classroom: the side columns go; the lesson stays large on the left and everything
        // else is a tab below the page tables.
        put(PanelId::Lesson, Slot::L1);
        put(PanelId::Events, Slot::L1);
        put(PanelId::AddressSpace, Slot::C1);
        put(PanelId::Objects, Slot::C1);
        put(PanelId::PageTables, Slot::C2);
        put(PanelId::Compare, Slot::C2);
        put(PanelId::EntryDecoder, Slot::C3);
        put(PanelId::Walk, Slot::C3);
        put(PanelId::Tlb, Slot::C3);
        put(PanelId::Physical, Slot::C3);
        put(PanelId::Counters, Slot::C3);
        put(PanelId::Pagefile, Slot::C3);
        columns = {{0.32f, {{Slot::L1, 1.0f}}},
                   {0.68f, {{Slot::C1, 0.16f}, {Slot::C2, 0.54f}, {Slot::C3, 0.30f}}}};
    }
    for (size_t p = 0; p < kPanelCount; ++p)
        if (show[p]) ++plan.visible_panels[size_t(plan.slot_of[p])];

    const bool controls = show[size_t(PanelId::Controls)];
    plan.rect[size_t(Slot::Top)] = ImRect(ImVec2(0, top), ImVec2(display.x, top + (controls ? controls_height : 0)));
    const float y0 = controls ? top + controls_height : top;
    const float height = display.y - y0;

    // Drop empty slots and columns; the others share their room.
    float total_width = 0;
    for (Column& c : columns) {
        std::erase_if(c.slots, [&](const auto& s) { return plan.visible_panels[size_t(s.first)] == 0; });
        if (!c.slots.empty()) total_width += c.width;
    }
    float x = 0;
    for (const Column& c : columns) {
        if (c.slots.empty()) continue;
        const float w = display.x * c.width / total_width;
        float total_h = 0;
        for (const auto& s : c.slots) total_h += s.second;
        // The address-space slot: its content's height, between 12% and 45% of the column (dragged:
        // up to 80%); the other slots share the rest in their proportions.
        float fixed = 0, fixed_frac = 0;
        if (c1 > 0 && c.slots.size() > 1 && c.slots.front().first == Slot::C1) {
            fixed = std::clamp(c1, height * 0.12f, height * (c1_dragged ? 0.8f : 0.45f));
            fixed_frac = c.slots.front().second;
        }
        float y = y0;
        for (const auto& [slot, frac] : c.slots) {
            float h = height * frac / total_h;
            if (fixed > 0) h = slot == Slot::C1 ? fixed : (height - fixed) * frac / (total_h - fixed_frac);
            plan.rect[size_t(slot)] = ImRect(ImVec2(std::floor(x), std::floor(y)), ImVec2(std::floor(x + w), std::floor(y + h)));
            y += h;
        }
        x += w;
    }
    return plan;
}

}  // namespace pagelab::ui
