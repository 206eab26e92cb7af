// A zoomable map of many numbered cells (physical frames, pagefile slots) drawn as one texture
// with one texel per cell — never one rectangle per cell — so a million frames cost one quad.
// Outlines and labels are drawn on top only for the cells that are visible and large enough.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"

#include "GlTexture.h"
#include "UiState.h"

namespace pagelab::ui {

struct TextureMapSpec {
    uint32_t count = 0;
    ImVec2 size{0, 0};        // the room available
    float max_cell = 48.0f;   // small maps stop growing at this cell size
    uint64_t key = 0;         // the texels are recomputed when this (or the shape) changes
    std::function<ImU32(uint32_t)> colour;
    // Optional: fills all `count` texels at once (a tight loop instead of a call per cell, for
    // maps of a million cells). colour() is still used for labels.
    std::function<void(ImU32* texels)> fill;
    // Optional, for a partial update: when the texture holds the texels of `from_key` (same shape
    // and count), only the cells in `dirty` changed since; then only they are recomputed (with
    // colour()) and only their rows uploaded. Without it, or when the texture holds anything else
    // or too many cells changed, every texel is filled again.
    std::optional<uint64_t> from_key;
    std::span<const uint32_t> dirty;
    // Tests: after a partial update, or none, fill every texel afresh and read the texture back,
    // and count the texels that differ from either (TextureMapResult::mismatches).
    bool verify = false;
    std::function<std::string(uint32_t)> label;  // drawn inside cells that are big enough
    std::function<std::string(uint32_t)> badge;  // a second line (use, owner)
    std::function<std::string(uint32_t)> corner; // top-right corner of big cells (share count)
    std::vector<uint32_t> changed;               // outlined in changed_colour
    std::optional<uint32_t> selected;
    ImU32 changed_colour = IM_COL32(255, 70, 210, 255);
    ImU32 background = IM_COL32(24, 26, 32, 255);
};

struct TextureMapResult {
    enum class Update : uint8_t { None, Full, Partial };
    Update update = Update::None;  // what this frame did to the texture
    int rows_uploaded = 0;
    size_t mismatches = 0;         // with `verify`: texels a full fill or the GPU has otherwise
    std::optional<uint32_t> hovered;
    std::optional<uint32_t> clicked;
    ImRect rect;         // the map on screen
    int cols = 0, rows = 0;
    float pitch = 0;     // pixels per cell at the current zoom
    ImVec2 origin{0, 0}; // screen position of cell 0's corner at the current zoom and pan
    ImRect cell_rect(uint32_t i) const {
        const ImVec2 tl(origin.x + float(int(i) % cols) * pitch, origin.y + float(int(i) / cols) * pitch);
        return ImRect(tl, ImVec2(tl.x + pitch, tl.y + pitch));
    }
};

// The key and the partial update of a map whose texels depend on a version the caller keeps (with
// the cells each bump changed, Derived's MapDelta) and on `look` (colouring, theme).
void set_versions(TextureMapSpec& spec, uint64_t version, uint64_t look, uint64_t delta_from, bool delta_known,
                  std::span<const uint32_t> cells);
// The update the map made this frame, for the UI tests: "name.update" (full / partial N rows)
// and, when verified, "name.mismatches" (after a partial update or none).
class Probe;
void probe_update(Probe& probe, const std::string& name, const TextureMapResult& r);

TextureMapResult texture_map(const char* id, GlTexture& texture, MapView& view, const TextureMapSpec& spec);

}  // namespace pagelab::ui
