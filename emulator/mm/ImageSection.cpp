// Image sections: the section objects of executable files and their prototype PTEs, image views
// (map_image, unmap_image, their protection), making a shared image page private (copy-on-write
// and the loader's relocations). An image page's fault is resolved by Segment
// (resolve_section_page) and its eviction is PageOut's (evict_section). See mm/Section.h for the
// prototype PTE layouts.
#include <algorithm>

#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

std::optional<uint32_t> MemoryManager::find_image_section(uint32_t file) const {
    for (const ImageSection& s : m_sections)
        if (s.file == file) return s.id;
    return std::nullopt;
}

void MemoryManager::set_views(uint32_t section, uint32_t views) {
    m_journal.record(core::Store::Section, 1, section, m_section_views[section], views);
    m_section_views[section] = views;
}

uint32_t MemoryManager::ensure_image_section(uint32_t file, std::vector<ImagePage> pages) {
    if (auto s = find_image_section(file)) return *s;
    ImageSection sec;
    sec.id = uint32_t(m_sections.size());
    sec.file = file;
    sec.first_proto = uint32_t(m_protos.size());
    sec.pages = std::move(pages);
    sec.bytes = std::make_shared<const std::vector<uint8_t>>(file_through_cache(file));
    event(EventKind::SectionCreated, kNoSpace, sec.id, sec.pages_count(), intern(m_disk.files()[file].path));
    m_section_blobs.push_back(sec);
    m_journal.record(core::Store::Section, 0, sec.id, core::kNoBlob, m_section_blobs.size() - 1);
    for (uint32_t i = 0; i < sec.pages_count(); ++i) m_protos.push_back(SoftwarePte::in_file(i, sec.pages[i].mm_protection));
    m_sections.push_back(std::move(sec));
    m_section_views.push_back(0);
    return m_sections.back().id;
}

const ImageSection& MemoryManager::section_of_proto(uint32_t index) const {
    auto it = std::upper_bound(m_sections.begin(), m_sections.end(), index,
                               [](uint32_t i, const ImageSection& s) { return i < s.first_proto; });
    PL_CHECK(it != m_sections.begin());
    return *(it - 1);
}

uint32_t MemoryManager::proto_protection(uint32_t index) const {
    const uint32_t p = prototype(index);
    if (p & Pte::kPresent) return SoftwarePte::protection(m_pfn[p >> 12].original_pte);
    return SoftwarePte::protection(p);
}

uint32_t MemoryManager::image_protection(const Vad& v, uint32_t vpn) const {
    const uint32_t page = vpn - v.start_vpn;
    if (page < v.own_protection.size() && v.own_protection[page]) return v.own_protection[page] - 1u;
    return proto_protection(m_sections[v.section].first_proto + page);
}

bool MemoryManager::maps_section_page(uint32_t pte) const {
    const PteKind k = SoftwarePte::kind(pte);
    return k == PteKind::Prototype || (k == PteKind::Valid && is_section_use(m_pfn[pte >> 12].use));
}

uint32_t MemoryManager::protection_at(uint16_t space, uint32_t va, uint32_t pte) const {
    if (const Vad* v = vad_at(space, va)) {
        if (v->type == VadType::Image && maps_section_page(pte)) return image_protection(*v, va >> 12);
        if (v->type == VadType::Mapped && (pte == 0 || maps_section_page(pte))) return view_protection(*v, va >> 12);
    }
    return page_protection(pte);
}

// VirtualProtect on image pages (WINDOWS.md "Images"): READWRITE becomes WRITECOPY and
// EXECUTE_READWRITE EXECUTE_WRITECOPY; AllocationProtect does not change. A page still backed by
// the section keeps the new protection as its own (the VAD's own_protection; the shared frame and
// the other processes are untouched); a private copy changes like private memory (a copy is
// already made, so a write-copy protection on it is the read-write one).
Result MemoryManager::protect_image(uint16_t space, const Vad& vad, uint32_t first, uint32_t last, uint32_t mm_prot) {
    uint32_t prot = mm_prot;
    if (vad.type == VadType::Image) {
        if ((prot & 7u) == mmprot::kReadWrite) prot = (prot & ~7u) | mmprot::kWriteCopy;
        else if ((prot & 7u) == mmprot::kExecuteReadWrite) prot = (prot & ~7u) | mmprot::kExecuteWriteCopy;
    }
    const uint32_t old = page_state(space, first << 12).protect;
    event(EventKind::Protected, space, first << 12, (last - first) << 12, to_win32_protection(prot), old);
    const Vad v = vad;
    for (uint32_t vpn = first; vpn < last; ++vpn) protect_section_view_page(space, v, vpn, prot);
    return Result::success(old);
}

