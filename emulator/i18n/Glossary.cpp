#include "i18n/Glossary.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace pagelab::i18n {

extern const char* const kGlossaryYaml;  // po/glossary.yaml, compiled in (GlossaryText.cpp)

const GlossaryText& GlossaryEntry::in(std::string_view language) const {
    for (size_t i = 0; i < kGlossaryLanguages.size(); ++i)
        if (kGlossaryLanguages[i] == language) return lang[i];
    return lang[0];
}

namespace {

[[noreturn]] void fail(const YAML::Node& at, const std::string& what) {
    throw std::runtime_error(fmt::format("{}:{}: {}", at.Mark().line + 1, at.Mark().column + 1, what));
}

std::string scalar(const YAML::Node& map, const char* key) {
    const YAML::Node v = map[key];
    if (!v || !v.IsScalar() || v.Scalar().empty()) fail(map, fmt::format("'{}' is missing or not a text", key));
    return v.Scalar();
}

GlossaryText parse_text(const YAML::Node& n) {
    if (!n.IsMap()) fail(n, "expected a map with term, match and text");
    GlossaryText t{scalar(n, "term"), {}, scalar(n, "text")};
    const YAML::Node m = n["match"];
    if (!m || !m.IsSequence() || m.size() == 0) fail(n, "'match' must be a list of the words that show the entry");
    for (const YAML::Node& w : m) {
        if (!w.IsScalar() || w.Scalar().empty()) fail(w, "a match must be a text");
        t.match.push_back(w.Scalar());
    }
    return t;
}

// UTF-8 decoding, enough for the texts PageLab shows (a bad byte counts as one character).
char32_t decode(std::string_view s, size_t& i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
    if (n == 1 || i + size_t(n) > s.size()) {
        ++i;
        return b;
    }
    char32_t c = b & (0x7F >> n);
    for (int k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + size_t(k)]) & 0x3F);
    i += size_t(n);
    return c;
}

// Case and ё folded, so that "Page table", "page table" and "ПЕРЕХОДНОЕ" match alike.
char32_t fold(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c >= 0x410 && c <= 0x42F) return c + 0x20;
    if (c == 0x401 || c == 0x451) return 0x435;  // Ё, ё -> е
    return c;
}

bool word_char(char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' ||
           (c >= 0xC0 && c <= 0x24F) || (c >= 0x400 && c <= 0x4FF);
}

struct Word {
    size_t begin = 0, end = 0;  // bytes
    std::u32string folded;
    bool joined = false;  // only blanks between it and the word before
};

std::vector<Word> words_of(std::string_view s) {
    std::vector<Word> out;
    bool blank_only = false;
    for (size_t i = 0; i < s.size();) {
        const size_t at = i;
        const char32_t c = decode(s, i);
        if (word_char(c)) {
            if (out.empty() || out.back().end != at) out.push_back({at, at, {}, blank_only});
            out.back().folded += fold(c);
            out.back().end = i;
            blank_only = true;
        } else if (c != ' ' && c != '\n' && c != '\t') {
            blank_only = false;
        }
    }
    return out;
}

constexpr size_t kMaxEnding = 4;  // letters a word may have beyond its match: PTE -> PTEs

// How many words of `text` from `i` on the match covers (0: none).
size_t match_words(const std::vector<Word>& text, size_t i, const std::vector<Word>& match) {
    if (match.empty() || i + match.size() > text.size()) return 0;
    for (size_t k = 0; k < match.size(); ++k) {
        const std::u32string& t = text[i + k].folded;
        const std::u32string& m = match[k].folded;
        if (k > 0 && !text[i + k].joined) return 0;
        if (t.size() < m.size() || t.size() > m.size() + kMaxEnding || t.compare(0, m.size(), m) != 0) return 0;
    }
    return match.size();
}

bool spaced_language(std::string_view language) { return language != "zh"; }

}  // namespace

