// What every PageLab YAML reader needs (scenario files, the course index): positions of nodes,
// the first error as FILE:LINE:COL: error: …, single values, and maps whose keys are checked
// against the keys they may have (typos are caught).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "i18n/I18n.h"
#include "sim/Scenario.h"

namespace pagelab::sim {

class YamlReader {
public:
    explicit YamlReader(std::string path) : m_path(std::move(path)) {}

    std::optional<LoadError> error;  // the first problem found

    Location loc(const YAML::Node& n) const {
        const YAML::Mark m = n.Mark();
        if (m.line < 0) return Location{1, 1};  // an empty document has no position
        return Location{m.line + 1, m.column + 1};
    }
    bool fail(Location l, const std::string& msg) {
        if (!error) error = LoadError{fmt::format("{}:{}:{}: error: {}", m_path, l.line, l.column, msg)};
        return false;
    }
    bool fail(const YAML::Node& n, const std::string& msg) { return fail(loc(n), msg); }

    bool scalar(const YAML::Node& n, const std::string& what, std::string& out) {
        if (!n.IsScalar()) return fail(n, i18n::trf("{what} must be a single value", fmt::arg("what", what)));
        out = n.Scalar();
        return true;
    }

    // The keys of a map, read in one pass, to ask whether it has one: the same answer as
    // `if (map[key])`, which on a missing key costs a std::stringstream (yaml-cpp formats the key
    // for an error message nobody asks for), a tenth of the time a long scenario takes to read.
    // (The views point into the document's nodes, which outlive the reader's use of them.)
    class Keys {
    public:
        explicit Keys(const YAML::Node& map) {
            if (!map.IsMap()) return;
            for (auto it = map.begin(); it != map.end(); ++it)
                if (it->first.IsScalar()) m_keys.push_back(it->first.Scalar());
        }
        bool has(std::string_view key) const {
            for (std::string_view k : m_keys)
                if (k == key) return true;
            return false;
        }

    private:
        std::vector<std::string_view> m_keys;
    };

    bool check_keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& where) {
        std::set<std::string> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            const std::string key = it->first.Scalar();
            if (!seen.insert(key).second) return fail(it->first, i18n::trf("key '{key}' appears twice in {where}", fmt::arg("key", key), fmt::arg("where", where)));
            if (!allowed.count(key)) {
                std::string list;
                for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                return fail(it->first, i18n::trf("unknown key '{key}' in {where} (expected one of: {list})", fmt::arg("key", key), fmt::arg("where", where),
                                                  fmt::arg("list", list)));
            }
        }
        return true;
    }

    // Narration as a reader sees it: a YAML block (`>` or `|`) keeps its final line break, which
    // would print as an empty line. A map gives the text in several languages ({en: ..., zh: ...,
    // ru: ...}; en is required); a plain value is English.
    bool prose(const YAML::Node& n, const std::string& what, std::string& out, Translations* tr = nullptr) {
        auto trim = [](std::string& s) {
            while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
        };
        if (n.IsMap() && tr) {
            std::set<std::string> languages(std::begin(kLanguages), std::end(kLanguages));
            if (!check_keys(n, languages, i18n::trf("{what} (a text in several languages)", fmt::arg("what", what)))) return false;
            if (!n["en"]) return fail(n, i18n::trf("{what}: needs 'en', the English text (what a missing translation falls back to)", fmt::arg("what", what)));
            for (auto it = n.begin(); it != n.end(); ++it) {
                const std::string lang = it->first.Scalar();
                std::string text;
                if (!scalar(it->second, fmt::format("{}.{}", what, lang), text)) return false;
                trim(text);
                if (text.empty()) return fail(it->second, i18n::trf("{what}.{language}: is empty", fmt::arg("what", what), fmt::arg("language", lang)));
                if (lang == "en") out = text;
                else (*tr)[lang] = text;
            }
            return true;
        }
        if (!scalar(n, what, out)) return false;
        trim(out);
        return true;
    }

    const std::string& path() const { return m_path; }

protected:
    std::string m_path;
};

}  // namespace pagelab::sim
