// Physical memory: every frame as one texel of a zoomable map, coloured by use, by owner or by
// list; frames the current step touched are outlined. Clicking a frame opens its window (hex
// content, PFN entry, every PTE that maps it).
#include "App.h"
#include "panels/Panels.h"
#include "widgets/TextureMap.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

ImU32 dim(ImU32 c) {
    const uint32_t r = (c & 0xFF) / 2, g = ((c >> 8) & 0xFF) / 2, b = ((c >> 16) & 0xFF) / 2;
    return IM_COL32(r + 20, g + 20, b + 20, 255);
}

int state_index(mm::FrameState s) {
    switch (s) {
        case mm::FrameState::Free: return int(mm::FrameList::Free);
        case mm::FrameState::Zeroed: return int(mm::FrameList::Zeroed);
        case mm::FrameState::Standby: return int(mm::FrameList::Standby);
        case mm::FrameState::Modified: return int(mm::FrameList::Modified);
        case mm::FrameState::Active: return int(mm::FrameList::Active);
    }
    return 0;
}

const char* use_short(mm::FrameUse u) {
    switch (u) {
        case mm::FrameUse::PageDirectory: return "PD";
        case mm::FrameUse::PageTable: return "PT";
        case mm::FrameUse::Private: return "priv";
        case mm::FrameUse::Image: return "img";
        case mm::FrameUse::File: return "file";
        case mm::FrameUse::PagefileSection: return "pf";
        case mm::FrameUse::System: return "sys";
        case mm::FrameUse::None: return "";
    }
    return "";
}

}  // namespace

ImU32 frame_colour(App& app, unsigned f) {
    const Palette& pal = app.colours();
    const mm::PfnEntry& e = app.mm().pfn()[f];
    switch (app.state().frame_colouring) {
        case FrameColouring::Use: {
            const ImU32 c = pal.frame[int(classify_frame(e))];
            return frame_in_transition(e) ? dim(c) : c;
        }
        case FrameColouring::Owner:
            if (classify_frame(e) == FrameClass::Free) return pal.frame[int(FrameClass::Free)];
            return frame_in_transition(e) ? dim(owner_colour(e.owner, app.state().high_contrast)) : owner_colour(e.owner, app.state().high_contrast);
        case FrameColouring::List: return pal.list[size_t(state_index(e.state))];
    }
    return 0;
}

