// Synthetic PE32 images for scenarios (DESIGN.md §3, `files: - image:`): from a description of
// base, entry, sections and imports, the file's bytes — a minimal but well-formed headers page
// (DOS stub header, PE signature, COFF header, optional header, section table) followed by the
// sections' raw data at 0x200-byte file alignment — and the completed ImageDescription whose
// file offsets point into those bytes, so that image-read faults read real bytes from the file.
#pragma once

#include <cstdint>
#include <vector>

#include "os/Image.h"

namespace pagelab::os {

struct SyntheticSection {
    ImageSection section;            // name, rva (0 = after the previous one), virtual_size, characteristics, raw
    std::vector<uint32_t> fixups;    // section offsets of 32-bit fixups (empty: the default, see below)
    bool fixups_given = false;
};

// Lays the image out and fills image.sections, size_of_image, relocation_rvas and headers.
// A relocatable image without explicit fixups has one fixup in the last 32-bit word (offset
// 0xFFC) of every page of each code section: code full of absolute addresses.
// Returns the file's bytes.
std::vector<uint8_t> build_synthetic_image(ImageDescription& image, const std::vector<SyntheticSection>& sections,
                                           bool relocations);

}  // namespace pagelab::os
