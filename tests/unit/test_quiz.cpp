// Predict, then reveal: questions are read with their answers, judged from what the learner
// typed, and put to the learner before their step in `pagelab quiz`; `pagelab run` prints them
// with their answers.
#include <catch2/catch.hpp>

#include <sstream>

#include "sim/Quiz.h"
#include "sim/Session.h"
#include "sim/Transcript.h"

using namespace pagelab;

namespace {

const char* kLesson = R"(pagelab: 1
title: Two questions
summary: A free answer and a choice.
steps:
  - say: A starts.
    do: create_process
    as: A
  - say: A commits three pages.
    do: virtual_alloc
    process: A
    size: 0x3000
    type: [reserve, commit]
    protect: READWRITE
    as: buf
    ask:
      question: At which address?
      answer: 0x10000
      explain: NT's allocations start at 64 KB.
    expect: {returns: 0x10000}
  - say: A reads its first page.
    do: read
    process: A
    address: buf
    ask:
      question: Which fault?
      choices: [none, demand-zero, soft]
      answer: demand-zero
      explain: The page was committed but never touched.
    expect: {fault: demand-zero}
)";

sim::Scenario parse(const std::string& text) {
    auto r = sim::parse_scenario(text, "quiz.yaml");
    if (r.error) FAIL(r.error->message);
    return std::move(*r.scenario);
}

}  // namespace

TEST_CASE("a question's right answer is stored as the choice it names, by letter or by text", "[quiz]") {
    const sim::Scenario sc = parse(kLesson);
    REQUIRE(sc.steps[1].ask);
    CHECK_FALSE(sc.steps[1].ask->has_choices());
    CHECK(sc.steps[1].ask->number == 0x10000);
    REQUIRE(sc.steps[2].ask);
    CHECK(sc.steps[2].ask->choices.size() == 3);
    CHECK(sc.steps[2].ask->answer == 1);
    CHECK(sim::right_answer_text(*sc.steps[2].ask) == "b) demand-zero");
}

TEST_CASE("an answer is read as a letter, a 1-based number or the choice's text, anything else is not an answer", "[quiz]") {
    const sim::Scenario sc = parse(kLesson);
    const sim::Question& q = *sc.steps[2].ask;
    std::string why;
    for (const char* right : {"b", "B", "2", " demand-zero ", "demand-zero"}) {
        auto a = sim::parse_answer(q, right, why);
        REQUIRE(a);
        CHECK(sim::is_right(q, *a));
    }
    auto wrong = sim::parse_answer(q, "c", why);
    REQUIRE(wrong);
    CHECK_FALSE(sim::is_right(q, *wrong));
    CHECK(sim::answer_text(q, *wrong) == "c) soft");
    CHECK_FALSE(sim::parse_answer(q, "d", why));
    CHECK(why == "'d' is not one of the choices (answer a-c or 1-3)");
    CHECK_FALSE(sim::parse_answer(q, "4", why));
    CHECK_FALSE(sim::parse_answer(q, "", why));
    CHECK(why == "no answer given");
}

TEST_CASE("a free answer is right in any spelling of the same number", "[quiz]") {
    const sim::Scenario sc = parse(kLesson);
    const sim::Question& q = *sc.steps[1].ask;
    std::string why;
    for (const char* right : {"0x10000", "65536", "64 KB", "0X10000"}) {
        auto a = sim::parse_answer(q, right, why);
        REQUIRE(a);
        CHECK(sim::is_right(q, *a));
    }
    auto wrong = sim::parse_answer(q, "0x20000", why);
    REQUIRE(wrong);
    CHECK_FALSE(sim::is_right(q, *wrong));
    CHECK_FALSE(sim::parse_answer(q, "sixty", why));
    CHECK(why == "'sixty' is not a number (write it in decimal or as 0x-hex)");
}

TEST_CASE("the quiz asks before the step, judges, reveals, explains and scores", "[quiz]") {
    sim::Session s(parse(kLesson));
    std::vector<std::string> given = {"0x10000", "c"};
    std::vector<size_t> asked_at;
    size_t next = 0;
    std::ostringstream out;
    const sim::QuizScore score = sim::run_quiz(
        s, out,
        [&](size_t step, const sim::Question&, const std::string&) -> std::optional<std::string> {
            asked_at.push_back(step);
            return given[next++];
        },
        sim::Detail::Story);
    CHECK(score.questions == 2);
    CHECK(score.right == 1);
    CHECK(asked_at == std::vector<size_t>{1, 2});
    const std::string t = out.str();
    CHECK(t.find("Your answer: 0x10000 (65536) - right.") != std::string::npos);
    CHECK(t.find("Your answer: c) soft - not quite: the answer is b) demand-zero.") != std::string::npos);
    CHECK(t.find("Score: 1 of 2 questions right.") != std::string::npos);
    // The question comes before the step's narration and result; the explanation after them.
    const size_t q = t.find("Question: Which fault?"), say = t.find("A reads its first page."),
                 result = t.find("faults: demand-zero"), why = t.find("Why: The page was committed");
    CHECK(q < say);
    CHECK(say < result);
    CHECK(result < why);
}

