// NtMapViewOfSection and DuplicateHandle (issue 16, "calls and arguments"): the native call's own
// arguments - ZeroBits, CommitSize, AT_ROUND_TO_PAGE, the allocation type, the view's page
// protection, ViewShare / ViewUnmap - and a view mapped into another process, either by the
// native call's ProcessHandle or by a mapping handle duplicated into that process.
//
// The checks follow the order of NT's NtMapViewOfSection (ReactOS ntoskrnl/mm/ARM3/section.c):
// the inherit disposition, the allocation type, the protection and ZeroBits before the handle is
// referenced; then the section's own rules (protection, alignment, the range). The statuses and
// the cases are those of Wine's dlls/kernel32/tests/virtual.c test_NtMapViewOfSection and ReactOS's
// apitests/ntdll/NtMapViewOfSection.c and kmtests ZwMapViewOfSection.c, run on 32-bit Windows.
#include "mm/MemoryManager.h"

namespace pagelab::mm {

namespace {

// NtMapViewOfSection's answer and the Win32 error kernel32 makes of it (RtlNtStatusToDosError).
struct Refusal {
    NtStatus status;
    Error error;
};

constexpr uint32_t kMaxZeroBits = 21;  // MI_MAX_ZERO_BITS on x86

// SECTION_MAP_* the view's protection needs of the handle (NT's MmMakeSectionAccess). SECTION_MAP_EXECUTE
// is 0x8 (FILE_MAP_EXECUTE, 0x20, is SECTION_MAP_EXECUTE_EXPLICIT).
constexpr uint32_t kSectionMapExecute = 0x8;
uint32_t section_access_for(uint32_t protect) {
    switch (protect) {
        case page::kReadWrite: return filemap::kWrite;
        case page::kExecute:
        case page::kExecuteRead:
        case page::kExecuteWriteCopy: return kSectionMapExecute | filemap::kRead;
        case page::kExecuteReadWrite: return kSectionMapExecute | filemap::kWrite;
        default: return filemap::kRead;  // NOACCESS, READONLY, WRITECOPY
    }
}

// Whether a view may have `view` protection over a section created with `section` protection
// (NT's MiIsProtectionCompatible): writing needs a writable section, executing an executable one;
// read-only, copy-on-write and no-access views fit every section.
bool protection_compatible(uint32_t section, uint32_t view) {
    const bool s_write = section == page::kReadWrite || section == page::kExecuteReadWrite;
    const bool s_exec = section == page::kExecuteRead || section == page::kExecuteReadWrite || section == page::kExecuteWriteCopy;
    const bool v_write = view == page::kReadWrite || view == page::kExecuteReadWrite;
    const bool v_exec = view == page::kExecuteRead || view == page::kExecuteReadWrite || view == page::kExecuteWriteCopy;
    return (!v_write || s_write) && (!v_exec || s_exec);
}

bool is_base_protection(uint32_t p) {
    switch (p) {
        case page::kNoAccess: case page::kReadOnly: case page::kReadWrite: case page::kWriteCopy:
        case page::kExecute: case page::kExecuteRead: case page::kExecuteReadWrite: case page::kExecuteWriteCopy: return true;
        default: return false;
    }
}

// The argument checks NtMapViewOfSection makes before it looks at the handle.
std::optional<Refusal> check_arguments(const NtMapArgs& a) {
    if (a.inherit != kViewShare && a.inherit != kViewUnmap) return Refusal{NtStatus::InvalidParameter8, Error::InvalidParameter};
    // MEM_TOP_DOWN and AT_ROUND_TO_PAGE are this model's allocation types; MEM_COMMIT is never
    // one, and MEM_RESERVE only for sections PageLab does not model (ReactOS's test: a SEC_RESERVE
    // section refuses it with STATUS_INVALID_PARAMETER_9).
    if (a.allocation & ~(mem::kTopDown | kAtRoundToPage)) return Refusal{NtStatus::InvalidParameter9, Error::InvalidParameter};
    if (!is_base_protection(a.protect)) return Refusal{NtStatus::InvalidPageProtection, Error::InvalidParameter};
    if (a.zero_bits > kMaxZeroBits) return Refusal{NtStatus::InvalidParameter4, Error::InvalidParameter};
    // With a base, its top ZeroBits bits must be clear (Wine: zero_bits 12 or 16 with a base
    // above them is STATUS_INVALID_PARAMETER_4, one that fits goes on to the alignment check).
    if (a.address && a.zero_bits && (a.address >> (32 - a.zero_bits)) != 0)
        return Refusal{NtStatus::InvalidParameter4, Error::InvalidParameter};
    return std::nullopt;
}

}  // namespace

std::string nt_status_name(NtStatus s) {
    switch (s) {
        case NtStatus::Success: return "STATUS_SUCCESS";
        case NtStatus::ImageNotAtBase: return "STATUS_IMAGE_NOT_AT_BASE";
        case NtStatus::NotImplemented: return "STATUS_NOT_IMPLEMENTED";
        case NtStatus::InvalidHandle: return "STATUS_INVALID_HANDLE";
        case NtStatus::NoMemory: return "STATUS_NO_MEMORY";
        case NtStatus::ConflictingAddresses: return "STATUS_CONFLICTING_ADDRESSES";
        case NtStatus::InvalidViewSize: return "STATUS_INVALID_VIEW_SIZE";
        case NtStatus::AccessDenied: return "STATUS_ACCESS_DENIED";
        case NtStatus::InvalidPageProtection: return "STATUS_INVALID_PAGE_PROTECTION";
        case NtStatus::SectionProtection: return "STATUS_SECTION_PROTECTION";
        case NtStatus::InvalidParameter3: return "STATUS_INVALID_PARAMETER_3";
        case NtStatus::InvalidParameter4: return "STATUS_INVALID_PARAMETER_4";
        case NtStatus::InvalidParameter8: return "STATUS_INVALID_PARAMETER_8";
        case NtStatus::InvalidParameter9: return "STATUS_INVALID_PARAMETER_9";
        case NtStatus::MappedAlignment: return "STATUS_MAPPED_ALIGNMENT";
    }
    return "STATUS_UNKNOWN";
}

NtMapResult MemoryManager::nt_map_view(uint16_t caller, uint16_t target, const NtMapArgs& a) {
    auto refuse = [](NtStatus s, Error e) { return NtMapResult{Result::failure(e), s}; };
    // Windows 95 has no native API (its kernel32 does not go through an ntdll).
    if (m_spaces[caller].personality() == Personality::Win95 || m_spaces[target].personality() == Personality::Win95)
        return refuse(NtStatus::NotImplemented, Error::CallNotImplemented);
    if (const auto r = check_arguments(a)) return refuse(r->status, r->error);
    const HandleEntry* h = find_handle(caller, a.handle);
    if (!h || h->kind != HandleKind::Mapping) return refuse(NtStatus::InvalidHandle, Error::InvalidHandle);
    // The handle is referenced for the rights the protection needs, right by right.
    const uint32_t need = section_access_for(a.protect);
    if ((h->access & need) != need) return refuse(NtStatus::AccessDenied, Error::AccessDenied);
    const MappingObject& m = m_mappings[h->object];
    const Layout& lay = m_spaces[target].layout();
    const bool round_to_page = a.allocation & kAtRoundToPage;
    uint32_t base = round_to_page ? a.address & ~0xFFFu : a.address;
    if (base >= lay.user_end) return refuse(NtStatus::InvalidParameter3, Error::InvalidParameter);
    if (m.image()) {
        // An image section maps whole, with the image's own protections: Win32Protect and the
        // commit size do not apply. A base elsewhere than the image's is STATUS_IMAGE_NOT_AT_BASE.
        if (a.offset != 0) return refuse(NtStatus::InvalidParameter9, Error::InvalidParameter);
        const Result r = map_image_view(target, m, 0, base);
        if (!r.ok) return refuse(r.error == Error::NotEnoughMemory ? NtStatus::NoMemory : NtStatus::ConflictingAddresses, r.error);
        return NtMapResult{r, r.value == m.image_base ? NtStatus::Success : NtStatus::ImageNotAtBase};
    }
    if (!protection_compatible(m.protect, a.protect)) return refuse(NtStatus::SectionProtection, Error::InvalidParameter);
    // Executable views of data sections are not modelled (as MapViewOfFile's FILE_MAP_EXECUTE).
    if (a.protect & (page::kExecute | page::kExecuteRead | page::kExecuteReadWrite | page::kExecuteWriteCopy))
        return refuse(NtStatus::SectionProtection, Error::InvalidParameter);
    // Without AT_ROUND_TO_PAGE the base and the offset are multiples of 64 KB; with it (32-bit
    // Windows only) a page is enough and the base is rounded down to its page.
    const uint32_t grain = round_to_page ? 0x1000u : kAllocationGranularity;
    if (a.offset % grain || base % grain) return refuse(NtStatus::MappedAlignment, Error::MappedAlignment);
    if (a.offset >= m.size) return refuse(NtStatus::InvalidViewSize, Error::AccessDenied);
    const uint64_t bytes = a.size == 0 ? m.size - a.offset : a.size;
    if (uint64_t(a.offset) + bytes > m.size) return refuse(NtStatus::InvalidViewSize, Error::AccessDenied);
    const uint32_t pages = uint32_t(round_up(bytes, 0x1000) >> 12);
    // ZeroBits bounds where the view may go: below 2^(32-ZeroBits).
    const uint64_t limit = a.zero_bits ? std::min<uint64_t>(lay.user_end, (0xFFFFFFFFull >> a.zero_bits) + 1) : lay.user_end;
    if (base) {
        if (base < lay.alloc_lowest || uint64_t(base) + (uint64_t(pages) << 12) > limit ||
            !m_spaces[target].range_is_free(base >> 12, (base >> 12) + pages))
            return refuse(NtStatus::ConflictingAddresses, Error::InvalidAddress);
    } else {
        const auto gap = m_spaces[target].find_gap(pages, lay.alloc_lowest, uint32_t(limit), a.allocation & mem::kTopDown);
        if (!gap) return refuse(NtStatus::NoMemory, Error::NotEnoughMemory);
        base = *gap;
    }
    uint32_t protect = a.protect;
    if ((m.flags & sec::kNoCache) && protect != page::kNoAccess) protect |= page::kNoCache;
    insert_view(target, m.id, base, pages, a.offset >> 12, protect, false);
    commit_view_start(target, base, pages, a.commit_size, protect);
    return NtMapResult{Result::success(base), NtStatus::Success};
}

// CommitSize: of a SEC_RESERVE section's view, the first CommitSize bytes (whole pages, at most the
// view) are committed with the view's protection. A SEC_COMMIT or file section is committed
// already, and a NOACCESS view commits nothing it could use - CommitSize changes nothing there.
void MemoryManager::commit_view_start(uint16_t space, uint32_t base, uint32_t pages, uint32_t commit_size, uint32_t protect) {
    const Vad* v = vad_at(space, base);
    if (!v || commit_size == 0 || !m_data_sections[v->section].reserve || protect == page::kNoAccess) return;
    const uint32_t n = std::min<uint32_t>(pages, uint32_t(round_up(commit_size, 0x1000) >> 12));
    commit_view(space, *v, base >> 12, (base >> 12) + n, *to_mm_protection(protect & ~page::kNoCache));
}

// DuplicateHandle of a mapping handle into another process (or the same): the new handle names
// the same object, with the source handle's access or (`access`) the one asked for; the object
// gains a handle. A process that has exited has no handle table: ERROR_INVALID_HANDLE.
Result MemoryManager::duplicate_handle(uint16_t from, uint32_t handle, uint16_t to, std::optional<uint32_t> access) {
    const HandleEntry* h = find_handle(from, handle);
    if (!h || h->kind != HandleKind::Mapping) return Result::failure(Error::InvalidHandle);
    if (access && (*access & ~filemap::kAllAccess)) return Result::failure(Error::InvalidParameter);
    const HandleEntry e{HandleKind::Mapping, h->object, access ? *access : h->access};
    const MappingObject& m = m_mappings[h->object];
    const uint32_t nh = lowest_free_handle(to);
    event(EventKind::HandleDuplicated, from, handle, to, nh, m.name.empty() ? kNoString : intern(m.name));
    put_handle(to, nh, &e);
    mapping_ref(m.id, +1, 0);
    return Result::success(nh);
}

}  // namespace pagelab::mm
