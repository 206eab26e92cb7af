// The PFN database: one entry per physical frame saying what the frame holds, who maps it and
// which list it is on — NT's MMPFN reduced to what PageLab shows. Entries are 24 bytes; with the
// frame's content reference (8 bytes, in x86::PhysicalMemory) a frame costs 32 bytes of metadata.
//
// Lists (doubly linked through flink/blink, in arrival order):
//   free      frames with stale content, to be zeroed before a demand-zero use
//   zeroed    frames known to hold zeros
//   standby   trimmed clean pages: the frame still holds the page, its PTE is in transition
//   modified  trimmed dirty pages: to be written to the pagefile (or their file) before reuse
//   active    pageable frames in use, in the order the replacement policy needs
//             (page-in order for FIFO, recency for LRU; Clock sweeps frame numbers instead)
#pragma once

#include <cstdint>
#include <vector>

#include "core/Check.h"
#include "core/Journal.h"
#include "mm/Numbers.h"

namespace pagelab::mm {

enum class FrameState : uint8_t { Free, Zeroed, Active, Standby, Modified };
enum class FrameUse : uint8_t { None, PageDirectory, PageTable, Private, Image, File, PagefileSection, System };
enum class FrameList : uint8_t { Free, Zeroed, Standby, Modified, Active, None };
inline constexpr int kListCount = 5;

const char* frame_state_name(FrameState s);  // RAMMap's names: Free, Zeroed, Active, Standby, Modified
const char* frame_use_name(FrameUse u);      // RAMMap's use names: Page Table, Private Process, ...
const char* frame_list_name(FrameList l);

inline constexpr uint32_t kNoFrame = 0xFFFFFFFFu;

// A section's frame (an image's, a data section's): its PFN entry points back at a prototype PTE.
constexpr bool is_section_use(FrameUse u) {
    return u == FrameUse::Image || u == FrameUse::File || u == FrameUse::PagefileSection;
}

class PfnDatabase;

struct PfnEntry {
    // What the frame points back at (NT's PteAddress), read as what its use says it is: the
    // physical address of the PTE or PDE mapping it (none: 0), or a section frame's prototype PTE.
    // Reading it as the other is an internal error.
    PteAddress pte_address() const {
        PL_CHECK(!is_section_use(use));
        return PteAddress(m_backlink);
    }
    ProtoIndex proto_index() const {
        PL_CHECK(is_section_use(use));
        return ProtoIndex::from_raw(m_backlink);
    }
    // Without the check: true when the frame points back at the PTE at this address (never for a
    // section frame) — for the invariant checker, which reports a mismatch rather than stopping.
    bool points_at_pte(PteAddress address) const { return !is_section_use(use) && m_backlink == address; }
    bool points_at_proto(ProtoIndex index) const { return is_section_use(use) && m_backlink == index.raw(); }
    // The stored word as such: the journal's, the trace's and a dump's `pte_address`.
    uint32_t backlink_word() const { return m_backlink; }
    void set_backlink_word(uint32_t word) { m_backlink = word; }  // a copy for a view (sim's diff), not the database

private:
    friend class PfnDatabase;
    uint32_t m_backlink = 0;

public:
    uint32_t original_pte = 0;  // software PTE to put back when the page leaves memory
    uint32_t flink = kNoFrame;
    uint32_t blink = kNoFrame;
    uint16_t share_count = 0;   // PTEs mapping it; for a page table: PTEs in it that are not zero
    uint16_t owner = 0xFFFF;    // address space id (0xFFFF = none / shared)
    FrameState state = FrameState::Zeroed;
    FrameUse use = FrameUse::None;
    uint8_t flags = 0;
    FrameList list = FrameList::None;

    static constexpr uint8_t kModified = 1;  // content differs from its backing store
    static constexpr uint8_t kLocked = 2;    // never chosen for eviction (page directory, page table)
    // Locked in its process's working set by VirtualLock (NT's WSLE LockedInWs; mm/VirtualLock.cpp):
    // an active private page that trimming and replacement pass over. Unlike kLocked the frame
    // stays on the active list.
    static constexpr uint8_t kWsLocked = 4;
    static constexpr uint8_t kPinned = kLocked | kWsLocked;  // what a replacement policy never takes
};
static_assert(sizeof(PfnEntry) == 24, "frame metadata budget: 24 bytes + 8 for the content reference");

enum class PfnField : uint8_t { PteAddress, OriginalPte, Flink, Blink, ShareCount, Owner, State, Use, Flags, List };
// One field of an entry, as the journal records it.
uint32_t pfn_field(const PfnEntry& e, PfnField field);

struct ListHead {
    uint32_t first = kNoFrame;
    uint32_t last = kNoFrame;
    uint32_t count = 0;
};

class PfnDatabase {
public:
    PfnDatabase(uint32_t frames, core::Journal& journal);

