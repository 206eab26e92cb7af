// The memory manager's façade: the one object the os layer, the session and the window talk to.
// It owns the parts — the stores (mm/Stores.h), FrameAllocator, SharedArena, Regions, PageTables,
// ReplacementPolicy, Disk, HandleTable — and the section stores, and its members are spread over
// one file per room: address spaces and undo/redo here (MemoryManager.cpp), MemoryAccess.cpp,
// HitPath.h, PageFault.cpp, PageOut.cpp, VirtualMemory.cpp, Segment.cpp, ImageSection.cpp,
// DataSection.cpp, FileMapping.cpp, Files.cpp, Invariants.cpp. docs/architecture.md has the map.
// All state changes go through the journal.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/Journal.h"
#include "mm/AddressSpace.h"
#include "mm/Counters.h"
#include "mm/Disk.h"
#include "mm/FrameAllocator.h"
#include "mm/HandleTable.h"
#include "mm/PageDescription.h"
#include "mm/PageTables.h"
#include "mm/Regions.h"
#include "mm/ReplacementPolicy.h"
#include "mm/SharedArena.h"
#include "mm/Fault.h"
#include "mm/MachineConfig.h"
#include "mm/Numbers.h"
#include "mm/Events.h"
#include "mm/Pagefile.h"
#include "mm/Pfn.h"
#include "mm/Protection.h"
#include "mm/Section.h"
#include "mm/SoftwarePte.h"
#include "mm/Stores.h"
#include "mm/Win32.h"
#include "x86/PhysicalMemory.h"
#include "x86/Tlb.h"
#include "x86/Walk.h"

namespace pagelab::mm {

// The stores are built before the Part base that refers to them (base-from-member).
struct StoresOwner {
    explicit StoresOwner(const MachineConfig& config) : m_owned_stores(config) {}
    Stores m_owned_stores;
};

class MemoryManager : private StoresOwner, private Part, private Reclaimer, private SectionMaps, private PageMeaning {
public:
    explicit MemoryManager(const MachineConfig& config);
    using Part::add;
    using Part::commit_limit;
    using Part::counter;
    using Part::event;
    using Part::frame_exists;
    using Part::intern;
    MemoryManager(const MemoryManager&) = delete;
    MemoryManager& operator=(const MemoryManager&) = delete;

    const MachineConfig& config() const { return m_config; }
    core::Journal& journal() { return m_journal; }
    const core::Journal& journal() const { return m_journal; }
    const x86::PhysicalMemory& ram() const { return m_ram; }
    const PfnDatabase& pfn() const { return m_pfn; }
    const Pagefile& pagefile() const { return m_pagefile; }
    const x86::Tlb& tlb() const { return m_tlb; }
    const Counters& counters() const { return m_counters; }
    uint32_t frames_free() const { return m_frames.frames_free(); }  // free + zeroed lists
    uint16_t current_space() const { return m_stores.current; }
    uint32_t cr3() const { return m_stores.cr3; }
    uint32_t clock_hand() const { return m_policy.clock_hand(); }
    const x86::WalkRecord& last_walk() const { return m_stores.last_walk; }

    const std::vector<AddressSpace>& spaces() const { return m_spaces; }
    // A VAD as the journal recorded it (for printing Vad changes).
    const Vad& vad_blob(uint64_t index) const { return m_stores.vad_blobs[index]; }
    const HandleEntry& handle_blob(uint64_t index) const { return m_handles.blob(index); }
    const MappingObject& mapping_blob(uint64_t index) const { return m_mapping_blobs[index]; }
    const DataSection& data_section_blob(uint64_t index) const { return m_data_section_blobs[index]; }
    const AddressSpace& space(uint16_t id) const { return m_spaces[id]; }

    // Address spaces. create_space fails (kNoSpace) when no frame can hold the page directory.
    uint16_t create_space(Personality personality);
    void delete_space(uint16_t id);  // releases every region, page table and the page directory
    void switch_to(uint16_t id) { m_tables.switch_to(id); }  // loads CR3 (flushes the TLB) if it is not loaded already

    // Private memory API (WINDOWS.md "Private memory").
    Result virtual_alloc(uint16_t space, uint32_t address, uint32_t size, uint32_t type, uint32_t protect);
    Result virtual_free(uint16_t space, uint32_t address, uint32_t size, uint32_t type);
    Result virtual_protect(uint16_t space, uint32_t address, uint32_t size, uint32_t protect);  // value = old
    Result virtual_query(uint16_t space, uint32_t address, MemoryBasicInformation& out) const;
    // Write watch (mm/WriteWatch.cpp): GetWriteWatch fills out with the written pages of the range
    // (at most max_count, in address order; value = their number), WRITE_WATCH_FLAG_RESET clears
    // the pages it reported; ResetWriteWatch clears the range.
    Result get_write_watch(uint16_t space, uint32_t flags, uint32_t address, uint32_t size, uint32_t max_count,
                           std::vector<uint32_t>& out);
    Result reset_write_watch(uint16_t space, uint32_t address, uint32_t size);
    // VirtualLock / VirtualUnlock (mm/VirtualLock.cpp): lock faults every page of the range in
    // (faults: the kinds its touches caused) and keeps it in the working set; unlock lets it go.
    Result virtual_lock(uint16_t space, uint32_t address, uint32_t size, uint32_t& faults);
    Result virtual_unlock(uint16_t space, uint32_t address, uint32_t size);
    uint32_t locked_pages(uint16_t space) const;  // pages the process has locked (limit kVirtualLockLimit)
    // Locked pages of live processes mapping the frame (a section's shared frame: one per locking process).
    uint32_t frame_lockers(uint32_t frame) const;

