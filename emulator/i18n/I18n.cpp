#include "i18n/I18n.h"

#include <clocale>
#include <cstdlib>
#include <filesystem>

#include <libintl.h>

#ifdef __GLIBC__
extern "C" int _nl_msg_cat_cntr;  // glibc: bumped to make gettext drop its cache (GNU gettext manual, 11.2.7)
#endif

namespace pagelab::i18n {

namespace {

constexpr const char* kDomain = "pagelab";

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

}  // namespace

std::string_view set_language(std::string_view lang) {
    State& s = state();
    s.language = (lang == "zh" || lang == "ru") ? std::string(lang) : std::string("en");
    bind();
    setenv("LANGUAGE", s.language.c_str(), 1);
#ifdef __GLIBC__
    ++_nl_msg_cat_cntr;
#endif
    return s.language;
}

std::string_view language() { return state().language; }

void set_catalog_dir(const std::string& dir) {
    State& s = state();
    s.catalog_dir = dir;
    if (s.bound) bindtextdomain(kDomain, dir.c_str());
}

const char* tr(const char* msgid) {
    if (state().language == "en") return msgid;  // English is the msgid itself: no lookup
    bind();
    return dgettext(kDomain, msgid);
}

const char* trn(const char* singular, const char* plural, unsigned long n) {
    if (state().language == "en") return n == 1 ? singular : plural;
    bind();
    return dngettext(kDomain, singular, plural, n);
}

}  // namespace pagelab::i18n
