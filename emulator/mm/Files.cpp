// The emulated disk at run time and the handle table: CreateFile, CloseHandle, ReadFile,
// WriteFile, SetEndOfFile. Every change is journaled (core::Store::Object): a file's bytes by
// 4 KB chunk (before and after kept by reference, as page contents are), its size, files created
// at run time, and handle-table entries.
//
// File I/O and mapped views share the data section's frames (the cache): ReadFile takes a page
// from its frame when the page is resident and from the disk otherwise; WriteFile writes the disk
// and, when the page is resident, its frame too (write-through; PageLab has no lazy writer), so
// both paths see each other's bytes at once without a flush. Disk reads and writes are counted a
// page at a time (file_reads, file_writes).
#include <algorithm>
#include <cstring>

#include "mm/MemoryManager.h"

namespace pagelab::mm {

using x86::Pte;

// ---------------------------------------------------------------------------------------------
// Handles

void MemoryManager::close_all_handles(uint16_t space) {
    std::vector<uint32_t> open;
    for (const auto& [value, e] : handles(space)) open.push_back(value);
    for (uint32_t h : open) close_handle(space, h);
}

// ---------------------------------------------------------------------------------------------
// CreateFile, CloseHandle, ReadFile, WriteFile, SetEndOfFile

Result MemoryManager::create_file(uint16_t space, const std::string& path, uint32_t access, Disposition disposition) {
    if (access == 0 || (access & ~(generic::kRead | generic::kWrite | generic::kExecute))) return Result::failure(Error::InvalidParameter);
    if (path.empty()) return Result::failure(Error::PathNotFound);
    const auto found = find_file(path);
    if (!found && disposition == Disposition::Open) return Result::failure(Error::FileNotFound);
    if (found && disposition == Disposition::Create) {
        // CREATE_ALWAYS truncates an existing file, which a mapped view forbids.
        if (!(access & generic::kWrite)) return Result::failure(Error::AccessDenied);
        if (auto s = find_data_section(*found); s && m_data_sections[*s].views) return Result::failure(Error::UserMappedFile);
    }
    Result r;
    if (!found) {
        const uint32_t h = lowest_free_handle(space);
        event(EventKind::FileCreated, space, intern(path), h, 1);
        const uint32_t file = new_file(path);
        const HandleEntry e{HandleKind::File, file, access};
        put_handle(space, h, &e);
        r = Result::success(h);
    } else {
        const uint32_t file = *found;
        const uint32_t h = lowest_free_handle(space);
        const bool truncate = disposition == Disposition::Create && !m_disk.files()[file].bytes.empty();
        event(truncate ? EventKind::FileCreated : EventKind::FileOpened, space, intern(m_disk.files()[file].path), h,
              truncate ? 2 : access);
        const HandleEntry e{HandleKind::File, file, access};
        put_handle(space, h, &e);
        if (truncate) cut_file(file, 0);
        // CREATE_ALWAYS and OPEN_ALWAYS succeed on an existing file with ERROR_ALREADY_EXISTS.
        r = Result::success(h);
        if (disposition != Disposition::Open) r.error = Error::AlreadyExists;
    }
    return r;
}

Result MemoryManager::read_file(uint16_t space, uint32_t handle, uint32_t offset, uint32_t size, std::vector<uint8_t>& out) {
    out.clear();
    const HandleEntry* h = find_handle(space, handle);
    if (!h || h->kind != HandleKind::File) return Result::failure(Error::InvalidHandle);
    if (!(h->access & generic::kRead)) return Result::failure(Error::AccessDenied);
    const uint32_t file = h->object;
    const uint64_t file_size = m_disk.files()[file].bytes.size();
    const uint32_t n = offset >= file_size ? 0 : uint32_t(std::min<uint64_t>(size, file_size - offset));
    out.resize(n);
    const auto section = find_data_section(file);
    uint32_t cached = 0, from_disk = 0;
    for (uint64_t at = offset; at < uint64_t(offset) + n;) {
        const uint32_t page = uint32_t(at >> 12);
        const uint32_t len = uint32_t(std::min<uint64_t>(uint64_t(offset) + n, (uint64_t(page) + 1) << 12) - at);
        uint32_t p = 0;
        if (section && page < m_data_sections[*section].pages) p = prototype(data_proto_index(*section, page));
        if (p & Pte::kPresent) {
            std::memcpy(out.data() + (at - offset), m_ram.content(p >> 12).data() + (at & 0xFFF), len);
            ++cached;
        } else {
            std::memcpy(out.data() + (at - offset), m_disk.files()[file].bytes.data() + at, len);
            ++from_disk;
        }
        at += len;
    }
    event(EventKind::FileReadCall, space, intern(m_disk.files()[file].path), offset, n, cached);
    if (from_disk) add(Counter::FileReads, from_disk);
    return Result::success(n);
}

std::vector<uint8_t> MemoryManager::file_through_cache(uint32_t file) const {
    std::vector<uint8_t> out = m_disk.files()[file].bytes;
    const auto section = find_data_section(file);
    if (!section) return out;
    for (uint32_t page = 0; page < m_data_sections[*section].pages && (uint64_t(page) << 12) < out.size(); ++page) {
        const uint32_t p = prototype(data_proto_index(*section, page));
        if (!(p & Pte::kPresent)) continue;
        const size_t at = size_t(page) << 12, len = std::min<size_t>(0x1000, out.size() - at);
        std::memcpy(out.data() + at, m_ram.content(p >> 12).data(), len);
    }
    return out;
}

Result MemoryManager::write_file(uint16_t space, uint32_t handle, uint32_t offset, const std::vector<uint8_t>& data) {
    const HandleEntry* h = find_handle(space, handle);
    if (!h || h->kind != HandleKind::File) return Result::failure(Error::InvalidHandle);
    if (!(h->access & generic::kWrite)) return Result::failure(Error::AccessDenied);
    const uint32_t file = h->object;
    const uint32_t n = uint32_t(data.size());
    if (uint64_t(offset) + n > 0xFFFFFFFFull) return Result::failure(Error::InvalidParameter);
    const auto section = find_data_section(file);
    // The pages resident in the section's frames get the bytes too, so that views see them.
    std::vector<std::pair<uint32_t, uint32_t>> frames;  // (page, frame)
    for (uint64_t at = offset; n && at < uint64_t(offset) + n; at = (at & ~0xFFFull) + 0x1000) {
        const uint32_t page = uint32_t(at >> 12);
        if (!section || page >= m_data_sections[*section].pages) continue;
        const uint32_t p = prototype(data_proto_index(*section, page));
        if (p & Pte::kPresent) frames.emplace_back(page, p >> 12);
    }
    event(EventKind::FileWriteCall, space, intern(m_disk.files()[file].path), offset, n, uint32_t(frames.size()));
    if (n == 0) return Result::success(0);
    file_store(file, offset, data.data(), n);
    add(Counter::FileWrites, ((uint64_t(offset) + n - 1) >> 12) - (offset >> 12) + 1);
    for (const auto& [page, frame] : frames) {
        core::PageRef content = m_ram.content(frame);
        const uint64_t lo = std::max<uint64_t>(offset, uint64_t(page) << 12);
        const uint64_t hi = std::min<uint64_t>(uint64_t(offset) + n, (uint64_t(page) + 1) << 12);
        std::memcpy(content.mutable_data() + (lo & 0xFFF), data.data() + (lo - offset), size_t(hi - lo));
        m_ram.set_content(frame, content);
    }
    return Result::success(n);
}

Result MemoryManager::set_end_of_file(uint16_t space, uint32_t handle, uint32_t size) {
    const HandleEntry* h = find_handle(space, handle);
    if (!h || h->kind != HandleKind::File) return Result::failure(Error::InvalidHandle);
    if (!(h->access & generic::kWrite)) return Result::failure(Error::AccessDenied);
    const uint32_t file = h->object;
    const auto section = find_data_section(file);
    if (section && m_data_sections[*section].views) return Result::failure(Error::UserMappedFile);
    event(EventKind::FileSizeSet, space, intern(m_disk.files()[file].path), uint32_t(m_disk.files()[file].bytes.size()), size);
    cut_file(file, size);
    return Result::success();
}

// Sets a file's size (SetEndOfFile, CREATE_ALWAYS). Dirty cached pages reach the disk before the
// file is cut, and the frames of pages past the new end lose the cut bytes, so that the cache
// never shows what the file no longer holds.
void MemoryManager::cut_file(uint32_t file, uint32_t size) {
    const auto section = find_data_section(file);
    const uint32_t old = uint32_t(m_disk.files()[file].bytes.size());
    if (section && size < old) {
        for (uint32_t page = 0; page < m_data_sections[*section].pages; ++page) {
            const uint32_t p = prototype(data_proto_index(*section, page));
            if (p & Pte::kPresent) write_back(p >> 12, WriteBack::Truncation);
        }
    }
    file_resize(file, size);
    if (section && size < old) {
        // Resident pages past the new end must read as zeros now: the cut bytes leave the frames.
        for (uint32_t page = size >> 12; page < m_data_sections[*section].pages && (uint64_t(page) << 12) < old; ++page) {
            const uint32_t p = prototype(data_proto_index(*section, page));
            if (!(p & Pte::kPresent)) continue;
            const uint32_t frame = p >> 12;
            core::PageRef content = m_ram.content(frame);
            const uint32_t keep = size > (page << 12) ? size - (page << 12) : 0;
            std::memset(content.mutable_data() + keep, 0, 0x1000 - keep);
            m_ram.set_content(frame, content);
        }
    }
}

Result MemoryManager::close_handle(uint16_t space, uint32_t handle) {
    const HandleEntry* found = find_handle(space, handle);
    if (!found) return Result::failure(Error::InvalidHandle);
    const HandleEntry e = *found;
    uint32_t name = kNoString;
    if (e.kind == HandleKind::File) name = intern(m_disk.files()[e.object].path);
    else if (!m_mappings[e.object].name.empty()) name = intern(m_mappings[e.object].name);
    event(EventKind::HandleClosed, space, handle, uint32_t(e.kind), name);
    put_handle(space, handle, nullptr);
    if (e.kind == HandleKind::Mapping) mapping_ref(e.object, -1, 0);
    return Result::success();
}

}  // namespace pagelab::mm
