// Page out (NT: the modified page writer, working-set trimming and MiReclaimAllPages' cousins):
// what frees a frame when the free and zeroed lists are empty (reclaim, FrameAllocator's
// Reclaimer): a standby page repurposed, modified pages written to the pagefile, a batch of pages
// trimmed (ws), or the policy's victim evicted. A page that leaves memory and must keep its bytes
// goes to one pagefile slot, chosen in one place (pick_slot): the slot it came from, else the
// lowest free one. A section's frame is evicted through its prototype PTE: every PTE mapping it
// (Segment's section_mappings) refers to the prototype again.
#include <algorithm>

#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

MemoryManager::SlotChoice MemoryManager::pick_slot(uint32_t original_pte, bool needed) const {
    const uint32_t existing = SoftwarePte::kind(original_pte) == PteKind::Pagefile ? SoftwarePte::slot(original_pte) : 0;
    if (existing || !needed) return SlotChoice{existing, false};
    const uint32_t slot = m_pagefile.lowest_free();
    return SlotChoice{slot, slot != 0};
}

void MemoryManager::write_to_slot(uint32_t frame, SlotChoice choice) {
    if (choice.fresh) m_pagefile.allocate();
    m_pagefile.write(choice.slot, m_ram.content(frame), core::kInFrame | frame);
    add(Counter::PagefileWrites);
}

bool MemoryManager::evict(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    const PteAddress pte_address = e.pte_address();
    const uint32_t pte = m_ram.read_u32(pte_address);
    const uint32_t va = va_of_pte(pte_address);
    const uint32_t prot = SoftwarePte::protection(e.original_pte);
    const bool dirty = (pte & Pte::kDirty) || (e.flags & PfnEntry::kModified);
    const SlotChoice slot = pick_slot(e.original_pte, dirty);
    if (dirty && slot.slot == 0) return false;  // dirty with nowhere to go: the caller tries another page
    event(EventKind::VictimChosen, e.owner, va, frame, uint32_t(m_config.policy));
    uint32_t new_pte;
    if (dirty) {
        event(EventKind::PagefileWrite, e.owner, va, frame, slot.slot);
        write_to_slot(frame, slot);
        new_pte = SoftwarePte::pagefile(slot.slot, prot);
    } else {
        event(EventKind::PageDropped, e.owner, va, frame, slot.slot);
        new_pte = SoftwarePte::with_protection(e.original_pte, prot);
    }
    note_vacated(frame, slot.slot);
    write_pte(pte_address, new_pte);
    invalidate_page(e.owner, va);
    unuse_frame(frame);
    add(Counter::Evictions);
    return true;
}

void MemoryManager::unmap_section_frame(uint32_t frame, const FrameMappings& maps, uint32_t new_proto) {
    const uint32_t index = m_pfn[frame].proto_index().raw();
    for (const auto& [s, pa] : maps) {
        write_pte(pa, SoftwarePte::prototype(index));
        invalidate_page(s, va_of_pte(pa));
    }
    set_proto(index, new_proto);
    unuse_frame(frame);
    add(Counter::Evictions);
}

