// Every bit of the selected PDE or PTE, with its meaning: the Intel layout when P = 1 (and for
// PDEs), NT's software layouts when P = 0 (demand-zero / pagefile, transition, prototype), as
// mm/SoftwarePte.h documents them. Shows what the current step changed, old -> new.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"

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

struct Field {
    int hi, lo;
    std::string name;
    std::string meaning;
};

uint32_t bits(uint32_t v, int hi, int lo) { return (v >> lo) & ((hi - lo == 31) ? 0xFFFFFFFFu : ((1u << (hi - lo + 1)) - 1)); }

std::string frame_meaning(App& app, uint32_t frame) {
    const mm::MemoryManager& m = app.mm();
    if (frame >= m.pfn().size()) return trf("frame 0x{frame:X} (beyond RAM)", "frame"_a = frame);
    const mm::PfnEntry& e = m.pfn()[frame];
    std::string owner = e.owner == mm::kNoSpace ? "" : ", " + app.machine().space_name(e.owner);
    return trf("frame 0x{frame:X} = pa {pa:08X} ({use}, {state}{owner})", "frame"_a = frame, "pa"_a = frame << 12, "use"_a = tr(mm::frame_use_name(e.use)),
               "state"_a = tr(mm::frame_state_name(e.state)), "owner"_a = owner);
}

std::vector<Field> hardware_fields(App& app, uint32_t v, bool pde) {
    auto yes = [&](int bit) { return (v >> bit) & 1; };
    std::vector<Field> f;
    f.push_back({31, 12, pde ? tr("Page table") : tr("Frame"),
                 pde ? trf("the page table is in {frame}", "frame"_a = frame_meaning(app, x86::Pte(v).frame()))
                     : trf("the page is in {frame}", "frame"_a = frame_meaning(app, x86::Pte(v).frame()))});
    if (pde)
        f.push_back({11, 11, "AVL", tr("available to the OS; unused")});
    else
        f.push_back({11, 11, "Write", yes(11) ? tr("NT: writable, but R/W is held at 0 while a pagefile slot holds the same bytes; the first write faults (dirty-bit fault), frees the slot and sets R/W and D")
                                               : tr("NT: no write held back (R/W says it all)")});
    f.push_back({10, 10, "Proto", yes(10) ? tr("NT: maps a section's prototype page") : tr("NT: not a prototype mapping")});
    f.push_back({9, 9, "CoW", yes(9) ? tr("NT: copy-on-write; a write makes a private copy") : tr("NT: not copy-on-write")});
    f.push_back({8, 8, "G", yes(8) ? tr("global: survives a CR3 load in the TLB (if CR4.PGE)") : tr("not global")});
    f.push_back({7, 7, pde ? "PS" : "PAT", pde ? (yes(7) ? tr("4 MB page (PSE)") : tr("points at a page table (4 KB pages)"))
                                             : (yes(7) ? tr("PAT memory type") : tr("default memory type"))});
    f.push_back({6, 6, "D", pde ? tr("ignored in a PDE") : (yes(6) ? tr("dirty: written since mapped") : tr("clean: not written since mapped"))});
    f.push_back({5, 5, "A", yes(5) ? tr("accessed: the processor used it") : tr("not accessed since cleared")});
    f.push_back({4, 4, "PCD", yes(4) ? tr("cache disabled") : tr("cacheable")});
    f.push_back({3, 3, "PWT", yes(3) ? tr("write-through") : tr("write-back")});
    f.push_back({2, 2, "U/S", yes(2) ? tr("user: ring 3 may access") : tr("supervisor: user accesses fault")});
    f.push_back({1, 1, "R/W", yes(1) ? tr("writable") : yes(11) && !pde ? tr("0 until the first write (see bit 11): that write faults") : tr("read-only: writes fault (CR0.WP = 1)")});
    f.push_back({0, 0, "P", yes(0) ? tr("present: the walk uses this entry") : tr("not present: an access faults")});
    return f;
}

std::string protection_meaning(uint32_t mm_prot) {
    if (mm_prot == mm::mmprot::kDecommit) return tr("0x10 alone: decommitted");
    const uint32_t win32 = mm::to_win32_protection(mm_prot);
    return trf("MM protection {value} = {protection}", "value"_a = mm_prot, "protection"_a = win32 ? mm::protection_name(win32) : std::string(tr("none")));
}