// One page of an image or view VAD gets protection prot in this process (VirtualProtect, and
// MEM_COMMIT of a view's committed page): a page backed by the section keeps it as its own and a
// present PTE is rewritten at once, so that the PTE honours what VirtualQuery reports; a private
// copy changes like private memory.
void MemoryManager::protect_section_view_page(uint16_t space, const Vad& v, uint32_t vpn, uint32_t prot) {
    const uint32_t va = vpn << 12;
    const uint32_t pte_address = pte_address_of(space, va);
    const uint32_t pte = m_ram.read_u32(pte_address);
    const bool untouchable = prot == mmprot::kNoAccess || (prot & mmprot::kGuard);
    // A locked page that may not be touched loses its lock (STATUS_WAS_UNLOCKED) first, as a
    // private one does: the changes below then belong to the lock-dropped event, and no event
    // boundary shows a valid PTE whose protection VirtualQuery forbids.
    if (untouchable && SoftwarePte::kind(pte) == PteKind::Valid) drop_lock_for_protection(space, va, pte >> 12);
    if (maps_section_page(pte) || (v.type == VadType::Mapped && pte == 0)) {
        set_own_protection(space, va, prot + 1);
        if (!(pte & Pte::kPresent)) return;
        const uint32_t frame = pte >> 12;
        if (untouchable) {
            // It may not be touched: the process lets go of the shared frame (its PTE refers
            // to the prototype again; the next touch faults and finds the guard or NOACCESS).
            if (pte & Pte::kDirty) m_pfn.set_modified(frame, true);
            write_pte(pte_address, v.type == VadType::Mapped ? 0u
                                                             : SoftwarePte::prototype(m_sections[v.section].first_proto + (vpn - v.start_vpn)));
            m_pfn.set_share_count(frame, m_pfn[frame].share_count - 1);
        } else {
            write_pte(pte_address, valid_pte_bits(frame, prot) | (pte & (Pte::kAccessed | Pte::kDirty)));
        }
        invalidate_page(space, va);
        return;
    }
    // A private copy (valid, transition or in the pagefile).
    const uint32_t own = writable_variant(prot);
    if (SoftwarePte::kind(pte) == PteKind::Valid && untouchable) {
        // As private memory (protect_valid_page): out of the working set first, then the new
        // protection on its transition PTE.
        const uint32_t frame = pte >> 12;
        trim_frame(frame);
        set_own_protection(space, va, 0);
        m_pfn.set_original_pte(frame, SoftwarePte::with_protection(m_pfn[frame].original_pte, own));
        write_pte(pte_address, SoftwarePte::transition(frame, own));
        return;
    }
    set_own_protection(space, va, 0);
    if (SoftwarePte::kind(pte) == PteKind::Valid) {
        const uint32_t frame = pte >> 12;
        m_pfn.set_original_pte(frame, SoftwarePte::with_protection(m_pfn[frame].original_pte, own));
        write_pte(pte_address, valid_pte_bits(frame, own) | (pte & (Pte::kAccessed | Pte::kDirty)));
        invalidate_page(space, va);
    } else {
        write_pte(pte_address, SoftwarePte::with_protection(pte, own));
    }
}


std::optional<uint8_t> MemoryManager::peek_prototype(uint32_t index, uint32_t offset) const {
    if (is_data_proto(index)) return peek_data_prototype(index, offset);
    const uint32_t p = m_protos[index];
    if (p & Pte::kPresent) return m_ram.content(p >> 12).data()[offset & 0xFFF];
    if (SoftwarePte::kind(p) == PteKind::Pagefile) return m_pagefile.content(SoftwarePte::slot(p)).data()[offset & 0xFFF];
    const ImageSection& sec = section_of_proto(index);
    const ImagePage& pg = sec.pages[index - sec.first_proto];
    if ((offset & 0xFFF) >= pg.file_bytes) return uint8_t(0);
    const std::vector<uint8_t>& bytes = sec.bytes ? *sec.bytes : m_disk.files()[sec.file].bytes;
    const size_t at = size_t(pg.file_offset) + (offset & 0xFFF);
    return at < bytes.size() ? bytes[at] : uint8_t(0);
}

