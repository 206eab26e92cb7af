// What every part of the memory manager shares: the machine's primitive stores — RAM, the PFN
// database, the pagefile, the TLB (each journals its own changes), the counters, the CPU's CR3 and
// running space, the address spaces — and the acts every part performs on them (Part): opening an
// event, counting, charging commit, naming where a page's bytes are for the journal.
//
// The parts (PageTables, FrameAllocator, Segment, PageFault, ...) each own their own state besides
// and reach each other through the references their constructors take; MemoryManager owns them
// all and is the façade the os layer, the session and the window use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/Journal.h"
#include "mm/AddressSpace.h"
#include "mm/Counters.h"
#include "mm/Events.h"
#include "mm/MachineConfig.h"
#include "mm/Numbers.h"
#include "mm/Pagefile.h"
#include "mm/Pfn.h"
#include "x86/PhysicalMemory.h"
#include "x86/Tlb.h"
#include "x86/Walk.h"

namespace pagelab::mm {

struct Stores {
    explicit Stores(const MachineConfig& c)
        : config(c), journal(false), ram(c.frames, journal), pfn(c.frames, journal), pagefile(c.pagefile_pages, journal),
          tlb(c.tlb_entries, journal) {}
    Stores(const Stores&) = delete;
    Stores& operator=(const Stores&) = delete;

    MachineConfig config;
    core::Journal journal;
    x86::PhysicalMemory ram;
    PfnDatabase pfn;
    Pagefile pagefile;
    x86::Tlb tlb;
    Counters counters{};
    std::vector<AddressSpace> spaces;  // by SpaceId; a deleted space stays (not alive)
    std::vector<Vad> vad_blobs;        // every VAD the journal recorded (Store::Vad before/after)
    std::vector<std::string> strings;  // interned names for event sentences (append-only)
    uint32_t cr3 = 0;
    uint32_t current = kNoSpace;       // the running space
    x86::WalkRecord last_walk;         // the last access's walk (the window shows it; not journaled)
    // The last frame given up and the slot holding its bytes (a hint for the journal's page records,
    // checked against the buffers whenever it is used; not machine state, never journaled).
    uint32_t vacated_frame = kNoFrame;
    uint32_t vacated_slot = 0;
};

// A part of the memory manager: reaches the shared stores under the names the code has always used.
class Part {
public:
    Part(const Part&) = delete;
    Part& operator=(const Part&) = delete;

    // Opening an event (a no-op when the journal is off).
    void event(EventKind kind, SpaceId space, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0, uint32_t a3 = 0) {
        if (m_journal.enabled()) m_journal.begin_event(uint16_t(kind), space, a0, a1, a2, a3);
    }
    void add(Counter c, int64_t delta = 1) {
        const size_t i = size_t(c);
        const uint64_t before = m_counters[i];
        m_counters[i] = before + uint64_t(delta);
        m_journal.record_counter(uint32_t(i), before, m_counters[i]);
    }
    uint64_t counter(Counter c) const { return m_counters[size_t(c)]; }
    uint32_t commit_limit() const { return m_config.frames + m_config.pagefile_pages; }
    bool frame_exists(uint32_t frame) const { return frame < m_config.frames; }
    // Interned names for event sentences (module and file names). Append-only, idempotent.
    uint32_t intern(const std::string& text);

protected:
    explicit Part(Stores& s)
        : m_stores(s), m_config(s.config), m_journal(s.journal), m_ram(s.ram), m_pfn(s.pfn), m_pagefile(s.pagefile),
          m_tlb(s.tlb), m_counters(s.counters), m_spaces(s.spaces) {}
    ~Part() = default;

    // True when `pages` more pages of commit charge stay within the limit; otherwise the
    // CommitLimit event (the caller fails its call with ERROR_COMMITMENT_LIMIT).
    bool charge_fits(SpaceId space, uint64_t pages);
    // A journaled CPU register (CR3, the running space, Clock's hand).
    void set_register(CpuField field, uint32_t& reg, uint32_t value);
    // A VAD change for the journal (target: a space, or kSharedArena), the VADs kept as blobs.
    void record_vad(uint32_t target, const Vad* before, const Vad* after);

    // Page records (core::kInFrame): the place, when it holds exactly the bytes of p now (the same
    // buffer), else core::kNoPlace (the journal keeps a reference).
    uint32_t frame_place(uint32_t frame, const core::PageRef& p) const {
        return !p.is_zero_page() && m_ram.content(frame).data() == p.data() ? core::kInFrame | frame : core::kNoPlace;
    }
    uint32_t slot_place(uint32_t slot, const core::PageRef& p) const {
        return slot && !p.is_zero_page() && m_pagefile.content(slot).data() == p.data() ? core::kInSlot | slot
                                                                                       : core::kNoPlace;
    }
    // Where a frame that was just given up (evicted, repurposed) still has its bytes: the slot it
    // was written to or came from, if that slot still holds the same buffer.
    uint32_t vacated_place(uint32_t frame) const {
        return frame == m_stores.vacated_frame ? slot_place(m_stores.vacated_slot, m_ram.content(frame)) : core::kNoPlace;
    }
    void note_vacated(uint32_t frame, uint32_t slot) {
        m_stores.vacated_frame = frame;
        m_stores.vacated_slot = slot;
    }

    Stores& m_stores;
    const MachineConfig& m_config;
    core::Journal& m_journal;
    x86::PhysicalMemory& m_ram;
    PfnDatabase& m_pfn;
    Pagefile& m_pagefile;
    x86::Tlb& m_tlb;
    Counters& m_counters;
    std::vector<AddressSpace>& m_spaces;
};

}  // namespace pagelab::mm
