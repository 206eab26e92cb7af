// A process's address space: the strip (AddressStrip.cpp) and the VMMap-style region table from
// VirtualQuery.
#include "App.h"
#include "panels/AddressSpace.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {


// VirtualQuery's Protect of memory that is not committed.
std::string protect_text(uint32_t protect) {
    return protect == 0 ? std::string(tr("0 (NT: a reserved page has no protection until it is committed)")) : mm::protection_name(protect);
}

const char* state_name(uint32_t s) {
    // VirtualQuery's State and Type, in the words of VMMap's columns.
    return s == mm::mem::kCommit ? tr("Commit") : s == mm::mem::kReserve ? tr("Reserve") : tr("Free");
}
const char* type_name(uint32_t t) {
    return t == mm::mem::kPrivate ? tr("Private") : t == mm::mem::kMapped ? tr("Mapped") : t == mm::mem::kImage ? tr("Image") : "";
}
std::string size_text(uint64_t bytes) {
    if (bytes % (1ull << 20) == 0 && bytes) return trf("{count} MB", "count"_a = bytes >> 20);
    return trf("{count} KB", "count"_a = (bytes + 1023) / 1024);
}

struct Row {
    mm::MemoryBasicInformation q;
    uint32_t resident = 0;
};

// VirtualQuery's answer for every region of the process, with the resident pages.
std::vector<Row> query_rows(App& app, uint16_t space) {
    const mm::MemoryManager& m = app.mm();
    const mm::AddressSpace& sp = m.space(space);
    const auto& pages = app.derived().page_classes(space);
    std::vector<Row> rows;
    uint64_t va = 0;
    // win95: the shared arena's regions are listed too once there are any (every process sees them).
    const uint64_t end = sp.layout().shared_begin && !m.shared_vads().empty() ? sp.layout().shared_end : sp.layout().user_end;
    while (va < end) {
        mm::MemoryBasicInformation q;
        if (!m.virtual_query(space, uint32_t(va), q).ok || q.region_size == 0) break;
        Row r{q, 0};
        if (q.state != mm::mem::kFree) {
            for (uint32_t v = x86::vpn(q.base_address); v < (q.base_address + q.region_size) >> 12 && v < pages.size(); ++v)
                if (PageClass(pages[v]) == PageClass::Present || PageClass(pages[v]) == PageClass::Transition) ++r.resident;
        }
        rows.push_back(r);
        va = uint64_t(q.base_address) + q.region_size;
    }
    return rows;
}

// VMMap's summary above its region list, from the same VirtualQuery answers: bytes by type
// (VMMap's rows) and by state (Committed, Reserved; Free is its own row), with the resident
// pages and the number of blocks (VirtualQuery regions). Total is every type but Free, as in VMMap.
enum class SummaryType { Total, Image, MappedFile, Shareable, PrivateData, Free, Count_ };
struct SummaryLine {
    uint64_t size = 0, committed = 0, reserved = 0, resident = 0;
    int blocks = 0;
};
using Summary = std::array<SummaryLine, size_t(SummaryType::Count_)>;

const char* summary_type_name(SummaryType t) {
    switch (t) {
        case SummaryType::Total: return tr("Total");
        case SummaryType::Image: return tr("Image");
        case SummaryType::MappedFile: return tr("Mapped File");
        case SummaryType::Shareable: return tr("Shareable");
        case SummaryType::PrivateData: return tr("Private Data");
        case SummaryType::Free: return tr("Free");
        case SummaryType::Count_: break;
    }
    return "";
}

// A view of a pagefile-backed section is VMMap's Shareable; of a file, Mapped File.
SummaryType summary_type(const mm::MemoryManager& m, uint16_t space, const mm::MemoryBasicInformation& q) {
    if (q.state == mm::mem::kFree) return SummaryType::Free;
    if (q.type == mm::mem::kImage) return SummaryType::Image;
    if (q.type != mm::mem::kMapped) return SummaryType::PrivateData;
    const mm::Vad* v = m.vad_at(space, q.base_address);
    const bool pagefile = v && v->type == mm::VadType::Mapped && v->section < m.data_sections().size() &&
                          m.data_sections()[v->section].kind == mm::DataSectionKind::Pagefile;
    return pagefile ? SummaryType::Shareable : SummaryType::MappedFile;
}

