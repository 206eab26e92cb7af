#include "Theme.h"

#include <cmath>
#include <filesystem>
#include <string>

namespace pagelab::ui {

namespace {

Palette make_normal() {
    Palette p;
    p.page[int(PageClass::Free)] = IM_COL32(44, 48, 58, 255);
    p.page[int(PageClass::Reserved)] = IM_COL32(104, 112, 132, 255);
    p.page[int(PageClass::DemandZero)] = IM_COL32(66, 133, 214, 255);
    p.page[int(PageClass::Present)] = IM_COL32(80, 184, 92, 255);
    p.page[int(PageClass::Pagefile)] = IM_COL32(238, 142, 52, 255);
    p.page[int(PageClass::Transition)] = IM_COL32(232, 204, 74, 255);
    p.page[int(PageClass::Prototype)] = IM_COL32(172, 112, 214, 255);
    p.page[int(PageClass::System)] = IM_COL32(150, 128, 104, 255);

    p.frame[int(FrameClass::Free)] = IM_COL32(44, 48, 58, 255);
    p.frame[int(FrameClass::PageDirectory)] = IM_COL32(222, 84, 84, 255);
    p.frame[int(FrameClass::PageTable)] = IM_COL32(58, 184, 172, 255);
    p.frame[int(FrameClass::Private)] = IM_COL32(80, 184, 92, 255);
    p.frame[int(FrameClass::Image)] = IM_COL32(84, 142, 236, 255);
    // Mapped-file pages lavender, pagefile-backed section pages mustard: apart from the page
    // tables' teal, the image pages' blue and the private pages' green.
    p.frame[int(FrameClass::File)] = IM_COL32(178, 136, 240, 255);
    p.frame[int(FrameClass::PagefileBacked)] = IM_COL32(214, 176, 58, 255);
    p.frame[int(FrameClass::System)] = IM_COL32(150, 128, 104, 255);

    p.list = {IM_COL32(44, 48, 58, 255), IM_COL32(72, 80, 98, 255), IM_COL32(232, 204, 74, 255),
              IM_COL32(238, 112, 60, 255), IM_COL32(80, 184, 92, 255)};
    p.region[int(RegionClass::None)] = IM_COL32(0, 0, 0, 0);
    p.region[int(RegionClass::Private)] = IM_COL32(150, 206, 255, 255);
    p.region[int(RegionClass::Mapped)] = IM_COL32(110, 230, 190, 255);
    p.region[int(RegionClass::Image)] = IM_COL32(255, 168, 204, 255);
    p.arena[int(Arena::NullTrap)] = IM_COL32(96, 44, 48, 255);
    p.arena[int(Arena::Compat)] = IM_COL32(70, 62, 44, 255);
    p.arena[int(Arena::User)] = IM_COL32(38, 48, 64, 255);
    p.arena[int(Arena::Shared)] = IM_COL32(36, 66, 60, 255);
    p.arena[int(Arena::Kernel)] = IM_COL32(62, 44, 74, 255);
    // Relative luminance: dark ~0.01-0.03, medium ~0.2; neighbours >= 3:1 (tests/ui: strip-arenas).
    p.strip_arena_nt[int(Arena::NullTrap)] = IM_COL32(48, 14, 18, 255);
    p.strip_arena_nt[int(Arena::User)] = IM_COL32(108, 128, 162, 255);
    p.strip_arena_nt[int(Arena::Kernel)] = IM_COL32(146, 114, 170, 255);
    p.strip_arena_95[int(Arena::NullTrap)] = IM_COL32(182, 96, 96, 255);
    p.strip_arena_95[int(Arena::Compat)] = IM_COL32(42, 32, 12, 255);
    p.strip_arena_95[int(Arena::User)] = IM_COL32(108, 128, 162, 255);
    p.strip_arena_95[int(Arena::Shared)] = IM_COL32(10, 40, 34, 255);
    p.strip_arena_95[int(Arena::Kernel)] = IM_COL32(146, 114, 170, 255);
    p.page_table_shared = IM_COL32(40, 128, 150, 255);
    p.pde_region = IM_COL32(60, 84, 120, 255);
    p.changed = IM_COL32(255, 70, 210, 255);
    p.selected = IM_COL32(255, 255, 255, 255);
    p.link = IM_COL32(255, 212, 80, 255);
    p.grid_bg = IM_COL32(24, 26, 32, 255);
    p.cell_border = IM_COL32(20, 22, 27, 255);
    p.text = IM_COL32(230, 232, 238, 255);
    p.text_dim = IM_COL32(150, 156, 170, 255);
    p.pass = IM_COL32(96, 206, 104, 255);
    p.fail = IM_COL32(244, 84, 84, 255);
    p.pending = IM_COL32(130, 136, 150, 255);
    p.bit_one = IM_COL32(246, 248, 252, 255);
    p.bit_zero = IM_COL32(120, 126, 140, 255);
    p.field = {IM_COL32(52, 74, 110, 255), IM_COL32(40, 90, 84, 255), IM_COL32(92, 66, 110, 255),
               IM_COL32(104, 80, 50, 255), IM_COL32(60, 92, 56, 255), IM_COL32(104, 56, 64, 255)};
    p.slot_used = IM_COL32(238, 142, 52, 255);
    p.slot_free = IM_COL32(44, 48, 58, 255);
    p.plot_bg = IM_COL32(26, 29, 36, 255);
    p.series = {IM_COL32(66, 133, 214, 255), IM_COL32(238, 142, 52, 255), IM_COL32(232, 204, 74, 255),
                IM_COL32(255, 70, 210, 255), IM_COL32(244, 84, 84, 255), IM_COL32(172, 112, 214, 255),
                IM_COL32(80, 184, 92, 255), IM_COL32(96, 206, 236, 255)};
    return p;
}

Palette make_high_contrast() {
    Palette p = make_normal();
    p.page[int(PageClass::Free)] = IM_COL32(16, 16, 16, 255);
    p.page[int(PageClass::Reserved)] = IM_COL32(150, 150, 150, 255);
    p.page[int(PageClass::DemandZero)] = IM_COL32(0, 140, 255, 255);
    p.page[int(PageClass::Present)] = IM_COL32(0, 230, 0, 255);
    p.page[int(PageClass::Pagefile)] = IM_COL32(255, 128, 0, 255);
    p.page[int(PageClass::Transition)] = IM_COL32(255, 255, 0, 255);
    p.page[int(PageClass::Prototype)] = IM_COL32(210, 0, 255, 255);
    p.page[int(PageClass::System)] = IM_COL32(190, 130, 60, 255);
    p.frame[int(FrameClass::Free)] = IM_COL32(16, 16, 16, 255);
    p.frame[int(FrameClass::PageDirectory)] = IM_COL32(255, 0, 0, 255);
    p.frame[int(FrameClass::PageTable)] = IM_COL32(0, 255, 230, 255);
    p.frame[int(FrameClass::Private)] = IM_COL32(0, 230, 0, 255);
    p.frame[int(FrameClass::Image)] = IM_COL32(0, 120, 255, 255);
    p.frame[int(FrameClass::File)] = IM_COL32(190, 110, 255, 255);
    p.frame[int(FrameClass::PagefileBacked)] = IM_COL32(255, 220, 0, 255);
    p.frame[int(FrameClass::System)] = IM_COL32(190, 130, 60, 255);
    p.list = {IM_COL32(16, 16, 16, 255), IM_COL32(90, 90, 90, 255), IM_COL32(255, 255, 0, 255),
              IM_COL32(255, 100, 0, 255), IM_COL32(0, 230, 0, 255)};
    p.region[int(RegionClass::Private)] = IM_COL32(80, 170, 255, 255);
    p.region[int(RegionClass::Mapped)] = IM_COL32(0, 255, 180, 255);
    p.region[int(RegionClass::Image)] = IM_COL32(255, 90, 170, 255);
    p.arena[int(Arena::NullTrap)] = IM_COL32(120, 0, 0, 255);
    p.arena[int(Arena::Compat)] = IM_COL32(90, 70, 0, 255);
    p.arena[int(Arena::User)] = IM_COL32(0, 0, 0, 255);
    p.arena[int(Arena::Shared)] = IM_COL32(0, 80, 60, 255);
    p.arena[int(Arena::Kernel)] = IM_COL32(70, 0, 100, 255);
    p.strip_arena_nt[int(Arena::NullTrap)] = IM_COL32(56, 0, 0, 255);
    p.strip_arena_nt[int(Arena::User)] = IM_COL32(80, 116, 176, 255);
    p.strip_arena_nt[int(Arena::Kernel)] = IM_COL32(150, 84, 196, 255);
    p.strip_arena_95[int(Arena::NullTrap)] = IM_COL32(200, 56, 56, 255);
    p.strip_arena_95[int(Arena::Compat)] = IM_COL32(44, 32, 0, 255);
    p.strip_arena_95[int(Arena::User)] = IM_COL32(80, 116, 176, 255);
    p.strip_arena_95[int(Arena::Shared)] = IM_COL32(0, 44, 32, 255);
    p.strip_arena_95[int(Arena::Kernel)] = IM_COL32(150, 84, 196, 255);
    p.page_table_shared = IM_COL32(0, 150, 170, 255);
    p.pde_region = IM_COL32(50, 80, 160, 255);
    p.changed = IM_COL32(255, 0, 255, 255);
    p.selected = IM_COL32(255, 255, 255, 255);
    p.link = IM_COL32(255, 255, 0, 255);
    p.grid_bg = IM_COL32(0, 0, 0, 255);
    p.cell_border = IM_COL32(70, 70, 70, 255);
    p.text = IM_COL32(255, 255, 255, 255);
    p.text_dim = IM_COL32(200, 200, 200, 255);
    p.pass = IM_COL32(0, 255, 0, 255);
    p.fail = IM_COL32(255, 40, 40, 255);
    p.pending = IM_COL32(170, 170, 170, 255);
    p.bit_one = IM_COL32(255, 255, 255, 255);
    p.bit_zero = IM_COL32(150, 150, 150, 255);
    p.field = {IM_COL32(0, 50, 120, 255), IM_COL32(0, 90, 70, 255), IM_COL32(90, 0, 110, 255),
               IM_COL32(110, 70, 0, 255), IM_COL32(30, 100, 0, 255), IM_COL32(120, 0, 30, 255)};
    p.slot_used = IM_COL32(255, 128, 0, 255);
    p.slot_free = IM_COL32(16, 16, 16, 255);
    p.plot_bg = IM_COL32(0, 0, 0, 255);
    return p;
}

}  // namespace

const Palette& palette(bool high_contrast) {
    static const Palette normal = make_normal();
    static const Palette contrast = make_high_contrast();
    return high_contrast ? contrast : normal;
}

ImU32 owner_colour(uint16_t space, bool high_contrast) {
    if (space == mm::kNoSpace) return high_contrast ? IM_COL32(190, 130, 60, 255) : IM_COL32(150, 128, 104, 255);
    // Hues spaced by the golden angle stay distinct for the first dozen processes.
    const float hue = std::fmod(0.58f + 0.381966f * float(space), 1.0f);
    float r, g, b;
    ImGui::ColorConvertHSVtoRGB(hue, high_contrast ? 1.0f : 0.55f, high_contrast ? 1.0f : 0.88f, r, g, b);
    return IM_COL32(int(r * 255), int(g * 255), int(b * 255), 255);
}

ImVec4 to_vec4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

ImU32 text_on(ImU32 background) {
    const ImVec4 c = to_vec4(background);
    const float luma = 0.299f * c.x + 0.587f * c.y + 0.114f * c.z;
    return luma > 0.55f ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255);
}