std::vector<GlossaryEntry> parse_glossary(const std::string& yaml) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(fmt::format("{}:{}: {}", e.mark.line + 1, e.mark.column + 1, e.msg));
    }
    if (!root.IsSequence()) fail(root, "the glossary is a list of entries");
    std::vector<GlossaryEntry> out;
    for (const YAML::Node& n : root) {
        if (!n.IsMap()) fail(n, "an entry is a map: id, en, zh, ru");
        GlossaryEntry e;
        e.id = scalar(n, "id");
        for (const GlossaryEntry& seen : out)
            if (seen.id == e.id) fail(n, fmt::format("the id '{}' is used twice", e.id));
        for (size_t i = 0; i < kGlossaryLanguages.size(); ++i) {
            const YAML::Node t = n[std::string(kGlossaryLanguages[i])];
            if (!t) fail(n, fmt::format("'{}' has no '{}' text", e.id, kGlossaryLanguages[i]));
            e.lang[i] = parse_text(t);
        }
        out.push_back(std::move(e));
    }
    return out;
}

const std::string& glossary_error() {
    static std::string error;
    return error;
}

const std::vector<GlossaryEntry>& glossary() {
    static const std::vector<GlossaryEntry> entries = [] {
        try {
            return parse_glossary(kGlossaryYaml);
        } catch (const std::exception& e) {
            const_cast<std::string&>(glossary_error()) = std::string("po/glossary.yaml:") + e.what();
            return std::vector<GlossaryEntry>{};
        }
    }();
    return entries;
}

std::vector<GlossaryHit> find_terms(std::string_view text, std::string_view language, const std::vector<GlossaryEntry>& entries) {
    std::vector<GlossaryHit> hits;
    if (spaced_language(language)) {
        const std::vector<Word> words = words_of(text);
        std::vector<std::pair<const GlossaryEntry*, std::vector<Word>>> matches;
        for (const GlossaryEntry& e : entries)
            for (const std::string& m : e.in(language).match) matches.push_back({&e, words_of(m)});
        for (size_t i = 0; i < words.size();) {
            GlossaryHit best;
            size_t taken = 0;
            for (const auto& [entry, match] : matches) {
                const size_t n = match_words(words, i, match);
                if (n == 0) continue;
                const size_t end = words[i + n - 1].end;
                if (end - words[i].begin > best.end - best.begin) {
                    best = {words[i].begin, end, entry};
                    taken = n;
                }
            }
            if (taken == 0) {
                ++i;
                continue;
            }
            hits.push_back(best);
            i += taken;
        }
        return hits;
    }
    for (size_t i = 0; i < text.size();) {
        GlossaryHit best;
        for (const GlossaryEntry& e : entries)
            for (const std::string& m : e.in(language).match)
                if (m.size() > best.end - best.begin && text.compare(i, m.size(), m) == 0) best = {i, i + m.size(), &e};
        if (best.entry) {
            hits.push_back(best);
            i = best.end;
        } else {
            decode(text, i);
        }
    }
    return hits;
}

std::optional<GlossaryHit> term_at(std::string_view text, size_t pos, std::string_view language) {
    for (const GlossaryHit& h : find_terms(text, language))
        if (pos >= h.begin && pos < h.end) return h;
    return std::nullopt;
}

std::string glossary_markdown(const std::vector<GlossaryEntry>& entries) {
    auto cell = [](const std::string& s) {
        std::string out;
        for (char c : s) {
            if (c == '|') out += '\\';
            out += c;
        }
        return out;
    };
    std::string md =
        "# Glossary: English, 中文, Русский\n\n"
        "<!-- Generated from po/glossary.yaml by `pagelab glossary --format markdown`: edit the YAML, then\n"
        "     `build/emulator/pagelab glossary --format markdown > docs/glossary.md` (a ctest fails while they differ). -->\n\n"
        "The terms of PageLab's lessons and window, each with a short definition. The window shows the same\n"
        "definition, in the language it speaks, as a tooltip over the term in the narration and in the panels.\n"
        "The words in each language are those of [terminology.md](terminology.md).\n";
    const std::array<const char*, 3> headings = {"English", "中文", "Русский"};
    for (size_t l = 0; l < kGlossaryLanguages.size(); ++l) {
        md += fmt::format("\n## {}\n\n| term | definition |\n|---|---|\n", headings[l]);
        for (const GlossaryEntry& e : entries) md += fmt::format("| **{}** | {} |\n", cell(e.lang[l].term), cell(e.lang[l].text));
    }
    return md;
}

}  // namespace pagelab::i18n
