// The narrated transcript of `pagelab run` and the terminal quiz of `pagelab quiz`. Both walk
// the session's journal once from the start (linear in the length of the scenario), and both are
// pure functions of the scenario and, for the quiz, of the answers given.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "sim/Session.h"

namespace pagelab::sim {

// How much of the machine's story the transcript tells.
enum class Detail {
    Story,    // narration, questions and step results: what a student reads
    Events,   // plus the generated sentence of every event and each expectation checked
    Changes,  // plus every PTE/PDE, frame-state, VAD and pagefile change under its event
};
std::optional<Detail> parse_detail(const std::string& word);
const char* detail_name(Detail d);

struct TranscriptOptions {
    Detail detail = Detail::Changes;
    bool quiet = false;    // only failures (for `pagelab check`)
    bool answers = true;   // print each question's answer and explanation after its step
    std::string lang = "en";  // the language of the lesson's own texts (title, narration, questions)
};
// The narrated transcript; returns the number of failed steps.
size_t write_transcript(Session& session, std::ostream& out, const TranscriptOptions& options);

// The quiz: the transcript, stopping before each step that asks a question. `answer` is called
// with the question's step and returns what the learner typed (nothing: no answer, e.g. end of
// input); an input that is not an answer to the question at all is asked again (`answer` is
// called again with the reason in `retry`), at most three times.
struct QuizScore {
    size_t questions = 0;
    size_t right = 0;
};
using AnswerSource = std::function<std::optional<std::string>(size_t step, const Question& q, const std::string& retry)>;
QuizScore run_quiz(Session& session, std::ostream& out, const AnswerSource& answer, Detail detail, const std::string& lang = "en");

}  // namespace pagelab::sim