    // A load, store or instruction fetch of 1, 2 or 4 bytes by the process owning `space`.
    AccessResult access(uint16_t space, uint32_t va, uint32_t size, x86::Access kind, uint32_t value = 0,
                        x86::Mode mode = x86::Mode::User);
    // access() for a caller that has just seen its hit path decline (access_hit or a hit run
    // returned false / stopped there, nothing changed since): the same, without trying it again.
    AccessResult access_declined(uint16_t space, uint32_t va, uint32_t size, x86::Access kind, uint32_t value,
                                 x86::Mode mode = x86::Mode::User);
    // The hit path of access(), inline for loops that make millions of accesses (the replay): an
    // access of 1, 2 or 4 bytes (the caller checks the size) within one page, by the running space,
    // with no TLB, whose PDE and PTE already allow it. Returns false, having changed nothing, when
    // the access needs the general path (call access() then); true when it did exactly what
    // access() does (value read into read_value for a read).
    [[gnu::always_inline]] bool access_hit(uint16_t space, uint32_t va, uint32_t size, x86::Access kind,
                                           uint32_t value, uint32_t& read_value) {
        if (space != m_stores.current) [[unlikely]]
            return false;
        return hit(space, va, size, kind, value, x86::Mode::User, read_value);
    }
    // A run of replay accesses: accesses [i, n) one after another for as long as each is such a
    // hit (the conditions of access_hit, the access within one page); returns the index of the
    // first that is not (n when all were), having done nothing for it — the caller gives that one
    // to access() and continues. Each hit does exactly what access() does: the walk's
    // Accessed/Dirty bits, an LRU touch, then the data. What no hit can change (the running
    // space, the TLB being off, the journal's state, the policy) is checked once, and the access
    // count is kept in a register. A::address, A::size (1, 2 or 4) and A::write describe an
    // access; value_of(index, size) gives a store's value; every value read is added to read_sum
    // (so a read really loads its bytes, and a replay's reads can be compared across policies).
    //
    // Journal off: a store does not first read the bytes it overwrites (there is no old value to
    // keep). Journal on: each hit records exactly what access() records for it, in its order (the
    // count, the PTE's bits when they change, an LRU touch (one ListMove), the stored bytes with their
    // old value, then the AccessDone event), written in place into the journal
    // (Journal::open_batch) at most kJournalBatch accesses at a time; declines (returns i) when
    // the journal could merge the next counter change into an earlier record.
    template <class A, class ValueOf>
    [[gnu::always_inline]] size_t hit_run_unjournaled(uint16_t space, const A* a, size_t i, size_t n,
                                                      ValueOf&& value_of, uint32_t& read_sum) {
        return hit_run<false>(space, a, i, n, value_of, read_sum);
    }
    // Journal off, no TLB, space running: if a user-mode write to va would take a dirty-bit fault
    // (a present page whose R/W is held back, Pte::kSoftwareWrite), takes it as access() would
    // (the page fault counted, set_dirty_bit) and answers true: the access then hits. The replay
    // calls it for an access its hit loop declined, before sending that access through access().
    [[gnu::noinline]] bool take_dirty_bit_fault(uint16_t space, uint32_t va);
    template <class A, class ValueOf>
    [[gnu::always_inline]] size_t hit_run_journaled(uint16_t space, const A* a, size_t i, size_t n,
                                                    ValueOf&& value_of, uint32_t& read_sum) {
        return hit_run<true>(space, a, i, n, value_of, read_sum);
    }
    static constexpr size_t kJournalBatch = 4096;
    static constexpr size_t kPrefetchAhead = 8;
    // InterlockedExchangeAdd: one locked read-modify-write (lock xadd) of the 32-bit value at va
    // (4-byte aligned): a write access for the fault handler from its first fault (the processor
    // reports a locked instruction's faults with W/R = 1), one access in the counters; the value
    // becomes value + addend (little-endian, wrapping), and the result's value is the initial one.
    AccessResult interlocked_add(uint16_t space, uint32_t va, uint32_t addend);
    // The kernel debugger's poke: writes the frame behind va directly, bypassing protection and
    // copy-on-write (the page must be present or is brought in first).
    AccessResult debugger_write(uint16_t space, uint32_t va, uint32_t size, uint32_t value);
    // Moves every pageable page of the space to the standby or modified list (EmptyWorkingSet).
    void trim(uint16_t space);

