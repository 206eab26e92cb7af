// Colours, fonts and the ImGui style. Two palettes: the normal dark one and a high-contrast one for
// projectors. Every colour that carries meaning comes from here, so the legends and the grids can
// never disagree.
#pragma once

#include <array>
#include <cstdint>

#include "imgui.h"

#include "Classify.h"

namespace pagelab::ui {

struct Palette {
    std::array<ImU32, kPageClassCount> page{};
    std::array<ImU32, kFrameClassCount> frame{};
    std::array<ImU32, 5> list{};  // mm::FrameList order: Free, Zeroed, Standby, Modified, Active
    std::array<ImU32, kRegionClassCount> region{};
    std::array<ImU32, kArenaCount> arena{};  // behind the page directory's empty cells
    // The address-space strip's arena tints, per personality: neighbours differ in luminance by
    // at least 3:1 (dark, medium, dark, ...), so a projector cannot wash the boundaries out.
    std::array<ImU32, kArenaCount> strip_arena_nt{}, strip_arena_95{};
    ImU32 strip_arena(mm::Personality p, Arena a) const {
        return (p == mm::Personality::Win95 ? strip_arena_95 : strip_arena_nt)[size_t(a)];
    }
    ImU32 page_table_shared = 0;  // a PDE pointing at a page table every directory shares
    ImU32 pde_region = 0;         // no page table yet, but a region lies in these 4 MB
    ImU32 changed = 0;            // outline: changed by the current step / event
    ImU32 selected = 0;           // outline: the selection
    ImU32 link = 0;               // shared-frame links, last-access marker
    ImU32 grid_bg = 0;
    ImU32 cell_border = 0;
    ImU32 text = 0, text_dim = 0;
    ImU32 pass = 0, fail = 0, pending = 0;
    ImU32 bit_one = 0, bit_zero = 0;
    std::array<ImU32, 6> field{};  // alternating tints for bit fields in the decoder
    ImU32 slot_used = 0, slot_free = 0;
    ImU32 plot_bg = 0;
    std::array<ImU32, 8> series{};
};

const Palette& palette(bool high_contrast);
// A distinct, stable colour per address space (process), for "colour frames by owner".
ImU32 owner_colour(uint16_t space, bool high_contrast);
ImVec4 to_vec4(ImU32 c);
// Black or white, whichever reads better on the given background.
ImU32 text_on(ImU32 background);

void apply_style(bool high_contrast);

struct Fonts {
    ImFont* ui = nullptr;
    ImFont* mono = nullptr;
    ImFont* big = nullptr;   // narration
    ImFont* bold = nullptr;
    ImFont* question = nullptr;  // a quiz question: the largest text on screen
    bool truetype = false;   // DejaVu found; otherwise ImGui's built-in bitmap font
    bool cjk = false;        // a Chinese font was found and merged into each face
};
// Rebuilds the font atlas at this pixel size for the characters in `ranges` (ImGui glyph ranges,
// kept alive by the caller; ui/Language.h builds them from the text PageLab has). Call between
// frames; the caller re-creates the renderer's font texture.
Fonts build_fonts(float size_px, const ImWchar* ranges);

// Symbols that exist only in the TrueType fonts fall back to ASCII with the built-in font.
struct Icons {
    const char* play = ">";
    const char* pause = "||";
    const char* back = "<";
    const char* forward = ">";
    const char* reset = "|<";
    const char* to_end = ">|";
    const char* pass = "ok";
    const char* fail = "X";
    const char* pending = "-";
    const char* arrow = "->";
    const char* link = "=";
};
// The icons the fonts can draw (the App keeps them with its fonts).
Icons resolve_icons(const Fonts& fonts);

}  // namespace pagelab::ui