bool MemoryManager::evict_section(uint32_t frame) {
    if (m_pfn[frame].use != FrameUse::Image) return evict_data(frame);
    const PfnEntry e = m_pfn[frame];
    const uint32_t index = e.proto_index().raw();
    const ImageSection& sec = section_of_proto(index);
    const uint32_t page = index - sec.first_proto;
    const FrameMappings maps = section_mappings(frame);
    bool dirty = e.flags & PfnEntry::kModified;
    for (const auto& [s, pa] : maps) dirty = dirty || (m_ram.read_u32(pa) & Pte::kDirty);
    // Only a SHARED writable page keeps what was written to it (in the pagefile); any other image
    // page is backed by its file, so a change (the kernel debugger's) is simply lost.
    const bool keep = dirty && sec.pages[page].shared;
    const SlotChoice slot = pick_slot(e.original_pte, keep);
    if (keep && slot.slot == 0) return false;
    event(EventKind::VictimChosen, maps.empty() ? kNoSpace : maps.front().first,
          maps.empty() ? sec.pages[page].rva : va_of_pte(maps.front().second), frame, uint32_t(m_config.policy),
          maps.empty() ? kVictimImagePage : kVictimMapped);
    const uint32_t name = intern(m_disk.files()[sec.file].path);
    uint32_t new_proto = e.original_pte;
    if (keep) {
        event(EventKind::ImagePageDropped, kNoSpace, sec.pages[page].rva, frame, slot.slot, name);
        write_to_slot(frame, slot);
        note_vacated(frame, slot.slot);
        new_proto = SoftwarePte::pagefile(slot.slot, SoftwarePte::protection(e.original_pte));
    } else {
        event(EventKind::ImagePageDropped, kNoSpace, sec.pages[page].rva, frame, 0, name);
    }
    unmap_section_frame(frame, maps, new_proto);
    return true;
}

// A data section's frame chosen by the replacement policy: a dirty file page goes back to its
// file (never to the pagefile), a dirty pagefile-backed page to a pagefile slot; a clean page is
// dropped. Every PTE mapping it refers to the prototype PTE again.
bool MemoryManager::evict_data(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    const ProtoIndex index = e.proto_index();
    const uint32_t section = index.data_section(), page = index.data_page();
    const DataSection& s = m_data_sections[section];
    const FrameMappings maps = section_mappings(frame);
    const bool dirty = page_is_dirty(frame);
    const bool to_pagefile = s.kind == DataSectionKind::Pagefile && dirty;
    const SlotChoice slot = to_pagefile ? pick_slot(e.original_pte, true) : SlotChoice{0, false};
    if (to_pagefile && slot.slot == 0) return false;  // dirty with nowhere to go: the caller tries another page
    event(EventKind::VictimChosen, maps.empty() ? kNoSpace : maps.front().first,
          maps.empty() ? page : va_of_pte(maps.front().second), frame, uint32_t(m_config.policy),
          maps.empty() ? (section << 2 | kVictimDataPage) : kVictimMapped);
    uint32_t new_proto = e.original_pte;
    if (s.kind == DataSectionKind::File) {
        if (dirty) write_back(frame, WriteBack::Eviction);
        else event(EventKind::DataPageDropped, kNoSpace, page, frame, 0, section);
        new_proto = SoftwarePte::in_file(page, s.mm_protection);
    } else if (dirty) {
        event(EventKind::DataPageDropped, kNoSpace, page, frame, slot.slot, section);
        write_to_slot(frame, slot);
        note_vacated(frame, slot.slot);
        new_proto = SoftwarePte::pagefile(slot.slot, s.mm_protection);
    } else {
        event(EventKind::DataPageDropped, kNoSpace, page, frame, 0, section);
    }
    unmap_section_frame(frame, maps, new_proto);
    return true;
}

void MemoryManager::trim_frame(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    const PteAddress pte_address = e.pte_address();
    const uint32_t pte = m_ram.read_u32(pte_address);
    const uint32_t va = va_of_pte(pte_address);
    const uint32_t prot = SoftwarePte::protection(e.original_pte);
    const bool dirty = (pte & Pte::kDirty) || (e.flags & PfnEntry::kModified);
    const FrameList to = dirty ? FrameList::Modified : FrameList::Standby;
    event(EventKind::PageTrimmed, e.owner, va, frame, uint32_t(to));
    write_pte(pte_address, SoftwarePte::transition(frame, prot));
    invalidate_page(e.owner, va);
    m_pfn.remove(frame);
    if (dirty) m_pfn.set_modified(frame, true);
    m_pfn.set_share_count(frame, 0);
    m_pfn.set_state(frame, dirty ? FrameState::Modified : FrameState::Standby);
    m_pfn.push_back(to, frame);
}