void apply_style(bool high_contrast) {
    ImGuiStyle style;
    ImGui::StyleColorsDark(&style);
    style.WindowRounding = 4.0f;
    style.ChildRounding = 3.0f;
    style.FrameRounding = 3.0f;
    style.GrabRounding = 3.0f;
    style.TabRounding = 3.0f;
    style.PopupRounding = 3.0f;
    style.ScrollbarRounding = 3.0f;
    style.WindowPadding = ImVec2(8, 6);
    style.FramePadding = ImVec2(6, 3);
    style.ItemSpacing = ImVec2(7, 4);
    style.WindowBorderSize = 1.0f;
    style.FrameBorderSize = 0.0f;
    style.WindowTitleAlign = ImVec2(0.0f, 0.5f);
    ImVec4* c = style.Colors;
    if (!high_contrast) {
        c[ImGuiCol_WindowBg] = ImVec4(0.105f, 0.115f, 0.140f, 1.0f);
        c[ImGuiCol_ChildBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.0f);
        c[ImGuiCol_PopupBg] = ImVec4(0.120f, 0.130f, 0.160f, 0.98f);
        c[ImGuiCol_Border] = ImVec4(0.22f, 0.24f, 0.30f, 1.0f);
        c[ImGuiCol_TitleBg] = ImVec4(0.13f, 0.15f, 0.19f, 1.0f);
        c[ImGuiCol_TitleBgActive] = ImVec4(0.16f, 0.20f, 0.28f, 1.0f);
        c[ImGuiCol_MenuBarBg] = ImVec4(0.13f, 0.14f, 0.17f, 1.0f);
        c[ImGuiCol_FrameBg] = ImVec4(0.17f, 0.19f, 0.24f, 1.0f);
        c[ImGuiCol_FrameBgHovered] = ImVec4(0.22f, 0.26f, 0.34f, 1.0f);
        c[ImGuiCol_FrameBgActive] = ImVec4(0.26f, 0.32f, 0.42f, 1.0f);
        c[ImGuiCol_Button] = ImVec4(0.20f, 0.30f, 0.46f, 1.0f);
        c[ImGuiCol_ButtonHovered] = ImVec4(0.27f, 0.40f, 0.60f, 1.0f);
        c[ImGuiCol_ButtonActive] = ImVec4(0.32f, 0.48f, 0.72f, 1.0f);
        c[ImGuiCol_Header] = ImVec4(0.20f, 0.28f, 0.42f, 1.0f);
        c[ImGuiCol_HeaderHovered] = ImVec4(0.25f, 0.35f, 0.52f, 1.0f);
        c[ImGuiCol_HeaderActive] = ImVec4(0.30f, 0.42f, 0.62f, 1.0f);
        c[ImGuiCol_Tab] = ImVec4(0.15f, 0.18f, 0.24f, 1.0f);
        c[ImGuiCol_TabHovered] = ImVec4(0.27f, 0.40f, 0.60f, 1.0f);
        c[ImGuiCol_TabActive] = ImVec4(0.22f, 0.33f, 0.50f, 1.0f);
        c[ImGuiCol_TabUnfocused] = c[ImGuiCol_Tab];
        c[ImGuiCol_TabUnfocusedActive] = c[ImGuiCol_TabActive];
        c[ImGuiCol_TableHeaderBg] = ImVec4(0.16f, 0.18f, 0.23f, 1.0f);
        c[ImGuiCol_TableRowBgAlt] = ImVec4(1.0f, 1.0f, 1.0f, 0.03f);
        c[ImGuiCol_Text] = ImVec4(0.90f, 0.91f, 0.94f, 1.0f);
        c[ImGuiCol_TextDisabled] = ImVec4(0.55f, 0.58f, 0.65f, 1.0f);
    } else {
        c[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 1);
        c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
        c[ImGuiCol_PopupBg] = ImVec4(0.05f, 0.05f, 0.05f, 1);
        c[ImGuiCol_Border] = ImVec4(1, 1, 1, 0.8f);
        c[ImGuiCol_TitleBg] = ImVec4(0.1f, 0.1f, 0.1f, 1);
        c[ImGuiCol_TitleBgActive] = ImVec4(0.15f, 0.15f, 0.3f, 1);
        c[ImGuiCol_MenuBarBg] = ImVec4(0.08f, 0.08f, 0.08f, 1);
        c[ImGuiCol_FrameBg] = ImVec4(0.12f, 0.12f, 0.12f, 1);
        c[ImGuiCol_FrameBgHovered] = ImVec4(0.25f, 0.25f, 0.25f, 1);
        c[ImGuiCol_FrameBgActive] = ImVec4(0.35f, 0.35f, 0.35f, 1);
        c[ImGuiCol_Button] = ImVec4(0.0f, 0.25f, 0.6f, 1);
        c[ImGuiCol_ButtonHovered] = ImVec4(0.0f, 0.38f, 0.85f, 1);
        c[ImGuiCol_ButtonActive] = ImVec4(0.0f, 0.45f, 1.0f, 1);
        c[ImGuiCol_Header] = ImVec4(0.0f, 0.25f, 0.6f, 1);
        c[ImGuiCol_HeaderHovered] = ImVec4(0.0f, 0.38f, 0.85f, 1);
        c[ImGuiCol_HeaderActive] = ImVec4(0.0f, 0.45f, 1.0f, 1);
        c[ImGuiCol_Tab] = ImVec4(0.12f, 0.12f, 0.12f, 1);
        c[ImGuiCol_TabHovered] = ImVec4(0.0f, 0.38f, 0.85f, 1);
        c[ImGuiCol_TabActive] = ImVec4(0.0f, 0.30f, 0.70f, 1);
        c[ImGuiCol_TabUnfocused] = c[ImGuiCol_Tab];
        c[ImGuiCol_TabUnfocusedActive] = c[ImGuiCol_TabActive];
        c[ImGuiCol_TableHeaderBg] = ImVec4(0.15f, 0.15f, 0.15f, 1);
        c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.06f);
        c[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
        c[ImGuiCol_TextDisabled] = ImVec4(0.78f, 0.78f, 0.78f, 1);
        style.FrameBorderSize = 1.0f;
    }
    ImGui::GetStyle() = style;
}

