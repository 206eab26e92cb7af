// The controls strip: reset, back, step, run, run to breakpoint, granularity, breakpoints, and a
// scrub bar over the whole run (every step a segment, failed steps red, the cursor a handle).
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <fmt/format.h>
#include <imgui_stdlib.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

const char* kind_label(sim::BreakKind k) {
    switch (k) {
        case sim::BreakKind::Fault: return tr("Fault of a kind");
        case sim::BreakKind::Process: return tr("Any event of a process");
        case sim::BreakKind::PteChange: return tr("PTE of an address changes");
        case sim::BreakKind::Label: return tr("Step with a label");
        case sim::BreakKind::Filter: return tr("Event matching a filter (Events panel)");
    }
    return "?";
}

// Process names the scenario creates (they may not exist yet at the cursor).
std::vector<std::string> scenario_processes(const sim::Session& s) {
    std::vector<std::string> names;
    for (const sim::Step& step : s.scenario().steps)
        if (step.op == sim::Op::CreateProcess) names.push_back(step.arg("as")->text);
    return names;
}

void breakpoint_editor(App& app) {
    UiState& st = app.state();
    const sim::Session& s = app.session();
    ImGui::TextUnformatted(tr("Breakpoints"));
    ImGui::Separator();
    if (st.breakpoints.empty()) ImGui::TextDisabled("%s", tr("None yet."));
    for (size_t i = 0; i < st.breakpoints.size(); ++i) {
        ImGui::PushID(int(i));
        if (ImGui::SmallButton(tr("Remove"))) {
            st.breakpoints.erase(st.breakpoints.begin() + long(i));
            ImGui::PopID();
            break;
        }
        ImGui::SameLine();
        ImGui::TextUnformatted(sim::describe(st.breakpoints[i]).c_str());
        ImGui::PopID();
    }
    ImGui::Separator();
    sim::Breakpoint& d = st.draft_breakpoint;
    const float w = ImGui::GetFontSize() * 14;
    ImGui::SetNextItemWidth(w);
    if (ImGui::BeginCombo(tr("Stop at"), kind_label(d.kind))) {
        for (auto k : {sim::BreakKind::Fault, sim::BreakKind::Process, sim::BreakKind::PteChange, sim::BreakKind::Label})
            if (ImGui::Selectable(kind_label(k), d.kind == k)) d.kind = k;
        ImGui::EndCombo();
    }
    const auto procs = scenario_processes(s);
    if (d.kind == sim::BreakKind::Fault) {
        ImGui::SetNextItemWidth(w);
        if (ImGui::BeginCombo(tr("Fault"), d.fault == mm::FaultKind::None ? tr("any") : mm::fault_kind_name(d.fault))) {
            for (int k = 0; k <= int(mm::kLastFaultKind); ++k) {
                const auto fk = mm::FaultKind(k);
                if (ImGui::Selectable(fk == mm::FaultKind::None ? tr("any") : mm::fault_kind_name(fk), d.fault == fk)) d.fault = fk;
            }
            ImGui::EndCombo();
        }
    }
    if (d.kind != sim::BreakKind::Label) {
        const bool optional = d.kind == sim::BreakKind::Fault;
        if (!optional && d.process.empty() && !procs.empty()) d.process = procs.front();
        ImGui::SetNextItemWidth(w);
        if (ImGui::BeginCombo(tr("Process"), d.process.empty() ? tr("any") : d.process.c_str())) {
            if (optional && ImGui::Selectable(tr("any"), d.process.empty())) d.process.clear();
            for (const std::string& p : procs)
                if (ImGui::Selectable(p.c_str(), d.process == p)) d.process = p;
            ImGui::EndCombo();
        }
    }
    bool valid = true;
    if (d.kind == sim::BreakKind::PteChange) {
        ImGui::SetNextItemWidth(w);
        ImGui::InputText(tr("Address"), &st.draft_address);
        const auto va = app.resolve_address(st.draft_address);
        if (va) ImGui::TextDisabled("= 0x%08X", *va);
        else text_coloured(app.colours().fail, tr("a number, a bound name, or name+offset"));
        valid = va.has_value();
        if (va) d.address = *va;
    }
    if (d.kind == sim::BreakKind::Label) {
        std::vector<std::string> labels;
        for (const sim::Step& step : s.scenario().steps)
            if (!step.label.empty()) labels.push_back(step.label);
        if (labels.empty()) {
            ImGui::TextDisabled("%s", tr("This lesson labels no step."));
            valid = false;
        } else {
            if (d.label.empty()) d.label = labels.front();
            ImGui::SetNextItemWidth(w);
            if (ImGui::BeginCombo(tr("Label"), d.label.c_str())) {
                for (const std::string& l : labels)
                    if (ImGui::Selectable(l.c_str(), d.label == l)) d.label = l;
                ImGui::EndCombo();
            }
        }
    }
    ImGui::BeginDisabled(!valid);
    if (ImGui::Button(tr("Add breakpoint"))) st.breakpoints.push_back(d);
    app.probe().last_item("bp.add");
    ImGui::EndDisabled();
}

