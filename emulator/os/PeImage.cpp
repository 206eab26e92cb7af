#include "os/PeImage.h"

#include "i18n/I18n.h"

#include <algorithm>

#include <fmt/format.h>

namespace pagelab::os {

std::optional<uint8_t> ByteReader::read_u8(uint64_t offset) const {
    if (!contains(offset, 1)) return std::nullopt;
    return m_bytes[offset];
}

std::optional<uint16_t> ByteReader::read_u16(uint64_t offset) const {
    if (!contains(offset, 2)) return std::nullopt;
    return uint16_t(m_bytes[offset] | (m_bytes[offset + 1] << 8));
}

std::optional<uint32_t> ByteReader::read_u32(uint64_t offset) const {
    if (!contains(offset, 4)) return std::nullopt;
    return uint32_t(m_bytes[offset]) | (uint32_t(m_bytes[offset + 1]) << 8) |
           (uint32_t(m_bytes[offset + 2]) << 16) | (uint32_t(m_bytes[offset + 3]) << 24);
}

std::optional<std::string> ByteReader::read_cstring(uint64_t offset, uint64_t max_length) const {
    if (offset >= m_bytes.size()) return std::nullopt;
    const uint64_t limit = std::min<uint64_t>(m_bytes.size() - offset, max_length);
    for (uint64_t i = 0; i < limit; ++i) {
        if (m_bytes[offset + i] == 0)
            return std::string(reinterpret_cast<const char*>(m_bytes.data() + offset), size_t(i));
    }
    return std::nullopt;
}

std::span<const uint8_t> ByteReader::slice(uint64_t offset, uint64_t length) const {
    if (!contains(offset, length)) return {};
    return m_bytes.subspan(size_t(offset), size_t(length));
}

namespace {

// winnt.h values (WINDOWS.md "Constants" lists the section bits; the rest are PE-format facts).
constexpr uint16_t kDosSignature = 0x5A4D;         // "MZ"
constexpr uint32_t kNtSignature = 0x00004550;      // "PE\0\0"
constexpr uint16_t kMachineI386 = 0x014C;
constexpr uint16_t kOptionalMagicPe32 = 0x010B;
constexpr uint16_t kOptionalMagicPe32Plus = 0x020B;
constexpr uint16_t kFileRelocsStripped = 0x0001;
constexpr uint16_t kFileExecutableImage = 0x0002;
constexpr uint16_t kFileDll = 0x2000;
constexpr uint32_t kMaxSections = 96;              // the Windows loader's limit
constexpr uint32_t kPageSize = 0x1000;
constexpr uint32_t kAllocationGranularity = 0x10000;
constexpr uint32_t kDirectoryImport = 1, kDirectoryBaseReloc = 5, kMaxDirectories = 16;
constexpr uint16_t kRelAbsolute = 0, kRelHighLow = 3;

constexpr uint64_t kDosHeaderSize = 64, kFileHeaderSize = 20, kSectionHeaderSize = 40;
constexpr uint64_t kOptionalFixedSize = 96;        // IMAGE_OPTIONAL_HEADER32 up to DataDirectory
constexpr uint64_t kImportDescriptorSize = 20, kBaseRelocationSize = 8;
constexpr uint64_t kMaxImportNameLength = 256;     // longer is not a DLL name, it is garbage

// Section bits the PE spec reserves, or allows only in object files: in an image they mean the
// file was not produced by a linker (or was damaged).
constexpr uint32_t kScnReserved = 0x00000001 | 0x00000002 | 0x00000004 | 0x00000010 | 0x00000400;
constexpr uint32_t kScnObjectOnly = 0x00000200 /*LNK_INFO*/ | 0x00000800 /*LNK_REMOVE*/ |
                                    0x00001000 /*LNK_COMDAT*/;

// Offsets inside IMAGE_OPTIONAL_HEADER32.
namespace opt {
constexpr uint64_t kMagic = 0, kSizeOfCode = 4, kAddressOfEntryPoint = 16, kImageBase = 28, kSectionAlignment = 32,
                   kFileAlignment = 36, kMajorSubsystemVersion = 48, kMinorSubsystemVersion = 50, kSizeOfImage = 56,
                   kSizeOfHeaders = 60, kCheckSum = 64, kSubsystem = 68, kDllCharacteristics = 70,
                   kSizeOfStackReserve = 72, kSizeOfStackCommit = 76, kLoaderFlags = 88, kNumberOfRvaAndSizes = 92, kDataDirectory = 96;
}

uint64_t round_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }
bool is_power_of_two(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }
std::string hex(uint64_t v) { return fmt::format("{:#010x}", v); }

PeError error(std::string field, std::string reason) { return PeError{std::move(field), std::move(reason)}; }

struct DataDirectory {
    uint32_t rva = 0;
    uint32_t size = 0;
    bool present() const { return rva != 0 && size != 0; }
};

// One section's placement, kept while the later directories are resolved against it.
struct SectionExtent {
    uint32_t rva = 0;
    uint32_t virtual_size = 0;  // VirtualSize, or SizeOfRawData when VirtualSize is 0
    uint32_t file_offset = 0;
    uint32_t raw_size = 0;      // initialised bytes: min(SizeOfRawData, virtual_size)
};

class PeReader {
public:
    PeReader(const std::vector<uint8_t>& bytes, const std::string& path) : m_file(bytes) {
        m_image.path = path;
    }