// What "ask the VAD" answers for a zero PTE: the region's type and, in a view, the data section's
// prototype PTE behind the page (mm/AddressSpace.h: a zero PTE means tr("ask the VAD")).
std::string ask_the_vad(App& app, const mm::Vad* vad, uint32_t vpn) {
    if (!vad) return tr("no VAD covers the page: an access is an access violation");
    const mm::MemoryManager& m = app.mm();
    if (vad->type == mm::VadType::Mapped) {
        const auto index = view_proto_index(m, vad, vpn);
        const uint32_t page = vad->offset_page + (vpn - vad->start_vpn);
        if (!index) return trf("the VAD is a {view}; page {page} of it", "view"_a = view_text(app, vad->mapping, vad->offset_page, vad->section), "page"_a = page);
        const uint32_t proto = m.prototype(*index);
        return trf("the VAD is a {view}, so this is section page {page}: look at its prototype PTE = {proto:08X}, {state}",
                   "view"_a = view_text(app, vad->mapping, vad->offset_page, vad->section), "page"_a = page, "proto"_a = proto,
                   "state"_a = data_proto_state(app, vad->section, page, proto));
    }
    if (vad->mem_commit) return tr("the VAD was reserved and committed at once (MEM_COMMIT): the page is demand-zero");
    return tr("the VAD says reserved: nothing is committed here (an access is an access violation)");
}

std::vector<Field> software_fields(App& app, uint32_t v, mm::PteKind kind, const mm::Vad* vad, uint32_t vpn) {
    using mm::SoftwarePte;
    std::vector<Field> f;
    switch (kind) {
        case mm::PteKind::Transition:
            f.push_back({31, 12, "Frame", trf("still holds the page: {frame}", "frame"_a = frame_meaning(app, SoftwarePte::frame(v)))});
            f.push_back({11, 11, "Trans", tr("1: transition (the frame is on the standby or modified list)")});
            f.push_back({10, 10, "Proto", tr("0: not a prototype PTE")});
            f.push_back({9, 5, "Protection", protection_meaning(SoftwarePte::protection(v))});
            f.push_back({4, 1, "W/O/PWT/PCD", tr("copies of the hardware bits, restored when the page comes back")});
            break;
        case mm::PteKind::Prototype:
            f.push_back({31, 11, "Index high", trf("prototype PTE #{index} (high bits)", "index"_a = SoftwarePte::prototype_index(v))});
            {
                const uint32_t index = SoftwarePte::prototype_index(v);
                const mm::MemoryManager& m = app.mm();
                const auto& protos = m.prototypes();
                if (mm::MemoryManager::is_data_proto(index)) {
                    const uint32_t sec = mm::MemoryManager::data_proto_section(index), page = mm::MemoryManager::data_proto_page(index);
                    if (sec < m.data_sections().size() && page < m.data_prototypes(sec).size())
                        f.back().meaning = prototype_text(app, index, m.prototype(index));
                } else if (index < protos.size()) {
                    f.back().meaning = prototype_text(app, index, protos[index]);
                }
            }
            f.push_back({10, 10, "Proto", tr("1: the page belongs to a section; look at its prototype PTE")});
            f.push_back({9, 9, "spare", ""});
            f.push_back({8, 8, "ReadOnly", bits(v, 8, 8) ? tr("mapped read-only") : tr("protection from the prototype")});
            f.push_back({7, 1, "Index low", tr("low bits of the prototype index")});
            break;
        default: {
            const uint32_t slot = SoftwarePte::slot(v);
            f.push_back({31, 12, "PageFileHigh", slot ? trf("pagefile slot {slot}", "slot"_a = slot)
                                                      : (kind == mm::PteKind::Zero ? "0" : tr("0: no slot, demand-zero"))});
            f.push_back({11, 11, "Trans", tr("0: not in transition")});
            f.push_back({10, 10, "Proto", tr("0: not a prototype PTE")});
            f.push_back({9, 5, "Protection", kind == mm::PteKind::Zero ? trf("0: ask the VAD: {answer}", "answer"_a = ask_the_vad(app, vad, vpn))
                                                                       : protection_meaning(SoftwarePte::protection(v))});
            f.push_back({4, 1, "PageFileLow", tr("which pagefile (PageLab has one: 0)")});
            break;
        }
    }
    f.push_back({0, 0, "Valid", tr("0: the processor ignores the other 31 bits; Windows reads them")});
    return f;
}

