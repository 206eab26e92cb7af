// Image section objects (NT: a section object with its control area and prototype PTEs) and the
// emulated disk they read from.
//
// One ImageSection exists per image file. It describes every page of the image as the file lays
// it out (ImagePage) and owns one prototype PTE per page, kept in the memory manager's prototype
// array (journaled, Store::Proto). A prototype PTE is one of:
//   valid       the page is in a frame shared by every process mapping the image
//               (hardware layout: frame, P=1; the frame's PFN entry points back at the prototype
//               index and counts the process PTEs mapping it in share_count)
//   in file     NT's subsection PTE: bits 12-31 the page's index in the image, bit 10 Prototype=1,
//               bits 5-9 the page's protection — the next fault reads it from the image file
//               (or zero-fills it: a page with no bytes in the file, e.g. .bss)
//   pagefile    a SHARED writable page that was written and evicted: the software PTE layout
//               (slot in bits 12-31, protection in bits 5-9)
// A process PTE of an image page is NT's prototype PTE (SoftwarePte::prototype(index)) until the
// process touches the page; then it is valid and maps the shared frame, or — after a
// copy-on-write or a relocation — the process's own private, pagefile-backed frame.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mm/Numbers.h"

namespace pagelab::mm {

// A file on the emulated disk: declared by the scenario, or created at run time (create_file).
// Its bytes change through WriteFile, SetEndOfFile, a mapping that grows it and dirty mapped pages
// written back (flush, eviction, the last reference to the section going away); every change is
// journaled (core::Store::Object, ObjectField::FilePage / FileSize / FileCreate).
struct DiskFile {
    std::string path;
    std::vector<uint8_t> bytes;
};

struct ImagePage {
    uint32_t file_offset = 0;
    uint32_t file_bytes = 0;     // bytes of this page present in the file; 0: demand-zero page
    uint32_t mm_protection = 0;  // NT's 5-bit protection (mm/Protection.h)
    bool shared = false;         // IMAGE_SCN_MEM_SHARED: one set of frames for every process
    uint32_t rva = 0;
};

struct ImageSection {
    uint32_t id = 0;
    uint32_t file = 0;           // index into the disk
    uint32_t first_proto = 0;    // index of page 0's prototype PTE
    std::vector<ImagePage> pages;
    // The file as the section read it when it was made: through the cached pages of its data
    // section, so a data view's unflushed bytes are in it (issue 16 rule 8). From then on the
    // image's pages are its own: its faults read these bytes, whatever the file becomes.
    std::shared_ptr<const std::vector<uint8_t>> bytes;
    uint32_t pages_count() const { return uint32_t(pages.size()); }
};

}  // namespace pagelab::mm

namespace pagelab::mm {

// ----- Data sections, file mapping objects, handles (CreateFileMapping, MapViewOfFile) -----
//
// A DataSection is NT's control area with its segment of prototype PTEs for a data file or for
// the pagefile: one per file however many mappings are made of it (so every view of the file,
// and ReadFile/WriteFile, share its frames — coherence comes from that). A MappingObject is the
// section object a CreateFileMapping handle refers to (protection, size, name); several of them
// may share one data section. Prototype PTE indexes of data sections live in their own range
// (kDataProtoBase + section * kDataProtoStride + page) so that a section can grow (a larger
// read-write mapping of the same file) without moving anybody's prototype PTEs.
//   valid      the page is in a frame (FrameUse::File or PagefileSection) shared by every view;
//              the frame's PFN entry points back at the prototype index
//   in file    SoftwarePte::in_file(page, protection): read from the file on the next fault
//   pagefile   a pagefile-backed page written and evicted: SoftwarePte::pagefile(slot, prot)
//   demand-0   a committed pagefile-backed page never touched: SoftwarePte::demand_zero(prot)
//   zero       SEC_RESERVE: the page is reserved, not committed
inline constexpr uint32_t kNoFile = 0xFFFFFFFFu;
inline constexpr uint32_t kNoSection = 0xFFFFFFFFu;

enum class DataSectionKind : uint8_t { File, Pagefile };

struct DataSection {
    uint32_t id = 0;
    DataSectionKind kind = DataSectionKind::File;
    uint32_t file = kNoFile;     // File: the disk file
    uint32_t pages = 0;          // prototype PTEs it has
    uint32_t mm_protection = 0;  // protection of its prototype PTEs (the first mapping's)
    bool reserve = false;        // SEC_RESERVE pagefile section: pages commit one by one
    uint32_t mappings = 0;       // live mapping objects using it; 0 = gone
    uint32_t views = 0;          // views mapped of it, in every process
    bool alive = true;           // false once the last mapping object is gone: it holds nothing then
    bool operator==(const DataSection&) const = default;
};

struct MappingObject {
    uint32_t id = 0;
    uint32_t section = 0;        // DataSection id
    uint32_t protect = 0;        // Win32 PAGE_* given to CreateFileMapping
    uint64_t size = 0;           // bytes: a file mapping keeps its byte size, a pagefile one whole pages
    uint32_t flags = 0;          // SEC_* as given
    std::string name;            // empty: unnamed
    uint32_t handles = 0;        // open handles; the name lives while there is one
    uint32_t views = 0;          // views mapped through it; a view keeps the object alive
    // SEC_IMAGE: the image section (mm::ImageSection) it maps, and the image's preferred base;
    // `section` is then kNoSection (no data section).
    uint32_t image_section = 0xFFFFFFFFu;
    uint32_t image_base = 0;
    bool alive() const { return handles > 0 || views > 0; }
    bool image() const { return image_section != 0xFFFFFFFFu; }
    bool operator==(const MappingObject&) const = default;
};

// NtQuerySection's SECTION_BASIC_INFORMATION: BaseAddress (0 unless SEC_BASED), the section's
// SEC_* attributes, its maximum size.
struct SectionBasicInformation {
    uint32_t base = 0;
    uint32_t attributes = 0;
    uint64_t size = 0;
};

enum class HandleKind : uint8_t { File, Mapping };

// One entry of a process's handle table.
struct HandleEntry {
    HandleKind kind = HandleKind::File;
    uint32_t object = 0;         // file index / mapping object id
    uint32_t access = 0;         // File: GENERIC_READ 0x80000000 | GENERIC_WRITE 0x40000000; Mapping: FILE_MAP_*
    bool operator==(const HandleEntry&) const = default;
};

namespace generic {
inline constexpr uint32_t kRead = 0x80000000u, kWrite = 0x40000000u, kExecute = 0x20000000u;
}
namespace sec {
inline constexpr uint32_t kFile = 0x800000, kImage = 0x1000000, kReserve = 0x4000000, kCommit = 0x8000000,
                          kNoCache = 0x10000000, kLargePages = 0x80000000;
}
namespace filemap {
inline constexpr uint32_t kCopy = 0x1, kWrite = 0x2, kRead = 0x4, kExecute = 0x20, kAllAccess = 0xF001F;
}

enum class Disposition : uint8_t { Open, Create, OpenAlways };

// What a core::Store::Object change touches.
enum class ObjectField : uint8_t { FileCreate, FilePage, FileSize, Handle, Mapping, DataSection };

}  // namespace pagelab::mm
