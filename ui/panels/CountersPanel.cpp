// The machine's counters at the cursor (with what the current step added) and plots over the
// whole run (up to the next unanswered quiz question): faults by kind, free / standby / modified
// frames, pagefile use and commit charge.
#include "App.h"
#include "panels/Panels.h"
#include "widgets/Plot.h"
#include "i18n/I18n.h"
#include "widgets/Widgets.h"

#include <fmt/format.h>

namespace pagelab::ui {

using i18n::tr;

void draw_counters_panel(App& app) {
    const PanelScope panel(app, PanelId::Counters);
    if (!panel) return;
    const Palette& pal = app.colours();
    const mm::MemoryManager& m = app.mm();
    const Derived& d = app.derived();
    const sim::Session& s = app.session();
    const RunSeries& rs = app.series();

    const int pairs = ImGui::GetContentRegionAvail().x > ImGui::GetFontSize() * 22 ? 2 : 1;
    if (ImGui::BeginTable("##counters", 3 * pairs, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
        for (int p = 0; p < pairs; ++p) {
            ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 3);
            ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 2.6f);
        }
        const size_t n = mm::kCounterCount;
        const size_t rows = (n + size_t(pairs) - 1) / size_t(pairs);
        for (size_t r = 0; r < rows; ++r) {
            ImGui::TableNextRow();
            for (int p = 0; p < pairs; ++p) {
                const size_t i = r + size_t(p) * rows;
                ImGui::TableNextColumn();
                if (i >= n) {
                    ImGui::TableNextColumn();
                    ImGui::TableNextColumn();
                    continue;
                }
                ImGui::TextDisabled("%s", std::string(mm::counter_name(mm::Counter(i))).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%llu", static_cast<unsigned long long>(m.counters()[i]));
                ImGui::TableNextColumn();
                if (const int64_t delta = d.changes().counter_delta[i]) text_coloured(pal.changed, fmt::format("{:+d}", delta));
            }
        }
        ImGui::EndTable();
    }
    app.probe().value("counters.page_faults", std::to_string(m.counter(mm::Counter::PageFaults)));

    // Plots over the run; the white line is the cursor.
    const double pos = double(s.steps_done()) +
                       (s.at_step_boundary() || s.cursor() == 0
                            ? 0.0
                            : double(s.cursor() - s.first_event_of_step(s.current_step())) /
                                  double(std::max<size_t>(1, s.first_event_of_step(s.current_step() + 1) - s.first_event_of_step(s.current_step()))));
    auto series_of = [&](mm::Counter c) {
        std::vector<double> v;
        for (const auto& sample : rs.counters) v.push_back(double(sample[size_t(c)]));
        return v;
    };
    auto of = [](const std::vector<uint32_t>& in) { return std::vector<double>(in.begin(), in.end()); };
    const float avail_h = ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y * 3;
    const float plot_h = std::max(ImGui::GetFontSize() * 4.0f, avail_h / 3.0f);
    const ImVec2 size(ImGui::GetContentRegionAvail().x, plot_h);
    // While quizzes are on, the run past the next unanswered question is not shown: the plots
    // would tell its answer (sample k is the machine after k steps, before step k).
    const size_t shown = app.quiz_on() ? app.quiz().horizon(s) + 1 : SIZE_MAX;
    plot_lines("##faults",
               {{tr("demand-zero"), pal.page[int(PageClass::DemandZero)], series_of(mm::Counter::DemandZeroFaults)},
                {tr("hard"), pal.page[int(PageClass::Pagefile)], series_of(mm::Counter::HardFaults)},
                {tr("soft"), pal.page[int(PageClass::Transition)], series_of(mm::Counter::SoftFaults)},
                {tr("CoW"), pal.changed, series_of(mm::Counter::CowFaults)},
                {tr("dirty-bit"), pal.slot_used, series_of(mm::Counter::DirtyBitFaults)},
                {tr("AV"), pal.fail, series_of(mm::Counter::AccessViolations)},
                {tr("guard"), pal.page[int(PageClass::Prototype)], series_of(mm::Counter::GuardPageFaults)}},
               pos, size, pal.plot_bg, tr("faults:"), shown);
    plot_lines("##frames",
               {{tr("free"), pal.page[int(PageClass::Reserved)], of(rs.free_frames)},
                {tr("standby"), pal.page[int(PageClass::Transition)], of(rs.standby_frames)},
                {tr("modified"), pal.page[int(PageClass::Pagefile)], of(rs.modified_frames)}},
               pos, size, pal.plot_bg, tr("frames:"), shown);
    plot_lines("##pagefile",
               {{tr("pagefile used"), pal.slot_used, of(rs.pagefile_used)},
                {tr("commit charge"), pal.page[int(PageClass::DemandZero)], series_of(mm::Counter::CommitCharge)}},
               pos, size, pal.plot_bg, tr("pages:"), shown);
}

}  // namespace pagelab::ui
