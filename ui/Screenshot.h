// Reads the back buffer (what was just rendered, before the swap) and writes it as a PNG with
// stb_image_write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagelab::ui {

struct Pixels {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;  // top row first
};

Pixels read_back_buffer(int width, int height);
// One pixel of the back buffer at window coordinates (x right, y down), as RGBA.
uint32_t read_pixel(int x, int y, int window_height);
Pixels crop(const Pixels& pixels, int x, int y, int width, int height);
// Writes the PNG atomically (io::write_atomically) with PageLab's marker (a tEXt chunk "Software:
// PageLab"), and only over a missing file or a PNG that carries the marker: a user's file is never
// overwritten. Returns the problem, or nothing when written.
std::optional<std::string> write_png(const std::string& path, const Pixels& pixels);
// True when the bytes start a PNG that PageLab wrote (its marker right after the header chunk).
bool is_pagelab_png(std::string_view head);

}  // namespace pagelab::ui
