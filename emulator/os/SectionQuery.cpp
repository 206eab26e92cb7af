#include "os/SectionQuery.h"

#include <fmt/format.h>

namespace pagelab::os {

namespace {

std::string attribute_names(uint32_t a) {
    static const std::pair<uint32_t, const char*> kNames[] = {{mm::sec::kFile, "SEC_FILE"},       {mm::sec::kImage, "SEC_IMAGE"},
                                                              {mm::sec::kReserve, "SEC_RESERVE"}, {mm::sec::kCommit, "SEC_COMMIT"},
                                                              {mm::sec::kNoCache, "SEC_NOCACHE"}};
    std::string out;
    for (const auto& [bit, name] : kNames)
        if (a & bit) out += (out.empty() ? "" : "|") + std::string(name);
    return out.empty() ? "0" : out;
}

}  // namespace

SectionQuery query_section(Machine& m, uint16_t space, uint32_t mapping_handle, bool image) {
    mm::MemoryManager& mmgr = m.mm();
    mm::SectionBasicInformation basic;
    SectionQuery q{mmgr.query_section_basic(space, mapping_handle, basic), {}};
    if (!q.result.ok) return q;
    if (!image) {
        q.text = fmt::format("BaseAddress 0x{:08X}, Attributes {} (0x{:08X}), Size 0x{:X}", basic.base,
                             attribute_names(basic.attributes), basic.attributes, basic.size);
        return q;
    }
    const mm::MappingObject& obj = mmgr.mappings()[mmgr.find_handle(space, mapping_handle)->object];
    const ImageDescription* img = obj.image() ? m.image_of(mmgr.sections()[obj.image_section].file) : nullptr;
    if (!img) {
        q.result = mm::Result::failure(mm::Error::InvalidParameter);  // STATUS_SECTION_NOT_IMAGE
        return q;
    }
    // SECTION_IMAGE_INFORMATION's fields in the struct's order (NT's creasect.c fills them from
    // the headers; ZeroBits is never set and stays 0).
    q.text = fmt::format("TransferAddress 0x{:08X}, ZeroBits 0, MaximumStackSize 0x{:X}, CommittedStackSize 0x{:X}, "
                         "SubSystemType {}, SubSystemVersion {}.{}, ImageCharacteristics 0x{:04X}, DllCharacteristics 0x{:04X}, "
                         "Machine 0x014C, ImageContainsCode {}, LoaderFlags 0x{:X}, ImageFileSize 0x{:X}, CheckSum 0x{:08X}",
                         img->image_base + img->entry_rva, img->stack_reserve, img->stack_commit, img->subsystem,
                         img->subsystem_major, img->subsystem_minor, img->file_characteristics, img->dll_characteristics,
                         (img->size_of_code != 0 || img->entry_rva != 0) ? 1 : 0, img->loader_flags,
                         mmgr.files()[mmgr.sections()[obj.image_section].file].bytes.size(), img->checksum);
    q.result.value = img->image_base + img->entry_rva;
    return q;
}

}  // namespace pagelab::os