Result MemoryManager::map_image(uint16_t space, uint32_t section, uint32_t base) {
    const AddressSpace& sp = m_spaces[space];
    const ImageSection& sec = m_sections[section];
    const uint32_t pages = sec.pages_count();
    // win95: a base in the shared arena (a system DLL) maps the image once for every process.
    const bool shared = in_shared_arena(space, base);
    const uint32_t end = shared ? sp.layout().shared_end : sp.layout().user_end;
    if ((base & 0xFFFF) || base < sp.layout().alloc_lowest || uint64_t(base) + (uint64_t(pages) << 12) > end)
        return Result::failure(Error::InvalidAddress);
    if (shared) {
        // Mapped already by another process: this one just becomes a user of it.
        const Vad* there = find_vad_in(m_shared.vads(), base);
        if (there && there->type == VadType::Image && there->section == section && there->base() == base)
            return add_shared_user(space, base);
    }
    if (!range_is_free_for(space, base >> 12, (base >> 12) + pages)) return Result::failure(Error::InvalidAddress);
    if (!ensure_page_tables(space, base >> 12, (base >> 12) + pages)) return Result::failure(Error::NotEnoughMemory);
    // Windows 95 maps the pages of a running image that are already in RAM at once.
    const bool w95 = sp.personality() == Personality::Win95;
    uint32_t resident = 0;
    if (w95)
        for (uint32_t i = 0; i < pages; ++i)
            if (m_protos[sec.first_proto + i] & Pte::kPresent) ++resident;
    event(EventKind::ImageMapped, space, base, pages << 12, intern(m_disk.files()[sec.file].path), resident);
    Vad v{base >> 12, (base >> 12) + pages, VadType::Image, page::kExecuteWriteCopy, false};
    v.section = section;
    if (shared) v.users = {space};
    insert_vad(space, v);
    set_views(section, m_section_views[section] + 1);
    for (uint32_t i = 0; i < pages; ++i) {
        const uint32_t index = sec.first_proto + i;
        const uint32_t pte_address = pte_address_of(space, base + (i << 12));
        const uint32_t proto = m_protos[index];
        if (w95 && (proto & Pte::kPresent)) {
            const uint32_t frame = proto >> 12;
            write_pte(pte_address, valid_pte_bits(frame, proto_protection(index)));
            m_pfn.set_share_count(frame, m_pfn[frame].share_count + 1);
        } else {
            write_pte(pte_address, SoftwarePte::prototype(index));
        }
    }
    return Result::success(base);
}

uint32_t MemoryManager::image_private_pages(uint16_t space, const Vad& v) const {
    uint32_t n = 0;
    for (uint32_t vpn = v.start_vpn; vpn < v.end_vpn; ++vpn) {
        const uint32_t pte_address = pte_address_of(space, vpn << 12);
        const uint32_t pte = pte_address ? m_ram.read_u32(pte_address) : 0;
        const PteKind k = SoftwarePte::kind(pte);
        if (k == PteKind::Zero || k == PteKind::Prototype) continue;
        if (k == PteKind::Valid && is_section_use(m_pfn[pte >> 12].use)) continue;
        ++n;
    }
    return n;
}

void MemoryManager::free_section_pages(uint32_t section) {
    const ImageSection& sec = m_sections[section];
    uint32_t freed = 0;
    for (uint32_t i = 0; i < sec.pages_count(); ++i)
        if (m_protos[sec.first_proto + i] != SoftwarePte::in_file(i, sec.pages[i].mm_protection)) ++freed;
    if (!freed) return;
    uint32_t frames = 0;
    for (uint32_t i = 0; i < sec.pages_count(); ++i)
        if (m_protos[sec.first_proto + i] & Pte::kPresent) ++frames;
    event(EventKind::SectionPagesFreed, kNoSpace, intern(m_disk.files()[sec.file].path), frames);
    for (uint32_t i = 0; i < sec.pages_count(); ++i) {
        const uint32_t index = sec.first_proto + i;
        const uint32_t p = m_protos[index];
        uint32_t sw = p;
        if (p & Pte::kPresent) {
            sw = m_pfn[p >> 12].original_pte;
            release_frame(p >> 12);
        }
        if (SoftwarePte::kind(sw) == PteKind::Pagefile) m_pagefile.release(SoftwarePte::slot(sw));
        set_proto(index, SoftwarePte::in_file(i, sec.pages[i].mm_protection));
    }
}

Result MemoryManager::unmap_image(uint16_t space, uint32_t base) {
    const Vad* found = vad_at(space, base);
    if (!found || found->type != VadType::Image || found->base() != base) return Result::failure(Error::InvalidAddress);
    // A shared-arena image loses this user; the last one takes it down (teardown_image).
    if (in_shared_arena(space, base)) return drop_shared_user(space, base);
    teardown_image(space, *found);
    return Result::success();
}

