// Finding things in a session: the go-to box (Ctrl+G in the window) and the event filter (the
// Events panel's search, "next/previous event like this one", breakpoints made from a filter).
//
// Go-to syntax (parse_goto):
//   00401000  0x00401000       a virtual address (hex; a bare number is hex, as in WinDbg)
//   buf  buf+0x1000  buf-16    a name the scenario binds (`as:`), with an offset as the scenario
//                              writes it (0x-hex or decimal)
//   B:buf+0x1000  B:401000     the same in process B only (without it: every process that sees it)
//   pfn 0x12  pfn 12  frame 12 a physical frame (hex)
//   slot 3                     a pagefile slot (decimal, as the trace prints slots; 0x3 also works)
//
// Event filter syntax (parse_event_filter), terms separated by spaces, all must hold:
//   kind:NAME[,NAME…]   an event kind (page-fault, pagefile-write, …), a fault kind (demand-zero,
//                       copy-on-write, soft, …) or a group: fault, page-out, page-in, trim, cow,
//                       region, loader, file, mapping
//   process:P           events of process P
//   range:LO-HI  at:VA  events that touch an address in [LO, HI] (hex) / the page of VA
//   frame:N  slot:N     events that touch that frame / pagefile slot
//   anything else       words the event's sentence or kind must contain (case-insensitive)
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mm/MemoryManager.h"
#include "sim/Diff.h"

namespace pagelab::sim {

class Session;

// ----- Go to -------------------------------------------------------------------------------------

enum class TargetKind : uint8_t { Address, Frame, Slot };

struct GotoTarget {
    TargetKind kind = TargetKind::Address;
    uint32_t value = 0;                  // the virtual address, frame number or slot number
    std::optional<std::string> process;  // "B:…" restricts an address to process B
    std::string note;                    // e.g. "buf is bound by step 4, later than this moment"
};

// The names bound at a moment: those of the last step whose events are all applied.
const std::map<std::string, uint64_t>* bindings_at(const Session& s, size_t cursor);

// Parses the go-to box. Names resolve with the bindings at `cursor`; a name bound only later
// resolves to its first binding, with a note saying so. Errors are one sentence naming the text
// ("0x12G4: not a hex address, a name the scenario binds, pfn N or slot N").
std::variant<GotoTarget, std::string> parse_goto(const Session& s, std::string_view text, size_t cursor);

// What a virtual address is in one process at the machine's present moment.
struct AddressAt {
    uint16_t space = 0;
    std::string process;
    bool region_known = false;            // VirtualQuery answered (it does not beyond user space)
    mm::MemoryBasicInformation region;    // the block holding the address
    mm::MemoryManager::PteInfo pte;       // its PDE and PTE
    std::string pte_text;                 // decoded as `pagelab state` decodes it
    std::optional<uint32_t> frame;        // resident (valid or transition)
    std::optional<uint32_t> slot;         // its copy in the pagefile
};
// A frame, and every entry that maps it: (space, va) for a PTE (kNoSpace: a shared table's),
// (space, 4 MB base) for a page table's PDE.
struct FrameAt {
    uint32_t frame = 0;
    FrameFacts facts;
    std::vector<std::pair<uint16_t, uint32_t>> mapped_by;
};
// A pagefile slot, and the pages whose copy it holds: (space, va) (kNoSpace: a section's page).
struct SlotAt {
    uint32_t slot = 0;
    bool in_use = false;
    std::vector<std::pair<uint16_t, uint32_t>> pages;
};
struct Located {
    GotoTarget target;
    std::vector<AddressAt> addresses;  // Address: one per process that has an address space
    std::optional<FrameAt> frame;      // Frame, or the frame behind the address in the first process
    std::optional<SlotAt> slot;        // Slot
    std::string summary;               // one line for a status bar
};
// What the target names at the machine's present moment (the window: its cursor).
Located resolve_location(const Session& s, const GotoTarget& target);

// ----- What an event touched ----------------------------------------------------------------------

// From the event's arguments and its changes: the process, the virtual ranges [first, end) its
// arguments name, the frames and pagefile slots its changes or arguments touch.
struct EventTouches {
    uint16_t space = mm::kNoSpace;
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    std::set<uint32_t> frames;
    std::set<uint32_t> slots;
};
EventTouches event_touches(const Session& s, size_t event);

// ----- Event filter -------------------------------------------------------------------------------

struct EventFilter {
    std::set<mm::EventKind> kinds;          // empty: any kind
    std::optional<std::string> process;     // by name
    std::optional<std::pair<uint32_t, uint32_t>> range;  // inclusive
    std::optional<uint32_t> frame;
    std::optional<uint32_t> slot;
    std::vector<std::string> words;         // lower case; each must appear in the sentence or kind
    bool include_operations = false;        // operation events (a step's own) match only if set

    bool empty() const {
        return kinds.empty() && !process && !range && !frame && !slot && words.empty();
    }
    bool matches(const Session& s, size_t event) const;
};

std::variant<EventFilter, std::string> parse_event_filter(std::string_view text);
// The filter written as parse_event_filter reads it ("kind:trim process:A"): what the window's
// search box shows for "like this one", and a filter breakpoint's text.
std::string filter_text(const EventFilter& f);
// The event kinds a kind: term names (one kind, a fault kind, or a group); empty if unknown.
std::set<mm::EventKind> kinds_named(std::string_view name);

// "Like this one": the same kind, in the same process.
EventFilter filter_like(const Session& s, size_t event);

enum class Direction : uint8_t { Forward, Backward };
// The first matching event after `event` (Forward) or before it (Backward), not `event` itself.
// Forward from the cursor: next_match(s, f, s.cursor() - 1) — or from the start, event = npos.
std::optional<size_t> next_match(const Session& s, const EventFilter& f, size_t event, Direction d);
inline constexpr size_t kNoEvent = size_t(-1);
// Every match in [first, end), at most `limit` (the Events panel's list).
std::vector<size_t> matching_events(const Session& s, const EventFilter& f, size_t first, size_t end, size_t limit = size_t(-1));

}  // namespace pagelab::sim
