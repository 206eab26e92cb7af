// PageLab's glossary: the terms of the lessons and the window with a short definition in English,
// Chinese and Russian, from ONE file, po/glossary.yaml (compiled in). The window shows an entry as
// a tooltip over its words in the narration and the panels; `pagelab glossary --format markdown`
// prints docs/glossary.md from it.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagelab::i18n {

inline constexpr std::array<std::string_view, 3> kGlossaryLanguages = {"en", "zh", "ru"};

struct GlossaryText {
    std::string term;                // the heading: "PTE (page table entry)"
    std::vector<std::string> match;  // the words that show the entry in a text of this language
    std::string text;                // the definition
};

struct GlossaryEntry {
    std::string id;
    std::array<GlossaryText, kGlossaryLanguages.size()> lang;  // en, zh, ru
    const GlossaryText& in(std::string_view language) const;   // English for an unknown one
};

// Every entry, in the file's order. The file is checked when the program is built (a test parses
// it); a damaged one gives an empty glossary and glossary_error() says why.
const std::vector<GlossaryEntry>& glossary();
const std::string& glossary_error();
// Parses a glossary (the YAML text); throws std::runtime_error "LINE:COL: what" on bad input.
std::vector<GlossaryEntry> parse_glossary(const std::string& yaml);

// A term found in a text: bytes [begin, end) of it.
struct GlossaryHit {
    size_t begin = 0;
    size_t end = 0;
    const GlossaryEntry* entry = nullptr;
};
// The terms of `text` in `language`, left to right, the longest match at each place: in English
// and Russian each word of a match starts a word of the text (at most 4 letters more: "PTE" finds
// "PTEs", "рабоч набор" finds "рабочего набора"), in Chinese a match is found anywhere.
std::vector<GlossaryHit> find_terms(std::string_view text, std::string_view language,
                                    const std::vector<GlossaryEntry>& entries = glossary());
// The term covering byte `pos` of `text`, if any.
std::optional<GlossaryHit> term_at(std::string_view text, size_t pos, std::string_view language);

// The glossary as a Markdown page (docs/glossary.md): a table per language.
std::string glossary_markdown(const std::vector<GlossaryEntry>& entries = glossary());

}  // namespace pagelab::i18n
