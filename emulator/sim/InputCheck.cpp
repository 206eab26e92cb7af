#include "sim/InputCheck.h"

#include "sim/Utf8.h"

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
        const size_t len = utf8_sequence_length(p + i, n - i);
        if (len == 0) return TextProblem{line, column, false, c};
        i += len;
    }
    return std::nullopt;
}

}  // namespace pagelab::sim
