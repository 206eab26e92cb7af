// What the loader needs to know about an executable image (EXE or DLL), however it was
// described: by a scenario's `image:` block (synthetic) or read from a real PE32 file
// (os/PeImage.h). The loader and the image section work only with this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pagelab::os {

// IMAGE_SCN_* characteristics PageLab uses (WINDOWS.md "Constants").
namespace scn {
inline constexpr uint32_t kCode = 0x20, kInitializedData = 0x40, kUninitializedData = 0x80,
                          kDiscardable = 0x02000000, kShared = 0x10000000, kExecute = 0x20000000,
                          kRead = 0x40000000, kWrite = 0x80000000;
}

struct ImageSection {
    std::string name;                // ".text", ".data", "Shared", ...
    uint32_t rva = 0;                // page aligned
    uint32_t virtual_size = 0;       // bytes in memory (rounded up to pages when mapped)
    uint32_t characteristics = 0;    // scn:: bits
    std::vector<uint8_t> raw;        // initialised bytes from the file (may be shorter than virtual_size;
                                     // the rest is zero, as .bss)
    uint32_t file_offset = 0;        // where raw starts in the image file (0 for synthetic images)
};

struct ImageDescription {
    std::string path;                // the file on the emulated disk
    uint32_t image_base = 0x00400000;
    uint32_t size_of_image = 0;      // bytes, page aligned (headers + sections)
    uint32_t size_of_headers = 0x1000;
    uint32_t entry_rva = 0;
    bool is_dll = false;
    bool relocs_stripped = false;    // IMAGE_FILE_RELOCS_STRIPPED, or no .reloc: cannot load off its base
    std::vector<std::string> imports;       // DLL names, in import-directory order
    std::vector<uint32_t> relocation_rvas;  // every fixup's RVA (HIGHLOW), sorted
    std::vector<ImageSection> sections;
    std::vector<uint8_t> headers;    // the headers page's bytes (synthetic images: generated)
    // A "flat" image (issue 16 rule 12): SectionAlignment equals a FileAlignment below a page, so
    // every section sits in memory where it sits in the file. NT up to XP maps such an image as
    // the file's bytes, page for page, in one EXECUTE_WRITECOPY region. file_size: the file's bytes.
    bool flat = false;
    uint32_t file_size = 0;
    // IMAGE_OPTIONAL_HEADER32.DllCharacteristics as the file says. PageLab models NT4-XP and
    // Windows 95, which ignore IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE (0x0040, ASLR from Vista on):
    // the image still goes to its preferred base. Kept for NtQuerySection and the trace.
    uint16_t dll_characteristics = 0;
    uint16_t file_characteristics = 0;  // IMAGE_FILE_HEADER.Characteristics
    // The optional header's fields NtQuerySection's SectionImageInformation reports (os/SectionQuery.cpp).
    // Synthetic images carry the usual linker defaults (docs/fidelity.md "NtQuerySection").
    uint32_t size_of_code = 0;            // SizeOfCode: with entry_rva, ImageContainsCode
    uint32_t stack_reserve = 0x100000;    // SizeOfStackReserve -> MaximumStackSize
    uint32_t stack_commit = 0x1000;       // SizeOfStackCommit -> CommittedStackSize
    uint16_t subsystem = 2;               // Subsystem (IMAGE_SUBSYSTEM_WINDOWS_GUI)
    uint16_t subsystem_major = 4, subsystem_minor = 0;  // Major/MinorSubsystemVersion
    uint32_t loader_flags = 0;            // LoaderFlags
    uint32_t checksum = 0;                // CheckSum
};

}  // namespace pagelab::os
