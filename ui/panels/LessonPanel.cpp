// The lesson: its title, the quiz score, the narration of the current step in large type (under
// its group's sentence when the step belongs to a narrated group), the call as written, its
// outcome, and the step's expectations with pass/fail marks. When a forward move stopped at a
// question, the step's question instead, in the largest type on screen, with its choices (or an
// answer box); once the step has run, the verdict and the explanation above its narration (a
// question not answered: the answer and the explanation after the outcome).
#include "App.h"
#include "i18n/I18n.h"
#include "panels/Panels.h"
#include "sim/Quiz.h"
#include "sim/Trace.h"
#include "widgets/Widgets.h"

#include <fmt/format.h>
#include <imgui_stdlib.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

ImU32 with_alpha(ImU32 c, unsigned alpha) { return (c & 0x00FFFFFFu) | (ImU32(alpha) << 24); }

// A framed block of content: a tinted background and a coloured edge on the left, drawn behind
// the content once its height is known (the draw list's channel 0 lies under channel 1).
class Card {
public:
    // out: where the card was drawn, once it is (for scrolling it into view).
    Card(ImU32 tint, ImU32 edge, ImRect* out = nullptr) : m_tint(tint), m_edge(edge), m_out(out) {
        m_dl = ImGui::GetWindowDrawList();
        m_dl->ChannelsSplit(2);
        m_dl->ChannelsSetCurrent(1);
        m_pad = std::floor(ImGui::GetFontSize() * 0.6f);
        m_top = ImGui::GetCursorScreenPos();
        m_width = ImGui::GetContentRegionAvail().x;
        ImGui::Dummy(ImVec2(0, m_pad * 0.5f));
        ImGui::Indent(m_pad);
        // Text wraps inside the card's right padding (local coordinates).
        ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + m_width - 2 * m_pad);
    }
    ~Card() {
        ImGui::PopTextWrapPos();
        ImGui::Unindent(m_pad);
        ImGui::Dummy(ImVec2(0, m_pad * 0.5f));
        const ImVec2 bottom(m_top.x + m_width, ImGui::GetCursorScreenPos().y - ImGui::GetStyle().ItemSpacing.y);
        m_dl->ChannelsSetCurrent(0);
        m_dl->AddRectFilled(m_top, bottom, m_tint, 4.0f);
        m_dl->AddRectFilled(m_top, ImVec2(m_top.x + 4, bottom.y), m_edge, 2.0f);
        m_dl->ChannelsMerge();
        if (m_out) *m_out = ImRect(m_top, bottom);
        ImGui::Spacing();
    }
    Card(const Card&) = delete;
    Card& operator=(const Card&) = delete;
    // The width content may take inside the padding.
    float inner_width() const { return m_width - 2 * m_pad; }

private:
    ImDrawList* m_dl;
    ImU32 m_tint, m_edge;
    ImRect* m_out;
    ImVec2 m_top;
    float m_width = 0, m_pad = 0;
};

// Scrolls the lesson body once (per key) so that a quiz card is in view: all of it when it fits,
// else its top.
void scroll_into_view(App& app, const ImRect& r, const std::string& key) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    const std::string k = fmt::format("{}:{:.0f}", key, w->InnerRect.GetHeight());
    if (app.state().lesson_scrolled_to == k) return;
    app.state().lesson_scrolled_to = k;
    ImRect target = r;
    target.Max.y = std::min(target.Max.y, target.Min.y + w->InnerRect.GetHeight() - ImGui::GetStyle().ItemSpacing.y);
    ImGui::ScrollToRect(w, target, ImGuiScrollFlags_KeepVisibleEdgeY);
}

// A button as wide as asked whose label wraps: a choice can be a whole sentence.
bool wrapped_button(const char* id, const std::string& label, ImFont* font, float width) {
    ImGui::PushFont(font);
    const ImVec2 pad(ImGui::GetFontSize() * 0.5f, ImGui::GetFontSize() * 0.3f);
    const float wrap = std::max(10.0f, width - 2 * pad.x);
    const std::string text = wrap_lines(label, font, font->FontSize, wrap);
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec2 size(width, ts.y + 2 * pad.y);
    const bool pressed = ImGui::InvisibleButton(id, size);
    const ImGuiCol bg = ImGui::IsItemActive() ? ImGuiCol_ButtonActive : ImGui::IsItemHovered() ? ImGuiCol_ButtonHovered : ImGuiCol_Button;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, p + size, ImGui::GetColorU32(bg), 4.0f);
    dl->AddText(font, font->FontSize, p + pad, ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
    ImGui::PopFont();
    return pressed;
}

