#include "mm/Events.h"

#include <iterator>

#include <fmt/format.h>

#include "i18n/I18n.h"
#include "mm/AddressSpace.h"
#include "mm/Pfn.h"
#include "mm/Protection.h"
#include "mm/SoftwarePte.h"
#include "mm/Win32.h"

namespace pagelab::mm {

// The sentences are messages of the catalogue (i18n/I18n.h): English msgids with named arguments,
// so a translation can order them its own way; counts go through ngettext plurals.
using namespace fmt::literals;
using i18n::tr;
using i18n::trf;
using i18n::trfn;

const char* av_reason_text(AvReason r) {
    switch (r) {
        case AvReason::NullPointer: return tr("the address is in the NULL-pointer trap");
        case AvReason::KernelAddress: return tr("the address belongs to the kernel, and user mode may not touch it");
        case AvReason::NoRegion: return tr("no region is allocated there (the memory is free)");
        case AvReason::Reserved: return tr("the page is reserved but not committed");
        case AvReason::Decommitted: return tr("the page was decommitted");
        case AvReason::NoAccess: return tr("the page is PAGE_NOACCESS");
        case AvReason::ReadOnly: return tr("the page may not be written");
        case AvReason::NotExecutable: return tr("the page may not be executed");
        case AvReason::Supervisor: return tr("the page is a supervisor page (U/S = 0)");
        case AvReason::OutsideArena: return tr("the address is outside the process's user space");
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
        "shared-view-returned", "bad-entry", "section-page-decommitted",
        "loader-datafile", "loader-no-imports",
        "mem-reset", "write-watched", "write-watch-reset",
        "handle-duplicated",
        "pages-locked", "pages-unlocked", "unlock-not-locked", "lock-dropped", "lock-ignored",
        "lock-quota",
    };
    static_assert(sizeof(kNames) / sizeof(kNames[0]) == size_t(EventKind::Count_));
    return size_t(k) < size_t(EventKind::Count_) ? kNames[size_t(k)] : "?";
}

namespace {

// CreateFile's access in words: GENERIC_READ, GENERIC_WRITE, GENERIC_EXECUTE (mm/Section.h).
std::string file_access_text(uint32_t access) {
    const bool r = access & 0x80000000u, w = access & 0x40000000u, x = access & 0x20000000u;
    if (r && w) return x ? tr("reading, writing and executing") : tr("reading and writing");
    if (r) return x ? tr("reading and executing") : tr("reading");
    if (w) return x ? tr("writing and executing") : tr("writing");
    return tr("executing only");
}
// A phrase that begins a sentence: names (a process, a file, a DLL) stay as they are written, an
// English "the ..." gets its capital.
std::string sentence_start(std::string s) {
    if (s == "the program") return tr("The program");  // the loader's name for the EXE importing a DLL
    if (s.rfind("the ", 0) == 0) s[0] = 'T';
    return s;
}

std::string error_code_text(uint32_t ec) {
    return trf("error code {code} = {present}, {access}, {mode} mode", "code"_a = ec,
               "present"_a = (ec & 1) ? tr("P=1 protection violation") : tr("P=0 page not present"),
               "access"_a = (ec & 2) ? tr("W/R=1 write") : tr("W/R=0 read"), "mode"_a = (ec & 4) ? tr("U/S=1 user") : tr("U/S=0 kernel"));
}

// "from the free list", "on the standby list", "joins the modified list": each with its preposition,
// so that a language with cases (Russian: из списка, в списке, в список) can say it right.
enum class ListUse { From, On, Joins };
const char* list_text(FrameList l, ListUse use) {
    static const char* const kFrom[] = {N_("from the free list"), N_("from the zeroed list"), N_("from the standby list"), N_("from the modified list"), N_("from the active list")};
    static const char* const kOn[] = {N_("on the free list"), N_("on the zeroed list"), N_("on the standby list"), N_("on the modified list"), N_("on the active list")};
    static const char* const kJoins[] = {N_("joins the free list"), N_("joins the zeroed list"), N_("joins the standby list"), N_("joins the modified list"), N_("joins the active list")};
    if (size_t(l) >= std::size(kFrom)) return "?";
    return tr(use == ListUse::From ? kFrom[size_t(l)] : use == ListUse::On ? kOn[size_t(l)] : kJoins[size_t(l)]);
}

const char* vad_type_text(VadType t) {
    switch (t) {
        case VadType::Private: return tr("private");
        case VadType::Mapped: return tr("mapped");
        case VadType::Image: return tr("image");
    }
    return "?";
}

const char* policy_text(uint32_t p) {
    return p == 0 ? "FIFO" : p == 1 ? tr("Clock") : p == 2 ? "LRU" : tr("working-set");
}

// The access a retried instruction makes: "the {access} at 0x... runs again".
const char* access_noun(uint32_t access) { return access == 1 ? tr("write") : access == 2 ? tr("instruction fetch") : tr("read"); }

std::string bytes_text(uint32_t n) { return trfn("{count} byte", "{count} bytes", n, "count"_a = n); }
std::string proto_text(uint32_t n) { return trfn("{count} prototype PTE", "{count} prototype PTEs", n, "count"_a = n); }
// MEM_RESET and write watch (mm/WriteWatch.cpp).
std::string describe_watch_event(EventKind kind, const uint32_t (&a)[4], const std::string& who, const std::string& Who) {
    const uint32_t last = a[0] + a[1] - 1;
    switch (kind) {
        case EventKind::MemReset:
            if (VadType(a[3]) != VadType::Private)
                return trf("VirtualAlloc(MEM_RESET) on 0x{base:08X}-0x{end:08X}: the pages belong to a section, which keeps them as they are; the call succeeds and VirtualQuery is unchanged.",
                           "base"_a = a[0], "end"_a = last);
            return a[2] ? trfn("VirtualAlloc(MEM_RESET) on 0x{base:08X}-0x{end:08X}: {who} no longer needs the contents. {pages} page becomes clean and loses its pagefile copy: it keeps its bytes while it stays in memory, but is dropped, not written, when it leaves, and then reads as zeros. VirtualQuery is unchanged.",
                               "VirtualAlloc(MEM_RESET) on 0x{base:08X}-0x{end:08X}: {who} no longer needs the contents. {pages} pages become clean and lose their pagefile copies: they keep their bytes while they stay in memory, but are dropped, not written, when they leave, and then read as zeros. VirtualQuery is unchanged.",
                               a[2], "base"_a = a[0], "end"_a = last, "who"_a = who, "pages"_a = a[2])
                        : trf("VirtualAlloc(MEM_RESET) on 0x{base:08X}-0x{end:08X}: no page of the range is dirty or in the pagefile, so nothing changes. VirtualQuery is unchanged.",
                              "base"_a = a[0], "end"_a = last);
        case EventKind::WriteWatched:
            return trf("{who} writes the page at 0x{va:08X} for the first time since its write watch was reset: the region was reserved with MEM_WRITE_WATCH, so the page is marked in its write-watch bitmap, and GetWriteWatch will report it.",
                       "who"_a = Who, "va"_a = a[0]);
        case EventKind::WriteWatchReset:
            return trfn("The write watch of 0x{base:08X}-0x{end:08X} is reset: {pages} written page is cleared from the bitmap.",
                        "The write watch of 0x{base:08X}-0x{end:08X} is reset: {pages} written pages are cleared from the bitmap.",
                        a[2], "base"_a = a[0], "end"_a = last, "pages"_a = a[2]);
        default: return "?";
    }
}

// VirtualLock / VirtualUnlock (mm/VirtualLock.cpp).
std::string describe_lock_event(EventKind kind, const uint32_t (&a)[4], const std::string& who, const std::string& Who) {
    const uint32_t last = a[0] + a[1] - 1;
    switch (kind) {
        case EventKind::PagesLocked:
            return trfn("VirtualLock(0x{base:08X}-0x{end:08X}): {who} locks {pages} page into its working set. It is resident now and stays: trimming and page replacement pass over it until VirtualUnlock, a decommit or release, or VirtualProtect to NOACCESS or GUARD. Locked pages of the process: {total} (the limit is {limit}).",
                        "VirtualLock(0x{base:08X}-0x{end:08X}): {who} locks {pages} pages into its working set. They are resident now and stay: trimming and page replacement pass over them until VirtualUnlock, a decommit or release, or VirtualProtect to NOACCESS or GUARD. Locked pages of the process: {total} (the limit is {limit}).",
                        a[2], "base"_a = a[0], "end"_a = last, "who"_a = who, "pages"_a = a[2], "total"_a = a[3], "limit"_a = kVirtualLockLimit);
        case EventKind::PagesUnlocked:
            return trf("VirtualUnlock(0x{base:08X}-0x{end:08X}): every page of the range was locked; now none is. The pages stay resident, but trimming and page replacement may take them again. Locked pages of the process: {total}.",
                       "base"_a = a[0], "end"_a = last, "total"_a = a[2]);
        case EventKind::UnlockNotLocked:
            if (a[2] == 0)
                return trf("VirtualUnlock(0x{base:08X}-0x{end:08X}) finds a page that is not locked, so it fails with ERROR_NOT_LOCKED and unlocks nothing. No page of the range is resident without a lock, so none leaves the working set.",
                           "base"_a = a[0], "end"_a = last);
            return trfn("VirtualUnlock(0x{base:08X}-0x{end:08X}) finds a page that is not locked, so it fails with ERROR_NOT_LOCKED and unlocks nothing. As NT does, it first takes {pages} resident unlocked page of the range out of the working set.",
                        "VirtualUnlock(0x{base:08X}-0x{end:08X}) finds a page that is not locked, so it fails with ERROR_NOT_LOCKED and unlocks nothing. As NT does, it first takes the {pages} resident unlocked pages of the range out of the working set.",
                        a[2], "base"_a = a[0], "end"_a = last, "pages"_a = a[2]);
        case EventKind::LockDropped:
            return trf("The page at 0x{va:08X} (frame 0x{frame:X}) was locked, but a page that may not be touched cannot stay in the working set: NT removes it, and with it the lock (NtProtectVirtualMemory returns STATUS_WAS_UNLOCKED, a success).",
                       "va"_a = a[0], "frame"_a = a[1]);
        case EventKind::LockIgnored:
            return a[2] ? trf("VirtualUnlock(0x{base:08X}-0x{end:08X}): Windows 95's VirtualUnlock does nothing and returns TRUE.", "base"_a = a[0], "end"_a = last)
                        : trf("VirtualLock(0x{base:08X}-0x{end:08X}): Windows 95's VirtualLock does nothing and returns TRUE: no page is brought in or locked.", "base"_a = a[0], "end"_a = last);
        case EventKind::LockQuota:
            return trfn("VirtualLock refused: {who} has {locked} locked page and asks for {pages} more, past its limit of {limit} (NT: the minimum working set of 50 pages less 8 that must stay free to change). The call fails with ERROR_WORKING_SET_QUOTA before touching any page.",
                        "VirtualLock refused: {who} has {locked} locked pages and asks for {pages} more, past its limit of {limit} (NT: the minimum working set of 50 pages less 8 that must stay free to change). The call fails with ERROR_WORKING_SET_QUOTA before touching any page.",
                        a[2], "who"_a = who, "locked"_a = a[2], "pages"_a = a[1], "limit"_a = a[3]);
        default: return "?";
    }
}

}  // namespace

// A dispatcher: one sentence per event kind, each reading the arguments its kind records.
std::string describe_event(const core::EventRecord& e, const std::function<std::string(uint16_t)>& space_name,
                           const std::vector<std::string>* strings) {
    auto str = [&](uint32_t i) { return strings && i < strings->size() ? (*strings)[i] : fmt::format("#{}", i); };
    const auto& a = e.args;
    const bool system = e.space == 0xFFFF;
    const std::string who = system ? std::string(tr("the system")) : space_name(e.space);
    const std::string Who = system ? std::string(tr("The system")) : who;  // when it begins the sentence
    const uint32_t last = a[0] + a[1] - 1;  // the last byte of a (base, size) range
    switch (EventKind(e.kind)) {
        case EventKind::Operation: return "";
        case EventKind::SpaceCreated:
            return trf("{who} gets an address space: its page directory is frame 0x{frame:X}, and CR3 will hold 0x{cr3:08X}.", "who"_a = Who, "frame"_a = a[0], "cr3"_a = a[0] << 12);
        case EventKind::SpaceDeleted:
            return trf("{who}'s address space is gone: its page directory frame 0x{frame:X} returns to the free list.", "who"_a = Who, "frame"_a = a[0]);
        case EventKind::Cr3Loaded:
            return trf("The CPU switches to {who}: CR3 is loaded with 0x{cr3:08X}, which flushes the TLB.", "who"_a = who, "cr3"_a = a[0] << 12);
        case EventKind::PageFault:
            if (a[2] == 1) return trf("Page fault: {who} writes 0x{va:08X} ({code}).", "who"_a = who, "va"_a = a[0], "code"_a = error_code_text(a[1]));
            if (a[2] == 2) return trf("Page fault: {who} executes at 0x{va:08X} ({code}).", "who"_a = who, "va"_a = a[0], "code"_a = error_code_text(a[1]));
            return trf("Page fault: {who} reads 0x{va:08X} ({code}).", "who"_a = who, "va"_a = a[0], "code"_a = error_code_text(a[1]));
        case EventKind::AccessViolation:
            return trf("Access violation at 0x{va:08X}: {reason}.", "va"_a = a[0], "reason"_a = av_reason_text(AvReason(a[1])));
        case EventKind::GuardPage:
            return trf("Guard page hit at 0x{va:08X}: the fault raises STATUS_GUARD_PAGE_VIOLATION and the page loses its GUARD flag, so the next touch succeeds.", "va"_a = a[0]);
        case EventKind::PageTableCreated:
            return trf("No page table covers 0x{va:08X}-0x{end:08X} yet: frame 0x{frame:X} becomes one and the PDE points at it.", "va"_a = a[0], "end"_a = a[0] + 0x3FFFFF, "frame"_a = a[1]);
        case EventKind::PageTableFreed:
            return trf("The page table for 0x{va:08X} has no used entries left: frame 0x{frame:X} is freed and the PDE cleared.", "va"_a = a[0], "frame"_a = a[1]);
        case EventKind::FrameTaken:
            return trf("Frame 0x{frame:X} is taken {list}.", "frame"_a = a[0], "list"_a = list_text(FrameList(a[1]), ListUse::From));
        case EventKind::FrameZeroed:
            return trf("Frame 0x{frame:X} still holds the bytes of the page that used it before, so it is filled with zeros first: no page may see another page's old data.", "frame"_a = a[0]);
        case EventKind::DemandZero:
            if (a[2])
                return trf("Demand-zero fault: 0x{va:08X} lies in the MS-DOS/Win16 compatibility arena, the system's memory, which nothing has touched yet: it gets the zero-filled frame 0x{frame:X}, owned by no process and seen by every one.", "va"_a = a[0], "frame"_a = a[1]);
            return trf("Demand-zero fault: 0x{va:08X} is committed but has nothing to keep (it was never written), so it gets the zero-filled frame 0x{frame:X}.", "va"_a = a[0], "frame"_a = a[1]);
        case EventKind::PagefileRead:
            return trf("Hard fault: the page at 0x{va:08X} is read back from pagefile slot {slot} into frame 0x{frame:X}.", "va"_a = a[0], "slot"_a = a[2], "frame"_a = a[1]);
        case EventKind::SoftFault:
            return trf("Soft fault: the page at 0x{va:08X} is still in frame 0x{frame:X} {list}, so no disk read is needed.", "va"_a = a[0], "frame"_a = a[1], "list"_a = list_text(FrameList(a[2]), ListUse::On));
        case EventKind::PageMapped:
            return trf("The PTE of 0x{va:08X} now maps frame 0x{frame:X} (PTE 0x{pte:08X}).", "va"_a = a[0], "frame"_a = a[1], "pte"_a = a[2]);
        case EventKind::SecondChance:
            return trf("Clock: page 0x{va:08X} (frame 0x{frame:X}) was used recently, so it loses its Accessed bit and gets a second chance.", "va"_a = a[0], "frame"_a = a[1]);
        case EventKind::VictimChosen:
        {
            const char* policy = policy_text(a[2]);
            if ((a[3] & 3) == kVictimDataPage)
                return trf("No frame is free: the {policy} policy chooses page {page} of data section {section} (frame 0x{frame:X}), which no view maps now, as the victim.", "policy"_a = policy, "page"_a = a[0], "section"_a = a[3] >> 2, "frame"_a = a[1]);
            if ((a[3] & 3) == kVictimImagePage)
                return trf("No frame is free: the {policy} policy chooses the image page at RVA 0x{rva:X} (frame 0x{frame:X}), which no process maps now, as the victim.", "policy"_a = policy, "rva"_a = a[0], "frame"_a = a[1]);
            return trf("No frame is free: the {policy} policy chooses page 0x{va:08X} of {who} (frame 0x{frame:X}) as the victim.", "policy"_a = policy, "va"_a = a[0], "who"_a = who, "frame"_a = a[1]);
        }
        case EventKind::PagefileWrite:
            return trf("The victim is dirty: frame 0x{frame:X} is written to pagefile slot {slot} before it can be reused.", "frame"_a = a[1], "slot"_a = a[2]);
        case EventKind::PageDropped:
            return a[2] ? trf("The victim is clean: its copy in pagefile slot {slot} is still good, so frame 0x{frame:X} is simply dropped.", "slot"_a = a[2], "frame"_a = a[1])
                        : trf("The victim is clean and was never written: frame 0x{frame:X} is dropped and the page becomes demand-zero again.", "frame"_a = a[1]);
        case EventKind::PageTrimmed:
            return trf("Page 0x{va:08X} leaves {who}'s working set: its PTE goes to transition and frame 0x{frame:X} {list}.", "va"_a = a[0], "who"_a = who, "frame"_a = a[1], "list"_a = list_text(FrameList(a[2]), ListUse::Joins));
        case EventKind::PageRepurposed:
            return trf("Frame 0x{frame:X} is taken off the standby list: page 0x{va:08X} of {who} loses it, its PTE points at its backing store again.", "frame"_a = a[1], "va"_a = a[0], "who"_a = who);
        case EventKind::ModifiedWritten:
            return trf("The modified page writer writes frame 0x{frame:X} (page 0x{va:08X}) to pagefile slot {slot}; the frame moves to standby.", "frame"_a = a[1], "va"_a = a[0], "slot"_a = a[2]);
        case EventKind::Reserved:
            return trfn("{who} reserves 0x{base:08X}-0x{end:08X} ({pages} page): a VAD records the range, no frame is used.",
                        "{who} reserves 0x{base:08X}-0x{end:08X} ({pages} pages): a VAD records the range, no frame is used.", a[1] / 4096,
                        "who"_a = Who, "base"_a = a[0], "end"_a = last, "pages"_a = a[1] / 4096);
        case EventKind::Committed:
        {
            const uint32_t pages = a[1] >> 12;
            if (a[3] == 0)
                return trfn("{who} commits 0x{base:08X}-0x{end:08X} as {protection}: the page is committed already, so the commit charge stays; only the protection is set.",
                            "{who} commits 0x{base:08X}-0x{end:08X} as {protection}: the pages are committed already, so the commit charge stays; only the protection is set.", pages,
                            "who"_a = Who, "base"_a = a[0], "end"_a = last, "protection"_a = protection_name(a[2]));
            if (a[3] < pages)
                return trfn("{who} commits 0x{base:08X}-0x{end:08X} as {protection}: the commit charge grows by {pages} page ({others}); frames come only at first touch.",
                            "{who} commits 0x{base:08X}-0x{end:08X} as {protection}: the commit charge grows by {pages} pages ({others}); frames come only at first touch.", a[3],
                            "who"_a = Who, "base"_a = a[0], "end"_a = last, "protection"_a = protection_name(a[2]), "pages"_a = a[3],
                            "others"_a = trfn("the other {count} was committed already", "the other {count} were committed already", pages - a[3], "count"_a = pages - a[3]));
            return trfn("{who} commits 0x{base:08X}-0x{end:08X} as {protection}: the commit charge grows by {pages} page; frames come only at first touch.",
                        "{who} commits 0x{base:08X}-0x{end:08X} as {protection}: the commit charge grows by {pages} pages; frames come only at first touch.", a[3],
                        "who"_a = Who, "base"_a = a[0], "end"_a = last, "protection"_a = protection_name(a[2]), "pages"_a = a[3]);
        }
        case EventKind::Decommitted:
            return trf("{who} decommits 0x{base:08X}-0x{end:08X}: frames and pagefile slots are freed, the range stays reserved.", "who"_a = Who, "base"_a = a[0], "end"_a = last);
        case EventKind::Released:
            return trf("{who} releases 0x{base:08X}-0x{end:08X}: the VAD is removed and the range is free again.", "who"_a = Who, "base"_a = a[0], "end"_a = last);
        case EventKind::Protected:
            return trf("{who} changes 0x{base:08X}-0x{end:08X} from {old} to {new}.", "who"_a = Who, "base"_a = a[0], "end"_a = last, "old"_a = protection_name(a[3]), "new"_a = protection_name(a[2]));
        case EventKind::CommitLimit:
            return trfn("Commit refused: {pages} more page would pass the commit limit ({charged} charged of {limit}).",
                        "Commit refused: {pages} more pages would pass the commit limit ({charged} charged of {limit}).", a[0],
                        "pages"_a = a[0], "charged"_a = a[1], "limit"_a = a[2]);
        case EventKind::OutOfMemory:
            if (a[1] == 2) return tr("No frame can be found for a new page directory: every frame is locked or its page cannot be written out.");
            return trf("No frame can be found for 0x{va:08X}: every frame is locked or its page cannot be written out.", "va"_a = a[0]);
        case EventKind::AccessDone:
            if (a[2] == 1) return trfn("{who} wrote {size} byte at 0x{va:08X}: 0x{value:X}.", "{who} wrote {size} bytes at 0x{va:08X}: 0x{value:X}.", a[3], "who"_a = Who, "size"_a = a[3], "va"_a = a[0], "value"_a = a[1]);
            if (a[2] == 2) return trfn("{who} fetched {size} byte at 0x{va:08X}: 0x{value:X}.", "{who} fetched {size} bytes at 0x{va:08X}: 0x{value:X}.", a[3], "who"_a = Who, "size"_a = a[3], "va"_a = a[0], "value"_a = a[1]);
            return trfn("{who} read {size} byte at 0x{va:08X}: 0x{value:X}.", "{who} read {size} bytes at 0x{va:08X}: 0x{value:X}.", a[3], "who"_a = Who, "size"_a = a[3], "va"_a = a[0], "value"_a = a[1]);
        case EventKind::DebuggerWrite:
            return trf("The kernel debugger writes 0x{value:02X} straight into physical address 0x{pa:08X} (behind 0x{va:08X}), ignoring protection and copy-on-write.", "value"_a = a[2], "pa"_a = a[1], "va"_a = a[0]);
        case EventKind::Retry: {
            const char* access = access_noun(a[1]);
            switch (RetryOutcome(a[2])) {
                case RetryOutcome::Succeeds: break;
                case RetryOutcome::NotPresent:
                    return trf("The fault is resolved, so the {access} at 0x{va:08X} runs again, but its page left memory meanwhile, so it faults once more ({code}).", "access"_a = access, "va"_a = a[0], "code"_a = error_code_text(a[3]));
                case RetryOutcome::CopyOnWrite:
                    return trf("The fault is resolved, so the write at 0x{va:08X} runs again, but the page it now maps is read-only (copy-on-write), so the write faults a second time, now for protection ({code}).", "va"_a = a[0], "code"_a = error_code_text(a[3]));
                case RetryOutcome::DirtyBit:
                    return trf("The fault is resolved, so the write at 0x{va:08X} runs again, but the page it now maps has its R/W held back until the first write (a pagefile slot holds the same bytes), so the write faults a second time, now for protection ({code}).", "va"_a = a[0], "code"_a = error_code_text(a[3]));
                case RetryOutcome::Protection:
                    return trf("The fault is resolved, so the {access} at 0x{va:08X} runs again, but the page it now maps does not allow it, so it faults a second time, now for protection ({code}).", "access"_a = access, "va"_a = a[0], "code"_a = error_code_text(a[3]));
            }
            if (a[1] == 1) return trf("The fault is resolved, so the {access} at 0x{va:08X} runs again: this time the walk succeeds and sets the Accessed and Dirty bit.", "access"_a = access, "va"_a = a[0]);
            return trf("The fault is resolved, so the {access} at 0x{va:08X} runs again: this time the walk succeeds and sets the Accessed bit.", "access"_a = access, "va"_a = a[0]);
        }
        case EventKind::SectionCreated:
            return trfn("The first mapping of {file} creates its image section object: a control area with {protos}, one per page, still \"in the file\".",
                        "The first mapping of {file} creates its image section object: a control area with {protos}, one per page, all still \"in the file\".", a[1],
                        "file"_a = str(a[2]), "protos"_a = proto_text(a[1]));
        case EventKind::ImageMapped:
            return a[3] ? trfn("{who} maps {file} at 0x{base:08X}-0x{end:08X} (MEM_IMAGE): its PTEs point at the section's prototype PTEs, and {pages} page already in RAM is mapped valid straight away.",
                               "{who} maps {file} at 0x{base:08X}-0x{end:08X} (MEM_IMAGE): its PTEs point at the section's prototype PTEs, and {pages} pages already in RAM are mapped valid straight away.", a[3],
                               "who"_a = Who, "file"_a = str(a[2]), "base"_a = a[0], "end"_a = last, "pages"_a = a[3])
                        : trf("{who} maps {file} at 0x{base:08X}-0x{end:08X} (MEM_IMAGE): a VAD records it and each PTE points at the section's prototype PTE; no page is read yet.", "who"_a = Who, "file"_a = str(a[2]), "base"_a = a[0], "end"_a = last);
        case EventKind::ImageUnmapped:
            return trf("{who} unmaps {file} from 0x{base:08X}-0x{end:08X}: its private copies are freed, shared frames lose one mapper.", "who"_a = Who, "file"_a = str(a[2]), "base"_a = a[0], "end"_a = last);
        case EventKind::ImageRead:
            return trf("Hard fault (image-read): the page at 0x{va:08X} is read from {file} at file offset 0x{offset:X} into frame 0x{frame:X}; the section's prototype PTE now points at that frame.", "va"_a = a[0], "file"_a = str(a[3]), "offset"_a = a[2], "frame"_a = a[1]);
        case EventKind::PrototypeSoftFault:
            if (a[2] == 1)
                return trf("Soft fault: the page at 0x{va:08X} is already in frame 0x{frame:X} (its prototype PTE is valid), so {who} just maps it - the only PTE that maps it now (the others copied the page away or never touched it).", "va"_a = a[0], "frame"_a = a[1], "who"_a = who);
            return trf("Soft fault: the page at 0x{va:08X} is already in frame 0x{frame:X} (its prototype PTE is valid), so {who} just maps it - now {count} PTEs share it.", "va"_a = a[0], "frame"_a = a[1], "who"_a = who, "count"_a = a[2]);
        case EventKind::CopyOnWrite:
            // A user-mode write between 2 and 3 GB can only be in the win95 shared arena (under
            // nt it is kernel space): its one PTE serves every process, so the copy is everybody's.
            if (a[0] >= 0x80000000u && a[0] < 0xC0000000u)
                return trf("Copy-on-write: {who} writes the shared page at 0x{va:08X}: frame 0x{frame:X} is copied into frame 0x{copy:X}, now {protection} and backed by the pagefile - the file stays untouched, but the copy is in the shared arena's one PTE, so every process sees it.", "who"_a = who, "va"_a = a[0], "frame"_a = a[1], "copy"_a = a[2], "protection"_a = protection_name(a[3]));
            return trf("Copy-on-write: {who} writes the shared page at 0x{va:08X}: frame 0x{frame:X} is copied into the private frame 0x{copy:X}, now {protection} and backed by the pagefile; other processes keep the original.", "who"_a = who, "va"_a = a[0], "frame"_a = a[1], "copy"_a = a[2], "protection"_a = protection_name(a[3]));
        case EventKind::ImagePageDropped:
            return a[2] ? trf("The shared image page at RVA 0x{rva:X} of {file} was written: frame 0x{frame:X} goes to pagefile slot {slot}.", "rva"_a = a[0], "file"_a = str(a[3]), "frame"_a = a[1], "slot"_a = a[2])
                        : trf("The image page at RVA 0x{rva:X} of {file} is dropped from frame 0x{frame:X}: it can be read from the file again (anything a debugger poked into it is lost).", "rva"_a = a[0], "file"_a = str(a[3]), "frame"_a = a[1]);
        case EventKind::SectionPagesFreed:
            return trfn("No process maps {file} any more: its {count} resident frame is freed and its prototype PTEs point into the file again.",
                        "No process maps {file} any more: its {count} resident frames are freed and its prototype PTEs point into the file again.", a[1], "file"_a = str(a[0]), "count"_a = a[1]);
        case EventKind::Relocated:
            return trfn("Relocation: {count} fixup on the page at 0x{va:08X} gets 0x{delta:X} added, so the page becomes the private, pagefile-backed frame 0x{frame:X}.",
                        "Relocation: {count} fixups on the page at 0x{va:08X} get 0x{delta:X} added, so the page becomes the private, pagefile-backed frame 0x{frame:X}.", a[2],
                        "count"_a = a[2], "va"_a = a[0], "delta"_a = a[3], "frame"_a = a[1]);
        case EventKind::LoaderFindFile:
            return a[1] ? trf("The loader finds {file} on the disk.", "file"_a = str(a[0])) : trf("The loader looks for {file} and does not find it.", "file"_a = str(a[0]));
        case EventKind::LoaderProcessObject:
            return trf("CreateProcess creates the process object {name} and builds its address space.", "name"_a = str(a[0]));
        case EventKind::LoaderImports:
            return a[1] ? trfn("The loader reads {module}'s import directory: {count} DLL to load.", "The loader reads {module}'s import directory: {count} DLLs to load.", a[1], "module"_a = str(a[0]), "count"_a = a[1])
                        : trf("The loader reads {module}'s import directory: it imports nothing.", "module"_a = str(a[0]));
        case EventKind::LoaderDll:
            return a[2] ? trf("{importer} needs {dll}, which is already loaded in {who}: its reference count becomes {count}.", "importer"_a = sentence_start(str(a[1])), "dll"_a = str(a[0]), "who"_a = who, "count"_a = a[3])
                        : trf("{importer} needs {dll}: the loader maps it into {who}.", "importer"_a = sentence_start(str(a[1])), "dll"_a = str(a[0]), "who"_a = who);
        case EventKind::LoaderNotAtBase:
            if (a[3] == 2)
                return trf("{dll}'s preferred base 0x{base:08X} is taken: it is mapped at 0x{actual:08X} instead. It is an EXE loaded as a library, which the loader does not fix up, so its code still assumes its preferred base.",
                           "dll"_a = sentence_start(str(a[0])), "base"_a = a[1], "actual"_a = a[2]);
            return a[3] ? trf("{dll}'s preferred base 0x{base:08X} is taken (STATUS_IMAGE_NOT_AT_BASE): it is mapped at 0x{actual:08X} instead and must be relocated.", "dll"_a = sentence_start(str(a[0])), "base"_a = a[1], "actual"_a = a[2])
                        : trf("{dll}'s preferred base 0x{base:08X} is taken and it was linked /FIXED (no relocations): it cannot load anywhere else.", "dll"_a = sentence_start(str(a[0])), "base"_a = a[1]);
        case EventKind::LoaderStack:
            return trf("The loader creates the thread's stack: 0x{base:08X}-0x{end:08X} reserved, its top page committed and a guard page below it.", "base"_a = a[0], "end"_a = last);
        case EventKind::LoaderStart:
            if (a[1])
                return trf("The thread is created suspended at the entry point 0x{entry:08X} (CREATE_SUSPENDED): it has not run a single instruction yet. ResumeThread, or a debugger's single step, runs the first one.", "entry"_a = a[0]);
            return trf("The thread starts: the first instruction fetch at the entry point 0x{entry:08X}.", "entry"_a = a[0]);
        case EventKind::LoaderFailed:
            return trf("The load of {name} fails with {error}: everything it built is taken down again.", "name"_a = str(a[1]), "error"_a = error_name(Error(a[0])));
        case EventKind::LoaderUnload:
            return a[2] ? trf("FreeLibrary: {dll}'s reference count drops to {count}; it stays mapped.", "dll"_a = str(a[0]), "count"_a = a[2])
                        : trf("{dll}'s reference count drops to 0: it is unmapped from 0x{base:08X}.", "dll"_a = sentence_start(str(a[0])), "base"_a = a[1]);
        case EventKind::LoaderBadImage:
            return trf("{file} is not a valid PE32 image: {problem}. The loader maps nothing.", "file"_a = sentence_start(str(a[0])), "problem"_a = str(a[1]));
        case EventKind::FileCreated:
            return a[2] == 2 ? trf("CreateFile (CREATE_ALWAYS) opens {file} as handle 0x{handle:X} and truncates it to 0 bytes.", "file"_a = str(a[0]), "handle"_a = a[1])
                             : trf("CreateFile creates the file {file} on the disk, as handle 0x{handle:X} in {who}.", "file"_a = str(a[0]), "handle"_a = a[1], "who"_a = who);
        case EventKind::FileOpened:
            return trf("CreateFile opens {file} for {access} as handle 0x{handle:X} in {who}.", "file"_a = str(a[0]),
                       "access"_a = file_access_text(a[2]),
                       "handle"_a = a[1], "who"_a = who);
        case EventKind::HandleClosed:
        {
            const std::string name = a[2] == kNoString ? std::string(tr("(unnamed)")) : str(a[2]);
            if (a[1] == 0) return trf("CloseHandle(0x{handle:X}): {who} closes its handle to the file {name}.", "handle"_a = a[0], "who"_a = who, "name"_a = name);
            // (A sentence of its own, the same English: a translation puts "unnamed" where its grammar wants it.)
            if (a[2] == kNoString)
                return trf("CloseHandle(0x{handle:X}): {who} closes its handle to the file mapping object (unnamed).", "handle"_a = a[0], "who"_a = who);
            return trf("CloseHandle(0x{handle:X}): {who} closes its handle to the file mapping object {name}.", "handle"_a = a[0], "who"_a = who, "name"_a = name);
        }
        case EventKind::FileReadCall:
            return a[3] ? trfn("ReadFile reads {bytes} of {file} at offset 0x{offset:X}; of the pages read, {pages} comes straight from a frame that already holds it (no disk read).",
                               "ReadFile reads {bytes} of {file} at offset 0x{offset:X}; of the pages read, {pages} come straight from frames that already hold them (no disk read).", a[3],
                               "bytes"_a = bytes_text(a[2]), "file"_a = str(a[0]), "offset"_a = a[1], "pages"_a = a[3])
                        : trf("ReadFile reads {bytes} of {file} at offset 0x{offset:X} from the disk.", "bytes"_a = bytes_text(a[2]), "file"_a = str(a[0]), "offset"_a = a[1]);
        case EventKind::FileWriteCall:
            return a[3] ? trfn("WriteFile writes {bytes} to {file} at offset 0x{offset:X}: to the disk, and into the frame that holds that page, so every view sees them at once.",
                               "WriteFile writes {bytes} to {file} at offset 0x{offset:X}: to the disk, and into the {pages} frames that hold those pages, so every view sees them at once.", a[3],
                               "bytes"_a = bytes_text(a[2]), "file"_a = str(a[0]), "offset"_a = a[1], "pages"_a = a[3])
                        : trf("WriteFile writes {bytes} to {file} at offset 0x{offset:X} on the disk.", "bytes"_a = bytes_text(a[2]), "file"_a = str(a[0]), "offset"_a = a[1]);
        case EventKind::FileSizeSet:
            return a[2] > a[1] ? trf("{file} grows from {old} to {new} (the new bytes are zero).", "file"_a = sentence_start(str(a[0])), "old"_a = a[1], "new"_a = bytes_text(a[2]))
                               : trf("{file} is cut from {old} to {new}.", "file"_a = sentence_start(str(a[0])), "old"_a = a[1], "new"_a = bytes_text(a[2]));
        case EventKind::DataSectionCreated:
            return a[2] == kNoString
                       ? trf("CreateFileMapping(INVALID_HANDLE_VALUE, …): backed by the paging file, not by a file on disk. The memory manager creates data section {section} for it: {protos}, {pages} committed (charged) now.",
                             "section"_a = a[0], "protos"_a = proto_text(a[1]), "pages"_a = trfn("{count} page", "{count} pages", a[3], "count"_a = a[3]))
                       : trfn("The memory manager creates data section {section} for {file} (NT's control area): {protos}, saying \"in the file\".",
                              "The memory manager creates data section {section} for {file} (NT's control area): {protos}, each saying \"in the file\".", a[1],
                              "section"_a = a[0], "file"_a = str(a[2]), "protos"_a = proto_text(a[1]));
        case EventKind::DataSectionGrown:
            return trf("Data section {section} of {file} grows from {old} to {new}.", "section"_a = a[0], "file"_a = str(a[3]), "old"_a = a[1], "new"_a = proto_text(a[2]));
        case EventKind::MappingCreated:
            if (a[2] == kNoString)
                return trf("CreateFileMapping makes the file mapping object #{mapping} (unnamed, {size}) and gives {who} handle 0x{handle:X} to it.", "mapping"_a = a[0],
                           "size"_a = bytes_text(a[3]), "who"_a = who, "handle"_a = a[1]);
            return trf("CreateFileMapping makes the file mapping object #{mapping} (\"{name}\", {size}) and gives {who} handle 0x{handle:X} to it.", "mapping"_a = a[0],
                       "name"_a = str(a[2]), "size"_a = bytes_text(a[3]), "who"_a = who, "handle"_a = a[1]);
        case EventKind::MappingOpened:
            return a[3] ? trf("The name \"{name}\" exists already: CreateFileMapping returns a new handle 0x{handle:X} to the existing object #{mapping} (ERROR_ALREADY_EXISTS).", "name"_a = str(a[2]), "handle"_a = a[1], "mapping"_a = a[0])
                        : trf("OpenFileMapping finds \"{name}\": {who} gets handle 0x{handle:X} to the file mapping object #{mapping}.", "name"_a = str(a[2]), "who"_a = who, "handle"_a = a[1], "mapping"_a = a[0]);
        case EventKind::MappingDeleted:
            if (a[1] == kNoString) return trf("The file mapping object #{mapping} has no handle and no view left: it goes away.", "mapping"_a = a[0]);
            if (a[2]) return trf("The file mapping object #{mapping} \"{name}\" has no handle and no view left: it goes away, and its name with it.", "mapping"_a = a[0], "name"_a = str(a[1]));
            return trf("The file mapping object #{mapping} \"{name}\" has no handle and no view left: it goes away.", "mapping"_a = a[0], "name"_a = str(a[1]));
        case EventKind::MappingNameGone:
            return trfn("The last handle to the file mapping object #{mapping} is closed: its name \"{name}\" goes with it (OpenFileMapping will not find it), but the object lives on for its {views} view.",
                        "The last handle to the file mapping object #{mapping} is closed: its name \"{name}\" goes with it (OpenFileMapping will not find it), but the object lives on for its {views} views.", a[2],
                        "mapping"_a = a[0], "name"_a = str(a[1]), "views"_a = a[2]);
        case EventKind::SharedViewReturned:
            return trf("{who} already uses the view of object #{mapping} at 0x{base:08X}-0x{end:08X}: Windows 95 keeps one view of it in the shared arena, so MapViewOfFile returns the same address again.",
                       "who"_a = Who, "mapping"_a = a[2], "base"_a = a[0], "end"_a = last);
        case EventKind::ViewMapped:
            return trf("MapViewOfFile maps a view of object #{mapping} at 0x{base:08X}-0x{end:08X} in {who} ({protection}): a MEM_MAPPED region whose PTEs stay empty until first touch.",
                       "mapping"_a = a[2], "base"_a = a[0], "end"_a = last, "who"_a = who, "protection"_a = protection_name(a[3]));
        case EventKind::ViewUnmapped:
            return trf("UnmapViewOfFile removes the view 0x{base:08X}-0x{end:08X} of object #{mapping} from {who}; the section keeps its pages.", "base"_a = a[0], "end"_a = last, "mapping"_a = a[2], "who"_a = who);
        case EventKind::FilePageRead:
            return trf("Page fault on a view: {file}'s page at file offset 0x{offset:X} is read from the disk into frame 0x{frame:X} (a hard fault; the prototype PTE now points at it).",
                       "file"_a = str(a[3]), "offset"_a = a[2], "frame"_a = a[1]);
        case EventKind::FilePageWritten: {
            static const char* const kWhy[] = {N_("FlushViewOfFile"), N_("The page is evicted"), N_("The section is closed"), N_("The file is truncated")};
            return trf("{why}: the dirty page in frame 0x{frame:X} is written back to {file} at offset 0x{offset:X} — its own file, not the pagefile.",
                       "why"_a = a[3] < 4 ? tr(kWhy[a[3]]) : tr("Write-back"), "frame"_a = a[0], "file"_a = str(a[2]), "offset"_a = a[1]);
        }
        case EventKind::ViewFlushed:
            return a[2] ? trfn("FlushViewOfFile(0x{base:08X}, 0x{size:X}): {pages} dirty page to write to the file.", "FlushViewOfFile(0x{base:08X}, 0x{size:X}): {pages} dirty pages to write to the file.", a[2],
                               "base"_a = a[0], "size"_a = a[1], "pages"_a = a[2])
                        : trf("FlushViewOfFile(0x{base:08X}, 0x{size:X}): no page of the range is dirty; nothing is written.", "base"_a = a[0], "size"_a = a[1]);
        case EventKind::SectionPageDecommitted:
            return a[2] ? trf("VirtualFree(MEM_DECOMMIT) on the view at 0x{va:08X}: page {page} of the SEC_RESERVE section is decommitted and its frame 0x{frame:X} freed (Windows 95 lets a view's pages be decommitted).",
                              "va"_a = a[0], "page"_a = a[1], "frame"_a = a[2])
                        : trf("VirtualFree(MEM_DECOMMIT) on the view at 0x{va:08X}: page {page} of the SEC_RESERVE section is decommitted (Windows 95 lets a view's pages be decommitted).",
                              "va"_a = a[0], "page"_a = a[1]);
        case EventKind::LoaderDataFile:
            return a[2] ? trf("LoadLibraryEx(LOAD_LIBRARY_AS_DATAFILE): {dll} is loaded as an image already; that module is returned, its reference count now {count}.",
                              "dll"_a = str(a[0]), "count"_a = a[3])
                        : trf("LoadLibraryEx(LOAD_LIBRARY_AS_DATAFILE): {dll} is mapped as a read-only data view at 0x{base:08X}, not as an image: no section is relocated, no import loaded, and the module list does not know it. The handle returned is 0x{base:08X} + 1, the low bit marking a data file.",
                              "dll"_a = str(a[0]), "base"_a = a[1]);
        case EventKind::LoaderNoImports:
            return trfn("DONT_RESOLVE_DLL_REFERENCES: {dll} stays mapped as an image, but its {count} import is not loaded and its DllMain is not called.",
                        "DONT_RESOLVE_DLL_REFERENCES: {dll} stays mapped as an image, but its {count} imports are not loaded and its DllMain is not called.", a[1],
                        "dll"_a = str(a[0]), "count"_a = a[1]);
        case EventKind::SectionPageCommitted:
            return trf("VirtualAlloc(MEM_COMMIT) on the view at 0x{va:08X}: page {page} of the SEC_RESERVE section is committed for every view ({protection} in this one).",
                       "va"_a = a[0], "page"_a = a[1], "protection"_a = protection_name(a[2]));
        case EventKind::DataPageDropped:
            return a[2] ? trf("Page {page} of data section {section} (frame 0x{frame:X}) goes to pagefile slot {slot}.", "page"_a = a[0], "section"_a = a[3], "frame"_a = a[1], "slot"_a = a[2])
                        : trf("Page {page} of data section {section} (frame 0x{frame:X}) is clean: it is dropped, the next touch reads it again.", "page"_a = a[0], "section"_a = a[3], "frame"_a = a[1]);
        case EventKind::DataSectionDeleted:
            if (a[2] == kNoString) {
                if (a[1] == 0) return trf("Nothing uses data section {section} (pagefile-backed) any more: it goes, with its prototype PTEs; none of its pages was in a frame.", "section"_a = a[0]);
                return trfn("Nothing uses data section {section} (pagefile-backed) any more: its {frames} frame and slots are freed.",
                            "Nothing uses data section {section} (pagefile-backed) any more: its {frames} frames and slots are freed.", a[1], "section"_a = a[0], "frames"_a = a[1]);
            }
            if (a[1] == 0) return trf("Nothing uses data section {section} of {file} any more: it goes, with its prototype PTEs; none of its pages was in a frame.", "section"_a = a[0], "file"_a = str(a[2]));
            return trfn("Nothing uses data section {section} of {file} any more: its {frames} frame and slots are freed.",
                        "Nothing uses data section {section} of {file} any more: its {frames} frames and slots are freed.", a[1], "section"_a = a[0], "file"_a = str(a[2]), "frames"_a = a[1]);
        case EventKind::SharedTableCreated:
        {
            const std::string dirs = trfn("the one Windows 95 page directory", "all {count} Windows 95 page directories", a[2], "count"_a = a[2]);
            if (a[0] == 0)
                return trf("No page table covers the MS-DOS/Win16 compatibility arena (0x00000000-0x003FFFFF) yet: frame 0x{frame:X} becomes one, owned by no process (it is the system's), and the same PDE is entered in {dirs}.", "frame"_a = a[1], "dirs"_a = dirs);
            return trf("No shared page table covers 0x{va:08X}-0x{end:08X} yet: frame 0x{frame:X} becomes one, owned by no process, and the same PDE is entered in {dirs}.", "va"_a = a[0], "end"_a = a[0] + 0x3FFFFF, "frame"_a = a[1], "dirs"_a = dirs);
        }
        case EventKind::SharedTableFreed:
            return trf("The shared page table for 0x{va:08X} has no used entries left: frame 0x{frame:X} is freed and its PDE cleared in {dirs}.", "va"_a = a[0], "frame"_a = a[1],
                       "dirs"_a = trfn("the one page directory that holds it", "all {count} page directories", a[2], "count"_a = a[2]));
        case EventKind::SharedRegionJoined:
            return trfn("{who} starts using the shared-arena region 0x{base:08X}-0x{end:08X} ({type}): it is already mapped through the shared page tables, so no PTE and no page table is made; {users} process uses it now.",
                        "{who} starts using the shared-arena region 0x{base:08X}-0x{end:08X} ({type}): it is already mapped through the shared page tables, so no PTE and no page table is made; {users} processes use it now.", a[3],
                        "who"_a = Who, "base"_a = a[0], "end"_a = last, "type"_a = vad_type_text(VadType(a[2])), "users"_a = a[3]);
        case EventKind::SharedRegionLeft:
            return a[3] ? trfn("{who} stops using the shared-arena region 0x{base:08X}-0x{end:08X} ({type}): it stays mapped for the {users} other process.",
                               "{who} stops using the shared-arena region 0x{base:08X}-0x{end:08X} ({type}): it stays mapped for the {users} other processes.", a[3],
                               "who"_a = Who, "base"_a = a[0], "end"_a = last, "type"_a = vad_type_text(VadType(a[2])), "users"_a = a[3])
                        : trf("{who} was the last process using the shared-arena region 0x{base:08X}-0x{end:08X} ({type}): it is taken down for everybody.", "who"_a = Who, "base"_a = a[0], "end"_a = last, "type"_a = vad_type_text(VadType(a[2])));
        case EventKind::DirtyBitSet:
            return a[2] ? trf("Dirty-bit fault: the page at 0x{va:08X} (frame 0x{frame:X}) may be written, but NT kept R/W clear while pagefile slot {slot} held the same bytes. This first write makes that copy stale, so the slot is freed and the PTE gets R/W and Dirty; the page will need a new slot when it leaves.", "va"_a = a[0], "frame"_a = a[1], "slot"_a = a[2])
                        : trf("Dirty-bit fault: the page at 0x{va:08X} (frame 0x{frame:X}) may be written but its R/W was kept clear until the first write: now the PTE gets R/W and Dirty.", "va"_a = a[0], "frame"_a = a[1]);
        case EventKind::UnmapInsideView:
            return trf("UnmapViewOfFile(0x{va:08X}): 0x{va:08X} is inside the view 0x{base:08X}-0x{end:08X}, not its base. NT accepts it (it looks the view up by any address in it), but the documented contract is the base address MapViewOfFile returned: a program must not rely on this.",
                       "va"_a = a[0], "base"_a = a[1], "end"_a = a[1] + a[2] - 1);
        case EventKind::InterlockedAdd:
            return trf("InterlockedExchangeAdd(0x{va:08X}, {addend}): one locked read-modify-write (lock xadd) by {who} turns {old} into {new}; it returns the initial value, {old}.",
                       "va"_a = a[0], "addend"_a = int32_t(a[3]), "who"_a = who, "old"_a = int32_t(a[1]), "new"_a = int32_t(a[2]));
        case EventKind::BadEntry:
            return trf("The entry for 0x{va:08X} is corrupt: {problem}. The access stops here with an error (a real machine would take a machine check, or NT would bug-check).",
                       "va"_a = a[0], "problem"_a = bad_entry_note(BadEntryKind(a[1]), a[2], a[3]));
        case EventKind::MemReset:
        case EventKind::WriteWatched:
        case EventKind::WriteWatchReset: return describe_watch_event(EventKind(e.kind), a, who, Who);
        case EventKind::HandleDuplicated:
            if (a[3] == kNoString)
                return trf("DuplicateHandle: {who}'s handle 0x{handle:X} to the file mapping object (unnamed) is copied into {target} as handle 0x{new:X}; the object now has one more handle.",
                           "who"_a = who, "handle"_a = a[0], "target"_a = space_name(uint16_t(a[1])), "new"_a = a[2]);
            return trf("DuplicateHandle: {who}'s handle 0x{handle:X} to the file mapping object \"{name}\" is copied into {target} as handle 0x{new:X}; the object now has one more handle.",
                       "who"_a = who, "handle"_a = a[0], "name"_a = str(a[3]), "target"_a = space_name(uint16_t(a[1])), "new"_a = a[2]);
        case EventKind::PagesLocked:
        case EventKind::PagesUnlocked:
        case EventKind::UnlockNotLocked:
        case EventKind::LockDropped:
        case EventKind::LockIgnored:
        case EventKind::LockQuota: return describe_lock_event(EventKind(e.kind), a, who, Who);
        case EventKind::Count_: break;
    }
    return "?";
}

std::string bad_entry_note(BadEntryKind kind, uint32_t number, uint32_t limit) {
    const std::string frames = trfn("the one frame of RAM", "the {count} frames of RAM", limit, "count"_a = limit);
    switch (kind) {
        case BadEntryKind::PdeFrame:
            return trf("PDE names frame 0x{frame:X} beyond {frames} for its page table", "frame"_a = number, "frames"_a = frames);
        case BadEntryKind::PteFrame: return trf("PTE names frame 0x{frame:X} beyond {frames}", "frame"_a = number, "frames"_a = frames);
        case BadEntryKind::TransitionFrame:
            return number >= limit ? trf("transition PTE names frame 0x{frame:X} beyond {frames}", "frame"_a = number, "frames"_a = frames)
                                   : trf("transition PTE names frame 0x{frame:X}, which holds no page in transition for it", "frame"_a = number);
        case BadEntryKind::PagefileSlot:
            return number > limit ? trf("PTE names pagefile slot {slot} beyond {slots}", "slot"_a = number,
                                        "slots"_a = trfn("the one slot of the pagefile", "the {count} slots of the pagefile", limit, "count"_a = limit))
                                  : trf("PTE names pagefile slot {slot}, which is not in use", "slot"_a = number);
        case BadEntryKind::Prototype: return trf("PTE names prototype PTE #{index}, which no section has", "index"_a = number);
        case BadEntryKind::None: break;
    }
    return tr("corrupt entry");
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
