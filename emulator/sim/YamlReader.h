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

#include "sim/YamlTree.h"

#include "i18n/I18n.h"
#include "sim/Scenario.h"

namespace pagelab::sim {

class YamlReader {
public:
    explicit YamlReader(std::string path) : m_path(std::move(path)) {}

    std::optional<LoadError> error;  // the first problem found

    Location loc(const yaml::Node& n) const {
        const YAML::Mark m = n.Mark();
        if (m.line < 0) return Location{1, 1};  // an empty document has no position
        return Location{m.line + 1, m.column + 1};
    }
    bool fail(Location l, const std::string& msg) {
        if (!error) error = LoadError{fmt::format("{}:{}:{}: error: {}", m_path, l.line, l.column, msg)};
        return false;
    }
    bool fail(const yaml::Node& n, const std::string& msg) { return fail(loc(n), msg); }

    bool scalar(const yaml::Node& n, const std::string& what, std::string& out) {
        if (!n.IsScalar()) return fail(n, i18n::trf("{what} must be a single value", fmt::arg("what", what)));
        out = n.Scalar();
        return true;
    }

    // A map's entries, read in one pass: each key as written (empty when the key is not a single
    // value) with its key and value nodes. has(k) and get(k) give the same answers as `map[k]` (the
    // first entry whose key is the scalar k) without its costs: yaml-cpp's const lookup compares
    // every key through a std::string conversion, and on a missing key formats the key for an
    // error message nobody asks for (a std::stringstream); a step used to spend a tenth of its
    // reading time there. (The views point into the document's nodes, which outlive the reader's
    // use of them.)
    class Fields {
    public:
        struct Entry {
            std::string_view key;
            yaml::Node key_node, value;
        };
        explicit Fields(const yaml::Node& map) {
            if (!map.IsMap()) return;
            m_entries.reserve(map.size());
            for (const auto& kv : map) m_entries.push_back(Entry{kv.first.Scalar(), kv.first, kv.second});
        }
        bool has(std::string_view key) const { return get(key) != nullptr; }
        // The value of the first entry whose (scalar) key is key, or null.
        const yaml::Node* get(std::string_view key) const {
            for (const Entry& e : m_entries)
                if (e.key == key && e.key_node.IsScalar()) return &e.value;
            return nullptr;
        }
        const std::vector<Entry>& entries() const { return m_entries; }

    private:
        std::vector<Entry> m_entries;
    };

    // The first key that appears twice, or is not allowed(key), is an error. The list of allowed
    // keys (sorted, as a std::set gives them) and the map's description (where()) are made only
    // for the message.
    template <class Allowed, class AllowedSet, class Where>
    bool check_fields(const Fields& f, Allowed&& allowed, AllowedSet&& allowed_set, Where&& where) {
        const auto& es = f.entries();
        for (size_t i = 0; i < es.size(); ++i) {
            const std::string_view key = es[i].key;
            for (size_t j = 0; j < i; ++j)
                if (es[j].key == key)
                    return fail(es[i].key_node, i18n::trf("key '{key}' appears twice in {where}", fmt::arg("key", key), fmt::arg("where", where())));
            if (!allowed(key)) {
                std::string list;
                for (const auto& a : allowed_set()) list += (list.empty() ? "" : ", ") + a;
                return fail(es[i].key_node, i18n::trf("unknown key '{key}' in {where} (expected one of: {list})", fmt::arg("key", key),
                                                      fmt::arg("where", where()), fmt::arg("list", list)));
            }
        }
        return true;
    }

    bool check_keys(const yaml::Node& map, const std::set<std::string>& allowed, const std::string& where) {
        return check_fields(
            Fields(map), [&](std::string_view k) { return allowed.count(std::string(k)) > 0; }, [&] { return allowed; },
            [&] { return where; });
    }

    // Narration as a reader sees it: a YAML block (`>` or `|`) keeps its final line break, which
    // would print as an empty line. A map gives the text in several languages ({en: ..., zh: ...,
    // ru: ...}; en is required); a plain value is English.
    bool prose(const yaml::Node& n, const std::string& what, std::string& out, Translations* tr = nullptr) {
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
