// The meaning Windows NT (x86, non-PAE) gives a PTE whose Present bit is 0 — the layouts of
// ReactOS's MMPTE_SOFTWARE, MMPTE_TRANSITION and MMPTE_PROTOTYPE (ntoskrnl/include/internal/i386/mm.h):
//
//  software (demand-zero, pagefile, decommitted):
//    bit 0 Valid=0 | bits 1-4 PageFileLow | bits 5-9 Protection | bit 10 Prototype=0 |
//    bit 11 Transition=0 | bits 12-31 PageFileHigh (pagefile slot; 0 = demand-zero)
//  transition (frame still on the standby or modified list):
//    bit 0 Valid=0 | bits 1-4 copy of W/Owner/PWT/PCD | bits 5-9 Protection | bit 10 Prototype=0 |
//    bit 11 Transition=1 | bits 12-31 page frame number
//  prototype (the page belongs to a section; look at its prototype PTE):
//    bit 0 Valid=0 | bits 1-7 index low | bit 8 ReadOnly | bit 9 spare | bit 10 Prototype=1 |
//    bits 11-31 index high — PageLab stores the prototype PTE's index where NT stores its address
//  zero: "ask the VAD" — the page is reserved, or committed by the VAD (MEM_COMMIT at reserve).
// Protection is the 5-bit MM protection of mm/Protection.h; 0x10 alone means "decommitted".
#pragma once

#include <cstdint>

#include "mm/Protection.h"

namespace pagelab::mm {

enum class PteKind : uint8_t { Valid, Zero, DemandZero, Pagefile, Transition, Prototype, Decommitted };

struct SoftwarePte {
    static constexpr uint32_t kPrototypeBit = 1u << 10;
    static constexpr uint32_t kTransitionBit = 1u << 11;

    static constexpr uint32_t demand_zero(uint32_t mm_protection) { return (mm_protection & 0x1F) << 5; }
    static constexpr uint32_t decommitted() { return mmprot::kDecommit << 5; }
    static constexpr uint32_t pagefile(uint32_t slot, uint32_t mm_protection) {
        return (slot << 12) | ((mm_protection & 0x1F) << 5);
    }
    static constexpr uint32_t transition(uint32_t frame, uint32_t mm_protection) {
        return (frame << 12) | kTransitionBit | ((mm_protection & 0x1F) << 5);
    }
    static constexpr uint32_t prototype(uint32_t index, bool read_only = false) {
        return ((index & 0x7F) << 1) | (read_only ? 1u << 8 : 0) | kPrototypeBit | ((index >> 7) << 11);
    }

    // A prototype PTE (in a section, not in a page table) whose page is in the image file: NT's
    // subsection PTE, reduced to the page's index in the image and its protection.
    static constexpr uint32_t in_file(uint32_t page, uint32_t mm_protection) {
        return (page << 12) | kPrototypeBit | ((mm_protection & 0x1F) << 5);
    }
    static constexpr uint32_t in_file_page(uint32_t raw) { return raw >> 12; }

    static constexpr PteKind kind(uint32_t raw) {
        if (raw & 1u) return PteKind::Valid;
        if (raw == 0) return PteKind::Zero;
        if (raw & kPrototypeBit) return PteKind::Prototype;
        if (raw & kTransitionBit) return PteKind::Transition;
        if ((raw >> 12) != 0) return PteKind::Pagefile;
        if (protection(raw) == mmprot::kDecommit) return PteKind::Decommitted;
        return PteKind::DemandZero;
    }
    static constexpr uint32_t protection(uint32_t raw) { return (raw >> 5) & 0x1F; }
    static constexpr uint32_t with_protection(uint32_t raw, uint32_t mm_protection) {
        return (raw & ~(0x1Fu << 5)) | ((mm_protection & 0x1F) << 5);
    }
    static constexpr uint32_t slot(uint32_t raw) { return raw >> 12; }
    static constexpr uint32_t frame(uint32_t raw) { return raw >> 12; }
    static constexpr uint32_t prototype_index(uint32_t raw) { return ((raw >> 1) & 0x7F) | ((raw >> 11) << 7); }
};

const char* pte_kind_name(PteKind k);

}  // namespace pagelab::mm
