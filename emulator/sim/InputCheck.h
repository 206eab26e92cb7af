// Checks of a scenario's bytes before YAML reads them: a scenario is UTF-8 text. A NUL byte or a
// byte sequence that is not UTF-8 is reported at its line and column (yaml-cpp would say
// "unknown escape character", and the JSON trace could not hold the text).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pagelab::sim {

struct TextProblem {
    int line = 1;    // 1-based
    int column = 1;  // 1-based, in bytes
    bool nul = false;
    uint8_t byte = 0;  // the first byte that is not UTF-8
};

// The first NUL byte or invalid UTF-8 sequence (overlong forms, surrogates and code points above
// U+10FFFF are invalid), or nothing. A UTF-8 byte order mark at the start is fine.
std::optional<TextProblem> check_scenario_text(std::string_view text);

}  // namespace pagelab::sim
