// Regions (NT: VADs) as an address space sees them: its own, kept in its mm::AddressSpace; under
// win95 also the shared arena's (SharedArena) and the compatibility arena's one region. Every VAD
// change is journaled (Store::Vad: the VADs before and after, kept as blobs in the stores).
//
// Use vad_at (not AddressSpace::find_vad) for any lookup by address, and insert / erase / replace
// for any change: they go to the shared set when the VAD lies in the space's shared arena.
#pragma once

#include <cstdint>
#include <vector>

#include "mm/SharedArena.h"
#include "mm/Stores.h"

namespace pagelab::mm {

class InvariantReport;

class Regions : public Part {
public:
    Regions(Stores& stores, SharedArena& shared) : Part(stores), m_shared(shared) {}

    // The VAD covering va as the space sees it.
    const Vad* vad_at(SpaceId space, uint32_t va) const;
    // Every region the space sees, in address order: (win95) the compatibility arena, its own,
    // then the shared ones.
    std::vector<const Vad*> regions(SpaceId space) const;
    // True when [start_vpn, end_vpn) is free as the space sees it (shared set in the arena).
    bool range_is_free_for(SpaceId space, uint32_t start_vpn, uint32_t end_vpn) const;
    // Views of a data section whose VADs are in this space, in address order.
    std::vector<const Vad*> views_of(SpaceId space, uint32_t section) const;

    void insert(SpaceId space, const Vad& v);
    void erase(SpaceId space, const Vad& v);
    void replace(SpaceId space, const Vad& before, const Vad& after);
    // The process's own protection of one page of an image VAD or view (MM protection + 1; 0 = none).
    void set_own_protection(SpaceId space, uint32_t va, uint32_t mm_protection_plus_one);

    void apply(const core::Change& c, bool forward);  // Store::Vad of a space or of the shared arena

    // Every live space's own VADs: keyed by their first page, not empty, not overlapping, below
    // the top of user space (the shared arena's are SharedArena::check's).
    void check(InvariantReport& report) const;

private:
    SharedArena& m_shared;
};

}  // namespace pagelab::mm