void scrub_bar(App& app, float width) {
    const sim::Session& s = app.session();
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const float h = ImGui::GetFrameHeight();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##scrub", ImVec2(width, h));
    app.probe().last_item("controls.scrub");
    const bool active = ImGui::IsItemActive();
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p1(p0.x + width, p0.y + h);
    const size_t events = s.event_count();
    dl->AddRectFilled(p0, p1, ImGui::GetColorU32(ImGuiCol_FrameBg), 4.0f);
    if (events == 0) return;
    const float inner_l = p0.x + 6, inner_r = p1.x - 6;
    auto x_of = [&](size_t e) { return inner_l + (inner_r - inner_l) * float(double(e) / double(events)); };
    const float y0 = p0.y + 4, y1 = p1.y - 4;

    // Steps as segments: the done part bright, failed steps red, labelled steps with a tick.
    const size_t steps = s.step_count();
    const bool wide = float(steps) * 3.0f < (inner_r - inner_l);
    for (size_t k = 0; k < steps; ++k) {
        const size_t a = s.first_event_of_step(k), b = s.first_event_of_step(k + 1);
        if (b <= a) continue;
        const float xa = x_of(a), xb = x_of(b);
        const bool done = b <= s.cursor();
        const bool failed = !s.result(k).passed();
        ImU32 c = done ? ImGui::GetColorU32(ImGuiCol_ButtonActive) : ImGui::GetColorU32(ImGuiCol_Button);
        if (!wide) c = (c & 0x00FFFFFF) | 0xC0000000;
        else if (k % 2) c = (c & 0x00FFFFFF) | 0xB0000000;
        dl->AddRectFilled(ImVec2(xa, y0), ImVec2(std::max(xa + 1, xb - (wide ? 1.0f : 0.0f)), y1), c, 2.0f);
        if (failed) dl->AddRectFilled(ImVec2(xa, y1 - 3), ImVec2(std::max(xa + 1, xb - 1), y1), pal.fail);
        if (!s.scenario().steps[k].label.empty()) dl->AddTriangleFilled(ImVec2(xa, y0), ImVec2(xa + 6, y0), ImVec2(xa, y0 + 6), pal.link);
    }
    // Partial progress inside the current step (single-event stepping).
    const size_t cur = s.cursor();
    if (!s.at_step_boundary() && cur > 0) {
        const size_t a = s.first_event_of_step(s.current_step());
        dl->AddRectFilled(ImVec2(x_of(a), y0), ImVec2(x_of(cur), y1), (ImGui::GetColorU32(ImGuiCol_ButtonActive) & 0x00FFFFFF) | 0xFF000000, 2.0f);
    }
    const float cx = x_of(cur);
    dl->AddRectFilled(ImVec2(cx - 3, p0.y + 1), ImVec2(cx + 3, p1.y - 1), pal.selected, 2.0f);
    dl->AddRect(ImVec2(cx - 3, p0.y + 1), ImVec2(cx + 3, p1.y - 1), IM_COL32(0, 0, 0, 200), 2.0f);

    auto event_at = [&](float x) {
        const double f = std::clamp(double((x - inner_l) / (inner_r - inner_l)), 0.0, 1.0);
        return size_t(std::lround(f * double(events)));
    };
    if (hovered && !active) {
        const size_t e = event_at(ImGui::GetIO().MousePos.x);
        const size_t k = e >= events ? steps - 1 : s.step_of_event(std::min(e, events - 1));
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(trf("Step {number} of {count}", "number"_a = k + 1, "count"_a = steps).c_str());
        const std::string& say = localized(s.scenario().steps[k].say, s.scenario().steps[k].say_tr);
        // A question still to be answered: its step's narration would tell the answer.
        const bool asks = s.scenario().steps[k].ask && app.quiz_on() && !app.quiz().answer_of(k) && s.first_event_of_step(k) >= s.cursor();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26);
        if (asks) text_coloured(pal.link, trf("asks a question ({call})", "call"_a = sim::op_name(s.scenario().steps[k].op)));
        else if (!say.empty()) ImGui::TextUnformatted(say.c_str());
        else ImGui::TextDisabled("%s", sim::op_name(s.scenario().steps[k].op));
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    if (active) {
        size_t e = event_at(ImGui::GetIO().MousePos.x);
        if (st.granularity == Granularity::Operation && e < events) {
            // Snap to the nearest step boundary.
            const size_t k = s.step_of_event(e);
            const size_t a = s.first_event_of_step(k), b = s.first_event_of_step(k + 1);
            e = (e - a) * 2 < (b - a) ? a : b;
        }
        if (e != s.cursor()) {
            app.set_running(false);
            app.seek_event(e);
        }
    }
}

}  // namespace

