#include "Moments.h"

#include <algorithm>
#include <chrono>
#include <sstream>

#include <fmt/format.h>

#include "App.h"
#include "widgets/TextureMap.h"
#include "i18n/I18n.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;

namespace {

using Row = CompareRow;

// Marks of "differs from A": one colour the changed-now magenta and the selection's white are not.
ImU32 differs_colour() { return IM_COL32(0, 200, 255, 255); }

void section(std::vector<Row>& rows, std::string text) { rows.push_back({Row::Kind::Section, mm::kNoSpace, 0, {}, std::move(text), {}, {}}); }

void space_rows(const sim::Session& s, const sim::Diff& d, uint16_t sp, std::vector<Row>& rows) {
    const mm::MemoryManager& m = s.machine().mm();
    section(rows, sp == mm::kNoSpace ? std::string(tr("Shared page tables (the same entries in every process)"))
                                     : trf("Process {process}", "process"_a = sim::space_label(s, sp)));
    for (const sim::RegionChange& r : d.regions) {
        if (r.space != sp) continue;
        rows.push_back({Row::Kind::Region, sp, r.base, {}, fmt::format("{:08X} {:>8}", r.base, sim::size_words(r.size)),
                        sim::page_facts_text(r.before), sim::page_facts_text(r.after)});
    }
    for (const sim::EntryChange& e : d.entries) {
        if (e.space != sp) continue;
        const std::string what = e.level == sim::EntryLevel::Pde ? fmt::format("PDE {:03X} ({:08X})", e.va >> 22, e.va)
                                                                 : fmt::format("PTE {:08X}", e.va);
        rows.push_back({Row::Kind::Entry, sp, e.va, e.level, what, sim::entry_text(m, e.level, e.before), sim::entry_text(m, e.level, e.after)});
    }
}

// A heading of `pagelab diff`'s object part (sim/DiffText.cpp, English like the rest of its
// output) in the window's language.
std::string diff_heading(const std::string& english) {
    static const char* const headings[] = {N_("Processes"), N_("File mapping objects"), N_("Data sections (control areas)"),
                                           N_("Image sections"), N_("Handles")};
    for (const char* h : headings)
        if (english == h) return i18n::tr(h);
    return english;
}

// The object lines as `pagelab diff` prints them (processes, mappings, sections, handles).
void object_rows(const sim::Session& s, const sim::Diff& d, std::vector<Row>& rows) {
    sim::Diff objects;
    objects.from = d.from;
    objects.to = d.to;
    objects.processes = d.processes;
    objects.mappings = d.mappings;
    objects.data_sections = d.data_sections;
    objects.image_sections = d.image_sections;
    objects.handles = d.handles;
    if (objects.empty()) return;
    std::ostringstream text;
    sim::write_diff_text(s, objects, text);
    std::istringstream in(text.str());
    std::string line;
    int header_lines = 3;  // "Diff of ...", from, to
    while (std::getline(in, line)) {
        if (header_lines-- > 0 || line.empty()) continue;
        if (line[0] != ' ') {
            section(rows, diff_heading(line.back() == ':' ? line.substr(0, line.size() - 1) : line));
            continue;
        }
        // "  #0   [data section 1 ...] -> none": the item, then A -> B.
        line = line.substr(2);
        const size_t arrow = line.find(" -> ");
        const size_t gap = line.find_first_of(" :");
        if (arrow == std::string::npos || gap == std::string::npos || gap > arrow) {
            rows.push_back({Row::Kind::Object, mm::kNoSpace, 0, {}, line, {}, {}});
            continue;
        }
        const size_t a_start = line.find_first_not_of(" :", gap);
        rows.push_back({Row::Kind::Object, mm::kNoSpace, 0, {}, line.substr(0, gap), line.substr(a_start, arrow - a_start), line.substr(arrow + 4)});
    }
}

std::vector<Row> build_rows(const sim::Session& s, const sim::Diff& d) {
    std::vector<Row> rows;
    std::vector<uint16_t> spaces;
    for (const auto& r : d.regions) spaces.push_back(r.space);
    for (const auto& e : d.entries) spaces.push_back(e.space);
    std::sort(spaces.begin(), spaces.end());  // kNoSpace (the shared tables) sorts last
    spaces.erase(std::unique(spaces.begin(), spaces.end()), spaces.end());
    for (uint16_t sp : spaces) space_rows(s, d, sp, rows);
    if (!d.frames.empty()) section(rows, trf("Frames ({count})", "count"_a = d.frames.size()));
    for (const sim::FrameChange& f : d.frames) {
        rows.push_back({Row::Kind::Frame, mm::kNoSpace, f.frame, {}, trf("frame 0x{frame:X}", "frame"_a = f.frame), sim::frame_facts_text(s, f.before),
                        fmt::format("{}{}", f.before == f.after ? tr("the same; ") : "", sim::frame_facts_text(s, f.after)) +
                            (f.bytes_written ? tr("; bytes written") : "")});
    }
    if (!d.slots.empty()) section(rows, trf("Pagefile slots ({count})", "count"_a = d.slots.size()));
    for (const sim::SlotChange& c : d.slots)
        rows.push_back({Row::Kind::Slot, mm::kNoSpace, c.slot, {}, trf("slot {slot}", "slot"_a = c.slot), c.before ? tr("in use") : tr("free"),
                        fmt::format("{}{}", c.after ? tr("in use") : tr("free"), c.written ? tr(", written") : "")});
    object_rows(s, d, rows);
    if (!d.counters.empty()) section(rows, tr("Counters"));
    for (const sim::CounterChange& c : d.counters)
        rows.push_back({Row::Kind::Counter, mm::kNoSpace, 0, {}, c.name, std::to_string(c.before), std::to_string(c.after)});
    return rows;
}

}  // namespace

