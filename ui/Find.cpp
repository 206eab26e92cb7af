// The go-to box and the Events panel's filter (ui/Find.h).
#include "Find.h"

#include <algorithm>
#include <variant>

#include <fmt/format.h>

#include <GLFW/glfw3.h>

#include "App.h"

#include <imgui_stdlib.h>
#include "i18n/I18n.h"
#include "sim/Find.h"
#include "widgets/Widgets.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;

namespace {

// The process an address goes to: the one the text names, else the selected one if it has an
// address space there, else the first that does.
const sim::AddressAt* pick_address(App& app, const sim::Located& where) {
    for (const sim::AddressAt& a : where.addresses)
        if (a.space == app.state().space) return &a;
    return where.addresses.empty() ? nullptr : &where.addresses.front();
}

void jump_to_address(App& app, const sim::Located& where) {
    UiState& st = app.state();
    const sim::AddressAt* a = pick_address(app, where);
    if (!a) return;
    const uint32_t va = where.target.value;
    app.select_page(a->space, va);
    st.region_focus.reset();
    if (a->region_known && a->region.state != mm::mem::kFree) st.region_focus = {a->space, a->region.allocation_base};
    ++st.story_moves;  // panels scroll to the new selection once
    // The strip zooms to 64 pages around the address.
    if (st.strip.width_px > 0) {
        const double lo = std::max(0.0, double(va & ~0xFFFu) - 32.0 * 4096), hi = std::min(4294967296.0, lo + 64.0 * 4096);
        st.strip.show_range(lo, hi, st.strip.width_px);
    }
    st.pinned = true;  // the selection stays until the user moves it
    app.raise(PanelId::PageTables);
}

}  // namespace

bool go_to(App& app, const std::string& text) {
    UiState& st = app.state();
    if (!app.has_session()) return false;
    const sim::Session& s = app.session();
    auto parsed = sim::parse_goto(s, text, s.cursor());
    if (auto* error = std::get_if<std::string>(&parsed)) {
        st.goto_result = *error;
        st.goto_failed = true;
        return false;
    }
    const sim::GotoTarget& target = std::get<sim::GotoTarget>(parsed);
    const sim::Located where = sim::resolve_location(s, target);
    st.goto_result = where.summary;
    st.goto_failed = false;
    switch (target.kind) {
        case sim::TargetKind::Address:
            if (where.addresses.empty()) {
                st.goto_failed = true;
                return false;
            }
            jump_to_address(app, where);
            break;
        case sim::TargetKind::Frame:
            if (!app.mm().frame_exists(target.value)) {
                st.goto_result = i18n::trfn("frame 0x{frame:X}: the machine has {count} frame", "frame 0x{frame:X}: the machine has {count} frames", app.mm().pfn().size(),
                                     "frame"_a = target.value, "count"_a = app.mm().pfn().size());
                st.goto_failed = true;
                return false;
            }
            app.open_frame(target.value);
            st.pinned = true;
            app.raise(PanelId::Physical);
            break;
        case sim::TargetKind::Slot:
            if (target.value < 1 || target.value > app.mm().pagefile().capacity()) {
                st.goto_result = trf("slot {slot}: the pagefile has slots 1 to {last}", "slot"_a = target.value, "last"_a = app.mm().pagefile().capacity());
                st.goto_failed = true;
                return false;
            }
            st.slot_focus = target.value;
            st.pinned = true;
            app.raise(PanelId::Pagefile);
            break;
    }
    st.status = trf("go to: {result}", "result"_a = st.goto_result);
    return true;
}

