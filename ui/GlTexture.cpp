#include "GlTexture.h"

#include <GL/gl.h>

namespace pagelab::ui {

void GlTexture::release() {
    if (m_id) glDeleteTextures(1, &m_id);
    m_id = 0;
    m_width = m_height = 0;
    m_key = ~uint64_t{0};
}

void GlTexture::upload(int width, int height, const std::vector<ImU32>& texels, Filter filter) {
    if (width <= 0 || height <= 0 || texels.size() < size_t(width) * size_t(height)) return;
    if (!m_id) glGenTextures(1, &m_id);
    ++s_uploads;
    glBindTexture(GL_TEXTURE_2D, m_id);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    // Magnified cells stay crisp squares; a map with more cells than pixels is averaged.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter == Filter::Minify ? GL_LINEAR : GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    if (width != m_width || height != m_height) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, texels.data());
        m_width = width;
        m_height = height;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, texels.data());
    }
}

uint64_t hash_key(std::initializer_list<uint64_t> values) {
    uint64_t h = 1469598103934665603ull;
    for (uint64_t v : values) {
        for (int i = 0; i < 8; ++i) {
            h ^= (v >> (i * 8)) & 0xFF;
            h *= 1099511628211ull;
        }
    }
    return h;
}

}  // namespace pagelab::ui