void MomentCompare::pin(size_t cursor) {
    m_pinned = cursor;
    selected.reset();
    ++m_generation;
}

void MomentCompare::clear() {
    m_pinned.reset();
    selected.reset();
    m_session = nullptr;
    ++m_generation;
}

void MomentCompare::refresh(const sim::Session& s) {
    if (!m_pinned) return;
    if (m_session == &s && m_built_generation == m_generation && m_built_cursor == s.cursor()) return;
    if (*m_pinned > s.event_count()) m_pinned = s.event_count();
    const auto t0 = std::chrono::steady_clock::now();
    m_diff = sim::diff_moments(s, *m_pinned, s.cursor());
    m_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    m_rows = build_rows(s, m_diff);
    m_pages.clear();
    m_frames.clear();
    for (const sim::FrameChange& f : m_diff.frames) m_frames.push_back(f.frame);
    if (m_session != &s || m_built_generation != m_generation) selected.reset();
    m_session = &s;
    m_built_generation = m_generation;
    m_built_cursor = s.cursor();
}

const sim::Diff* MomentCompare::diff(const sim::Session& s) {
    refresh(s);
    return m_pinned ? &m_diff : nullptr;
}

const std::vector<CompareRow>& MomentCompare::rows(const sim::Session& s) {
    static const std::vector<CompareRow> none;
    refresh(s);
    return m_pinned ? m_rows : none;
}

const std::vector<std::pair<uint32_t, uint32_t>>& MomentCompare::pages(const sim::Session& s, uint16_t space) {
    static const std::vector<std::pair<uint32_t, uint32_t>> none;
    refresh(s);
    if (!m_pinned) return none;
    auto it = m_pages.find(space);
    if (it == m_pages.end()) it = m_pages.emplace(space, sim::changed_pages(m_diff, space)).first;
    return it->second;
}

const std::vector<uint32_t>& MomentCompare::frames(const sim::Session& s) {
    static const std::vector<uint32_t> none;
    refresh(s);
    return m_pinned ? m_frames : none;
}

