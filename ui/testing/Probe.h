// What the window drew this frame, recorded for the UI tests: the screen rectangles of the
// widgets a test clicks (buttons, grids, maps) and short texts standing for what a panel shows
// (the narration, the decoded entry, the first hex line). Off unless a test runs.
#pragma once

#include <map>
#include <string>

#include "imgui.h"
#include "imgui_internal.h"

namespace pagelab::ui {

class Probe {
public:
    bool enabled() const { return m_enabled; }
    void enable(bool on) { m_enabled = on; }
    void begin_frame() {
        if (!m_enabled) return;
        m_rects.clear();
        m_values.clear();
    }

    void rect(const std::string& name, const ImRect& r) {
        if (m_enabled) m_rects[name] = r;
    }
    void last_item(const std::string& name) {
        if (m_enabled) m_rects[name] = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    }
    void value(const std::string& name, const std::string& v) {
        if (m_enabled) m_values[name] = v;
    }

    const ImRect* find_rect(const std::string& name) const {
        auto it = m_rects.find(name);
        return it == m_rects.end() ? nullptr : &it->second;
    }
    const std::string* find_value(const std::string& name) const {
        auto it = m_values.find(name);
        return it == m_values.end() ? nullptr : &it->second;
    }
    const std::map<std::string, std::string>& values() const { return m_values; }

    // The texture maps check each partial update against a full fill and the GPU's copy.
    bool verify_textures() const { return m_enabled && m_verify_textures; }
    void set_verify_textures(bool on) { m_verify_textures = on; }

private:
    bool m_enabled = false;
    bool m_verify_textures = false;
    std::map<std::string, ImRect> m_rects;
    std::map<std::string, std::string> m_values;
};

}  // namespace pagelab::ui
