// The categories the window colours things by, derived from the machine's words and tables.
// Pure functions: the same entry always gets the same class, so colours mean one thing everywhere
// (grids, the address-space strip, the legend, the tests).
#pragma once

#include <cstdint>
#include <optional>

#include "mm/MemoryManager.h"
#include "mm/PageDescription.h"

namespace pagelab::ui {

inline constexpr uint32_t kTableEntries = 1024;  // entries in a page directory or a page table

// What a page (a PTE and the VAD around it) is, as a learner needs to tell them apart.
enum class PageClass : uint8_t {
    Free,        // no region: an access is an access violation
    Reserved,    // in a region but not committed (or decommitted)
    DemandZero,  // committed, never touched: a demand-zero PTE, or a zero PTE in a committed VAD
    Present,     // valid PTE: the walk reaches a frame
    Pagefile,    // out in a pagefile slot
    Transition,  // frame still on the standby or modified list
    Prototype,   // the page belongs to a section (prototype PTE)
    System,      // valid page outside every VAD (kernel / win95 system arena, mapped at boot)
    Count_
};
inline constexpr int kPageClassCount = int(PageClass::Count_);
const char* page_class_name(PageClass c);
const char* page_class_help(PageClass c);

// The class a PTE value would give the page `vpn` inside vad (null = none): describe_entry's
// answer, classified. A zero PTE inside a view (a VAD of type Mapped) means "ask the VAD": the
// page is the section's, so it is a prototype page — unless the section is SEC_RESERVE and that
// page is not committed (its prototype PTE is zero).
PageClass classify_pte(uint32_t pte, const mm::Vad* vad, const mm::MemoryManager& m, uint32_t vpn);
// The data-section prototype PTE index behind a page of a view, if the VAD is a view.
std::optional<uint32_t> view_proto_index(const mm::MemoryManager& m, const mm::Vad* vad, uint32_t vpn);

// The class of a page from the engine's one description of it (MemoryManager::describe_page,
// mm/PageDescription.h: the same answer the CLI's pte.backing and peek_byte read), so the
// window never re-derives what an entry and its VAD mean.
PageClass classify_page(const mm::MemoryManager& m, const mm::PageDescription& d);
inline PageClass page_class_at(const mm::MemoryManager& m, uint16_t space, uint32_t va) {
    return classify_page(m, m.describe_page(space, va));
}

// The colour key of a physical frame in "by use" mode.
enum class FrameClass : uint8_t {
    Free,           // free or zeroed list
    PageDirectory,
    PageTable,
    Private,        // process-private page
    Image,
    File,           // mapped data file
    PagefileBacked, // pagefile-backed section page
    System,
    Count_
};
inline constexpr int kFrameClassCount = int(FrameClass::Count_);
const char* frame_class_name(FrameClass c);
const char* frame_class_help(FrameClass c);  // a sentence for the legend's tooltip
FrameClass classify_frame(const mm::PfnEntry& e);
inline bool frame_in_transition(const mm::PfnEntry& e) {
    return e.state == mm::FrameState::Standby || e.state == mm::FrameState::Modified;
}

// Region type for the address-space strip (the VAD's type, or which arena a free range is in).
enum class RegionClass : uint8_t { None, Private, Mapped, Image, Count_ };
inline constexpr int kRegionClassCount = int(RegionClass::Count_);
RegionClass classify_vad(const mm::Vad* vad);

// Arenas of the two personalities, coloured behind free address space.
enum class Arena : uint8_t { NullTrap, Compat, User, Shared, Kernel, Count_ };
inline constexpr int kArenaCount = int(Arena::Count_);
Arena arena_of(mm::Personality p, uint32_t va);
const char* arena_label(Arena a);

}  // namespace pagelab::ui
