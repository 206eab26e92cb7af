// The selected frame's window: its PFN database entry, every PTE / PDE / CR3 that points at it,
// and its 4 KB of content in hex (as 32-bit entries for page directories and page tables, so the
// words the walk reads are visible), with the bytes the current step wrote highlighted.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Widgets.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "mm/SoftwarePte.h"
#include "i18n/I18n.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

std::string short_entry(uint32_t v) {
    if (v == 0) return "";
    switch (mm::SoftwarePte::kind(v)) {
        case mm::PteKind::Valid: return fmt::format("v:{:X}", x86::Pte(v).frame());
        case mm::PteKind::DemandZero: return "dz";
        case mm::PteKind::Pagefile: return fmt::format("pf:{}", mm::SoftwarePte::slot(v));
        case mm::PteKind::Transition: return fmt::format("tr:{:X}", mm::SoftwarePte::frame(v));
        case mm::PteKind::Prototype: return "proto";
        case mm::PteKind::Decommitted: return "dec";
        case mm::PteKind::Zero: return "";
    }
    return "";
}

}  // namespace

std::string prototype_text(App& app, uint32_t index, uint32_t value) {
    const mm::MemoryManager& m = app.mm();
    if (mm::MemoryManager::is_data_proto(index)) {
        const uint32_t section = mm::MemoryManager::data_proto_section(index), page = mm::MemoryManager::data_proto_page(index);
        return trf("{section}: prototype PTE of page {page} (offset 0x{offset:X}) = {value:08X}: {state}", "section"_a = data_section_name(app, section),
                   "page"_a = page, "offset"_a = uint64_t(page) << 12, "value"_a = value, "state"_a = data_proto_state(app, section, page, value));
    }
    if (index >= m.prototypes().size() || m.sections().empty()) return trf("prototype PTE #{index} = {value:08X}", "index"_a = index, "value"_a = value);
    const mm::ImageSection& sec = m.section_of_proto(index);
    const uint32_t page = index - sec.first_proto;
    const std::string file = sec.file < m.files().size() ? m.files()[sec.file].path : "?";
    const uint32_t rva = page < sec.pages.size() ? sec.pages[page].rva : 0;
    return trf("section {id} ({file}): prototype PTE #{index} = {value:08X} for the page at RVA {rva:X}", "id"_a = sec.id, "file"_a = file,
               "index"_a = index, "value"_a = value, "rva"_a = rva);
}