void frame_tooltip(App& app, unsigned f) {
    const mm::PfnEntry& e = app.mm().pfn()[f];
    ImGui::BeginTooltip();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(trf("Frame 0x{frame:X}", "frame"_a = f).c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("pa %08X", f << 12);
    ImGui::Text("%s, %s%s", tr(mm::frame_state_name(e.state)), tr(mm::frame_use_name(e.use)),
                e.owner == mm::kNoSpace ? "" : (", " + app.machine().space_name(e.owner)).c_str());
    ImGui::TextUnformatted(((e.flags & mm::PfnEntry::kModified) ? trf("share count {count}, modified", "count"_a = e.share_count)
                                                                : trf("share count {count}", "count"_a = e.share_count))
                               .c_str());
    const auto maps = app.derived().mappers_of(f);
    auto line = [](const std::string& text) { ImGui::TextUnformatted(text.c_str()); };
    size_t shown = 0;
    for (const Mapping& mp : maps) {
        if (shown++ == 6) {
            ImGui::TextDisabled("%s", trf("... {count} more", "count"_a = maps.size() - 6).c_str());
            break;
        }
        const std::string who = app.machine().space_name(mp.space);
        switch (mp.kind) {
            case Mapping::Kind::Pte: line(trf("mapped by {process} at {va:08X}", "process"_a = who, "va"_a = mp.va)); break;
            case Mapping::Kind::TransitionPte: line(trf("in transition for {process} {va:08X}", "process"_a = who, "va"_a = mp.va)); break;
            case Mapping::Kind::Pde: line(trf("page table of {process} for {va:08X}", "process"_a = who, "va"_a = mp.va)); break;
            case Mapping::Kind::Directory: line(trf("page directory of {process}", "process"_a = who)); break;
            case Mapping::Kind::Prototype:
                if (mm::MemoryManager::is_data_proto(mp.va))
                    line(trf("prototype PTE of page {page} of {section}", "page"_a = mm::MemoryManager::data_proto_page(mp.va),
                             "section"_a = data_section_name(app, mm::MemoryManager::data_proto_section(mp.va))));
                else
                    line(trf("prototype PTE #{index} of a section", "index"_a = mp.va));
                break;
        }
    }
    ImGui::TextDisabled("%s", tr("click: open the frame (hex, PFN entry, who maps it)"));
    ImGui::EndTooltip();
}

namespace {

// The choice of what the frames' colours say: their use, their owner or their list.
void colouring_choice(App& app) {
    UiState& st = app.state();
    int mode = int(st.frame_colouring);
    const ImGuiStyle& style = ImGui::GetStyle();
    const float radio = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x;
    const float w = ImGui::CalcTextSize(tr("Colour by")).x + 3 * radio + ImGui::CalcTextSize((std::string(tr("use")) + tr("owner") + tr("list")).c_str()).x + 4 * style.ItemSpacing.x;
    const bool in_tab_row = app.begin_tab_row(w);
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", tr("Colour by"));
    // Each choice on the same line where it fits (Russian labels are longer), else on the next.
    auto next = [&](const char* label) {
        ImGui::SameLine();
        if (!in_tab_row && ImGui::GetContentRegionAvail().x < radio + ImGui::CalcTextSize(label).x) ImGui::NewLine();
    };
    next(tr("use"));
    ImGui::RadioButton(tr("use"), &mode, 0);
    next(tr("owner"));
    ImGui::RadioButton(tr("owner"), &mode, 1);
    next(tr("list"));
    ImGui::RadioButton(tr("list"), &mode, 2);
    if (in_tab_row) app.end_tab_row();
    st.frame_colouring = FrameColouring(mode);

}

// The legend of the chosen colouring, with counts in "use" mode.
void frame_legend(App& app, uint32_t n) {
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const Derived& d = app.derived();
    std::vector<LegendItem> items;
    if (st.frame_colouring == FrameColouring::Use) {
        const auto& count = d.frame_class_counts();
        for (int c = 0; c < kFrameClassCount; ++c) {
            if (count[size_t(c)] == 0 && c != int(FrameClass::Free)) continue;
            items.push_back({pal.frame[size_t(c)], fmt::format("{} {}", frame_class_name(FrameClass(c)), count[size_t(c)]),
                             frame_class_help(FrameClass(c))});
        }
        items.push_back({dim(pal.frame[int(FrameClass::Private)]), tr("dimmed: standby/modified"),
                         tr("Trimmed pages: the frame still holds the page and its PTE is in transition.")});
    } else if (st.frame_colouring == FrameColouring::Owner) {
        for (const os::Process& p : app.machine().processes()) items.push_back({owner_colour(p.space, st.high_contrast), p.name, ""});
        items.push_back({owner_colour(mm::kNoSpace, st.high_contrast), tr("shared / system"), ""});
        items.push_back({pal.frame[int(FrameClass::Free)], tr("free"), ""});
    } else {
        const char* names[] = {N_("free"), N_("zeroed"), N_("standby"), N_("modified"), N_("active")};
        for (int l = 0; l < 5; ++l) items.push_back({pal.list[size_t(l)], tr(names[l]), ""});
    }
    items.push_back({pal.changed, tr("changed now"), tr("Frames whose bytes or database entry the current step changed."), true});
    if (n <= 4096) items.push_back({0, tr("×N: shared by N PTEs"), tr("The frame's share count, when more than one PTE maps it.")});
    if (st.frame) items.push_back({pal.selected, tr("selected"), "", true});
    legend(items);

}

// Every frame's colour at once (a map of a million frames).
void fill_frames(App& app, ImU32* out, uint32_t n) {
    const UiState& st = app.state();
    const Palette& pal = app.colours();
    const mm::PfnDatabase& pfn = app.mm().pfn();
    // The colour depends on a few small fields: look it up per (state, use, owner) instead of
    // deciding it a million times.
    std::array<ImU32, 5 * 8> by_state_use{};
    for (int sidx = 0; sidx < 5; ++sidx)
        for (int u = 0; u < 8; ++u) {
            mm::PfnEntry probe;
            probe.state = mm::FrameState(sidx);
            probe.use = mm::FrameUse(u);
            const ImU32 c = pal.frame[int(classify_frame(probe))];
            by_state_use[size_t(sidx * 8 + u)] =
                st.frame_colouring == FrameColouring::List ? pal.list[size_t(state_index(probe.state))]
                                                          : (frame_in_transition(probe) ? dim(c) : c);
        }
    std::vector<ImU32> owners;
    for (uint32_t f = 0; f < n; ++f) {
        const mm::PfnEntry& e = pfn[f];
        if (int(e.state) >= 5 || int(e.use) >= 8) {
            out[f] = frame_colour(app, f);  // a state or use newer than this table
            continue;
        }
        if (st.frame_colouring != FrameColouring::Owner || classify_frame(e) == FrameClass::Free) {
            out[f] = by_state_use[size_t(int(e.state) * 8 + int(e.use))];
            continue;
        }
        const size_t o = e.owner == mm::kNoSpace ? 0 : size_t(e.owner) + 1;
        if (o >= owners.size()) owners.resize(o + 1, 0);
        if (!owners[o]) owners[o] = owner_colour(e.owner, st.high_contrast);
        out[f] = frame_in_transition(e) ? dim(owners[o]) : owners[o];
    }
}

// The selected frame's line with its Open button, or how to use the map.
void selected_line(App& app, uint32_t n) {
    const UiState& st = app.state();
    const mm::PfnDatabase& pfn = app.mm().pfn();
    if (st.frame && *st.frame < n) {
        const mm::PfnEntry& e = pfn[*st.frame];
        // The button first, then the frame's line, wrapped: a long translation never pushes the
        // button out of the panel.
        if (ImGui::SmallButton(tr("Open"))) app.open_frame(*st.frame);
        ImGui::SameLine();
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", trf("Selected: frame 0x{frame:X}, {state}, {use}", "frame"_a = *st.frame, "state"_a = tr(mm::frame_state_name(e.state)),
                                      "use"_a = tr(mm::frame_use_name(e.use))).c_str());
        ImGui::PopTextWrapPos();
    } else if (n > 4096) {
        ImGui::TextDisabled("%s", tr("Wheel: zoom, drag: pan, click: open a frame."));
    }
}

}  // namespace

