// Replacement (NT: the working-set manager's aging and the PFN lists' order): which resident page
// leaves memory when a frame is needed. One interface for the four policies of MachineConfig:
//   fifo  the oldest page on the active list (the order frames were mapped in);
//   lru   the same list, but every access moves its frame to the back (on_access);
//   clock second chance: a sweep whose hand passes over (and clears) an Accessed bit once;
//   ws    clock's choice, used by PageOut to trim a batch to standby rather than evict one.
// The hand is a journaled CPU register (CpuField::ClockHand). A section's frame counts as used
// when any PTE mapping it says so: the policy asks its SectionMaps (Segment) which PTEs those are.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "mm/PageTables.h"
#include "mm/Stores.h"

namespace pagelab::mm {

// Every PTE that maps a section's frame (the space, or kSharedArena, and the PTE's address).
using FrameMappings = std::vector<std::pair<SpaceId, uint32_t>>;

class SectionMaps {
public:
    virtual FrameMappings section_mappings(uint32_t frame) const = 0;

protected:
    ~SectionMaps() = default;
};

class ReplacementPolicy : public Part {
public:
    ReplacementPolicy(Stores& stores, PageTables& tables, const SectionMaps& maps)
        : Part(stores), m_tables(tables), m_maps(maps) {}

    Policy policy() const { return m_config.policy; }
    uint32_t clock_hand() const { return m_clock_hand; }
    void apply_clock_hand(uint32_t value) { m_clock_hand = value; }  // undo/redo

    // The page in `frame` was accessed (lru: its frame goes to the back of the active list).
    void on_access(uint32_t frame) {
        if (m_config.policy == Policy::Lru && m_pfn[frame].list == FrameList::Active) m_pfn.move_to_back(frame);
    }
    // The next victim that is not locked and not in `tried` (frames the caller could not free);
    // kNoFrame when there is none. Clock moves its hand (and clears Accessed bits on its way).
    uint32_t choose_victim(const std::vector<uint32_t>& tried);

private:
    // Clock's test of one section frame: true when a PTE mapping it was accessed (the bits are
    // cleared: its second chance).
    bool section_second_chance(uint32_t frame);
    uint32_t clock_victim(const std::vector<uint32_t>& tried);

    PageTables& m_tables;
    const SectionMaps& m_maps;
    uint32_t m_clock_hand = 0;
};

}  // namespace pagelab::mm
