#include "sim/Transcript.h"

#include <ostream>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "mm/Pfn.h"
#include "sim/Quiz.h"
#include "sim/Trace.h"

namespace pagelab::sim {

using namespace fmt::literals;
using i18n::trf;
using i18n::trfn;

std::optional<Detail> parse_detail(const std::string& word) {
    if (word == "story") return Detail::Story;
    if (word == "events") return Detail::Events;
    if (word == "changes") return Detail::Changes;
    return std::nullopt;
}

const char* detail_name(Detail d) {
    switch (d) {
        case Detail::Story: return "story";
        case Detail::Events: return "events";
        case Detail::Changes: return "changes";
    }
    return "?";
}

namespace {

constexpr size_t kNone = size_t(-1);

// The learner's view of a change: entries, frame states, VADs and the pagefile — not list links.
bool change_is_shown(const core::Change& c) {
    if (c.store == core::Store::Cpu && c.field == 2) return false;
    return c.store == core::Store::PhysBytes || c.store == core::Store::Slot || c.store == core::Store::Proto ||
           c.store == core::Store::Cpu || c.store == core::Store::Vad ||
           (c.store == core::Store::Pfn &&
            (mm::PfnField(c.field) == mm::PfnField::State || mm::PfnField(c.field) == mm::PfnField::Use));
}

class Writer {
public:
    Writer(Session& s, std::ostream& out, Detail detail, bool quiet, std::string lang)
        : m_s(s), m_out(out), m_detail(detail), m_quiet(quiet), m_lang(std::move(lang)) {}

    bool answers = true;
    const AnswerSource* quiz = nullptr;
    QuizScore score;
    size_t failed = 0;

    void run() {
        const Scenario& sc = m_s.scenario();
        if (!m_quiet) {
            m_out << "== " << (sc.title.empty() ? sc.path : tr(sc.title, sc.title_tr)) << " ==\n";
            if (!sc.summary.empty()) m_out << tr(sc.summary, sc.summary_tr) << "\n";
            m_out << trf("machine: {machine}", "machine"_a = describe_machine(sc.machine)) << "\n";
            // One pass over the journal: each step's head is written when its first event comes.
            m_s.visit(
                0, m_s.event_count(),
                [&](size_t e) {
                    reach(m_s.step_of_event(e));
                    const auto kind = mm::EventKind(m_s.event(e).kind);
                    if (m_detail != Detail::Story && kind != mm::EventKind::Operation) m_out << "  - " << m_s.explain(e) << "\n";
                },
                [&](const core::Change& c) {
                    if (m_detail == Detail::Changes && change_is_shown(c)) m_out << "      " << describe_change(m_s.machine(), c) << "\n";
                });
        }
        reach(m_s.step_count());
        if (!m_quiet && !quiz)
            m_out << "\n" << trfn("{file}: {steps} step, {failed} failed", "{file}: {steps} steps, {failed} failed", m_s.step_count(),
                                       "file"_a = sc.path, "steps"_a = m_s.step_count(), "failed"_a = failed) << "\n";
    }

private:
    // Closes the open step and every step before `step` (steps without events), then opens `step`.
    void reach(size_t step) {
        if (m_open == step) return;
        if (m_open != kNone) tail(m_open);
        while (m_next < step && m_next < m_s.step_count()) {
            head(m_next);
            tail(m_next);
            ++m_next;
        }
        m_open = kNone;
        if (step < m_s.step_count()) {
            head(step);
            m_open = step;
            m_next = step + 1;
        }
    }

    void head(size_t i) {
        if (m_quiet) return;
        const Scenario& sc = m_s.scenario();
        const Step& step = sc.steps[i];
        if (sc.starts_group(i)) {
            const Group& g = *sc.group_of(i);
            m_out << "\n" << trf("Steps {first}-{last}:", "first"_a = g.first + 1, "last"_a = g.first + g.count) << "\n  " << tr(g.say, g.say_tr) << "\n";
        }
        m_out << "\n" << trf("Step {number}: {call}", "number"_a = i + 1, "call"_a = describe_step(step)) << "\n";
        if (step.ask) ask(i, *step.ask);
        if (!step.say.empty()) m_out << "  " << tr(step.say, step.say_tr) << "\n";
    }

