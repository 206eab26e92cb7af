// The translation walk of the last access (or of the selected page): the address split into
// directory index, table index and offset, then CR3 -> PDE -> PTE -> frame -> byte as the
// processor would do it now, stopping where a not-present entry makes it fault.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"

#include <sstream>

#include <fmt/format.h>

#include "mm/SoftwarePte.h"
#include "sim/Report.h"
#include "i18n/I18n.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

struct Box {
    std::string title;
    std::vector<std::string> lines;
    ImU32 colour;
};

void split_bar(App& app, uint32_t va) {
    const Palette& pal = app.colours();
    const float avail = ImGui::GetContentRegionAvail().x;
    const float box = std::floor(std::min(avail / 32.0f, ImGui::GetFontSize() * 1.5f));
    const float lh = ImGui::GetTextLineHeight();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    struct Seg {
        int hi, lo;
        ImU32 colour;
        std::string label;
    };
    const Seg segs[3] = {
        {31, 22, pal.frame[int(FrameClass::PageDirectory)], trf("directory index {index:03X}", "index"_a = x86::pde_index(va))},
        {21, 12, pal.frame[int(FrameClass::PageTable)], trf("table index {index:03X}", "index"_a = x86::pte_index(va))},
        {11, 0, pal.page[int(PageClass::DemandZero)], trf("offset {offset:03X}", "offset"_a = x86::page_offset(va))},
    };
    ImGui::PushFont(app.fonts().mono);
    for (const Seg& s : segs) {
        const float xl = p0.x + float(31 - s.hi) * box, xr = p0.x + float(32 - s.lo) * box;
        dl->AddRectFilled(ImVec2(xl, p0.y), ImVec2(xr - 2, p0.y + box), (s.colour & 0x00FFFFFF) | 0x90000000, 2.0f);
        for (int b = s.hi; b >= s.lo; --b) {
            const char* t = ((va >> b) & 1) ? "1" : "0";
            const float x = p0.x + float(31 - b) * box;
            dl->AddText(ImVec2(x + (box - ImGui::CalcTextSize(t).x) * 0.5f, p0.y + (box - lh) * 0.5f),
                        ((va >> b) & 1) ? pal.bit_one : pal.bit_zero, t);
        }
        const float tw = ImGui::CalcTextSize(s.label.c_str()).x;
        dl->AddText(ImVec2(xl + (xr - xl - tw) * 0.5f, p0.y + box + 2), pal.text, s.label.c_str());
    }
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(box * 32, box + lh + 4));
}

void chain(const std::vector<Box>& boxes, ImU32 arrow_colour, const char* arrow) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float lh = ImGui::GetTextLineHeight();
    const float pad = 6;
    const float arrow_w = ImGui::CalcTextSize(arrow).x + 12;
    const float avail = ImGui::GetContentRegionAvail().x;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 cursor = ImGui::GetCursorScreenPos();
    const float left = cursor.x;
    size_t max_lines = 0;
    for (const Box& b : boxes) max_lines = std::max(max_lines, b.lines.size() + 1);
    const float h = float(max_lines) * lh + 2 * pad;
    float row_top = cursor.y;
    for (size_t i = 0; i < boxes.size(); ++i) {
        const Box& b = boxes[i];
        float w = ImGui::CalcTextSize(b.title.c_str()).x;
        for (const auto& l : b.lines) w = std::max(w, ImGui::CalcTextSize(l.c_str()).x);
        w += 2 * pad;
        if (i > 0) {
            if (cursor.x + arrow_w + w > left + avail && cursor.x > left) {
                cursor = ImVec2(left, row_top + h + style.ItemSpacing.y);
                row_top = cursor.y;
                dl->AddText(ImVec2(cursor.x, cursor.y + h * 0.5f - lh * 0.5f), arrow_colour, arrow);
                cursor.x += arrow_w;
            } else {
                dl->AddText(ImVec2(cursor.x + 6, cursor.y + h * 0.5f - lh * 0.5f), arrow_colour, arrow);
                cursor.x += arrow_w;
            }
        }
        const ImVec2 a = cursor, z(cursor.x + w, cursor.y + h);
        dl->AddRectFilled(a, z, (b.colour & 0x00FFFFFF) | 0x50000000, 4.0f);
        dl->AddRect(a, z, b.colour, 4.0f, 0, 2.0f);
        dl->AddText(ImVec2(a.x + pad, a.y + pad), b.colour, b.title.c_str());
        float y = a.y + pad + lh;
        for (const auto& l : b.lines) {
            dl->AddText(ImVec2(a.x + pad, y), ImGui::GetColorU32(ImGuiCol_Text), l.c_str());
            y += lh;
        }
        cursor.x += w;
    }
    ImGui::SetCursorScreenPos(ImVec2(left, row_top));
    ImGui::Dummy(ImVec2(avail, h + style.ItemSpacing.y));
}

}  // namespace

