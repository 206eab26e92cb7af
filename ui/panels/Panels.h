// One function per panel, each in its own file. A panel opens its slot with App::begin_panel,
// reads the session through App's const accessors, and changes it only through App's commands.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace pagelab::ui {

class App;
enum class PanelId : uint8_t;

// One panel's window for one frame: opens its layout slot (App::begin_panel), and closes it when
// the scope ends. A panel that needs a scenario says so itself when none is loaded and is then
// false, like a panel hidden behind another tab:
//     const PanelScope panel(app, PanelId::Walk);
//     if (!panel) return;
class PanelScope {
public:
    enum class Without : uint8_t { SayNoScenario, DrawAnyway };  // what happens with no scenario loaded
    PanelScope(App& app, PanelId id, Without without = Without::SayNoScenario);
    ~PanelScope();
    PanelScope(const PanelScope&) = delete;
    PanelScope& operator=(const PanelScope&) = delete;
    explicit operator bool() const { return m_drawing; }

private:
    App& m_app;
    bool m_open = false;     // the slot window was begun (and must be ended)
    bool m_drawing = false;  // the panel draws its content
};

void draw_menu_bar(App& app);
void draw_controls_panel(App& app);
void draw_lesson_panel(App& app);
void draw_events_panel(App& app);
void draw_address_space_panel(App& app);
void draw_objects_panel(App& app);
void draw_page_tables_panel(App& app);
void draw_compare_panel(App& app);
void draw_entry_decoder_panel(App& app);
void draw_walk_panel(App& app);
void draw_tlb_panel(App& app);
void draw_physical_panel(App& app);
void draw_frame_window(App& app);
void draw_pagefile_panel(App& app);
void draw_counters_panel(App& app);
void draw_scenario_picker(App& app);
void draw_load_error(App& app);
void draw_shortcuts_help(App& app);

// The colour of a frame in the physical map's current mode, and its hover card.
unsigned frame_colour(App& app, unsigned frame);
void frame_tooltip(App& app, unsigned frame);

// "section 0 (C:\APP\AppInst.exe): prototype PTE #3 = 00005025 for the page at RVA 2000".
std::string prototype_text(App& app, unsigned index, unsigned value);

// Mapped files (mm/Section.h). "data section 1 (C:\DATA\notes.txt)" / "data section 2 (pagefile-backed)".
std::string data_section_name(App& app, unsigned section);
// "'NotesMap' (mapping 0)" / "unnamed mapping 1".
std::string mapping_name(App& app, unsigned mapping);
// What a data section's prototype PTE says: "valid: frame 0x12", "in the file (page 3, offset
// 0x3000)", "pagefile slot 5", "demand-zero (committed, never touched)", "reserved (SEC_RESERVE,
// not committed)".
std::string data_proto_state(App& app, unsigned section, unsigned page, unsigned value);
// A view (a VAD of type Mapped): "view of 'NotesMap' (mapping 0) at offset 0x10000 of data section 1 (...)".
std::string view_text(App& app, unsigned mapping, unsigned offset_page, unsigned section);

// Shared by several panels: a row of buttons choosing the selected process. Returns false
// (and says so) when no process exists at the cursor.
bool process_selector(App& app, const char* id);
// What a panel says when no process has an address space: none exists yet, or "A failed
// (CreateProcess did not complete): no address space to show (see Objects)."
std::string no_address_space_text(App& app);
float process_selector_width(App& app);
// The selector on the panel's tab row when it fits there, else on its own line.
bool process_selector_in_tab_row(App& app, const char* id, float extra_width = 0,
                                 const std::function<void()>& extra = {});
// "pin": while checked, moving through the lesson keeps the selection (process, entry, frame);
// unchecked, each move selects what it touched.
void pin_checkbox(App& app);
// What a panel says when no scenario is loaded.
const char* no_session_text();

}  // namespace pagelab::ui