    PeReadResult read() {
        if (auto e = read_dos_header()) return *e;
        if (auto e = read_file_header()) return *e;
        if (auto e = read_optional_header()) return *e;
        if (auto e = read_section_table()) return *e;
        if (auto e = read_imports()) return *e;
        if (auto e = read_relocations()) return *e;
        return std::move(m_image);
    }

private:
    std::string file_size_text() const { return i18n::trfn("{count} byte", "{count} bytes", m_file.size(), fmt::arg("count", m_file.size())); }

    std::optional<PeError> read_dos_header() {
        if (!m_file.contains(0, kDosHeaderSize))
            return error("IMAGE_DOS_HEADER",
                         i18n::trf("the file ({size}) is shorter than the 64-byte MS-DOS header", fmt::arg("size", file_size_text())));
        const uint16_t magic = *m_file.read_u16(0);
        if (magic != kDosSignature)
            return error("IMAGE_DOS_HEADER.e_magic",
                         i18n::trf("{magic:#06x} is not \"MZ\" (0x5a4d): not an executable file", fmt::arg("magic", magic)));
        m_nt = *m_file.read_u32(0x3C);
        if (m_nt % 4 != 0)
            return error("IMAGE_DOS_HEADER.e_lfanew",
                         i18n::trf("{offset} is not 4-byte aligned", fmt::arg("offset", hex(m_nt))));
        if (!m_file.contains(m_nt, 4 + kFileHeaderSize))
            return error("IMAGE_DOS_HEADER.e_lfanew",
                         i18n::trf("{offset} points past the end of the file ({size})", fmt::arg("offset", hex(m_nt)), fmt::arg("size", file_size_text())));
        return std::nullopt;
    }

    std::optional<PeError> read_file_header() {
        const uint32_t signature = *m_file.read_u32(m_nt);
        if (signature != kNtSignature)
            return error("IMAGE_NT_HEADERS.Signature",
                         i18n::trf("{value} at file offset {offset} is not \"PE\\0\\0\" (0x00004550)", fmt::arg("value", hex(signature)),
                                   fmt::arg("offset", hex(m_nt))));
        const uint64_t fh = m_nt + 4;
        const uint16_t machine = *m_file.read_u16(fh + 0);
        if (machine != kMachineI386)
            return error("IMAGE_FILE_HEADER.Machine",
                         i18n::trf("{machine:#06x} is not IMAGE_FILE_MACHINE_I386 (0x014c): PageLab runs 32-bit x86 images only",
                                   fmt::arg("machine", machine)));
        m_section_count = *m_file.read_u16(fh + 2);
        if (m_section_count < 1 || m_section_count > kMaxSections)
            return error("IMAGE_FILE_HEADER.NumberOfSections",
                         i18n::trf("{count} is outside 1..{max}", fmt::arg("count", m_section_count), fmt::arg("max", kMaxSections)));
        m_optional_size = *m_file.read_u16(fh + 16);
        m_characteristics = *m_file.read_u16(fh + 18);
        if (!(m_characteristics & kFileExecutableImage))
            return error("IMAGE_FILE_HEADER.Characteristics",
                         i18n::trf("{value:#06x} lacks IMAGE_FILE_EXECUTABLE_IMAGE (0x0002): an object file or a failed link",
                                   fmt::arg("value", m_characteristics)));
        m_image.is_dll = (m_characteristics & kFileDll) != 0;
        m_image.file_characteristics = m_characteristics;
        if (m_optional_size < kOptionalFixedSize)
            return error("IMAGE_FILE_HEADER.SizeOfOptionalHeader",
                         i18n::trf("{size} is smaller than the {fixed} bytes of IMAGE_OPTIONAL_HEADER32 before its data directories",
                                   fmt::arg("size", m_optional_size), fmt::arg("fixed", kOptionalFixedSize)));
        m_optional = fh + kFileHeaderSize;
        if (!m_file.contains(m_optional, m_optional_size))
            return error("IMAGE_FILE_HEADER.SizeOfOptionalHeader",
                         i18n::trfn("the optional header ({size} byte at {offset}) runs past the end of the file ({file})",
                                    "the optional header ({size} bytes at {offset}) runs past the end of the file ({file})", m_optional_size,
                                    fmt::arg("size", m_optional_size), fmt::arg("offset", hex(m_optional)), fmt::arg("file", file_size_text())));
        return std::nullopt;
    }

