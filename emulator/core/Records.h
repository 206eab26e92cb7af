// The journal's records: a change of one store's item (16 bytes) and an event (24 bytes), and
// what a page record names. core/Journal.h keeps them; core/JournalCodecs.h packs them.
#pragma once

#include <cstdint>

namespace pagelab::core {

// Which store a change touches. Each store is owned by one object of the machine.
enum class Store : uint8_t {
    PhysBytes,     // target = physical address, field = width (1,2,4); before/after = little-endian value
    FrameContent,  // target = frame; before/after = a page record (kNoBlob = all zero; see kInFrame)
    Pfn,           // target = frame; field = PfnField
    ListHead,      // target = list id; field = 0 first, 1 last, 2 count
    Slot,          // target = pagefile slot; before/after = in-use flag
    SlotContent,   // target = slot; before/after = a page record
    Counter,       // target = counter id; before/after = value
    Tlb,           // target = entry index; before/after = packed entry
    Cpu,           // field = 0 cr3, 1 current address space, 2 clock hand
    Vad,           // target = address space id; before/after = VAD blob index (kNoBlob = none)
    Space,         // target = address space id; field = SpaceField
    SpaceCreate,   // target = address space id (created by redo, removed by undo)
    Section,       // field 0: created (target = section id, after = blob); field 1: views (target = id)
    Proto,         // target = prototype PTE index; before/after = the prototype PTE word
    Os,            // os-level stores (processes, modules): field says which
    Object,        // files, handles, file mapping objects, data sections: field = mm::ObjectField
    ListMove,      // target = frame moved to the back of list `field`; before = its old predecessor
                   // (none: it was first), after = the old last frame it now follows (an LRU touch)
};

inline constexpr uint32_t kNoBlob = 0xFFFFFFFFu;

// A page record (FrameContent, SlotContent): kNoBlob for the all-zero page, an index of a page
// the journal keeps (Journal::keep_page), or where the same bytes are at that moment: in a frame
// (kInFrame | frame) or a pagefile slot (kInSlot | slot) other than the change's target. Undo and
// redo apply changes one at a time in order, so when a change is applied either way the place
// holds what it held when the change was recorded: naming it keeps no second reference to the
// bytes, and a page that still lives in the machine is not copied when it is written next.
inline constexpr uint32_t kInFrame = 0x80000000u;
inline constexpr uint32_t kInSlot = 0xC0000000u;
inline constexpr uint32_t kPlaceKind = 0xC0000000u;
inline constexpr uint32_t kNoPlace = 0;  // (a caller's "nowhere else": keep a reference)
inline constexpr bool is_place(uint32_t record) { return record != kNoBlob && (record & kInFrame); }

// Every value a store records fits 32 bits (a TLB entry is recorded as two halves), which keeps
// a change at 16 bytes: long runs journal millions of them.
struct Change {
    Store store;
    uint8_t field;
    uint16_t aux;
    uint32_t target;
    uint32_t before;
    uint32_t after;
};
static_assert(sizeof(Change) == 16, "a change record stays small: the replay journals millions");

struct EventRecord {
    uint32_t first_change;  // changes [first_change, next event's first_change) belong to it
    uint16_t kind;          // sim-independent event kind (mm::EventKind / os::EventKind)
    uint16_t space;         // address space / process id it concerns (0xFFFF = none)
    uint32_t args[4];
};

}  // namespace pagelab::core
