// What an event touched — the process, the address it is about, the PDEs and PTEs it wrote, the
// frames, pagefile slots, VADs, prototype PTEs and objects it changed, what it did to the TLB —
// derived from its journal changes and its arguments, so that a front end can put the thing that
// changed on screen (the window selects and scrolls to it) without knowing each event's layout.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "sim/Session.h"

namespace pagelab::sim {

// Where a page-directory or page-table word lives, as the machine stands: whose entry it is and
// which page (or 4 MB) it maps.
struct EntryLocation {
    enum class Kind : uint8_t {
        Pde,        // a process's page directory entry; va = the base of its 4 MB
        Pte,        // a process's page table entry; va = its page
        SharedPte,  // win95: a page table every process shares (shared arena, compatibility arena)
        SystemPte,  // the system page table every directory points at (kernel / win95 system arena)
    };
    Kind kind = Kind::Pte;
    uint16_t space = mm::kNoSpace;  // kNoSpace for the shared and system tables
    uint32_t va = 0;
};
// pa: a 4-byte aligned physical address. Nothing when that word is no entry (data, or a frame
// holding neither a directory nor a table).
std::optional<EntryLocation> locate_entry(const mm::MemoryManager& m, uint32_t pa);

struct TouchedEntry {
    EntryLocation where;
    uint32_t pa = 0;
    uint32_t before = 0, after = 0;  // before the first write in the range, after the last
    size_t event = 0;                // the event that wrote it first
    bool is_pde() const { return where.kind == EntryLocation::Kind::Pde; }
};

struct TlbTouch {
    enum class Lookup : uint8_t { None, Hit, Miss };
    Lookup lookup = Lookup::None;        // the last access's lookup in the range
    bool flushed = false;                // a CR3 load emptied it
    std::vector<uint32_t> invalidated;   // pages whose entries were dropped (INVLPG), flush excluded
    std::vector<uint32_t> filled;        // entry indexes written with a translation
};

struct Touched {
    uint16_t space = mm::kNoSpace;      // the address space the last event concerns
    std::optional<uint32_t> va;         // the address the last event with one is about
    uint16_t va_space = mm::kNoSpace;   // ... and its space
    bool va_is_access = false;          // that event is an access (a read, write, fetch or its fault)
    size_t va_event = 0;                // the event with that address
    std::optional<uint16_t> switched_to;  // the CPU switched to this space (CR3 loaded)
    std::vector<TouchedEntry> entries;  // PDEs and PTEs written, in the order first written
    std::vector<uint32_t> frames;       // frames taken, filled or freed (their database entry changed), in order
    std::vector<uint32_t> slots;        // pagefile slots taken, written or freed
    std::vector<std::pair<uint16_t, uint32_t>> regions;  // (space, VAD base) inserted, changed or removed
    std::vector<uint32_t> prototypes;   // prototype PTE indexes written
    std::vector<uint32_t> files, mappings, data_sections;
    std::vector<std::pair<uint16_t, uint32_t>> handles;  // (space, handle value)
    TlbTouch tlb;

    bool empty() const { return entries.empty() && frames.empty() && slots.empty() && regions.empty() && !va; }
    // The last PTE (not PDE) written, if any; the first with first = true.
    const TouchedEntry* pte(bool first = false) const;
    const TouchedEntry* pde(bool first = false) const;
};

// What events [first, end) touched. The session stands where it stood afterwards (visit()).
Touched touched(Session& s, size_t first, size_t end);

}  // namespace pagelab::sim
