// PageLab's message catalogue: every sentence PageLab generates (event sentences, step results,
// expectation messages, CLI output and errors, the window's labels) goes through GNU gettext, so
// that it can be read in English, Simplified Chinese or Russian (docs/translating.md).
//
// Messages are English msgids with fmt *named* arguments, so that a translation may put them in
// its own order: i18n::trf("Frame {frame:#x} is taken from the {list} list.", "frame"_a = 5,
// "list"_a = name). Plurals go through ngettext, whose Plural-Forms rule in each .po file knows
// that Russian has three forms (1 страница, 2 страницы, 5 страниц).
//
// The language is process-wide presentation state (like gettext's own), not machine state: the
// emulator's results never depend on it, and the golden traces are always English.
#pragma once

#include <string>
#include <string_view>

#include <fmt/args.h>
#include <fmt/format.h>

namespace pagelab::i18n {

// Marks a message for extraction without translating it here (a table of msgids).
#define N_(s) s

// "en", "zh" or "ru"; anything else is English. Returns the language set.
std::string_view set_language(std::string_view lang);
std::string_view language();
// Where the compiled catalogues are (folder/LANG/LC_MESSAGES/pagelab.mo); set before use by a
// program that knows better than the built-in default (the build tree, then beside the program).
void set_catalog_dir(const std::string& dir);

const char* tr(const char* msgid);
const char* trn(const char* singular, const char* plural, unsigned long n);

// The translated message, formatted with its named arguments.
template <typename... Args>
std::string trf(const char* msgid, Args&&... args) {
    return fmt::format(fmt::runtime(tr(msgid)), std::forward<Args>(args)...);
}
template <typename... Args>
std::string trfn(const char* singular, const char* plural, unsigned long n, Args&&... args) {
    return fmt::format(fmt::runtime(trn(singular, plural, n)), std::forward<Args>(args)...);
}

}  // namespace pagelab::i18n