void bit_diagram(App& app, uint32_t v, const std::vector<Field>& fields) {
    const Palette& pal = app.colours();
    const float avail = ImGui::GetContentRegionAvail().x;
    const float box = std::floor(std::min(avail / 32.0f, ImGui::GetFontSize() * 1.9f));
    const float lh = ImGui::GetTextLineHeight();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float top = p0.y + lh;  // bit numbers above
    ImGui::PushFont(app.fonts().mono);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    // Bit numbers are drawn where they do not run into one already drawn (narrow boxes in
    // classroom mode: "12 11 10 9" would read "1211109"); the tooltip names every bit.
    std::vector<std::pair<float, float>> numbers;
    auto number = [&](float x, const std::string& text) {
        const float w = ImGui::CalcTextSize(text.c_str()).x, gap = ImGui::GetFontSize() * 0.3f;
        x = std::min(x, p0.x + 32 * box - w);
        for (const auto& [a, b] : numbers)
            if (x < b + gap && x + w + gap > a) return;
        numbers.emplace_back(x, x + w);
        dl->AddText(ImVec2(x, p0.y), dim, text.c_str());
    };
    for (size_t k = 0; k < fields.size(); ++k) {
        const Field& f = fields[k];
        const float xl = p0.x + float(31 - f.hi) * box, xr = p0.x + float(32 - f.lo) * box;
        dl->AddRectFilled(ImVec2(xl, top), ImVec2(xr - 1, top + box), pal.field[k % pal.field.size()], 2.0f);
        for (int b = f.hi; b >= f.lo; --b) {
            const float x = p0.x + float(31 - b) * box;
            const bool one = (v >> b) & 1;
            const char* t = one ? "1" : "0";
            const float tw = ImGui::CalcTextSize(t).x;
            dl->AddText(ImVec2(x + (box - tw) * 0.5f, top + (box - lh) * 0.5f), one ? pal.bit_one : pal.bit_zero, t);
            app.probe().value(fmt::format("decoder.bit.{}", b), t);
        }
        // Bit numbers at the field's edges.
        number(xl + 1, std::to_string(f.hi));
        if (f.hi != f.lo && xr - xl > box * 2.5f) {
            const std::string lo = std::to_string(f.lo);
            number(xr - 2 - ImGui::CalcTextSize(lo.c_str()).x, lo);
        }
    }
    // Names under the fields: centred under their bits, moved down a row where they would
    // collide with a neighbour's name (narrow one-bit fields).
    constexpr int kRows = 4;
    float row_end[kRows] = {-1e9f, -1e9f, -1e9f, -1e9f};
    int rows_used = 1;
    for (size_t k = 0; k < fields.size(); ++k) {
        const Field& f = fields[k];
        const float xl = p0.x + float(31 - f.hi) * box, xr = p0.x + float(32 - f.lo) * box;
        const float nw = ImGui::CalcTextSize(f.name.c_str()).x;
        // Centred under its bits, inside the diagram (bit 0's name ends at its right edge).
        const float x = std::clamp((xl + xr - nw) * 0.5f, p0.x, std::max(p0.x, p0.x + 32 * box - nw));
        int row = 0;
        while (row < kRows - 1 && x < row_end[row] + 4) ++row;
        row_end[row] = x + nw;
        rows_used = std::max(rows_used, row + 1);
        const float y = top + box + 2 + float(row) * lh;
        if (row > 0) dl->AddLine(ImVec2((xl + xr) * 0.5f, top + box), ImVec2((xl + xr) * 0.5f, y), (pal.text_dim & 0x00FFFFFF) | 0x80000000);
        dl->AddText(ImVec2(x, y), pal.text, f.name.c_str());
    }
    ImGui::PopFont();
    ImGui::InvisibleButton("##bits", ImVec2(box * 32, lh + box + float(rows_used) * lh + 4));
    if (ImGui::IsItemHovered()) {
        const int bit = 31 - int((ImGui::GetIO().MousePos.x - p0.x) / box);
        for (const Field& f : fields)
            if (bit <= f.hi && bit >= f.lo) {
                ImGui::BeginTooltip();
                ImGui::TextUnformatted(trf("bits {hi}-{lo}  {name} = 0x{value:X}", "hi"_a = f.hi, "lo"_a = f.lo, "name"_a = f.name, "value"_a = bits(v, f.hi, f.lo)).c_str());
                ImGui::TextUnformatted(f.meaning.c_str());
                ImGui::EndTooltip();
            }
    }
}

}  // namespace

