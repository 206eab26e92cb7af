// The objects the machine holds: processes and their address spaces, each process's loaded
// modules, the image sections with their prototype PTEs, the files on the emulated disk, each
// process's handle table, the file mapping objects, the data sections (mapped files and
// pagefile-backed sections) with their prototype PTEs, and the TLB.
#include "App.h"
#include "panels/Panels.h"
#include "sim/Trace.h"
#include "widgets/Widgets.h"

#include <fmt/format.h>

#include "mm/SoftwarePte.h"
#include "i18n/I18n.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

namespace {

constexpr ImGuiTableFlags kTable = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;

// What a prototype PTE says (mm/Section.h): valid (the shared frame), in the file, or in the pagefile.
std::string proto_state(uint32_t p) {
    if (x86::Pte(p).present()) return trf("in frame 0x{frame:X}", "frame"_a = x86::Pte(p).frame());
    if (p & mm::SoftwarePte::kPrototypeBit) return tr("in the file (next access reads it)");
    if (mm::SoftwarePte::kind(p) == mm::PteKind::Pagefile) return trf("pagefile slot {slot}", "slot"_a = mm::SoftwarePte::slot(p));
    return fmt::format("{:08X}", p);
}

void processes_table(App& app) {
    const mm::MemoryManager& m = app.mm();
    const Derived& d = app.derived();
    if (!ImGui::BeginTable("##procs", 7, kTable)) return;
    ImGui::TableSetupColumn(tr("Process"));
    ImGui::TableSetupColumn(tr("State"));
    ImGui::TableSetupColumn(tr("Space"));
    ImGui::TableSetupColumn(tr("CR3"));
    ImGui::TableSetupColumn(tr("Regions"));
    ImGui::TableSetupColumn(tr("Committed"));
    ImGui::TableSetupColumn(tr("Resident"));
    table_headers_row();
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
        ImGui::TextUnformatted(m.current_space() == p.space ? trf("{space} (running)", "space"_a = p.space).c_str() : std::to_string(p.space).c_str());
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
        ImGui::TextUnformatted(trfn("{count} page", "{count} pages", committed, "count"_a = committed).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(trfn("{count} page", "{count} pages", resident, "count"_a = resident).c_str());
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
        const std::string label = trf("Modules of {process} ({count})", "process"_a = p.name, "count"_a = mods.size()) + fmt::format("###mods{}", p.id);
        if (!ImGui::TreeNodeEx(label.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) continue;
        if (ImGui::BeginTable("##mods", 5, kTable)) {
            ImGui::TableSetupColumn(tr("Module"));
            ImGui::TableSetupColumn(tr("Base"));
            ImGui::TableSetupColumn(tr("Size"));
            ImGui::TableSetupColumn(tr("Refs"));
            ImGui::TableSetupColumn(tr("Notes"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
            table_headers_row();
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
                if (mod.relocated) notes += std::string(", ") + tr("relocated");
                notes += ", " + trf("section {index}", "index"_a = mod.section);
                if (!mod.imports.empty()) {
                    notes += std::string(", ") + tr("imports");
                    for (const auto& i : mod.imports) notes += " " + i;
                }
                ImGui::TextDisabled("%s", notes.c_str());
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
    if (!any) ImGui::TextDisabled("%s", tr("No module is loaded at this point of the lesson."));
}

void sections_table(App& app) {
    const mm::MemoryManager& m = app.mm();
    const Palette& pal = app.colours();
    const auto& changed = app.derived().changes().protos;
    if (m.sections().empty()) {
        ImGui::TextDisabled("%s", tr("No image section exists at this point of the lesson."));
        return;
    }
    for (const mm::ImageSection& sec : m.sections()) {
        const std::string file = sec.file < m.files().size() ? m.files()[sec.file].path : "?";
        const std::string label = trf("Section {id}: {file} ({pages} pages, {views} views)", "id"_a = sec.id, "file"_a = file,
                                      "pages"_a = sec.pages_count(), "views"_a = m.section_views(sec.id)) + fmt::format("###sec{}", sec.id);
        if (!ImGui::TreeNode(label.c_str())) continue;
        if (ImGui::BeginTable("##protos", 4, kTable)) {
            ImGui::TableSetupColumn(tr("RVA"));
            ImGui::TableSetupColumn(tr("Proto PTE"));
            ImGui::TableSetupColumn(tr("Protection"));
            ImGui::TableSetupColumn(tr("Page"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
            table_headers_row();
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
                if (pg.file_bytes == 0) what += std::string(", ") + tr("demand-zero (.bss)");
                ImGui::TextUnformatted(what.c_str());
                if (x86::Pte(p).present() && ImGui::IsItemClicked()) app.open_frame(x86::Pte(p).frame());
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
}

// The first bytes of a file, as hex and as text.
std::string file_preview(const mm::DiskFile& f, size_t n) {
    std::string hex, text;
    for (size_t i = 0; i < f.bytes.size() && i < n; ++i) {
        const uint8_t b = f.bytes[i];
        hex += fmt::format("{}{:02X}", i ? " " : "", b);
        text += (b >= 0x20 && b < 0x7F) ? char(b) : '.';
    }
    if (f.bytes.size() > n) text += "...";
    return hex.empty() ? std::string(tr("(empty)")) : hex + "  " + text;
}

void files_table(App& app) {
    const mm::MemoryManager& m = app.mm();
    const Palette& pal = app.colours();
    const auto& changed = app.derived().changes().files;
    if (m.files().empty()) {
        ImGui::TextDisabled("%s", tr("No file is on the disk at this point of the lesson."));
        return;
    }
    if (!ImGui::BeginTable("##files", 4, kTable)) return;
    ImGui::TableSetupColumn(tr("Path"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn(tr("Bytes"), ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn(tr("Section"), ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn(tr("First bytes"), ImGuiTableColumnFlags_WidthStretch, 3.0f);
    table_headers_row();
    ImGuiListClipper clipper;
    clipper.Begin(int(m.files().size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const mm::DiskFile& f = m.files()[size_t(i)];
            const bool now = changed.count(uint32_t(i)) != 0;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (now) text_coloured(pal.changed, f.path);
            else ImGui::TextUnformatted(f.path.c_str());
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", now ? tr("created, resized or written by this step") : f.path.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%zu", f.bytes.size());
            ImGui::TableNextColumn();
            if (const auto ds = m.find_data_section(uint32_t(i))) ImGui::TextUnformatted(trf("data {index}", "index"_a = *ds).c_str());
            else if (const auto is = m.find_image_section(uint32_t(i))) ImGui::TextUnformatted(trf("image {index}", "index"_a = *is).c_str());
            else ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            ImGui::PushFont(app.fonts().mono);
            ImGui::TextDisabled("%s", file_preview(f, 8).c_str());
            ImGui::PopFont();
            if (ImGui::IsItemHovered()) {
                ImGui::BeginTooltip();
                ImGui::PushFont(app.fonts().mono);
                for (size_t off = 0; off < f.bytes.size() && off < 128; off += 16) {
                    mm::DiskFile row;
                    row.bytes.assign(f.bytes.begin() + long(off), f.bytes.begin() + long(std::min(f.bytes.size(), off + 16)));
                    ImGui::Text("%04zX  %s", off, file_preview(row, 16).c_str());
                }
                ImGui::PopFont();
                ImGui::EndTooltip();
            }
        }
    }
    ImGui::EndTable();
}

const char* data_kind_name(const mm::DataSection& ds) { return ds.kind == mm::DataSectionKind::File ? tr("file") : tr("pagefile"); }

void data_sections_table(App& app) {
    const mm::MemoryManager& m = app.mm();
    const Palette& pal = app.colours();
    const ChangeSet& changes = app.derived().changes();
    if (m.data_sections().empty()) {
        ImGui::TextDisabled("%s", tr("No data section exists at this point of the lesson (CreateFileMapping makes one)."));
        return;
    }
    for (const mm::DataSection& ds : m.data_sections()) {
        const std::string what = ds.kind == mm::DataSectionKind::File
                                     ? trf("file {path}", "path"_a = ds.file < m.files().size() ? m.files()[ds.file].path : std::string("?"))
                                     : std::string(tr("pagefile-backed"));
        const std::string label = trf("Data section {id}: {what}, {pages}, {views}, {mappings}", "id"_a = ds.id, "what"_a = what,
                                      "pages"_a = trfn("{count} page", "{count} pages", ds.pages, "count"_a = ds.pages),
                                      "views"_a = trfn("{count} view", "{count} views", ds.views, "count"_a = ds.views),
                                      "mappings"_a = trfn("{count} mapping object", "{count} mapping objects", ds.mappings, "count"_a = ds.mappings)) +
                                  (ds.reserve ? ", SEC_RESERVE" : "") + (ds.alive ? std::string() : " " + std::string(tr("(deleted)"))) +
                                  fmt::format("###dsec{}", ds.id);
        const bool now = changes.data_sections.count(ds.id) != 0;
        if (now) ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(pal.changed));
        else if (!ds.alive) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        const bool open = ImGui::TreeNodeEx(label.c_str(), ds.alive ? ImGuiTreeNodeFlags_DefaultOpen : 0);
        if (now || !ds.alive) ImGui::PopStyleColor();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s", ds.kind == mm::DataSectionKind::File
                                        ? tr("NT's control area of a data file: one per file, shared by every mapping of it, so every view "
                                             "and ReadFile/WriteFile see the same frames.")
                                        : tr("A section backed by the pagefile (CreateFileMapping with no file): its pages are zero-filled "
                                             "on first touch and go to the pagefile when dirty pages leave memory."));
        if (!open) continue;
        ImGui::TextDisabled("%s", trf("Protection of its prototype PTEs: {protection}", "protection"_a = mm::protection_name(mm::to_win32_protection(ds.mm_protection))).c_str());
        const auto& protos = m.data_prototypes(ds.id);
        if (protos.empty()) ImGui::TextDisabled("%s", tr("No prototype PTE."));
        else if (ImGui::BeginTable("##dprotos", 4, kTable | ImGuiTableFlags_ScrollY,
                                   ImVec2(0, std::min(float(protos.size() + 1), 12.5f) * ImGui::GetTextLineHeightWithSpacing()))) {
            ImGui::TableSetupScrollFreeze(0, 1);
            ImGui::TableSetupColumn(tr("Page"));
            ImGui::TableSetupColumn(tr("Offset"));
            ImGui::TableSetupColumn(tr("Proto PTE"));
            ImGui::TableSetupColumn(tr("What it says"), ImGuiTableColumnFlags_WidthStretch, 3.0f);
            table_headers_row();
            ImGuiListClipper clipper;
            clipper.Begin(int(protos.size()));
            while (clipper.Step()) {
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const uint32_t page = uint32_t(i), p = protos[size_t(i)];
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::Text("%u", page);
                    ImGui::TableNextColumn();
                    ImGui::Text("%X", page << 12);
                    ImGui::TableNextColumn();
                    if (changes.protos.count(mm::MemoryManager::data_proto_index(ds.id, page))) text_coloured(pal.changed, fmt::format("{:08X}", p));
                    else ImGui::Text("%08X", p);
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(data_proto_state(app, ds.id, page, p).c_str());
                    if (x86::Pte(p).present()) {
                        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", trf("click: open frame 0x{frame:X}", "frame"_a = x86::Pte(p).frame()).c_str());
                        if (ImGui::IsItemClicked()) app.open_frame(x86::Pte(p).frame());
                    }
                }
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
}

void mappings_table(App& app) {
    const mm::MemoryManager& m = app.mm();
    const Palette& pal = app.colours();
    const auto& changed = app.derived().changes().mapping_objects;
    if (m.mappings().empty()) {
        ImGui::TextDisabled("%s", tr("No file mapping object exists at this point of the lesson."));
        return;
    }
    if (!ImGui::BeginTable("##mappings", 7, kTable)) return;
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthStretch, 0.3f);
    ImGui::TableSetupColumn(tr("Name"), ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn(tr("Protection"), ImGuiTableColumnFlags_WidthStretch, 2.2f);
    ImGui::TableSetupColumn(tr("Size"), ImGuiTableColumnFlags_WidthStretch, 0.9f);
    ImGui::TableSetupColumn(tr("Section"), ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn(tr("Handles"), ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn(tr("Views"), ImGuiTableColumnFlags_WidthStretch, 0.7f);
    table_headers_row();
    ImGuiListClipper clipper;
    clipper.Begin(int(m.mappings().size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const mm::MappingObject& mo = m.mappings()[size_t(i)];
            ImGui::TableNextRow();
            const bool dead = !mo.alive();
            if (dead) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
            else if (changed.count(mo.id)) ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(pal.changed));
            ImGui::TableNextColumn();
            ImGui::Text("%u", mo.id);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(mo.name.empty() ? tr("(unnamed)") : mo.name.c_str());
            if (dead) {
                ImGui::SameLine();
                ImGui::TextUnformatted(tr("closed"));
            }
            ImGui::TableNextColumn();
            std::string prot = mm::protection_name(mo.protect);
            if (mo.flags & mm::sec::kReserve) prot += ", SEC_RESERVE";
            if (mo.flags & mm::sec::kCommit) prot += ", SEC_COMMIT";
            if (mo.image()) prot += ", SEC_IMAGE";
            if (mo.flags & mm::sec::kFile) prot += ", SEC_FILE";
            if (mo.flags & mm::sec::kNoCache) prot += ", SEC_NOCACHE";
            ImGui::TextUnformatted(prot.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("0x%llX", (unsigned long long)mo.size);
            ImGui::TableNextColumn();
            if (mo.image()) {
                ImGui::TextUnformatted(trf("image {index}", "index"_a = mo.image_section).c_str());
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s", trf("the image section of {file}: its views map the image (MEM_IMAGE)",
                                                "file"_a = m.files()[m.sections()[mo.image_section].file].path).c_str());
            } else {
                if (mo.section < m.data_sections().size())
                    ImGui::Text("%u (%s)", mo.section, data_kind_name(m.data_sections()[mo.section]));
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", data_section_name(app, mo.section).c_str());
            }
            ImGui::TableNextColumn();
            ImGui::Text("%u", mo.handles);
            ImGui::TableNextColumn();
            ImGui::Text("%u", mo.views);
            if (dead || changed.count(mo.id)) ImGui::PopStyleColor();
        }
    }
    ImGui::EndTable();
}

std::string access_text(const mm::HandleEntry& h) {
    std::string out;
    auto add = [&](const char* w) { out += out.empty() ? w : std::string(" | ") + w; };
    if (h.kind == mm::HandleKind::File) {
        if (h.access & mm::generic::kRead) add("GENERIC_READ");
        if (h.access & mm::generic::kWrite) add("GENERIC_WRITE");
    } else if ((h.access & mm::filemap::kAllAccess) == mm::filemap::kAllAccess) {
        add("FILE_MAP_ALL_ACCESS");
    } else {
        if (h.access & mm::filemap::kRead) add("FILE_MAP_READ");
        if (h.access & mm::filemap::kWrite) add("FILE_MAP_WRITE");
        if (h.access & mm::filemap::kCopy) add("FILE_MAP_COPY");
        if (h.access & mm::filemap::kExecute) add("FILE_MAP_EXECUTE");
    }
    return out.empty() ? fmt::format("0x{:X}", h.access) : out;
}

void handles_tables(App& app) {
    const mm::MemoryManager& m = app.mm();
    const Palette& pal = app.colours();
    const auto& changed = app.derived().changes().handles;
    bool any = false;
    for (const os::Process& p : app.machine().processes()) {
        if (p.space == mm::kNoSpace || p.space >= m.spaces().size() || !m.space(p.space).alive()) continue;
        const auto& table = m.handles(p.space);
        bool closed_now = false;  // a handle this step closed is no longer in the table
        for (const auto& [sp, h] : changed)
            if (sp == p.space && !table.count(h)) closed_now = true;
        if (table.empty() && !closed_now) continue;
        any = true;
        const std::string label = trf("Handles of {process} ({count})", "process"_a = p.name, "count"_a = table.size()) + fmt::format("###handles{}", p.id);
        if (!ImGui::TreeNodeEx(label.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) continue;
        if (table.empty()) ImGui::TextDisabled("%s", tr("The table is empty: this step closed its last handle."));
        else if (ImGui::BeginTable("##handles", 4, kTable)) {
            ImGui::TableSetupColumn(tr("Handle"), ImGuiTableColumnFlags_WidthStretch, 0.7f);
            ImGui::TableSetupColumn(tr("Kind"), ImGuiTableColumnFlags_WidthStretch, 0.7f);
            ImGui::TableSetupColumn(tr("Object"), ImGuiTableColumnFlags_WidthStretch, 2.6f);
            ImGui::TableSetupColumn(tr("Access"), ImGuiTableColumnFlags_WidthStretch, 2.8f);
            table_headers_row();
            std::vector<std::pair<uint32_t, const mm::HandleEntry*>> rows;
            for (const auto& [value, h] : table) rows.push_back({value, &h});
            ImGuiListClipper clipper;
            clipper.Begin(int(rows.size()));
            while (clipper.Step()) {
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const auto [value, h] = rows[size_t(i)];
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    if (changed.count({p.space, value})) text_coloured(pal.changed, fmt::format("0x{:X}", value));
                    else ImGui::Text("0x%X", value);
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(h->kind == mm::HandleKind::File ? "File" : "Section");
                    ImGui::TableNextColumn();
                    if (h->kind == mm::HandleKind::File)
                        ImGui::TextUnformatted(h->object < m.files().size() ? m.files()[h->object].path.c_str() : "?");
                    else
                        ImGui::TextUnformatted(mapping_name(app, h->object).c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextDisabled("%s", access_text(*h).c_str());
                }
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
    if (!any) ImGui::TextDisabled("%s", tr("No process holds a handle at this point of the lesson."));
}

}  // namespace

void draw_objects_panel(App& app) {
    const PanelScope panel(app, PanelId::Objects);
    if (!panel) return;
    const mm::MemoryManager& m = app.mm();
    ImGui::TextDisabled("%s", trf("Machine: {machine}. Running: {process}, CR3 {cr3:08X}.", "machine"_a = sim::describe_machine(m.config()),
                                  "process"_a = m.current_space() == mm::kNoSpace ? std::string(tr("nobody")) : app.machine().space_name(m.current_space()),
                                  "cr3"_a = m.cr3()).c_str());
    if (ImGui::CollapsingHeader((trf("Processes ({count})", "count"_a = app.machine().processes().size()) + "###procs").c_str(),
                                ImGuiTreeNodeFlags_DefaultOpen)) {
        if (app.machine().processes().empty()) ImGui::TextDisabled("%s", tr("No process exists at this point of the lesson."));
        else processes_table(app);
    }
    if (ImGui::CollapsingHeader((std::string(tr("Modules")) + "###modules").c_str(), ImGuiTreeNodeFlags_DefaultOpen)) modules_table(app);
    if (ImGui::CollapsingHeader((trf("Image sections ({count})", "count"_a = m.sections().size()) + "###sections").c_str())) sections_table(app);
    // Mapped files open by themselves once the lesson uses them.
    const bool files_used = !m.mappings().empty();
    size_t handle_count = 0;
    for (const mm::AddressSpace& sp : m.spaces())
        if (sp.alive()) handle_count += m.handles(sp.id()).size();
    const ImGuiTreeNodeFlags used = files_used ? ImGuiTreeNodeFlags_DefaultOpen : 0;
    if (ImGui::CollapsingHeader((trf("Files ({count})", "count"_a = m.files().size()) + "###files").c_str(), used)) files_table(app);
    if (ImGui::CollapsingHeader((trf("Handles ({count})", "count"_a = handle_count) + "###handles").c_str(), used)) handles_tables(app);
    size_t live_mappings = 0, live_sections = 0;
    for (const mm::MappingObject& mo : m.mappings()) live_mappings += mo.alive();
    for (const mm::DataSection& ds : m.data_sections()) live_sections += ds.alive;
    if (ImGui::CollapsingHeader((trf("File mapping objects ({count})", "count"_a = live_mappings) + "###mappings").c_str(), used)) mappings_table(app);
    if (ImGui::CollapsingHeader((trf("Data sections ({count})", "count"_a = live_sections) + "###dsections").c_str(), used)) data_sections_table(app);
}

}  // namespace pagelab::ui
