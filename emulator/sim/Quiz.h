// Predict, then reveal: judging a learner's answer to a step's `ask:` question. Shared by
// `pagelab quiz`, `pagelab run` (which prints the answers) and the window's quiz.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/Scenario.h"

namespace pagelab::sim {

// What the learner typed, understood: a choice (its letter, its 1-based number or its exact
// text) or, for a free question, a number (decimal, 0x-hex, or with KB/MB).
struct Answer {
    std::optional<size_t> choice;
    std::optional<uint64_t> number;
};

// Reads an answer. Returns nothing, with `why` set, when the input is not an answer to this
// question at all ("'z' is not one of a-c", "'five' is not a number").
std::optional<Answer> parse_answer(const Question& q, const std::string& input, std::string& why);

bool is_right(const Question& q, const Answer& a);

// "b" for choice 1, ...
char choice_letter(size_t i);
// The right answer as shown to the learner: "b) a soft fault" or "0x5 (5)".
std::string right_answer_text(const Question& q, const std::string& lang = "en");
// The learner's answer as shown back: "c) a hard fault" or "0x7 (7)".
std::string answer_text(const Question& q, const Answer& a, const std::string& lang = "en");

}  // namespace pagelab::sim
