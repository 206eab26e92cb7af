// File > Export: the current moment as VMMap's region table and RAMMap's frame list (CSV) and as
// WinDbg's !vad/!pte/!pfn blocks — the same files `pagelab state --format csv|windbg` writes — and
// the selected PTE's !pte block on the clipboard (ui/Find.h).
#include "Find.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "App.h"

#include <imgui_stdlib.h>
#include "sim/Export.h"
#include "widgets/Widgets.h"
#include "i18n/I18n.h"

namespace pagelab::ui {

using namespace fmt::literals;
using i18n::tr;
using i18n::trf;

namespace {

// "01-demand-zero-step3" at a step boundary, "01-demand-zero-event17" between.
std::string moment_stem(App& app) {
    const sim::Session& s = app.session();
    const std::string lesson = std::filesystem::path(app.scenario_path()).stem().string();
    if (s.at_step_boundary()) return fmt::format("{}-step{}", lesson, s.steps_done());
    return fmt::format("{}-event{}", lesson, s.cursor());
}

bool write_file(const std::filesystem::path& path, const std::string& text, std::string& error) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
        error = trf("{file}: could not be written", "file"_a = path.string());
        return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> export_moment(App& app, const std::string& dir, std::string& error) {
    std::vector<std::string> written;
    if (!app.has_session()) return written;
    const os::Machine& m = app.machine();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        error = trf("{folder}: not a folder", "folder"_a = dir);
        return written;
    }
    const std::filesystem::path base = std::filesystem::path(dir) / moment_stem(app);
    const sim::StateOptions options;
    std::ostringstream regions, frames, windbg;
    sim::write_regions_csv(m, regions, options);
    sim::write_frames_csv(m, frames);
    sim::write_state_windbg(m, windbg, options);
    const std::pair<std::string, std::string> files[] = {
        {base.string() + "-regions.csv", regions.str()}, {base.string() + "-frames.csv", frames.str()}, {base.string() + ".windbg.txt", windbg.str()}};
    for (const auto& [path, text] : files) {
        if (!write_file(path, text, error)) return written;
        written.push_back(path);
    }
    return written;
}

std::string selected_pte_windbg(App& app) {
    const UiState& st = app.state();
    if (!app.has_session() || !st.entry_selected || st.entry_level != EntryLevel::Pte || !app.alive(st.space)) return {};
    return sim::windbg_pte(app.machine(), st.space, (st.pde_index << 22) | (st.pte_index << 12));
}

void export_menu_items(App& app) {
    UiState& st = app.state();
    if (ImGui::MenuItem(tr("Export this moment..."), nullptr, false, app.has_session())) st.open_export = true;
    app.probe().last_item("menu.file.export");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", tr("VMMap's region table and RAMMap's frame list (CSV) and WinDbg's !vad, !pte and !pfn (text) of the machine as shown"));
    const std::string pte = selected_pte_windbg(app);
    if (ImGui::MenuItem(tr("Copy !pte of the selected PTE"), "Ctrl+Shift+C", false, !pte.empty())) {
        ImGui::SetClipboardText(pte.c_str());
        st.status = tr("!pte copied to the clipboard");
    }
    app.probe().last_item("menu.file.copy_pte");
}

void draw_export_popup(App& app) {
    UiState& st = app.state();
    if (st.open_export) {
        ImGui::OpenPopup("Export this moment");
        st.export_result.clear();
        st.open_export = false;
    }
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(size.x * 0.5f, size.y * 0.3f), ImGuiCond_Appearing, ImVec2(0.5f, 0.0f));
    if (!ImGui::BeginPopup("Export this moment")) return;
    ImGui::TextUnformatted(trf("Export {moment} as", "moment"_a = sim::describe_moment(app.session(), app.session().cursor())).c_str());
    ImGui::BulletText("%s", trf("{stem}-regions.csv  (VMMap's columns)", "stem"_a = moment_stem(app)).c_str());
    ImGui::BulletText("%s", trf("{stem}-frames.csv  (RAMMap's Physical Pages)", "stem"_a = moment_stem(app)).c_str());
    ImGui::BulletText("%s.windbg.txt  (!vad, !pte, !pfn)", moment_stem(app).c_str());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 24);
    ImGui::InputText((std::string(tr("Folder")) + "###export_dir").c_str(), &st.export_dir);
    app.probe().last_item("export.dir");
    if (ImGui::Button(tr("Write"))) {
        std::string error;
        const auto files = export_moment(app, st.export_dir, error);
        st.export_result = error.empty() ? i18n::trfn("wrote {count} file in {folder}", "wrote {count} files in {folder}", files.size(), "count"_a = files.size(), "folder"_a = st.export_dir) : error;
        st.status = st.export_result;
    }
    app.probe().last_item("export.write");
    ImGui::SameLine();
    if (ImGui::Button(tr("Close")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) ImGui::CloseCurrentPopup();
    if (!st.export_result.empty()) ImGui::TextDisabled("%s", st.export_result.c_str());
    app.probe().value("export.result", st.export_result);
    ImGui::EndPopup();
}

}  // namespace pagelab::ui