void MemoryManager::teardown_image(uint16_t space, const Vad& vad) {
    const Vad v = vad;
    const ImageSection& sec = m_sections[v.section];
    event(EventKind::ImageUnmapped, space, v.base(), v.size(), intern(m_disk.files()[sec.file].path));
    for (uint32_t vpn = v.start_vpn; vpn < v.end_vpn; ++vpn) unmap_view_page(space, vpn << 12, true);
    erase_vad(space, v);
    // The last view gone: the section's frames and slots are freed within their own event, and
    // the view count drops with them, so that every event boundary is consistent.
    const uint32_t views = m_section_views[v.section] - 1;
    if (views == 0) free_section_pages(v.section);
    set_views(v.section, views);
    // A view made by MapViewOfFile(SEC_IMAGE) drops its mapping object's reference with it.
    if (v.mapping != 0xFFFFFFFFu) mapping_ref(v.mapping, 0, -1);
    free_empty_page_tables(space, v.start_vpn, v.end_vpn);
}

MemoryManager::Privatized MemoryManager::privatize(uint16_t space, uint32_t va, uint32_t pte_address, uint32_t pte,
                                                   uint32_t new_protection, const std::function<void(uint32_t)>& announce) {
    const uint32_t shared = pte >> 12;
    if (!charge_fits(space, 1)) return Privatized{Privatized::NoFrame, kNoFrame};
    // The page being copied must not be the victim of the search for its copy's frame.
    const uint8_t flags = m_pfn[shared].flags;
    m_pfn.set_flags(shared, flags | PfnEntry::kLocked);
    const uint32_t frame = obtain_frame(Need::Any, space);
    m_pfn.set_flags(shared, flags);
    if (frame == kNoFrame) return Privatized{Privatized::NoFrame, kNoFrame};
    if (m_ram.read_u32(pte_address) != pte && (m_ram.read_u32(pte_address) >> 12) != shared) {
        // Finding a frame evicted the very page being copied: give the frame back, fault again.
        release_frame(frame);
        return Privatized{Privatized::Retry, kNoFrame};
    }
    announce(frame);
    m_ram.set_content(frame, m_ram.content(shared), core::kInFrame | shared, vacated_place(frame));
    invalidate_page(space, va);
    m_pfn.set_share_count(shared, m_pfn[shared].share_count - 1);
    add(Counter::CommitCharge);
    map_private(space, pte_address, frame, new_protection, SoftwarePte::demand_zero(new_protection), false);
    m_pfn.set_modified(frame, true);  // its content exists nowhere else: it must go to the pagefile
    lock_moved_to_copy(space, va, shared, frame);  // a locked page's lock goes to its copy
    return Privatized{Privatized::Done, frame};
}

AccessResult MemoryManager::relocate_image_page(uint16_t space, uint32_t va, const std::vector<uint32_t>& offsets,
                                                uint32_t delta) {
    switch_to(space);
    for (int attempt = 0; attempt < 3; ++attempt) {
        AccessResult r = access_page(space, va, 1, x86::Access::Read, 0, x86::Mode::Kernel);
        if (!r.ok()) return r;
        const uint32_t pte_address = pte_address_of(space, va);
        const uint32_t pte = m_ram.read_u32(pte_address);
        uint32_t frame = pte >> 12;
        auto announce = [&](uint32_t f) { event(EventKind::Relocated, space, va & ~0xFFFu, f, uint32_t(offsets.size()), delta); };
        if (m_pfn[frame].use == FrameUse::Image) {
            const Privatized copy =
                privatize(space, va, pte_address, pte, writable_variant(protection_at(space, va, pte)), announce);
            if (copy.status == Privatized::Retry) continue;
            if (copy.status == Privatized::NoFrame) {
                r.status = AccessStatus::OutOfMemory;
                return r;
            }
            frame = copy.frame;
            // The loader's write to a write-copy view of the image is a copy-on-write fault.
            add(Counter::CowFaults);
            r.faults |= 1u << uint32_t(FaultKind::CopyOnWrite);
        } else {
            announce(frame);
        }
        for (uint32_t off : offsets) {
            const uint32_t pa = (frame << 12) | (off & 0xFFC);
            m_ram.write(pa, 4, m_ram.read(pa, 4) + delta);
        }
        m_pfn.set_modified(frame, true);
        return r;
    }
    AccessResult r;
    r.status = AccessStatus::OutOfMemory;
    return r;
}

}  // namespace pagelab::mm