void toggle_moment_a(App& app) {
    if (!app.has_session()) return;
    MomentCompare& c = app.moments();
    const size_t cursor = app.session().cursor();
    if (c.pinned() == cursor) {
        c.clear();
        app.state().status = tr("moment A unpinned");
        return;
    }
    c.pin(cursor);
    app.state().status = trf("moment A: {moment}", "moment"_a = sim::describe_moment(app.session(), cursor));
    app.state().show[size_t(PanelId::Moments)] = true;
    app.raise(PanelId::Moments);
}

void select_compare_row(App& app, const CompareRow& row) {
    UiState& st = app.state();
    switch (row.kind) {
        case CompareRow::Kind::Region:
        case CompareRow::Kind::Entry: {
            // Shared page tables: the entry as the selected process (or the first one alive) sees it.
            uint16_t space = row.space;
            if (space == mm::kNoSpace) space = app.alive(st.space) ? st.space : mm::kNoSpace;
            if (space == mm::kNoSpace)
                for (const os::Process& p : app.machine().processes())
                    if (app.alive(p.space)) {
                        space = p.space;
                        break;
                    }
            if (!app.alive(space)) {
                st.status = tr("that process does not exist at this moment");
                return;
            }
            if (row.kind == CompareRow::Kind::Entry && row.level == sim::EntryLevel::Pde) {
                app.select_space(space);
                app.select_pde(row.value >> 22);
            } else {
                app.select_page(space, row.value);
            }
            return;  // the strip, the decoder and the walk show it beside the list
        }
        case CompareRow::Kind::Frame:
            st.frame = row.value;
            app.raise(PanelId::Physical);
            return;
        case CompareRow::Kind::Slot:
            st.slot_focus = row.value;
            app.raise(PanelId::Pagefile);
            return;
        case CompareRow::Kind::Object: app.raise(PanelId::Objects); return;
        case CompareRow::Kind::Counter: app.raise(PanelId::Counters); return;
        case CompareRow::Kind::Section: return;
    }
}

void mark_strip_differences(App& app, uint16_t space, const std::function<double(double)>& address_px, ImVec2 p0, ImVec2 size) {
    if (!app.moments().pinned()) return;
    const auto& runs = app.moments().pages(app.session(), space);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float y = p0.y + size.y + 1;
    for (const auto& [first, end] : runs) {
        const double x0 = address_px(double(first) * 4096.0), x1 = address_px(double(end) * 4096.0);
        if (x1 < 0 || x0 > size.x) continue;
        // At least 3 pixels wide, so a single page of a 4 GB strip still shows.
        const float a = p0.x + float(std::clamp(x0, 0.0, double(size.x))), b = p0.x + float(std::clamp(x1, 0.0, double(size.x)));
        const float mid = (a + b) * 0.5f, half = std::max(1.5f, (b - a) * 0.5f);
        dl->AddRectFilled(ImVec2(mid - half, y), ImVec2(mid + half, y + 4), differs_colour());
    }
    app.probe().value("strip.differs", std::to_string(runs.size()));
}

void mark_frame_differences(App& app, const TextureMapResult& map, uint32_t frames) {
    if (!app.moments().pinned() || map.cols == 0) return;
    const auto& differ = app.moments().frames(app.session());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(map.rect.Min, map.rect.Max, true);
    const float inset = std::max(1.0f, map.pitch * 0.18f);
    for (uint32_t f : differ) {
        if (f >= frames) continue;
        const ImRect r = map.cell_rect(f);
        if (!map.rect.Overlaps(r)) continue;
        dl->AddRect(ImVec2(r.Min.x + inset, r.Min.y + inset), ImVec2(r.Max.x - inset, r.Max.y - inset), differs_colour(), 0, 0,
                    std::max(1.0f, map.pitch * 0.08f));
    }
    dl->PopClipRect();
    app.probe().value("frames.differs", std::to_string(differ.size()));
}

}  // namespace pagelab::ui