    // Ensures a page table exists for va (used by the replay to build tables before the trace).
    // For a shared-arena address of a win95 space it is the shared table (see below).
    bool ensure_page_table(uint16_t space, uint32_t va) { return m_tables.ensure_page_table(space, va); }

    // ----- The win95 shared arena and compatibility arena (mm/SharedArena.h) -----
    bool in_shared_arena(uint16_t space, uint32_t va) const { return m_shared.in_shared_arena(space, va); }
    bool in_compat_arena(uint16_t space, uint32_t va) const { return m_shared.in_compat_arena(space, va); }
    static const Vad& compat_arena() { return SharedArena::compat_arena(); }
    const VadMap& shared_vads() const { return m_shared.vads(); }
    uint32_t shared_table(uint32_t pde_index) const { return m_shared.table(pde_index); }  // kNoFrame: none
    // The VAD covering va as the space sees it (mm/Regions.h): use this, not AddressSpace::find_vad.
    const Vad* vad_at(uint16_t space, uint32_t va) const { return m_regions.vad_at(space, va); }
    // Every region the space sees, in address order.
    std::vector<const Vad*> regions(uint16_t space) const { return m_regions.regions(space); }
    bool range_is_free_for(uint16_t space, uint32_t start_vpn, uint32_t end_vpn) const {
        return m_regions.range_is_free_for(space, start_vpn, end_vpn);
    }
    std::optional<uint32_t> find_shared_gap(uint32_t pages, uint32_t low) const { return m_shared.find_gap(pages, low); }
    std::optional<uint32_t> shared_image_base(uint32_t section) const { return m_shared.image_base(section); }
    // The space starts using the shared region that begins at base: no PTE and no page table is
    // made (its pages are visible already). ERROR_INVALID_ADDRESS if there is no such region or
    // the space uses it already.
    Result add_shared_user(uint16_t space, uint32_t base) { return m_shared.join(space, base); }
    // The space stops using it; the last user tears the region down (release_shared_region:
    // its PTEs, private copies, empty shared page tables, and for an image the section's pages
    // when no view is left).
    Result drop_shared_user(uint16_t space, uint32_t base);

    // What the PTE of va says, decoded; present=false with kind Zero when there is no page table.
    using PteInfo = mm::PteInfo;
    PteInfo pte_info(uint16_t space, uint32_t va) const { return m_tables.pte_info(space, va); }
    // Effective Win32 protection and state of one page (for expectations and VirtualQuery).
    struct PageState {
        uint32_t state = mem::kFree;
        uint32_t protect = 0;
    };
    PageState page_state(uint16_t space, uint32_t va) const;
    // What the page at va is, without touching it: its entries, its region, its backing and where
    // a read would find its bytes (mm/PageDescription.h); and the byte a read would see.
    PageDescription describe_page(uint16_t space, uint32_t va) const;
    // The same for a given entry of the page at va inside vad (null: none): what a value the window
    // shows means (the entry before a change, a PTE it read from a table).
    PageDescription describe_entry(const PteInfo& entry, const Vad* vad, uint32_t va) const;
    std::optional<uint8_t> peek_byte(uint16_t space, uint32_t va) const;
    // The virtual address a PTE's physical address translates (via the page table's PFN entry).
    uint32_t va_of_pte(uint32_t pte_address) const { return m_tables.va_of_pte(pte_address); }

    // ----- The emulated disk and image sections (mm/Section.h) -----
    // Boot-time only (not journaled): the scenario's files. Returns the file's index.
    uint32_t add_file(const std::string& path, std::vector<uint8_t> bytes) { return m_disk.add(path, std::move(bytes)); }
    const std::vector<DiskFile>& files() const { return m_disk.files(); }
    std::optional<uint32_t> find_file(std::string_view path) const { return m_disk.find(path); }  // case-insensitive
    const std::vector<std::string>& strings() const { return m_stores.strings; }

    const std::vector<ImageSection>& sections() const { return m_sections; }
    const std::vector<uint32_t>& prototypes() const { return m_protos; }
    uint32_t section_views(uint32_t section) const { return m_section_views[section]; }
    std::optional<uint32_t> find_image_section(uint32_t file) const;
    // The file's bytes as a reader of it sees them: a page resident in its data section's frame
    // (the cache, with a data view's unflushed writes) is taken from the frame, the rest from disk.
    std::vector<uint8_t> file_through_cache(uint32_t file) const;
    // The image section of a file, created (event section-created) if it does not exist yet; a new
    // one keeps the file as file_through_cache reads it, and its pages come from that copy.
    uint32_t ensure_image_section(uint32_t file, std::vector<ImagePage> pages);
    // Maps a view of an image section at base (a 64 KB-aligned address): a VAD of type MEM_IMAGE,
    // AllocationProtect EXECUTE_WRITECOPY, every PTE a prototype PTE (win95: pages already in RAM
    // are mapped valid at once). ERROR_INVALID_ADDRESS when the range is not free.
    Result map_image(uint16_t space, uint32_t section, uint32_t base);
    Result unmap_image(uint16_t space, uint32_t base);
    // The loader's fixups: brings the page in, makes it a private pagefile-backed copy (its
    // protection stays, a WRITECOPY page becomes READWRITE) and adds delta to the 32-bit words at
    // the given page offsets.
    AccessResult relocate_image_page(uint16_t space, uint32_t va, const std::vector<uint32_t>& offsets, uint32_t delta);
    // The section page behind a prototype index, and what the page reads as without faulting.
    const ImageSection& section_of_proto(uint32_t index) const;
    std::optional<uint8_t> peek_prototype(uint32_t index, uint32_t offset) const;

