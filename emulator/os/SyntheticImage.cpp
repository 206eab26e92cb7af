#include "os/SyntheticImage.h"

#include <algorithm>
#include <cstring>

namespace pagelab::os {

namespace {
constexpr uint32_t kFileAlignment = 0x200;
constexpr uint32_t kHeadersSize = 0x400;
uint32_t round_up(uint32_t v, uint32_t a) { return (v + a - 1) & ~(a - 1); }
void put16(std::vector<uint8_t>& b, size_t at, uint32_t v) { b[at] = uint8_t(v); b[at + 1] = uint8_t(v >> 8); }
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) { put16(b, at, v); put16(b, at + 2, v >> 16); }
// SizeOfCode for NtQuerySection's ImageContainsCode; it and the stack sizes (os/Image.h's
// defaults) are not written into the header bytes, which the golden traces' content hashes fix.
uint32_t code_bytes(const ImageDescription& img) {
    uint32_t n = 0;
    for (const ImageSection& s : img.sections)
        if (s.characteristics & scn::kCode) n += uint32_t(s.raw.size());
    return n;
}
}  // namespace

std::vector<uint8_t> build_synthetic_image(ImageDescription& img, const std::vector<SyntheticSection>& in,
                                           bool relocations) {
    img.sections.clear();
    img.relocation_rvas.clear();
    img.size_of_headers = kHeadersSize;
    img.relocs_stripped = !relocations;
    uint32_t next_rva = 0x1000, file_offset = kHeadersSize;
    for (const SyntheticSection& ss : in) {
        ImageSection s = ss.section;
        if (s.rva == 0) s.rva = next_rva;
        s.rva &= ~0xFFFu;
        const bool bss = s.characteristics & scn::kUninitializedData;
        if (bss) {
            s.raw.clear();
            s.file_offset = 0;
        } else {
            const uint32_t raw_size = round_up(std::max<uint32_t>(s.virtual_size, uint32_t(s.raw.size())), kFileAlignment);
            s.raw.resize(raw_size, 0);
            s.file_offset = file_offset;
            file_offset += raw_size;
        }
        if (relocations) {
            if (ss.fixups_given) {
                for (uint32_t f : ss.fixups) img.relocation_rvas.push_back(s.rva + f);
            } else if (s.characteristics & scn::kCode) {
                for (uint32_t off = 0; off < s.virtual_size; off += 0x1000) img.relocation_rvas.push_back(s.rva + off + 0xFFC);
            }
        }
        next_rva = s.rva + round_up(std::max<uint32_t>(s.virtual_size, 1), 0x1000);
        img.sections.push_back(std::move(s));
    }
    std::sort(img.relocation_rvas.begin(), img.relocation_rvas.end());
    img.size_of_image = next_rva, img.size_of_code = code_bytes(img);  // SizeOfCode: see code_bytes
    for (const ImageSection& s : img.sections) img.size_of_image = std::max(img.size_of_image, s.rva + round_up(s.virtual_size, 0x1000));

    // The headers (PE/COFF specification): e_lfanew at 0x3C -> "PE\0\0" at 0x80.
    std::vector<uint8_t> h(kHeadersSize, 0);
    h[0] = 'M';
    h[1] = 'Z';
    put32(h, 0x3C, 0x80);
    std::memcpy(&h[0x80], "PE\0\0", 4);
    const size_t coff = 0x84;
    put16(h, coff + 0, 0x14C);  // IMAGE_FILE_MACHINE_I386
    put16(h, coff + 2, uint32_t(img.sections.size()));
    put16(h, coff + 16, 0xE0);  // SizeOfOptionalHeader
    uint32_t ch = 0x0002 | 0x0100;  // EXECUTABLE_IMAGE | 32BIT_MACHINE
    if (!relocations) ch |= 0x0001;  // RELOCS_STRIPPED
    if (img.is_dll) ch |= 0x2000;
    put16(h, coff + 18, ch);
    img.file_characteristics = uint16_t(ch);
    const size_t opt = coff + 20;
    put16(h, opt + 0, 0x10B);  // PE32
    put32(h, opt + 16, img.entry_rva);
    put32(h, opt + 28, img.image_base);
    put32(h, opt + 32, 0x1000);  // SectionAlignment
    put32(h, opt + 36, kFileAlignment);
    put16(h, opt + 40, 4);  // OS version 4.0
    put16(h, opt + 48, 4);  // subsystem version 4.0
    put32(h, opt + 56, img.size_of_image);
    put32(h, opt + 60, kHeadersSize);
    put16(h, opt + 68, 2);  // IMAGE_SUBSYSTEM_WINDOWS_GUI
    put16(h, opt + 70, img.dll_characteristics);
    put32(h, opt + 92, 16);  // NumberOfRvaAndSizes
    size_t sh = opt + 0xE0;
    for (const ImageSection& s : img.sections) {
        if (sh + 40 > h.size()) break;
        std::memcpy(&h[sh], s.name.data(), std::min<size_t>(8, s.name.size()));
        put32(h, sh + 8, s.virtual_size);
        put32(h, sh + 12, s.rva);
        put32(h, sh + 16, uint32_t(s.raw.size()));
        put32(h, sh + 20, s.file_offset);
        put32(h, sh + 36, s.characteristics);
        sh += 40;
    }
    img.headers = h;
    std::vector<uint8_t> file = h;
    file.resize(file_offset, 0);
    for (const ImageSection& s : img.sections)
        if (!s.raw.empty()) std::copy(s.raw.begin(), s.raw.end(), file.begin() + s.file_offset);
    return file;
}

}  // namespace pagelab::os
