// The language a command speaks: --lang en|zh|ru, by default the one LC_ALL, LC_MESSAGES or LANG
// names (zh_CN.UTF-8 -> zh, ru_RU.UTF-8 -> ru), else English.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "i18n/I18n.h"

namespace pagelab::cli {

inline std::string default_language() {
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* v = std::getenv(var);
        if (!v || !*v) continue;
        const std::string s(v);
        if (s.rfind("zh", 0) == 0) return "zh";
        if (s.rfind("ru", 0) == 0) return "ru";
        return "en";  // the first variable that is set decides, as for setlocale
    }
    return "en";
}

inline std::shared_ptr<std::string> add_language_option(CLI::App* cmd) {
    auto lang = std::make_shared<std::string>(default_language());
    cmd->add_option("--lang", *lang, "Language: en, zh (简体中文) or ru (Русский); default from LC_ALL / LC_MESSAGES / LANG")
        ->check(CLI::IsMember({"en", "zh", "ru"}));
    // The catalogue follows the option as soon as it is parsed (before the command runs).
    cmd->preparse_callback([lang](size_t) { i18n::set_language(*lang); });
    cmd->parse_complete_callback([lang] { i18n::set_language(*lang); });
    return lang;
}

}  // namespace pagelab::cli
