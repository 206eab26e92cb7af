// The window's quiz (predict, then reveal; docs/ui.md "The quiz"): the answers the learner gave
// and the question waiting for one. Everything else is derived from these and the cursor, so
// nothing here mirrors the machine: a question is *skipped* when its step has started without an
// answer (a jump went past it), *to come* when its step has not started, and the panels may show
// the run only up to the first unanswered question ahead (the horizon).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "sim/Quiz.h"
#include "sim/Session.h"

namespace pagelab::ui {

struct QuizAnswer {
    sim::Answer answer;
    bool right = false;
};

struct QuizScore {
    size_t questions = 0;  // in the lesson
    size_t answered = 0;
    size_t right = 0;
    size_t skipped = 0;    // started (the cursor is past their first event) without an answer
    size_t ahead = 0;      // not started and not answered
    // "1 of 2 right" (or "no answers yet"), then " · 1 skipped", " · 3 to come" when there are any.
    std::string text() const;
};

class Quiz {
public:
    // A new lesson, or "Reset score": every answer is forgotten, the waiting question too.
    void clear();

    const QuizAnswer* answer_of(size_t step) const;
    void record(size_t step, QuizAnswer a) { m_answers[step] = a; }
    // A reload changed the steps from `step` on (they may be other steps now): their answers go.
    void forget_from(size_t step) { m_answers.erase(m_answers.lower_bound(step), m_answers.end()); }

    QuizScore score(const sim::Session& s) const;
    // The number of steps the panels may show the effect of: the first step at or after the
    // cursor whose question is unanswered, or the step count when there is none.
    size_t horizon(const sim::Session& s) const;

    // The step whose question is on screen; the cursor stands at that step's first event.
    std::optional<size_t> pending;
    std::string input;       // a free answer being typed
    std::string why;         // why the last input was not an answer ("'x' is not a number")
    bool focus_input = false;  // give the answer box the keyboard on the next frame

private:
    std::map<size_t, QuizAnswer> m_answers;
};

// Whether step k is the one a forward move from the cursor would start (the cursor stands exactly
// at its first event).
bool about_to_start(const sim::Session& s, size_t step);

}  // namespace pagelab::ui