// "Steps 5-8" and the group's sentence, told above the narration of each of its steps.
void group_sentence(App& app, const sim::Scenario& sc, size_t step) {
    const sim::Group* g = sc.group_of(step);
    if (!g) return;
    const Palette& pal = app.colours();
    const std::string range = g->count > 1 ? trf("Steps {first}-{last}", "first"_a = g->first + 1, "last"_a = g->first + g->count)
                                           : trf("Step {number}", "number"_a = g->first + 1);
    const std::string& say = localized(g->say, g->say_tr);
    {
        Card card(with_alpha(pal.text_dim, 0x22), pal.text_dim);
        ImGui::PushFont(app.fonts().bold);
        ImGui::TextUnformatted(range.c_str());
        ImGui::PopFont();
        text_block(say);
    }
    app.probe().value("lesson.group", range + ": " + say);
}

// The score, and the action that starts the quiz again.
void score_line(App& app, const sim::Session& s) {
    const QuizScore score = app.quiz().score(s);
    if (score.questions == 0) return;
    const Palette& pal = app.colours();
    if (!app.quiz_on()) {
        ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
        text_wrapped(trfn("Quiz off: {count} question is shown with its answer (Quiz menu).",
                          "Quiz off: {count} questions are shown with their answers (Quiz menu).", score.questions, "count"_a = score.questions));
        ImGui::PopStyleColor();
        app.probe().value("quiz.score", "off");
        return;
    }
    ImGui::PushFont(app.fonts().bold);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("Quiz:"));
    ImGui::PopFont();
    ImGui::SameLine();
    const std::string text = score.text();
    const float button_w = ImGui::CalcTextSize(tr("Reset score")).x + ImGui::GetStyle().FramePadding.x * 2;
    const bool room = ImGui::GetContentRegionAvail().x > ImGui::CalcTextSize(text.c_str()).x + button_w + ImGui::GetFontSize() * 2;
    ImGui::PushStyleColor(ImGuiCol_Text, score.answered && score.right == score.answered ? pal.pass : pal.text);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopStyleColor();
    app.probe().value("quiz.score", text);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("Answered, right, skipped by a jump, still to come. Quiz > Reset score forgets the answers."));
    // Where the line has room; the Quiz menu always has it.
    if (score.answered == 0 || !room) return;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - button_w);
    if (ImGui::SmallButton(tr("Reset score"))) app.reset_quiz();
    app.probe().last_item("quiz.reset");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Forget the answers: stepping into a question asks it again"));
}

