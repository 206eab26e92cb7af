// Event kinds of the memory manager. An event is one step a learner can follow ("the fault
// takes frame 0x12 from the zeroed list"); its primitive changes are in the journal after it.
// Arguments are plain numbers so that the explanation can be rendered at any later time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/Journal.h"

namespace pagelab::mm {

enum class EventKind : uint16_t {
    Operation = 0,       // the operation's own event (args set by the caller; kind in a0)
    SpaceCreated,        // a0 = page directory frame
    SpaceDeleted,
    Cr3Loaded,           // a0 = page directory frame
    PageFault,           // a0 = va, a1 = error code, a2 = access (0 read, 1 write, 2 execute)
    AccessViolation,     // a0 = va, a1 = reason (AvReason)
    GuardPage,           // a0 = va
    PageTableCreated,    // a0 = va, a1 = frame
    PageTableFreed,      // a0 = va, a1 = frame
    FrameTaken,          // a0 = frame, a1 = FrameList it came from
    FrameZeroed,         // a0 = frame
    DemandZero,          // a0 = va, a1 = frame, a2 = 1: a system page of win95's compatibility arena
    PagefileRead,        // a0 = va, a1 = frame, a2 = slot
    SoftFault,           // a0 = va, a1 = frame, a2 = list it was on
    PageMapped,          // a0 = va, a1 = frame, a2 = PTE value
    SecondChance,        // a0 = va, a1 = frame (Clock cleared Accessed)
    VictimChosen,        // a0 = va, a1 = frame, a2 = Policy, a3 = kVictim* | section << 2 (a page no process maps)
    PagefileWrite,       // a0 = va, a1 = frame, a2 = slot
    PageDropped,         // a0 = va, a1 = frame, a2 = slot (0: back to demand-zero)
    PageTrimmed,         // a0 = va, a1 = frame, a2 = list (standby/modified)
    PageRepurposed,      // a0 = va, a1 = frame (a standby page's frame is reused)
    ModifiedWritten,     // a0 = va, a1 = frame, a2 = slot (modified page writer)
    Reserved,            // a0 = base, a1 = size, a2 = protect
    Committed,           // a0 = base, a1 = size, a2 = protect, a3 = pages newly charged (the rest were committed)
    Decommitted,         // a0 = base, a1 = size
    Released,            // a0 = base, a1 = size
    Protected,           // a0 = base, a1 = size, a2 = new, a3 = old
    CommitLimit,         // a0 = pages asked, a1 = charge, a2 = limit
    OutOfMemory,         // a0 = va, a1 = 0 no frame / 1 pagefile full
    AccessDone,          // a0 = va, a1 = value, a2 = access, a3 = size
    DebuggerWrite,       // a0 = va, a1 = physical address, a2 = value
    Retry,               // a0 = va, a1 = access, a2 = RetryOutcome, a3 = error code of the next fault (0: none)
    // Image sections (strings: interned names, MemoryManager::strings()).
    SectionCreated,      // a0 = section, a1 = pages, a2 = file name string
    ImageMapped,         // a0 = base, a1 = size, a2 = file name string, a3 = pages mapped valid at once (win95)
    ImageUnmapped,       // a0 = base, a1 = size, a2 = file name string
    ImageRead,           // a0 = va, a1 = frame, a2 = file offset, a3 = file name string
    PrototypeSoftFault,  // a0 = va, a1 = frame, a2 = share count after
    CopyOnWrite,         // a0 = va, a1 = shared frame, a2 = private frame, a3 = new protection
    ImagePageDropped,    // a0 = rva, a1 = frame, a2 = slot (0: back to "in file"), a3 = file name string
    SectionPagesFreed,   // a0 = file name string, a1 = frames freed
    Relocated,           // a0 = va, a1 = private frame, a2 = fixups, a3 = delta
    // The loader (os/Loader).
    LoaderFindFile,      // a0 = name string, a1 = found (1) or not (0)
    LoaderProcessObject, // a0 = process name string
    LoaderImports,       // a0 = module string, a1 = import count
    LoaderDll,           // a0 = dll string, a1 = importer string, a2 = 0 load / 1 already loaded (refcount in a3)
    LoaderNotAtBase,     // a0 = dll string, a1 = preferred base, a2 = actual base, a3 = relocatable
    LoaderStack,         // a0 = base, a1 = reserved size
    LoaderStart,         // a0 = entry address, a1 = 1: CREATE_SUSPENDED (the thread does not run yet)
    LoaderFailed,        // a0 = Win32 error, a1 = name string: everything built is unwound
    LoaderUnload,        // a0 = dll string, a1 = base, a2 = refcount after
    LoaderBadImage,      // a0 = file name string, a1 = PE reader's message string (the field at fault)
    // Files, handles, file mappings and views (mm/Files.cpp, mm/FileMapping.cpp).
    FileCreated,         // a0 = path string, a1 = handle, a2 = 1 created / 2 truncated
    FileOpened,          // a0 = path string, a1 = handle, a2 = access (GENERIC_*)
    HandleClosed,        // a0 = handle, a1 = HandleKind, a2 = object name string
    FileReadCall,        // a0 = path string, a1 = offset, a2 = bytes read, a3 = pages found in frames
    FileWriteCall,       // a0 = path string, a1 = offset, a2 = bytes written, a3 = pages also in frames
    FileSizeSet,         // a0 = path string, a1 = old size, a2 = new size
    DataSectionCreated,  // a0 = section, a1 = pages, a2 = file string (kNoString: pagefile), a3 = committed pages
    DataSectionGrown,    // a0 = section, a1 = old pages, a2 = new pages, a3 = file string
    MappingCreated,      // a0 = mapping, a1 = handle, a2 = name string (kNoString: unnamed), a3 = size
    MappingOpened,       // a0 = mapping, a1 = handle, a2 = name string, a3 = 1: CreateFileMapping of an existing name
    MappingDeleted,      // a0 = mapping, a1 = name string (kNoString: unnamed), a2 = 1: the name goes now (else it went with the last handle)
    ViewMapped,          // a0 = base, a1 = size, a2 = mapping, a3 = protection
    ViewUnmapped,        // a0 = base, a1 = size, a2 = mapping
    FilePageRead,        // a0 = va, a1 = frame, a2 = file offset, a3 = file string
    FilePageWritten,     // a0 = frame, a1 = file offset, a2 = file string, a3 = WriteBack reason
    ViewFlushed,         // a0 = base, a1 = size, a2 = pages written
    SectionPageCommitted,// a0 = va, a1 = section page, a2 = protection
    DataPageDropped,     // a0 = section page, a1 = frame, a2 = slot (0: none), a3 = section
    DataSectionDeleted,  // a0 = section, a1 = frames freed, a2 = file string (kNoString: pagefile)
    // The win95 shared arena.
    SharedTableCreated,  // a0 = va, a1 = frame, a2 = page directories given the PDE
    SharedTableFreed,    // a0 = va, a1 = frame, a2 = page directories losing the PDE
    SharedRegionJoined,  // a0 = base, a1 = size, a2 = VadType, a3 = users after
    SharedRegionLeft,    // a0 = base, a1 = size, a2 = VadType, a3 = users after
    DirtyBitSet,         // a0 = va, a1 = frame, a2 = pagefile slot freed (0: none)
    UnmapInsideView,     // a0 = address given to UnmapViewOfFile, a1 = the view's base, a2 = its size
    InterlockedAdd,      // a0 = va, a1 = old value, a2 = new value, a3 = addend (a signed 32-bit number)
    MappingNameGone,     // a0 = mapping, a1 = name string, a2 = views still mapped: the last handle closed
    SharedViewReturned,  // a0 = base, a1 = size, a2 = mapping: win95 MapViewOfFile of a view this process already uses
    BadEntry,            // a0 = va, a1 = BadEntryKind, a2 = the frame, slot or index named, a3 = the limit
    SectionPageDecommitted, // a0 = va, a1 = section page, a2 = frame freed (0: none): win95 VirtualFree of a SEC_RESERVE view page
    // Sections, views and images (issue 16, part 2).
    LoaderDataFile,      // a0 = name string, a1 = view base, a2 = 1: the module was loaded as an image already (a3 = refcount)
    LoaderNoImports,     // a0 = dll string, a1 = import count left unresolved (DONT_RESOLVE_DLL_REFERENCES)
    // MEM_RESET, write watch (mm/WriteWatch.cpp).
    MemReset,            // a0 = base, a1 = size, a2 = pages made discardable, a3 = VadType
    WriteWatched,        // a0 = va: a page of a MEM_WRITE_WATCH region written for the first time since the last reset
    WriteWatchReset,     // a0 = base, a1 = size, a2 = pages cleared
    // DuplicateHandle (mm/NtMapView.cpp).
    HandleDuplicated,    // a0 = source handle, a1 = target space, a2 = new handle, a3 = mapping name string (kNoString: unnamed)
    // VirtualLock / VirtualUnlock (mm/VirtualLock.cpp).
    PagesLocked,         // a0 = base, a1 = size, a2 = pages newly locked, a3 = the process's locked pages after
    PagesUnlocked,       // a0 = base, a1 = size, a2 = the process's locked pages after
    UnlockNotLocked,     // a0 = base, a1 = size, a2 = resident unlocked pages removed from the working set
    LockDropped,         // a0 = va, a1 = frame: VirtualProtect to NOACCESS/GUARD takes a locked page out of the working set
    LockIgnored,         // a0 = base, a1 = size, a2 = 1: VirtualUnlock (0: VirtualLock): win95's stub returns TRUE
    LockQuota,           // a0 = base, a1 = pages asked, a2 = the process's locked pages, a3 = the limit
    Count_
};

inline constexpr uint32_t kNoString = 0xFFFFFFFFu;
// VictimChosen's a3 when the victim is a section's page that no process maps at the moment: a0 is
// then the page's index (data section) or RVA (image section), not a virtual address.
inline constexpr uint32_t kVictimMapped = 0, kVictimDataPage = 1, kVictimImagePage = 2;
enum class WriteBack : uint32_t { Flush, Eviction, Close, Truncation };

// What the retried access does (the Retry event's a2), known once its walk has run: it succeeds,
// or it faults again — for another reason than the fault just resolved.
enum class RetryOutcome : uint32_t {
    Succeeds,     // the walk succeeds and sets Accessed (and Dirty)
    NotPresent,   // the page is not present again (it left memory while the fault was resolved)
    CopyOnWrite,  // a write to the page now mapped read-only for copy-on-write: a protection fault
    DirtyBit,     // a write to a page whose R/W is held back (NT's dirty-bit fault)
    Protection,   // the page now mapped does not allow the access: a protection fault
};

enum class AvReason : uint32_t {
    NullPointer,
    KernelAddress,
    NoRegion,
    Reserved,
    Decommitted,
    NoAccess,
    ReadOnly,
    NotExecutable,
    Supervisor,
    OutsideArena,
};
const char* av_reason_text(AvReason r);

// An entry that names something that does not exist (only a kernel debugger's write can make one):
// the access stops with an error event instead of reaching outside the machine (BadEntry).
enum class BadEntryKind : uint32_t {
    None,
    PdeFrame,        // a valid PDE's page table frame is beyond RAM
    PteFrame,        // a valid PTE's frame is beyond RAM
    TransitionFrame, // a transition PTE's frame is beyond RAM, or holds no page in transition for it
    PagefileSlot,    // a pagefile PTE's slot is beyond the pagefile or not in use
    Prototype,       // a prototype PTE index that no section has
};
// The short form for a step's result: "PTE names frame 0x7F7F7 beyond the 64 frames of RAM".
std::string bad_entry_note(BadEntryKind kind, uint32_t number, uint32_t limit);

const char* event_kind_name(EventKind k);

// One sentence for a learner. space_name turns an address-space id into a process name.
std::string describe_event(const core::EventRecord& e, const std::function<std::string(uint16_t)>& space_name,
                           const std::vector<std::string>* strings = nullptr);

}  // namespace pagelab::mm
