#include "i18n/LineBreak.h"

#include <algorithm>
#include <array>

namespace pagelab::i18n {

namespace {

// One UTF-8 character at `p` (a bad byte is itself, one byte long).
char32_t decode(std::string_view s, size_t p, size_t& n) {
    const auto b = static_cast<unsigned char>(s[p]);
    const size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || p + len > s.size()) {
        n = 1;
        return b;
    }
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[p + k]) & 0x3F);
    n = len;
    return c;
}

std::u32string decode_all(std::string_view s) {
    std::u32string out;
    for (size_t p = 0, n = 0; p < s.size(); p += n) out += decode(s, p, n);
    return out;
}

// Chinese (and Japanese) text has no spaces: a line may break between any two ideographs, but
// not before closing punctuation (，。）) nor after opening punctuation (（“).
bool is_cjk(char32_t c) { return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF); }
bool no_break_before(char32_t c) { return std::u32string_view(U"，。、；：？！）》」』】〕”’…·%,.;:?!)]}").find(c) != std::u32string_view::npos; }
bool no_break_after(char32_t c) { return std::u32string_view(U"（《「『【〔“‘([{").find(c) != std::u32string_view::npos; }

bool lower(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 0x430 && c <= 0x44F) || c == 0x451; }
bool letter(char32_t c) { return lower(c) || (c >= 'A' && c <= 'Z') || (c >= 0x410 && c <= 0x42F) || c == 0x401; }
bool digit(char32_t c) { return c >= '0' && c <= '9'; }
bool blank(char c) { return c == ' ' || c == '\n'; }

// "стр.", "физ.", "т.е.", "e.g." (after an opening bracket or quote): at most 4 letters, the first
// lower-case, ending in a full stop.
bool abbreviation(std::u32string w) {
    while (!w.empty() && std::u32string_view(U"(«“\"'").find(w.front()) != std::u32string_view::npos) w.erase(0, 1);
    if (w.size() < 2 || w.back() != U'.' || !lower(w.front())) return false;
    size_t letters = 0;
    for (char32_t c : w) {
        if (!letter(c) && c != U'.') return false;
        letters += letter(c) ? 1 : 0;
    }
    return letters <= 4;
}

bool number(const std::u32string& w) {
    const bool hex = w.size() > 2 && w[0] == U'0' && (w[1] == U'x' || w[1] == U'X');
    if (w.empty() || !digit(w.front())) return false;
    for (size_t i = hex ? 2 : 0; i < w.size(); ++i)
        if (!digit(w[i]) && w[i] != U',' && w[i] != U'.' && !(hex && ((w[i] >= U'A' && w[i] <= U'F') || (w[i] >= U'a' && w[i] <= U'f'))))
            return false;
    return true;
}

bool unit(std::u32string w) {
    while (!w.empty() && std::u32string_view(U".,;:!?)»”").find(w.back()) != std::u32string_view::npos) w.pop_back();
    static constexpr std::array<std::u32string_view, 13> units = {U"K", U"KB", U"MB", U"GB", U"КБ", U"МБ", U"ГБ", U"Кб", U"%", U"ms", U"мс", U"px", U"стр"};
    return std::find(units.begin(), units.end(), w) != units.end() || w.rfind(U"байт", 0) == 0 || w.rfind(U"byte", 0) == 0 ||
           w.rfind(U"字节", 0) == 0;
}

// The spaces before byte `p` of `s` (a word's first byte) must not break: the word before them is
// an abbreviation and this one a number or a lower-case word, or they part a number from its unit.
bool keep_together(std::string_view s, size_t p) {
    size_t we = p;
    while (we > 0 && s[we - 1] == ' ') --we;
    if (we == 0 || (s[we - 1] != '.' && !(s[we - 1] >= '0' && s[we - 1] <= '9'))) return false;  // (most spaces: quickly)
    size_t ws = we;
    while (ws > 0 && !blank(s[ws - 1])) --ws;
    size_t ae = p;
    while (ae < s.size() && !blank(s[ae])) ++ae;
    const std::u32string before = decode_all(s.substr(ws, we - ws)), after = decode_all(s.substr(p, ae - p));
    if (before.empty() || after.empty()) return false;
    if (abbreviation(before) && (digit(after.front()) || lower(after.front()))) return true;
    return number(before) && unit(after);
}

// May a line break just before the character `c` at byte `p` (`prev` before it)?
bool may_break(std::string_view s, size_t p, char32_t prev, char32_t c) {
    if (c == U' ') return false;
    if (prev == U' ') return !keep_together(s, p);
    return (is_cjk(prev) || is_cjk(c)) && !no_break_before(c) && !no_break_after(prev);
}

}  // namespace

std::string wrap_text(std::string_view text, float width, const CharAdvance& advance) {
    constexpr size_t kNone = std::string_view::npos;
    if (width <= 0) return std::string(text);
    std::string out;
    out.reserve(text.size() + 16);
    size_t line = 0;            // the current line's first byte
    size_t brk = kNone;         // where the next line starts if this one breaks at its last chance
    float x = 0;                // the width of [line, p)
    char32_t prev = 0;
    for (size_t p = 0, n = 0; p < text.size(); p += n) {
        const char32_t c = decode(text, p, n);
        if (c == U'\n') {
            out.append(text.substr(line, p + n - line));
            line = p + n;
            brk = kNone;
            x = 0;
            prev = 0;
            continue;
        }
        if (p > line && may_break(text, p, prev, c)) brk = p;
        const float adv = advance(c);
        if (c != U' ' && p > line && x + adv > width) {
            const size_t cut = brk != kNone ? brk : p;  // no chance in a word longer than the line: cut it here
            size_t end = cut;
            while (end > line && text[end - 1] == ' ') --end;
            out.append(text.substr(line, end - line));
            out += '\n';
            line = cut;
            x = 0;
            for (size_t q = line, m = 0; q < p; q += m) x += advance(decode(text, q, m));
            brk = kNone;
        }
        x += adv;
        prev = c;
    }
    out.append(text.substr(line));
    return out;
}

std::vector<size_t> wrapped_offsets(std::string_view text, std::string_view wrapped) {
    std::vector<size_t> at(text.size() + 1, wrapped.size());
    size_t j = 0;
    for (size_t i = 0; i < text.size();) {
        if (j < wrapped.size() && text[i] == wrapped[j]) {
            at[i++] = j++;
        } else if (j < wrapped.size() && wrapped[j] == '\n') {
            if (text[i] == ' ') at[i++] = j;  // the space the line broke at
            ++j;                              // (or a break between two characters)
        } else {
            at[i++] = j;  // a space dropped at a break
        }
    }
    return at;
}

}  // namespace pagelab::i18n
