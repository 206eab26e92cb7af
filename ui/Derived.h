// Views computed from the session at one cursor position, for panels that would otherwise scan the
// whole machine every frame: what the current step changed, who maps each frame, every page's
// class per process, the pagefile slots' owners, the last access. They are caches, not state: they
// are rebuilt from the session whenever its cursor moves, and nothing in them is ever edited.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "Classify.h"
#include "sim/Session.h"
#include "sim/Touched.h"

namespace pagelab::ui {

struct WordChange {
    uint32_t before = 0;  // before the first change in the range
    uint32_t after = 0;   // after the last
};

// Every change in a range of the journal, indexed the way the panels look things up.
struct ChangeSet {
    std::map<uint32_t, WordChange> words;  // 4-byte-aligned physical address -> old and new word
    std::set<uint32_t> frames;             // frames whose bytes, database entry or content changed
    std::set<uint32_t> bytes;              // physical addresses of bytes written
    std::set<uint32_t> content_frames;     // frames whose whole content was replaced (zero-fill, page-in)
    std::set<uint32_t> slots;              // pagefile slots taken, released or written
    std::set<uint16_t> region_spaces;      // address spaces whose VADs changed
    std::set<uint32_t> protos;             // prototype PTEs (section pages) written
    std::set<uint32_t> files;              // disk files created, resized or written
    std::set<uint32_t> mapping_objects;    // file mapping objects changed
    std::set<uint32_t> data_sections;      // data sections changed
    std::set<std::pair<uint16_t, uint32_t>> handles;  // (address space, handle value) changed
    std::array<int64_t, 32> counter_delta{};
    size_t change_count = 0;

    const WordChange* word(uint32_t pa) const {
        auto it = words.find(pa & ~3u);
        return it == words.end() ? nullptr : &it->second;
    }
    bool frame_changed(uint32_t f) const { return frames.count(f) != 0; }
};

// One thing that points at a frame: a PTE (valid or in transition), a PDE (the frame is a page
// table), a CR3 (the frame is a page directory) or a section's prototype PTE (a shared image page,
// or a page of a data section: a mapped file or a pagefile-backed section — then va holds the data
// prototype index, mm::MemoryManager::is_data_proto).
struct Mapping {
    enum class Kind : uint8_t { Pte, TransitionPte, Pde, Directory, Prototype };
    Kind kind = Kind::Pte;
    uint16_t space = 0;     // mm::kNoSpace for a prototype PTE (it belongs to the section, not a process)
    uint32_t va = 0;        // the page (Pte), the 4 MB range (Pde), 0 (Directory), the index (Prototype)
    uint32_t entry_pa = 0;  // physical address of the entry (or CR3)
    uint32_t entry = 0;     // its value
};

struct LastAccess {
    size_t event = 0;
    uint16_t space = 0;
    uint32_t va = 0;
    mm::EventKind kind = mm::EventKind::AccessDone;
    int access = -1;  // 0 read, 1 write, 2 execute; -1 unknown
};

// Counters, list lengths and pagefile use at every step boundary of the run, for the plots.
struct RunSeries {
    size_t steps = 0;                                  // samples = steps + 1
    std::vector<std::array<uint64_t, mm::kCounterCount>> counters;
    std::vector<uint32_t> free_frames;                 // free + zeroed lists
    std::vector<uint32_t> standby_frames, modified_frames;
    std::vector<uint32_t> pagefile_used;
};
// Scans the journal once; the session must stand at cursor 0.
RunSeries build_run_series(const sim::Session& session);

// What a bump of the frame map's or the slot map's version changed: the cells (frames, slots)
// whose colour may differ between version `from` and the next, when known (a move across few
// journal changes); unknown after a jump, a new session or a change that can alter any cell.
struct MapDelta {
    uint64_t from = 0;
    bool known = false;
    std::vector<uint32_t> cells;  // sorted, no duplicates
};

class Derived {
public:
    // Brings the caches up to the session's cursor. Returns true when anything was rebuilt. Only
    // what the changes between the old cursor and the new one can have altered is marked stale,
    // and the large tables (every page's class, the reverse map, the slots' owners) are rebuilt
    // when a panel next asks for them, not here: a move through a million-frame machine costs
    // the changes it crosses, not the machine's size.
    bool refresh(sim::Session& session, bool single_event);
    void invalidate() { m_valid = false; }
    uint64_t generation() const { return m_generation; }
    // Bumped only when a move of the cursor changed what the frame map / the slot map shows, so
    // their textures are recomputed only then.
    uint64_t frames_version() const { return m_frames_version; }
    uint64_t slots_version() const { return m_slots_version; }
    uint64_t tables_version() const { return m_tables_version; }  // page classes, reverse map
    // The cells the last bump of frames_version() / slots_version() changed (frames; slot numbers).
    const MapDelta& frames_delta() const { return m_frames_delta; }
    const MapDelta& slots_delta() const { return m_slots_delta; }

