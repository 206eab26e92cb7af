#include "Classify.h"

#include "i18n/I18n.h"
#include "mm/SoftwarePte.h"
#include "x86/Pte.h"

namespace pagelab::ui {

using i18n::tr;

const char* page_class_name(PageClass c) {
    switch (c) {
        case PageClass::Free: return tr("free");
        case PageClass::Reserved: return tr("reserved");
        case PageClass::DemandZero: return tr("demand-zero");
        case PageClass::Present: return tr("present");
        case PageClass::Pagefile: return tr("pagefile");
        case PageClass::Transition: return tr("transition");
        case PageClass::Prototype: return tr("prototype");
        case PageClass::System: return tr("system");
        case PageClass::Count_: break;
    }
    return "?";
}

const char* page_class_help(PageClass c) {
    switch (c) {
        case PageClass::Free: return tr("No region covers the page: touching it is an access violation.");
        case PageClass::Reserved: return tr("Reserved (or decommitted): the address range is taken, but no storage is committed.");
        case PageClass::DemandZero: return tr("Committed but never touched: the first access gets a zero-filled frame.");
        case PageClass::Present: return tr("Valid PTE: the processor's walk reaches a frame.");
        case PageClass::Pagefile: return tr("Written out: the PTE names a pagefile slot; the next access is a hard fault.");
        case PageClass::Transition: return tr("Trimmed, but the frame still holds the page (standby or modified list): a soft fault brings it back.");
        case PageClass::Prototype: return tr("Backed by a section: the PTE points at the section's prototype PTE (in a view of a mapped file, a zero PTE does too: ask the VAD, then its prototype PTE).");
        case PageClass::System: return tr("Mapped at boot outside every region (kernel, or the win95 system arena).");
        case PageClass::Count_: break;
    }
    return "";
}

PageClass classify_page(const mm::MemoryManager& m, const mm::PageDescription& d) {
    const uint32_t pte = d.entry.table_present ? d.entry.pte : 0;
    if (x86::Pte(pte).present()) return d.vad ? PageClass::Present : PageClass::System;
    switch (d.backing) {
        case mm::Backing::DemandZero: return PageClass::DemandZero;
        case mm::Backing::Pagefile: return PageClass::Pagefile;
        case mm::Backing::Transition: return PageClass::Transition;
        case mm::Backing::Prototype:
            // SEC_RESERVE: a page of the section nobody committed yet is reserved in every view.
            if (pte == 0 && d.bytes == mm::PageBytes::Prototype && m.prototype_exists(d.where) && m.prototype(d.where) == 0)
                return PageClass::Reserved;
            return PageClass::Prototype;
        case mm::Backing::None:
        case mm::Backing::Image:
        case mm::Backing::File: break;
    }
    // No backing: a region that commits nothing here (reserved, decommitted), or no region.
    return d.vad ? PageClass::Reserved : PageClass::Free;
}

std::optional<uint32_t> view_proto_index(const mm::MemoryManager& m, const mm::Vad* vad, uint32_t vpn) {
    if (!vad || vad->type != mm::VadType::Mapped || !vad->contains_vpn(vpn)) return std::nullopt;
    if (vad->section >= m.data_sections().size()) return std::nullopt;
    const uint32_t page = vad->offset_page + (vpn - vad->start_vpn);
    if (page >= m.data_prototypes(vad->section).size()) return std::nullopt;
    return mm::MemoryManager::data_proto_index(vad->section, page);
}

PageClass classify_pte(uint32_t pte, const mm::Vad* vad, const mm::MemoryManager& m, uint32_t vpn) {
    mm::PteInfo entry;
    entry.table_present = true;
    entry.pte = pte;
    return classify_page(m, m.describe_entry(entry, vad, vpn << 12));
}

const char* frame_class_name(FrameClass c) {
    switch (c) {
        case FrameClass::Free: return tr("free");
        case FrameClass::PageDirectory: return tr("page directory");
        case FrameClass::PageTable: return tr("page table");
        case FrameClass::Private: return tr("private");
        case FrameClass::Image: return tr("image");
        case FrameClass::File: return tr("mapped file");
        case FrameClass::PagefileBacked: return tr("pagefile-backed");
        case FrameClass::System: return tr("system");
        case FrameClass::Count_: break;
    }
    return "?";
}

const char* frame_class_help(FrameClass c) {
    switch (c) {
        case FrameClass::Free: return tr("On the free or zeroed list: nobody's page.");
        case FrameClass::PageDirectory: return tr("A process's page directory (CR3 points at it).");
        case FrameClass::PageTable: return tr("A page table: 1024 PTEs for 4 MB of address space.");
        case FrameClass::Private: return tr("A process's private page (VirtualAlloc, stack, a copy-on-write copy): pagefile-backed.");
        case FrameClass::Image: return tr("A page of an EXE or DLL image section, shared by every process mapping it.");
        case FrameClass::File: return tr("A page of a mapped data file: shared by every view of the file (and by ReadFile/WriteFile); a dirty one is written back to the file, never to the pagefile.");
        case FrameClass::PagefileBacked: return tr("A page of a pagefile-backed section (CreateFileMapping without a file): shared by every view; a dirty one goes to the pagefile.");
        case FrameClass::System: return tr("Mapped at boot for the system (kernel, win95 system arena).");
        case FrameClass::Count_: break;
    }
    return "";
}

FrameClass classify_frame(const mm::PfnEntry& e) {
    if (e.state == mm::FrameState::Free || e.state == mm::FrameState::Zeroed) return FrameClass::Free;
    switch (e.use) {
        case mm::FrameUse::None: return FrameClass::Free;
        case mm::FrameUse::PageDirectory: return FrameClass::PageDirectory;
        case mm::FrameUse::PageTable: return FrameClass::PageTable;
        case mm::FrameUse::Private: return FrameClass::Private;
        case mm::FrameUse::Image: return FrameClass::Image;
        case mm::FrameUse::File: return FrameClass::File;
        case mm::FrameUse::PagefileSection: return FrameClass::PagefileBacked;
        case mm::FrameUse::System: return FrameClass::System;
    }
    return FrameClass::Free;
}

RegionClass classify_vad(const mm::Vad* vad) {
    if (!vad) return RegionClass::None;
    switch (vad->type) {
        case mm::VadType::Private: return RegionClass::Private;
        case mm::VadType::Mapped: return RegionClass::Mapped;
        case mm::VadType::Image: return RegionClass::Image;
    }
    return RegionClass::None;
}

Arena arena_of(mm::Personality p, uint32_t va) {
    const mm::Layout& l = mm::layout_of(p);
    if (va < l.null_trap_end) return Arena::NullTrap;
    if (p == mm::Personality::Win95 && va < l.alloc_lowest) return Arena::Compat;
    if (l.shared_begin && va >= l.shared_begin && va < l.shared_end) return Arena::Shared;
    if (va >= l.system_begin) return Arena::Kernel;
    return Arena::User;
}

const char* arena_label(Arena a) {
    switch (a) {
        case Arena::NullTrap: return tr("NULL trap");
        case Arena::Compat: return tr("compatibility arena");
        case Arena::User: return tr("user / private arena");
        case Arena::Shared: return tr("shared arena");
        case Arena::Kernel: return tr("kernel / system arena");
        case Arena::Count_: break;
    }
    return "?";
}

}  // namespace pagelab::ui