Summary summarize(const mm::MemoryManager& m, uint16_t space, const std::vector<Row>& rows) {
    Summary sum{};
    for (const Row& r : rows) {
        const SummaryType t = summary_type(m, space, r.q);
        for (SummaryType into : {t, SummaryType::Total}) {
            if (into == SummaryType::Total && t == SummaryType::Free) continue;
            SummaryLine& l = sum[size_t(into)];
            l.size += r.q.region_size;
            l.committed += r.q.state == mm::mem::kCommit ? r.q.region_size : 0;
            l.reserved += r.q.state == mm::mem::kReserve ? r.q.region_size : 0;
            l.resident += uint64_t(r.resident) << 12;
            ++l.blocks;
        }
    }
    return sum;
}

// "1,234 K", as VMMap writes sizes (blank for nothing, except Size).
std::string kb_text(uint64_t bytes) {
    std::string digits = std::to_string((bytes + 1023) / 1024), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return trf("{count} K", "count"_a = out);
}

float summary_height(const Summary& sum, bool open) {
    if (!open) return 0;  // (the fold is on the legend's line)
    int lines = 1;
    for (size_t t = 0; t < sum.size(); ++t) lines += sum[t].size > 0 || SummaryType(t) == SummaryType::Total;
    return ImGui::GetStyle().ItemSpacing.y + float(lines) * (ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y) + 2;
}

// The summary's fold, on the legend's line (the region table keeps its rows): folded at first;
// its tooltip says the total.
bool summary_header(App& app, const Summary& sum) {
    const SummaryLine& total = sum[size_t(SummaryType::Total)];
    const std::string label = tr("Summary (VMMap)");
    same_line_if_fits(label + "    ");
    ImGui::SetNextItemOpen(false, ImGuiCond_Once);
    const bool open = ImGui::TreeNodeEx("##vmmap-summary-node", ImGuiTreeNodeFlags_NoTreePushOnOpen, "%s", label.c_str());
    app.probe().last_item("summary.header");
    app.probe().value("summary.open", open ? "open" : "folded");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", trf("Summary (VMMap): {size} in use, {committed} committed, {reserved} reserved", "size"_a = kb_text(total.size),
                                    "committed"_a = kb_text(total.committed), "reserved"_a = kb_text(total.reserved)).c_str());
    return open;
}

void summary_table(App& app, const Summary& sum) {
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("##vmmap-summary", 6, flags)) return;
    for (const char* c : {N_("Type"), N_("Size"), N_("Committed"), N_("Reserved"), N_("Resident"), N_("Blocks")})
        ImGui::TableSetupColumn(tr(c));
    table_headers_row();
    for (size_t t = 0; t < sum.size(); ++t) {
        const SummaryLine& l = sum[t];
        if (l.size == 0 && SummaryType(t) != SummaryType::Total) continue;  // (VMMap lists them empty)
        ImGui::TableNextRow();
        const bool free = SummaryType(t) == SummaryType::Free;
        const std::array<std::string, 6> cells = {summary_type_name(SummaryType(t)), kb_text(l.size),
                                                  free || !l.committed ? "" : kb_text(l.committed),
                                                  free || !l.reserved ? "" : kb_text(l.reserved),
                                                  free || !l.resident ? "" : kb_text(l.resident), std::to_string(l.blocks)};
        for (size_t c = 0; c < cells.size(); ++c) {
            ImGui::TableSetColumnIndex(int(c));
            if (c == 0 && SummaryType(t) == SummaryType::Total) ImGui::TextUnformatted(cells[c].c_str());
            else if (c == 0) text_block(cells[c]);  // the type's name shows its glossary entry
            else ImGui::TextUnformatted(cells[c].c_str());
        }
        // For the UI tests: the row as drawn, and its bytes.
        static constexpr std::array<const char*, 6> keys = {"total", "image", "mapped-file", "shareable", "private-data", "free"};
        app.probe().value(std::string("summary.") + keys[t], fmt::format("{} | {} | {} | {} | {} | {}", cells[0], cells[1], cells[2],
                                                                          cells[3], cells[4], cells[5]));
    }
    ImGui::EndTable();
}