void MemoryManager::repurpose_standby(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    const PteAddress pte_address = e.pte_address();
    const uint32_t pte = m_ram.read_u32(pte_address);
    const uint32_t va = va_of_pte(pte_address);
    event(EventKind::PageRepurposed, e.owner, va, frame);
    note_vacated(frame, pick_slot(e.original_pte, false).slot);
    write_pte(pte_address, SoftwarePte::with_protection(e.original_pte, SoftwarePte::protection(pte)));
    unuse_frame(frame);  // (its share count is already 0)
    m_pfn.set_state(frame, FrameState::Active);  // in hand (see obtain_frame)
}

bool MemoryManager::write_modified(uint32_t frame) {
    const PfnEntry e = m_pfn[frame];
    const SlotChoice slot = pick_slot(e.original_pte, true);
    if (slot.slot == 0) return false;
    event(EventKind::ModifiedWritten, e.owner, va_of_pte(e.pte_address()), frame, slot.slot);
    write_to_slot(frame, slot);
    m_pfn.set_original_pte(frame, SoftwarePte::pagefile(slot.slot, SoftwarePte::protection(e.original_pte)));
    m_pfn.set_modified(frame, false);
    m_pfn.remove(frame);
    m_pfn.set_state(frame, FrameState::Standby);
    m_pfn.push_back(FrameList::Standby, frame);
    return true;
}

FrameNumber MemoryManager::reclaim(SpaceId for_space) {
    (void)for_space;
    for (int round = 0; round < 3; ++round) {
        if (m_pfn.list(FrameList::Standby).count) {
            const uint32_t f = m_pfn.list(FrameList::Standby).first;
            repurpose_standby(f);
            return FrameNumber(f);
        }
        // The modified page writer: oldest modified pages go to the pagefile, then to standby.
        bool wrote = false;
        while (m_pfn.list(FrameList::Modified).count) {
            if (!write_modified(m_pfn.list(FrameList::Modified).first)) break;
            wrote = true;
            if (m_config.policy != Policy::WorkingSet) break;
        }
        if (wrote) continue;
        if (m_config.policy == Policy::WorkingSet) {
            // Working-set trimming: age pages with the clock and move a batch to standby/modified;
            // the oldest standby page is then repurposed, the rest can still be soft-faulted back.
            const uint32_t batch = std::max<uint32_t>(1, m_pfn.size() / 16);
            std::vector<uint32_t> tried;
            uint32_t trimmed = 0;
            while (trimmed < batch) {
                const uint32_t v = m_policy.choose_victim(tried);
                if (v == kNoFrame) break;
                if (is_section_use(m_pfn[v].use)) {
                    // Shared section pages are not trimmed to standby here: they are dropped at once.
                    if (evict_section(v)) return FrameNumber(v);
                    tried.push_back(v);
                    continue;
                }
                trim_frame(v);
                ++trimmed;
            }
            if (trimmed == 0) break;
            continue;
        }
        std::vector<uint32_t> tried;
        for (;;) {
            const uint32_t v = m_policy.choose_victim(tried);
            if (v == kNoFrame) return FrameNumber::none();
            if (is_section_use(m_pfn[v].use) ? evict_section(v) : evict(v)) return FrameNumber(v);
            tried.push_back(v);  // dirty and the pagefile is full: try another page
        }
    }
    return FrameNumber::none();
}

void MemoryManager::trim(uint16_t space) {
    std::vector<uint32_t> frames;
    for (uint32_t f = m_pfn.list(FrameList::Active).first; f != kNoFrame; f = m_pfn[f].flink)
        if (m_pfn[f].owner == space && !(m_pfn[f].flags & PfnEntry::kWsLocked)) frames.push_back(f);  // VirtualLock's stay
    std::sort(frames.begin(), frames.end(), [&](uint32_t a, uint32_t b) {
        return m_pfn[a].pte_address() < m_pfn[b].pte_address();
    });
    for (uint32_t f : frames) trim_frame(f);
}

}  // namespace pagelab::mm
