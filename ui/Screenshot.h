// Reads the back buffer (what was just rendered, before the swap) and writes it as a PNG with
// stb_image_write.
#pragma once

#include <cstdint>
#include <string>
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
bool write_png(const std::string& path, const Pixels& pixels);

}  // namespace pagelab::ui