    // SectionAlignment and FileAlignment: a page, or a flat image's alignment below a page.
    std::optional<PeError> read_alignments() {
        auto u32 = [&](uint64_t off) { return *m_file.read_u32(m_optional + off); };
        const uint32_t section_alignment = u32(opt::kSectionAlignment);
        const uint32_t file_alignment = u32(opt::kFileAlignment);
        // A flat image: SectionAlignment below a page and equal to FileAlignment (NT's rule; any
        // other value below a page is STATUS_INVALID_IMAGE_FORMAT).
        m_image.flat = section_alignment < kPageSize && section_alignment == file_alignment;
        if (section_alignment != kPageSize && !m_image.flat)
            return error("IMAGE_OPTIONAL_HEADER32.SectionAlignment",
                         i18n::trf("{value} is not 0x1000, nor a flat image's alignment below a page equal to FileAlignment "
                                   "({file}): PageLab requires page-aligned sections (one 4 KB page is the unit it maps and protects)",
                                   fmt::arg("value", hex(section_alignment)), fmt::arg("file", hex(file_alignment))));
        if (!is_power_of_two(file_alignment) || file_alignment < 512 || file_alignment > 0x10000)
            return error("IMAGE_OPTIONAL_HEADER32.FileAlignment",
                         i18n::trf("{value} is not a power of two from 512 to 64 KB", fmt::arg("value", hex(file_alignment))));
        m_section_alignment = section_alignment;
        return std::nullopt;
    }

    // The fields NT copies into the section's SECTION_IMAGE_INFORMATION (creasect.c's
    // INIT_IMAGE_INFORMATION) that the loader itself does not check: read as they are.
    void read_image_information() {
        auto u16 = [&](uint64_t off) { return *m_file.read_u16(m_optional + off); };
        auto u32 = [&](uint64_t off) { return *m_file.read_u32(m_optional + off); };
        m_image.dll_characteristics = u16(opt::kDllCharacteristics);
        m_image.size_of_code = u32(opt::kSizeOfCode);
        m_image.stack_reserve = u32(opt::kSizeOfStackReserve);
        m_image.stack_commit = u32(opt::kSizeOfStackCommit);
        m_image.subsystem = u16(opt::kSubsystem);
        m_image.subsystem_major = u16(opt::kMajorSubsystemVersion);
        m_image.subsystem_minor = u16(opt::kMinorSubsystemVersion);
        m_image.loader_flags = u32(opt::kLoaderFlags);
        m_image.checksum = u32(opt::kCheckSum);
    }

