// The objects the machine holds: processes and their address spaces, each process's loaded
// modules, the image sections with their prototype PTEs, the files on the emulated disk, and the
// TLB. (Handles and data-file sections arrive with later issues.)
#include "App.h"
#include "panels/Panels.h"
#include "sim/Trace.h"
#include "widgets/Widgets.h"

#include <fmt/format.h>

#include "mm/SoftwarePte.h"

namespace pagelab::ui {

namespace {

constexpr ImGuiTableFlags kTable = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;

// What a prototype PTE says (mm/Section.h): valid (the shared frame), in the file, or in the pagefile.
std::string proto_state(uint32_t p) {
    if (p & 1) return fmt::format("in frame 0x{:X}", p >> 12);
    if (p & mm::SoftwarePte::kPrototypeBit) return "in the file (next access reads it)";
    if (mm::SoftwarePte::kind(p) == mm::PteKind::Pagefile) return fmt::format("pagefile slot {}", mm::SoftwarePte::slot(p));
    return fmt::format("{:08X}", p);
}

void processes_table(App& app) {
    const mm::MemoryManager& m = app.mm();
    const Derived& d = app.derived();
    if (!ImGui::BeginTable("##procs", 7, kTable)) return;
    ImGui::TableSetupColumn("Process");
    ImGui::TableSetupColumn("State");
    ImGui::TableSetupColumn("Space");
    ImGui::TableSetupColumn("CR3");
    ImGui::TableSetupColumn("Regions");
    ImGui::TableSetupColumn("Committed");
    ImGui::TableSetupColumn("Resident");
    ImGui::TableHeadersRow();
    for (const os::Process& p : app.machine().processes()) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const bool alive = p.space < m.spaces().size() && m.space(p.space).alive();
        swatch(owner_colour(p.space, app.state().high_contrast));
        ImGui::SameLine();
        ImGui::PushID(int(p.id));
        if (ImGui::Selectable(p.name.c_str(), app.state().space == p.space, ImGuiSelectableFlags_SpanAllColumns) && alive)
            app.select_space(p.space);
        ImGui::PopID();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(os::process_state_name(p.state));
        ImGui::TableNextColumn();
        if (p.space == mm::kNoSpace) continue;
        ImGui::Text("%u%s", p.space, m.current_space() == p.space ? " (running)" : "");
        if (!alive) continue;
        const mm::AddressSpace& sp = m.space(p.space);
        ImGui::TableNextColumn();
        ImGui::Text("%08X", sp.cr3());
        ImGui::TableNextColumn();
        ImGui::Text("%zu", m.regions(sp.id()).size());  // its own and (win95) the shared arena's
        uint32_t committed = 0, resident = 0;
        for (uint8_t c : d.page_classes(p.space)) {
            const auto pc = PageClass(c);
            if (pc == PageClass::Present || pc == PageClass::Transition) ++resident;
            if (pc == PageClass::Present || pc == PageClass::Transition || pc == PageClass::DemandZero ||
                pc == PageClass::Pagefile || pc == PageClass::Prototype)
                ++committed;
        }
        ImGui::TableNextColumn();
        ImGui::Text("%u pages", committed);
        ImGui::TableNextColumn();
        ImGui::Text("%u pages", resident);
    }
    ImGui::EndTable();
}

void modules_table(App& app) {
    const os::Machine& machine = app.machine();
    bool any = false;
    for (const os::Process& p : machine.processes()) {
        const auto& mods = machine.modules(p.id);
        if (mods.empty()) continue;
        any = true;
        const std::string label = fmt::format("Modules of {} ({})###mods{}", p.name, mods.size(), p.id);
        if (!ImGui::TreeNodeEx(label.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) continue;
        if (ImGui::BeginTable("##mods", 5, kTable)) {
            ImGui::TableSetupColumn("Module");
            ImGui::TableSetupColumn("Base");
            ImGui::TableSetupColumn("Size");
            ImGui::TableSetupColumn("Refs");
            ImGui::TableSetupColumn("Notes", ImGuiTableColumnFlags_WidthStretch, 2.0f);
            ImGui::TableHeadersRow();
            for (const os::Module& mod : mods) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(mod.name.c_str());
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", mod.path.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%08X", mod.base);
                ImGui::TableNextColumn();
                ImGui::Text("0x%X", mod.size);
                ImGui::TableNextColumn();
                ImGui::Text("%u", mod.refcount);
                ImGui::TableNextColumn();
                std::string notes = mod.is_exe ? "EXE" : "DLL";
                if (mod.relocated) notes += ", relocated";
                notes += fmt::format(", section {}", mod.section);
                if (!mod.imports.empty()) {
                    notes += ", imports";
                    for (const auto& i : mod.imports) notes += " " + i;
                }
                ImGui::TextDisabled("%s", notes.c_str());
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
    if (!any) ImGui::TextDisabled("No module is loaded at this point of the lesson.");
}

void sections_table(App& app) {
    const mm::MemoryManager& m = app.mm();
    const Palette& pal = app.colours();
    const auto& changed = app.derived().changes().protos;
    if (m.sections().empty()) {
        ImGui::TextDisabled("No image section exists at this point of the lesson.");
        return;
    }
    for (const mm::ImageSection& sec : m.sections()) {
        const std::string file = sec.file < m.files().size() ? m.files()[sec.file].path : "?";
        const std::string label = fmt::format("Section {}: {} ({} pages, {} views)###sec{}", sec.id, file, sec.pages_count(),
                                              m.section_views(sec.id), sec.id);
        if (!ImGui::TreeNode(label.c_str())) continue;
        if (ImGui::BeginTable("##protos", 4, kTable)) {
            ImGui::TableSetupColumn("RVA");
            ImGui::TableSetupColumn("Proto PTE");
            ImGui::TableSetupColumn("Protection");
            ImGui::TableSetupColumn("Page", ImGuiTableColumnFlags_WidthStretch, 2.0f);
            ImGui::TableHeadersRow();
            for (uint32_t i = 0; i < sec.pages_count(); ++i) {
                const mm::ImagePage& pg = sec.pages[i];
                const uint32_t index = sec.first_proto + i;
                const uint32_t p = index < m.prototypes().size() ? m.prototypes()[index] : 0;
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::Text("%05X", pg.rva);
                ImGui::TableNextColumn();
                if (changed.count(index)) text_coloured(pal.changed, fmt::format("#{} {:08X}", index, p));
                else ImGui::Text("#%u %08X", index, p);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(mm::protection_name(mm::to_win32_protection(pg.mm_protection)).c_str());
                ImGui::TableNextColumn();
                std::string what = proto_state(p);
                if (pg.shared) what += ", SHARED";
                if (pg.file_bytes == 0) what += ", demand-zero (.bss)";
                ImGui::TextUnformatted(what.c_str());
                if ((p & 1) && ImGui::IsItemClicked()) app.open_frame(p >> 12);
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
}

void files_table(App& app) {
    const mm::MemoryManager& m = app.mm();
    if (m.files().empty()) {
        ImGui::TextDisabled("This lesson declares no files.");
        return;
    }
    if (!ImGui::BeginTable("##files", 2, kTable)) return;
    ImGui::TableSetupColumn("Path", ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn("Size");
    ImGui::TableHeadersRow();
    for (const mm::DiskFile& f : m.files()) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(f.path.c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%zu bytes", f.bytes.size());
    }
    ImGui::EndTable();
}

void tlb_table(App& app) {
    const x86::Tlb& tlb = app.mm().tlb();
    if (tlb.size() == 0) {
        ImGui::TextDisabled("This machine has no TLB (tlb: 0): every access walks the tables.");
        return;
    }
    ImGui::Text("%u entries, next victim %u", tlb.size(), tlb.next_victim());
    if (!ImGui::BeginTable("##tlb", 5, kTable)) return;
    ImGui::TableSetupColumn("#");
    ImGui::TableSetupColumn("Page");
    ImGui::TableSetupColumn("Frame");
    ImGui::TableSetupColumn("Rights");
    ImGui::TableSetupColumn("Dirty");
    ImGui::TableHeadersRow();
    for (uint32_t i = 0; i < tlb.size(); ++i) {
        const x86::TlbEntry& e = tlb.entries()[i];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%u", i);
        ImGui::TableNextColumn();
        if (!e.valid) {
            ImGui::TextDisabled("empty");
            continue;
        }
        ImGui::Text("%08X", e.vpn << 12);
        ImGui::TableNextColumn();
        ImGui::Text("0x%X", e.frame);
        ImGui::TableNextColumn();
        ImGui::Text("%s %s", e.user ? "U" : "K", e.writable ? "W" : "R");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(e.dirty ? "yes" : "no");
    }
    ImGui::EndTable();
}

}  // namespace

void draw_objects_panel(App& app) {
    if (!app.begin_panel(PanelId::Objects)) return;
    if (!app.has_session()) {
        ImGui::TextWrapped("%s", no_session_text());
        app.end_panel();
        return;
    }
    const mm::MemoryManager& m = app.mm();
    ImGui::TextDisabled("Machine: %s. Running: %s, CR3 %08X.", sim::describe_machine(m.config()).c_str(),
                        m.current_space() == mm::kNoSpace ? "nobody" : app.machine().space_name(m.current_space()).c_str(), m.cr3());
    if (ImGui::CollapsingHeader(fmt::format("Processes ({})###procs", app.machine().processes().size()).c_str(),
                                ImGuiTreeNodeFlags_DefaultOpen)) {
        if (app.machine().processes().empty()) ImGui::TextDisabled("No process exists at this point of the lesson.");
        else processes_table(app);
    }
    if (ImGui::CollapsingHeader("Modules", ImGuiTreeNodeFlags_DefaultOpen)) modules_table(app);
    if (ImGui::CollapsingHeader(fmt::format("Image sections ({})###sections", m.sections().size()).c_str())) sections_table(app);
    if (ImGui::CollapsingHeader(fmt::format("Files ({})###files", m.files().size()).c_str())) files_table(app);
    if (ImGui::CollapsingHeader("TLB")) tlb_table(app);
    ImGui::TextDisabled("Handles and data-file sections are not modelled yet.");
    app.end_panel();
}

}  // namespace pagelab::ui
