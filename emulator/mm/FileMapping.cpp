// File mapping objects and views: CreateFileMapping / OpenFileMapping, MapViewOfFile,
// UnmapViewOfFile, FlushViewOfFile, and committing or protecting a view's pages. The data
// sections behind the objects are in mm/DataSection.cpp; a view's page faults in mm/PageFault.cpp
// (view_fault) and mm/Segment.cpp. See mm/Section.h for the prototype PTE states and WINDOWS.md
// "File mappings and views" for the rules reproduced.
//
// A view is a VAD of type MEM_MAPPED whose PTEs start zero — "ask the VAD", as NT leaves them —
// and are built on the first touch from the section's prototype PTE: the page is read from the
// file (file-read fault), zero-filled (a pagefile-backed page never touched), read back from the
// pagefile, or found already in a frame (soft fault). Every view of the section, in every
// process, and ReadFile/WriteFile use that one frame.
#include <algorithm>
#include <cstring>

#include "mm/Invariants.h"
#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

// The objects agree with each other: every mapping object counts its handles (HandleTable's
// check counts them) and views, every view fits its section and names its own mapping object,
// every data section counts its views and mapping objects, and a live mapping object's data
// section is alive.
void MemoryManager::check_objects(InvariantReport& report) const {
    const auto& mappings = m_mappings;
    const auto& sections = m_data_sections;
    const std::vector<uint32_t> handle_refs = m_handles.check(report, uint32_t(mappings.size()), uint32_t(files().size()));
    std::vector<uint32_t> view_refs(mappings.size(), 0);
    std::vector<uint32_t> section_views(sections.size(), 0), section_maps(sections.size(), 0);
    std::vector<const Vad*> views;
    for (const AddressSpace& sp : m_spaces)
        if (sp.alive())
            for (const auto& [k, v] : sp.vads()) views.push_back(&v);
    for (const auto& [k, v] : shared_vads()) views.push_back(&v);  // once, whoever uses them
    for (const Vad* vp : views) {
        const Vad& v = *vp;
        if (v.type == VadType::Image && v.mapping != 0xFFFFFFFFu) {
            if (v.mapping >= mappings.size() || mappings[v.mapping].image_section != v.section)
                report.fail("the image view at 0x%08X names a mapping object of another image", v.base());
            else ++view_refs[v.mapping];
            continue;
        }
        if (v.type != VadType::Mapped) continue;
        if (v.mapping >= mappings.size() || mappings[v.mapping].section != v.section ||
            v.offset_page + (v.end_vpn - v.start_vpn) > sections[v.section].pages) {
            report.fail("the view at 0x%08X does not fit its section", v.base());
            continue;
        }
        ++view_refs[v.mapping];
        ++section_views[v.section];
    }
    for (const MappingObject& m : mappings) {
        if (m.handles != handle_refs[m.id] || m.views != view_refs[m.id])
            report.fail("mapping object %u counts %u handles and %u views", m.id, m.handles, m.views);
        if (!m.alive() || m.image()) continue;
        ++section_maps[m.section];
        if (!sections[m.section].alive) report.fail("mapping object %u uses data section %u, which is gone", m.id, m.section);
    }
    for (const DataSection& s : sections)
        if (s.views != section_views[s.id] || s.mappings != section_maps[s.id])
            report.fail("data section %u counts %u views and %u mapping objects", s.id, s.views, s.mappings);
}

