// Page directories and page tables: where the PTE of an address is, writing PTEs (keeping each
// table's count of used entries), making page tables on demand and freeing empty ones, the
// directory entries every directory gets (nt: the self-map at PDE 0x300 and the kernel table at
// 0x200; win95: the system arena's table at 0x300 and the shared tables), loading CR3, the TLB's
// INVLPG, and how a page is mapped valid (the PTE bits a protection gives, a private page's PFN).
// docs/x86-paging.md "What is mapped where" has the layout.
#pragma once

#include <cstdint>
#include <optional>

#include "mm/FrameAllocator.h"
#include "mm/SharedArena.h"
#include "mm/SoftwarePte.h"
#include "mm/Stores.h"

namespace pagelab::mm {

class InvariantReport;

// What the PTE of va says, decoded; kind Zero with table_present false when there is no page table.
struct PteInfo {
    bool table_present = false;
    uint32_t pde_address = 0, pde = 0;
    uint32_t pte_address = 0, pte = 0;
    PteKind kind = PteKind::Zero;
};

// What PageTables::check asks about a PTE's page of the parts above the tables (MemoryManager
// answers): which prototype PTE a section VAD's page uses, a prototype PTE's word, and the
// protection VirtualQuery reports for the page.
class PageMeaning {
public:
    // The prototype index of the page at vpn of an image VAD or view (none for other VADs).
    virtual std::optional<uint32_t> proto_of(const Vad& v, uint32_t vpn) const = 0;
    virtual uint32_t prototype_word(uint32_t index) const = 0;
    virtual uint32_t query_protection(SpaceId space, uint32_t va) const = 0;

protected:
    ~PageMeaning() = default;
};

class PageTables : public Part {
public:
    PageTables(Stores& stores, SharedArena& shared, FrameAllocator& frames)
        : Part(stores), m_shared(shared), m_frames(frames) {}

    // At power-on (not journaled): the system page table every directory shares, mapping one
    // system page — the kernel at 0x80000000 under nt (supervisor only), the VMM's data at
    // 0xC0000000 under win95 (user-accessible: Windows 95 did not protect its system arena).
    void boot();
    // A new page directory's fixed entries; a dying one's, removed (its tables are freed already).
    void build_directory(SpaceId space);
    void clear_directory(SpaceId space);
    // Loads CR3 (flushes the TLB) if the space is not the running one already.
    void switch_to(SpaceId space);
    // Which PDE indexes hold the personality's private user space (the rest is shared or system).
    static uint32_t user_pde_end(Personality p);

    // The physical address of va's PTE; 0 when there is no page table. kSharedArena: a
    // shared-arena (or compatibility-arena) address, through the shared tables.
    uint32_t pte_address_of(SpaceId space, uint32_t va) const;
    // The virtual address a PTE's physical address translates (via the page table's PFN entry).
    uint32_t va_of_pte(uint32_t pte_address) const;
    PteInfo pte_info(SpaceId space, uint32_t va) const;
    void write_pte(uint32_t pte_address, uint32_t value);
    // Invalidates the TLB entry of va if the running space can hold it: its own pages, or a
    // shared-arena page (valid under every win95 CR3).
    void invalidate_page(SpaceId space, uint32_t va);

    // Ensures a page table exists for va (for a shared-arena address of a win95 space, the
    // shared table, entered in every win95 directory). False when no frame can hold it.
    bool ensure_page_table(SpaceId space, uint32_t va);
    // Makes every page table the pages [first_vpn, last_vpn) need before a call changes any page,
    // so that running out of frames fails the call with nothing changed (new empty tables go again).
    bool ensure_page_tables(SpaceId space, uint32_t first_vpn, uint32_t last_vpn);
    // The PTE address of va, making its page table first when there is none; false (event
    // OutOfMemory) when no frame can hold the table.
    bool ensure_pte_address(SpaceId space, uint32_t va, uint32_t& pte_address);
    // Frees the space's empty page tables in the range, and (win95) empty shared tables in it.
    void free_empty_page_tables(SpaceId space, uint32_t start_vpn, uint32_t end_vpn);

    // The valid PTE a page of this MM protection gets (W from READWRITE, CopyOnWrite bit 9 from
    // WRITECOPY, PCD from NOCACHE; always user-accessible).
    uint32_t valid_pte_bits(uint32_t frame, uint32_t mm_protection) const;
    // valid_pte_bits for a private page of space whose PFN holds original_pte: under nt a writable
    // page that is clean (not dirty) and has a copy in a pagefile slot is mapped with R/W clear and
    // Pte::kSoftwareWrite set, so that its first write faults (PageFault's dirty-bit fault) and
    // frees the slot.
    uint32_t private_pte_bits(SpaceId space, uint32_t frame, uint32_t mm_protection, uint32_t original_pte,
                              bool dirty) const;
    // Maps a frame in hand as the space's private page behind pte_address (event PageMapped
    // unless announce is false: the caller's event says it).
    void map_private(SpaceId space, uint32_t pte_address, FrameNumber frame, uint32_t mm_protection,
                     uint32_t original_pte, bool announce = true);

    uint32_t system_table() const { return m_system_table; }
    // The invariants of the tables (PageTablesCheck.cpp): every directory's PDEs name its own
    // active page tables; each table counts its used entries; every PTE lies in a region and
    // agrees with what it names — a valid one with its frame's PFN entry (or its section's
    // prototype PTE) and with VirtualQuery's protection, a transition one with its standby or
    // modified frame, a prototype one with its VAD's page, a pagefile one with a used slot. The
    // report tallies the PTEs naming each frame and slot for the frame and slot checks.
    void check(InvariantReport& report, const PageMeaning& meaning) const;
    void check_tlb(InvariantReport& report) const;  // the TLB holds only translations the tables make

private:
    bool ensure_shared_table(SpaceId for_space, uint32_t pde_index);
    void free_shared_table(uint32_t pde_index);
    // Every live win95 directory's PDE at pde_index gets this value.
    void set_shared_pde(uint32_t pde_index, uint32_t value);

    SharedArena& m_shared;
    FrameAllocator& m_frames;
    uint32_t m_system_table = kNoFrame;  // page table shared by every directory (kernel / system arena)
};

}  // namespace pagelab::mm