    std::optional<PeError> read_optional_header() {
        auto u32 = [&](uint64_t off) { return *m_file.read_u32(m_optional + off); };
        const uint16_t magic = *m_file.read_u16(m_optional + opt::kMagic);
        if (magic != kOptionalMagicPe32)
            return error("IMAGE_OPTIONAL_HEADER32.Magic",
                         magic == kOptionalMagicPe32Plus
                             ? std::string(i18n::tr("0x020b is PE32+ (a 64-bit image); PageLab reads PE32 (0x010b) only"))
                             : i18n::trf("{magic:#06x} is not PE32 (0x010b)", fmt::arg("magic", magic)));

        if (auto e = read_alignments()) return e;
        const uint32_t section_alignment = m_section_alignment;
        m_image.file_size = uint32_t(std::min<uint64_t>(m_file.size(), 0xFFFFFFFFull));

        const uint32_t base = u32(opt::kImageBase);
        if (base == 0 || base % kAllocationGranularity != 0)
            return error("IMAGE_OPTIONAL_HEADER32.ImageBase",
                         i18n::trf("{value} is not a nonzero multiple of the 64 KB allocation granularity", fmt::arg("value", hex(base))));
        // SizeOfImage is rounded up to SectionAlignment, as Windows' loader does; only 0 is refused.
        const uint64_t size_of_image64 = round_up(u32(opt::kSizeOfImage), section_alignment);
        if (size_of_image64 == 0) return error("IMAGE_OPTIONAL_HEADER32.SizeOfImage", i18n::tr("is 0: the image is empty"));
        const uint32_t size_of_image = uint32_t(std::min<uint64_t>(size_of_image64, 0xFFFFF000ull));
        if (uint64_t(base) + size_of_image > 0x100000000ull)
            return error("IMAGE_OPTIONAL_HEADER32.SizeOfImage",
                         i18n::trf("{size} bytes at ImageBase {base} run past the top of the 4 GB address space",
                                   fmt::arg("size", hex(size_of_image)), fmt::arg("base", hex(base))));

        const uint32_t size_of_headers = u32(opt::kSizeOfHeaders);
        const uint64_t headers_end =
            m_optional + uint64_t(m_optional_size) + uint64_t(m_section_count) * kSectionHeaderSize;
        if (size_of_headers < headers_end)
            return error("IMAGE_OPTIONAL_HEADER32.SizeOfHeaders",
                         i18n::trf("{value} does not cover the headers, which end at file offset {end}", fmt::arg("value", hex(size_of_headers)),
                                   fmt::arg("end", hex(headers_end))));
        if (size_of_headers > size_of_image)
            return error("IMAGE_OPTIONAL_HEADER32.SizeOfHeaders",
                         i18n::trf("{value} is larger than SizeOfImage ({image})", fmt::arg("value", hex(size_of_headers)), fmt::arg("image", hex(size_of_image))));
        if (!m_file.contains(0, size_of_headers))
            return error("IMAGE_OPTIONAL_HEADER32.SizeOfHeaders",
                         i18n::trf("{value} runs past the end of the file ({file})", fmt::arg("value", hex(size_of_headers)), fmt::arg("file", file_size_text())));

        const uint32_t entry = u32(opt::kAddressOfEntryPoint);
        if (entry == 0 && !m_image.is_dll)
            return error("IMAGE_OPTIONAL_HEADER32.AddressOfEntryPoint",
                         i18n::tr("is 0 in an EXE (only a DLL may have no entry point)"));
        if (entry >= size_of_image)
            return error("IMAGE_OPTIONAL_HEADER32.AddressOfEntryPoint",
                         i18n::trf("{value} lies outside the image (SizeOfImage {image})", fmt::arg("value", hex(entry)), fmt::arg("image", hex(size_of_image))));

        const uint32_t directory_count = u32(opt::kNumberOfRvaAndSizes);
        if (directory_count > kMaxDirectories)
            return error("IMAGE_OPTIONAL_HEADER32.NumberOfRvaAndSizes",
                         i18n::trf("{count} is more than the {max} data directories PE32 defines", fmt::arg("count", directory_count),
                                   fmt::arg("max", kMaxDirectories)));
        if (kOptionalFixedSize + 8ull * directory_count > m_optional_size)
            return error("IMAGE_OPTIONAL_HEADER32.NumberOfRvaAndSizes",
                         i18n::trfn("{count} directory does not fit in SizeOfOptionalHeader ({size} bytes)",
                                    "{count} directories do not fit in SizeOfOptionalHeader ({size} bytes)", directory_count,
                                    fmt::arg("count", directory_count), fmt::arg("size", m_optional_size)));
        for (uint32_t i = 0; i < directory_count; ++i) {
            m_directories[i].rva = u32(opt::kDataDirectory + 8ull * i);
            m_directories[i].size = u32(opt::kDataDirectory + 8ull * i + 4);
        }

        m_image.image_base = base;
        m_image.size_of_image = size_of_image;
        m_image.size_of_headers = size_of_headers;
        m_image.entry_rva = entry;
        read_image_information();
        const auto headers = m_file.slice(0, size_of_headers);
        m_image.headers.assign(headers.begin(), headers.end());
        return std::nullopt;
    }

