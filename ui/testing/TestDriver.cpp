#include "testing/TestDriver.h"

#include <cfloat>
#include <cstdio>

#include "App.h"

namespace pagelab::ui {

void TestDriver::click(const std::string& rect_name, ImVec2 fraction) {
    click_at(rect_name, [rect_name, fraction](App& app) -> std::optional<ImVec2> {
        const ImRect* r = app.probe().find_rect(rect_name);
        if (!r) return std::nullopt;
        return ImVec2(r->Min.x + (r->Max.x - r->Min.x) * fraction.x, r->Min.y + (r->Max.y - r->Min.y) * fraction.y);
    });
}

void TestDriver::click_at(const std::string& what, Where where) {
    // Hover first (ImGui needs a frame to know what is under the mouse), press, release, settle.
    m_queue.push_back(Micro{Op::Move, what, std::move(where)});
    m_queue.push_back(Micro{Op::Down, what});
    m_queue.push_back(Micro{Op::Up, what});
    m_queue.push_back(Micro{Op::Idle, what});
}

void TestDriver::hover(const std::string& rect_name, ImVec2 fraction, int frames) {
    hover_at(rect_name, [rect_name, fraction](App& app) -> std::optional<ImVec2> {
        const ImRect* r = app.probe().find_rect(rect_name);
        if (!r) return std::nullopt;
        return ImVec2(r->Min.x + (r->Max.x - r->Min.x) * fraction.x, r->Min.y + (r->Max.y - r->Min.y) * fraction.y);
    }, frames);
}

void TestDriver::hover_at(const std::string& what, Where where, int frames) {
    // The button stays up: ImGui sees the mouse move and nothing else.
    m_queue.push_back(Micro{Op::Move, what, std::move(where)});
    for (int i = 0; i < frames; ++i) m_queue.push_back(Micro{Op::Idle, what});
}

void TestDriver::key(int glfw_key, bool shift, bool ctrl) {
    Micro down{Op::KeyDown, "key"};
    down.key = glfw_key;
    down.shift = shift;
    down.ctrl = ctrl;
    Micro up{Op::KeyUp, "key"};
    up.key = glfw_key;
    up.shift = shift;
    m_queue.push_back(down);
    m_queue.push_back(up);
    m_queue.push_back(Micro{Op::Idle, "key"});
}

void TestDriver::type(const std::string& text) {
    Micro m{Op::Type, text};
    m_queue.push_back(m);
    m_queue.push_back(Micro{Op::Idle, "type"});
}

void TestDriver::wheel(const std::string& rect_name, ImVec2 fraction, float amount) {
    click_at(rect_name, [rect_name, fraction](App& app) -> std::optional<ImVec2> {
        const ImRect* r = app.probe().find_rect(rect_name);
        if (!r) return std::nullopt;
        return ImVec2(r->Min.x + (r->Max.x - r->Min.x) * fraction.x, r->Min.y + (r->Max.y - r->Min.y) * fraction.y);
    });
    // click_at queued move, down, up, idle: replace the press and release by one wheel turn.
    m_queue.pop_back();
    m_queue.pop_back();
    m_queue.pop_back();
    Micro w{Op::Wheel, rect_name};
    w.wheel = amount;
    m_queue.push_back(w);
    m_queue.push_back(Micro{Op::Idle, rect_name});
}

namespace {
TestDriver::Where point_in(const std::string& rect_name, ImVec2 fraction) {
    return [rect_name, fraction](App& app) -> std::optional<ImVec2> {
        const ImRect* r = app.probe().find_rect(rect_name);
        if (!r) return std::nullopt;
        return ImVec2(r->Min.x + (r->Max.x - r->Min.x) * fraction.x, r->Min.y + (r->Max.y - r->Min.y) * fraction.y);
    };
}
}  // namespace

void TestDriver::drag(const std::string& rect_name, ImVec2 from, ImVec2 to) {
    m_queue.push_back(Micro{Op::Move, rect_name, point_in(rect_name, from)});
    m_queue.push_back(Micro{Op::Down, rect_name});
    for (int i = 1; i <= 4; ++i) {
        const float f = float(i) / 4;
        const ImVec2 p(from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f);
        m_queue.push_back(Micro{Op::Move, rect_name, point_in(rect_name, p)});
    }
    m_queue.push_back(Micro{Op::Up, rect_name});
    m_queue.push_back(Micro{Op::Idle, rect_name});
}

void TestDriver::double_click_at(const std::string& what, Where where) {
    m_queue.push_back(Micro{Op::Move, what, std::move(where)});
    for (int i = 0; i < 2; ++i) {
        m_queue.push_back(Micro{Op::Down, what});
        m_queue.push_back(Micro{Op::Up, what});
    }
    m_queue.push_back(Micro{Op::Idle, what});
}

void TestDriver::mouse_away() {
    m_queue.push_back(Micro{Op::Move, "mouse away", [](App&) -> std::optional<ImVec2> { return ImVec2(-FLT_MAX, -FLT_MAX); }});
    m_queue.push_back(Micro{Op::Idle, "mouse away"});
}

void TestDriver::wait(int frames) {
    for (int i = 0; i < frames; ++i) m_queue.push_back(Micro{Op::Idle, "wait"});
}

void TestDriver::wait_until(const std::string& what, std::function<bool(App&)> ready, int max_frames) {
    Micro m{Op::WaitUntil, what};
    m.ready = std::move(ready);
    m.key = max_frames;
    m_queue.push_back(std::move(m));
}

void TestDriver::act(const std::string& what, std::function<void(App&)> fn) {
    Micro m{Op::Act, what};
    m.act = std::move(fn);
    m_queue.push_back(std::move(m));
    m_queue.push_back(Micro{Op::Idle, what});
}

void TestDriver::check(const std::string& what, Check fn) {
    Micro m{Op::Check, what};
    m.check = std::move(fn);
    m_queue.push_back(std::move(m));
}

void TestDriver::fail(const std::string& what, const std::string& why) {
    ++m_failures;
    m_dump = true;
    std::printf("FAIL: %s: %s\n", what.c_str(), why.c_str());
}

void TestDriver::inject(App& app) {
    ImGuiIO& io = ImGui::GetIO();
    if (!m_queue.empty() && !m_aborted) {
        Micro m = std::move(m_queue.front());
        m_queue.pop_front();
        switch (m.op) {
            case Op::Move:
                if (auto p = m.where(app)) {
                    m_mouse = *p;
                } else {
                    fail(m.what, "nothing to click: the widget was not drawn");
                    // The rest of the script depends on this click; stop rather than cascade.
                    m_aborted = true;
                }
                break;
            case Op::Down: m_mouse_down = true; break;
            case Op::Up: m_mouse_down = false; break;
            case Op::KeyDown:
                io.KeysDown[m.key] = true;
                io.KeyShift = m.shift;
                io.KeyCtrl = m.ctrl;
                break;
            case Op::KeyUp:
                io.KeysDown[m.key] = false;
                break;
            case Op::Wheel: io.MouseWheel = m.wheel; break;
            case Op::Idle: io.KeyShift = io.KeyCtrl = false; break;
            case Op::Act: m.act(app); break;
            case Op::WaitUntil:
                io.KeyShift = io.KeyCtrl = false;
                if (m.key-- > 0 && !m.ready(app)) m_queue.push_front(std::move(m));
                break;
            case Op::Check: m_pending_check = std::move(m); break;
            case Op::Type:
                for (char c : m.what) io.AddInputCharacter(static_cast<unsigned char>(c));
                break;
        }
    }
    // The platform backend wrote the real (absent) mouse; the script's mouse replaces it.
    io.MousePos = m_mouse;
    io.MouseDown[0] = m_mouse_down;
    for (int i = 1; i < 5; ++i) io.MouseDown[i] = false;
}

void TestDriver::after_frame(App& app) {
    if (!m_pending_check) return;
    Micro m = std::move(*m_pending_check);
    m_pending_check.reset();
    ++m_checks;
    const std::string why = m.check(app);
    if (!why.empty()) fail(m.what, why);
    else std::printf("ok: %s\n", m.what.c_str());
}

}  // namespace pagelab::ui