namespace {

// What a software PTE that says nothing by itself means: a zero PTE asks the VAD (inside a view,
// the VAD leads to the data section's prototype PTE); a prototype PTE in a view.
void software_note(App& app, const mm::Vad* vad, uint32_t va, mm::PteKind kind) {
    const mm::MemoryManager& m = app.mm();
    // A zero PTE says nothing by itself: Windows asks the VAD. Inside a view the VAD leads to the
    // data section's prototype PTE, which says where the page is.
    if (kind == mm::PteKind::Zero) {
        const bool view = vad && vad->type == mm::VadType::Mapped;
        const bool uncommitted = view && classify_pte(0, vad, m, x86::vpn(va)) == PageClass::Reserved;
        const std::string answer = ask_the_vad(app, vad, x86::vpn(va));
        const std::string text =
            !view ? trf("A zero PTE means \"ask the VAD\": {answer}.", "answer"_a = answer)
            : uncommitted ? trf("A zero PTE in a view means \"ask the VAD\" {arrow} prototype PTE: {answer}. Until the page is committed "
                                "(VirtualAlloc MEM_COMMIT in the view), an access is an access violation.", "arrow"_a = app.icons().arrow, "answer"_a = answer)
                          : trf("A zero PTE in a view means \"ask the VAD\" {arrow} prototype PTE: {answer}. The first access fills this PTE "
                                "from the prototype PTE.", "arrow"_a = app.icons().arrow, "answer"_a = answer);
        ImGui::PushTextWrapPos(0);
        ImGui::TextDisabled("%s", text.c_str());
        ImGui::PopTextWrapPos();
        app.probe().value("decoder.ask_vad", vad && vad->type == mm::VadType::Mapped ? "view" : (vad ? "vad" : "none"));
    } else if (kind == mm::PteKind::Prototype && vad && vad->type == mm::VadType::Mapped) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextDisabled("%s", trf("In a {view}: the page left this view's working set; the PTE points at the section's prototype PTE.",
                                      "view"_a = view_text(app, vad->mapping, vad->offset_page, vad->section)).c_str());
        ImGui::PopTextWrapPos();
    }
}

// The fields of the entry, one row each: bits, name, value, meaning.
void fields_table(App& app, uint32_t v, const std::vector<Field>& fields) {
    const Palette& pal = app.colours();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("##fields", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(tr("Bits"));
        ImGui::TableSetupColumn(tr("Field"));
        ImGui::TableSetupColumn(tr("Value"));
        ImGui::TableSetupColumn(tr("Meaning"), ImGuiTableColumnFlags_WidthStretch);
        table_headers_row();
        for (size_t k = 0; k < fields.size(); ++k) {
            const Field& f = fields[k];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            swatch(pal.field[k % pal.field.size()], ImGui::GetTextLineHeight() * 0.6f);
            ImGui::SameLine();
            ImGui::PushFont(app.fonts().mono);
            if (f.hi == f.lo) ImGui::Text("%d", f.hi);
            else ImGui::Text("%d-%d", f.hi, f.lo);
            ImGui::PopFont();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(f.name.c_str());
            ImGui::TableNextColumn();
            ImGui::PushFont(app.fonts().mono);
            const uint32_t fv = bits(v, f.hi, f.lo);
            if (f.hi == f.lo) ImGui::Text("%u", fv);
            else ImGui::Text("0x%X", fv);
            ImGui::PopFont();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(f.meaning.c_str());
        }
        ImGui::EndTable();
    }
}

}  // namespace

