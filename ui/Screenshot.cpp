#include "Screenshot.h"

#include <algorithm>

#include "io/SafeWrite.h"

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

namespace {

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1A\n", 8);
constexpr std::string_view kMarkerChunk("tEXtSoftware\0PageLab", 20);  // type and data of the chunk

uint32_t crc32(std::string_view bytes) {
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : bytes) {
        c ^= b;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

void put_be32(std::string& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out += char((v >> s) & 0xFF);
}

}  // namespace

bool is_pagelab_png(std::string_view head) {
    // Signature (8), IHDR chunk (4 + 4 + 13 + 4 = 25), then the marker's length and chunk.
    return head.substr(0, 8) == kPngSignature && head.size() >= 8 + 25 + 4 + kMarkerChunk.size() &&
           head.substr(8 + 25 + 4, kMarkerChunk.size()) == kMarkerChunk;
}

std::optional<std::string> write_png(const std::string& path, const Pixels& p) {
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
    std::string png;
    const int ok = stbi_write_png_to_func(
        [](void* context, void* data, int size) { static_cast<std::string*>(context)->append(static_cast<char*>(data), size_t(size)); },
        &png, p.width, p.height, 3, rgb.data(), p.width * 3);
    if (!ok || png.size() < 8 + 25 || png.substr(0, 8) != kPngSignature) return std::string("cannot encode the PNG");
    // PageLab's marker after the header chunk: what may be replaced next time.
    std::string marker;
    put_be32(marker, uint32_t(kMarkerChunk.size() - 4));
    marker += kMarkerChunk;
    put_be32(marker, crc32(kMarkerChunk));
    png.insert(8 + 25, marker);
    return io::write_atomically(path, is_pagelab_png, "a PNG", png);
}

}  // namespace pagelab::ui
