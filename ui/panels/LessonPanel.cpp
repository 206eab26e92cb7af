// The lesson: its title, the narration of the current step in large type, the call as written,
// its outcome, and the step's expectations with pass/fail marks.
#include "App.h"
#include "panels/Panels.h"
#include "sim/Trace.h"
#include "widgets/Widgets.h"

#include <fmt/format.h>

namespace pagelab::ui {

namespace {

void expectation_list(App& app, size_t step, bool done) {
    const sim::StepResult& r = app.session().result(step);
    const Palette& pal = app.colours();
    const Icons& ic = icons();
    if (r.checks.empty()) {
        ImGui::TextDisabled("This step states no expectations.");
        return;
    }
    size_t passed = 0;
    if (ImGui::BeginTable("##checks", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
        for (const sim::CheckResult& c : r.checks) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (!done) text_coloured(pal.pending, ic.pending);
            else text_coloured(c.passed ? pal.pass : pal.fail, c.passed ? ic.pass : ic.fail);
            if (c.passed) ++passed;
            ImGui::TableNextColumn();
            // "pte.present = true"; the actual value only when it differs (a failed check).
            ImGui::PushTextWrapPos(0);
            ImGui::TextDisabled("%s", c.what.c_str());
            ImGui::SameLine(0, ImGui::GetFontSize() * 0.4f);
            ImGui::TextUnformatted(c.expected.c_str());
            if (done && !c.passed) text_coloured(pal.fail, "but was " + c.actual);
            ImGui::PopTextWrapPos();
        }
        ImGui::EndTable();
    }
    app.probe().value("lesson.checks", done ? fmt::format("{} passed, {} failed", passed, r.checks.size() - passed) : "pending");
}

}  // namespace

void draw_lesson_panel(App& app) {
    if (!app.begin_panel(PanelId::Lesson)) return;
    if (!app.has_session()) {
        ImGui::TextWrapped("%s", no_session_text());
        app.end_panel();
        return;
    }
    const sim::Session& s = app.session();
    const sim::Scenario& sc = s.scenario();
    const Palette& pal = app.colours();

    ImGui::PushFont(app.fonts().bold);
    text_wrapped(sc.title);
    ImGui::PopFont();
    ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
    text_wrapped(sim::describe_machine(sc.machine));
    ImGui::PopStyleColor();
    if (s.failed_steps() > 0) text_coloured(pal.fail, fmt::format("{} step(s) of this lesson fail their expectations.", s.failed_steps()));
    ImGui::Separator();

    const bool started = s.cursor() > 0;
    const size_t step = !started ? 0 : s.at_step_boundary() ? s.steps_done() - 1 : s.current_step();
    const bool done = started && s.first_event_of_step(step + 1) <= s.cursor();
    ImGui::BeginChild("##lesson-body", ImVec2(0, 0), false);
    if (!started) {
        ImGui::PushFont(app.fonts().big);
        ImGui::TextUnformatted("Before the first step");
        ImGui::PopFont();
        text_wrapped(sc.summary.empty() ? "Press Step (or the Right key) to begin." : sc.summary);
        ImGui::Spacing();
        if (!sc.steps.empty()) {
            ImGui::TextDisabled("First step:");
            text_wrapped(sc.steps[0].say.empty() ? sim::describe_step(sc.steps[0]) : sc.steps[0].say);
        }
        app.probe().value("lesson.step", "0");
        app.probe().value("lesson.say", "");
        ImGui::EndChild();
        app.end_panel();
        return;
    }

    const sim::Step& st = sc.steps[step];
    const sim::StepResult& r = s.result(step);
    ImGui::PushFont(app.fonts().bold);
    ImGui::Text("Step %zu of %zu", step + 1, sc.steps.size());
    ImGui::PopFont();
    if (!st.label.empty()) {
        ImGui::SameLine();
        chip(st.label, pal.link);
    }
    if (!done) {
        ImGui::SameLine();
        ImGui::TextDisabled("(in progress: event %zu of %zu)", s.cursor() - s.first_event_of_step(step),
                            s.first_event_of_step(step + 1) - s.first_event_of_step(step));
    }
    if (!st.say.empty()) {
        ImGui::PushFont(app.fonts().big);
        text_wrapped(st.say);
        ImGui::PopFont();
    }
    app.probe().value("lesson.step", std::to_string(step + 1));
    app.probe().value("lesson.say", st.say);
    ImGui::Spacing();
    if (st.op != sim::Op::Pause) {
        ImGui::PushFont(app.fonts().mono);
        ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
        text_wrapped(sim::describe_step(st));
        ImGui::PopStyleColor();
        ImGui::PopFont();
        if (done) {
            const std::string outcome = sim::describe_result(st, r);
            ImGui::PushStyleColor(ImGuiCol_Text, r.ok ? pal.pass : pal.fail);
            text_wrapped(std::string(icons().arrow) + " " + outcome);
            ImGui::PopStyleColor();
            app.probe().value("lesson.result", outcome);
        }
        if (!r.note.empty()) text_coloured(pal.fail, r.note);
    }
    ImGui::Spacing();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted("Expectations");
    ImGui::PopFont();
    expectation_list(app, step, done);
    if (step + 1 < sc.steps.size()) {
        ImGui::Spacing();
        ImGui::Separator();
        const sim::Step& next = sc.steps[step + 1];
        ImGui::TextDisabled("Next:");
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
        text_wrapped(next.say.empty() ? sim::describe_step(next) : next.say);
        ImGui::PopStyleColor();
    } else if (done) {
        ImGui::Spacing();
        text_coloured(pal.pass, "End of the lesson.");
    }
    ImGui::EndChild();
    app.end_panel();
}

}  // namespace pagelab::ui
