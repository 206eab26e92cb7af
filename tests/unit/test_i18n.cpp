// The message catalogue: messages in zh and ru, Russian's three plural forms, named arguments in
// the translation's own order, and English again (the golden traces' language) on demand.
#include <catch2/catch.hpp>

#include "i18n/I18n.h"
#include "mm/Events.h"

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

namespace {
// One event's sentence in the language set: process "A" reserves `pages` pages at 0x10000.
std::string reserve_sentence(uint32_t pages) {
    const core::EventRecord e{0, uint16_t(mm::EventKind::Reserved), 0, {0x10000, pages * 4096, 4, 0}};
    return mm::describe_event(e, [](uint16_t) { return std::string("A"); });
}
std::string commit_refused(uint32_t pages) {
    const core::EventRecord e{0, uint16_t(mm::EventKind::CommitLimit), 0xFFFF, {pages, 90, 100, 0}};
    return mm::describe_event(e, [](uint16_t) { return std::string("A"); });
}
}  // namespace

TEST_CASE("event sentences agree in number in every language: 1, 2-4, 5-20 and 21 pages", "[i18n]") {
    CHECK(reserve_sentence(1) == "A reserves 0x00010000-0x00010FFF (1 page): a VAD records the range, no frame is used.");
    CHECK(reserve_sentence(2) == "A reserves 0x00010000-0x00011FFF (2 pages): a VAD records the range, no frame is used.");
    {
        Language ru("ru");
        CHECK(reserve_sentence(1) == "A резервирует 0x00010000-0x00010FFF (1 страница): диапазон записывается в VAD, физические страницы не используются.");
        CHECK(reserve_sentence(3) == "A резервирует 0x00010000-0x00012FFF (3 страницы): диапазон записывается в VAD, физические страницы не используются.");
        CHECK(reserve_sentence(5) == "A резервирует 0x00010000-0x00014FFF (5 страниц): диапазон записывается в VAD, физические страницы не используются.");
        CHECK(reserve_sentence(11) == "A резервирует 0x00010000-0x0001AFFF (11 страниц): диапазон записывается в VAD, физические страницы не используются.");
        CHECK(reserve_sentence(21) == "A резервирует 0x00010000-0x00024FFF (21 страница): диапазон записывается в VAD, физические страницы не используются.");
        CHECK(commit_refused(2) == "Передача памяти отклонена: ещё 2 страницы превысили бы предел передачи (передано 90 из 100).");
    }
    {
        Language zh("zh");
        CHECK(reserve_sentence(1) == "A 预订 0x00010000-0x00010FFF（1 个页面）：由一个 VAD 记录这个范围，不使用任何页框。");
        CHECK(reserve_sentence(5) == "A 预订 0x00010000-0x00014FFF（5 个页面）：由一个 VAD 记录这个范围，不使用任何页框。");
        CHECK(commit_refused(1) == "调拨被拒绝：再调拨 1 个页面就会超过调拨上限（已调拨 90，上限 100）。");
    }
    // The golden traces' language: English whatever was set before.
    CHECK(reserve_sentence(5) == "A reserves 0x00010000-0x00014FFF (5 pages): a VAD records the range, no frame is used.");
}

TEST_CASE("every catalogue message formats in zh and ru with its English arguments", "[i18n]") {
    // A translation whose placeholder is not one of the English names makes fmt throw: the
    // catalogue check (tests/i18n/check_catalogue.py) prevents it; here a sentence of each kind
    // with every argument, so a format spec that does not fit its argument (:X on a string) shows.
    for (const char* lang : {"zh", "ru"}) {
        Language l(lang);
        for (uint16_t kind = 1; kind < uint16_t(mm::EventKind::Count_); ++kind)
            for (uint32_t n : {0u, 1u, 2u, 5u, 21u}) {
                const core::EventRecord e{0, kind, 0, {n, n, n, n}};
                std::vector<std::string> strings = {"C:\\APP\\A.EXE", "B.DLL", "name", "x", "y", "z"};
                INFO(lang << " " << mm::event_kind_name(mm::EventKind(kind)) << " " << n);
                CHECK_NOTHROW(mm::describe_event(e, [](uint16_t) { return std::string("A"); }, &strings));
            }
    }
}