void draw_goto_box(App& app) {
    UiState& st = app.state();
    if (st.open_goto && app.has_session()) {
        ImGui::OpenPopup("Go to");
        st.goto_result.clear();
    }
    const bool opening = st.open_goto;
    st.open_goto = false;
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(size.x * 0.5f, size.y * 0.25f), ImGuiCond_Appearing, ImVec2(0.5f, 0.0f));
    if (!ImGui::BeginPopup("Go to")) return;
    ImGui::TextUnformatted(tr("Go to"));
    ImGui::SameLine();
    help_marker(tr("00401000 or 0x00401000: a virtual address (hex)\nbuf, buf+0x1000, B:buf: a name the lesson binds (in process B)\n"
                   "pfn 0x12 or frame 12: a physical frame (hex)\nslot 3: a pagefile slot"));
    if (opening) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
    const bool enter = ImGui::InputText("##goto", &st.goto_text, ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
    app.probe().last_item("goto.input");
    if (enter) {
        if (go_to(app, st.goto_text)) ImGui::CloseCurrentPopup();
        else ImGui::SetKeyboardFocusHere(-1);
    }
    if (!st.goto_result.empty()) {
        if (st.goto_failed) text_coloured(app.colours().fail, st.goto_result);
        else ImGui::TextDisabled("%s", st.goto_result.c_str());
    }
    app.probe().value("goto.result", st.goto_result);
    if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

// ------------------------------------------------------------------------------------------------
// The Events panel's filter

namespace {

// The matches of the typed filter over the whole run, kept while the text and the lesson stay.
struct FilterCache {
    const sim::Session* session = nullptr;
    size_t events = 0;
    std::string text;
    std::optional<sim::EventFilter> filter;
    std::string error;
    std::vector<size_t> matches;
    bool truncated = false;
};
constexpr size_t kMaxListed = 5000;

FilterCache& cache_for(App& app) {
    static FilterCache cache;
    const sim::Session& s = app.session();
    const std::string& text = app.state().event_filter;
    if (cache.session == &s && cache.events == s.event_count() && cache.text == text) return cache;
    cache = FilterCache{&s, s.event_count(), text, std::nullopt, {}, {}, false};
    if (text.find_first_not_of(' ') == std::string::npos) return cache;
    auto parsed = sim::parse_event_filter(text);
    if (auto* e = std::get_if<std::string>(&parsed)) {
        cache.error = *e;
        return cache;
    }
    cache.filter = std::get<sim::EventFilter>(parsed);
    cache.matches = sim::matching_events(s, *cache.filter, 0, s.event_count(), kMaxListed + 1);
    cache.truncated = cache.matches.size() > kMaxListed;
    if (cache.truncated) cache.matches.resize(kMaxListed);
    return cache;
}

void jump(App& app, std::optional<size_t> e) {
    if (!e) {
        app.state().status = tr("no other event matches the filter");
        return;
    }
    app.set_running(false);
    app.seek_event(*e + 1);
}

}  // namespace

void filter_like_event(App& app, size_t e) {
    app.state().event_filter = sim::filter_text(sim::filter_like(app.session(), e));
}

std::optional<std::vector<size_t>> draw_event_filter(App& app) {
    UiState& st = app.state();
    const sim::Session& s = app.session();
    const float button = ImGui::GetFrameHeight() * 1.6f;
    // The box takes what the two arrows and the Break button (its translated label) leave.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float break_w = ImGui::CalcTextSize(tr("Break")).x + 2 * style.FramePadding.x;
    const float box = std::max(80.0f, ImGui::GetContentRegionAvail().x - button * 2 - break_w - 3 * style.ItemSpacing.x - 1);
    ImGui::SetNextItemWidth(box);
    // The longest hint that fits the box (a hint cut in the middle of a word reads as a typo).
    const char* hint = tr("filter");
    for (const char* h : {tr("filter: kind:fault process:A range:10000-1FFFF words"), tr("filter: kind:fault process:A")})
        if (ImGui::CalcTextSize(h).x <= box - 2 * ImGui::GetStyle().FramePadding.x) {
            hint = h;
            break;
        }
    ImGui::InputTextWithHint("##filter", hint, &st.event_filter);
    app.probe().last_item("events.filter");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("kind:NAME[,NAME] (page-fault, demand-zero, soft, cow, fault, page-out, page-in, trim, region, file, "
                                   "mapping...)\nprocess:P   range:LO-HI (hex)   at:VA   frame:N   slot:N   other words: in the sentence"));
    FilterCache& c = cache_for(app);
    const size_t here = s.cursor() == 0 ? sim::kNoEvent : s.cursor() - 1;
    ImGui::BeginDisabled(!c.filter);
    ImGui::SameLine();
    if (ImGui::Button("<##prev", ImVec2(button, 0))) jump(app, sim::next_match(s, *c.filter, here == sim::kNoEvent ? 0 : here, sim::Direction::Backward));
    app.probe().last_item("events.prev");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tr("The previous matching event"));
    ImGui::SameLine();
    if (ImGui::Button(">##next", ImVec2(button, 0))) jump(app, sim::next_match(s, *c.filter, here, sim::Direction::Forward));
    app.probe().last_item("events.next");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tr("The next matching event"));
    ImGui::SameLine();
    if (ImGui::Button((std::string(tr("Break")) + "##break").c_str(), ImVec2(0, 0))) {
        sim::Breakpoint b;
        b.kind = sim::BreakKind::Filter;
        b.filter = sim::filter_text(*c.filter);
        st.breakpoints.push_back(b);
        st.status = trf("breakpoint: {breakpoint}", "breakpoint"_a = sim::describe(b));
    }
    app.probe().last_item("events.break");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tr("A breakpoint on this filter (Run to breakpoint stops after a match)"));
    ImGui::EndDisabled();
    if (!c.error.empty()) {
        text_coloured(app.colours().fail, c.error);
        app.probe().value("events.filter_error", c.error);
        return std::nullopt;
    }
    if (!c.filter) return std::nullopt;
    ImGui::TextDisabled("%s", (c.truncated ? i18n::trfn("{count}+ event matches in the whole run (the first shown)",
                                                        "{count}+ events match in the whole run (the first shown)", c.matches.size(),
                                                        "count"_a = c.matches.size())
                                           : i18n::trfn("{count} event matches in the whole run", "{count} events match in the whole run",
                                                        c.matches.size(), "count"_a = c.matches.size()))
                                  .c_str());
    app.probe().value("events.matches", std::to_string(c.matches.size()));
    return c.matches;
}

}  // namespace pagelab::ui