TEST_CASE("an input that is not an answer is asked again, and three of them count as wrong", "[quiz]") {
    sim::Session s(parse(kLesson));
    std::vector<std::string> retries;
    std::ostringstream out;
    const sim::QuizScore score = sim::run_quiz(
        s, out,
        [&](size_t, const sim::Question&, const std::string& retry) -> std::optional<std::string> {
            retries.push_back(retry);
            return std::string("zz");
        },
        sim::Detail::Story);
    CHECK(score.right == 0);
    REQUIRE(retries.size() == 6);
    CHECK(retries[0].empty());
    CHECK(retries[1] == "'zz' is not a number (write it in decimal or as 0x-hex)");
    CHECK(out.str().find("Your answer: none - not quite: the answer is 0x10000 (65536).") != std::string::npos);
}

TEST_CASE("pagelab run prints each question with its answer and explanation", "[quiz]") {
    sim::Session s(parse(kLesson));
    std::ostringstream out;
    sim::TranscriptOptions o;
    o.detail = sim::Detail::Story;
    CHECK(sim::write_transcript(s, out, o) == 0);
    const std::string t = out.str();
    CHECK(t.find("  Question: Which fault?\n    a) none\n    b) demand-zero\n    c) soft\n") != std::string::npos);
    CHECK(t.find("  Answer: b) demand-zero\n  Why: The page was committed but never touched.\n") != std::string::npos);
    CHECK(t.find("  Answer: 0x10000 (65536)\n") != std::string::npos);
}

TEST_CASE("a numeric answer is shown in the base its author wrote it in", "[quiz]") {
    auto question = [](const std::string& answer) {
        sim::Scenario sc = parse("pagelab: 1\nsteps:\n  - say: s\n    ask: {question: q, answer: " + answer + ", explain: e}\n");
        return *sc.steps[0].ask;
    };
    CHECK(sim::right_answer_text(question("0x6")) == "0x6");
    CHECK(sim::right_answer_text(question("6")) == "6");
    CHECK(sim::right_answer_text(question("0x1F")) == "0x1F (31)");
    CHECK(sim::right_answer_text(question("31")) == "31 (0x1F)");
    const sim::Question hex = question("0x6");
    std::string why;
    CHECK(sim::answer_text(hex, *sim::parse_answer(hex, "7", why)) == "0x7");
}

TEST_CASE("a lesson's texts may come in several languages, a missing one falls back to English", "[quiz][languages]") {
    sim::Scenario sc = parse(R"(pagelab: 1
title: {en: Translations, zh: 翻译, ru: Переводы}
steps:
  - say: {en: The shell starts process A., ru: Оболочка запускает процесс A.}
    do: create_process
    as: A
    ask:
      question: {en: "Does it fault?", zh: "会出错吗？"}
      choices:
        - {en: "yes", zh: 会, ru: да}
        - {en: "no", zh: 不会, ru: нет}
      answer: "no"
      explain: {en: Nothing is touched., zh: 什么都没有访问。}
    expect: {fault: none}
)");
    CHECK(sc.title == "Translations");
    CHECK(sim::localized(sc.title, sc.title_tr, "zh") == "翻译");
    CHECK(sim::localized(sc.steps[0].say, sc.steps[0].say_tr, "zh") == "The shell starts process A.");
    CHECK(sim::localized(sc.steps[0].say, sc.steps[0].say_tr, "ru") == "Оболочка запускает процесс A.");
    const sim::Question& q = *sc.steps[0].ask;
    CHECK(q.answer == 1);
    CHECK(sim::right_answer_text(q, "ru") == "b) нет");
    CHECK(sim::right_answer_text(q, "en") == "b) no");
    std::string why;
    auto typed = sim::parse_answer(q, "不会", why);  // a choice's text in any of the lesson's languages
    REQUIRE(typed);
    CHECK(sim::is_right(q, *typed));
    sim::Session s(std::move(sc));
    std::ostringstream out;
    sim::TranscriptOptions o;
    o.detail = sim::Detail::Story;
    o.lang = "zh";
    sim::write_transcript(s, out, o);
    CHECK(out.str().find("== 翻译 ==") != std::string::npos);
    CHECK(out.str().find("Question: 会出错吗？\n    a) 会\n    b) 不会\n") != std::string::npos);
    CHECK(out.str().find("Why: 什么都没有访问。") != std::string::npos);
}
