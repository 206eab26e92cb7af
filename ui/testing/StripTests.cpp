// UI tests of the address-space strip (issue 14, item 1), read from the screen: the arenas
// named above it without overlap, 0 / 2 GB / 3 GB / 4 GB under it, every region wide enough to
// see, neighbouring arenas >= 3:1 in luminance in both palettes (read from the back buffer), and
// zooming by double-click, dragged range and wheel, Esc going back.
#include "testing/TestHelpers.h"

#include <cmath>
#include <memory>
#include <vector>

#include <GLFW/glfw3.h>

#include "panels/AddressSpace.h"

namespace pagelab::ui {

namespace {

struct Span {
    std::string name;
    double x0 = 0, x1 = 0;
};
// "a@1-2|b@3-4" as the strip recorded it.
std::vector<Span> spans(const std::string& text) {
    std::vector<Span> out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('|', at);
        if (end == std::string::npos) end = text.size();
        const std::string item = text.substr(at, end - at);
        const size_t a = item.rfind('@'), dash = item.find('-', a + 2);
        if (a != std::string::npos && dash != std::string::npos)
            out.push_back({item.substr(0, a), std::stod(item.substr(a + 1, dash - a - 1)), std::stod(item.substr(dash + 1))});
        at = end + 1;
    }
    return out;
}

double luminance(ImU32 c) {
    auto lin = [](int v) {
        const double x = v / 255.0;
        return x <= 0.04045 ? x / 12.92 : std::pow((x + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(int(c & 0xFF)) + 0.7152 * lin(int((c >> 8) & 0xFF)) + 0.0722 * lin(int((c >> 16) & 0xFF));
}

uint16_t shown_space(App& app) { return app.state().space; }

// The colour on screen of free address space in each arena (a pixel whose columns around it
// hold no region), in the order of the arenas.
std::string arena_pixels(App& app, std::vector<std::pair<std::string, ImU32>>& out) {
    const ImRect* strip = app.probe().find_rect("strip");
    if (!strip) return "the strip was not drawn";
    const UiState& st = app.state();
    const uint16_t space = shown_space(app);
    for (const ArenaSpan& a : arena_spans(app.mm().space(space).personality())) {
        const double x0 = st.strip.to_px(st.strip_scale.to_u(a.lo)), x1 = st.strip.to_px(st.strip_scale.to_u(a.hi));
        std::optional<float> free_x;
        for (double x = std::ceil(x0) + 2; x + 2 < x1 && !free_x; x += 1) {
            bool all_free = true;
            for (double dx : {-1.5, 0.5, 2.5}) {
                const double va = st.strip_scale.to_address(st.strip.to_value(x + dx));
                const mm::Vad* v = va < 4294967296.0 ? app.mm().vad_at(space, uint32_t(va)) : nullptr;
                // win95's compatibility arena is one VAD, drawn in the arena's tint.
                all_free &= va < 4294967296.0 && (!v || v == &mm::MemoryManager::compat_arena());
            }
            if (all_free) free_x = float(x);
        }
        if (!free_x) return fmt::format("no free pixel of {} on the strip", a.labels[0]);
        out.emplace_back(a.labels[0], app.pixel_at(ImVec2(strip->Min.x + *free_x + 0.5f, strip->Min.y + 3)));
    }
    return {};
}

Check arenas_distinct(const std::string& palette) {
    return [palette](App& app) {
        std::vector<std::pair<std::string, ImU32>> px;
        if (auto e = arena_pixels(app, px); !e.empty()) return e;
        for (size_t i = 1; i < px.size(); ++i) {
            double a = luminance(px[i - 1].second), b = luminance(px[i].second);
            if (a < b) std::swap(a, b);
            const double ratio = (a + 0.05) / (b + 0.05);
            if (ratio < 3.0)
                return fmt::format("{}: '{}' (#{:06X}) and '{}' (#{:06X}) differ only {:.2f}:1 in luminance", palette, px[i - 1].first,
                                   px[i - 1].second & 0xFFFFFF, px[i].first, px[i].second & 0xFFFFFF, ratio);
        }
        return std::string();
    };
}

// The arenas named above the strip (the wanted names, in order), no two overlapping, none cut.
Check arenas_named(std::vector<std::vector<std::string>> wanted) {
    return [wanted](App& app) {
        const auto got = spans(probe(app, "strip.arenas"));
        const ImRect* strip = app.probe().find_rect("strip");
        if (!strip) return std::string("the strip was not drawn");
        size_t at = 0;
        for (const auto& names : wanted) {
            while (at < got.size() && std::find(names.begin(), names.end(), got[at].name) == names.end()) ++at;
            if (at == got.size()) return fmt::format("arena '{}' not named on the strip: {}", names[0], probe(app, "strip.arenas"));
            ++at;
        }
        for (size_t i = 0; i < got.size(); ++i) {
            if (got[i].x0 < -0.5 || got[i].x1 > strip->GetWidth() + 0.5)
                return fmt::format("'{}' is cut by the strip's ends ({:.0f}-{:.0f} of {:.0f})", got[i].name, got[i].x0, got[i].x1, strip->GetWidth());
            if (i && got[i].x0 < got[i - 1].x1 + 2) return fmt::format("'{}' overlaps '{}'", got[i].name, got[i - 1].name);
        }
        return std::string();
    };
}

Check scale_marked() {
    return [](App& app) {
        const std::string ticks = "|" + probe(app, "strip.ticks") + "|";
        for (const char* m : {"|0|", "|2 GB|", "|3 GB|", "|4 GB|"})
            if (ticks.find(m) == std::string::npos) return fmt::format("the scale lacks '{}': {}", std::string(m).substr(1, std::string(m).size() - 2), ticks);
        return std::string();
    };
}

Check regions_visible(double min_px) {
    return [min_px](App& app) {
        const auto regions = spans(probe(app, "strip.regions"));
        if (regions.empty()) return std::string("no region drawn on the strip");
        for (const Span& r : regions)
            if (r.x1 - r.x0 < min_px) return fmt::format("region {} is {:.1f} px wide at All 4 GB (want >= {})", r.name, r.x1 - r.x0, min_px);
        return std::string();
    };
}

// The strip's range, in addresses.
std::pair<uint64_t, uint64_t> strip_range(App& app) {
    unsigned long long lo = 0, hi = 0;
    std::sscanf(probe(app, "strip.range").c_str(), "%llx-%llx", &lo, &hi);
    return {lo, hi};
}

void strip_checks(TestDriver& t, std::vector<std::vector<std::string>> arenas, int steps) {
    for (int i = 0; i < steps; ++i) t.key(GLFW_KEY_RIGHT);
    t.mouse_away();
    t.check("the arenas are named above the strip, in order, none cut or overlapping", arenas_named(arenas));
    t.check("0, 2 GB, 3 GB and 4 GB are marked under the strip", scale_marked());
    t.check("every region is at least 5 px wide at All 4 GB", regions_visible(5.0));
    t.check("neighbouring arenas differ >= 3:1 in luminance on screen", arenas_distinct("normal palette"));
    t.act("high contrast", [](App& app) { app.state().high_contrast = true; });
    t.wait(2);
    t.check("... and in high contrast", arenas_distinct("high contrast"));
    t.act("normal palette", [](App& app) { app.state().high_contrast = false; });
    // Zoom: double-click the region of the selected page, Esc back; a dragged range; the wheel.
    auto region = std::make_shared<std::pair<uint32_t, uint32_t>>();
    t.act("remember the selected page's region", [region](App& app) {
        const UiState& st = app.state();
        if (const mm::Vad* v = app.mm().vad_at(st.space, (st.pde_index << 22) | (st.pte_index << 12))) *region = {v->base(), v->size()};
    });
    t.double_click_at("the selected page's region", [region](App& app) -> std::optional<ImVec2> {
        const ImRect* strip = app.probe().find_rect("strip");
        const UiState& st = app.state();
        if (!strip || region->second == 0) return std::nullopt;
        const double mid = double(region->first) + double(region->second) * 0.5;
        return ImVec2(strip->Min.x + float(st.strip.to_px(st.strip_scale.to_u(mid))), strip->Min.y + 4);
    });
    t.mouse_away();
    t.check("double-clicking a region zooms onto it", [region](App& app) {
        const auto [lo, hi] = strip_range(app);
        if (lo > region->first || hi < uint64_t(region->first) + region->second || hi - lo > 64ull * region->second)
            return fmt::format("the strip shows {} for region {:08X} ({} KB)", probe(app, "strip.range"), region->first, region->second / 1024);
        return std::string();
    });
    t.key(GLFW_KEY_ESCAPE);
    t.check("Esc goes back to all 4 GB", [](App& app) { return expect_eq(probe(app, "strip.range"), std::string("00000000-100000000"), "strip range"); });
    t.drag("strip", ImVec2(0.05f, 0.3f), ImVec2(0.35f, 0.3f));
    t.mouse_away();
    t.check("dragging a range zooms onto it", [](App& app) {
        const auto [lo, hi] = strip_range(app);
        const UiState& st = app.state();
        const double want_lo = st.strip_scale.to_address(0.05), want_hi = st.strip_scale.to_address(0.35);
        if (std::abs(double(lo) - want_lo) > (want_hi - want_lo) * 0.05 || std::abs(double(hi) - want_hi) > (want_hi - want_lo) * 0.05)
            return fmt::format("dragged over {:08X}-{:08X}, the strip shows {}", uint64_t(want_lo), uint64_t(want_hi), probe(app, "strip.range"));
        return std::string();
    });
    t.wheel("strip", ImVec2(0.5f, 0.5f), 3.0f);
    t.mouse_away();
    t.check("the wheel zooms further in", [](App& app) {
        const auto [lo, hi] = strip_range(app);
        const double want = app.state().strip_scale.to_address(0.35) - app.state().strip_scale.to_address(0.05);
        return double(hi - lo) < want * 0.9 ? std::string() : fmt::format("still {}", probe(app, "strip.range"));
    });
    t.key(GLFW_KEY_ESCAPE);
    t.key(GLFW_KEY_ESCAPE);
    t.check("Esc twice comes back to all 4 GB", [](App& app) {
        return expect_eq(probe(app, "strip.range"), std::string("00000000-100000000"), "strip range");
    });
}

}  // namespace

// NT (lesson 15 after its first read): user 2 GB and system 2 GB with the two 64 KB partitions.
void strip_nt(TestDriver& t) {
    strip_checks(t, {{"64 KB no access", "64 KB", "64K"}, {"user 2 GB", "user"}, {"64 KB no access", "64 KB", "64K"}, {"system 2 GB", "system"}}, 3);
}

// Windows 95 (lesson 26, A's first read of its .data): the four arenas and the NULL page.
void strip_95(TestDriver& t) {
    strip_checks(t, {{"0-4 MB compatibility", "0-4 MB", "compat"}, {"4 MB-2 GB private", "private"}, {"2-3 GB shared", "shared"},
                     {"3-4 GB system", "system"}},
                 5);
}

}  // namespace pagelab::ui
