#include "Quiz.h"

#include <fmt/format.h>

#include "i18n/I18n.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;

std::string QuizScore::text() const {
    std::string t = answered ? trf("{right} of {answered} right", "right"_a = right, "answered"_a = answered) : std::string(tr("no answers yet"));
    if (skipped) t += " \u00B7 " + trf("{count} skipped", "count"_a = skipped);
    if (ahead) t += " \u00B7 " + trf("{count} to come", "count"_a = ahead);
    return t;
}

void Quiz::clear() {
    m_answers.clear();
    pending.reset();
    input.clear();
    why.clear();
    focus_input = false;
}

const QuizAnswer* Quiz::answer_of(size_t step) const {
    auto it = m_answers.find(step);
    return it == m_answers.end() ? nullptr : &it->second;
}

QuizScore Quiz::score(const sim::Session& s) const {
    QuizScore q;
    const auto& steps = s.scenario().steps;
    for (size_t k = 0; k < steps.size(); ++k) {
        if (!steps[k].ask) continue;
        ++q.questions;
        if (const QuizAnswer* a = answer_of(k)) {
            ++q.answered;
            q.right += a->right ? 1 : 0;
        } else if (s.first_event_of_step(k) < s.cursor()) {
            ++q.skipped;
        } else {
            ++q.ahead;
        }
    }
    return q;
}

size_t Quiz::horizon(const sim::Session& s) const {
    const auto& steps = s.scenario().steps;
    for (size_t k = 0; k < steps.size(); ++k)
        if (steps[k].ask && !answer_of(k) && s.first_event_of_step(k) >= s.cursor()) return k;
    return steps.size();
}

bool about_to_start(const sim::Session& s, size_t step) {
    return step < s.step_count() && s.cursor() < s.event_count() && s.first_event_of_step(step) == s.cursor();
}

}  // namespace pagelab::ui