    // ----- Files, handles, file mappings and views (mm/Files.cpp, mm/FileMapping.cpp) -----
    // Handles are per address space (the process's handle table); values are multiples of 4
    // from 4 on, the lowest free one first. 0 stands for "no file" (the pagefile).
    const std::map<uint32_t, HandleEntry>& handles(uint16_t space) const { return m_handles.handles(space); }
    const HandleEntry* find_handle(uint16_t space, uint32_t handle) const { return m_handles.find(space, handle); }
    const std::vector<MappingObject>& mappings() const { return m_mappings; }
    const std::vector<DataSection>& data_sections() const { return m_data_sections; }
    const std::vector<uint32_t>& data_prototypes(uint32_t section) const { return m_data_protos[section]; }
    static bool is_data_proto(uint32_t index) { return index >= kDataProtoBase; }
    static uint32_t data_proto_index(uint32_t section, uint32_t page) { return kDataProtoBase + section * kDataProtoStride + page; }
    static uint32_t data_proto_section(uint32_t index) { return (index - kDataProtoBase) / kDataProtoStride; }
    static uint32_t data_proto_page(uint32_t index) { return (index - kDataProtoBase) % kDataProtoStride; }
    // The prototype PTE word behind an index of either range (image or data section).
    uint32_t prototype(uint32_t index) const;
    // True when a section has this prototype PTE index (a PTE a debugger wrote may name any).
    bool prototype_exists(uint32_t index) const;
    // The live data section of a file (one with a mapping object), if any.
    std::optional<uint32_t> find_data_section(uint32_t file) const;
    // Views of a data section whose VADs are in this space, in address order.
    std::vector<const Vad*> views_of(uint16_t space, uint32_t section) const { return m_regions.views_of(space, section); }

    // CreateFile: access is GENERIC_READ | GENERIC_WRITE; the result's value is the handle.
    Result create_file(uint16_t space, const std::string& path, uint32_t access, Disposition disposition);
    Result close_handle(uint16_t space, uint32_t handle);
    // ReadFile at an offset: value = bytes read (fewer at the end of the file); out gets them.
    Result read_file(uint16_t space, uint32_t handle, uint32_t offset, uint32_t size, std::vector<uint8_t>& out);
    Result write_file(uint16_t space, uint32_t handle, uint32_t offset, const std::vector<uint8_t>& data);
    Result set_end_of_file(uint16_t space, uint32_t handle, uint32_t size);
    // CreateFileMapping(file_handle, protect, size (0 = the file's), SEC_* flags, name): a file
    // handle, or kInvalidHandleValue (INVALID_HANDLE_VALUE; 0 means the same) for a mapping backed
    // by the paging file. value = handle; error ALREADY_EXISTS with ok when the name existed.
    Result create_file_mapping(uint16_t space, uint32_t file_handle, uint32_t protect, uint64_t size, uint32_t flags,
                               const std::string& name);
    Result open_file_mapping(uint16_t space, uint32_t access, const std::string& name);
    // CreateFileMapping(SEC_IMAGE) once the os layer has validated the image and made its section:
    // a mapping object whose views map the image (MEM_IMAGE, prototype PTEs), not relocated.
    Result create_image_mapping(uint16_t space, uint32_t file_handle, uint32_t image_section, uint32_t image_base,
                                const std::string& name);
    // NtQuerySection(SectionBasicInformation) on a mapping handle (mm/SectionInfo.cpp): value =
    // the size; ERROR_INVALID_HANDLE for anything but a mapping, win95 ERROR_CALL_NOT_IMPLEMENTED.
    Result query_section_basic(uint16_t space, uint32_t mapping_handle, SectionBasicInformation& out) const;
    static std::optional<Error> check_section_flags(bool w95, uint32_t flags);
    static uint32_t view_protection_for(uint32_t access);
    // The live mapping object of that name (a name lives while the object has a handle).
    std::optional<uint32_t> find_named_mapping(const std::string& name) const;
    // MapViewOfFileEx: access FILE_MAP_*, offset and address 64 KB-aligned (address 0: anywhere),
    // size 0 = to the end of the section. value = the view's base.
    Result map_view(uint16_t space, uint32_t mapping_handle, uint32_t access, uint32_t offset, uint32_t size,
                    uint32_t address);
    // NtMapViewOfSection (mm/NtMapView.cpp): the section handle in `caller`'s table, the view in
    // `target` (the ProcessHandle); NT only (win95: ERROR_CALL_NOT_IMPLEMENTED).
    NtMapResult nt_map_view(uint16_t caller, uint16_t target, const NtMapArgs& args);
    // DuplicateHandle of a mapping handle from one process's table into another's; `access`
    // (FILE_MAP_*) replaces the source's (DUPLICATE_SAME_ACCESS without it). value = the new handle.
    Result duplicate_handle(uint16_t from, uint32_t handle, uint16_t to, std::optional<uint32_t> access);
    // UnmapViewOfFile. The documented contract is the view's base; like NT, any address inside
    // the view is accepted (event unmap-inside-view says so).
    Result unmap_view(uint16_t space, uint32_t address);
    Result flush_view(uint16_t space, uint32_t address, uint32_t size);  // value = pages written
    // The prototype PTE index of a view's page.
    static uint32_t view_proto(const Vad& v, uint32_t vpn) { return data_proto_index(v.section, v.offset_page + (vpn - v.start_vpn)); }
    // What a page of a data section reads as without faulting.
    std::optional<uint8_t> peek_data_prototype(uint32_t index, uint32_t offset) const;

