#include "GlTexture.h"

#include <algorithm>

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

void GlTexture::upload_rows(int row0, int row1, const std::vector<ImU32>& texels) {
    row0 = std::max(row0, 0);
    row1 = std::min(row1, m_height);
    if (!m_id || row0 >= row1 || texels.size() < size_t(m_width) * size_t(row1)) return;
    ++s_uploads;
    glBindTexture(GL_TEXTURE_2D, m_id);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, row0, m_width, row1 - row0, GL_RGBA, GL_UNSIGNED_BYTE,
                    texels.data() + size_t(row0) * size_t(m_width));
}

bool GlTexture::read_back(std::vector<ImU32>& out) const {
#ifdef __EMSCRIPTEN__
    (void)out;
    return false;
#else
    if (!m_id) return false;
    out.assign(size_t(m_width) * size_t(m_height), 0);
    glBindTexture(GL_TEXTURE_2D, m_id);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glGetTexImage(GL_TEXTURE_2D, 0, GL_RGBA, GL_UNSIGNED_BYTE, out.data());
    return true;
#endif
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