namespace {

// Whose address the walk shows: the last access's, or the page selected in the tables; and the
// sentence saying so. space is kNoSpace when there is none.
void walk_subject(App& app, uint16_t& space, uint32_t& va, std::string& what) {
    UiState& st = app.state();
    const Derived& d = app.derived();
    int source = st.walk_selected ? 1 : 0;
    ImGui::RadioButton(tr("last access"), &source, 0);
    ImGui::SameLine();
    ImGui::RadioButton(tr("selected page"), &source, 1);
    st.walk_selected = source == 1;

    space = mm::kNoSpace;
    va = 0;
    if (!st.walk_selected) {
        if (d.last_access()) {
            const LastAccess& a = *d.last_access();
            space = a.space;
            va = a.va;
            static const char* kAccess[] = {N_("{process} reads {va:08X} (event {event})"), N_("{process} writes {va:08X} (event {event})"),
                                            N_("{process} executes {va:08X} (event {event})")};
            what = trf(a.access >= 0 && a.access < 3 ? kAccess[a.access] : N_("{process} touches {va:08X} (event {event})"),
                       "process"_a = app.machine().space_name(a.space), "va"_a = va, "event"_a = a.event + 1);
        }
    } else if (st.entry_selected && st.space != mm::kNoSpace) {
        space = st.space;
        va = (st.pde_index << 22) | (st.pte_index << 12);
        what = trf("{process}: page {va:08X}", "process"_a = app.machine().space_name(space), "va"_a = va);
    }
}

// The boxes of the walk (CR3, PDE, PTE, frame, byte); returns how it ends.
std::string walk_boxes(App& app, uint16_t space, uint32_t va, std::vector<Box>& boxes) {
    const Palette& pal = app.colours();
    const mm::MemoryManager& m = app.mm();
    const mm::AddressSpace& sp = m.space(space);
    const auto info = m.pte_info(space, va);
    boxes.push_back({"CR3", {fmt::format("{:08X}", sp.cr3()), trf("directory: frame 0x{frame:X}", "frame"_a = sp.page_directory())},
                     pal.frame[int(FrameClass::PageDirectory)]});
    const bool pde_ok = info.table_present;
    boxes.push_back({fmt::format("PDE {:03X}", x86::pde_index(va)),
                     {fmt::format("[{:08X}] = {:08X}", info.pde_address, info.pde),
                      pde_ok ? trf("table: frame 0x{frame:X}", "frame"_a = x86::Pte(info.pde).frame()) : std::string(tr("P = 0: no page table"))},
                     pde_ok ? pal.frame[int(FrameClass::PageTable)] : pal.fail});
    std::string result;
    if (pde_ok) {
        const bool valid = x86::Pte(info.pte).present();
        const mm::Vad* walk_vad = m.vad_at(space, va);
        const PageClass pc = classify_pte(info.pte, walk_vad, m, x86::vpn(va));
        const bool view_zero = info.pte == 0 && walk_vad && walk_vad->type == mm::VadType::Mapped;
        boxes.push_back({fmt::format("PTE {:03X}", x86::pte_index(va)),
                         {fmt::format("[{:08X}] = {:08X}", info.pte_address, info.pte),
                          valid ? trf("frame 0x{frame:X} {flags}", "frame"_a = x86::Pte(info.pte).frame(), "flags"_a = sim::windbg_flags(info.pte))
                                : view_zero ? trf("P = 0: zero in a view: ask the VAD {arrow} prototype PTE of section page {page}", "arrow"_a = app.icons().arrow,
                                                  "page"_a = walk_vad->offset_page + (x86::vpn(va) - walk_vad->start_vpn))
                                            : "P = 0: " + entry_summary(app.session(), info.pte, false)},
                         valid ? pal.page[int(pc)] : pal.fail});
        if (valid) {
            const uint32_t pa = (info.pte & x86::Pte::kFrameMask) | x86::page_offset(va);
            const uint32_t frame = x86::Pte(info.pte).frame();
            const ImU32 fc = frame < m.pfn().size() ? pal.frame[int(classify_frame(m.pfn()[frame]))] : pal.fail;
            boxes.push_back({trf("Frame 0x{frame:X}", "frame"_a = frame), {trf("+ offset {offset:03X}", "offset"_a = x86::page_offset(va)),
                                                                        trf("= pa {pa:08X}", "pa"_a = pa)}, fc});
            const uint8_t byte = frame < m.pfn().size() ? m.ram().read(pa, 1) : 0;
            boxes.push_back({tr("Byte"), {fmt::format("0x{:02X}", byte), byte >= 32 && byte < 127 ? fmt::format("'{}'", char(byte)) : ""},
                             pal.text});
            result = "translated";
        } else {
            result = "faults: PTE not present";
        }
    } else {
        result = "faults: no page table";
    }
    return result;
}

}  // namespace