// The question a forward move stopped at: the question, the choices as buttons (or a box for a
// number), how to answer, and Skip.
void question_card(App& app, size_t step) {
    const sim::Question& q = *app.session().scenario().steps[step].ask;
    const Palette& pal = app.colours();
    Quiz& quiz = app.quiz_input();
    std::optional<std::string> answer;
    bool skip = false;
    ImRect drawn;
    {
        Card card(with_alpha(pal.link, 0x26), pal.link, &drawn);
        text_coloured(pal.link, tr("QUESTION - predict, then see"));
        const std::string& question = localized(q.question, q.question_tr);
        ImGui::PushFont(app.fonts().question);
        text_block(question);
        ImGui::PopFont();
        app.probe().value("quiz.question", question);
        ImGui::Spacing();
        if (q.has_choices()) {
            for (size_t c = 0; c < q.choices.size(); ++c) {
                const std::string id = fmt::format("##choice{}", c);
                const std::string label = fmt::format("{}) {}", sim::choice_letter(c),
                                                    c < q.choices_tr.size() ? localized(q.choices[c], q.choices_tr[c]) : q.choices[c]);
                if (wrapped_button(id.c_str(), label, app.fonts().big, card.inner_width())) answer = std::string(1, sim::choice_letter(c));
                app.probe().last_item(fmt::format("quiz.choice.{}", sim::choice_letter(c)));
            }
            ImGui::TextDisabled("%s", trf("Click an answer, or press 1-{count} or a-{last_letter}.", "count"_a = q.choices.size(),
                                          "last_letter"_a = sim::choice_letter(q.choices.size() - 1)).c_str());
        } else {
            ImGui::PushFont(app.fonts().question);
            const float button_w = ImGui::CalcTextSize(tr("Answer")).x + ImGui::GetStyle().FramePadding.x * 2;
            ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 9, card.inner_width() - button_w - ImGui::GetStyle().ItemSpacing.x));
            if (quiz.focus_input) {
                ImGui::SetKeyboardFocusHere();
                quiz.focus_input = false;
            }
            const bool enter = ImGui::InputTextWithHint("##answer", tr("number"), &quiz.input, ImGuiInputTextFlags_EnterReturnsTrue |
                                                                                          ImGuiInputTextFlags_AutoSelectAll);
            app.probe().last_item("quiz.input");
            ImGui::SameLine();
            const bool clicked = ImGui::Button(tr("Answer"));
            app.probe().last_item("quiz.submit");
            ImGui::PopFont();
            if (enter || clicked) answer = quiz.input;
            ImGui::TextDisabled("%s", tr("Type a number (decimal or 0x-hex) and press Enter."));
        }
        if (!quiz.why.empty()) {
            text_coloured(pal.fail, quiz.why);
            app.probe().value("quiz.why", quiz.why);
        }
        skip = ImGui::SmallButton(tr("Skip this question"));
        app.probe().last_item("quiz.skip");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("Run the step without answering: the question counts as skipped, not wrong"));
    }
    scroll_into_view(app, drawn, fmt::format("q{}", step));
    // The answer runs the step: after the card is drawn, so that the frame shows one state.
    if (skip) app.skip_question();
    else if (answer) app.answer_question(*answer);
}

// After the step has run: the question, the verdict with the right answer, and the explanation.
void answer_card(App& app, size_t step) {
    const sim::Question& q = *app.session().scenario().steps[step].ask;
    const Palette& pal = app.colours();
    const QuizAnswer* given = app.quiz().answer_of(step);
    std::string verdict;
    ImU32 colour = pal.link;
    std::string you;
    const std::string& lang = app.language();
    const std::string right = sim::right_answer_text(q, lang);
    if (given && given->right) {
        verdict = fmt::format("{} {}", app.icons().pass, trf("Right: {answer}", "answer"_a = right));
        colour = pal.pass;
    } else if (given) {
        verdict = fmt::format("{} {}", app.icons().fail, trf("Not quite: the answer is {answer}", "answer"_a = right));
        you = trf("You answered {answer}.", "answer"_a = sim::answer_text(q, given->answer, lang));
        colour = pal.fail;
    } else if (app.quiz_on()) {
        verdict = trf("Skipped: the answer is {answer}", "answer"_a = right);
    } else {
        verdict = trf("Answer: {answer}", "answer"_a = right);
    }
    const std::string& explain = localized(q.explain, q.explain_tr);
    ImRect drawn;
    {
        Card card(with_alpha(colour, 0x22), colour, &drawn);
        ImGui::TextDisabled("%s", tr("Question:"));
        ImGui::SameLine();
        text_block(localized(q.question, q.question_tr));
        ImGui::PushFont(app.fonts().big);
        text_coloured(colour, verdict);
        ImGui::PopFont();
        if (!you.empty()) text_block(you);
        ImGui::PushFont(app.fonts().bold);
        ImGui::TextUnformatted(tr("Why:"));
        ImGui::PopFont();
        ImGui::SameLine();
        text_block(explain);
    }
    if (given) scroll_into_view(app, drawn, fmt::format("a{}@{}", step, app.session().cursor()));
    app.probe().value("quiz.verdict", verdict);
    app.probe().value("quiz.explain", explain);
}