// A cell's text; the table's columns fit their content, and a text wider than its column all
// the same is counted (the UI tests fail on it).
struct Cells {
    int clipped = 0;
    void text(const std::string& t, bool dim = false) {
        if (ImGui::CalcTextSize(t.c_str()).x > ImGui::GetContentRegionAvail().x + 0.5f) ++clipped;
        if (dim) ImGui::TextDisabled("%s", t.c_str());
        else ImGui::TextUnformatted(t.c_str());
    }
};

// The row the story is about: the one holding the selected page, else the region's first row.
int focus_row(App& app, uint16_t space, const std::vector<Row>& rows) {
    const UiState& st = app.state();
    auto row_of = [&](uint32_t va) {
        for (size_t i = 0; i < rows.size(); ++i)
            if (va >= rows[i].q.base_address && uint64_t(va) < uint64_t(rows[i].q.base_address) + rows[i].q.region_size) return int(i);
        return -1;
    };
    if (st.entry_selected && st.space == space && st.entry_level == EntryLevel::Pte)
        if (const int i = row_of((st.pde_index << 22) | (st.pte_index << 12)); i >= 0 && rows[size_t(i)].q.state != mm::mem::kFree) return i;
    if (st.region_focus && st.region_focus->first == space) return row_of(st.region_focus->second);
    return -1;
}

void view_cell(App& app, uint16_t space, const mm::MemoryBasicInformation& q, Cells& cells) {
    const mm::MemoryManager& m = app.mm();
    if (q.type != mm::mem::kMapped) return;
    if (const mm::Vad* v = m.vad_at(space, q.base_address); v && v->type == mm::VadType::Mapped) {
        const uint32_t off = v->offset_page + (x86::vpn(q.base_address) - v->start_vpn);
        const std::string name = v->mapping < m.mappings().size() && !m.mappings()[v->mapping].name.empty()
                                     ? m.mappings()[v->mapping].name
                                     : fmt::format("#{}", v->mapping);
        // A data view of an image file: what LoadLibraryEx(LOAD_LIBRARY_AS_DATAFILE) maps (issue 16).
        const bool image_file = v->section < m.data_sections().size() && m.data_sections()[v->section].kind == mm::DataSectionKind::File &&
                                app.machine().image_of(m.data_sections()[v->section].file) != nullptr;
        cells.text(fmt::format("{} +{:X}{}", name, uint64_t(off) << 12, image_file ? std::string(" ") + tr("(image file as data)") : std::string()));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s", (view_text(app, v->mapping, v->offset_page, v->section) +
                                     (image_file ? std::string("\n") + tr("An image file mapped as data, not as an image: its sections are not "
                                                                          "laid out, relocated or protected as the loader would. "
                                                                          "LoadLibraryEx(LOAD_LIBRARY_AS_DATAFILE) maps a module this way.")
                                                 : std::string()))
                                        .c_str());
    }
}

