// The frame allocator (NT: MiRemoveAnyPage, MiInsertPageInFreeList and the PFN list heads): takes
// frames from the zeroed and free lists, zero-fills or reads one from its pagefile slot, gives them
// their use, and takes them back. When both lists are empty it asks its Reclaimer (PageOut) for a
// frame: a standby page repurposed, a modified page written out, the policy's victim evicted.
//
// A frame in hand — obtained, not yet given a use — is Active with use None, on no list: every
// event boundary in between is a consistent machine.
#pragma once

#include <cstdint>

#include "mm/Stores.h"

namespace pagelab::mm {

class InvariantReport;

enum class Need : uint8_t { Zeroed, Any };

// Frees a frame when the free and zeroed lists are empty; returns it in hand (kNoFrame when
// nothing can be freed). PageOut is the one implementation.
class Reclaimer {
public:
    virtual FrameNumber reclaim(SpaceId for_space) = 0;

protected:
    ~Reclaimer() = default;
};

class FrameAllocator : public Part {
public:
    explicit FrameAllocator(Stores& stores) : Part(stores) {}
    void set_reclaimer(Reclaimer& reclaimer) { m_reclaimer = &reclaimer; }

    // A frame in hand (zero-filled for Need::Zeroed), or kNoFrame when none can be freed.
    FrameNumber obtain(Need need, SpaceId for_space);
    uint32_t frames_free() const;  // free + zeroed lists

    // The frame joins the active list as a pageable page: its use, owner, the PTE that maps it (a
    // section frame: its prototype PTE), the software PTE to put back when it leaves, its share count.
    void activate(FrameNumber frame, FrameUse use, SpaceId owner, Backlink backlink, uint32_t original_pte,
                  uint32_t share_count);
    // The frame becomes a locked frame of the system: a page directory, a page table, a system page.
    void lock_in(FrameNumber frame, FrameUse use, SpaceId owner, PteAddress pde_address, uint32_t share_count);
    // Back to the free list.
    void release(FrameNumber frame);
    // An evicted or repurposed page's frame, in hand for its next use: off every list, no use.
    void unuse(FrameNumber frame);
    // A hard fault's read of a page back from its pagefile slot into the frame.
    void read_from_pagefile(SpaceId space, uint32_t va, FrameNumber frame, uint32_t slot);

    void check(InvariantReport& report) const;  // the lists: links, counts, states
    // Every frame's state, list and use against the PTEs the page-table check counted naming it
    // (report.valid_maps, transition_maps): a free or zeroed frame is unmapped (a zeroed one holds
    // zeros), a standby or modified one has one transition PTE, a private one one valid PTE, a
    // frame in hand none, a locked one is on no list. A section's frames are Segment's to check.
    void check_frames(InvariantReport& report) const;

private:
    FrameNumber take(FrameList list, SpaceId for_space);
    FrameNumber zero(FrameNumber frame, SpaceId for_space);
    void clear(FrameNumber frame);  // the PFN fields a frame of no use has

    Reclaimer* m_reclaimer = nullptr;
};

}  // namespace pagelab::mm