    std::optional<PeError> read_section_table() {
        const uint64_t table = m_optional + m_optional_size;  // inside SizeOfHeaders, so inside the file
        uint64_t previous_end = round_up(m_image.size_of_headers, m_section_alignment);  // the headers page(s)
        std::string previous = i18n::tr("the headers");
        for (uint32_t i = 0; i < m_section_count; ++i) {
            const uint64_t at = table + i * kSectionHeaderSize;
            const std::string field = fmt::format("IMAGE_SECTION_HEADER[{}]", i);
            auto u32 = [&](uint64_t off) { return *m_file.read_u32(at + off); };

            std::string name;
            for (uint64_t k = 0; k < 8; ++k) {
                const uint8_t c = *m_file.read_u8(at + k);
                if (c == 0) break;
                if (c < 0x20 || c > 0x7E)
                    return error(field + ".Name", i18n::trf("byte {index} is {value:#04x}, not a printable ASCII character", fmt::arg("index", k), fmt::arg("value", c)));
                name += char(c);
            }
            // The field stays "IMAGE_SECTION_HEADER[i].X" (stable for tools and tests); the
            // section's name goes into the reason, where a reader looks for it.
            const std::string in = name.empty() ? std::string() : i18n::trf("section {name}: ", fmt::arg("name", name));

            const uint32_t virtual_size = u32(8), rva = u32(12), raw_size = u32(16), raw_pointer = u32(20);
            const uint32_t characteristics = u32(36);
            if (rva % m_section_alignment != 0)
                return error(field + ".VirtualAddress",
                             in + i18n::trf("{rva} is not a multiple of SectionAlignment ({alignment})", fmt::arg("rva", hex(rva)),
                                            fmt::arg("alignment", hex(m_section_alignment))));
            if (m_image.flat && raw_size != 0 && raw_pointer != rva)
                return error(field + ".PointerToRawData",
                             in + i18n::trf("{offset} differs from VirtualAddress {rva}: in a flat image every section lies in "
                                            "memory where it lies in the file",
                                            fmt::arg("offset", hex(raw_pointer)), fmt::arg("rva", hex(rva))));
            const uint32_t extent = virtual_size != 0 ? virtual_size : raw_size;
            if (extent == 0)
                return error(field + ".VirtualSize", in + i18n::tr("is 0 and so is SizeOfRawData: the section is empty"));
            if (rva < previous_end)
                return error(field + ".VirtualAddress",
                             in + i18n::trf("{rva} overlaps {previous} (ending at {end}); sections must be in increasing order",
                                       fmt::arg("rva", hex(rva)), fmt::arg("previous", previous), fmt::arg("end", hex(previous_end))));
            const uint64_t end = uint64_t(rva) + round_up(extent, m_section_alignment);
            if (end > m_image.size_of_image)
                return error(field + ".VirtualSize",
                             in + i18n::trf("{size} bytes at {rva} run past SizeOfImage ({image})", fmt::arg("size", hex(extent)), fmt::arg("rva", hex(rva)),
                                       fmt::arg("image", hex(m_image.size_of_image))));
            if (raw_size != 0 && !m_file.contains(raw_pointer, raw_size))
                return error(field + ".PointerToRawData",
                             in + i18n::trf("{size} bytes at file offset {offset} run past the end of the file ({file})", fmt::arg("size", hex(raw_size)),
                                       fmt::arg("offset", hex(raw_pointer)), fmt::arg("file", file_size_text())));
            if (characteristics & kScnReserved)
                return error(field + ".Characteristics",
                             in + i18n::trf("{value} sets reserved bits {bits}", fmt::arg("value", hex(characteristics)),
                                       fmt::arg("bits", hex(characteristics & kScnReserved))));
            if (characteristics & kScnObjectOnly)
                return error(field + ".Characteristics",
                             in + i18n::trf("{value} sets object-file-only bits {bits} (LNK_INFO/LNK_REMOVE/LNK_COMDAT)",
                                       fmt::arg("value", hex(characteristics)), fmt::arg("bits", hex(characteristics & kScnObjectOnly))));

            SectionExtent placed{rva, extent, raw_pointer, std::min(raw_size, extent)};
            ImageSection section;
            section.name = name;
            section.rva = rva;
            section.virtual_size = extent;
            section.characteristics = characteristics;
            section.file_offset = raw_pointer;
            const auto raw = m_file.slice(raw_pointer, placed.raw_size);
            section.raw.assign(raw.begin(), raw.end());
            m_image.sections.push_back(std::move(section));
            m_extents.push_back(placed);
            previous_end = end;
            previous = name.empty() ? field : i18n::trf("section {name}", fmt::arg("name", name));
        }
        return std::nullopt;
    }

