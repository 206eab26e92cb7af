#include "i18n/I18n.h"

#include <clocale>
#include <cstdlib>
#include <filesystem>

#ifdef __EMSCRIPTEN__
#include <algorithm>
#include <deque>
#include <fstream>
#include <string_view>
#include <map>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>
#else
#include <libintl.h>
#endif

#ifdef __GLIBC__
extern "C" int _nl_msg_cat_cntr;  // glibc: bumped to make gettext drop its cache (GNU gettext manual, 11.2.7)
#endif

namespace pagelab::i18n {

namespace {

#ifndef __EMSCRIPTEN__
constexpr const char* kDomain = "pagelab";
#endif

struct State {
    std::string language = "en";
    std::string catalog_dir;
    bool bound = false;
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

#ifdef __EMSCRIPTEN__
// The browser build does not use musl's gettext: emscripten 3.1.6's __mo_lookup reads out of
// bounds on any catalogue (docs/web.md). The build writes each .mo as LANG.json beside the
// folders of the .mo files (scripts/mo-to-json.py); it is read once, the first time a message of
// that language is asked for, and kept for the life of the program, so the returned pointers stay
// valid. A message the catalogue lacks is the English text, as with gettext.
// A lookup allocates nothing: the catalogue owns its texts (deques: an element never moves) and
// its indexes are keyed by string_views of them, so tr() hashes the caller's msgid as it is (a
// std::string key copied every msgid longer than the short-string buffer to the heap, once per
// label per frame in the window); the current language's catalogue is cached until set_language.
struct Catalogue {
    std::deque<std::string> texts;
    std::deque<std::vector<std::string>> plural_texts;
    std::unordered_map<std::string_view, const char*> messages;
    std::unordered_map<std::string_view, const std::vector<std::string>*> plurals;
    std::string_view keep(std::string t) { return texts.emplace_back(std::move(t)); }
};

const Catalogue* g_current = nullptr;  // the current language's, once looked up

const Catalogue& load_catalogue(const std::string& lang) {
    static std::map<std::string, Catalogue> loaded;  // node-based, never erased
    auto [it, fresh] = loaded.try_emplace(lang);
    if (!fresh) return it->second;
    Catalogue& c = it->second;
    State& s = state();
    if (s.catalog_dir.empty()) s.catalog_dir = default_catalog_dir();
    std::ifstream in(s.catalog_dir + "/" + lang + ".json", std::ios::binary);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return c;  // missing or unreadable: English, as gettext does
    // (Members by reference: a range-for over items() of a temporary would outlive it.)
    static const nlohmann::json none = nlohmann::json::object();
    const nlohmann::json& messages = j.contains("messages") ? j.at("messages") : none;
    const nlohmann::json& plurals = j.contains("plurals") ? j.at("plurals") : none;
    for (const auto& [msgid, text] : messages.items())
        if (text.is_string() && !text.get_ref<const std::string&>().empty())  // untranslated: the msgid
            c.messages.emplace(c.keep(msgid), c.keep(text.get<std::string>()).data());
    for (const auto& [singular, forms] : plurals.items())
        if (forms.is_array() && std::all_of(forms.begin(), forms.end(), [](const auto& f) { return f.is_string(); }))
            c.plurals.emplace(c.keep(singular), &c.plural_texts.emplace_back(forms.get<std::vector<std::string>>()));
    return c;
}

const Catalogue& catalogue() {
    if (!g_current) g_current = &load_catalogue(state().language);
    return *g_current;
}

// The Plural-Forms rule of po/LANG.po: Russian's three forms; Chinese has one.
size_t plural_index(const std::string& lang, unsigned long n) {
    if (lang == "ru")
        return n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2;
    return 0;
}
#else
void bind() {
    State& s = state();
    if (s.bound) return;
    s.bound = true;
    // gettext ignores LANGUAGE when LC_MESSAGES is the "C" locale; C.UTF-8 is built into glibc.
    if (!std::setlocale(LC_MESSAGES, "C.UTF-8")) std::setlocale(LC_MESSAGES, "");
    if (s.catalog_dir.empty()) s.catalog_dir = default_catalog_dir();
    bindtextdomain(kDomain, s.catalog_dir.c_str());
    bind_textdomain_codeset(kDomain, "UTF-8");
}
#endif

}  // namespace

std::string_view set_language(std::string_view lang) {
    State& s = state();
    s.language = (lang == "zh" || lang == "ru") ? std::string(lang) : std::string("en");
#ifdef __EMSCRIPTEN__
    g_current = nullptr;
#else
    bind();
    setenv("LANGUAGE", s.language.c_str(), 1);
#ifdef __GLIBC__
    ++_nl_msg_cat_cntr;
#endif
#endif
    return s.language;
}

std::string_view language() { return state().language; }

void set_catalog_dir(const std::string& dir) {
    State& s = state();
    s.catalog_dir = dir;
#ifdef __EMSCRIPTEN__
    g_current = nullptr;
#else
    if (s.bound) bindtextdomain(kDomain, dir.c_str());
#endif
}

const char* tr(const char* msgid) {
    if (state().language == "en") return msgid;  // English is the msgid itself: no lookup
#ifdef __EMSCRIPTEN__
    const Catalogue& c = catalogue();
    const auto it = c.messages.find(std::string_view(msgid));
    return it == c.messages.end() ? msgid : it->second;
#else
    bind();
    return dgettext(kDomain, msgid);
#endif
}

const char* trn(const char* singular, const char* plural, unsigned long n) {
    if (state().language == "en") return n == 1 ? singular : plural;
#ifdef __EMSCRIPTEN__
    const Catalogue& c = catalogue();
    const auto it = c.plurals.find(std::string_view(singular));
    const size_t i = plural_index(state().language, n);
    if (it == c.plurals.end() || i >= it->second->size() || (*it->second)[i].empty()) return n == 1 ? singular : plural;
    return (*it->second)[i].c_str();
#else
    bind();
    return dngettext(kDomain, singular, plural, n);
#endif
}

}  // namespace pagelab::i18n
