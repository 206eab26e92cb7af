// The message catalogue: messages in zh and ru, Russian's three plural forms, named arguments in
// the translation's own order, and English again (the golden traces' language) on demand.
#include <catch2/catch.hpp>

#include "i18n/I18n.h"

using namespace pagelab;
using namespace fmt::literals;

namespace {
struct Language {
    explicit Language(const char* lang) { i18n::set_language(lang); }
    ~Language() { i18n::set_language("en"); }
};
std::string score(size_t right, size_t questions) {
    return i18n::trfn("Score: {right} of {questions} question right.", "Score: {right} of {questions} questions right.", questions,
                      "right"_a = right, "questions"_a = questions);
}
}  // namespace

TEST_CASE("messages come out in the language set, and in English again afterwards", "[i18n]") {
    CHECK(std::string(i18n::tr("none")) == "none");
    {
        Language ru("ru");
        CHECK(i18n::language() == "ru");
        CHECK(std::string(i18n::tr("none")) == "нет");
        CHECK(i18n::trf("Step {number}: {call}", "number"_a = 3, "call"_a = "read") == "Шаг 3: read");
    }
    {
        Language zh("zh");
        CHECK(i18n::trf("Question: {question}", "question"_a = "?") == "问题：?");
    }
    CHECK(i18n::language() == "en");
    CHECK(std::string(i18n::tr("none")) == "none");
    CHECK(i18n::set_language("de") == "en");  // an unknown language is English
}

TEST_CASE("Russian has three plural forms, Chinese one, English two", "[i18n]") {
    CHECK(score(1, 1) == "Score: 1 of 1 question right.");
    CHECK(score(1, 2) == "Score: 1 of 2 questions right.");
    {
        Language ru("ru");
        CHECK(score(1, 1) == "Результат: верно 1 из 1 вопроса.");
        CHECK(score(2, 2) == "Результат: верно 2 из 2 вопросов.");
        CHECK(score(3, 5) == "Результат: верно 3 из 5 вопросов.");
        CHECK(score(3, 21) == "Результат: верно 3 из 21 вопроса.");
        CHECK(score(3, 11) == "Результат: верно 3 из 11 вопросов.");
    }
    {
        Language zh("zh");
        CHECK(score(1, 5) == "得分：5 个问题中答对 1 个。");  // the translation puts the arguments in its own order
    }
}
