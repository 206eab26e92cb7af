// Two moments compared in the window (issue 19): the user pins a moment as A (the M key, or the
// Compare A/B panel's button) and the Compare A/B panel lists what differs between A and the
// current moment B (sim::diff_moments, from the journal); the address strip and the frame map
// mark what differs. The diff is recomputed only when A, B or the lesson changes.
#pragma once

#include <functional>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "imgui.h"

#include "sim/Diff.h"
#include "sim/Session.h"

namespace pagelab::ui {

class App;
struct TextureMapResult;
struct ZoomView;

// One line of the Compare A/B list. Item rows select their thing in the other panels.
struct CompareRow {
    enum class Kind : uint8_t { Section, Region, Entry, Frame, Slot, Object, Counter };
    Kind kind = Kind::Section;
    uint16_t space = mm::kNoSpace;            // Region, Entry: the process (kNoSpace: shared tables)
    uint32_t value = 0;                       // Region: base; Entry: va; Frame: frame; Slot: slot
    sim::EntryLevel level = sim::EntryLevel::Pte;
    std::string item;                         // what: "PTE 00402000", "frame 0x6", "slot 3", a section's title
    std::string a, b;                         // its value at moment A and now (B); both "" for sections
};

class MomentCompare {
public:
    std::optional<size_t> pinned() const { return m_pinned; }
    void pin(size_t cursor);
    void clear();  // also on loading a lesson

    // The diff of A against the current moment (nullptr: no moment pinned). Recomputed when A or
    // the cursor moved or another session is loaded; last_ms() is what the last one took.
    const sim::Diff* diff(const sim::Session& s);
    const std::vector<CompareRow>& rows(const sim::Session& s);
    // The pages of one process that differ, as sorted [first_vpn, end_vpn) runs, and the frames.
    const std::vector<std::pair<uint32_t, uint32_t>>& pages(const sim::Session& s, uint16_t space);
    const std::vector<uint32_t>& frames(const sim::Session& s);
    double last_ms() const { return m_ms; }
    std::optional<size_t> selected;  // the selected row

private:
    void refresh(const sim::Session& s);

    std::optional<size_t> m_pinned;
    const sim::Session* m_session = nullptr;
    uint64_t m_generation = 0;  // bumped by pin/clear: a reloaded session at the same address differs
    uint64_t m_built_generation = ~uint64_t{0};
    size_t m_built_cursor = ~size_t{0};
    sim::Diff m_diff;
    std::vector<CompareRow> m_rows;
    std::map<uint16_t, std::vector<std::pair<uint32_t, uint32_t>>> m_pages;
    std::vector<uint32_t> m_frames;
    double m_ms = 0;
};

// Pins the current moment as A (the M key), or unpins it when it is already A; raises the panel.
void toggle_moment_a(App& app);
// Selects a Compare A/B row's thing in the other panels.
void select_compare_row(App& app, const CompareRow& row);
// Marks on the address strip ([p0, p0 + size]) the pages of `space` that differ from A.
void mark_strip_differences(App& app, uint16_t space, const std::function<double(double)>& address_px, ImVec2 p0, ImVec2 size);
// Outlines the frames that differ from A on the frame map just drawn.
void mark_frame_differences(App& app, const TextureMapResult& map, uint32_t frames);

}  // namespace pagelab::ui
