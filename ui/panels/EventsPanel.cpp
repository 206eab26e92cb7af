// The events of the current operation, each with its sentence for a learner and, unfolded, the
// primitive changes it made (old -> new). Events not applied yet are dimmed; clicking an event
// moves the cursor to just after it.
#include "App.h"
#include "Find.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"
#include "mm/EventHelp.h"

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

ImU32 event_colour(const Palette& pal, mm::EventKind k) {
    using mm::EventKind;
    switch (k) {
        case EventKind::Operation: return pal.link;
        case EventKind::PageFault:
        case EventKind::AccessViolation:
        case EventKind::GuardPage:
        case EventKind::OutOfMemory:
        case EventKind::CommitLimit: return pal.fail;
        case EventKind::DemandZero:
        case EventKind::PageMapped:
        case EventKind::SoftFault: return pal.page[int(PageClass::Present)];
        case EventKind::PagefileRead:
        case EventKind::PagefileWrite:
        case EventKind::ModifiedWritten:
        case EventKind::PageDropped: return pal.page[int(PageClass::Pagefile)];
        case EventKind::PageTrimmed:
        case EventKind::SecondChance:
        case EventKind::VictimChosen:
        case EventKind::PageRepurposed: return pal.page[int(PageClass::Transition)];
        case EventKind::FrameTaken:
        case EventKind::FrameZeroed: return pal.list[int(mm::FrameList::Zeroed)] | 0xFF000000;
        case EventKind::SpaceCreated:
        case EventKind::SpaceDeleted:
        case EventKind::Cr3Loaded:
        case EventKind::PageTableCreated:
        case EventKind::PageTableFreed: return pal.frame[int(FrameClass::PageTable)];
        case EventKind::Reserved:
        case EventKind::Committed:
        case EventKind::Decommitted:
        case EventKind::Released:
        case EventKind::Protected: return pal.region[int(RegionClass::Private)];
        default: return pal.page[int(PageClass::Reserved)];
    }
}

// Over an event's kind chip: what that kind of event means (mm/EventHelp.cpp), in the glossary's
// style. True when shown.
bool kind_tooltip(mm::EventKind kind) {
    const char* help = mm::event_kind_help(kind);
    if (!help || !ImGui::IsItemHovered()) return false;
    term_tooltip(std::string("event:") + mm::event_kind_name(kind), mm::event_kind_name(kind), tr(help));
    return true;
}

// One event: its number, kind, sentence (a click moves the cursor after it) and, unfolded, its
// changes; the current one is kept in view.
void event_row(App& app, size_t e, bool compact, size_t cursor) {
    UiState& st = app.state();
    const sim::Session& s = app.session();
    const Palette& pal = app.colours();
    ImGui::PushID(int(e));
    const core::EventRecord& ev = s.event(e);
    const auto kind = mm::EventKind(ev.kind);
    const bool applied = e < cursor;
    const bool current = e + 1 == cursor;
    ImGui::BeginGroup();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    if (ImGui::Selectable("##pick", current, ImGuiSelectableFlags_AllowItemOverlap,
                          ImVec2(w, ImGui::GetTextLineHeight()))) {
        app.set_running(false);
        app.seek_event(e + 1);
    }
    const bool row_hovered = ImGui::IsItemHovered();
    if (ImGui::BeginPopupContextItem("##like")) {
        if (ImGui::MenuItem(tr("Events like this one (filter)"))) filter_like_event(app, e);
        ImGui::EndPopup();
    }
    ImGui::SetCursorScreenPos(p);
    ImGui::PushFont(app.fonts().mono);
    ImGui::TextDisabled("%5zu", e + 1);  // counted from 1, as the header's "event N of M"
    ImGui::PopFont();
    ImGui::SameLine();
    const ImU32 kc = event_colour(pal, kind);
    chip(mm::event_kind_name(kind), applied ? kc : (kc & 0x00FFFFFF) | 0x60000000);
    if (current) app.probe().last_item("events.chip.current");
    const bool chip_hovered = kind_tooltip(kind);
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, applied ? pal.text : pal.text_dim);
    // The sentence's terms show their glossary entry; elsewhere on the row, what a click does.
    ImGui::PushTextWrapPos(compact ? -1.0f : 0.0f);
    const bool term = text_block(s.explain(e));
    ImGui::PopTextWrapPos();
    if (row_hovered && !term && !chip_hovered)
        ImGui::SetTooltip("%s\n%s", trf("Click: move the cursor to just after event {number}", "number"_a = e + 1).c_str(), tr("Right-click: events like this one"));
    ImGui::PopStyleColor();
    ImGui::EndGroup();
    if (!compact && s.first_change(e + 1) > s.first_change(e)) {
        ImGui::Indent(ImGui::GetFontSize() * 2.5f);
        const size_t changes = s.first_change(e + 1) - s.first_change(e);
        const std::string label = trfn("{count} change", "{count} changes", changes, "count"_a = changes) + "###changes";
        if (ImGui::TreeNodeEx(label.c_str(), ImGuiTreeNodeFlags_SpanAvailWidth)) {
            ImGui::PushFont(app.fonts().mono);
            for (const std::string& line : app.change_lines(e)) ImGui::TextDisabled("%s", line.c_str());
            ImGui::PopFont();
            ImGui::TreePop();
        }
        ImGui::Unindent(ImGui::GetFontSize() * 2.5f);
    }
    if (current && (st.events_scrolled_to != cursor || st.events_scroll_frames < 3)) {
        // Follow the cursor after each move (for a few frames, while wrapped rows settle);
        // the user may scroll freely in between.
        if (st.events_scrolled_to != cursor) st.events_scroll_frames = 0;
        ImGui::SetScrollHereY(0.5f);
        st.events_scrolled_to = cursor;
        ++st.events_scroll_frames;
    }
    ImGui::PopID();
}

}  // namespace