void expectation_list(App& app, size_t step, bool done) {
    const sim::StepResult& r = app.session().result(step);
    const Palette& pal = app.colours();
    const Icons& ic = app.icons();
    if (r.checks.empty()) {
        ImGui::TextDisabled("%s", tr("This step states no expectations."));
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
            if (done && !c.passed) text_coloured(pal.fail, trf("but was {actual}", "actual"_a = c.actual));
            ImGui::PopTextWrapPos();
        }
        ImGui::EndTable();
    }
    app.probe().value("lesson.checks", done ? fmt::format("{} passed, {} failed", passed, r.checks.size() - passed) : "pending");
}

// Classroom mode: the expectations on one line ("✔ 18 of 18 expectations hold"), unfolded on a
// click (and by themselves when one fails), so that the narration keeps the room.
void expectation_summary(App& app, size_t step, bool done) {
    const sim::StepResult& r = app.session().result(step);
    const Palette& pal = app.colours();
    const size_t count = r.checks.size();
    if (count == 0) return;
    size_t passed = 0;
    for (const sim::CheckResult& c : r.checks) passed += c.passed ? 1 : 0;
    std::string label;
    ImU32 colour = pal.text_dim;
    if (!done) {
        label = fmt::format("{} {}", app.icons().pending, trfn("{count} expectation, checked when the step ends", "{count} expectations, checked when the step ends",
                                                            count, "count"_a = count));
    } else if (passed == count) {
        label = fmt::format("{} {}", app.icons().pass, trfn("{passed} of {count} expectation holds", "{passed} of {count} expectations hold", count,
                                                         "passed"_a = passed, "count"_a = count));
        colour = pal.pass;
    } else {
        label = fmt::format("{} {}", app.icons().fail, trfn("{failed} of {count} expectation fails", "{failed} of {count} expectations fail", count,
                                                         "failed"_a = count - passed, "count"_a = count));
        colour = pal.fail;
        ImGui::SetNextItemOpen(true, ImGuiCond_Appearing);
    }
    // The arrow, then the line wrapped beside it (a tree node's own label never wraps).
    const bool open = ImGui::TreeNodeEx("##expectations", ImGuiTreeNodeFlags_SpanAvailWidth | ImGuiTreeNodeFlags_AllowItemOverlap);
    app.probe().last_item("lesson.expectations");
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    text_wrapped(label);
    ImGui::PopStyleColor();
    app.probe().value("lesson.expectations", label);
    if (open) {
        expectation_list(app, step, done);
        ImGui::TreePop();
    }
}

// Classroom mode, stepping by event: the event just applied, in the narration's large type, in
// the lesson panel (the events panel is a tab behind it), scrolled into view.
void event_card(App& app, size_t step) {
    const sim::Session& s = app.session();
    const size_t e = s.cursor() - 1;
    const size_t first = s.first_event_of_step(step), count = s.first_event_of_step(step + 1) - first;
    const std::string sentence = s.explain(e);
    ImRect drawn;
    {
        Card card(with_alpha(app.colours().changed, 0x22), app.colours().changed, &drawn);
        ImGui::TextDisabled("%s", trf("Event {number} of {count} of this step (event {event} of the run)", "number"_a = e - first + 1,
                                      "count"_a = count, "event"_a = e + 1).c_str());
        ImGui::PushFont(app.fonts().big);
        text_block(sentence);
        ImGui::PopFont();
    }
    // (its place in the content in the key: the first frames may lay the text out in a font still
    // being built, and the card moves when the narration above it grows)
    const ImGuiWindow* body = ImGui::GetCurrentWindow();
    scroll_into_view(app, drawn, fmt::format("e{}:{:.0f}:{:.0f}", s.cursor(), drawn.Min.y - body->Pos.y + body->Scroll.y, drawn.GetHeight()));
    app.probe().value("lesson.event", sentence);
    app.probe().rect("lesson.event", drawn);
}

