// Windows 95's shared memory: what every win95 process sees the same.
//
// The shared arena (0x80000000-0xBFFFFFFF): one set of page tables (PDE indexes 0x200-0x2FF) owned
// by no process (PFN owner kNoSpace, locked) whose PDEs every win95 page directory holds, and one set
// of VADs that every win95 process sees — memory-mapped files and system DLLs, at one address for
// all. A shared VAD lists the spaces using it (Vad::users) and is torn down when the last one lets
// go. Frames mapped there have owner kNoSpace.
//
// The MS-DOS/Win16 compatibility arena (0x00001000-0x003FFFFF): the system VM's memory, reachable by
// every Win32 program (only the NULL page traps): one page table (PDE 0) owned by no process and
// entered in every win95 page directory, like the shared arena's; its pages are demand-zero
// READWRITE system pages (owner none) on first touch, pageable, never charged to the commit limit.
// It is one region, compat_arena(), that Regions::vad_at/regions report for every win95 process;
// VirtualAlloc, VirtualFree and VirtualProtect refuse it (ERROR_INVALID_PARAMETER). See
// docs/fidelity.md.
//
// This part owns the shared VAD set (journaled as Store::Vad with target kSharedArena), the shared
// tables' frames (Store::Cpu, CpuField::SharedTable) and the users of shared regions. PageTables
// makes and frees the tables themselves; Regions routes lookups of shared-arena addresses here.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mm/Stores.h"
#include "mm/Win32.h"

namespace pagelab::mm {

class InvariantReport;

class SharedArena : public Part {
public:
    explicit SharedArena(Stores& stores);

    // The space (kNoSpace: the machine) is win95 and va lies in the shared / compatibility arena.
    bool in_shared_arena(SpaceId space, uint32_t va) const;
    bool in_compat_arena(SpaceId space, uint32_t va) const;
    static const Vad& compat_arena();

    // ----- The shared page tables: PDEs 0x200-0x2FF, then PDE 0 (the compatibility arena) -----
    static bool is_shared_pde(uint32_t pde_index);
    uint32_t table(uint32_t pde_index) const;  // its frame, or kNoFrame
    void set_table(uint32_t pde_index, uint32_t frame);
    // Every shared PDE index, in slot order (the shared arena's, then PDE 0).
    static uint32_t slot_count();
    static uint32_t pde_of_slot(uint32_t slot);
    uint32_t table_of_slot(uint32_t slot) const { return m_tables[slot]; }
    // The live win95 page directories (every one holds the shared PDEs).
    uint32_t win95_directories() const;

    // ----- The shared VADs -----
    const VadMap& vads() const { return m_vads; }
    const Vad* find(uint32_t va) const { return find_vad_in(m_vads, va); }
    void insert(const Vad& v);
    void erase(const Vad& v);
    void replace(const Vad& before, const Vad& after);
    // Lowest free 64 KB-aligned base in the shared arena at or above low (then from its start).
    std::optional<uint32_t> find_gap(uint32_t pages, uint32_t low) const;
    // The base of the shared-arena view of an image section, if one exists.
    std::optional<uint32_t> image_base(uint32_t section) const;
    // The shared regions the space uses (bases, in address order).
    std::vector<uint32_t> used_by(SpaceId space) const;

    // The space starts using the shared region that begins at base: no PTE and no page table is
    // made (its pages are visible already). ERROR_INVALID_ADDRESS if there is no such region or
    // the space uses it already.
    Result join(SpaceId space, uint32_t base);
    // The space stops using it. When it was the last user, `last` receives the region, whose
    // pages and VAD the caller then takes down (MemoryManager::release_shared_region).
    Result leave(SpaceId space, uint32_t base, std::optional<Vad>& last);

    void apply_vad(const core::Change& c, bool forward);
    void apply_table(const core::Change& c, bool forward);
    void check(InvariantReport& report) const;  // the VADs and their users, the tables' PFN entries

private:
    VadMap m_vads;                  // key: start_vpn
    std::vector<uint32_t> m_tables; // frame per slot (kNoFrame: none)
};

}  // namespace pagelab::mm
