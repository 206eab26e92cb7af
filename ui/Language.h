// The window's language (issue 17): the choice (English, 中文, Русский), where it is remembered
// between runs, and the characters the fonts must draw in it.
//
// The language is chosen by --lang, else the one remembered in the settings file (the Language
// menu writes it), else LC_ALL / LC_MESSAGES / LANG, else English. The messages are
// i18n::tr's (po/LANG.po); a lesson's own texts are its {en, zh, ru} maps (sim::localized).
//
// The font atlas holds only the characters PageLab has text for in the language shown: Latin,
// the symbols the window draws, and the characters of the message catalogues (build/locale/
// glyphs.txt, written by msgexec from po/*.po), of the course index, of the lessons' titles and
// of the lesson open, in that language's script. A lesson that brings new characters, or a
// switch of language, rebuilds the atlas between frames.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "imgui.h"

namespace pagelab::ui {

struct LanguageName {
    const char* code;  // "en", "zh", "ru"
    const char* name;  // in its own language: the menu shows it so whoever reads it finds it
};
const std::array<LanguageName, 3>& language_names();
// "en", "zh" or "ru" for a code or a locale name (zh_CN.UTF-8, ru_RU); nothing otherwise.
std::optional<std::string> language_code(std::string_view text);
// LC_ALL, LC_MESSAGES, LANG: the first set decides, as for setlocale; English otherwise.
std::string language_from_environment();

// A lesson's text in the window's language (i18n::language()), else its English.
const std::string& localized(const std::string& en, const std::map<std::string, std::string>& translations);

// The settings remembered between runs (a small YAML file).
struct Settings {
    std::optional<std::string> language;
};
// $XDG_CONFIG_HOME/pagelab/pagelab-ui.yaml, else ~/.config/pagelab/pagelab-ui.yaml; empty without HOME.
std::string default_settings_path();
// A missing file is no settings; an unreadable one is reported on stderr and ignored.
Settings load_settings(const std::string& path);
// Creates the folder when needed; returns the problem, if any.
std::optional<std::string> save_settings(const std::string& path, const Settings& s);

// The characters the font atlas is built for.
class GlyphSet {
public:
    GlyphSet();
    void add_text(std::string_view utf8);
    // The whole file's text (a lesson, the course index, the catalogue's glyph list); false when unreadable.
    bool add_file(const std::string& path);
    size_t size() const { return m_chars.size(); }
    // Bumped whenever a character is added: the App rebuilds the atlas when it changed.
    uint64_t version() const { return m_version; }
    // ImGui's glyph ranges (pairs, 0-terminated) for the characters the language draws: Latin
    // and the symbols always, Chinese characters only for zh and Cyrillic only for ru (besides
    // the language menu's own names), so that each atlas holds one script's glyphs.
    void build_ranges(ImVector<ImWchar>& out, const std::string& lang) const;

private:
    std::set<ImWchar> m_chars;
    std::set<ImWchar> m_always;  // Latin, symbols, the language names
    uint64_t m_version = 0;
};

// The catalogue's characters (build/locale/glyphs.txt beside the compiled catalogues), or empty
// when it cannot be found.
std::string catalogue_glyph_file();

}  // namespace pagelab::ui