    // Undo/redo of one journal change.
    void apply(const core::Change& change, bool forward);
    // The bytes a FrameContent / SlotContent record names (a kept page, or a place: core::kInFrame)
    // in the machine's present state; right for a change when the machine is just before or just
    // after it (Session::visit puts it there).
    const core::PageRef& recorded_page(uint32_t record) const;
    // Every invariant the model promises; empty when all hold.
    std::vector<std::string> check_invariants() const;

private:
    // The invariants of the rooms of MemoryManager itself (the parts' own are theirs: Invariants.cpp
    // runs them all): the sections' frames and prototype PTEs (Segment.cpp); the objects —
    // handles, mapping objects, views, data sections — against each other (FileMapping.cpp); the
    // commit charge (VirtualMemory.cpp).
    void check_sections(InvariantReport& report) const;
    void check_objects(InvariantReport& report) const;
    void check_commit(InvariantReport& report) const;
    void check_locks(InvariantReport& report) const;  // mm/VirtualLock.cpp
    // PageMeaning, for PageTables::check.
    std::optional<uint32_t> proto_of(const Vad& v, uint32_t vpn) const override;
    uint32_t prototype_word(uint32_t index) const override { return prototype(index); }
    uint32_t query_protection(SpaceId space, uint32_t va) const override { return page_state(space, va).protect; }
    // The parts not moved yet call the parts' functions by their old names.
    FrameNumber reclaim(SpaceId for_space) override;
    FrameNumber obtain_frame(Need need, SpaceId for_space) { return m_frames.obtain(need, for_space); }
    void release_frame(uint32_t frame) { m_frames.release(FrameNumber(frame)); }
    void unuse_frame(uint32_t frame) { m_frames.unuse(FrameNumber(frame)); }
    void read_from_pagefile(SpaceId space, uint32_t va, uint32_t frame, uint32_t slot) {
        m_frames.read_from_pagefile(space, va, FrameNumber(frame), slot);
    }
    void insert_vad(SpaceId space, const Vad& v) { m_regions.insert(space, v); }
    void erase_vad(SpaceId space, const Vad& v) { m_regions.erase(space, v); }
    void replace_vad(SpaceId space, const Vad& before, const Vad& after) { m_regions.replace(space, before, after); }
    void replace_shared_vad(const Vad& before, const Vad& after) { m_shared.replace(before, after); }
    void erase_shared_vad(const Vad& v) { m_shared.erase(v); }
    void set_own_protection(SpaceId space, uint32_t va, uint32_t value) { m_regions.set_own_protection(space, va, value); }
    uint32_t pte_address_of(SpaceId space, uint32_t va) const { return m_tables.pte_address_of(space, va); }
    void write_pte(uint32_t pte_address, uint32_t value) { m_tables.write_pte(pte_address, value); }
    void invalidate_page(SpaceId space, uint32_t va) { m_tables.invalidate_page(space, va); }
    bool ensure_page_tables(SpaceId space, uint32_t first_vpn, uint32_t last_vpn) {
        return m_tables.ensure_page_tables(space, first_vpn, last_vpn);
    }
    bool ensure_pte_address(SpaceId space, uint32_t va, uint32_t& pte_address) {
        return m_tables.ensure_pte_address(space, va, pte_address);
    }
    void free_empty_page_tables(SpaceId space, uint32_t start_vpn, uint32_t end_vpn) {
        m_tables.free_empty_page_tables(space, start_vpn, end_vpn);
    }
    uint32_t valid_pte_bits(uint32_t frame, uint32_t mm_protection) const { return m_tables.valid_pte_bits(frame, mm_protection); }
    uint32_t private_pte_bits(SpaceId space, uint32_t frame, uint32_t mm_protection, uint32_t original_pte, bool dirty) const {
        return m_tables.private_pte_bits(space, frame, mm_protection, original_pte, dirty);
    }
    void map_private(SpaceId space, uint32_t pte_address, uint32_t frame, uint32_t mm_protection, uint32_t original_pte,
                     bool announce = true) {
        m_tables.map_private(space, pte_address, FrameNumber(frame), mm_protection, original_pte, announce);
    }
    void file_store(uint32_t file, uint64_t offset, const uint8_t* data, uint32_t n) { m_disk.store(file, offset, data, n); }
    void file_resize(uint32_t file, uint32_t size) { m_disk.resize(file, size); }
    core::PageRef file_chunk(uint32_t file, uint32_t page) const { return m_disk.chunk(file, page); }
    uint32_t new_file(const std::string& path) { return m_disk.create(path); }
    // A section page's fresh frame (image or data): active, owned by no process, pointing back at
    // its prototype PTE, which now points at it. The caller then maps it into the faulting PTE.
    void adopt_section_frame(uint32_t frame, FrameUse use, ProtoIndex index, uint32_t proto) {
        m_frames.activate(FrameNumber(frame), use, kNoSpace, Backlink::proto(index), proto, 0);
        set_proto(index.raw(), x86::Pte::make_valid(frame, x86::Writable::No, x86::User::No).raw());
    }
    void put_handle(SpaceId space, uint32_t handle, const HandleEntry* entry) { m_handles.put(space, handle, entry); }
    uint32_t lowest_free_handle(SpaceId space) const { return m_handles.lowest_free(space); }
    uint32_t add_handle(SpaceId space, const HandleEntry& entry) { return m_handles.add(space, entry); }

