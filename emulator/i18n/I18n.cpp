#include "i18n/I18n.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <utility>
#include <string_view>
#include <unordered_map>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <nlohmann/json.hpp>
#endif

namespace pagelab::i18n {

namespace {

struct State {
    std::string language = "en";
    bool english = true;  // language == "en": tr() needs no lookup
    std::string catalog_dir;
};

State& state() {
    static State s;
    return s;
}

std::string default_catalog_dir() {
    namespace fs = std::filesystem;
    std::error_code ec;
    // Beside the program (an installed or copied build), then the build tree.
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        for (const fs::path& c : {exe.parent_path() / "locale", exe.parent_path() / ".." / "locale", exe.parent_path() / ".." / ".." / "locale"})
            if (fs::is_directory(c, ec)) return c.string();
#ifdef PAGELAB_LOCALE_DIR
    return PAGELAB_LOCALE_DIR;
#else
    return "locale";
#endif
}

// The catalogues. Both builds look messages up the same way, in indexes built when a language's
// catalogue is first needed and kept for the life of the program (the returned pointers stay
// valid); a message the catalogue lacks is the English text, as with gettext. A lookup allocates
// nothing: the catalogue owns its texts (deques: an element never moves), the indexes are keyed
// by string_views of them, so tr() hashes the caller's msgid as it is (a std::string key would
// copy every msgid longer than the short-string buffer into the heap, once per message per frame
// in the window), and the current language's catalogue is cached until set_language. It reads
// the compiled catalogues itself rather than asking gettext (dgettext: about 2 µs a message,
// against 0.4 µs for this index, docs/web.md):
//   - the native builds, the .mo files msgfmt writes (folder/LANG/LC_MESSAGES/pagelab.mo, the
//     format of the GNU gettext manual's "The Format of GNU MO Files": the tables of original
//     and translated strings);
//   - the browser build, LANG.json beside those folders (scripts/mo-to-json.py): emscripten
//     3.1.6's musl gettext reads out of bounds on any catalogue (docs/web.md), and the page
//     preloads the JSON, not the .mo files.
struct Catalogue {
    std::deque<std::string> texts;                      // msgids and translations (or the whole .mo)
    std::deque<std::vector<std::string>> plural_texts;  // each singular's forms
    std::unordered_map<std::string_view, const char*> message_index;
    std::unordered_map<std::string_view, const std::vector<std::string>*> plural_forms;
    bool russian_plurals = false;  // Plural-Forms of po/ru.po; Chinese has one form

