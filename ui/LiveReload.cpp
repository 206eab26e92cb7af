#include "LiveReload.h"

#include <algorithm>

#include <fmt/format.h>

#include "App.h"
#include "sim/Course.h"
#include "i18n/I18n.h"

namespace pagelab::ui {

namespace {
constexpr double kPollSeconds = 0.25;
}

void LiveReload::update(App& app, double dt) {
    if (!m_enabled) return;
    m_clock += dt;
    if (m_clock < kPollSeconds) return;
    m_clock = 0;
    // The lesson on screen; before any has loaded, the file the window was asked to open.
    const std::string target = app.has_session() ? app.scenario_path() : app.options().file;
    if (target.empty()) return;
    const void* session = app.has_session() ? static_cast<const void*>(&app.session()) : nullptr;
    if (target != m_target || session != m_session_seen) {
        std::vector<std::string> files = sim::scenario_files_to_watch(target, app.has_session() ? &app.session().scenario() : nullptr);
        m_course = sim::find_course_near(target);
        if (m_course) files.push_back(*m_course);
        m_watch.watch(files);
        if (target != m_target) {
            m_error.reset();
            m_excerpt.reset();
            m_course_error.reset();
        }
        m_target = target;
        m_session_seen = session;
    }
    const auto changed = m_watch.poll();
    if (changed.empty()) return;
    const bool course_changed = m_course && std::find(changed.begin(), changed.end(), *m_course) != changed.end();
    if (course_changed) {
        // The picker reads the index again; its error (if any) is shown like the lesson's.
        app.lessons(true);
        const CourseIndex& now = app.course();
        if (now.course) m_course_error.reset();
        else if (!now.error.empty()) {
            m_course_error = now.error;
            m_course_excerpt = sim::error_excerpt(now.error, *m_course);
        }
        if (changed.size() == 1) {
            app.state().status = now.course ? i18n::trf("Reloaded the course index {file}.", fmt::arg("file", *m_course))
                                             : std::string(i18n::tr("The course index has an error."));
            return;
        }
    }
    reload_scenario(app, target);
    m_session_seen = app.has_session() ? static_cast<const void*>(&app.session()) : nullptr;
}

void LiveReload::reload_scenario(App& app, const std::string& path) {
    auto result = sim::Session::load(path);
    if (auto* error = std::get_if<sim::LoadError>(&result)) {
        m_error = error->message;
        m_excerpt = sim::error_excerpt(error->message, path);
        app.state().status = i18n::tr("The file has an error: the last version that loaded stays on screen.");
        return;
    }
    auto fresh = std::move(std::get<std::unique_ptr<sim::Session>>(result));
    m_error.reset();
    m_excerpt.reset();
    ++m_reloads;
    if (!app.has_session()) {
        app.adopt_reload(std::move(fresh), std::nullopt);
        m_close_error_popup = true;
        return;
    }
    const sim::ReloadPlacement at = sim::place_after_reload(app.session(), app.session().cursor(), *fresh);
    app.adopt_reload(std::move(fresh), at);
}

namespace {

void draw_error(App& app, const std::string& what, const std::string& message, const std::optional<sim::ErrorExcerpt>& x,
                const std::string& probe) {
    const Palette& pal = app.colours();
    ImGui::PushStyleColor(ImGuiCol_Text, pal.fail);
    ImGui::TextUnformatted(what.c_str());
    ImGui::PopStyleColor();
    ImGui::PushFont(app.fonts().mono);
    ImGui::PushTextWrapPos(0.0f);
    if (x) {
        ImGui::TextUnformatted(fmt::format("{}: error: {}", x->where, x->message).c_str());
        if (!x->source.empty() || x->line > 0) {
            const std::string gutter = fmt::format("{:>5} | ", x->line);
            ImGui::TextUnformatted((gutter + x->source).c_str());
            ImGui::PushStyleColor(ImGuiCol_Text, pal.fail);
            ImGui::TextUnformatted((std::string(gutter.size() - 2, ' ') + "| " + x->caret).c_str());
            ImGui::PopStyleColor();
        }
        app.probe().value(probe + ".where", x->where);
        app.probe().value(probe + ".line", x->source);
        app.probe().value(probe + ".caret", x->caret);
    } else {
        ImGui::TextUnformatted(message.c_str());
    }
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    app.probe().value(probe, message);
}

}  // namespace

void LiveReload::draw(App& app) {
    app.probe().value("reload.count", std::to_string(m_reloads));
    if (m_close_error_popup) {
        // The file the window opened with did not load; now it does: its error dialog goes.
        if (ImGui::IsPopupOpen("Scenario error")) ImGui::ClosePopupToLevel(0, true);
        m_close_error_popup = false;
    }
    if (!m_error && !m_course_error) return;
    const ImVec2 ws = app.window_size();
    ImGui::SetNextWindowPos(ImVec2(0, ws.y), ImGuiCond_Always, ImVec2(0, 1));
    ImGui::SetNextWindowSize(ImVec2(ws.x, 0), ImGuiCond_Always);
    ImGui::SetNextWindowBgAlpha(1.0f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav;
    ImGui::Begin("##live-reload", nullptr, flags);
    if (m_error)
        draw_error(app, i18n::trf("{file} does not load. The window shows the last version that did; fix the file and save it.", fmt::arg("file", m_target)),
                   *m_error, m_excerpt, "reload.error");
    if (m_course_error) draw_error(app, i18n::tr("The course index does not load; the lesson picker lists the files by name."), *m_course_error,
                                   m_course_excerpt, "reload.course_error");
    app.probe().rect("reload.banner", ImRect(ImGui::GetWindowPos(), ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                                                            ImGui::GetWindowPos().y + ImGui::GetWindowSize().y)));
    ImGui::End();
}

}  // namespace pagelab::ui
