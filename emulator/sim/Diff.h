// Two moments of a session compared: what differs between the machine at moment A and at moment
// B — per process the regions whose state, protection or type changed, every PDE and PTE whose
// word differs, every frame whose list, use, owner or share count changed, the pagefile slots,
// the file mapping objects, data sections, image sections and handles, the processes and the
// counters (`pagelab diff`, and the window's Compare view).
//
// Computed from the journal, not from two full dumps: the changes between the two moments name
// every item that can differ, and each item's value at either moment is read from the machine as
// it stands, corrected by the first (or last) change of that item between the machine's position
// and the moment (see docs/architecture.md "Comparing two moments"). The cost is linear in the
// changes between the machine's position and the two moments, plus the items they touched; the
// machine is not moved. tests/unit/test_diff.cpp compares every result with a diff of two full
// dumps (the machine seeked to each moment) on random sessions and on every lesson.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "mm/MemoryManager.h"
#include "os/Machine.h"

namespace pagelab::sim {

class Session;

// ----- Moments -----------------------------------------------------------------------------
//
// A moment is a session cursor: the number of events applied (0 = the machine before the first
// step, Session::event_count() = after the last). parse_moment reads the forms the command line
// and the window's go-to box accept:
//   "N"          after N steps (0 = before the first step), as `pagelab state --at N`
//   a label      after the step that carries that `label:`
//   "event:N"    after event [N] of the trace (events are numbered from 0 as the trace prints them)
//   "start", "end"
// On failure the error is one sentence naming what was given ("--from 12: the scenario has 10
// steps"), without the option name (the caller adds it).
std::variant<size_t, std::string> parse_moment(const Session& s, std::string_view text);
// "step 3" (a step boundary), "step 8 (first swap)" (its label, unless with_label is false),
// "event 17 (in step 4)", "the start".
std::string describe_moment(const Session& s, size_t cursor, bool with_label = true);

// ----- What a diff lists ---------------------------------------------------------------------

// VirtualQuery's answer for one page: the facts a region row shows.
struct PageFacts {
    uint32_t state = mm::mem::kFree;       // MEM_COMMIT / MEM_RESERVE / MEM_FREE
    uint32_t protect = mm::page::kNoAccess;  // Protect (Win32 PAGE_*)
    uint32_t type = 0;                     // MEM_PRIVATE / MEM_MAPPED / MEM_IMAGE; 0 when free
    uint32_t allocation_base = 0;
    uint32_t allocation_protect = 0;
    bool operator==(const PageFacts&) const = default;
};

// A run of pages of one process whose facts differ, the same before and after for every page.
struct RegionChange {
    uint16_t space = 0;  // address space id (Machine::space_name gives the process)
    uint32_t base = 0;
    uint32_t size = 0;   // bytes
    PageFacts before, after;
    bool operator==(const RegionChange&) const = default;
};

enum class EntryLevel : uint8_t { Pde, Pte };

// A PDE or PTE whose word differs. 0 stands for an empty entry and also for an entry that does not
// exist at that moment (no page table, no process), as `pagelab state` lists only non-zero entries.
struct EntryChange {
    EntryLevel level = EntryLevel::Pte;
    uint16_t space = 0;    // mm::kNoSpace: a win95 shared page table (the same PTE in every process)
    uint32_t va = 0;       // the page (PTE) or the base of the 4 MB range (PDE)
    uint32_t before = 0, after = 0;
    bool operator==(const EntryChange&) const = default;
};

// The PFN database entry of a frame, as far as a diff compares it (flink/blink are list order,
// not listed).
struct FrameFacts {
    mm::FrameState state = mm::FrameState::Zeroed;  // RAMMap's list name
    mm::FrameUse use = mm::FrameUse::None;
    uint16_t owner = 0xFFFF;                         // address space id (0xFFFF none / shared)
    uint16_t share_count = 0;
    uint32_t pte_address = 0;                        // the PTE's physical address, or a prototype index
    uint32_t original_pte = 0;                       // NT's "restore pte"
    bool modified = false;
    bool operator==(const FrameFacts&) const = default;
};

struct FrameChange {
    uint32_t frame = 0;
    FrameFacts before, after;
    // The frame's bytes were written between the two moments (they may have come back to what
    // they were). A frame whose facts are equal is listed when its bytes were written.
    bool bytes_written = false;
    bool operator==(const FrameChange&) const = default;
};

struct SlotChange {
    uint32_t slot = 0;
    bool before = false, after = false;  // in use
    bool written = false;                // its content was replaced between the two moments
    bool operator==(const SlotChange&) const = default;
};

// A file mapping object, data section, handle, image section or process that differs; an empty
// optional: it does not exist at that moment.
struct MappingChange {
    uint32_t id = 0;
    std::optional<mm::MappingObject> before, after;
    bool operator==(const MappingChange&) const = default;
};
struct DataSectionChange {
    uint32_t id = 0;
    std::optional<mm::DataSection> before, after;
    bool operator==(const DataSectionChange&) const = default;
};
struct HandleChange {
    uint16_t space = 0;
    uint32_t handle = 0;
    std::optional<mm::HandleEntry> before, after;
    bool operator==(const HandleChange&) const = default;
};
struct ImageSectionChange {
    uint32_t id = 0;
    std::optional<uint32_t> before, after;  // views mapped of it
    bool operator==(const ImageSectionChange&) const = default;
};
struct ProcessChange {
    uint16_t process = 0;
    std::optional<os::ProcessState> before, after;
    bool operator==(const ProcessChange&) const = default;
};

// A counter, or one of the figures derived from the frame lists and the pagefile:
// frames_free (free + zeroed lists), frames_standby, frames_modified, frames_active,
// pagefile_used. Counters come first in mm::Counter order, then these.
struct CounterChange {
    std::string name;
    uint64_t before = 0, after = 0;
    bool operator==(const CounterChange&) const = default;
};

struct Diff {
    size_t from = 0, to = 0;  // the two moments (cursors)
    std::vector<ProcessChange> processes;         // by process id
    std::vector<RegionChange> regions;            // by address space, then address
    std::vector<EntryChange> entries;             // by address space (shared tables last), PDEs first, then by address
    std::vector<FrameChange> frames;              // by frame
    std::vector<SlotChange> slots;                // by slot
    std::vector<MappingChange> mappings;          // by id
    std::vector<DataSectionChange> data_sections; // by id
    std::vector<ImageSectionChange> image_sections;
    std::vector<HandleChange> handles;            // by address space, then handle
    std::vector<CounterChange> counters;
    bool empty() const;
    bool operator==(const Diff&) const = default;
};

// The difference between the machine at moment `from` and at moment `to` (cursors, either order;
// from > to lists what going back undoes). The session is not moved: it reads the machine where
// it stands and the journal between there and the two moments, so it is fastest when the cursor
// stands at one of them (the window: a pinned moment against the current one). Deterministic.
Diff diff_moments(const Session& s, size_t from, size_t to);

// The pages a diff lists for one address space, as sorted, disjoint [first_vpn, end_vpn) runs
// (regions and PTEs together): what the window's address strip marks.
std::vector<std::pair<uint32_t, uint32_t>> changed_pages(const Diff& d, uint16_t space);

// ----- Printing --------------------------------------------------------------------------------

// Entry words decoded as `pagelab state` decodes them: "00004027 (valid, frame 0x4, ----A--UWEV)",
// "00000000 (none)".
std::string entry_text(const mm::MemoryManager& m, EntryLevel level, uint32_t word);
// "Commit READWRITE Private (allocation 00010000 READWRITE)", "Free".
std::string page_facts_text(const PageFacts& f);
// "Active Process Private of B, share 1, pte 00008008, restore 00000080, modified".
std::string frame_facts_text(const Session& s, const FrameFacts& f);
// "4 KB", "1016 KB", "4 MB".
std::string size_words(uint64_t bytes);

// The text `pagelab diff` prints: a header naming the moments, then per process its regions and
// entries, the shared page tables, frames, pagefile slots, objects and counters; "no difference"
// when the diff is empty.
void write_diff_text(const Session& s, const Diff& d, std::ostream& out);
// The same as one JSON document (docs/cli.md lists its keys).
nlohmann::ordered_json diff_json(const Session& s, const Diff& d);

// The name of a process by id at any moment (a process created after the machine's position
// included), and of an address space ("shared" for mm::kNoSpace).
std::string process_name(const Session& s, uint16_t process);
std::string space_label(const Session& s, uint16_t space);

}  // namespace pagelab::sim