void draw_events_panel(App& app) {
    const PanelScope panel(app, PanelId::Events);
    if (!panel) return;
    UiState& st = app.state();
    const sim::Session& s = app.session();
    const size_t cursor = s.cursor();
    const std::optional<std::vector<size_t>> filtered = draw_event_filter(app);  // ui/Find.cpp
    size_t first = 0, end = s.event_count();
    if (filtered) {
        // The filter's matches, listed instead of the step's events.
    } else if (!st.events_whole_run) {
        const size_t step = cursor == 0 ? 0 : s.at_step_boundary() ? s.steps_done() - 1 : s.current_step();
        first = s.first_event_of_step(step);
        end = s.first_event_of_step(step + 1);
        ImGui::TextDisabled("%s", trfn("Step {number}: {count} event", "Step {number}: {count} events", end - first, "number"_a = step + 1,
                                       "count"_a = end - first).c_str());
    } else {
        ImGui::TextDisabled("%s", trfn("The whole run: {count} event", "The whole run: {count} events", end, "count"_a = end).c_str());
    }
    if (!filtered) {
        ImGui::SameLine();
        ImGui::Checkbox(tr("whole run"), &st.events_whole_run);
    }
    app.probe().value("events.count", std::to_string(filtered ? filtered->size() : end - first));

    // Always a scroll bar: the list is scrolled to the current event, and a row cut at an edge
    // must read as "more this way" even in the frame the layout resizes the panel.
    ImGui::BeginChild("##events", ImVec2(0, 0), false, ImGuiWindowFlags_AlwaysVerticalScrollbar);
    const size_t n = filtered ? filtered->size() : end - first;
    const bool compact = filtered || n > 300;  // long lists: one line per event, so rows can be clipped
    auto row = [&](size_t e) { event_row(app, e, compact, cursor); };
    if (filtered) {
        ImGuiListClipper clipper;
        clipper.Begin(int(n));
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) row((*filtered)[size_t(i)]);
    } else if (compact) {
        if (st.events_scrolled_to != cursor && cursor > first && cursor <= end) {
            ImGui::SetScrollY(float(cursor - 1 - first) * ImGui::GetTextLineHeightWithSpacing() - ImGui::GetWindowHeight() * 0.5f);
            st.events_scrolled_to = cursor;
        }
        ImGuiListClipper clipper;
        clipper.Begin(int(n));
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) row(first + size_t(i));
    } else {
        for (size_t e = first; e < end; ++e) row(e);
    }
    ImGui::EndChild();
}

}  // namespace pagelab::ui