// The page marks of the row's VAD over the row (issue 16): MEM_WRITE_WATCH's pages written since
// the last reset, and the pages VirtualLock keeps resident. Empty when the row has neither.
std::string marks_text(App& app, uint16_t space, const mm::MemoryBasicInformation& q) {
    const mm::Vad* v = q.state == mm::mem::kFree ? nullptr : app.mm().vad_at(space, q.base_address);
    if (!v) return {};
    uint32_t written = 0, locked = 0;
    for (uint32_t vpn = x86::vpn(q.base_address), end = vpn + q.region_size / 0x1000; vpn < end; ++vpn) {
        written += v->has_mark(vpn, mm::Vad::kPageWritten) ? 1 : 0;
        locked += v->has_mark(vpn, mm::Vad::kPageLocked) ? 1 : 0;
    }
    std::string out;
    if (v->write_watch) out = trfn("write watch: {count} written", "write watch: {count} written", written, "count"_a = written);
    if (locked) out += (out.empty() ? "" : ", ") + trfn("{count} locked", "{count} locked", locked, "count"_a = locked);
    return out;
}

// A "Marks" column once a region of the process has a write watch or a locked page.
bool any_marks(App& app, uint16_t space) {
    for (const mm::Vad* v : app.mm().regions(space))
        if (v->write_watch || !v->page_marks.empty()) return true;
    return false;
}

void marks_cell(App& app, uint16_t space, const mm::MemoryBasicInformation& q, Cells& cells) {
    const std::string text = marks_text(app, space, q);
    if (text.empty()) return;
    cells.text(text);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("Written: pages written since the last ResetWriteWatch, which GetWriteWatch reports (MEM_WRITE_WATCH). "
                                   "Locked: pages VirtualLock keeps resident; no trim or page replacement takes them."));
}

// Draws one row; returns its first cell's rectangle.
ImRect region_row(App& app, uint16_t space, int i, const Row& r, bool focus, bool any_view, bool marks, Cells& cells) {
    UiState& st = app.state();
    const auto& q = r.q;
    ImGui::TableNextRow();
    if (focus) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, (app.colours().changed & 0x00FFFFFFu) | 0x50000000u);
    ImGui::TableNextColumn();
    ImGui::PushID(i);
    ImGui::PushFont(app.fonts().mono);
    if (ImGui::Selectable(fmt::format("{:08X}", q.base_address).c_str(), focus, ImGuiSelectableFlags_SpanAllColumns)) {
        app.select_page(space, q.base_address);
        zoom_strip_to_addresses(st, double(q.base_address), double(q.base_address) + double(q.region_size));
    }
    const ImRect row(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    ImGui::PopFont();
    ImGui::PopID();
    ImGui::TableNextColumn();
    cells.text(type_name(q.type));
    ImGui::TableNextColumn();
    cells.text(size_text(q.region_size));
    ImGui::TableNextColumn();
    cells.text(state_name(q.state), q.state == mm::mem::kFree);
    if (marks) {  // beside the state, where a narrow window still shows it
        ImGui::TableNextColumn();
        marks_cell(app, space, q, cells);
    }
    ImGui::TableNextColumn();
    // VirtualQuery's Protect for every state: reserved pages answer 0 under nt (NOACCESS under
    // win95), free memory NOACCESS; only committed pages' protection is one they obey.
    cells.text(mm::protection_name(q.protect), q.state != mm::mem::kCommit);
    if (q.state != mm::mem::kCommit && ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", (q.state == mm::mem::kFree ? trf("VirtualQuery's Protect for free memory: {protect}", "protect"_a = protect_text(q.protect))
                                                           : trf("VirtualQuery's Protect for reserved memory: {protect}", "protect"_a = protect_text(q.protect)))
                                    .c_str());
    ImGui::TableNextColumn();
    if (q.state != mm::mem::kFree) cells.text(std::to_string(r.resident));
    ImGui::TableNextColumn();
    if (q.state != mm::mem::kFree) cells.text(fmt::format("{:08X} {}", q.allocation_base, mm::protection_name(q.allocation_protect)), true);
    if (any_view) {
        // A view: the mapping object it was mapped through, and where in the section this run starts.
        ImGui::TableNextColumn();
        view_cell(app, space, q, cells);
    }
    return row;
}

constexpr size_t kMinRegionRows = 5;