    // The file offset of `length` initialised bytes at `rva`, when they all lie in one section's
    // raw data (directories in uninitialised data or in the headers are not accepted).
    std::optional<uint64_t> file_offset_of(uint64_t rva, uint64_t length) const {
        for (const SectionExtent& s : m_extents) {
            if (rva >= s.rva && rva - s.rva < s.raw_size && length <= s.raw_size - (rva - s.rva))
                return s.file_offset + (rva - s.rva);
        }
        return std::nullopt;
    }
    // How many initialised bytes of the same section follow `rva` (0 when it is in none).
    uint64_t raw_bytes_after(uint64_t rva) const {
        for (const SectionExtent& s : m_extents)
            if (rva >= s.rva && rva - s.rva < s.raw_size) return s.raw_size - (rva - s.rva);
        return 0;
    }

    std::optional<PeError> read_imports() {
        const DataDirectory dir = m_directories[kDirectoryImport];
        if (dir.rva == 0) return std::nullopt;  // imports nothing
        if (!file_offset_of(dir.rva, kImportDescriptorSize))
            return error("IMAGE_DIRECTORY_ENTRY_IMPORT.VirtualAddress",
                         i18n::trf("{rva} does not lie in a section's initialised data", fmt::arg("rva", hex(dir.rva))));
        // The list ends at the null descriptor, never later than the section's data: that bounds
        // the loop however the file is damaged.
        const uint64_t limit = raw_bytes_after(dir.rva) / kImportDescriptorSize;
        for (uint64_t i = 0;; ++i) {
            const std::string field = fmt::format("IMAGE_IMPORT_DESCRIPTOR[{}]", i);
            if (i >= limit)
                return error(field, i18n::trf("the import list at {rva} runs to the end of its section without a null "
                                              "descriptor",
                                              fmt::arg("rva", hex(dir.rva))));
            const uint64_t at = *file_offset_of(dir.rva + i * kImportDescriptorSize, kImportDescriptorSize);
            const uint32_t name_rva = *m_file.read_u32(at + 12), first_thunk = *m_file.read_u32(at + 16);
            if (name_rva == 0 && first_thunk == 0) break;
            if (name_rva == 0) return error(field + ".Name", i18n::tr("is 0 in a descriptor that is not the null entry"));
            const auto name_at = file_offset_of(name_rva, 1);
            if (!name_at)
                return error(field + ".Name",
                             i18n::trf("{rva} does not lie in a section's initialised data", fmt::arg("rva", hex(name_rva))));
            const auto name = m_file.read_cstring(*name_at, std::min(raw_bytes_after(name_rva), kMaxImportNameLength));
            if (!name)
                return error(field + ".Name",
                             i18n::trf("the string at {rva} has no terminating NUL within its section (or {max} bytes)",
                                       fmt::arg("rva", hex(name_rva)), fmt::arg("max", kMaxImportNameLength)));
            if (name->empty()) return error(field + ".Name", i18n::trf("the string at {rva} is empty", fmt::arg("rva", hex(name_rva))));
            for (const char c : *name) {
                if (uint8_t(c) < 0x20 || uint8_t(c) > 0x7E)
                    return error(field + ".Name", i18n::trf("the string at {rva} holds byte {value:#04x}, not a printable "
                                                            "ASCII character of a DLL name",
                                                            fmt::arg("rva", hex(name_rva)), fmt::arg("value", uint8_t(c))));
            }
            m_image.imports.push_back(*name);
        }
        return std::nullopt;
    }

