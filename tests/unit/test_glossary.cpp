// The glossary (po/glossary.yaml, compiled in): every entry in three languages, each of its
// matches finds it in a sentence of its language (the longest match winning), Russian endings and
// Chinese without spaces, and a damaged file is reported with its line and column.
#include <catch2/catch.hpp>

#include <set>

#include "i18n/Glossary.h"

using namespace pagelab;

namespace {
std::string found(std::string_view text, std::string_view lang) {
    std::string out;
    for (const auto& h : i18n::find_terms(text, lang)) out += h.entry->id + "=" + std::string(text.substr(h.begin, h.end - h.begin)) + ";";
    return out;
}
}  // namespace

TEST_CASE("the compiled-in glossary loads, every entry in en, zh and ru", "[glossary]") {
    const auto& g = i18n::glossary();
    INFO(i18n::glossary_error());
    REQUIRE(g.size() >= 30);
    std::set<std::string> ids;
    for (const auto& e : g) {
        CHECK(ids.insert(e.id).second);
        for (const auto& t : e.lang) {
            CHECK_FALSE(t.term.empty());
            CHECK_FALSE(t.text.empty());
            CHECK_FALSE(t.match.empty());
        }
    }
    for (const char* id : {"pte", "pde", "vad", "prototype-pte", "transition", "standby", "modified", "working-set", "commit-charge",
                           "pagefile", "copy-on-write", "section", "view", "demand-zero", "hard-fault", "soft-fault", "tlb", "cr3",
                           "self-map"})
        CHECK(ids.count(id) == 1);
}

TEST_CASE("each match of each entry finds that entry in its own language", "[glossary]") {
    for (const auto& e : i18n::glossary()) {
        for (size_t l = 0; l < i18n::kGlossaryLanguages.size(); ++l) {
            for (const std::string& m : e.lang[l].match) {
                const auto lang = i18n::kGlossaryLanguages[l];
                const std::string text = "x " + m + " y";
                const auto hits = i18n::find_terms(text, lang);
                INFO(e.id << " " << lang << " '" << m << "'");
                REQUIRE_FALSE(hits.empty());
                // (A longer match of another entry may cover it: "page table" inside "page table entr".)
                CHECK(hits.front().begin == 2);
            }
        }
    }
}

TEST_CASE("terms in sentences: plurals, the longest match, Russian endings, Chinese", "[glossary]") {
    CHECK(found("The PTEs of both processes point at the prototype PTE.", "en") == "pte=PTEs;prototype-pte=prototype PTE;");
    CHECK(found("A hard fault, then a soft fault; the page tables.", "en") == "hard-fault=hard fault;soft-fault=soft fault;page-table=page tables;");
    CHECK(found("The commit charge grows; the page is committed.", "en") == "commit-charge=commit charge;commit=committed;");
    CHECK(found("Объём переданной памяти растёт, а страница — в рабочем наборе.", "ru") ==
          "commit-charge=Объём переданной памяти;working-set=рабочем наборе;");
    CHECK(found("разделяемая секция", "ru").empty());  // not "раздел" (section) with a long ending
    CHECK(found("A 调拨三个页面。已调拨总量增加 3，页表项保持为零。", "zh") == "commit=调拨;commit-charge=已调拨总量;pte=页表项;");
}

TEST_CASE("a damaged glossary is reported with its line and column", "[glossary]") {
    CHECK_THROWS_WITH(i18n::parse_glossary("- id: x\n  en: {term: a, match: [a], text: b}\n"), Catch::Contains("'x' has no 'zh' text"));
    CHECK_THROWS_WITH(i18n::parse_glossary("- id: x\n  en: {term: a, text: b}\n"), Catch::StartsWith("2:7:"));
    CHECK_THROWS_WITH(i18n::parse_glossary("- [unclosed\n"), Catch::Contains("2:1:"));
}

TEST_CASE("the glossary's page lists every entry in every language", "[glossary]") {
    const std::string md = i18n::glossary_markdown();
    for (const auto& e : i18n::glossary())
        for (const auto& t : e.lang) CHECK(md.find("| **" + t.term + "** |") != std::string::npos);
}