    // access_hit's body for any mode; the space is the running one (CR3 loaded). (mm/HitPath.h)
    [[gnu::always_inline]] bool hit(uint16_t space, uint32_t va, uint32_t size, x86::Access kind, uint32_t value,
                                    x86::Mode mode, uint32_t& read_value);
    // The replay's hit loop (hit_run_unjournaled / hit_run_journaled), one body for both (mm/HitPath.h).
    template <bool kJournal, class A, class ValueOf>
    [[gnu::always_inline]] size_t hit_run(uint16_t space, const A* a, size_t i, size_t n, ValueOf& value_of,
                                          uint32_t& read_sum);
    [[gnu::always_inline]] static bool user_hit_walk(const core::PageRef* frames, uint32_t cr3, uint32_t va, bool write,
                                                     uint32_t& pde_address, uint32_t& pde, uint32_t& pte_address,
                                                     uint32_t& pte);
    [[gnu::always_inline]] static void prefetch_data(const core::PageRef* frames, uint32_t cr3, uint32_t va);
    // ----- MemoryAccess (mm/MemoryAccess.cpp) -----
    // old_value, when given, receives the bytes the access found (a store can be taken back);
    // addend, when given, makes the write a read-modify-write that stores old + *addend.
    AccessResult access_page(uint16_t space, uint32_t va, uint32_t size, x86::Access kind, uint32_t value,
                             x86::Mode mode, uint32_t* old_value = nullptr, const uint32_t* addend = nullptr);

    // ----- PageFault (mm/PageFault.cpp) -----
    // The dispatcher (MmAccessFault): the refusals, then one handler per PTE kind.
    FaultOutcome handle_fault(uint16_t space, uint32_t va, x86::Access kind, x86::Mode mode, uint32_t error_code);
    FaultOutcome protection_fault(uint16_t space, uint32_t va, x86::Access kind, x86::Mode mode);
    FaultOutcome demand_zero_fault(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t prot);
    FaultOutcome pagefile_fault(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte, uint32_t prot);
    FaultOutcome transition_fault(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte, uint32_t prot);
    FaultOutcome view_fault(uint16_t space, uint32_t va, x86::Access kind, const Vad& vad, uint32_t pte_address);
    FaultOutcome copy_on_write(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte);
    // A write to a page whose R/W was held back (Pte::kSoftwareWrite): NT's MiSetDirtyBit.
    FaultOutcome set_dirty_bit(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte);
    // A guard page's one fault: new_pte for the PTE, or (none) the page's own protection in its VAD.
    FaultOutcome guard_page(uint16_t space, uint32_t va, uint32_t unguarded, uint32_t pte_address,
                            std::optional<uint32_t> new_pte);
    FaultOutcome access_violation(uint16_t space, uint32_t va, AvReason reason);
    FaultOutcome no_frame(uint16_t space, uint32_t va);  // the OutOfMemory event and outcome
    // Why a retried access faults again (the walk returned error_code), for its Retry event.
    RetryOutcome retry_outcome(uint16_t space, uint32_t va, x86::Access kind, x86::Mode mode, uint32_t error_code) const;
    // The event of an entry naming what does not exist; the outcome carries it (m_bad).
    FaultOutcome bad_entry(uint16_t space, uint32_t va, BadEntryKind kind, uint32_t number, uint32_t limit);
    // A transition, pagefile or prototype entry naming what does not exist: its bad_entry.
    std::optional<FaultOutcome> check_entry(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte);