    std::optional<PeError> read_relocations() {
        const DataDirectory dir = m_directories[kDirectoryBaseReloc];
        m_image.relocs_stripped = (m_characteristics & kFileRelocsStripped) != 0 || !dir.present();
        if (!dir.present()) return std::nullopt;
        const auto start = file_offset_of(dir.rva, dir.size);
        if (!start)
            return error("IMAGE_DIRECTORY_ENTRY_BASERELOC",
                         i18n::trf("{size} bytes at {rva} do not lie in one section's initialised data", fmt::arg("size", hex(dir.size)),
                                   fmt::arg("rva", hex(dir.rva))));
        uint64_t offset = 0;
        for (uint32_t block = 0; offset < dir.size; ++block) {
            const std::string field = fmt::format("IMAGE_BASE_RELOCATION[{}]", block);
            if (dir.size - offset < kBaseRelocationSize)
                return error(field, i18n::trfn("only {count} byte is left in the directory, less than a block header",
                                               "only {count} bytes are left in the directory, less than a block header", dir.size - offset,
                                               fmt::arg("count", dir.size - offset)));
            const uint64_t at = *start + offset;
            const uint32_t page_rva = *m_file.read_u32(at), block_size = *m_file.read_u32(at + 4);
            if (page_rva % kPageSize != 0)
                return error(field + ".VirtualAddress", i18n::trf("{rva} is not page aligned", fmt::arg("rva", hex(page_rva))));
            if (page_rva >= m_image.size_of_image)
                return error(field + ".VirtualAddress",
                             i18n::trf("{value} lies outside the image (SizeOfImage {image})", fmt::arg("value", hex(page_rva)),
                                       fmt::arg("image", hex(m_image.size_of_image))));
            if (block_size < kBaseRelocationSize || block_size % 2 != 0)
                return error(field + ".SizeOfBlock",
                             i18n::trf("{size} is not an 8-byte header plus whole 2-byte entries", fmt::arg("size", block_size)));
            if (block_size > dir.size - offset)
                return error(field + ".SizeOfBlock",
                             i18n::trfn("{size} runs past the end of the directory ({left} byte left)",
                                        "{size} runs past the end of the directory ({left} bytes left)", dir.size - offset,
                                        fmt::arg("size", hex(block_size)), fmt::arg("left", dir.size - offset)));
            const uint32_t entries = (block_size - kBaseRelocationSize) / 2;
            for (uint32_t e = 0; e < entries; ++e) {
                const uint16_t entry = *m_file.read_u16(at + kBaseRelocationSize + 2ull * e);
                const uint16_t type = entry >> 12;
                const uint32_t fixup = page_rva + (entry & 0x0FFF);
                if (type == kRelAbsolute) continue;  // padding that keeps blocks 4-byte aligned
                if (type != kRelHighLow)
                    return error(field,
                                 i18n::trf("entry {entry} (page {page}) has type {type}; PageLab applies only IMAGE_REL_BASED_HIGHLOW "
                                           "(3) and skips ABSOLUTE (0)",
                                           fmt::arg("entry", e), fmt::arg("page", hex(page_rva)), fmt::arg("type", type)));
                if (uint64_t(fixup) + 4 > m_image.size_of_image)
                    return error(field, i18n::trf("entry {entry} patches {rva}, past the end of the image", fmt::arg("entry", e), fmt::arg("rva", hex(fixup))));
                m_image.relocation_rvas.push_back(fixup);
            }
            offset += block_size;
        }
        std::sort(m_image.relocation_rvas.begin(), m_image.relocation_rvas.end());
        return std::nullopt;
    }

    ByteReader m_file;
    ImageDescription m_image;
    uint32_t m_nt = 0;               // file offset of IMAGE_NT_HEADERS
    uint64_t m_optional = 0;         // file offset of IMAGE_OPTIONAL_HEADER32
    uint16_t m_optional_size = 0;
    uint16_t m_section_count = 0;
    uint16_t m_characteristics = 0;  // IMAGE_FILE_HEADER.Characteristics
    uint32_t m_section_alignment = kPageSize;
    DataDirectory m_directories[kMaxDirectories];
    std::vector<SectionExtent> m_extents;
};

}  // namespace

PeReadResult read_pe_image(const std::vector<uint8_t>& bytes, const std::string& path) {
    return PeReader(bytes, path).read();
}

}  // namespace pagelab::os