void draw_walk_panel(App& app) {
    const PanelScope panel(app, PanelId::Walk);
    if (!panel) return;
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const Derived& d = app.derived();
    const mm::MemoryManager& m = app.mm();
    uint16_t space = mm::kNoSpace;
    uint32_t va = 0;
    std::string what;
    walk_subject(app, space, va, what);
    if (space == mm::kNoSpace || space >= m.spaces().size() || !m.space(space).alive()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", st.walk_selected ? tr("No page selected.") : tr("No access yet at this point of the lesson."));
        return;
    }
    ImGui::SameLine();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(what.c_str());
    ImGui::PopFont();
    app.probe().value("walk.va", fmt::format("{:08X}", va));

    split_bar(app, va);
    // A TLB hit reads no PDE and no PTE: the walk below is what a miss would have done.
    const bool tlb_hit = !st.walk_selected && d.last_access_in_changes() && d.touched().tlb.lookup == sim::TlbTouch::Lookup::Hit;
    if (tlb_hit) {
        ImGui::PushFont(app.fonts().big);
        ImGui::PushStyleColor(ImGuiCol_Text, pal.link);
        text_wrapped(tr("TLB hit: no walk. The TLB gave the frame; no PDE or PTE was read, no bit changed."));
        ImGui::PopStyleColor();
        ImGui::PopFont();
        ImGui::TextDisabled("%s", tr("What a miss would walk:"));
    }
    std::vector<Box> boxes;
    const std::string result = walk_boxes(app, space, va, boxes);
    app.probe().value("walk.result", tlb_hit ? "tlb-hit" : result);
    ImGui::PushFont(app.fonts().mono);
    chain(boxes, pal.text_dim, app.icons().arrow);
    ImGui::PopFont();
    if (result != "translated") {
        ImGui::PushStyleColor(ImGuiCol_Text, pal.fail);
        text_wrapped(tr("An access faults here (error code P = 0); the memory manager resolves it from the PTE's other bits and the VAD."));
        ImGui::PopStyleColor();
    }

    if (ImGui::CollapsingHeader(tr("As text (pagelab walk)"))) {
        std::ostringstream out;
        sim::write_walk_text(app.machine(), space, va, out);
        ImGui::PushFont(app.fonts().mono);
        ImGui::TextUnformatted(out.str().c_str());
        ImGui::PopFont();
    }
}

}  // namespace pagelab::ui