namespace {

std::string find_file(std::initializer_list<const char*> dirs, const char* file) {
    for (const char* dir : dirs) {
        std::string path = std::string(dir) + file;
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) return path;
    }
    return {};
}

std::string find_font(const char* file) {
    // Debian's fonts-dejavu-core; other distributions keep DejaVu in one of these.
    return find_file({"/usr/share/fonts/truetype/dejavu/", "/usr/share/fonts/dejavu/", "/usr/share/fonts/TTF/", "/usr/local/share/fonts/"},
                     file);
}

#ifdef __EMSCRIPTEN__
constexpr const char* kWebCjkFont = "/fonts/wqy-microhei-subset.ttf";
#endif

// A font with the Chinese characters (DejaVu has Latin and Cyrillic): Debian's fonts-wqy-microhei
// (its collection holds a proportional face and a monospaced one), else fonts-noto-cjk.
struct CjkFont {
    std::string path;
    int sans = 0, mono = 0;  // faces in the collection
    std::string bold_path;   // a bold face, when the package has one
    int bold = 0;
};

CjkFont find_cjk_font() {
    CjkFont f;
#ifdef __EMSCRIPTEN__
    // The browser's: one face of wqy-microhei, cut down at build time to the characters PageLab's
    // texts use and fetched by the page when Chinese is chosen (ui/web/CMakeLists.txt, docs/web.md).
    if (std::error_code ec; std::filesystem::exists(kWebCjkFont, ec)) {
        f.path = kWebCjkFont;
        return f;
    }
#endif
    if (std::string p = find_file({"/usr/share/fonts/truetype/wqy/", "/usr/share/fonts/wenquanyi/wqy-microhei/", "/usr/share/fonts/wqy-microhei/"},
                                  "wqy-microhei.ttc");
        !p.empty()) {
        f.path = p;
        f.mono = 1;
        return f;
    }
    // Noto Sans CJK's collections are ordered JP, KR, SC, TC, HK: face 2 is Simplified Chinese.
    const auto noto_dirs = {"/usr/share/fonts/opentype/noto/", "/usr/share/fonts/noto-cjk/", "/usr/share/fonts/OTF/"};
    if (std::string p = find_file(noto_dirs, "NotoSansCJK-Regular.ttc"); !p.empty()) {
        f.path = p;
        f.sans = f.mono = 2;
        f.bold_path = find_file(noto_dirs, "NotoSansCJK-Bold.ttc");
        f.bold = 2;
    }
    return f;
}

}  // namespace