// One line of text in `width` pixels: an ellipsis where it is longer, the whole text as tooltip.
static void status_text(App& app, const std::string& text, ImU32 colour, float width) {
    ImGui::AlignTextToFramePadding();
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    const ImVec2 pos = ImGui::GetCursorScreenPos() + ImVec2(0, ImGui::GetStyle().FramePadding.y);
    const ImRect bb(pos, pos + ImVec2(std::max(1.0f, std::min(width, size.x)), size.y));
    ImGui::ItemSize(bb);
    if (!ImGui::ItemAdd(bb, 0)) return;
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), bb.Min, bb.Max, bb.Max.x, bb.Max.x, text.c_str(), nullptr, &size);
    ImGui::PopStyleColor();
    if (size.x > width && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
    app.probe().last_item("controls.status");
}

namespace {

// The buttons that move through the lesson (reset, back, step, run, run to a breakpoint) and
// the breakpoints' editor.
void move_buttons(App& app) {
    UiState& st = app.state();
    const Icons& ic = app.icons();
    const sim::Session& s = app.session();
    const bool at_start = s.cursor() == 0, at_end = s.cursor() >= s.event_count();
    auto button = [&](const std::string& label, const char* probe, bool enabled, const char* tip) {
        ImGui::BeginDisabled(!enabled);
        const bool pressed = ImGui::Button(label.c_str());
        ImGui::EndDisabled();
        app.probe().last_item(probe);
        if (tip && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tip);
        ImGui::SameLine();
        return pressed;
    };
    if (button(fmt::format("{} {}", ic.reset, tr("Reset")), "controls.reset", !at_start, tr("Back to the start (Home)"))) {
        app.set_running(false);
        app.reset();
    }
    if (button(fmt::format("{} {}", ic.back, tr("Back")), "controls.back", !at_start, tr("One step back (Left; Shift+Left: one event)"))) {
        app.set_running(false);
        app.step_back();
    }
    if (button(fmt::format("{} {}", tr("Step"), ic.forward), "controls.step", !at_end, tr("One step forward (Right; Shift+Right: one event)"))) {
        app.set_running(false);
        app.step_forward();
    }
    // Labels change with the state and the language; the IDs after ### do not.
    const std::string run_label = fmt::format("{} {}###run", st.running ? ic.pause : ic.play, st.running ? tr("Pause") : tr("Run"));
    if (button(run_label, "controls.run", st.running || !at_end, tr("Play the lesson step by step (Space)"))) app.toggle_run();
    const std::string bp_label = trf("Run to breakpoint ({count})", "count"_a = st.breakpoints.size()) + "###run_to";
    if (button(bp_label, "controls.run_to", !at_end, tr("Run until a breakpoint matches an event"))) app.run_to_breakpoint();
    if (ImGui::Button(tr("Breakpoints..."))) ImGui::OpenPopup("breakpoints");
    app.probe().last_item("controls.breakpoints");
    if (ImGui::BeginPopup("breakpoints")) {
        breakpoint_editor(app);
        ImGui::EndPopup();
    }
}

}  // namespace