    void ask(size_t i, const Question& q) {
        m_out << "  " << trf("Question: {question}", "question"_a = tr(q.question, q.question_tr)) << "\n";
        for (size_t c = 0; c < q.choices.size(); ++c)
            m_out << fmt::format("    {}) {}\n", choice_letter(c), tr(q.choices[c], q.choices_tr[c]));
        if (!q.has_choices()) m_out << "    " << i18n::tr("(answer with a number: decimal or 0x-hex)") << "\n";
        if (!quiz) return;
        ++score.questions;
        std::string retry;
        std::optional<Answer> got;
        for (int tries = 0; tries < 3 && !got; ++tries) {
            const auto input = (*quiz)(i, q, retry);
            if (!input) break;
            got = parse_answer(q, *input, retry);
            if (!got) m_out << "  " << retry << "\n";
        }
        if (got && is_right(q, *got)) {
            ++score.right;
            m_out << "  " << trf("Your answer: {answer} - right.", "answer"_a = answer_text(q, *got, m_lang)) << "\n";
        } else {
            m_out << "  "
                  << trf("Your answer: {answer} - not quite: the answer is {right}.",
                            "answer"_a = got ? answer_text(q, *got, m_lang) : std::string(i18n::tr("none")), "right"_a = right_answer_text(q, m_lang))
                  << "\n";
        }
    }

    void tail(size_t i) {
        const Scenario& sc = m_s.scenario();
        const Step& step = sc.steps[i];
        const StepResult& r = m_s.result(i);
        if (!m_quiet) {
            const std::string res = describe_result(step, r);
            if (!res.empty()) m_out << "  => " << res << "\n";
            if (step.ask && (answers || quiz)) {
                if (!quiz) m_out << "  " << trf("Answer: {answer}", "answer"_a = right_answer_text(*step.ask, m_lang)) << "\n";
                m_out << "  " << trf("Why: {explanation}", "explanation"_a = tr(step.ask->explain, step.ask->explain_tr)) << "\n";
            }
        }
        for (const CheckResult& c : r.checks) {
            if (c.passed && (m_quiet || m_detail == Detail::Story)) continue;
            if (c.passed) {
                m_out << fmt::format("  ok   {} = {}\n", c.what, c.actual);
            } else {
                m_out << fmt::format("{}:{}:{}: step {}: expectation {} failed: expected {}, got {}\n", sc.path, c.expectation->loc.line,
                                     c.expectation->loc.column, i + 1, c.what, c.expected, c.actual);
            }
        }
        if (!r.passed()) ++failed;
    }

    const std::string& tr(const std::string& en, const Translations& t) const { return localized(en, t, m_lang); }

    Session& m_s;
    std::ostream& m_out;
    Detail m_detail;
    bool m_quiet;
    std::string m_lang;
    size_t m_open = kNone;  // the step whose head is written and whose tail is not
    size_t m_next = 0;      // the first step whose head is not written yet
};

}  // namespace

size_t write_transcript(Session& session, std::ostream& out, const TranscriptOptions& options) {
    Writer w(session, out, options.detail, options.quiet, options.lang);
    w.answers = options.answers;
    w.run();
    return w.failed;
}

QuizScore run_quiz(Session& session, std::ostream& out, const AnswerSource& answer, Detail detail, const std::string& lang) {
    Writer w(session, out, detail, false, lang);
    w.quiz = &answer;
    w.run();
    out << trfn("Score: {right} of {questions} question right.", "Score: {right} of {questions} questions right.", w.score.questions,
                    "right"_a = w.score.right, "questions"_a = w.score.questions)
        << "\n";
    return w.score;
}

}  // namespace pagelab::sim
