// An RGBA texture for maps too large to draw one rectangle per cell (frames, pages, pagefile
// slots): the panel computes one texel per cell and the GPU scales it. Re-uploaded only when the
// caller's key (cursor generation, colouring, size) changes, and then only the rows that changed
// when the caller knows which (upload_rows).
#pragma once

#include <cstdint>
#include <vector>

#include "imgui.h"

namespace pagelab::ui {

class GlTexture {
public:
    GlTexture() = default;
    GlTexture(const GlTexture&) = delete;
    GlTexture& operator=(const GlTexture&) = delete;
    ~GlTexture() { release(); }
    void release();

    // How texels reach the screen: Nearest for textures drawn 1:1 (the strip, the entry grids),
    // Minify for maps that may hold more cells than pixels (averaged when shrunk, crisp when grown).
    enum class Filter : uint8_t { Nearest, Minify };
    // Uploads width x height texels (RGBA8, row-major, ImU32 as ImGui packs it).
    void upload(int width, int height, const std::vector<ImU32>& texels, Filter filter = Filter::Minify);
    // Uploads rows [row0, row1) of a texture already uploaded whole at this width: `texels` holds
    // the whole texture's texels, row-major (only those rows are read).
    void upload_rows(int row0, int row1, const std::vector<ImU32>& texels);
    // Reads the texture back (desktop GL only; false in the browser): what the GPU holds, for the
    // UI test that proves partial updates equal a full one.
    bool read_back(std::vector<ImU32>& out) const;
    // The CPU's copy of the texels, for callers that edit a few in place and upload their rows.
    std::vector<ImU32>& cells() { return m_cells; }
    ImTextureID id() const { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_id)); }
    int width() const { return m_width; }
    int height() const { return m_height; }
    bool empty() const { return m_id == 0; }
    // How many uploads any texture has had: a frame whose geometry and uploads are those of the
    // last frame drawn looks the same (App::frame skips drawing it).
    static uint64_t upload_count() { return s_uploads; }

    // Whether the texels are stale for this key; remembers it.
    bool needs_update(uint64_t key) {
        if (holds(key)) return false;
        m_key = key;
        return true;
    }
    // Whether the texels uploaded are those of this key (without remembering it).
    bool holds(uint64_t key) const { return m_id != 0 && key == m_key; }
    void set_key(uint64_t key) { m_key = key; }

private:
    static inline uint64_t s_uploads = 0;
    unsigned m_id = 0;
    int m_width = 0, m_height = 0;
    uint64_t m_key = ~uint64_t{0};
    std::vector<ImU32> m_cells;
};

// Combines values into a cache key (FNV-1a over 64-bit words).
uint64_t hash_key(std::initializer_list<uint64_t> values);

}  // namespace pagelab::ui
