// NtQuerySection's SectionBasicInformation (issue 16, part 2): what a mapping object's section
// says of itself. Windows 95 has no native API: ERROR_CALL_NOT_IMPLEMENTED.
#include "mm/MemoryManager.h"

namespace pagelab::mm {

Result MemoryManager::query_section_basic(uint16_t space, uint32_t mapping_handle, SectionBasicInformation& out) const {
    if (m_spaces[space].personality() == Personality::Win95) return Result::failure(Error::CallNotImplemented);
    const HandleEntry* h = find_handle(space, mapping_handle);
    if (!h || h->kind != HandleKind::Mapping) return Result::failure(Error::InvalidHandle);  // STATUS_INVALID_HANDLE
    const MappingObject& m = m_mappings[h->object];
    out = SectionBasicInformation{};
    if (m.image()) {
        // An image section: SEC_FILE | SEC_IMAGE, its size the image's (whole pages).
        out.attributes = sec::kFile | sec::kImage;
        out.size = uint64_t(m_sections[m.image_section].pages_count()) << 12;
    } else if (m_data_sections[m.section].kind == DataSectionKind::File) {
        // A data file's section is SEC_FILE whatever was asked (SEC_RESERVE and SEC_COMMIT are
        // not kept), with its size in bytes.
        out.attributes = sec::kFile | (m.flags & sec::kNoCache);
        out.size = m.size;
    } else {
        // Backed by the pagefile: SEC_COMMIT or SEC_RESERVE, whole pages.
        out.attributes = (m.flags & sec::kReserve ? sec::kReserve : sec::kCommit) | (m.flags & sec::kNoCache);
        out.size = m.size;
    }
    return Result::success(uint32_t(out.size));
}

// CreateFileMapping's SEC_ flags beyond SEC_RESERVE / SEC_COMMIT. SEC_LARGE_PAGES needs
// SeLockMemoryPrivilege, which no PageLab process holds: ERROR_PRIVILEGE_NOT_HELD (Windows 95
// has no such flag: ERROR_INVALID_PARAMETER). SEC_FILE is accepted and changes nothing (a file's
// section is SEC_FILE anyway); SEC_NOCACHE is kept by the mapping and reaches its views.
std::optional<Error> MemoryManager::check_section_flags(bool w95, uint32_t flags) {
    if (flags & sec::kLargePages) return w95 ? Error::InvalidParameter : Error::PrivilegeNotHeld;
    return std::nullopt;
}

// MapViewOfFile's access as kernel32 turns it into a view protection; 0 for FILE_MAP_EXECUTE
// without read, write or copy (not modelled).
uint32_t MemoryManager::view_protection_for(uint32_t access) {
    if (access == filemap::kCopy) return page::kWriteCopy;
    if (access & filemap::kWrite) return page::kReadWrite;
    if (access & filemap::kRead) return page::kReadOnly;
    if (access & filemap::kExecute) return 0;
    return page::kNoAccess;
}

}  // namespace pagelab::mm