    // What the current step (or, in single-event mode, the last event) changed.
    const ChangeSet& changes() const { return m_changes; }
    size_t changes_first_event() const { return m_first_event; }
    std::span<const Mapping> mappers_of(uint32_t frame) const;
    size_t mapping_count() const { return mappings().size(); }
    // Every mapping, sorted by frame: mapping_frame(i) is the frame mappings()[i] points at.
    const std::vector<Mapping>& mappings() const {
        build_mappings();
        return m_mappings;
    }
    uint32_t mapping_frame(size_t i) const {
        build_mappings();
        return m_map_frames[i];
    }
    // Every page's class in that address space (1M entries), empty when the space is gone.
    const std::vector<uint8_t>& page_classes(uint16_t space) const;
    const std::vector<uint8_t>& region_classes(uint16_t space) const;
    std::optional<std::pair<uint16_t, uint32_t>> slot_owner(uint32_t slot) const;
    const std::optional<LastAccess>& last_access() const { return m_last_access; }
    // What the current step (or, in single-event mode, the last event) touched: its PTEs, frames,
    // slots, VADs, a CPU switch, the TLB (sim/Touched.h).
    const sim::Touched& touched() const { return m_touched; }
    // How many frames fall in each FrameClass (for the physical map's legend).
    const std::array<uint32_t, kFrameClassCount>& frame_class_counts() const { return m_frame_counts; }
    bool last_access_in_changes() const {
        return m_last_access && m_last_access->event >= m_first_event;
    }

private:
    // What a move of the cursor made stale (the journal's changes between the two cursors).
    struct Stale {
        uint32_t stores = 0;             // bit per core::Store touched (PFN list links left out)
        bool all_spaces = false;         // every space's page classes
        std::vector<uint16_t> spaces;    // else these spaces' page classes
        std::vector<uint32_t> pfn_frames;  // frames whose PFN entry changed (their class may have)
        bool everything = false;         // too many changes (or no earlier state): rebuild all
        bool frame_colours = false;      // a frame's state, use or owner (what the frame map shows)
        bool slot_owners = false;        // a PTE to or from the pagefile, a frame's original PTE
        std::vector<uint32_t> colour_frames;  // frames whose state, use or owner changed
        std::vector<uint32_t> slots;          // slots whose use or owner may have changed
        bool slots_unknown = false;           // a page table or directory rewritten: any slot
    };
    void find_stale_slots(const sim::Session& s, const core::Change& c, Stale& out) const;
    Stale find_stale(const sim::Session& s) const;
    void apply_stale(const sim::Session& s, const Stale& stale);
    void update_changes(sim::Session& s, bool single_event, size_t old_cursor, bool extend);
    void find_last_access(const sim::Session& s);
    void count_frames(const mm::MemoryManager& m, const Stale& stale);
    void build_space(uint16_t space) const;
    void build_mappings() const;

    bool m_valid = false;
    uint64_t m_frames_version = 0, m_slots_version = 0, m_tables_version = 0;
    MapDelta m_frames_delta, m_slots_delta;
    const sim::Session* m_session = nullptr;
    size_t m_cursor = 0;
    bool m_single_event = false;
    uint64_t m_generation = 0;

    ChangeSet m_changes;
    size_t m_first_event = 0;
    std::optional<LastAccess> m_last_access;
    sim::Touched m_touched;
    std::array<uint32_t, kFrameClassCount> m_frame_counts{};
    std::vector<uint8_t> m_frame_class;  // by frame, kept up to date with m_frame_counts

    // Built on demand (const accessors), stale flags set by refresh.
    mutable std::vector<uint32_t> m_map_frames;  // sorted; m_mappings[i] points at m_map_frames[i]
    mutable std::vector<Mapping> m_mappings;
    mutable std::map<uint32_t, std::pair<uint16_t, uint32_t>> m_slot_owner;
    mutable bool m_mappings_stale = true;
    mutable std::vector<std::vector<uint8_t>> m_page_classes;  // by space id
    mutable std::vector<std::vector<uint8_t>> m_region_classes;
    mutable std::vector<uint8_t> m_space_stale;                // by space id
};

// Describes an entry word for a tooltip: "valid, frame 0x4 ---DA--UWEV".
std::string entry_summary(const sim::Session& s, uint32_t entry, bool is_pde);

}  // namespace pagelab::ui