namespace {

// CreateFileMapping's accepted protections (WINDOWS.md): READONLY, READWRITE, WRITECOPY,
// EXECUTE_READ, EXECUTE_READWRITE, EXECUTE_WRITECOPY; win95 also takes NOACCESS.
bool valid_mapping_protection(uint32_t p, bool w95) {
    switch (p) {
        case page::kReadOnly:
        case page::kReadWrite:
        case page::kWriteCopy:
        case page::kExecuteRead:
        case page::kExecuteReadWrite:
        case page::kExecuteWriteCopy: return true;
        case page::kNoAccess: return w95;
        default: return false;
    }
}
bool mapping_is_writable(uint32_t p) { return p == page::kReadWrite || p == page::kExecuteReadWrite; }
bool mapping_is_executable(uint32_t p) {
    return p == page::kExecuteRead || p == page::kExecuteReadWrite || p == page::kExecuteWriteCopy;
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// CreateFileMapping, OpenFileMapping

Result MemoryManager::create_file_mapping(uint16_t space, uint32_t file_handle, uint32_t protect, uint64_t size,
                                          uint32_t flags, const std::string& name) {
    const bool w95 = m_spaces[space].personality() == Personality::Win95;
    if (!valid_mapping_protection(protect, w95)) return Result::failure(Error::InvalidParameter);
    if ((flags & sec::kReserve) && (flags & sec::kCommit)) return Result::failure(Error::InvalidParameter);
    if (flags & ~(sec::kReserve | sec::kCommit | sec::kFile | sec::kNoCache | sec::kLargePages))
        return Result::failure(Error::InvalidParameter);
    if (auto e = check_section_flags(w95, flags)) return Result::failure(*e);
    if (w95) flags &= ~sec::kNoCache;  // Windows 95 keeps no caching attribute per mapping
    const HandleEntry* file_entry = nullptr;
    if (file_handle != 0 && file_handle != kInvalidHandleValue) {
        file_entry = find_handle(space, file_handle);
        if (!file_entry || file_entry->kind != HandleKind::File) return Result::failure(Error::InvalidHandle);
    }
    // An existing name: a new handle to that object, and ERROR_ALREADY_EXISTS (names are
    // case-sensitive; a name lives while its object has a handle).
    if (!name.empty()) {
        for (const MappingObject& m : m_mappings)
            if (m.handles != 0 && m.name == name) return reopen_named_mapping(space, m);
    }
    const uint32_t mm_prot = *to_mm_protection(protect == page::kNoAccess ? page::kReadOnly : protect);
    uint32_t section;
    uint64_t bytes = size;
    if (file_entry) {
        const uint32_t file = file_entry->object;
        const bool rw = mapping_is_writable(protect);
        // The file's access must allow the protection: read for every one, write too for read-write,
        // execute (FILE_EXECUTE, from GENERIC_EXECUTE) too for an execute protection.
        if (!(file_entry->access & generic::kRead) || (rw && !(file_entry->access & generic::kWrite)) ||
            (mapping_is_executable(protect) && !(file_entry->access & generic::kExecute)))
            return Result::failure(Error::AccessDenied);
        const uint64_t file_size = m_disk.files()[file].bytes.size();
        if (bytes == 0) {
            if (file_size == 0) return Result::failure(Error::FileInvalid);  // STATUS_MAPPED_FILE_SIZE_ZERO
            bytes = file_size;
        }
        if (bytes > 0xFFFFFFFFull || round_up(bytes, 0x1000) / 0x1000 > kDataProtoStride) return Result::failure(Error::NotEnoughMemory);
        if (bytes > file_size && !rw) return Result::failure(Error::NotEnoughMemory);  // STATUS_SECTION_TOO_BIG
        const uint32_t pages = uint32_t(round_up(bytes, 0x1000) >> 12);
        if (bytes > file_size) {
            // A read-write mapping larger than its file grows the file to the mapping's size.
            event(EventKind::FileSizeSet, space, intern(m_disk.files()[file].path), uint32_t(file_size), uint32_t(bytes));
            file_resize(file, uint32_t(bytes));
        }
        if (auto existing = find_data_section(file)) {
            section = *existing;
            grow_data_section(section, pages);
        } else {
            section = create_data_section(DataSectionKind::File, file, pages, mm_prot, false);
        }
    } else {
        // Backed by the pagefile: whole pages, and committed (charged) unless SEC_RESERVE.
        if (bytes == 0) return Result::failure(Error::InvalidParameter);
        bytes = round_up(bytes, 0x1000);
        if (bytes > 0xFFFFFFFFull || (bytes >> 12) > kDataProtoStride) return Result::failure(Error::NotEnoughMemory);
        const uint32_t pages = uint32_t(bytes >> 12);
        const bool reserve = flags & sec::kReserve;
        if (!reserve && !charge_fits(space, pages)) return Result::failure(Error::CommitmentLimit);
        section = create_data_section(DataSectionKind::Pagefile, kNoFile, pages, mm_prot, reserve);
    }
    MappingObject m;
    m.id = uint32_t(m_mappings.size());
    m.section = section;
    m.protect = protect;
    m.size = bytes;
    m.flags = flags;
    m.name = name;
    m.handles = 1;
    const uint32_t h = lowest_free_handle(space);
    event(EventKind::MappingCreated, space, m.id, h, name.empty() ? kNoString : intern(name), uint32_t(bytes));
    put_mapping(m);
    DataSection s = m_data_sections[section];
    ++s.mappings;
    put_data_section(s);
    const HandleEntry e{HandleKind::Mapping, m.id, filemap::kAllAccess};
    put_handle(space, h, &e);
    return Result::success(h);
}

// CreateFileMapping of a name that exists: a new handle to that object, ERROR_ALREADY_EXISTS.
Result MemoryManager::reopen_named_mapping(uint16_t space, const MappingObject& m) {
    const uint32_t h = lowest_free_handle(space);
    event(EventKind::MappingOpened, space, m.id, h, intern(m.name), 1);
    const HandleEntry e{HandleKind::Mapping, m.id, filemap::kAllAccess};
    put_handle(space, h, &e);
    mapping_ref(m.id, +1, 0);
    Result r = Result::success(h);
    r.error = Error::AlreadyExists;
    return r;
}

std::optional<uint32_t> MemoryManager::find_named_mapping(const std::string& name) const {
    if (name.empty()) return std::nullopt;
    for (const MappingObject& m : m_mappings)
        if (m.handles > 0 && m.name == name) return m.id;
    return std::nullopt;
}

Result MemoryManager::create_image_mapping(uint16_t space, uint32_t file_handle, uint32_t image_section,
                                           uint32_t image_base, const std::string& name) {
    const HandleEntry* f = find_handle(space, file_handle);
    if (!f || f->kind != HandleKind::File) return Result::failure(Error::InvalidHandle);
    if (!(f->access & generic::kRead)) return Result::failure(Error::AccessDenied);
    MappingObject m;
    m.id = uint32_t(m_mappings.size());
    m.section = kNoSection;
    m.protect = page::kExecuteWriteCopy;
    m.size = uint64_t(m_sections[image_section].pages_count()) << 12;
    m.flags = sec::kImage;
    m.name = name;
    m.handles = 1;
    m.image_section = image_section;
    m.image_base = image_base;
    const uint32_t h = lowest_free_handle(space);
    event(EventKind::MappingCreated, space, m.id, h, name.empty() ? kNoString : intern(name), uint32_t(m.size));
    put_mapping(m);
    const HandleEntry e{HandleKind::Mapping, m.id, filemap::kAllAccess};
    put_handle(space, h, &e);
    return Result::success(h);
}

Result MemoryManager::open_file_mapping(uint16_t space, uint32_t access, const std::string& name) {
    const bool w95 = m_spaces[space].personality() == Personality::Win95;
    if (access == 0) return Result::failure(Error::InvalidParameter);
    // kernel32's OpenFileMapping asks for SECTION_MAP_READ when it is given exactly FILE_MAP_COPY.
    if (access == filemap::kCopy) access = filemap::kRead;
    for (const MappingObject& m : m_mappings) {
        if (m.handles == 0 || name.empty() || m.name != name) continue;
        const uint32_t h = lowest_free_handle(space);
        event(EventKind::MappingOpened, space, m.id, h, intern(name), 0);
        const HandleEntry e{HandleKind::Mapping, m.id, access};
        put_handle(space, h, &e);
        mapping_ref(m.id, +1, 0);
        return Result::success(h);
    }
    return Result::failure(w95 ? Error::InvalidName : Error::FileNotFound);
}

// ---------------------------------------------------------------------------------------------
// Views

uint32_t MemoryManager::view_protection(const Vad& v, uint32_t vpn) const {
    const uint32_t page = vpn - v.start_vpn;
    if (page < v.own_protection.size() && v.own_protection[page]) return v.own_protection[page] - 1u;
    return *to_mm_protection(v.allocation_protect);
}

Result MemoryManager::map_view(uint16_t space, uint32_t mapping_handle, uint32_t access, uint32_t offset, uint32_t size,
                               uint32_t address) {
    const AddressSpace& sp = m_spaces[space];
    const HandleEntry* h = find_handle(space, mapping_handle);
    if (!h || h->kind != HandleKind::Mapping) return Result::failure(Error::InvalidHandle);
    const MappingObject& m = m_mappings[h->object];
    if (access & ~filemap::kAllAccess) return Result::failure(Error::InvalidParameter);
    // kernel32's MapViewOfFileEx: exactly FILE_MAP_COPY is a copy-on-write view; else write, then
    // read; no access at all (0) is a NOACCESS view (Wine test_MapViewOfFile: it succeeds).
    uint32_t protect = view_protection_for(access);
    if (protect == 0) return Result::failure(Error::InvalidParameter);  // FILE_MAP_EXECUTE: not modelled
    // The view's access against the mapping's protection and the handle's access, right by right
    // (Wine test_MapViewOfFile): a READWRITE view needs SECTION_MAP_WRITE, any other view
    // SECTION_MAP_READ - a handle opened with FILE_MAP_WRITE alone maps no FILE_MAP_READ view.
    // Windows 95 does not check the handle's access.
    const bool w95 = sp.personality() == Personality::Win95;
    // Windows 95 (Wine test_MapViewOfFile's win9x branches): a NOACCESS mapping takes a
    // FILE_MAP_READ view only, and a FILE_MAP_COPY view needs a WRITECOPY mapping; the others are
    // ERROR_INVALID_PARAMETER.
    if (w95 && ((m.protect == page::kNoAccess && protect != page::kReadOnly) ||
                (protect == page::kWriteCopy && m.protect != page::kWriteCopy && !m.image())))
        return Result::failure(Error::InvalidParameter);
    if (protect == page::kReadWrite && !mapping_is_writable(m.protect)) return Result::failure(Error::AccessDenied);
    if (!w95 && !(h->access & (protect == page::kReadWrite ? filemap::kWrite : filemap::kRead)))
        return Result::failure(Error::AccessDenied);
    if (m.protect == page::kNoAccess && !w95) return Result::failure(Error::AccessDenied);
    // SEC_NOCACHE: every page of the view is also PAGE_NOCACHE (its PTEs get PCD).
    if ((m.flags & sec::kNoCache) && protect != page::kNoAccess) protect |= page::kNoCache;
    if (m.image()) {
        if (sp.personality() == Personality::Nt && address >= sp.layout().user_end) return Result::failure(Error::InvalidParameter);
        return map_image_view(space, m, offset, address);
    }
    if (offset % kAllocationGranularity || address % kAllocationGranularity) return Result::failure(Error::MappedAlignment);
    // STATUS_INVALID_VIEW_SIZE: the view must lie inside the section.
    if (offset >= m.size) return Result::failure(Error::AccessDenied);
    const uint64_t bytes = size == 0 ? m.size - offset : size;
    if (uint64_t(offset) + bytes > m.size) return Result::failure(Error::AccessDenied);
    const uint32_t pages = uint32_t(round_up(bytes, 0x1000) >> 12);
    const Layout& lay = sp.layout();
    if (sp.personality() == Personality::Win95) return map_shared_view(space, m, offset, pages, protect, address);
    uint32_t base = address;
    // A base in kernel space (from 0x80000000 on NT) is STATUS_INVALID_PARAMETER_3 (Wine
    // test_MapViewOfFileEx / NtMapViewOfSection): not a taken place but no place at all.
    if (base >= lay.user_end) return Result::failure(Error::InvalidParameter);
    if (base) {
        if (base < lay.alloc_lowest || uint64_t(base) + (uint64_t(pages) << 12) > lay.user_end ||
            !sp.range_is_free(base >> 12, (base >> 12) + pages))
            return Result::failure(Error::InvalidAddress);
    } else {
        const auto gap = sp.find_gap(pages, lay.alloc_lowest, lay.user_end, false);
        if (!gap) return Result::failure(Error::NotEnoughMemory);
        base = *gap;
    }
    return Result::success(insert_view(space, m.id, base, pages, offset >> 12, protect, false));
}

// Windows 95: the view lives once, in the shared arena, at one address for every process.
// Mapping the same part of the same object again (in any process) returns that view; a
// FILE_MAP_COPY view is its own region, so that its copies stay out of the others' views.
Result MemoryManager::map_shared_view(uint16_t space, const MappingObject& m, uint32_t offset, uint32_t pages, uint32_t protect,
                                      uint32_t address) {
    const Layout& lay = m_spaces[space].layout();
    if (protect != page::kWriteCopy)
        for (const auto& [k, v] : shared_vads()) {
            if (v.type != VadType::Mapped || v.mapping != m.id || v.offset_page != (offset >> 12) ||
                v.end_vpn - v.start_vpn != pages || v.allocation_protect != protect)
                continue;
            if (address && address != v.base()) return Result::failure(Error::InvalidAddress);
            if (std::binary_search(v.users.begin(), v.users.end(), space)) {
                event(EventKind::SharedViewReturned, space, v.base(), v.size(), m.id);
                return Result::success(v.base());
            }
            return add_shared_user(space, v.base());
        }
    uint32_t base = address;
    if (base) {
        if (!in_shared_arena(space, base) || uint64_t(base) + (uint64_t(pages) << 12) > lay.shared_end ||
            !range_is_free_for(space, base >> 12, (base >> 12) + pages))
            return Result::failure(Error::InvalidAddress);
    } else {
        const auto gap = find_shared_gap(pages, lay.shared_begin);
        if (!gap) return Result::failure(Error::NotEnoughMemory);
        base = *gap;
    }
    return Result::success(insert_view(space, m.id, base, pages, offset >> 12, protect, true));
}

// MapViewOfFile of a SEC_IMAGE mapping: the whole image, at its preferred base or (taken) the
// next free place - STATUS_IMAGE_NOT_AT_BASE, a success: the kernel relocates nothing (that is the
// loader's work, which a plain MapViewOfFile does not do). Write access was refused above (an
// image section is EXECUTE_WRITECOPY).
Result MemoryManager::map_image_view(uint16_t space, const MappingObject& mo, uint32_t offset, uint32_t address) {
    const MappingObject m = mo;
    if (offset != 0) return Result::failure(Error::InvalidParameter);
    const AddressSpace& sp = m_spaces[space];
    const uint32_t pages = m_sections[m.image_section].pages_count();
    uint32_t base = address ? address : m.image_base;
    if (!address && !range_is_free_for(space, base >> 12, (base >> 12) + pages) &&
        !(in_shared_arena(space, base) && shared_image_base(m.image_section) == base)) {
        const auto gap = in_shared_arena(space, base) ? find_shared_gap(pages, base)
                                                      : sp.find_gap(pages, base, sp.layout().user_end, false);
        const auto low = gap ? gap : sp.find_gap(pages, sp.layout().alloc_lowest, sp.layout().user_end, false);
        if (!low) return Result::failure(Error::NotEnoughMemory);
        base = *low;
    }
    const Result r = map_image(space, m.image_section, base);
    if (!r.ok) return r;
    if (const Vad* v = vad_at(space, r.value); v && v->mapping == 0xFFFFFFFFu) {
        Vad after = *v;
        after.mapping = m.id;
        replace_vad(space, *v, after);
        mapping_ref(m.id, 0, +1);
    }
    return Result::success(r.value);
}

// The view's VAD and the references it holds, in one event.
uint32_t MemoryManager::insert_view(uint16_t space, uint32_t mapping, uint32_t base, uint32_t pages, uint32_t offset_page,
                                    uint32_t protect, bool shared) {
    const MappingObject& m = m_mappings[mapping];
    event(EventKind::ViewMapped, space, base, pages << 12, m.id, protect);
    Vad v{base >> 12, (base >> 12) + pages, VadType::Mapped, protect, false};
    v.section = m.section;
    v.offset_page = offset_page;
    v.mapping = m.id;
    if (shared) v.users = {space};
    insert_vad(space, v);
    DataSection s = m_data_sections[m.section];
    ++s.views;
    put_data_section(s);
    mapping_ref(m.id, 0, +1);
    return base;
}

Result MemoryManager::unmap_view_vad(uint16_t space, const Vad& vad) {
    const Vad v = vad;
    event(EventKind::ViewUnmapped, space, v.base(), v.size(), v.mapping);
    for (uint32_t vpn = v.start_vpn; vpn < v.end_vpn; ++vpn) unmap_view_page(space, vpn << 12, false);
    erase_vad(space, v);
    DataSection s = m_data_sections[v.section];
    --s.views;
    put_data_section(s);
    // The view's reference goes in the same event as its VAD, before any later event opens.
    mapping_ref(v.mapping, 0, -1);
    free_empty_page_tables(space, v.start_vpn, v.end_vpn);
    return Result::success();
}

Result MemoryManager::unmap_view(uint16_t space, uint32_t address) {
    const Vad* v = vad_at(space, address);
    // UnmapViewOfFile's contract is the base MapViewOfFile returned; NT (MiUnmapViewOfSection)
    // finds the VAD by any address inside it, and so does PageLab, saying so.
    if (v && v->type != VadType::Private && address != v->base() && (v->type == VadType::Mapped || v->mapping != 0xFFFFFFFFu))
        event(EventKind::UnmapInsideView, space, address, v->base(), v->size());
    // An image view made by MapViewOfFile(SEC_IMAGE) goes like the loader's (unmap_image); the
    // images the loader mapped are left to FreeLibrary / ExitProcess.
    if (v && v->type == VadType::Image && v->mapping != 0xFFFFFFFFu) return unmap_image(space, v->base());
    if (!v || v->type != VadType::Mapped) return Result::failure(Error::InvalidAddress);  // STATUS_NOT_MAPPED_VIEW
    // win95: the process stops using the shared view; the last one to do so unmaps it.
    if (in_shared_arena(space, v->base())) return drop_shared_user(space, v->base());
    return unmap_view_vad(space, *v);
}

Result MemoryManager::flush_view(uint16_t space, uint32_t address, uint32_t size) {
    const Vad* found = vad_at(space, address);
    if (!found || found->type != VadType::Mapped) return Result::failure(Error::InvalidAddress);
    const Vad v = *found;
    const uint32_t first = address >> 12;
    const uint32_t last = size == 0 ? v.end_vpn : uint32_t(std::min<uint64_t>(v.end_vpn, page_end(address, size) >> 12));
    // The pages the flush will write: resident section pages that are dirty in any view.
    std::vector<uint32_t> frames;
    if (m_data_sections[v.section].kind == DataSectionKind::File)
        for (uint32_t vpn = first; vpn < last; ++vpn)
            if (const uint32_t p = prototype(view_proto(v, vpn)); (p & Pte::kPresent) && page_is_dirty(p >> 12)) frames.push_back(p >> 12);
    event(EventKind::ViewFlushed, space, first << 12, (last - first) << 12, uint32_t(frames.size()));
    for (uint32_t f : frames) write_back(f, WriteBack::Flush);
    return Result::success(uint32_t(frames.size()));
}

// VirtualAlloc(MEM_COMMIT) on a view. Of a SEC_RESERVE section: the pages are committed in the
// section (every view sees them committed, and they are charged once), with this view's
// protection for this view. Of a committed pagefile-backed section: the pages are committed
// already, and the call sets their protection (Wine test_MapViewOfFile, "same thing with
// SEC_COMMIT"). Of a data file: ERROR_ACCESS_DENIED (Wine test_MapViewOfFile). A page already
// in memory gets a PTE that honours the new protection at once.
Result MemoryManager::commit_view(uint16_t space, const Vad& vad, uint32_t first, uint32_t last, uint32_t mm_prot) {
    const DataSection& s = m_data_sections[vad.section];
    if (s.kind != DataSectionKind::Pagefile) return Result::failure(Error::AccessDenied);
    const uint32_t view = *to_mm_protection(vad.allocation_protect);
    const bool wants_write = (mm_prot & 7u) == mmprot::kReadWrite || (mm_prot & 7u) == mmprot::kExecuteReadWrite;
    if (wants_write && (view & 7u) == mmprot::kReadOnly) return Result::failure(Error::InvalidParameter);  // SECTION_PROTECTION
    // In a copy-on-write view a writable page is a write-copy page: its first write copies it.
    if (wants_write && (view & 7u) == mmprot::kWriteCopy)
        mm_prot = (mm_prot & ~7u) | ((mm_prot & 7u) == mmprot::kReadWrite ? mmprot::kWriteCopy : mmprot::kExecuteWriteCopy);
    uint32_t fresh = 0;
    for (uint32_t vpn = first; vpn < last; ++vpn) fresh += prototype(view_proto(vad, vpn)) == 0;
    if (!charge_fits(space, fresh)) return Result::failure(Error::CommitmentLimit);
    const Vad v = vad;
    if (!s.reserve) event(EventKind::Protected, space, first << 12, (last - first) << 12, to_win32_protection(mm_prot),
                          page_state(space, first << 12).protect);
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const uint32_t index = view_proto(v, vpn);
        if (s.reserve) event(EventKind::SectionPageCommitted, space, vpn << 12, data_proto_page(index), to_win32_protection(mm_prot));
        if (prototype(index) == 0) {
            set_proto(index, SoftwarePte::demand_zero(s.mm_protection));
            add(Counter::CommitCharge);
        }
        if (pte_address_of(space, vpn << 12)) protect_section_view_page(space, v, vpn, mm_prot);
        else set_own_protection(space, vpn << 12, mm_prot + 1);
    }
    return Result::success(first << 12);
}

// Windows 95: VirtualFree(MEM_DECOMMIT) on pages of a SEC_RESERVE view decommits them in the
// section (they become reserved for every user of the view; a frame is freed, the charge
// returned). A page mapped by another view too stays: ERROR_INVALID_PARAMETER (PageLab's choice).
Result MemoryManager::decommit_view(uint16_t space, const Vad& vad, uint32_t first, uint32_t last) {
    const DataSection& s = m_data_sections[vad.section];
    if (s.kind != DataSectionKind::Pagefile || !s.reserve) return Result::failure(Error::InvalidParameter);
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const uint32_t p = prototype(view_proto(vad, vpn));
        const uint32_t pte_address = pte_address_of(space, vpn << 12);
        const bool ours = pte_address && (m_ram.read_u32(pte_address) & Pte::kPresent);
        if ((p & Pte::kPresent) && m_pfn[p >> 12].share_count > (ours ? 1u : 0u)) return Result::failure(Error::InvalidParameter);
    }
    const Vad v = vad;
    for (uint32_t vpn = first; vpn < last; ++vpn) {
        const uint32_t index = view_proto(v, vpn);
        if (prototype(index) == 0) continue;
        unmap_view_page(space, vpn << 12, false);
        const uint32_t p = prototype(index);
        event(EventKind::SectionPageDecommitted, space, vpn << 12, data_proto_page(index), (p & Pte::kPresent) ? p >> 12 : 0);
        uint32_t sw = p;
        if (p & Pte::kPresent) {
            sw = m_pfn[p >> 12].original_pte;
            release_frame(p >> 12);
        }
        if (SoftwarePte::kind(sw) == PteKind::Pagefile) m_pagefile.release(SoftwarePte::slot(sw));
        set_proto(index, 0);
        set_own_protection(space, vpn << 12, 0);
        add(Counter::CommitCharge, -1);
    }
    return Result::success();
}