    uint32_t size() const { return uint32_t(m_entries.size()); }
    // A frame number beyond RAM (read from an entry a debugger wrote) reads as an unused frame:
    // readers never reach outside the database.
    const PfnEntry& operator[](uint32_t pfn) const {
        static const PfnEntry kNoSuchFrame{};
        return pfn < m_entries.size() ? m_entries[pfn] : kNoSuchFrame;
    }
    const ListHead& list(FrameList l) const { return m_lists[int(l)]; }

    void set(uint32_t pfn, PfnField field, uint32_t value);
    uint32_t get(uint32_t pfn, PfnField field) const;

    // The named setters compare, journal and store one field directly (set() goes through two
    // switches on the field, which the fault path pays about thirty times per fault).
    // The back link (PfnField::PteAddress): a PTE's address or a prototype PTE's index, as its use
    // says (checked: the use is set first).
    void set_backlink(uint32_t pfn, Backlink link) {
        PL_CHECK(link.is_proto() == is_section_use(m_entries[pfn].use));
        put(pfn, PfnField::PteAddress, m_entries[pfn].m_backlink, link.word());
    }
    void set_original_pte(uint32_t pfn, uint32_t v) { put(pfn, PfnField::OriginalPte, m_entries[pfn].original_pte, v); }
    void set_share_count(uint32_t pfn, uint32_t v) {
        PL_CHECK(v <= 0xFFFF);
        put(pfn, PfnField::ShareCount, m_entries[pfn].share_count, v);
    }
    void set_owner(uint32_t pfn, uint32_t v) { put(pfn, PfnField::Owner, m_entries[pfn].owner, v); }
    void set_state(uint32_t pfn, FrameState s) { put(pfn, PfnField::State, m_entries[pfn].state, uint32_t(s)); }
    void set_use(uint32_t pfn, FrameUse u) { put(pfn, PfnField::Use, m_entries[pfn].use, uint32_t(u)); }
    void set_flags(uint32_t pfn, uint8_t f) { put(pfn, PfnField::Flags, m_entries[pfn].flags, f); }
    void set_modified(uint32_t pfn, bool on) {
        set_flags(pfn, on ? (m_entries[pfn].flags | PfnEntry::kModified) : (m_entries[pfn].flags & ~PfnEntry::kModified));
    }

    void push_back(FrameList l, uint32_t pfn);
    void remove(uint32_t pfn);  // from whichever list it is on
    uint32_t pop_front(FrameList l);
    // An LRU touch: the frame goes to the back of its list within one step, so only the six links
    // that end up different change (remove() and push_back() would also take the frame off the
    // list and back and count it out and in), and one ListMove record describes all six: an LRU
    // replay journals such a move for almost every access.
    void move_to_back(uint32_t pfn) {
        move_to_back_recorded(pfn, [this](core::Store store, uint8_t field, uint32_t target, uint32_t before,
                                          uint32_t after) { m_journal.record(store, field, target, before, after); });
    }
    // The same, each change given to record(store, field, target, before, after) instead of the
    // journal (a batch of journaled hits writes its records in place: Journal::open_batch).
    template <class Record>
    [[gnu::always_inline]] void move_to_back_recorded(uint32_t pfn, Record&& record) {
        const FrameList l = m_entries[pfn].list;
        if (l == FrameList::None || m_lists[int(l)].last == pfn) return;
        // The six links that change follow from the frame, its predecessor and the old last
        // frame: one record (Store::ListMove) says it all.
        record(core::Store::ListMove, uint8_t(l), pfn, m_entries[pfn].blink, m_lists[int(l)].last);
        relink_to_back(l, pfn);
    }

    // Undo/redo.
    void apply(uint8_t field, uint32_t target, uint64_t value);
    void apply_list(uint8_t field, uint32_t list, uint64_t value);
    // A ListMove change: forward moves the frame to the back again; backward puts it back after
    // prev (kNoFrame: at the front), where it was.
    void apply_move(uint8_t list, uint32_t pfn, uint32_t prev, uint32_t last, bool forward);

private:
    // Moves pfn (on list l, not its last) to the back, unjournaled.
    [[gnu::always_inline]] void relink_to_back(FrameList l, uint32_t pfn) {
        ListHead& h = m_lists[int(l)];
        PfnEntry& e = m_entries[pfn];
        const uint32_t prev = e.blink, next = e.flink;  // next exists: pfn is not last
        if (prev != kNoFrame) m_entries[prev].flink = next;
        else h.first = next;
        m_entries[next].blink = prev;
        m_entries[h.last].flink = pfn;
        e.blink = h.last;
        e.flink = kNoFrame;
        h.last = pfn;
    }
    template <class T>
    [[gnu::always_inline]] void put(uint32_t pfn, PfnField field, T& slot, uint32_t value) {
        const uint32_t old = uint32_t(slot);
        if (old == value) return;
        m_journal.record(core::Store::Pfn, uint8_t(field), pfn, old, value);
        slot = T(value);
    }
    [[gnu::always_inline]] inline void set_head(FrameList l, int field, uint32_t value);
    std::vector<PfnEntry> m_entries;
    ListHead m_lists[kListCount];
    core::Journal& m_journal;
};

}  // namespace pagelab::mm