    std::string_view keep(std::string s) { return texts.emplace_back(std::move(s)); }
};

#ifdef __EMSCRIPTEN__
// Fills C in place (its indexes point into its own deques, so it is built where it stays).
void load_catalogue(const std::string& lang, Catalogue& c) {
    std::ifstream in(state().catalog_dir + "/" + lang + ".json", std::ios::binary);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return;  // missing or unreadable: English, as gettext does
    // (Members by reference: a range-for over items() of a temporary would outlive it.)
    static const nlohmann::json none = nlohmann::json::object();
    const nlohmann::json& messages = j.contains("messages") ? j.at("messages") : none;
    const nlohmann::json& plurals = j.contains("plurals") ? j.at("plurals") : none;
    for (const auto& [msgid, text] : messages.items()) {
        if (!text.is_string() || text.get_ref<const std::string&>().empty()) continue;  // untranslated: the msgid
        const std::string_view key = c.keep(msgid);
        c.message_index.emplace(key, c.keep(text.get<std::string>()).data());
    }
    for (const auto& [singular, forms] : plurals.items())
        if (forms.is_array() && std::all_of(forms.begin(), forms.end(), [](const auto& f) { return f.is_string(); }))
            c.plural_forms.emplace(c.keep(singular), &c.plural_texts.emplace_back(forms.get<std::vector<std::string>>()));
}
#else
// The .mo as gettext reads it: its strings are indexed where they lie in the file's bytes (each
// is followed by a NUL); a plural entry's msgid is "singular\0plural" and its translation the
// forms, NUL-separated; the header (msgid "") is skipped. A missing or malformed file: English.
void load_catalogue(const std::string& lang, Catalogue& c) {
    std::ifstream in(state().catalog_dir + "/" + lang + "/LC_MESSAGES/pagelab.mo", std::ios::binary);
    const std::string_view mo = c.keep(std::string(std::istreambuf_iterator<char>(in), {}));
    auto word = [&](size_t at, bool swap) -> uint32_t {
        uint32_t v = 0;
        std::memcpy(&v, mo.data() + at, 4);
        return swap ? __builtin_bswap32(v) : v;
    };
    if (mo.size() < 28) return;
    const bool swap = word(0, false) == 0xde120495u;
    if (!swap && word(0, false) != 0x950412deu) return;
    const uint32_t count = word(8, swap), originals = word(12, swap), translations = word(16, swap);
    auto string_at = [&](uint32_t table, uint32_t i, std::string_view& out) {
        const size_t entry = size_t(table) + 8 * size_t(i);
        if (entry + 8 > mo.size()) return false;
        const size_t length = word(entry, swap), offset = word(entry + 4, swap);
        if (offset + length >= mo.size() || mo[offset + length] != '\0') return false;
        out = mo.substr(offset, length);
        return true;
    };
    for (uint32_t i = 0; i < count; ++i) {
        std::string_view msgid, text;
        if (!string_at(originals, i, msgid) || !string_at(translations, i, text)) return;
        if (msgid.empty() || text.empty() || msgid.find('\x04') != std::string_view::npos) continue;  // header, context
        const size_t nul = msgid.find('\0');
        if (nul == std::string_view::npos) {
            c.message_index.emplace(msgid, text.data());
            continue;
        }
        // A plural entry; gettext also gives its first form to a lookup of the singular alone.
        std::vector<std::string>& forms = c.plural_texts.emplace_back();
        for (size_t at = 0; at <= text.size();) {
            const size_t end = std::min(text.find('\0', at), text.size());
            forms.emplace_back(text.substr(at, end - at));
            at = end + 1;
        }
        c.plural_forms.emplace(msgid.substr(0, nul), &forms);
        c.message_index.emplace(msgid.substr(0, nul), text.data());
    }
}
#endif

const Catalogue& catalogue(const std::string& lang) {
    static std::map<std::pair<std::string, std::string>, Catalogue> loaded;  // by folder and language; never erased
    State& s = state();
    if (s.catalog_dir.empty()) s.catalog_dir = default_catalog_dir();
    auto [it, fresh] = loaded.try_emplace({s.catalog_dir, lang});
    if (fresh) {
        it->second.russian_plurals = lang == "ru";
        load_catalogue(lang, it->second);
    }
    return it->second;
}

// The current language's catalogue: looked up once after each set_language.
const Catalogue* g_current = nullptr;

const Catalogue& current_catalogue() {
    if (!g_current) g_current = &catalogue(state().language);
    return *g_current;
}

// The Plural-Forms rule of po/LANG.po: Russian's three forms; Chinese has one.
size_t plural_index(const Catalogue& c, unsigned long n) {
    if (c.russian_plurals)
        return n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2;
    return 0;
}

}  // namespace

std::string_view set_language(std::string_view lang) {
    State& s = state();
    s.language = (lang == "zh" || lang == "ru") ? std::string(lang) : std::string("en");
    s.english = s.language == "en";
    g_current = nullptr;
    return s.language;
}

std::string_view language() { return state().language; }

void set_catalog_dir(const std::string& dir) {
    state().catalog_dir = dir;
    g_current = nullptr;
}

const char* tr(const char* msgid) {
    if (state().english) return msgid;  // English is the msgid itself: no lookup
    const Catalogue& c = current_catalogue();
    const auto it = c.message_index.find(std::string_view(msgid));
    return it == c.message_index.end() ? msgid : it->second;
}

const char* trn(const char* singular, const char* plural, unsigned long n) {
    if (state().english) return n == 1 ? singular : plural;
    const Catalogue& c = current_catalogue();
    const auto it = c.plural_forms.find(std::string_view(singular));
    const size_t i = plural_index(c, n);
    if (it == c.plural_forms.end() || i >= it->second->size() || (*it->second)[i].empty()) return n == 1 ? singular : plural;
    return (*it->second)[i].c_str();
}

}  // namespace pagelab::i18n
