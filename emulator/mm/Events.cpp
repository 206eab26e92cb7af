#include "mm/Events.h"

#include <fmt/format.h>

#include "mm/Pfn.h"
#include "mm/Protection.h"
#include "mm/SoftwarePte.h"

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
    };
    static_assert(sizeof(kNames) / sizeof(kNames[0]) == size_t(EventKind::Count_));
    return size_t(k) < size_t(EventKind::Count_) ? kNames[size_t(k)] : "?";
}

namespace {
std::string error_code_text(uint32_t ec) {
    return fmt::format("error code {} = {}, {}, {} mode", ec, (ec & 1) ? "P=1 protection violation" : "P=0 page not present",
                       (ec & 2) ? "W/R=1 write" : "W/R=0 read", (ec & 4) ? "U/S=1 user" : "U/S=0 kernel");
}
}  // namespace

std::string describe_event(const core::EventRecord& e, const std::function<std::string(uint16_t)>& space_name) {
    const auto& a = e.args;
    const std::string who = e.space == 0xFFFF ? std::string("the system") : space_name(e.space);
    switch (EventKind(e.kind)) {
        case EventKind::Operation: return "";
        case EventKind::SpaceCreated:
            return fmt::format("{} gets an address space: its page directory is frame 0x{:X}, and CR3 will hold 0x{:08X}.", who, a[0], a[0] << 12);
        case EventKind::SpaceDeleted:
            return fmt::format("{}'s address space is gone: its page directory frame 0x{:X} returns to the free list.", who, a[0]);
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
            return fmt::format("Frame 0x{:X} held someone else's old data, so it is filled with zeros first.", a[0]);
        case EventKind::DemandZero:
            return fmt::format("Demand-zero fault: 0x{:08X} is committed but was never touched, so it gets the zero-filled frame 0x{:X}.", a[0], a[1]);
        case EventKind::PagefileRead:
            return fmt::format("Hard fault: the page at 0x{:08X} is read back from pagefile slot {} into frame 0x{:X}.", a[0], a[2], a[1]);
        case EventKind::SoftFault:
            return fmt::format("Soft fault: the page at 0x{:08X} is still in frame 0x{:X} on the {} list, so no disk read is needed.", a[0], a[1], frame_list_name(FrameList(a[2])));
        case EventKind::PageMapped:
            return fmt::format("The PTE of 0x{:08X} now maps frame 0x{:X} (PTE 0x{:08X}).", a[0], a[1], a[2]);
        case EventKind::SecondChance:
            return fmt::format("Clock: page 0x{:08X} (frame 0x{:X}) was used recently, so it loses its Accessed bit and gets a second chance.", a[0], a[1]);
        case EventKind::VictimChosen:
            return fmt::format("No frame is free: the {} policy chooses page 0x{:08X} of {} (frame 0x{:X}) as the victim.", a[2] == 0 ? "FIFO" : a[2] == 1 ? "Clock" : a[2] == 2 ? "LRU" : "working-set", a[0], who, a[1]);
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
            return fmt::format("{} reserves 0x{:08X}-0x{:08X} ({} page{}): a VAD records the range, no frame is used.", who, a[0], a[0] + a[1] - 1, a[1] / 4096, a[1] == 4096 ? "" : "s");
        case EventKind::Committed:
            return fmt::format("{} commits 0x{:08X}-0x{:08X} as {}: commit charge grows, frames come only at first touch.", who, a[0], a[0] + a[1] - 1, protection_name(a[2]));
        case EventKind::Decommitted:
            return fmt::format("{} decommits 0x{:08X}-0x{:08X}: frames and pagefile slots are freed, the range stays reserved.", who, a[0], a[0] + a[1] - 1);
        case EventKind::Released:
            return fmt::format("{} releases 0x{:08X}-0x{:08X}: the VAD is removed and the range is free again.", who, a[0], a[0] + a[1] - 1);
        case EventKind::Protected:
            return fmt::format("{} changes 0x{:08X}-0x{:08X} from {} to {}.", who, a[0], a[0] + a[1] - 1, protection_name(a[3]), protection_name(a[2]));
        case EventKind::CommitLimit:
            return fmt::format("Commit refused: {} more page{} would pass the commit limit ({} charged of {}).", a[0], a[0] == 1 ? "" : "s", a[1], a[2]);
        case EventKind::OutOfMemory:
            if (a[1] == 2) return "No frame can be found for a new page directory: every frame is locked or its page cannot be written out.";
            return fmt::format("No frame can be found for 0x{:08X}: every frame is locked or its page cannot be written out.", a[0]);
        case EventKind::AccessDone:
            return fmt::format("{} {} {} byte{} at 0x{:08X}: 0x{:X}.", who, a[2] == 1 ? "wrote" : a[2] == 2 ? "fetched" : "read", a[3], a[3] == 1 ? "" : "s", a[0], a[1]);
        case EventKind::DebuggerWrite:
            return fmt::format("The kernel debugger writes 0x{:02X} straight into physical address 0x{:08X} (behind 0x{:08X}), ignoring protection and copy-on-write.", a[2], a[1], a[0]);
        case EventKind::Retry:
            return fmt::format("The fault is resolved, so the {} at 0x{:08X} runs again: this time the walk succeeds and sets the Accessed{} bit.", a[1] == 1 ? "write" : a[1] == 2 ? "instruction fetch" : "read", a[0], a[1] == 1 ? " and Dirty" : "");
        case EventKind::Count_: break;
    }
    return "?";
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