// The table's rows and header at this font: what the panel asks the layout for.
float table_height(size_t rows) {
    const ImGuiStyle& s = ImGui::GetStyle();
    return float(rows + 1) * (ImGui::GetTextLineHeight() + 2 * s.CellPadding.y) + s.ScrollbarSize + 4;
}

// Scrolls the table by whole rows so that `row` sits mid-way among the rows shown (clip: the
// rows' part of the table, under its header): no row is left half under the header.
void scroll_to_row(int row, int count, const ImRect& clip) {
    const float h = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
    const int shown = std::max(1, int(clip.GetHeight() / h));
    const int first = std::clamp(row - (shown - 1) / 2, 0, std::max(0, count - shown));
    ImGui::SetScrollY(float(first) * h);
}

// The columns fit their content (never overlapping: a wide table scrolls sideways); the row of
// the story's page or region is highlighted and, after each move, scrolled into view.
void region_table(App& app, uint16_t space, const std::vector<Row>& rows, float height) {
    UiState& st = app.state();
    const int focus = focus_row(app, space, rows);
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    // A "View" column (mapping object + offset) once the process has a view.
    bool any_view = false;
    for (const mm::Vad* v : app.mm().regions(space)) any_view |= v->type == mm::VadType::Mapped;
    app.probe().value("regions.count", std::to_string(rows.size()));
    app.probe().value("regions.focus", "none");
    const bool marks = any_marks(app, space);
    if (!ImGui::BeginTable("##regions", 7 + (marks ? 1 : 0) + (any_view ? 1 : 0), flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    for (const char* c : {N_("Address"), N_("Type"), N_("Size"), N_("State")}) ImGui::TableSetupColumn(tr(c));
    if (marks) ImGui::TableSetupColumn(tr("Marks"));
    for (const char* c : {N_("Protection"), N_("Resident"), N_("Allocation")}) ImGui::TableSetupColumn(tr(c));
    if (any_view) ImGui::TableSetupColumn(tr("View"));
    table_headers_row();
    const bool scroll = focus >= 0 && st.regions_scrolled_for != st.story_moves;
    ImGuiListClipper clipper;
    clipper.Begin(int(rows.size()));
    if (focus >= 0) clipper.ForceDisplayRangeByIndices(focus, focus + 1);
    Cells cells;
    // Rows on screen: wholly between the frozen header and the table's bottom edge.
    int shown = 0;
    ImRect clip = ImGui::GetCurrentWindow()->InnerClipRect;
    clip.Min.y += ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
    auto on_screen = [&](const ImRect& r) { return r.Min.y >= clip.Min.y - 0.5f && r.Max.y <= clip.Max.y + 0.5f; };
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const ImRect row = region_row(app, space, i, rows[size_t(i)], i == focus, any_view, marks, cells);
            if (i == focus && scroll) {
                scroll_to_row(focus, int(rows.size()), clip);
                st.regions_scrolled_for = st.story_moves;
            }
            if (on_screen(row)) ++shown;
            if (i == focus)
                app.probe().value("regions.focus", fmt::format("{:08X} {}", rows[size_t(i)].q.base_address, on_screen(row) ? "visible" : "hidden"));
        }
    }
    ImGui::EndTable();
    app.probe().value("regions.clipped", std::to_string(cells.clipped));
    app.probe().value("regions.shown", std::to_string(shown));
}

// Between this panel and the page tables: drag to size the panel; double-click for the size of
// its content again.
void splitter(App& app) {
    UiState& st = app.state();
    const float h = 6;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("##c1-splitter", ImVec2(w, h));
    app.probe().last_item("regions.splitter");
    const bool hot = ImGui::IsItemHovered() || ImGui::IsItemActive();
    if (hot) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
    const float window_h = ImGui::GetWindowHeight();
    if (ImGui::IsItemActive() && ImGui::GetIO().MouseDelta.y != 0)
        st.c1_split_px = std::max(80.0f, (st.c1_split_px > 0 ? st.c1_split_px : window_h) + ImGui::GetIO().MouseDelta.y);
    if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) st.c1_split_px = 0;
    ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x + w * 0.4f, p.y + h * 0.5f), ImVec2(p.x + w * 0.6f, p.y + h * 0.5f),
                                        ImGui::GetColorU32(hot ? ImGuiCol_SeparatorActive : ImGuiCol_Separator), 2.0f);
    if (ImGui::IsItemHovered() && !ImGui::IsItemActive()) ImGui::SetTooltip("%s", tr("Drag to size the address space; double-click: fit its regions"));
}

}  // namespace

