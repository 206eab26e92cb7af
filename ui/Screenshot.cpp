#include "Screenshot.h"

#include <algorithm>

#include <GL/gl.h>
#include <stb_image_write.h>

namespace pagelab::ui {

Pixels read_back_buffer(int width, int height) {
    Pixels p;
    p.width = width;
    p.height = height;
    p.rgba.resize(size_t(width) * size_t(height) * 4);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, p.rgba.data());
    // OpenGL's origin is the bottom-left corner; PNG rows go top-down.
    const size_t row = size_t(width) * 4;
    std::vector<uint8_t> tmp(row);
    for (int y = 0; y < height / 2; ++y) {
        uint8_t* a = p.rgba.data() + size_t(y) * row;
        uint8_t* b = p.rgba.data() + size_t(height - 1 - y) * row;
        std::copy(a, a + row, tmp.data());
        std::copy(b, b + row, a);
        std::copy(tmp.data(), tmp.data() + row, b);
    }
    // The window is opaque: make the PNG opaque too whatever alpha the blending left.
    for (size_t i = 3; i < p.rgba.size(); i += 4) p.rgba[i] = 255;
    return p;
}

uint32_t read_pixel(int x, int y, int window_height) {
    uint8_t px[4] = {0, 0, 0, 0};
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(x, window_height - 1 - y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
    return uint32_t(px[0]) | uint32_t(px[1]) << 8 | uint32_t(px[2]) << 16 | 0xFF000000u;
}

Pixels crop(const Pixels& p, int x, int y, int w, int h) {
    x = std::clamp(x, 0, p.width);
    y = std::clamp(y, 0, p.height);
    w = std::clamp(w, 0, p.width - x);
    h = std::clamp(h, 0, p.height - y);
    Pixels out;
    out.width = w;
    out.height = h;
    out.rgba.resize(size_t(w) * size_t(h) * 4);
    for (int r = 0; r < h; ++r)
        std::copy_n(p.rgba.data() + (size_t(y + r) * size_t(p.width) + size_t(x)) * 4, size_t(w) * 4,
                    out.rgba.data() + size_t(r) * size_t(w) * 4);
    return out;
}

bool write_png(const std::string& path, const Pixels& p) {
    // The window is opaque: RGB is a quarter smaller than RGBA. A UI is flat colour and text, which
    // deflate packs best unfiltered (filter 0), at stb's highest level: a third smaller than the
    // default adaptive filters.
    std::vector<uint8_t> rgb(size_t(p.width) * size_t(p.height) * 3);
    for (size_t i = 0, j = 0; i < p.rgba.size(); i += 4, j += 3) {
        rgb[j] = p.rgba[i];
        rgb[j + 1] = p.rgba[i + 1];
        rgb[j + 2] = p.rgba[i + 2];
    }
    stbi_write_png_compression_level = 9;
    stbi_write_force_png_filter = 0;
    return stbi_write_png(path.c_str(), p.width, p.height, 3, rgb.data(), p.width * 3) != 0;
}

}  // namespace pagelab::ui