void draw_physical_panel(App& app) {
    const PanelScope panel(app, PanelId::Physical);
    if (!panel) return;
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const mm::MemoryManager& m = app.mm();
    const mm::PfnDatabase& pfn = m.pfn();
    const Derived& d = app.derived();
    const uint32_t n = pfn.size();

    ImGui::TextUnformatted(trfn("{count} frame", "{count} frames", n, "count"_a = n).c_str());
    const std::string lists = trf("free {free}, zeroed {zeroed}, standby {standby}, modified {modified}, active {active}",
                                  "free"_a = pfn.list(mm::FrameList::Free).count, "zeroed"_a = pfn.list(mm::FrameList::Zeroed).count,
                                  "standby"_a = pfn.list(mm::FrameList::Standby).count, "modified"_a = pfn.list(mm::FrameList::Modified).count,
                                  "active"_a = pfn.list(mm::FrameList::Active).count);
    // Its own line, wrapped: the lists' counts are long in Russian and with a million frames.
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(lists);
    ImGui::PopStyleColor();
    colouring_choice(app);
    frame_legend(app, n);

    TextureMapSpec spec;
    spec.count = n;
    const float footer = ImGui::GetTextLineHeightWithSpacing() * 1.2f;
    spec.size = ImVec2(ImGui::GetContentRegionAvail().x, std::max(40.0f, ImGui::GetContentRegionAvail().y - footer));
    spec.max_cell = ImGui::GetFontSize() * 4.2f;
    // Refilled when a frame's state, use or owner changed: only those frames, when Derived knows them.
    const MapDelta& delta = d.frames_delta();
    set_versions(spec, d.frames_version(), hash_key({uint64_t(st.frame_colouring), uint64_t(st.high_contrast)}), delta.from, delta.known,
                 delta.cells);
    spec.verify = app.probe().verify_textures();
    spec.colour = [&](uint32_t f) { return frame_colour(app, f); };
    spec.fill = [&](ImU32* out) {
        fill_frames(app, out, n);
    };
    // The frame number as "#0A" (every cell with as many digits as the last frame's), so that
    // frame 0xA above "img" does not read as the owner A; the use, the owner and the share count
    // on the line below ("img A ×2"), where they never cover the number.
    const int digits = std::max(2, int(fmt::format("{:X}", n > 0 ? n - 1 : 0).size()));
    spec.label = [digits](uint32_t f) { return fmt::format("#{:0{}X}", f, digits); };
    spec.badge = [&](uint32_t f) {
        const mm::PfnEntry& e = pfn[f];
        if (classify_frame(e) == FrameClass::Free) return std::string();
        std::string b = use_short(e.use);
        if (e.owner != mm::kNoSpace) b += " " + app.machine().space_name(e.owner);
        if (e.share_count >= 2 && e.use != mm::FrameUse::PageTable) b += fmt::format(" \u00D7{}", e.share_count);
        return b;
    };
    for (uint32_t f : d.changes().frames)
        if (f < n) spec.changed.push_back(f);
    spec.selected = st.frame;
    spec.changed_colour = pal.changed;
    spec.background = pal.grid_bg;
    const TextureMapResult r = texture_map("##frames", app.texture(TextureId::Frames), st.frame_map, spec);
    app.probe().rect("frames.map", r.rect);
    probe_update(app.probe(), "frames", r);
    app.probe().value("frames.shape", fmt::format("{}x{}", r.cols, r.rows));
    app.probe().value("frames.pitch", fmt::format("{}", r.pitch));
    app.probe().value("frames.origin", fmt::format("{},{}", r.origin.x, r.origin.y));
    mark_frame_differences(app, r, n);  // against moment A (ui/Moments.cpp)
    if (r.hovered) frame_tooltip(app, *r.hovered);
    if (r.clicked) app.open_frame(*r.clicked);
    selected_line(app, n);
}

}  // namespace pagelab::ui
