// UTF-8, checked the way nlohmann's decoder checks it: no overlong forms, no surrogates, nothing
// above U+10FFFF. Shared by the scenario text check (sim/InputCheck) and the JSON writer.
#pragma once

#include <cstddef>

namespace pagelab::sim {

// The length of the valid UTF-8 sequence that starts at p[0] (a byte >= 0x80) with n bytes
// available, or 0 when it is not one.
inline size_t utf8_sequence_length(const unsigned char* p, size_t n) {
    const unsigned char c = p[0];
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
    if (len == 0 || len > n) return 0;
    for (size_t k = 1; k < len; ++k) {
        const unsigned char b = p[k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
    }
    return len;
}

}  // namespace pagelab::sim
