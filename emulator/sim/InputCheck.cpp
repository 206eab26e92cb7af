#include "sim/InputCheck.h"

namespace pagelab::sim {

std::optional<TextProblem> check_scenario_text(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char c = p[i];
        const int column = int(i - line_start) + 1;
        if (c == 0) return TextProblem{line, column, true, 0};
        if (c == '\n') {
            ++line;
            line_start = ++i;
            continue;
        }
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        }
        bool ok = len != 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; ++k) ok = k == 1 ? (p[i + k] >= lo && p[i + k] <= hi) : (p[i + k] >= 0x80 && p[i + k] <= 0xBF);
        if (!ok) return TextProblem{line, column, false, c};
        i += len;
    }
    return std::nullopt;
}

}  // namespace pagelab::sim