Fonts build_fonts(float size_px, const ImWchar* ranges) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    Fonts f;
    const std::string sans = find_font("DejaVuSans.ttf");
    const std::string mono = find_font("DejaVuSansMono.ttf");
    const std::string bold = find_font("DejaVuSans-Bold.ttf");
    // Looked up until found: in the browser the font arrives after the first frames.
    static CjkFont cjk;
    if (cjk.path.empty()) cjk = find_cjk_font();
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    cfg.OversampleV = 1;
    // Each face gets the Chinese font merged in for the characters DejaVu does not have. One
    // oversampling is enough for CJK strokes, and keeps the atlas small.
    auto add = [&](const std::string& file, float px, bool monospaced, bool is_bold) -> ImFont* {
        ImFont* font = io.Fonts->AddFontFromFileTTF(file.c_str(), px, &cfg, ranges);
        if (!font || cjk.path.empty()) return font;
        ImFontConfig merge;
        merge.MergeMode = true;
        merge.OversampleH = 1;
        merge.OversampleV = 1;
        merge.PixelSnapH = true;
        const bool use_bold = is_bold && !cjk.bold_path.empty();
        merge.FontNo = use_bold ? cjk.bold : monospaced ? cjk.mono : cjk.sans;
        io.Fonts->AddFontFromFileTTF(use_bold ? cjk.bold_path.c_str() : cjk.path.c_str(), px, &merge, ranges);
        return font;
    };
    if (!sans.empty() && !mono.empty()) {
        const std::string& b = bold.empty() ? sans : bold;
        f.ui = add(sans, size_px, false, false);
        f.mono = add(mono, size_px - 1.0f, true, false);
        f.big = add(sans, std::round(size_px * 1.22f), false, false);
        f.bold = add(b, size_px, false, true);
        f.question = add(b, std::round(size_px * 1.45f), false, true);
        f.truetype = f.ui && f.mono && f.big && f.bold && f.question;
        f.cjk = !cjk.path.empty();
    }
    if (!f.truetype) {
        io.Fonts->Clear();
        ImFontConfig c;
        c.SizePixels = 13.0f;
        f.ui = f.mono = f.bold = io.Fonts->AddFontDefault(&c);
        f.big = f.question = f.ui;
        f.cjk = false;
    }
    io.Fonts->Build();
    return f;
}

Icons resolve_icons(const Fonts& fonts) {
    Icons icons;
    if (!fonts.truetype) return icons;
    auto has = [&](ImWchar c) { return fonts.ui->FindGlyphNoFallback(c) != nullptr; };
    if (has(0x25B6)) icons.play = "\u25B6";
    if (has(0x2016)) icons.pause = "\u2016";
    if (has(0x25C0)) icons.back = "\u25C0";
    if (has(0x25B6)) icons.forward = "\u25B6";
    if (has(0x25C0) && has(0x2502)) icons.reset = "\u2502\u25C0";
    if (has(0x25B6) && has(0x2502)) icons.to_end = "\u25B6\u2502";
    if (has(0x2714)) icons.pass = "\u2714";
    if (has(0x2718)) icons.fail = "\u2718";
    if (has(0x2022)) icons.pending = "\u2022";
    if (has(0x2192)) icons.arrow = "\u2192";
    if (has(0x21C4)) icons.link = "\u21C4";
    return icons;
}

}  // namespace pagelab::ui