void draw_entry_decoder_panel(App& app) {
    const PanelScope panel(app, PanelId::EntryDecoder);
    if (!panel) return;
    UiState& st = app.state();
    const Palette& pal = app.colours();
    const mm::MemoryManager& m = app.mm();
    if (st.space == mm::kNoSpace || st.space >= m.spaces().size() || !m.space(st.space).alive()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        text_wrapped(no_address_space_text(app));
        ImGui::PopStyleColor();
        return;
    }
    if (!st.entry_selected) {
        ImGui::TextWrapped("%s", tr("Click an entry in the page directory or a page table (or a page in the address-space strip) to see every bit of it."));
        return;
    }
    const mm::AddressSpace& sp = m.space(st.space);
    const std::string proc = app.machine().space_name(st.space);
    const uint32_t pd = st.pde_index & 0x3FF;
    const uint32_t pde_pa = sp.cr3() + pd * 4;
    const uint32_t pde = m.ram().read_u32(pde_pa);
    const bool is_pde = st.entry_level == EntryLevel::Pde || !x86::Pte(pde).present() || x86::Pte(pde).frame() >= m.ram().frame_count();
    const uint32_t va = (pd << 22) | (st.pte_index << 12);
    uint32_t pa = pde_pa, v = pde;
    if (!is_pde) {
        pa = x86::page_base(pde) + st.pte_index * 4;
        v = m.ram().read_u32(pa);
    }
    const bool nt = sp.personality() == mm::Personality::Nt;

    ImGui::PushFont(app.fonts().bold);
    if (is_pde) ImGui::TextUnformatted(trf("PDE {index:03X} of {process}", "index"_a = pd, "process"_a = proc).c_str());
    else ImGui::TextUnformatted(trf("PTE {index:03X} in page table {table:03X} of {process}", "index"_a = st.pte_index, "table"_a = pd, "process"_a = proc).c_str());
    ImGui::PopFont();
    const std::string maps = is_pde ? trf("maps {first:08X}-{last:08X}", "first"_a = pd << 22, "last"_a = (pd << 22) | 0x3FFFFF)
                                    : trf("maps page {first:08X}-{last:08X}", "first"_a = va, "last"_a = va | 0xFFF);
    same_line_if_fits(maps);
    ImGui::TextDisabled("%s", maps.c_str());
    if (is_pde && st.entry_level == EntryLevel::Pte)
        ImGui::TextDisabled("%s", trf("(no page table covers {va:08X}: its PDE decides)", "va"_a = va).c_str());
    ImGui::PushFont(app.fonts().mono);
    ImGui::TextUnformatted(trf("at pa {pa:08X}", "pa"_a = pa).c_str());
    if (nt) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", trf("(self-map VA {va:08X})", "va"_a = is_pde ? 0xC0300000u + pd * 4 : 0xC0000000u + (x86::vpn(va)) * 4).c_str());
    }
    ImGui::SameLine();
    ImGui::Text("= %08X", v);
    ImGui::PopFont();
    app.probe().value("decoder.raw", fmt::format("{:08X}", v));
    app.probe().value("decoder.level", is_pde ? "pde" : "pte");

    const auto kind = mm::SoftwarePte::kind(v);
    const bool hardware = is_pde || x86::Pte(v).present();
    std::string kind_text;
    if (hardware) kind_text = x86::Pte(v).present() ? trf("hardware layout (P = 1): {flags}", "flags"_a = sim::windbg_flags(v)) : std::string(tr("not present"));
    else kind_text = trf("software layout (P = 0): {kind}", "kind"_a = tr(mm::pte_kind_name(kind)));
    const std::string summary = entry_summary(app.session(), v, is_pde);
    same_line_if_fits(summary + "    ");  // the chip's padding
    chip(summary,
         is_pde ? (x86::Pte(v).present() ? pal.frame[int(FrameClass::PageTable)] : pal.page[int(PageClass::Free)])
                : pal.page[int(classify_pte(v, m.vad_at(st.space, va), m, x86::vpn(va)))]);
    ImGui::TextDisabled("%s", kind_text.c_str());
    app.probe().value("decoder.layout", hardware ? "hardware" : "software");
    app.probe().value("decoder.kind", hardware ? (x86::Pte(v).present() ? "valid" : "not-present") : mm::pte_kind_name(kind));
    if (const WordChange* wc = app.derived().changes().word(pa)) {
        const std::string changed = trf("changed now: {before:08X} {arrow} {after:08X}", "before"_a = wc->before, "arrow"_a = app.icons().arrow, "after"_a = wc->after);
        same_line_if_fits(changed);
        text_coloured(pal.changed, changed);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", trf("before: {entry}", "entry"_a = entry_summary(app.session(), wc->before, is_pde)).c_str());
    }
    ImGui::Spacing();

    const mm::Vad* vad = is_pde ? nullptr : m.vad_at(st.space, va);
    if (!hardware) software_note(app, vad, va, kind);
    const std::vector<Field> fields = hardware ? hardware_fields(app, v, is_pde) : software_fields(app, v, kind, vad, x86::vpn(va));
    bit_diagram(app, v, fields);
    ImGui::Spacing();
    fields_table(app, v, fields);
}

}  // namespace pagelab::ui