namespace {

// A page of a data section (a mapped file, or a pagefile-backed section): its PFN entry's "PTE
// address" is the data prototype index (mm::MemoryManager::is_data_proto).
struct DataPage {
    uint32_t section = 0, page = 0;
};
std::optional<DataPage> data_page_of(const mm::MemoryManager& m, const mm::PfnEntry& e) {
    if (e.use != mm::FrameUse::File && e.use != mm::FrameUse::PagefileSection) return std::nullopt;
    const mm::ProtoIndex index = e.proto_index();
    if (!index.is_data()) return std::nullopt;
    const DataPage dp{index.data_section(), index.data_page()};
    if (dp.section >= m.data_sections().size()) return std::nullopt;
    return dp;
}

// The frame's use, where it is, whether this step changed it, and whose page it holds.
void frame_header(App& app, uint32_t f, const std::optional<DataPage>& data_page) {
    const mm::MemoryManager& m = app.mm();
    const Palette& pal = app.colours();
    const ChangeSet& changes = app.derived().changes();
    const FrameClass fc = classify_frame(m.pfn()[f]);
    chip(frame_class_name(fc), pal.frame[int(fc)]);
    ImGui::SameLine();
    ImGui::Text("pa %08X-%08X", f << 12, (f << 12) | 0xFFF);
    if (changes.frame_changed(f)) {
        ImGui::SameLine();
        text_coloured(pal.changed, changes.content_frames.count(f) ? tr("content replaced by this step") : tr("changed by this step"));
    }
    if (!data_page) return;
    const mm::DataSection& ds = m.data_sections()[data_page->section];
    const uint64_t offset = uint64_t(data_page->page) << 12;
    std::string where;
    if (ds.kind == mm::DataSectionKind::File) {
        const std::string file = ds.file < m.files().size() ? m.files()[ds.file].path : std::string("?");
        where = trf("Page {page} of data section {section}: bytes 0x{first:X}-0x{last:X} of {file}", "page"_a = data_page->page,
                    "section"_a = data_page->section, "first"_a = offset, "last"_a = offset | 0xFFF, "file"_a = file);
    } else {
        where = trf("Page {page} (offset 0x{offset:X}) of {section}: no file; it goes to the pagefile when it leaves memory",
                    "page"_a = data_page->page, "offset"_a = offset, "section"_a = data_section_name(app, data_page->section));
    }
    ImGui::TextWrapped("%s", where.c_str());
    app.probe().value("frame.data_section", fmt::format("{} {}", data_page->section, data_page->page));
}

// The PFN database entry, and what the page's entry becomes when the page leaves memory.
void pfn_entry(App& app, uint32_t f, const std::optional<DataPage>& data_page) {
    const mm::PfnEntry& e = app.mm().pfn()[f];
    if (ImGui::BeginTable("##pfn", 4, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_BordersInnerV)) {
        auto cell = [&](const char* k, const std::string& v) {
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", k);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(v.c_str());
        };
        cell(tr("State"), tr(mm::frame_state_name(e.state)));
        cell(tr("Use"), tr(mm::frame_use_name(e.use)));
        cell(tr("Owner"), e.owner == mm::kNoSpace ? std::string("-") : app.machine().space_name(e.owner));
        cell(tr("Share count"), std::to_string(e.share_count));
        cell(tr("List"), tr(mm::frame_list_name(e.list)));
        std::string flags;
        if (e.flags & mm::PfnEntry::kModified) flags += std::string(tr("modified")) + " ";
        if (e.flags & mm::PfnEntry::kLocked) flags += tr("locked");
        if (e.flags & mm::PfnEntry::kWsLocked) flags += tr("locked in the working set (VirtualLock)");
        cell(tr("Flags"), flags.empty() ? "-" : flags);
        // A section page's frame points back at its prototype PTE (by index), and its original
        // PTE is the prototype's "in the file" form (mm/Section.h), not a process PTE.
        if (data_page) cell(tr("Prototype PTE"), trf("section {section} page {page}", "section"_a = data_page->section, "page"_a = data_page->page));
        else if (e.use == mm::FrameUse::Image) cell(tr("Prototype PTE"), fmt::format("#{}", e.proto_index().raw()));
        else cell(tr("PTE address"), e.pte_address() ? fmt::format("{:08X}", uint32_t(e.pte_address())) : std::string("-"));
        cell(tr("Original PTE"), e.original_pte ? fmt::format("{:08X}", e.original_pte) : std::string("-"));
        ImGui::EndTable();
    }
    std::string back;
    bool prototype = true;  // the frame's entry is a prototype PTE (else a process's PTE)
    if (data_page) {
        const bool file = app.mm().data_sections()[data_page->section].kind == mm::DataSectionKind::File;
        const bool dirty = (e.flags & mm::PfnEntry::kModified) != 0;
        // A file page always goes back to "in the file" (written to the file first when dirty);
        // a pagefile-backed one goes to its slot when dirty.
        back = file ? (dirty ? trf("in the file (page {page}), after writing it back to the file", "page"_a = data_page->page)
                             : trf("in the file (page {page})", "page"_a = data_page->page))
                    : (e.original_pte ? data_proto_state(app, data_page->section, data_page->page, e.original_pte) : std::string("-"));
    } else if (e.use == mm::FrameUse::Image && e.original_pte) {
        const uint32_t o = e.original_pte;
        back = (o & mm::SoftwarePte::kPrototypeBit)
                   ? trf("in the image file (page {page}), {protection}", "page"_a = x86::Pte(o).frame(),
                         "protection"_a = mm::protection_name(mm::to_win32_protection(mm::SoftwarePte::protection(o))))
                   : entry_summary(app.session(), o, false);
    } else if (e.original_pte) {
        prototype = false;
        back = entry_summary(app.session(), e.original_pte, false);
    }
    if (!back.empty())
        ImGui::TextDisabled("%s", (prototype ? trf("When this page leaves memory its prototype PTE becomes: {entry}", "entry"_a = back)
                                             : trf("When this page leaves memory its PTE becomes: {entry}", "entry"_a = back))
                                      .c_str());
}

// One line of "Mapped by": who points at the frame, in its own words.
std::string mapper_text(App& app, const Mapping& mp) {
    const mm::MemoryManager& m = app.mm();
    const std::string who = app.machine().space_name(mp.space);
    switch (mp.kind) {
        case Mapping::Kind::Pte: {
            std::string text = trf("{process}: PTE at {pa:08X} = {entry:08X} maps page {va:08X}", "process"_a = who, "pa"_a = mp.entry_pa,
                                   "entry"_a = mp.entry, "va"_a = mp.va);
            if (const mm::Vad* v = m.vad_at(mp.space, mp.va); v && v->type == mm::VadType::Mapped)
                text += " " + trf("(view of {mapping}, page {page})",
                                  "mapping"_a = v->mapping < m.mappings().size() && !m.mappings()[v->mapping].name.empty()
                                                    ? m.mappings()[v->mapping].name
                                                    : trf("mapping {index}", "index"_a = v->mapping),
                                  "page"_a = v->offset_page + (x86::vpn(mp.va) - v->start_vpn));
            return text;
        }
        case Mapping::Kind::TransitionPte:
            return trf("{process}: PTE at {pa:08X} = {entry:08X} (transition) for page {va:08X}", "process"_a = who, "pa"_a = mp.entry_pa,
                       "entry"_a = mp.entry, "va"_a = mp.va);
        case Mapping::Kind::Pde:
            return trf("{process}: PDE at {pa:08X} = {entry:08X}: page table for {first:08X}-{last:08X}", "process"_a = who, "pa"_a = mp.entry_pa,
                       "entry"_a = mp.entry, "first"_a = mp.va, "last"_a = mp.va | 0x3FFFFF);
        case Mapping::Kind::Directory: return trf("{process}: CR3 = {entry:08X}: its page directory", "process"_a = who, "entry"_a = mp.entry);
        case Mapping::Kind::Prototype:
            if (mm::MemoryManager::is_data_proto(mp.va))
                return trf("data section {section}: prototype PTE of page {page} = {entry:08X}", "section"_a = mm::MemoryManager::data_proto_section(mp.va),
                           "page"_a = mm::MemoryManager::data_proto_page(mp.va), "entry"_a = mp.entry);
            return prototype_text(app, mp.va, mp.entry);
    }
    return {};
}

// Every PTE, PDE, CR3 and prototype PTE that points at the frame, each with "show".
void mapped_by(App& app, uint32_t f, bool data_page) {
    ImGui::Spacing();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(tr("Mapped by"));
    ImGui::PopFont();
    const auto maps = app.derived().mappers_of(f);
    std::string probe_maps;
    if (maps.empty()) ImGui::TextDisabled("%s", tr("No PTE, PDE or CR3 points at this frame."));
    for (size_t i = 0; i < maps.size() && i < 64; ++i) {
        const Mapping& mp = maps[i];
        ImGui::PushID(int(i));
        ImGui::BeginDisabled(mp.kind == Mapping::Kind::Prototype);
        const bool show = ImGui::SmallButton(tr("show"));
        ImGui::EndDisabled();
        if (show) {
            if (mp.kind == Mapping::Kind::Pte || mp.kind == Mapping::Kind::TransitionPte) app.select_page(mp.space, mp.va);
            else app.select_space(mp.space);
            if (mp.kind == Mapping::Kind::Pde) app.select_pde(x86::pde_index(mp.va));
            app.raise(PanelId::PageTables);
        }
        ImGui::SameLine();
        ImGui::PushFont(app.fonts().mono);
        ImGui::TextUnformatted(mapper_text(app, mp).c_str());
        ImGui::PopFont();
        ImGui::PopID();
        const std::string sep = probe_maps.empty() ? "" : ";";
        probe_maps += mp.kind == Mapping::Kind::Prototype ? fmt::format("{}prototype {}", sep, mp.va)
                                                          : fmt::format("{}{} {:08X}", sep, app.machine().space_name(mp.space), mp.va);
    }
    if (maps.size() > 64) ImGui::TextDisabled("%s", trf("... and {count} more", "count"_a = maps.size() - 64).c_str());
    if (data_page && std::none_of(maps.begin(), maps.end(), [](const Mapping& mp) { return mp.kind == Mapping::Kind::Pte; }))
        ImGui::TextDisabled("%s", tr("No view maps this page now: the section keeps it, and the next access through any view is a soft fault."));
    app.probe().value("frame.mappers", probe_maps);
}

// The 4 KB in hex (as 32-bit entries with their meaning for page directories and tables), the
// bytes the current step wrote highlighted.
void content(App& app, uint32_t f) {
    UiState& st = app.state();
    const mm::MemoryManager& m = app.mm();
    const mm::PfnEntry& e = m.pfn()[f];
    ImGui::Spacing();
    ImGui::PushFont(app.fonts().bold);
    ImGui::TextUnformatted(tr("Content"));
    ImGui::PopFont();
    const bool table_frame = e.use == mm::FrameUse::PageTable || e.use == mm::FrameUse::PageDirectory;
    ImGui::SameLine();
    bool words = st.hex_as_words || table_frame;
    ImGui::BeginDisabled(table_frame);
    if (ImGui::Checkbox(tr("32-bit words"), &words)) st.hex_as_words = words;
    ImGui::EndDisabled();
    if (m.ram().content(f).is_zero_page()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", tr("(never written: reads as zeros)"));
    }
    HexViewOptions hv;
    hv.base = f << 12;
    hv.words = words;
    const uint8_t* bytes = m.ram().content(f).data();
    hv.byte = [bytes](uint32_t off) { return bytes[off]; };
    const ChangeSet& changed = app.derived().changes();
    hv.changed = [&](uint32_t off) { return changed.bytes.count((f << 12) + off) != 0; };
    if (table_frame)
        hv.word_note = [bytes](uint32_t off) {
            uint32_t v;
            std::memcpy(&v, bytes + off, 4);
            return short_entry(v);
        };
    hv.changed_colour = app.colours().changed;
    ImGui::PushFont(app.fonts().mono);
    const std::string first = hex_view("##hex", hv, ImGui::GetContentRegionAvail().y);
    ImGui::PopFont();
    app.probe().value("frame.hex.first", first);
}

}  // namespace