    // ----- PageOut (mm/PageOut.cpp) -----
    // The pagefile slot a page leaving memory goes to: the slot its copy came from, else (when
    // needed) the lowest free one, allocated when written (fresh). Slot 0: none.
    struct SlotChoice {
        uint32_t slot;
        bool fresh;
    };
    SlotChoice pick_slot(uint32_t original_pte, bool needed) const;
    void write_to_slot(uint32_t frame, SlotChoice choice);  // the frame's bytes to the slot, counted
    bool evict(uint32_t frame);          // a private page; false: dirty and no pagefile slot
    bool evict_section(uint32_t frame);  // an image's or (evict_data) a data section's page
    bool evict_data(uint32_t frame);
    // Every PTE mapping a section frame refers to its prototype PTE again, which becomes new_proto.
    void unmap_section_frame(uint32_t frame, const FrameMappings& maps, uint32_t new_proto);
    void trim_frame(uint32_t frame);
    void repurpose_standby(uint32_t frame);
    bool write_modified(uint32_t frame);

    // ----- VirtualMemory (mm/VirtualMemory.cpp) -----
    // VirtualProtect (or a commit again) of a valid private page: the PFN's protection, then the
    // PTE's rights with its Accessed/Dirty kept — or, for NOACCESS/GUARD, a trim to transition.
    void protect_valid_page(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte, uint32_t mm_protection);
    Result reserve_region(uint16_t space, uint32_t address, uint32_t size, uint32_t type, uint32_t protect, bool commit);
    Result commit_in_region(uint16_t space, uint32_t address, uint32_t size, uint32_t protect, uint32_t mm_prot);
    void free_page(uint16_t space, uint32_t va, bool leave_decommitted);  // decommit one page
    uint32_t page_protection(uint32_t pte_raw) const;  // MM protection of a page's current PTE
    uint32_t committed_pages(uint16_t space, uint32_t start_vpn, uint32_t end_vpn) const;

    // ----- MEM_RESET and write watch (mm/WriteWatch.cpp) -----
    Result reset_pages(uint16_t space, uint32_t address, uint32_t size, uint32_t type, uint32_t protect);
    bool reset_page_needed(uint16_t space, uint32_t va) const;
    void reset_page(uint16_t space, uint32_t va);
    void set_page_mark(uint16_t space, const Vad& v, uint32_t vpn, uint8_t mark, bool on);
    void note_write(uint16_t space, uint32_t va, uint32_t size);  // after a store: the write-watch bitmap
    Result watched_range(uint16_t space, uint32_t address, uint32_t size, const Vad*& out) const;
    void clear_watch(uint16_t space, uint32_t first_vpn, uint32_t last_vpn);

    // ----- VirtualLock (mm/VirtualLock.cpp) -----
    Result lock_range(uint16_t space, uint32_t address, uint32_t size, uint32_t& first, uint32_t& last) const;
    Result lock_regions(uint16_t space, uint32_t first, uint32_t last, uint32_t& already);
    void set_page_locked(uint16_t space, uint32_t vpn, bool on);
    uint32_t valid_frame(uint16_t space, uint32_t vpn) const;
    void refresh_frame_lock(uint32_t frame);
    void lock_moved_to_copy(uint16_t space, uint32_t va, uint32_t shared, uint32_t copy);
    void unlock_view_page(uint16_t space, uint32_t va);
    void drop_lock_for_protection(uint16_t space, uint32_t va, uint32_t frame);

    // ----- Address spaces (mm/MemoryManager.cpp) -----
    // The last user of a shared region is gone: everything it mapped is taken down.
    void release_shared_region(uint16_t last_user, const Vad& v);
    void set_page_directory(uint16_t space, uint32_t frame);
    void set_alive(uint16_t space, bool alive);

    // ----- Segment: prototype PTEs of image and data sections (mm/Segment.cpp) -----
    uint32_t& prototype_word(uint32_t index);
    void set_proto(uint32_t index, uint32_t value);
    // Brings a section's page in for the PTE at pte_address, mapped with prot: a soft fault onto
    // its frame, else a frame obtained here and filled from the pagefile, with zeros or from the file.
    FaultOutcome resolve_section_page(uint16_t space, uint32_t va, uint32_t pte_address, ProtoIndex index, uint32_t prot);
    struct SectionPageSource {
        FrameUse use;        // Image, File or PagefileSection
        bool from_pagefile;  // its bytes are in a pagefile slot
        bool zero;           // a page never touched: a zeroed frame
    };
    SectionPageSource section_page_source(ProtoIndex index, uint32_t proto) const;
    FaultKind read_section_page(uint16_t space, uint32_t va, uint32_t frame, ProtoIndex index);
    // Every process PTE that maps the section's frame (space or kSharedArena, PTE address), in space order.
    FrameMappings section_mappings(uint32_t frame) const override;
    // A page of a view being unmapped (image: an image view): a PTE mapping the section's frame
    // lets go of it, a prototype or zero PTE is cleared, a private copy is freed with its charge.
    void unmap_view_page(uint16_t space, uint32_t va, bool image);

