#include "mm/PageDescription.h"

#include "mm/MemoryManager.h"

namespace pagelab::mm {

const char* backing_name(Backing b) {
    switch (b) {
        case Backing::None: return "none";
        case Backing::DemandZero: return "demand-zero";
        case Backing::Pagefile: return "pagefile";
        case Backing::Transition: return "transition";
        case Backing::Prototype: return "prototype";
        case Backing::Image: return "image";
        case Backing::File: return "file";
    }
    return "none";
}

namespace {
// A valid page's backing: its frame's use; a private frame's own copy (or none yet).
Backing valid_backing(const PfnEntry& e, const Vad* vad) {
    switch (e.use) {
        case FrameUse::Image: return Backing::Image;
        case FrameUse::File: return Backing::File;
        case FrameUse::PagefileSection: return Backing::Pagefile;
        case FrameUse::Private: break;
        default: return Backing::None;
    }
    // A private copy of an image or view page is backed by the pagefile.
    if (vad && vad->type != VadType::Private) return Backing::Pagefile;
    return SoftwarePte::kind(e.original_pte) == PteKind::Pagefile ? Backing::Pagefile : Backing::DemandZero;
}
}  // namespace

PageDescription MemoryManager::describe_page(uint16_t space, uint32_t va) const {
    return describe_entry(m_tables.pte_info(space, va), vad_at(space, va), va);
}

PageDescription MemoryManager::describe_entry(const PteInfo& entry, const Vad* vad, uint32_t va) const {
    PageDescription d;
    d.entry = entry;
    d.vad = vad;
    const uint32_t pte = d.entry.table_present ? d.entry.pte : 0;
    auto bytes_at = [&](PageBytes where, uint32_t number) {
        d.bytes = where;
        d.where = number;
    };
    switch (SoftwarePte::kind(pte)) {
        case PteKind::Valid:
            // (An entry a debugger wrote may name a frame beyond RAM: then there are no bytes.)
            if (frame_exists(pte >> 12)) {
                d.backing = valid_backing(m_pfn[pte >> 12], d.vad);
                bytes_at(PageBytes::Frame, pte >> 12);
            } else {
                d.backing = Backing::None;
            }
            break;
        case PteKind::Transition:
            d.backing = Backing::Transition;
            if (frame_exists(SoftwarePte::frame(pte))) bytes_at(PageBytes::Frame, SoftwarePte::frame(pte));
            break;
        case PteKind::Pagefile:
            d.backing = Backing::Pagefile;
            if (m_pagefile.in_use(SoftwarePte::slot(pte))) bytes_at(PageBytes::Slot, SoftwarePte::slot(pte));
            break;
        case PteKind::DemandZero:
            d.backing = Backing::DemandZero;
            bytes_at(PageBytes::Zero, 0);
            break;
        case PteKind::Prototype:
            d.backing = Backing::Prototype;
            if (prototype_exists(SoftwarePte::prototype_index(pte))) bytes_at(PageBytes::Prototype, SoftwarePte::prototype_index(pte));
            break;
        case PteKind::Zero:
            // No PTE yet: the VAD decides — a view leads to its section's prototype PTE, a region
            // committed at reservation is demand-zero.
            if (d.vad && d.vad->type == VadType::Mapped) {
                d.backing = Backing::Prototype;
                bytes_at(PageBytes::Prototype, view_proto(*d.vad, va >> 12));
            } else if (d.vad && d.vad->mem_commit) {
                d.backing = Backing::DemandZero;
                bytes_at(PageBytes::Zero, 0);
            }
            break;
        case PteKind::Decommitted: break;
    }
    return d;
}

std::optional<uint8_t> MemoryManager::peek_byte(uint16_t space, uint32_t va) const {
    const PageDescription d = describe_page(space, va);
    switch (d.bytes) {
        case PageBytes::Frame: return m_ram.content(d.where).data()[va & 0xFFF];
        case PageBytes::Slot: return m_pagefile.content(d.where).data()[va & 0xFFF];
        case PageBytes::Zero: return uint8_t(0);
        case PageBytes::Prototype: return peek_prototype(d.where, va & 0xFFF);
        case PageBytes::None: break;
    }
    return std::nullopt;
}

}  // namespace pagelab::mm