void draw_address_space_panel(App& app) {
    const PanelScope panel(app, PanelId::AddressSpace);
    if (!panel) return;
    const float views_w = ImGui::CalcTextSize(tr("All 4 GB")).x + ImGui::CalcTextSize(tr("Regions")).x +
                          ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x;
    // Quick views beside the process buttons: all 4 GB, or just the span of the regions.
    if (!process_selector_in_tab_row(app, "as", views_w, [&] {
            if (app.state().space == mm::kNoSpace) return;
            const auto regions = app.mm().regions(app.state().space);
            if (ImGui::Button(tr("All 4 GB"))) zoom_strip_to(app.state(), 0.0, 1.0, true);
            ImGui::SameLine();
            ImGui::BeginDisabled(regions.empty());
            if (ImGui::Button(tr("Regions")) && !regions.empty()) {
                const double lo = double(regions.front()->base());
                const auto& last = *regions.back();
                zoom_strip_to_addresses(app.state(), lo, double(last.base()) + double(last.size()));
            }
            ImGui::EndDisabled();
        })) {
        return;
    }
    const uint16_t space = app.state().space;
    const Palette& pal = app.colours();
    draw_address_strip(app, space);
    // The arenas are named on the strip; the legend names the regions' colours, on one line.
    legend({{pal.region[int(RegionClass::Private)], tr("private"), tr("A private region (VirtualAlloc).")},
            {pal.region[int(RegionClass::Mapped)], tr("mapped"), tr("A view of a section (MapViewOfFile of a data file or a pagefile-backed "
                                                                    "section): its pages are the section's, shared with every other view.")},
            {pal.region[int(RegionClass::Image)], tr("image"), tr("An EXE or DLL mapped as an image.")}});
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr(mm::personality_name(app.mm().space(space).personality())));
    ImGui::SameLine();
    help_marker(tr("Above the strip: the arenas. Top row: regions (VADs) by type, or the arena behind free space. Bottom row: the "
                   "state of the pages (colours as in the page tables); a pixel covering many pages shows the most telling state "
                   "among them. The scale is segmented: each region and arena gets room, addresses are even inside each. "
                   "Wheel zooms, dragging a range zooms onto it, right-drag pans, double-click zooms onto a region (again: all "
                   "4 GB), Esc goes back, click selects a page."));
    // Ask the layout for the height of every row (next frame), then fill what it gave.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float splitter_h = 6 + style.ItemSpacing.y;
    const std::vector<Row> rows = query_rows(app, space);
    const Summary sum = summarize(app.mm(), space, rows);
    const bool open = summary_header(app, sum);
    const float top = ImGui::GetCursorPosY();
    if (open) summary_table(app, sum);
    const float above = top + summary_height(sum, open) + style.ItemSpacing.y;
    app.state().c1_want_px = above + table_height(rows.size()) + splitter_h + style.WindowPadding.y;
    // Never fewer rows than the story's region and two neighbours each side (the scroll bar tells the rest).
    app.state().c1_min_px = above + table_height(std::min<size_t>(rows.size(), kMinRegionRows)) + splitter_h + style.WindowPadding.y;
    region_table(app, space, rows, std::max(ImGui::GetTextLineHeightWithSpacing() * 2, ImGui::GetContentRegionAvail().y - splitter_h));
    splitter(app);
}

}  // namespace pagelab::ui