    // ----- Image sections (mm/ImageSection.cpp) -----
    void set_views(uint32_t section, uint32_t views);
    void teardown_image(uint16_t space, const Vad& v);  // an image VAD's PTEs, copies and section views
    // Makes the page behind a valid PTE mapping a shared image frame private. announce(frame)
    // opens the event once the private frame is known. Retry: the page was evicted while a frame
    // was found (fault again).
    struct Privatized {
        enum Status : uint8_t { Done, NoFrame, Retry } status;
        uint32_t frame;
    };
    Privatized privatize(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte, uint32_t new_protection,
                         const std::function<void(uint32_t)>& announce);
    uint32_t proto_protection(uint32_t index) const;
    // Image pages: the protection a page of an image VAD has in this process while it is not a
    // private copy (its own, set by VirtualProtect, else the prototype PTE's).
    uint32_t image_protection(const Vad& v, uint32_t vpn) const;
    // True when the PTE maps (or refers to) the section's shared page rather than a private copy.
    bool maps_section_page(uint32_t pte) const;
    // The MM protection of the page at va whose PTE is pte, own image protections included.
    uint32_t protection_at(uint16_t space, uint32_t va, uint32_t pte) const;
    Result protect_image(uint16_t space, const Vad& v, uint32_t first, uint32_t last, uint32_t mm_prot);
    void protect_section_view_page(uint16_t space, const Vad& v, uint32_t vpn, uint32_t prot);
    void free_section_pages(uint32_t section);
    uint32_t image_private_pages(uint16_t space, const Vad& v) const;

    // ----- Files, data sections, mappings and views (mm/Files.cpp, DataSection.cpp, FileMapping.cpp) -----
    void cut_file(uint32_t file, uint32_t size);  // resize, keeping the section's frames truthful
    void put_mapping(const MappingObject& m);                            // creates when m.id == size
    void put_data_section(const DataSection& s);                         // creates when s.id == size
    uint32_t initial_data_proto(const DataSection& s, uint32_t page) const;
    uint32_t create_data_section(DataSectionKind kind, uint32_t file, uint32_t pages, uint32_t mm_prot, bool reserve);
    void grow_data_section(uint32_t section, uint32_t pages);
    void mapping_ref(uint32_t mapping, int handles, int views);          // the object dies at zero of both
    void delete_data_section(uint32_t section);
    // Writes a dirty resident page of a file section back to its file (event FilePageWritten),
    // clearing the Dirty bits of every PTE mapping it; returns true when it wrote.
    bool write_back(uint32_t frame, WriteBack why);
    bool page_is_dirty(uint32_t frame) const;
    // A view page's protection in this process while it is not a private copy (own, else the view's).
    uint32_t view_protection(const Vad& v, uint32_t vpn) const;
    Result unmap_view_vad(uint16_t space, const Vad& v);
    uint32_t insert_view(uint16_t space, uint32_t mapping, uint32_t base, uint32_t pages, uint32_t offset_page,
                         uint32_t protect, bool shared);
    Result map_image_view(uint16_t space, const MappingObject& m, uint32_t offset, uint32_t address);
    void commit_view_start(uint16_t space, uint32_t base, uint32_t pages, uint32_t commit_size, uint32_t protect);
    Result map_shared_view(uint16_t space, const MappingObject& m, uint32_t offset, uint32_t pages, uint32_t protect,
                           uint32_t address);
    Result reopen_named_mapping(uint16_t space, const MappingObject& m);
    Result commit_view(uint16_t space, const Vad& v, uint32_t first, uint32_t last, uint32_t mm_prot);
    Result decommit_view(uint16_t space, const Vad& v, uint32_t first, uint32_t last);
    Result protect_view(uint16_t space, const Vad& v, uint32_t first, uint32_t last, uint32_t mm_prot);
    bool view_allows_protection(const Vad& v, uint32_t mm_prot) const;
    void close_all_handles(uint16_t space);
    uint64_t data_section_charge() const;  // committed pages of live pagefile-backed sections
    void apply_object(const core::Change& c, bool forward);

    FrameAllocator m_frames{m_stores};
    SharedArena m_shared{m_stores};
    Regions m_regions{m_stores, m_shared};
    PageTables m_tables{m_stores, m_shared, m_frames};
    ReplacementPolicy m_policy{m_stores, m_tables, *this};
    Disk m_disk{m_stores};
    HandleTable m_handles{m_stores};
    AccessResult m_bad;  // the last bad_entry's kind, number and limit (not machine state)
    std::vector<ImageSection> m_sections;
    std::vector<ImageSection> m_section_blobs;  // as created (for redo)
    std::vector<uint32_t> m_section_views;
    std::vector<uint32_t> m_protos;
    std::vector<MappingObject> m_mappings;
    std::vector<MappingObject> m_mapping_blobs;
    std::vector<DataSection> m_data_sections;
    std::vector<DataSection> m_data_section_blobs;
    std::vector<std::vector<uint32_t>> m_data_protos;       // by data section: its prototype PTEs
};

}  // namespace pagelab::mm

#include "mm/HitPath.h"  // IWYU pragma: export