namespace {
// What a protection lets a view page do, as Wine's test_mapping (dlls/kernel32/tests/virtual.c,
// page_prot_to_access) tabulates it from Windows: WRITECOPY reads (its write makes a copy),
// EXECUTE_READWRITE also write-copies.
enum : uint32_t { kAccRead = 1, kAccWrite = 2, kAccExecute = 4, kAccWriteCopy = 8 };
uint32_t page_access(uint32_t mm_access) {
    switch (mm_access & 7u) {
        case mmprot::kReadWrite: return kAccRead | kAccWrite;
        case mmprot::kExecute:
        case mmprot::kExecuteRead: return kAccRead | kAccExecute;
        case mmprot::kExecuteReadWrite: return kAccRead | kAccWrite | kAccWriteCopy | kAccExecute;
        case mmprot::kExecuteWriteCopy: return kAccRead | kAccWriteCopy | kAccExecute;
        case mmprot::kReadOnly:
        case mmprot::kWriteCopy: return kAccRead;
        default: return 0;
    }
}
}  // namespace

// VirtualProtect on a view is bounded by the view's protection and the mapping's (Wine
// test_mapping, is_compatible_protection; STATUS_SECTION_PROTECTION -> ERROR_INVALID_PARAMETER):
// the same access as the view's is always allowed; otherwise the new access must be part of the
// view's and of the mapping's. So a READONLY view takes WRITECOPY (it reads like READONLY) but
// no write and no execute; a READWRITE view takes WRITECOPY (its next write copies the page, the
// file does not change); a WRITECOPY view takes neither READWRITE nor an execute protection.
bool MemoryManager::view_allows_protection(const Vad& vad, uint32_t mm_prot) const {
    const uint32_t map_protect = vad.mapping < m_mappings.size() ? m_mappings[vad.mapping].protect : vad.allocation_protect;
    const uint32_t map = page_access(*to_mm_protection(map_protect == page::kNoAccess ? page::kReadOnly : map_protect));
    const uint32_t view = page_access(*to_mm_protection(vad.allocation_protect));
    const uint32_t want = page_access(mm_prot);
    if (view == want) return true;
    return view != 0 && (view & want) == want && (map & want) == want;
}

Result MemoryManager::protect_view(uint16_t space, const Vad& vad, uint32_t first, uint32_t last, uint32_t mm_prot) {
    if (!view_allows_protection(vad, mm_prot)) return Result::failure(Error::InvalidParameter);
    for (uint32_t vpn = first; vpn < last; ++vpn)
        if (page_state(space, vpn << 12).state != mem::kCommit) return Result::failure(Error::InvalidAddress);
    if (!ensure_page_tables(space, first, last)) return Result::failure(Error::NotEnoughMemory);
    return protect_image(space, vad, first, last, mm_prot);
}

}  // namespace pagelab::mm
