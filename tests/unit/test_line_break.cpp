// The window's line breaking (i18n::wrap_text): English breaks at spaces as before, Russian
// abbreviations and units stay with their word or number ("стр. 5", "физ. адрес", "64 КБ"),
// nothing breaks after a '.' or ',' inside a word (as ImGui 1.86's own wrapping did), Chinese
// breaks between characters but not before "。"; and a term keeps its place across a break.
#include <catch2/catch.hpp>

#include "i18n/Glossary.h"
#include "i18n/LineBreak.h"

using namespace pagelab;

namespace {
// Every Latin or Cyrillic letter, digit or sign 1 wide, a Chinese character 2.
float advance(char32_t c) { return c >= 0x2E80 ? 2.0f : 1.0f; }
std::string wrap(std::string_view text, float width) { return i18n::wrap_text(text, width, advance); }
}  // namespace

TEST_CASE("English wraps at spaces, a comma or a full stop inside a word does not break", "[wrap]") {
    CHECK(wrap("The quick brown fox jumps over the lazy dog", 15) == "The quick brown\nfox jumps over\nthe lazy dog");
    CHECK(wrap("values 0x1000,0x2000 here", 14) == "values\n0x1000,0x2000\nhere");
    CHECK(wrap("The end. Next one", 8) == "The end.\nNext one");
    CHECK(wrap("short", 40) == "short");
    CHECK(wrap("a line\nand more", 40) == "a line\nand more");
    CHECK(wrap("no width", 0) == "no width");
    // A word longer than a line is cut where it must (ImGui does the same).
    CHECK(wrap("abcdefghij", 4) == "abcd\nefgh\nij");
    // Spaces at a break are dropped; spaces at the end of a line may hang past the width.
    CHECK(wrap("one   two", 5) == "one\ntwo");
}

TEST_CASE("Russian abbreviations stay with their number or word, numbers with their unit", "[wrap]") {
    // "Смотрите стр." is 13 wide: a break at any space would leave "5" alone on the next line.
    CHECK(wrap("Смотрите стр. 5", 13) == "Смотрите\nстр. 5");
    CHECK(wrap("Здесь виден физ. адрес", 16) == "Здесь виден\nфиз. адрес");
    CHECK(wrap("(см. выше) и так", 10) == "(см. выше)\nи так");
    CHECK(wrap("это т.е. так", 8) == "это\nт.е. так");
    CHECK(wrap("регион занимает 64 КБ.", 18) == "регион занимает\n64 КБ.");
    CHECK(wrap("Размер 4096 байт", 11) == "Размер\n4096 байт");
    CHECK(wrap("подкачки: 256 стр., алгоритм", 13) == "подкачки:\n256 стр.,\nалгоритм");
    // A sentence's end is not an abbreviation: the next one starts with a capital.
    CHECK(wrap("Страницы нет. Процесс", 13) == "Страницы нет.\nПроцесс");
}

TEST_CASE("Chinese wraps between characters, not before closing punctuation", "[wrap]") {
    // 5 characters a line (10 wide).
    CHECK(wrap("进程的每次地址转换都从这里开始", 10) == "进程的每次\n地址转换都\n从这里开始");
    // "。" may not start a line: the character before it goes down with it.
    CHECK(wrap("每个进程有自己的页目录。", 22) == "每个进程有自己的页目\n录。");
    CHECK(wrap("CR3 保存它的物理地址", 10) == "CR3 保存它\n的物理地址");
}

TEST_CASE("a term found in the text is found in its wrapped lines, on one line or two", "[wrap]") {
    const std::string text = "the commit charge grows";
    const std::string shown = wrap(text, 10);
    REQUIRE(shown == "the commit\ncharge\ngrows");
    const auto at = i18n::wrapped_offsets(text, shown);
    REQUIRE(at.size() == text.size() + 1);
    const auto hits = i18n::find_terms(text, "en");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].entry->id == "commit-charge");
    CHECK(shown.substr(at[hits[0].begin], at[hits[0].end] - at[hits[0].begin]) == "commit\ncharge");

    const std::string zh = "这是已调拨总量";
    const std::string zh_shown = wrap(zh, 10);
    REQUIRE(zh_shown == "这是已调拨\n总量");
    const auto zh_at = i18n::wrapped_offsets(zh, zh_shown);
    const auto zh_hits = i18n::find_terms(zh, "zh");
    REQUIRE(zh_hits.size() == 1);
    CHECK(zh_shown.substr(zh_at[zh_hits[0].begin], zh_at[zh_hits[0].end] - zh_at[zh_hits[0].begin]) == "已调拨\n总量");
    // Dropped spaces map to the break.
    const auto sp = i18n::wrapped_offsets("one   two", "one\ntwo");
    CHECK(sp[3] == 3);
    CHECK(sp[6] == 4);
}