void draw_frame_window(App& app) {
    UiState& st = app.state();
    if (!app.has_session() || !st.frame || *st.frame >= app.mm().pfn().size()) {
        st.frame_window_open = false;
        return;
    }
    const uint32_t f = *st.frame;
    const ImVec2 ws = app.window_size();
    ImGui::SetNextWindowPos(ImVec2(std::floor(ws.x * 0.36f), std::floor(ws.y * 0.16f)), ImGuiCond_Appearing);
    ImGui::SetNextWindowSize(ImVec2(std::floor(std::min(ws.x * 0.46f, ImGui::GetFontSize() * 46)), std::floor(ws.y * 0.64f)),
                             ImGuiCond_Appearing);
    const std::string title = trf("Frame 0x{frame:X}", "frame"_a = f) + "###frame-window";
    bool open = true;
    if (ImGui::Begin(title.c_str(), &open, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse)) {
        app.probe().value("frame.window", "open");
        app.probe().value("frame.number", fmt::format("{:X}", f));
        app.probe().rect("frame.window", ImRect(ImGui::GetWindowPos(), ImGui::GetWindowPos() + ImGui::GetWindowSize()));
        const auto data_page = data_page_of(app.mm(), app.mm().pfn()[f]);
        frame_header(app, f, data_page);
        pfn_entry(app, f, data_page);
        mapped_by(app, f, data_page.has_value());
        content(app, f);
    }
    ImGui::End();
    st.frame_window_open = open;
}

}  // namespace pagelab::ui
