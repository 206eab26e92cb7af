// Finding things in the window (issue 19), over sim/Find.h:
//  - the go-to box (Ctrl+G): a hex address, a bound name (`buf+0x1000`, `B:buf`), `pfn 0x12`,
//    `slot 3`; the panels jump to it (the process, its PDE/PTE, region and frame; the frame's map
//    cell and window; the pagefile slot);
//  - the Events panel's filter: by kind, process, address range, frame, slot and words, with
//    previous/next match, "like this one", and a breakpoint made from the filter;
//  - the File menu's exports of the current moment (VMMap/RAMMap CSV, WinDbg text) and the
//    selected PTE's `!pte` text on the clipboard.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pagelab::ui {

class App;

// Go to: does what the box says (also for tests); false and a reason in UiState::goto_result
// when the text names nothing.
bool go_to(App& app, const std::string& text);
void draw_goto_box(App& app);  // the Ctrl+G popup (UiState::open_goto opens it)

// The filter row at the top of the Events panel. Returns the events to list when a valid filter
// is typed (the matches over the whole run), else nothing (the panel lists the step's events).
std::optional<std::vector<size_t>> draw_event_filter(App& app);
// "Like this one": the filter for event e's kind in its process, typed into the search box.
void filter_like_event(App& app, size_t e);

// File menu: Export submenu and the clipboard item; the export popup.
void export_menu_items(App& app);
void draw_export_popup(App& app);
// Writes the current moment's files into `dir`: <lesson>-<moment>-regions.csv (VMMap),
// -frames.csv (RAMMap) and .windbg.txt. Returns the paths written, or an error in `error`.
std::vector<std::string> export_moment(App& app, const std::string& dir, std::string& error);
// The selected PTE's `!pte` block as WinDbg prints it ("" when no PTE is selected).
std::string selected_pte_windbg(App& app);

}  // namespace pagelab::ui
