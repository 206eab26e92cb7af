// NtQuerySection (issue 16, part 2): SectionBasicInformation from the memory manager's mapping
// object, SectionImageInformation from the image the loader read. Answered as one line of text
// (a scenario compares it with `returns`).
#pragma once

#include <string>

#include "os/Machine.h"

namespace pagelab::os {

struct SectionQuery {
    mm::Result result;
    std::string text;
};

// image false: SectionBasicInformation ("BaseAddress 0x00000000, Attributes SEC_FILE (0x00800000),
// Size 0x2000"); true: SectionImageInformation ("TransferAddress 0x00401000, ..."), which a data
// section refuses (STATUS_SECTION_NOT_IMAGE: ERROR_INVALID_PARAMETER).
SectionQuery query_section(Machine& m, uint16_t space, uint32_t mapping_handle, bool image);

}  // namespace pagelab::os