// "Step 3 of 12", its label, and how far a step in progress has got.
void step_heading(App& app, size_t step, bool done, bool asking) {
    const sim::Session& s = app.session();
    const sim::Step& st = s.scenario().steps[step];
    const Palette& pal = app.colours();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(trf("Step {number} of {count}", "number"_a = step + 1, "count"_a = s.step_count()).c_str());
    ImGui::PopFont();
    if (asking) {
        ImGui::SameLine();
        chip(tr("question first"), pal.link);
    }
    if (!st.label.empty()) {
        ImGui::SameLine();
        chip(st.label, pal.link);
    }
    if (!done && !asking) {
        const std::string progress = trf("(in progress: event {number} of {count})", "number"_a = s.cursor() - s.first_event_of_step(step),
                                         "count"_a = s.first_event_of_step(step + 1) - s.first_event_of_step(step));
        same_line_if_fits(progress);
        ImGui::TextDisabled("%s", progress.c_str());
    }
}

void narration(App& app, const sim::Step& st) {
    if (st.say.empty()) return;
    ImGui::PushFont(app.fonts().big);
    text_wrapped(localized(st.say, st.say_tr));
    ImGui::PopFont();
}

void call_as_written(App& app, const sim::Step& st) {
    if (st.op == sim::Op::Pause) return;
    ImGui::PushFont(app.fonts().mono);
    ImGui::PushStyleColor(ImGuiCol_Text, app.colours().text_dim);
    text_wrapped(sim::describe_step(st));
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

// The next step's narration (its group's sentence when it opens a group); for a step whose
// question is still to be answered, only that it asks one, since its narration tells the answer.
void next_step(App& app, size_t next) {
    const sim::Session& s = app.session();
    const sim::Scenario& sc = s.scenario();
    const sim::Step& st = sc.steps[next];
    const Palette& pal = app.colours();
    ImGui::TextDisabled("%s", tr("Next:"));
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
    if (sc.starts_group(next)) {
        const sim::Group& g = *sc.group_of(next);
        text_wrapped(trf("Steps {first}-{last}: {say}", "first"_a = g.first + 1, "last"_a = g.first + g.count,
                         "say"_a = localized(g.say, g.say_tr)));
    }
    const bool asks = st.ask && app.quiz_on() && !app.quiz().answer_of(next);
    const std::string& say = localized(st.say, st.say_tr);
    text_wrapped(st.say.empty() || asks ? sim::describe_step(st) : say);
    ImGui::PopStyleColor();
    if (asks) text_coloured(pal.link, tr("It asks a question first: predict, then see."));
    app.probe().value("lesson.next", asks ? "asks" : say);
}

}  // namespace

