// The two-level walk the processor does on a TLB miss (Intel SDM Vol. 3A §4.3):
// CR3 -> page directory entry -> page table entry -> frame, setting Accessed on each entry used
// and Dirty on the PTE of a write, and checking P, R/W and U/S (CR0.WP = 1, as Windows sets it).
#pragma once

#include <cstdint>

#include "x86/PhysicalMemory.h"
#include "x86/Pte.h"
#include "x86/Tlb.h"

namespace pagelab::x86 {

enum class Access : uint8_t { Read, Write, Execute };
enum class Mode : uint8_t { User, Kernel };

// Everything the walk looked at, for the trace, the CLI `walk` command and the window.
struct WalkRecord {
    uint32_t va = 0;
    uint32_t cr3 = 0;        // physical address of the page directory
    uint32_t pde_address = 0;
    uint32_t pde = 0;        // the PDE as read (before Accessed was set)
    uint32_t pte_address = 0;
    uint32_t pte = 0;        // the PTE as read (before Accessed/Dirty were set)
    uint32_t pa = 0;
    bool tlb_hit = false;
    bool reached_pte = false;
};

struct Translation {
    bool ok = false;
    uint32_t pa = 0;
    uint32_t error_code = 0;  // pf:: bits, when !ok
    bool tlb_hit = false;
    // A present entry that names a frame beyond RAM (only a debugger's write makes one): the walk
    // stops there without touching it; 1 = the PDE, 2 = the PTE; bad_frame is the frame named.
    uint8_t bad_level = 0;
    uint32_t bad_frame = 0;
};

// Translates va for the given access. On success sets A (and D for a write) and fills the TLB.
// On failure returns the page-fault error code; nothing but PDE.A may have changed.
Translation translate(PhysicalMemory& ram, Tlb& tlb, uint32_t cr3, uint32_t va, Access access, Mode mode,
                      WalkRecord* record = nullptr);

}  // namespace pagelab::x86
