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
#include <string>
#include <vector>

namespace pagelab::mm {

// A file on the emulated disk. Declared by the scenario before the machine starts; its bytes do
// not change in this model (mapped-file writes come with a later issue).
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
    uint32_t pages_count() const { return uint32_t(pages.size()); }
};

}  // namespace pagelab::mm
