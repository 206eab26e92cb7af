// What a page is, read without touching it (no fault, no Accessed bit): the one answer to "what
// does this PTE, with its VAD, mean?" that the scenario checks (pte.backing, memory expectations),
// the trace and the window share. MemoryManager::describe_page builds it; peek_byte reads through it.
#pragma once

#include <cstdint>

#include "mm/AddressSpace.h"
#include "mm/PageTables.h"

namespace pagelab::mm {

// Where the page comes from (or would go to) when it is not in memory.
enum class Backing : uint8_t {
    None,        // no page: free, reserved, decommitted, or a frame of no process's page
    DemandZero,  // a private page never written out: zeros
    Pagefile,    // a copy in a pagefile slot (or a private copy of an image or view page)
    Transition,  // on the standby or modified list
    Prototype,   // a section's page, found through its prototype PTE
    Image,       // a valid page of an image section's frame
    File,        // a valid page of a data file section's frame
};
const char* backing_name(Backing b);  // "none", "demand-zero", "pagefile", ... (scenario text)

// Where a read of the page would find its bytes now.
enum class PageBytes : uint8_t {
    None,       // nowhere (no page, or an entry naming what does not exist)
    Frame,      // the frame `where` (a valid or a transition PTE)
    Slot,       // the pagefile slot `where`
    Zero,       // a demand-zero page
    Prototype,  // the section page behind prototype index `where`
};

struct PageDescription {
    PteInfo entry;             // the PDE and PTE (table_present false: no page table)
    const Vad* vad = nullptr;  // the region as the space sees it; null: none
    Backing backing = Backing::None;
    PageBytes bytes = PageBytes::None;
    uint32_t where = 0;        // the frame, slot or prototype index `bytes` names
};

}  // namespace pagelab::mm
