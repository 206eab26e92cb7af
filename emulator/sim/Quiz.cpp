#include "sim/Quiz.h"

#include <cctype>

#include <fmt/format.h>

#include "i18n/I18n.h"

namespace pagelab::sim {

namespace {
std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(uint8_t(s[b]))) ++b;
    while (e > b && std::isspace(uint8_t(s[e - 1]))) --e;
    return s.substr(b, e - b);
}
// In the base the author wrote the answer in (frames and addresses in hex), with the other base
// beside it when they differ.
std::string number_text(const Question& q, uint64_t v) {
    if (v < 10) return q.hex ? fmt::format("0x{:X}", v) : fmt::format("{}", v);
    return q.hex ? fmt::format("0x{:X} ({})", v, v) : fmt::format("{} (0x{:X})", v, v);
}
}  // namespace

char choice_letter(size_t i) { return char('a' + i); }

std::optional<Answer> parse_answer(const Question& q, const std::string& raw, std::string& why) {
    const std::string input = trim(raw);
    if (input.empty()) {
        why = i18n::tr("no answer given");
        return std::nullopt;
    }
    if (!q.has_choices()) {
        if (auto v = parse_number(input)) return Answer{std::nullopt, *v};
        why = i18n::trf("'{input}' is not a number (write it in decimal or as 0x-hex)", fmt::arg("input", input));
        return std::nullopt;
    }
    // A choice's text, in any of the lesson's languages.
    for (size_t i = 0; i < q.choices.size(); ++i) {
        if (q.choices[i] == input) return Answer{i, std::nullopt};
        if (i < q.choices_tr.size())
            for (const auto& [lang, text] : q.choices_tr[i])
                if (text == input) return Answer{i, std::nullopt};
    }
    if (input.size() == 1) {
        const char c = char(std::tolower(uint8_t(input[0])));
        if (c >= 'a' && size_t(c - 'a') < q.choices.size()) return Answer{size_t(c - 'a'), std::nullopt};
        if (c >= '1' && size_t(c - '1') < q.choices.size()) return Answer{size_t(c - '1'), std::nullopt};
    }
    why = i18n::trf("'{input}' is not one of the choices (answer a-{last_letter} or 1-{count})", fmt::arg("input", input),
                       fmt::arg("last_letter", choice_letter(q.choices.size() - 1)), fmt::arg("count", q.choices.size()));
    return std::nullopt;
}

bool is_right(const Question& q, const Answer& a) {
    if (q.has_choices()) return a.choice && *a.choice == q.answer;
    return a.number && *a.number == q.number;
}

namespace {
const std::string& choice_in(const Question& q, size_t i, const std::string& lang) {
    static const Translations kNone;
    return localized(q.choices[i], i < q.choices_tr.size() ? q.choices_tr[i] : kNone, lang);
}
}  // namespace

std::string right_answer_text(const Question& q, const std::string& lang) {
    if (q.has_choices()) return fmt::format("{}) {}", choice_letter(q.answer), choice_in(q, q.answer, lang));
    return number_text(q, q.number);
}

std::string answer_text(const Question& q, const Answer& a, const std::string& lang) {
    if (a.choice && *a.choice < q.choices.size()) return fmt::format("{}) {}", choice_letter(*a.choice), choice_in(q, *a.choice, lang));
    if (a.number) return number_text(q, *a.number);
    return "no answer";
}

}  // namespace pagelab::sim