void draw_controls_panel(App& app) {
    const PanelScope panel(app, PanelId::Controls, PanelScope::Without::DrawAnyway);
    if (!panel) return;
    UiState& st = app.state();
    if (!app.has_session()) {
        ImGui::TextDisabled("%s", no_session_text());
        if (ImGui::Button(tr("Open a scenario..."))) st.open_picker = true;
        return;
    }
    const sim::Session& s = app.session();
    move_buttons(app);
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 3);
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", tr("Step by"));
    ImGui::SameLine();
    int g = int(st.granularity);
    if (ImGui::RadioButton(tr("operation"), &g, 0)) st.granularity = Granularity::Operation;
    app.probe().last_item("controls.operation");
    ImGui::SameLine();
    if (ImGui::RadioButton(tr("event"), &g, 1)) st.granularity = Granularity::Event;
    app.probe().last_item("controls.event");
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 3);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    ImGui::SliderFloat("##rate", &st.run_rate, 0.5f, 20.0f, "%.1f / s", ImGuiSliderFlags_Logarithmic);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Run speed: moves per second"));

    // The status (breakpoint hit, at the end, ...) fills the rest of the first row; where classroom
    // fonts leave it too little room there, it goes on the second row, before the position. Text
    // longer than its room ends in an ellipsis, whole in the tooltip (never cut in a letter).
    const std::string status = st.status.empty() ? std::string(tr("F1: keyboard shortcuts")) : st.status;
    const ImU32 status_colour = st.status.empty() ? app.colours().text_dim : app.colours().link;
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 2);
    const float room = ImGui::GetContentRegionAvail().x - 8;
    const bool second_row = room < ImGui::GetFontSize() * 10;
    if (!second_row) status_text(app, status, status_colour, room);
    else ImGui::NewLine();
    app.probe().value("controls.status", st.status);

    // Second row: the scrub bar, and where we are.
    const size_t done = s.steps_done();
    const std::string where = s.at_step_boundary() || s.cursor() == 0
                                  ? trf("step {step} of {steps}  |  event {event} of {events}", "step"_a = done, "steps"_a = s.step_count(),
                                        "event"_a = s.cursor(), "events"_a = s.event_count())
                                  : trf("in step {step} of {steps}  |  event {event} of {events}", "step"_a = s.current_step() + 1,
                                        "steps"_a = s.step_count(), "event"_a = s.cursor(), "events"_a = s.event_count());
    ImGui::PushFont(app.fonts().bold);
    const float ww = ImGui::CalcTextSize(where.c_str()).x;
    ImGui::PopFont();
    const float row = ImGui::GetContentRegionAvail().x - ww - ImGui::GetStyle().ItemSpacing.x * 2;
    const float status_w = second_row ? std::min(row * 0.4f, ImGui::CalcTextSize(status.c_str()).x) : 0.0f;
    scrub_bar(app, std::max(50.0f, row - (second_row ? status_w + ImGui::GetStyle().ItemSpacing.x * 2 : 0.0f)));
    if (second_row) {
        ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 2);
        status_text(app, status, status_colour, status_w);
    }
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 2);
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(where.c_str());
    ImGui::PopFont();
    app.probe().value("controls.where", where);
}

}  // namespace pagelab::ui