namespace {

// The title, the machine, failures and the quiz score: the panel's head, above its body.
void lesson_head(App& app, const sim::Session& s) {
    const sim::Scenario& sc = s.scenario();
    const Palette& pal = app.colours();
    ImGui::PushFont(app.fonts().bold);
    text_wrapped(localized(sc.title, sc.title_tr));
    app.probe().value("lesson.title", localized(sc.title, sc.title_tr));
    ImGui::PopFont();
    ImGui::PushStyleColor(ImGuiCol_Text, pal.text_dim);
    text_wrapped(sim::describe_machine(sc.machine));
    ImGui::PopStyleColor();
    if (s.failed_steps() > 0) text_coloured(pal.fail, trfn("{count} step of this lesson fails its expectations.", "{count} steps of this lesson fail their expectations.",
                                                        s.failed_steps(), "count"_a = s.failed_steps()));
    score_line(app, s);
    ImGui::Separator();
}

// A question waits: the step it holds back, by its call as written, then the question. The
// step's narration tells what happens (as `pagelab quiz` prints it after the answer), so it
// waits too, with the outcome and the expectations; the cursor stands before the step.
void pending_question(App& app, const sim::Scenario& sc, size_t pending) {
    const sim::Step& st = sc.steps[pending];
    step_heading(app, pending, false, true);
    group_sentence(app, sc, pending);
    call_as_written(app, st);
    ImGui::Spacing();
    app.probe().value("lesson.step", std::to_string(pending + 1));
    app.probe().value("lesson.say", "");
    app.probe().value("quiz.pending", std::to_string(pending + 1));
    question_card(app, pending);
}

void before_first_step(App& app, const sim::Session& s) {
    const sim::Scenario& sc = s.scenario();
    const Palette& pal = app.colours();
    ImGui::PushFont(app.fonts().big);
    ImGui::TextUnformatted(tr("Before the first step"));
    ImGui::PopFont();
    text_wrapped(sc.summary.empty() ? std::string(tr("Press Step (or the Right key) to begin.")) : localized(sc.summary, sc.summary_tr));
    const QuizScore score = app.quiz().score(s);
    if (score.questions > 0 && app.quiz_on())
        text_coloured(pal.link, trfn("This lesson asks {count} question: it stops the lesson before its step. Predict, then see.",
                                     "This lesson asks {count} questions: each stops the lesson before its step. Predict, then see.",
                                     score.questions, "count"_a = score.questions));
    ImGui::Spacing();
    if (!sc.steps.empty()) next_step(app, 0);
    app.probe().value("lesson.step", "0");
    app.probe().value("lesson.say", "");
}

// The call as written, its outcome once done, and a question not answered (skipped by a jump, or
// quizzes off) with its answer, as `pagelab run` prints it; then the expectations.
void step_outcome(App& app, const sim::Session& s, size_t step, bool done, bool answered) {
    const sim::Step& st = s.scenario().steps[step];
    const sim::StepResult& r = s.result(step);
    const Palette& pal = app.colours();
    if (st.op != sim::Op::Pause) {
        call_as_written(app, st);
        if (done) {
            const std::string outcome = sim::describe_result(st, r);
            ImGui::PushStyleColor(ImGuiCol_Text, r.ok ? pal.pass : pal.fail);
            text_wrapped(std::string(app.icons().arrow) + " " + outcome);
            ImGui::PopStyleColor();
            app.probe().value("lesson.result", outcome);
        }
        if (!r.note.empty()) text_coloured(pal.fail, r.note);
    }
    if (st.ask && !answered) {
        ImGui::Spacing();
        answer_card(app, step);
    }
    ImGui::Spacing();
    if (app.state().classroom) {
        expectation_summary(app, step, done);
    } else {
        ImGui::PushFont(app.fonts().bold);
        ImGui::TextUnformatted(tr("Expectations"));
        ImGui::PopFont();
        expectation_list(app, step, done);
    }
}

void current_step(App& app, const sim::Session& s) {
    const sim::Scenario& sc = s.scenario();
    const size_t step = s.at_step_boundary() ? s.steps_done() - 1 : s.current_step();
    const bool done = s.first_event_of_step(step + 1) <= s.cursor();
    const sim::Step& st = sc.steps[step];
    step_heading(app, step, done, false);
    group_sentence(app, sc, step);
    // An answer's verdict first, where the question stood: the learner's eye is there already.
    const bool answered = st.ask && app.quiz().answer_of(step);
    if (answered) answer_card(app, step);
    narration(app, st);
    app.probe().value("lesson.step", std::to_string(step + 1));
    app.probe().value("lesson.say", localized(st.say, st.say_tr));
    const UiState& ui = app.state();
    if (ui.classroom && s.first_event_of_step(step) < s.cursor() && (!done || ui.moved_by_event || ui.granularity == Granularity::Event))
        event_card(app, step);
    ImGui::Spacing();
    step_outcome(app, s, step, done, answered);
    if (step + 1 < sc.steps.size()) {
        ImGui::Spacing();
        ImGui::Separator();
        next_step(app, step + 1);
    } else if (done) {
        ImGui::Spacing();
        text_coloured(app.colours().pass, tr("End of the lesson."));
    }
}

}  // namespace

void draw_lesson_panel(App& app) {
    const PanelScope panel(app, PanelId::Lesson);
    if (!panel) return;
    const sim::Session& s = app.session();
    lesson_head(app, s);
    const float body_top = ImGui::GetCursorPosY();
    ImGui::BeginChild("##lesson-body", ImVec2(0, 0), false);
    if (const auto pending = app.quiz().pending) pending_question(app, s.scenario(), *pending);
    else if (s.cursor() == 0) before_first_step(app, s);
    else current_step(app, s);
    // The height of what was drawn (the layout gives classroom's events the room left under it).
    const float body = ImGui::GetCursorPosY();
    ImGui::EndChild();
    app.state().lesson_want_px = body_top + body + 2 * ImGui::GetStyle().WindowPadding.y;
}

}  // namespace pagelab::ui
