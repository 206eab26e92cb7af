#include "Language.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "imgui_internal.h"
#include "i18n/I18n.h"
#include "io/SafeWrite.h"
#include "sim/Scenario.h"

namespace pagelab::ui {

namespace fs = std::filesystem;

constexpr std::string_view kSettingsHeader = "# pagelab-ui's settings, written by the window (Language menu)\n";

const std::array<LanguageName, 3>& language_names() {
    static const std::array<LanguageName, 3> names = {{{"en", "English"}, {"zh", "中文"}, {"ru", "Русский"}}};
    return names;
}

std::optional<std::string> language_code(std::string_view text) {
    for (const LanguageName& l : language_names())
        if (text.substr(0, 2) == l.code && (text.size() == 2 || text[2] == '_' || text[2] == '.' || text[2] == '-' || text[2] == '@'))
            return std::string(l.code);
    return std::nullopt;
}

std::string language_from_environment() {
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* v = std::getenv(var);
        if (!v || !*v) continue;
        return language_code(v).value_or("en");  // the first variable set decides, as for setlocale
    }
    return "en";
}

const std::string& localized(const std::string& en, const std::map<std::string, std::string>& translations) {
    if (translations.empty()) return en;
    return sim::localized(en, translations, std::string(i18n::language()));
}

std::string default_settings_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    fs::path base;
    if (xdg && *xdg) base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home) base = fs::path(home) / ".config";
    else return {};
    return (base / "pagelab" / "pagelab-ui.yaml").string();
}

Settings load_settings(const std::string& path) {
    Settings s;
    std::error_code ec;
    if (path.empty() || !fs::exists(path, ec)) return s;
    try {
        const YAML::Node root = YAML::LoadFile(path);
        if (const YAML::Node lang = root["language"]; lang && lang.IsScalar()) s.language = language_code(lang.Scalar());
    } catch (const YAML::Exception& e) {
        std::fprintf(stderr, "pagelab-ui: %s:%d:%d: warning: settings ignored: %s\n", path.c_str(), e.mark.line + 1, e.mark.column + 1,
                     e.msg.c_str());
    }
    return s;
}

std::optional<std::string> save_settings(const std::string& path, const Settings& s) {
    if (path.empty()) return std::string("no settings file (HOME is not set)");
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    YAML::Emitter out;
    out << YAML::BeginMap;
    if (s.language) out << YAML::Key << "language" << YAML::Value << *s.language;
    out << YAML::EndMap;
    const std::string text = std::string(kSettingsHeader) + out.c_str() + "\n";
    // Atomic, and never over a file the window did not write (it starts with the header).
    return io::write_atomically(path, [](std::string_view head) { return head.rfind(kSettingsHeader, 0) == 0; }, "settings file", text);
}

GlyphSet::GlyphSet() {
    // Latin and Latin-1, and the symbols the window draws (icons, arrows, box drawing, the
    // replacement character, which is the fallback a missing glyph shows as).
    static const ImWchar always[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2030, 0x203A, 0x2190, 0x21FF, 0x2212, 0x2212, 0x2260, 0x2265,
                                     0x2500, 0x25FF, 0x2713, 0x2718, 0x2794, 0x2794, 0xFFFD, 0xFFFD, 0};
    for (const ImWchar* r = always; r[0]; r += 2)
        for (unsigned c = r[0]; c <= r[1]; ++c) m_chars.insert(ImWchar(c));
    for (const LanguageName& l : language_names()) add_text(l.name);
    m_always = m_chars;
    m_version = 1;
}

void GlyphSet::add_text(std::string_view utf8) {
    const char* p = utf8.data();
    const char* end = p + utf8.size();
    while (p < end) {
        unsigned c = 0;
        const int n = ImTextCharFromUtf8(&c, p, end);
        if (n <= 0) break;
        p += n;
        if (c < 0x20 || c > 0xFFFF || (c >= 0x7F && c < 0xA0)) continue;  // controls; beyond ImWchar16
        if (m_chars.insert(ImWchar(c)).second) ++m_version;
    }
}

bool GlyphSet::add_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    std::ostringstream text;
    text << f.rdbuf();
    add_text(text.str());
    return true;
}

void GlyphSet::build_ranges(ImVector<ImWchar>& out, const std::string& lang) const {
    out.clear();
    auto cjk = [](ImWchar c) { return c >= 0x2E80; };
    auto cyrillic = [](ImWchar c) { return c >= 0x0400 && c <= 0x052F; };
    for (ImWchar c : m_chars) {
        if (!m_always.count(c) && ((cjk(c) && lang != "zh") || (cyrillic(c) && lang != "ru"))) continue;
        if (!out.empty() && out.back() + 1 == c) out.back() = c;  // extend the last range
        else {
            out.push_back(c);
            out.push_back(c);
        }
    }
    out.push_back(0);
}

std::string catalogue_glyph_file() {
    std::vector<fs::path> candidates;
    std::error_code ec;
#ifdef __EMSCRIPTEN__
    candidates.push_back("/locale/glyphs.txt");  // the browser's file system (ui/web/CMakeLists.txt)
#endif
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        for (const char* up : {"locale", "../locale", "../../locale"}) candidates.push_back(exe.parent_path() / up / "glyphs.txt");
#ifdef PAGELAB_LOCALE_DIR
    candidates.push_back(fs::path(PAGELAB_LOCALE_DIR) / "glyphs.txt");
#endif
    for (const fs::path& c : candidates)
        if (fs::exists(c, ec)) return c.string();
    return {};
}

}  // namespace pagelab::ui
