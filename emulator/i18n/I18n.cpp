#include "i18n/I18n.h"

#include <clocale>
#include <cstdlib>
#include <filesystem>

#ifdef __EMSCRIPTEN__
#include <algorithm>
#include <fstream>
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
struct Catalogue {
    std::unordered_map<std::string, std::string> messages;
    std::unordered_map<std::string, std::vector<std::string>> plurals;
};

const Catalogue& catalogue(const std::string& lang) {
    static std::map<std::string, Catalogue> loaded;  // node-based, never erased
    auto [it, fresh] = loaded.try_emplace(lang);
    if (!fresh) return it->second;
    State& s = state();
    if (s.catalog_dir.empty()) s.catalog_dir = default_catalog_dir();
    std::ifstream in(s.catalog_dir + "/" + lang + ".json", std::ios::binary);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return it->second;  // missing or unreadable: English, as gettext does
    // (Members by reference: a range-for over items() of a temporary would outlive it.)
    static const nlohmann::json none = nlohmann::json::object();
    const nlohmann::json& messages = j.contains("messages") ? j.at("messages") : none;
    const nlohmann::json& plurals = j.contains("plurals") ? j.at("plurals") : none;
    for (const auto& [msgid, text] : messages.items())
        if (text.is_string()) it->second.messages.emplace(msgid, text.get<std::string>());
    for (const auto& [singular, forms] : plurals.items())
        if (forms.is_array() && std::all_of(forms.begin(), forms.end(), [](const auto& f) { return f.is_string(); }))
            it->second.plurals.emplace(singular, forms.get<std::vector<std::string>>());
    return it->second;
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
#ifndef __EMSCRIPTEN__
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
#ifndef __EMSCRIPTEN__
    if (s.bound) bindtextdomain(kDomain, dir.c_str());
#endif
}

const char* tr(const char* msgid) {
    if (state().language == "en") return msgid;  // English is the msgid itself: no lookup
#ifdef __EMSCRIPTEN__
    const Catalogue& c = catalogue(state().language);
    const auto it = c.messages.find(msgid);
    return it == c.messages.end() || it->second.empty() ? msgid : it->second.c_str();
#else
    bind();
    return dgettext(kDomain, msgid);
#endif
}

const char* trn(const char* singular, const char* plural, unsigned long n) {
    if (state().language == "en") return n == 1 ? singular : plural;
#ifdef __EMSCRIPTEN__
    const std::string& lang = state().language;
    const Catalogue& c = catalogue(lang);
    const auto it = c.plurals.find(singular);
    const size_t i = plural_index(lang, n);
    if (it == c.plurals.end() || i >= it->second.size() || it->second[i].empty()) return n == 1 ? singular : plural;
    return it->second[i].c_str();
#else
    bind();
    return dngettext(kDomain, singular, plural, n);
#endif
}

}  // namespace pagelab::i18n
