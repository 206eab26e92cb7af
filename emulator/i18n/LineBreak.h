// Where PageLab's wrapped text breaks into lines (the window's narration, event sentences and
// panel text), in every language: at spaces in English and Russian, between characters in
// Chinese. Dear ImGui 1.86's own wrapping also breaks after any '.', ',', ';', '!' or '?', so it
// split "0x1000,0x2000" and "т.е." in the middle, and any wrapping at spaces may part an
// abbreviation from what it belongs to ("стр." / "5", "физ." / "адрес"): here a space after a
// short lower-case abbreviation followed by a number or a lower-case word, and a space between a
// number and its unit ("4 КБ", "64 KB"), never break. A word longer than a line is cut where it
// must.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pagelab::i18n {

// The width of one character (the window's font, in pixels).
using CharAdvance = std::function<float(char32_t)>;

// `text` with a newline wherever a line `width` wide must break: the spaces at a break become one
// newline, a break between Chinese characters inserts one; the text's own newlines stay. Spaces
// at the end of a line may hang past the width (as in ImGui). width <= 0: the text unchanged.
std::string wrap_text(std::string_view text, float width, const CharAdvance& advance);

// For each byte of `text` (and its end), the byte of wrap_text(text, ...) it was drawn as: so
// that a term found in the text (i18n::find_terms) is found on screen, on one line or two.
std::vector<size_t> wrapped_offsets(std::string_view text, std::string_view wrapped);

}  // namespace pagelab::i18n
