#include "mm/Events.h"

#include <fmt/format.h>

#include "mm/AddressSpace.h"
#include "mm/Pfn.h"
#include "mm/Protection.h"
#include "mm/SoftwarePte.h"
#include "mm/Win32.h"

namespace pagelab::mm {

const char* av_reason_text(AvReason r) {
    switch (r) {
        case AvReason::NullPointer: return "the address is in the NULL-pointer trap";
        case AvReason::KernelAddress: return "the address belongs to the kernel, and user mode may not touch it";
        case AvReason::NoRegion: return "no region is allocated there (the memory is free)";
        case AvReason::Reserved: return "the page is reserved but not committed";
        case AvReason::Decommitted: return "the page was decommitted";
        case AvReason::NoAccess: return "the page is PAGE_NOACCESS";
        case AvReason::ReadOnly: return "the page may not be written";
        case AvReason::NotExecutable: return "the page may not be executed";
        case AvReason::Supervisor: return "the page is a supervisor page (U/S = 0)";
        case AvReason::OutsideArena: return "the address is outside the process's user space";
    }
    return "?";
}

const char* event_kind_name(EventKind k) {
    static const char* const kNames[] = {
        "operation",     "space-created",  "space-deleted",  "cr3-loaded",      "page-fault",
        "access-violation", "guard-page",  "page-table-created", "page-table-freed", "frame-taken",
        "frame-zeroed",  "demand-zero",    "pagefile-read",  "soft-fault",      "page-mapped",
        "second-chance", "victim-chosen",  "pagefile-write", "page-dropped",    "page-trimmed",
        "page-repurposed", "modified-written", "reserved",   "committed",       "decommitted",
        "released",      "protected",      "commit-limit",   "out-of-memory",   "access-done",
        "debugger-write", "retry",
        "section-created", "image-mapped", "image-unmapped", "image-read", "prototype-soft-fault", "copy-on-write",
        "image-page-dropped", "section-pages-freed", "relocated", "loader-find-file", "loader-process-object",
        "loader-imports", "loader-dll", "loader-not-at-base", "loader-stack", "loader-start", "loader-failed",
        "loader-unload", "loader-bad-image",
        "file-created", "file-opened", "handle-closed", "file-read-call", "file-write-call", "file-size-set",
        "data-section-created", "data-section-grown", "mapping-created", "mapping-opened", "mapping-deleted",
        "view-mapped", "view-unmapped", "file-page-read", "file-page-written", "view-flushed",
        "section-page-committed", "data-page-dropped", "data-section-deleted",
        "shared-table-created", "shared-table-freed", "shared-region-joined",
        "shared-region-left", "dirty-bit", "unmap-inside-view", "interlocked-add", "mapping-name-gone",
        "shared-view-returned", "bad-entry",
    };
    static_assert(sizeof(kNames) / sizeof(kNames[0]) == size_t(EventKind::Count_));
    return size_t(k) < size_t(EventKind::Count_) ? kNames[size_t(k)] : "?";
}

namespace {
// "1 page", "2 pages": a count with its noun in the right number.
std::string count(uint32_t n, const char* one, const char* many) { return fmt::format("{} {}", n, n == 1 ? one : many); }
// A phrase that begins a sentence: "the system" and "the program" become "The ..."; names (a
// process, a file, a DLL) stay as they are written.
std::string sentence_start(std::string s) {
    if (s.rfind("the ", 0) == 0) s[0] = 'T';
    return s;
}

std::string error_code_text(uint32_t ec) {
    return fmt::format("error code {} = {}, {}, {} mode", ec, (ec & 1) ? "P=1 protection violation" : "P=0 page not present",
                       (ec & 2) ? "W/R=1 write" : "W/R=0 read", (ec & 4) ? "U/S=1 user" : "U/S=0 kernel");
}
}  // namespace

std::string describe_event(const core::EventRecord& e, const std::function<std::string(uint16_t)>& space_name,
                           const std::vector<std::string>* strings) {
    auto str = [&](uint32_t i) { return strings && i < strings->size() ? (*strings)[i] : fmt::format("#{}", i); };
    const auto& a = e.args;
    const std::string who = e.space == 0xFFFF ? std::string("the system") : space_name(e.space);
    const std::string Who = sentence_start(who);  // when it begins the sentence
    switch (EventKind(e.kind)) {
        case EventKind::Operation: return "";
        case EventKind::SpaceCreated:
            return fmt::format("{} gets an address space: its page directory is frame 0x{:X}, and CR3 will hold 0x{:08X}.", Who, a[0], a[0] << 12);
        case EventKind::SpaceDeleted:
            return fmt::format("{}'s address space is gone: its page directory frame 0x{:X} returns to the free list.", Who, a[0]);
        case EventKind::Cr3Loaded:
            return fmt::format("The CPU switches to {}: CR3 is loaded with 0x{:08X}, which flushes the TLB.", who, a[0] << 12);
        case EventKind::PageFault:
            return fmt::format("Page fault: {} {} 0x{:08X} ({}).", who,
                               a[2] == 1 ? "writes" : a[2] == 2 ? "executes at" : "reads", a[0], error_code_text(a[1]));
        case EventKind::AccessViolation:
            return fmt::format("Access violation at 0x{:08X}: {}.", a[0], av_reason_text(AvReason(a[1])));
        case EventKind::GuardPage:
            return fmt::format("Guard page hit at 0x{:08X}: the fault raises STATUS_GUARD_PAGE_VIOLATION and the page loses its GUARD flag, so the next touch succeeds.", a[0]);
        case EventKind::PageTableCreated:
            return fmt::format("No page table covers 0x{:08X}-0x{:08X} yet: frame 0x{:X} becomes one and the PDE points at it.", a[0], a[0] + 0x3FFFFF, a[1]);
        case EventKind::PageTableFreed:
            return fmt::format("The page table for 0x{:08X} has no used entries left: frame 0x{:X} is freed and the PDE cleared.", a[0], a[1]);
        case EventKind::FrameTaken:
            return fmt::format("Frame 0x{:X} is taken from the {} list.", a[0], frame_list_name(FrameList(a[1])));
        case EventKind::FrameZeroed:
            return fmt::format("Frame 0x{:X} still holds the bytes of the page that used it before, so it is filled with zeros first: no page may see another page's old data.", a[0]);
        case EventKind::DemandZero:
            if (a[2])
                return fmt::format("Demand-zero fault: 0x{:08X} lies in the MS-DOS/Win16 compatibility arena, the system's memory, which nothing has touched yet: it gets the zero-filled frame 0x{:X}, owned by no process and seen by every one.", a[0], a[1]);
            return fmt::format("Demand-zero fault: 0x{:08X} is committed but has nothing to keep (it was never written), so it gets the zero-filled frame 0x{:X}.", a[0], a[1]);
        case EventKind::PagefileRead:
            return fmt::format("Hard fault: the page at 0x{:08X} is read back from pagefile slot {} into frame 0x{:X}.", a[0], a[2], a[1]);
        case EventKind::SoftFault:
            return fmt::format("Soft fault: the page at 0x{:08X} is still in frame 0x{:X} on the {} list, so no disk read is needed.", a[0], a[1], frame_list_name(FrameList(a[2])));
        case EventKind::PageMapped:
            return fmt::format("The PTE of 0x{:08X} now maps frame 0x{:X} (PTE 0x{:08X}).", a[0], a[1], a[2]);
        case EventKind::SecondChance:
            return fmt::format("Clock: page 0x{:08X} (frame 0x{:X}) was used recently, so it loses its Accessed bit and gets a second chance.", a[0], a[1]);
        case EventKind::VictimChosen:
        {
            const char* policy = a[2] == 0 ? "FIFO" : a[2] == 1 ? "Clock" : a[2] == 2 ? "LRU" : "working-set";
            if ((a[3] & 3) == kVictimDataPage)
                return fmt::format("No frame is free: the {} policy chooses page {} of data section {} (frame 0x{:X}), which no view maps now, as the victim.", policy, a[0], a[3] >> 2, a[1]);
            if ((a[3] & 3) == kVictimImagePage)
                return fmt::format("No frame is free: the {} policy chooses the image page at RVA 0x{:X} (frame 0x{:X}), which no process maps now, as the victim.", policy, a[0], a[1]);
            return fmt::format("No frame is free: the {} policy chooses page 0x{:08X} of {} (frame 0x{:X}) as the victim.", policy, a[0], who, a[1]);
        }
        case EventKind::PagefileWrite:
            return fmt::format("The victim is dirty: frame 0x{:X} is written to pagefile slot {} before it can be reused.", a[1], a[2]);
        case EventKind::PageDropped:
            return a[2] ? fmt::format("The victim is clean: its copy in pagefile slot {} is still good, so frame 0x{:X} is simply dropped.", a[2], a[1])
                        : fmt::format("The victim is clean and was never written: frame 0x{:X} is dropped and the page becomes demand-zero again.", a[1]);
        case EventKind::PageTrimmed:
            return fmt::format("Page 0x{:08X} leaves {}'s working set: its PTE goes to transition and frame 0x{:X} joins the {} list.", a[0], who, a[1], frame_list_name(FrameList(a[2])));
        case EventKind::PageRepurposed:
            return fmt::format("Frame 0x{:X} is taken off the standby list: page 0x{:08X} of {} loses it, its PTE points at its backing store again.", a[1], a[0], who);
        case EventKind::ModifiedWritten:
            return fmt::format("The modified page writer writes frame 0x{:X} (page 0x{:08X}) to pagefile slot {}; the frame moves to standby.", a[1], a[0], a[2]);
        case EventKind::Reserved:
            return fmt::format("{} reserves 0x{:08X}-0x{:08X} ({} page{}): a VAD records the range, no frame is used.", Who, a[0], a[0] + a[1] - 1, a[1] / 4096, a[1] == 4096 ? "" : "s");
        case EventKind::Committed:
        {
            const uint32_t pages = a[1] >> 12;
            if (a[3] == 0)
                return fmt::format("{} commits 0x{:08X}-0x{:08X} as {}: {} committed already, so the commit charge stays; only the protection is set.", Who, a[0], a[0] + a[1] - 1, protection_name(a[2]), pages == 1 ? "the page is" : "the pages are");
            if (a[3] < pages)
                return fmt::format("{} commits 0x{:08X}-0x{:08X} as {}: the commit charge grows by {} page{} (the other {} {} committed already); frames come only at first touch.", Who, a[0], a[0] + a[1] - 1, protection_name(a[2]), a[3], a[3] == 1 ? "" : "s", pages - a[3], pages - a[3] == 1 ? "was" : "were");
            return fmt::format("{} commits 0x{:08X}-0x{:08X} as {}: the commit charge grows by {} page{}; frames come only at first touch.", Who, a[0], a[0] + a[1] - 1, protection_name(a[2]), a[3], a[3] == 1 ? "" : "s");
        }
        case EventKind::Decommitted:
            return fmt::format("{} decommits 0x{:08X}-0x{:08X}: frames and pagefile slots are freed, the range stays reserved.", Who, a[0], a[0] + a[1] - 1);
        case EventKind::Released:
            return fmt::format("{} releases 0x{:08X}-0x{:08X}: the VAD is removed and the range is free again.", Who, a[0], a[0] + a[1] - 1);
        case EventKind::Protected:
            return fmt::format("{} changes 0x{:08X}-0x{:08X} from {} to {}.", Who, a[0], a[0] + a[1] - 1, protection_name(a[3]), protection_name(a[2]));
        case EventKind::CommitLimit:
            return fmt::format("Commit refused: {} more page{} would pass the commit limit ({} charged of {}).", a[0], a[0] == 1 ? "" : "s", a[1], a[2]);
        case EventKind::OutOfMemory:
            if (a[1] == 2) return "No frame can be found for a new page directory: every frame is locked or its page cannot be written out.";
            return fmt::format("No frame can be found for 0x{:08X}: every frame is locked or its page cannot be written out.", a[0]);
        case EventKind::AccessDone:
            return fmt::format("{} {} {} byte{} at 0x{:08X}: 0x{:X}.", Who, a[2] == 1 ? "wrote" : a[2] == 2 ? "fetched" : "read", a[3], a[3] == 1 ? "" : "s", a[0], a[1]);
        case EventKind::DebuggerWrite:
            return fmt::format("The kernel debugger writes 0x{:02X} straight into physical address 0x{:08X} (behind 0x{:08X}), ignoring protection and copy-on-write.", a[2], a[1], a[0]);
        case EventKind::Retry: {
            const char* access = a[1] == 1 ? "write" : a[1] == 2 ? "instruction fetch" : "read";
            switch (RetryOutcome(a[2])) {
                case RetryOutcome::Succeeds: break;
                case RetryOutcome::NotPresent:
                    return fmt::format("The fault is resolved, so the {} at 0x{:08X} runs again, but its page left memory meanwhile, so it faults once more ({}).", access, a[0], error_code_text(a[3]));
                case RetryOutcome::CopyOnWrite:
                    return fmt::format("The fault is resolved, so the write at 0x{:08X} runs again, but the page it now maps is read-only (copy-on-write), so the write faults a second time, now for protection ({}).", a[0], error_code_text(a[3]));
                case RetryOutcome::DirtyBit:
                    return fmt::format("The fault is resolved, so the write at 0x{:08X} runs again, but the page it now maps has its R/W held back until the first write (a pagefile slot holds the same bytes), so the write faults a second time, now for protection ({}).", a[0], error_code_text(a[3]));
                case RetryOutcome::Protection:
                    return fmt::format("The fault is resolved, so the {} at 0x{:08X} runs again, but the page it now maps does not allow it, so it faults a second time, now for protection ({}).", access, a[0], error_code_text(a[3]));
            }
            return fmt::format("The fault is resolved, so the {} at 0x{:08X} runs again: this time the walk succeeds and sets the Accessed{} bit.", access, a[0], a[1] == 1 ? " and Dirty" : "");
        }
        case EventKind::SectionCreated:
            return fmt::format("The first mapping of {} creates its image section object: a control area with {}, one per page, {} \"in the file\".", str(a[2]), count(a[1], "prototype PTE", "prototype PTEs"), a[1] == 1 ? "still" : "all still");
        case EventKind::ImageMapped:
            return a[3] ? fmt::format("{} maps {} at 0x{:08X}-0x{:08X} (MEM_IMAGE): its PTEs point at the section's prototype PTEs, and {} page{} already in RAM {} mapped valid straight away.", Who, str(a[2]), a[0], a[0] + a[1] - 1, a[3], a[3] == 1 ? "" : "s", a[3] == 1 ? "is" : "are")
                        : fmt::format("{} maps {} at 0x{:08X}-0x{:08X} (MEM_IMAGE): a VAD records it and each PTE points at the section's prototype PTE; no page is read yet.", Who, str(a[2]), a[0], a[0] + a[1] - 1);
        case EventKind::ImageUnmapped:
            return fmt::format("{} unmaps {} from 0x{:08X}-0x{:08X}: its private copies are freed, shared frames lose one mapper.", Who, str(a[2]), a[0], a[0] + a[1] - 1);
        case EventKind::ImageRead:
            return fmt::format("Hard fault (image-read): the page at 0x{:08X} is read from {} at file offset 0x{:X} into frame 0x{:X}; the section's prototype PTE now points at that frame.", a[0], str(a[3]), a[2], a[1]);
        case EventKind::PrototypeSoftFault:
            return fmt::format("Soft fault: the page at 0x{:08X} is already in frame 0x{:X} (its prototype PTE is valid), so {} just maps it{}.", a[0], a[1], who,
                               a[2] == 1 ? std::string(" - the only PTE that maps it now (the others copied the page away or never touched it)")
                                         : fmt::format(" - now {} PTEs share it", a[2]));
        case EventKind::CopyOnWrite:
            // A user-mode write between 2 and 3 GB can only be in the win95 shared arena (under
            // nt it is kernel space): its one PTE serves every process, so the copy is everybody's.
            if (a[0] >= 0x80000000u && a[0] < 0xC0000000u)
                return fmt::format("Copy-on-write: {} writes the shared page at 0x{:08X}: frame 0x{:X} is copied into frame 0x{:X}, now {} and backed by the pagefile - the file stays untouched, but the copy is in the shared arena's one PTE, so every process sees it.", who, a[0], a[1], a[2], protection_name(a[3]));
            return fmt::format("Copy-on-write: {} writes the shared page at 0x{:08X}: frame 0x{:X} is copied into the private frame 0x{:X}, now {} and backed by the pagefile; other processes keep the original.", who, a[0], a[1], a[2], protection_name(a[3]));
        case EventKind::ImagePageDropped:
            return a[2] ? fmt::format("The shared image page at RVA 0x{:X} of {} was written: frame 0x{:X} goes to pagefile slot {}.", a[0], str(a[3]), a[1], a[2])
                        : fmt::format("The image page at RVA 0x{:X} of {} is dropped from frame 0x{:X}: it can be read from the file again (anything a debugger poked into it is lost).", a[0], str(a[3]), a[1]);
        case EventKind::SectionPagesFreed:
            return fmt::format("No process maps {} any more: its {} resident frame{} {} freed and its prototype PTEs point into the file again.", str(a[0]), a[1], a[1] == 1 ? "" : "s", a[1] == 1 ? "is" : "are");
        case EventKind::Relocated:
            return fmt::format("Relocation: {} fixup{} on the page at 0x{:08X} get{} 0x{:X} added, so the page becomes the private, pagefile-backed frame 0x{:X}.", a[2], a[2] == 1 ? "" : "s", a[0], a[2] == 1 ? "s" : "", a[3], a[1]);
        case EventKind::LoaderFindFile:
            return a[1] ? fmt::format("The loader finds {} on the disk.", str(a[0]))
                        : fmt::format("The loader looks for {} and does not find it.", str(a[0]));
        case EventKind::LoaderProcessObject:
            return fmt::format("CreateProcess creates the process object {} and builds its address space.", str(a[0]));
        case EventKind::LoaderImports:
            return a[1] ? fmt::format("The loader reads {}'s import directory: {} DLL{} to load.", str(a[0]), a[1], a[1] == 1 ? "" : "s")
                        : fmt::format("The loader reads {}'s import directory: it imports nothing.", str(a[0]));
        case EventKind::LoaderDll:
            return a[2] ? fmt::format("{} needs {}, which is already loaded in {}: its reference count becomes {}.", sentence_start(str(a[1])), str(a[0]), who, a[3])
                        : fmt::format("{} needs {}: the loader maps it into {}.", sentence_start(str(a[1])), str(a[0]), who);
        case EventKind::LoaderNotAtBase:
            return a[3] ? fmt::format("{}'s preferred base 0x{:08X} is taken (STATUS_IMAGE_NOT_AT_BASE): it is mapped at 0x{:08X} instead and must be relocated.", sentence_start(str(a[0])), a[1], a[2])
                        : fmt::format("{}'s preferred base 0x{:08X} is taken and it was linked /FIXED (no relocations): it cannot load anywhere else.", sentence_start(str(a[0])), a[1]);
        case EventKind::LoaderStack:
            return fmt::format("The loader creates the thread's stack: 0x{:08X}-0x{:08X} reserved, its top page committed and a guard page below it.", a[0], a[0] + a[1] - 1);
        case EventKind::LoaderStart:
            if (a[1])
                return fmt::format("The thread is created suspended at the entry point 0x{:08X} (CREATE_SUSPENDED): it has not run a single instruction yet. ResumeThread, or a debugger's single step, runs the first one.", a[0]);
            return fmt::format("The thread starts: the first instruction fetch at the entry point 0x{:08X}.", a[0]);
        case EventKind::LoaderFailed:
            return fmt::format("The load of {} fails with {}: everything it built is taken down again.", str(a[1]), error_name(Error(a[0])));
        case EventKind::LoaderUnload:
            return a[2] ? fmt::format("FreeLibrary: {}'s reference count drops to {}; it stays mapped.", str(a[0]), a[2])
                        : fmt::format("{}'s reference count drops to 0: it is unmapped from 0x{:08X}.", sentence_start(str(a[0])), a[1]);
        case EventKind::LoaderBadImage:
            return fmt::format("{} is not a valid PE32 image: {}. The loader maps nothing.", sentence_start(str(a[0])), str(a[1]));
        case EventKind::FileCreated:
            return a[2] == 2 ? fmt::format("CreateFile (CREATE_ALWAYS) opens {} as handle 0x{:X} and truncates it to 0 bytes.", str(a[0]), a[1])
                             : fmt::format("CreateFile creates the file {} on the disk, as handle 0x{:X} in {}.", str(a[0]), a[1], who);
        case EventKind::FileOpened:
            return fmt::format("CreateFile opens {} for {} as handle 0x{:X} in {}.", str(a[0]),
                               (a[2] & 0xC0000000u) == 0xC0000000u ? "reading and writing" : (a[2] & 0x80000000u) ? "reading" : "writing",
                               a[1], who);
        case EventKind::HandleClosed:
            return fmt::format("CloseHandle(0x{:X}): {} closes its handle to the {} {}.", a[0], who,
                               a[1] == 0 ? "file" : "file mapping object", a[2] == kNoString ? std::string("(unnamed)") : str(a[2]));
        case EventKind::FileReadCall:
            return a[3] ? fmt::format("ReadFile reads {} of {} at offset 0x{:X}; of the pages read, {} straight from {} (no disk read).",
                                      count(a[2], "byte", "bytes"), str(a[0]), a[1], fmt::format("{} {}", a[3], a[3] == 1 ? "comes" : "come"),
                                      a[3] == 1 ? "a frame that already holds it" : "frames that already hold them")
                        : fmt::format("ReadFile reads {} of {} at offset 0x{:X} from the disk.", count(a[2], "byte", "bytes"), str(a[0]), a[1]);
        case EventKind::FileWriteCall:
            return a[3] ? fmt::format("WriteFile writes {} to {} at offset 0x{:X}: to the disk, and into {}, so every view sees them at once.",
                                      count(a[2], "byte", "bytes"), str(a[0]), a[1],
                                      a[3] == 1 ? std::string("the frame that holds that page") : fmt::format("the {} frames that hold those pages", a[3]))
                        : fmt::format("WriteFile writes {} to {} at offset 0x{:X} on the disk.", count(a[2], "byte", "bytes"), str(a[0]), a[1]);
        case EventKind::FileSizeSet:
            return a[2] > a[1] ? fmt::format("{} grows from {} to {} (the new bytes are zero).", sentence_start(str(a[0])), a[1], count(a[2], "byte", "bytes"))
                               : fmt::format("{} is cut from {} to {}.", sentence_start(str(a[0])), a[1], count(a[2], "byte", "bytes"));
        case EventKind::DataSectionCreated:
            return a[2] == kNoString
                       ? fmt::format("CreateFileMapping(INVALID_HANDLE_VALUE, …): backed by the paging file, not by a file on disk. The memory manager creates data section {} for it: {}, {} committed (charged) now.",
                                     a[0], count(a[1], "prototype PTE", "prototype PTEs"), count(a[3], "page", "pages"))
                       : fmt::format("The memory manager creates data section {} for {} (NT's control area): {}, {} \"in the file\".",
                                     a[0], str(a[2]), count(a[1], "prototype PTE", "prototype PTEs"), a[1] == 1 ? "saying" : "each saying");
        case EventKind::DataSectionGrown:
            return fmt::format("Data section {} of {} grows from {} to {}.", a[0], str(a[3]), a[1], count(a[2], "prototype PTE", "prototype PTEs"));
        case EventKind::MappingCreated:
            return fmt::format("CreateFileMapping makes the file mapping object #{} ({}, {}) and gives {} handle 0x{:X} to it.", a[0],
                               a[2] == kNoString ? std::string("unnamed") : "\"" + str(a[2]) + "\"", count(a[3], "byte", "bytes"), who, a[1]);
        case EventKind::MappingOpened:
            return a[3] ? fmt::format("The name \"{}\" exists already: CreateFileMapping returns a new handle 0x{:X} to the existing object #{} (ERROR_ALREADY_EXISTS).", str(a[2]), a[1], a[0])
                        : fmt::format("OpenFileMapping finds \"{}\": {} gets handle 0x{:X} to the file mapping object #{}.", str(a[2]), who, a[1], a[0]);
        case EventKind::MappingDeleted:
            return fmt::format("The file mapping object #{}{} has no handle and no view left: it goes away{}.", a[0],
                               a[1] == kNoString ? std::string() : " \"" + str(a[1]) + "\"", a[1] != kNoString && a[2] ? ", and its name with it" : "");
        case EventKind::MappingNameGone:
            return fmt::format("The last handle to the file mapping object #{} is closed: its name \"{}\" goes with it (OpenFileMapping will not find it), but the object lives on for its {} view{}.",
                               a[0], str(a[1]), a[2], a[2] == 1 ? "" : "s");
        case EventKind::SharedViewReturned:
            return fmt::format("{} already uses the view of object #{} at 0x{:08X}-0x{:08X}: Windows 95 keeps one view of it in the shared arena, so MapViewOfFile returns the same address again.",
                               Who, a[2], a[0], a[0] + a[1] - 1);
        case EventKind::ViewMapped:
            return fmt::format("MapViewOfFile maps a view of object #{} at 0x{:08X}-0x{:08X} in {} ({}): a MEM_MAPPED region whose PTEs stay empty until first touch.",
                               a[2], a[0], a[0] + a[1] - 1, who, protection_name(a[3]));
        case EventKind::ViewUnmapped:
            return fmt::format("UnmapViewOfFile removes the view 0x{:08X}-0x{:08X} of object #{} from {}; the section keeps its pages.", a[0], a[0] + a[1] - 1, a[2], who);
        case EventKind::FilePageRead:
            return fmt::format("Page fault on a view: {}'s page at file offset 0x{:X} is read from the disk into frame 0x{:X} (a hard fault; the prototype PTE now points at it).",
                               str(a[3]), a[2], a[1]);
        case EventKind::FilePageWritten: {
            static const char* const kWhy[] = {"FlushViewOfFile", "The page is evicted", "The section is closed", "The file is truncated"};
            return fmt::format("{}: the dirty page in frame 0x{:X} is written back to {} at offset 0x{:X} — its own file, not the pagefile.",
                               a[3] < 4 ? kWhy[a[3]] : "Write-back", a[0], str(a[2]), a[1]);
        }
        case EventKind::ViewFlushed:
            return a[2] ? fmt::format("FlushViewOfFile(0x{:08X}, 0x{:X}): {} dirty page{} to write to the file.", a[0], a[1], a[2], a[2] == 1 ? "" : "s")
                        : fmt::format("FlushViewOfFile(0x{:08X}, 0x{:X}): no page of the range is dirty; nothing is written.", a[0], a[1]);
        case EventKind::SectionPageCommitted:
            return fmt::format("VirtualAlloc(MEM_COMMIT) on the view at 0x{:08X}: page {} of the SEC_RESERVE section is committed for every view ({} in this one).",
                               a[0], a[1], protection_name(a[2]));
        case EventKind::DataPageDropped:
            return a[2] ? fmt::format("Page {} of data section {} (frame 0x{:X}) goes to pagefile slot {}.", a[0], a[3], a[1], a[2])
                        : fmt::format("Page {} of data section {} (frame 0x{:X}) is clean: it is dropped, the next touch reads it again.", a[0], a[3], a[1]);
        case EventKind::DataSectionDeleted:
            if (a[1] == 0)
                return fmt::format("Nothing uses data section {}{} any more: it goes, with its prototype PTEs; none of its pages was in a frame.", a[0],
                                   a[2] == kNoString ? std::string(" (pagefile-backed)") : " of " + str(a[2]));
            return fmt::format("Nothing uses data section {}{} any more: its {} frame{} and slots are freed.", a[0],
                               a[2] == kNoString ? std::string(" (pagefile-backed)") : " of " + str(a[2]), a[1], a[1] == 1 ? "" : "s");
        case EventKind::SharedTableCreated:
            if (a[0] == 0)
                return fmt::format("No page table covers the MS-DOS/Win16 compatibility arena (0x00000000-0x003FFFFF) yet: frame 0x{:X} becomes one, owned by no process (it is the system's), and the same PDE is entered in {}.", a[1],
                                   a[2] == 1 ? std::string("the one Windows 95 page directory") : fmt::format("all {} Windows 95 page directories", a[2]));
            return fmt::format("No shared page table covers 0x{:08X}-0x{:08X} yet: frame 0x{:X} becomes one, owned by no process, and the same PDE is entered in {}.", a[0], a[0] + 0x3FFFFF, a[1],
                               a[2] == 1 ? std::string("the one Windows 95 page directory") : fmt::format("all {} Windows 95 page directories", a[2]));
        case EventKind::SharedTableFreed:
            return fmt::format("The shared page table for 0x{:08X} has no used entries left: frame 0x{:X} is freed and its PDE cleared in {}.", a[0], a[1],
                               a[2] == 1 ? std::string("the one page directory that holds it") : fmt::format("all {} page directories", a[2]));
        case EventKind::SharedRegionJoined:
            return fmt::format("{} starts using the shared-arena region 0x{:08X}-0x{:08X} ({}): it is already mapped through the shared page tables, so no PTE and no page table is made; {} process{} use{} it now.", Who, a[0], a[0] + a[1] - 1, vad_type_name(VadType(a[2])), a[3], a[3] == 1 ? "" : "es", a[3] == 1 ? "s" : "");
        case EventKind::SharedRegionLeft:
            return a[3] ? fmt::format("{} stops using the shared-arena region 0x{:08X}-0x{:08X} ({}): it stays mapped for the {} other process{}.", Who, a[0], a[0] + a[1] - 1, vad_type_name(VadType(a[2])), a[3], a[3] == 1 ? "" : "es")
                        : fmt::format("{} was the last process using the shared-arena region 0x{:08X}-0x{:08X} ({}): it is taken down for everybody.", Who, a[0], a[0] + a[1] - 1, vad_type_name(VadType(a[2])));
        case EventKind::DirtyBitSet:
            return a[2] ? fmt::format("Dirty-bit fault: the page at 0x{:08X} (frame 0x{:X}) may be written, but NT kept R/W clear while pagefile slot {} held the same bytes. This first write makes that copy stale, so the slot is freed and the PTE gets R/W and Dirty; the page will need a new slot when it leaves.", a[0], a[1], a[2])
                        : fmt::format("Dirty-bit fault: the page at 0x{:08X} (frame 0x{:X}) may be written but its R/W was kept clear until the first write: now the PTE gets R/W and Dirty.", a[0], a[1]);
        case EventKind::UnmapInsideView:
            return fmt::format("UnmapViewOfFile(0x{:08X}): 0x{:08X} is inside the view 0x{:08X}-0x{:08X}, not its base. NT accepts it (it looks the view up by any address in it), but the documented contract is the base address MapViewOfFile returned: a program must not rely on this.",
                               a[0], a[0], a[1], a[1] + a[2] - 1);
        case EventKind::InterlockedAdd:
            return fmt::format("InterlockedExchangeAdd(0x{:08X}, {}): one locked read-modify-write (lock xadd) by {} turns {} into {}; it returns the initial value, {}.",
                               a[0], int32_t(a[3]), who, int32_t(a[1]), int32_t(a[2]), int32_t(a[1]));
        case EventKind::BadEntry:
            return fmt::format("The entry for 0x{:08X} is corrupt: {}. The access stops here with an error (a real machine would take a machine check, or NT would bug-check).",
                               a[0], bad_entry_note(BadEntryKind(a[1]), a[2], a[3]));
        case EventKind::Count_: break;
    }
    return "?";
}

std::string bad_entry_note(BadEntryKind kind, uint32_t number, uint32_t limit) {
    const std::string frames = limit == 1 ? "the one frame of RAM" : fmt::format("the {} frames of RAM", limit);
    switch (kind) {
        case BadEntryKind::PdeFrame:
            return fmt::format("PDE names frame 0x{:X} beyond {} for its page table", number, frames);
        case BadEntryKind::PteFrame: return fmt::format("PTE names frame 0x{:X} beyond {}", number, frames);
        case BadEntryKind::TransitionFrame:
            return number >= limit ? fmt::format("transition PTE names frame 0x{:X} beyond {}", number, frames)
                                   : fmt::format("transition PTE names frame 0x{:X}, which holds no page in transition for it", number);
        case BadEntryKind::PagefileSlot:
            return number > limit ? fmt::format("PTE names pagefile slot {} beyond {}", number,
                                                limit == 1 ? std::string("the one slot of the pagefile") : fmt::format("the {} slots of the pagefile", limit))
                                  : fmt::format("PTE names pagefile slot {}, which is not in use", number);
        case BadEntryKind::Prototype: return fmt::format("PTE names prototype PTE #{}, which no section has", number);
        case BadEntryKind::None: break;
    }
    return "corrupt entry";
}

const char* pte_kind_name(PteKind k) {
    switch (k) {
        case PteKind::Valid: return "valid";
        case PteKind::Zero: return "zero";
        case PteKind::DemandZero: return "demand-zero";
        case PteKind::Pagefile: return "pagefile";
        case PteKind::Transition: return "transition";
        case PteKind::Prototype: return "prototype";
        case PteKind::Decommitted: return "decommitted";
    }
    return "?";
}

}  // namespace pagelab::mm
