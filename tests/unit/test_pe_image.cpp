// os::read_pe_image: the real PE32 reader. The fixtures (tests/fixtures/pe, README.md there) are
// small mingw-w64 builds committed as binaries; the failure paths are made here by truncating
// and corrupting copies of them, one field at a time and then at random.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "os/PeImage.h"

using namespace pagelab::os;

namespace {

std::vector<uint8_t> load_fixture(const std::string& name) {
    const std::string path = std::string(PAGELAB_SOURCE_DIR) + "/tests/fixtures/pe/" + name;
    std::ifstream in(path, std::ios::binary);
    INFO(path);
    REQUIRE(in.good());
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const ImageDescription& image_of(const PeReadResult& r) {
    if (const auto* e = std::get_if<PeError>(&r)) FAIL("unexpected PeError: " << e->message());
    return std::get<ImageDescription>(r);
}

// The field a failed read names ("" when the read succeeded).
std::string error_field(const PeReadResult& r) {
    const auto* e = std::get_if<PeError>(&r);
    return e ? e->field : std::string();
}
std::string error_message(const PeReadResult& r) {
    const auto* e = std::get_if<PeError>(&r);
    return e ? e->message() : std::string("(no error)");
}

uint32_t get_u32(const std::vector<uint8_t>& b, size_t at) {
    return uint32_t(b.at(at)) | uint32_t(b.at(at + 1)) << 8 | uint32_t(b.at(at + 2)) << 16 |
           uint32_t(b.at(at + 3)) << 24;
}
uint16_t get_u16(const std::vector<uint8_t>& b, size_t at) { return uint16_t(b.at(at) | b.at(at + 1) << 8); }
void put_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b.at(at + i) = uint8_t(v >> (8 * i));
}
void put_u16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
    b.at(at) = uint8_t(v);
    b.at(at + 1) = uint8_t(v >> 8);
}

// Where the headers are in a (well-formed) fixture, for the corruption tests.
struct Layout {
    size_t nt = 0, file_header = 0, optional = 0, sections = 0;

    explicit Layout(const std::vector<uint8_t>& b) {
        nt = get_u32(b, 0x3C);
        file_header = nt + 4;
        optional = nt + 24;
        sections = optional + get_u16(b, file_header + 16);
    }
    size_t section(size_t i) const { return sections + 40 * i; }
    size_t directory(size_t i) const { return optional + 96 + 8 * i; }
    // File offset of `rva`, through the section table.
    size_t file_offset(const std::vector<uint8_t>& b, uint32_t rva) const {
        const uint16_t count = get_u16(b, file_header + 2);
        for (size_t i = 0; i < count; ++i) {
            const uint32_t va = get_u32(b, section(i) + 12), raw = get_u32(b, section(i) + 16);
            if (rva >= va && rva < va + raw) return get_u32(b, section(i) + 20) + (rva - va);
        }
        FAIL("rva not in any section's raw data");
        return 0;
    }
};

const ImageSection* find_section(const ImageDescription& d, const std::string& name) {
    for (const ImageSection& s : d.sections)
        if (s.name == name) return &s;
    return nullptr;
}

// What every successful read promises, whatever the input was.
void check_description_invariants(const ImageDescription& d) {
    REQUIRE(d.image_base % 0x10000 == 0);
    REQUIRE(d.size_of_image % 0x1000 == 0);
    REQUIRE(d.headers.size() == d.size_of_headers);
    REQUIRE(d.size_of_headers <= d.size_of_image);
    REQUIRE(d.entry_rva < d.size_of_image);
    REQUIRE(!d.sections.empty());
    uint64_t previous_end = d.size_of_headers;
    for (const ImageSection& s : d.sections) {
        REQUIRE(s.rva % 0x1000 == 0);
        REQUIRE(s.rva >= previous_end);
        REQUIRE(s.virtual_size > 0);
        REQUIRE(s.raw.size() <= s.virtual_size);
        previous_end = uint64_t(s.rva) + s.virtual_size;
        REQUIRE(previous_end <= d.size_of_image);
    }
    REQUIRE(std::is_sorted(d.relocation_rvas.begin(), d.relocation_rvas.end()));
    for (uint32_t r : d.relocation_rvas) REQUIRE(uint64_t(r) + 4 <= d.size_of_image);
    if (d.relocation_rvas.empty()) REQUIRE(d.relocs_stripped);
    for (const std::string& name : d.imports) REQUIRE(!name.empty());
}

const char* const kFixtures[] = {"appinst.exe", "reldll.dll", "fixeddll.dll", "useslib.exe"};

}  // namespace

// ---- the fixtures read correctly ----

TEST_CASE("appinst.exe reads as a fixed EXE at 0x00400000 with a SHARED writable section", "[pe]") {
    const auto bytes = load_fixture("appinst.exe");
    const auto result = read_pe_image(bytes, "C:\\APP\\AppInst.exe");
    const ImageDescription& d = image_of(result);
    CHECK(d.path == "C:\\APP\\AppInst.exe");
    CHECK(d.image_base == 0x00400000);
    CHECK_FALSE(d.is_dll);
    CHECK(d.relocs_stripped);
    CHECK(d.relocation_rvas.empty());
    CHECK(d.imports.empty());
    CHECK(d.size_of_headers == 0x400);
    CHECK(d.headers.size() == 0x400);
    CHECK(std::equal(d.headers.begin(), d.headers.end(), bytes.begin()));
    CHECK(d.size_of_image == 0x5000);

    const ImageSection* text = find_section(d, ".text");
    REQUIRE(text != nullptr);
    CHECK(d.entry_rva >= text->rva);
    CHECK(d.entry_rva < text->rva + text->virtual_size);
    CHECK((text->characteristics & scn::kCode));
    CHECK((text->characteristics & scn::kExecute));
    CHECK_FALSE((text->characteristics & scn::kWrite));

    const ImageSection* shared = find_section(d, "Shared");
    REQUIRE(shared != nullptr);
    CHECK((shared->characteristics & scn::kShared));
    CHECK((shared->characteristics & scn::kWrite));

    const ImageSection* data = find_section(d, ".data");
    REQUIRE(data != nullptr);
    CHECK_FALSE((data->characteristics & scn::kShared));
    CHECK((data->characteristics & scn::kWrite));
    // g_private_counter = 1: the raw bytes are the file's, copied from PointerToRawData.
    REQUIRE(data->raw.size() == 4);
    CHECK(data->file_offset == 0x600);
    CHECK(get_u32(data->raw, 0) == 1);
    check_description_invariants(d);
}

TEST_CASE("reldll.dll reads as a DLL at 0x10000000 with six HIGHLOW fixups in .text and .data", "[pe]") {
    const auto result = read_pe_image(load_fixture("reldll.dll"), "reldll.dll");
    const ImageDescription& d = image_of(result);
    CHECK(d.image_base == 0x10000000);
    CHECK(d.is_dll);
    CHECK_FALSE(d.relocs_stripped);
    CHECK(d.imports.empty());
    // objdump -p: block 0x1000 has fixups at +2, +f, +1e, +25; block 0x2000 at +0, +4.
    CHECK(d.relocation_rvas == std::vector<uint32_t>{0x1002, 0x100f, 0x101e, 0x1025, 0x2000, 0x2004});

    const ImageSection* text = find_section(d, ".text");
    REQUIRE(text != nullptr);
    CHECK(d.entry_rva >= text->rva);
    CHECK(d.entry_rva < text->rva + text->virtual_size);
    // .bss: memory without file bytes (demand-zero when mapped).
    const ImageSection* bss = find_section(d, ".bss");
    REQUIRE(bss != nullptr);
    CHECK(bss->raw.empty());
    CHECK(bss->virtual_size == 4);
    CHECK((bss->characteristics & scn::kUninitializedData));
    CHECK(find_section(d, ".reloc") != nullptr);
    check_description_invariants(d);
}

TEST_CASE("fixeddll.dll reads as a DLL whose relocations are stripped", "[pe]") {
    const auto result = read_pe_image(load_fixture("fixeddll.dll"), "fixeddll.dll");
    const ImageDescription& d = image_of(result);
    CHECK(d.image_base == 0x10000000);
    CHECK(d.is_dll);
    CHECK(d.relocs_stripped);
    CHECK(d.relocation_rvas.empty());
    CHECK(find_section(d, ".reloc") == nullptr);
    check_description_invariants(d);
}

TEST_CASE("useslib.exe reads with reldll.dll as its only import", "[pe]") {
    const auto result = read_pe_image(load_fixture("useslib.exe"), "useslib.exe");
    const ImageDescription& d = image_of(result);
    CHECK(d.image_base == 0x00400000);
    CHECK_FALSE(d.is_dll);
    CHECK(d.relocs_stripped);
    CHECK(d.imports == std::vector<std::string>{"reldll.dll"});
    check_description_invariants(d);
}

TEST_CASE("a SizeOfImage that is not a multiple of SectionAlignment is rounded up, as Windows does", "[pe]") {
    auto bytes = load_fixture("appinst.exe");
    const Layout at(bytes);
    const uint32_t declared = get_u32(bytes, at.optional + 56);
    put_u32(bytes, at.optional + 56, declared - 0x800);
    const auto result = read_pe_image(bytes, "appinst.exe");
    CHECK(image_of(result).size_of_image == declared);
}

TEST_CASE("a relocatable DLL whose header says RELOCS_STRIPPED is marked stripped", "[pe]") {
    auto bytes = load_fixture("reldll.dll");
    const Layout at(bytes);
    put_u16(bytes, at.file_header + 18, get_u16(bytes, at.file_header + 18) | 0x0001);
    const auto result = read_pe_image(bytes, "reldll.dll");
    CHECK(image_of(result).relocs_stripped);
}

TEST_CASE("a DLL may have no entry point, an EXE may not", "[pe]") {
    auto dll = load_fixture("reldll.dll");
    put_u32(dll, Layout(dll).optional + 16, 0);
    CHECK(image_of(read_pe_image(dll, "reldll.dll")).entry_rva == 0);

    auto exe = load_fixture("appinst.exe");
    put_u32(exe, Layout(exe).optional + 16, 0);
    CHECK(error_field(read_pe_image(exe, "appinst.exe")) == "IMAGE_OPTIONAL_HEADER32.AddressOfEntryPoint");
}

// ---- one corrupted field at a time: the error names that field ----

TEST_CASE("an error names the field and says why, e.g. an e_lfanew past the end of the file", "[pe]") {
    auto bytes = load_fixture("appinst.exe");
    put_u32(bytes, 0x3C, 0x00010000);
    const auto result = read_pe_image(bytes, "appinst.exe");
    CHECK(error_field(result) == "IMAGE_DOS_HEADER.e_lfanew");
    CHECK(error_message(result) ==
          "IMAGE_DOS_HEADER.e_lfanew: 0x00010000 points past the end of the file (3072 bytes)");
}

TEST_CASE("each corrupted header field is reported by name", "[pe]") {
    struct Case {
        const char* what;
        const char* fixture;
        std::function<void(std::vector<uint8_t>&, const Layout&)> corrupt;
        const char* field;
        const char* says;  // a phrase the reason must contain
    };
    const std::vector<Case> cases = {
        {"empty file", "appinst.exe", [](auto& b, auto&) { b.clear(); }, "IMAGE_DOS_HEADER", "shorter"},
        {"no MZ", "appinst.exe", [](auto& b, auto&) { put_u16(b, 0, 0x4D5A); }, "IMAGE_DOS_HEADER.e_magic", "MZ"},
        {"e_lfanew past EOF", "appinst.exe", [](auto& b, auto&) { put_u32(b, 0x3C, 0xFFFFFFFC); },
         "IMAGE_DOS_HEADER.e_lfanew", "past the end"},
        {"e_lfanew misaligned", "appinst.exe", [](auto& b, auto&) { put_u32(b, 0x3C, 0x82); },
         "IMAGE_DOS_HEADER.e_lfanew", "aligned"},
        {"signature", "appinst.exe", [](auto& b, auto& l) { b[l.nt + 1] = 'X'; }, "IMAGE_NT_HEADERS.Signature",
         "PE"},
        {"machine AMD64", "appinst.exe", [](auto& b, auto& l) { put_u16(b, l.file_header, 0x8664); },
         "IMAGE_FILE_HEADER.Machine", "I386"},
        {"no sections", "appinst.exe", [](auto& b, auto& l) { put_u16(b, l.file_header + 2, 0); },
         "IMAGE_FILE_HEADER.NumberOfSections", "1..96"},
        {"97 sections", "appinst.exe", [](auto& b, auto& l) { put_u16(b, l.file_header + 2, 97); },
         "IMAGE_FILE_HEADER.NumberOfSections", "1..96"},
        {"optional header too small", "appinst.exe", [](auto& b, auto& l) { put_u16(b, l.file_header + 16, 64); },
         "IMAGE_FILE_HEADER.SizeOfOptionalHeader", "smaller"},
        {"not executable", "appinst.exe",
         [](auto& b, auto& l) { put_u16(b, l.file_header + 18, get_u16(b, l.file_header + 18) & ~0x0002); },
         "IMAGE_FILE_HEADER.Characteristics", "EXECUTABLE_IMAGE"},
        {"PE32+ magic", "appinst.exe", [](auto& b, auto& l) { put_u16(b, l.optional, 0x20B); },
         "IMAGE_OPTIONAL_HEADER32.Magic", "PE32+"},
        {"ImageBase not 64 KB aligned", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.optional + 28, 0x401000); },
         "IMAGE_OPTIONAL_HEADER32.ImageBase", "64 KB"},
        // 0x200 = FileAlignment would be a flat image (rule 12); below FileAlignment it is refused.
        {"SectionAlignment 256", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.optional + 32, 0x100); },
         "IMAGE_OPTIONAL_HEADER32.SectionAlignment", "page-aligned"},
        {"a flat image's section not at its file offset", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.optional + 32, 0x200); },
         "IMAGE_SECTION_HEADER[0].PointerToRawData", "flat image"},
        {"FileAlignment not a power of two", "appinst.exe",
         [](auto& b, auto& l) { put_u32(b, l.optional + 36, 0x300); }, "IMAGE_OPTIONAL_HEADER32.FileAlignment",
         "power of two"},
        {"SizeOfImage 0", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.optional + 56, 0); },
         "IMAGE_OPTIONAL_HEADER32.SizeOfImage", "is 0"},
        {"SizeOfImage past 4 GB", "reldll.dll", [](auto& b, auto& l) { put_u32(b, l.optional + 56, 0xF0001000); },
         "IMAGE_OPTIONAL_HEADER32.SizeOfImage", "4 GB"},
        {"SizeOfHeaders too small", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.optional + 60, 0x100); },
         "IMAGE_OPTIONAL_HEADER32.SizeOfHeaders", "does not cover"},
        {"SizeOfHeaders past EOF", "appinst.exe", [](auto& b, auto& l) {
             put_u32(b, l.optional + 60, 0x2000);
             put_u32(b, l.optional + 56, 0x10000);
         },
         "IMAGE_OPTIONAL_HEADER32.SizeOfHeaders", "past the end of the file"},
        {"entry point outside the image", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.optional + 16, 0x5000); },
         "IMAGE_OPTIONAL_HEADER32.AddressOfEntryPoint", "outside"},
        {"17 data directories", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.optional + 92, 17); },
         "IMAGE_OPTIONAL_HEADER32.NumberOfRvaAndSizes", "16"},
        {"section RVAs overlap", "appinst.exe",
         [](auto& b, auto& l) { put_u32(b, l.section(1) + 12, get_u32(b, l.section(0) + 12)); },
         "IMAGE_SECTION_HEADER[1].VirtualAddress", "overlaps"},
        {"section RVAs decrease", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.section(2) + 12, 0x1000); },
         "IMAGE_SECTION_HEADER[2].VirtualAddress", "overlaps"},
        {"section in the headers page", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.section(0) + 12, 0); },
         "IMAGE_SECTION_HEADER[0].VirtualAddress", "overlaps the headers"},
        {"section RVA not page aligned", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.section(0) + 12, 0x1200); },
         "IMAGE_SECTION_HEADER[0].VirtualAddress", "multiple of SectionAlignment"},
        {"section past SizeOfImage", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.section(3) + 8, 0x1001); },
         "IMAGE_SECTION_HEADER[3].VirtualSize", "SizeOfImage"},
        {"empty section", "appinst.exe", [](auto& b, auto& l) {
             put_u32(b, l.section(1) + 8, 0);
             put_u32(b, l.section(1) + 16, 0);
         },
         "IMAGE_SECTION_HEADER[1].VirtualSize", "empty"},
        {"raw pointer past EOF", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.section(1) + 20, 0x10000); },
         "IMAGE_SECTION_HEADER[1].PointerToRawData", "past the end of the file"},
        {"raw size past EOF", "appinst.exe", [](auto& b, auto& l) { put_u32(b, l.section(3) + 16, 0xFFFFFE00); },
         "IMAGE_SECTION_HEADER[3].PointerToRawData", "past the end of the file"},
        {"unprintable section name", "appinst.exe", [](auto& b, auto& l) { b[l.section(0) + 1] = 0x07; },
         "IMAGE_SECTION_HEADER[0].Name", "printable"},
        {"reserved section bit", "appinst.exe",
         [](auto& b, auto& l) { put_u32(b, l.section(0) + 36, get_u32(b, l.section(0) + 36) | 0x10); },
         "IMAGE_SECTION_HEADER[0].Characteristics", "reserved"},
        {"COMDAT in an image", "appinst.exe",
         [](auto& b, auto& l) { put_u32(b, l.section(0) + 36, get_u32(b, l.section(0) + 36) | 0x1000); },
         "IMAGE_SECTION_HEADER[0].Characteristics", "object-file-only"},
        {"import directory outside every section", "useslib.exe",
         [](auto& b, auto& l) { put_u32(b, l.directory(1), 0x7FFF0000); }, "IMAGE_DIRECTORY_ENTRY_IMPORT.VirtualAddress",
         "section"},
        {"import name RVA out of range", "useslib.exe",
         [](auto& b, auto& l) { put_u32(b, l.file_offset(b, get_u32(b, l.directory(1))) + 12, 0x7FFFFFF0); },
         "IMAGE_IMPORT_DESCRIPTOR[0].Name", "does not lie"},
        {"import name RVA 0 before the null entry", "useslib.exe",
         [](auto& b, auto& l) { put_u32(b, l.file_offset(b, get_u32(b, l.directory(1))) + 12, 0); },
         "IMAGE_IMPORT_DESCRIPTOR[0].Name", "null entry"},
        {"import name without a terminating NUL", "useslib.exe",
         [](auto& b, auto& l) {
             const uint32_t name_rva = get_u32(b, l.file_offset(b, get_u32(b, l.directory(1))) + 12);
             std::fill(b.begin() + l.file_offset(b, name_rva), b.end(), uint8_t('A'));
         },
         "IMAGE_IMPORT_DESCRIPTOR[0].Name", "terminating NUL"},
        {"import name not printable", "useslib.exe",
         [](auto& b, auto& l) {
             const uint32_t name_rva = get_u32(b, l.file_offset(b, get_u32(b, l.directory(1))) + 12);
             b[l.file_offset(b, name_rva) + 1] = 0x01;
         },
         "IMAGE_IMPORT_DESCRIPTOR[0].Name", "printable"},
        {"import list without a null entry", "appinst.exe",
         [](auto& b, auto& l) {
             // appinst's .idata holds only the null descriptor (0x14 bytes). Make it a real one
             // naming "AB" (written over .data at RVA 0x2000): the list then runs off the end.
             const size_t data = get_u32(b, l.section(1) + 20);
             b[data] = 'A', b[data + 1] = 'B', b[data + 2] = 0;
             const size_t first = l.file_offset(b, get_u32(b, l.directory(1)));
             put_u32(b, first + 12, 0x2000);
             put_u32(b, first + 16, 0x2000);
         },
         "IMAGE_IMPORT_DESCRIPTOR[1]", "null descriptor"},
        {"relocation block size 0", "reldll.dll",
         [](auto& b, auto& l) { put_u32(b, l.file_offset(b, get_u32(b, l.directory(5))) + 4, 0); },
         "IMAGE_BASE_RELOCATION[0].SizeOfBlock", "8-byte header"},
        {"relocation block size huge", "reldll.dll",
         [](auto& b, auto& l) { put_u32(b, l.file_offset(b, get_u32(b, l.directory(5))) + 4, 0xFFFFFFF0); },
         "IMAGE_BASE_RELOCATION[0].SizeOfBlock", "past the end of the directory"},
        {"second relocation block too big", "reldll.dll",
         [](auto& b, auto& l) { put_u32(b, l.file_offset(b, get_u32(b, l.directory(5))) + 16 + 4, 14); },
         "IMAGE_BASE_RELOCATION[1].SizeOfBlock", "past the end of the directory"},
        {"relocation block not page aligned", "reldll.dll",
         [](auto& b, auto& l) { put_u32(b, l.file_offset(b, get_u32(b, l.directory(5))), 0x1010); },
         "IMAGE_BASE_RELOCATION[0].VirtualAddress", "page aligned"},
        {"unknown relocation type", "reldll.dll",
         [](auto& b, auto& l) {
             const size_t entry = l.file_offset(b, get_u32(b, l.directory(5))) + 8 + 2;  // block 0, entry 1
             put_u16(b, entry, uint16_t(0xA000 | (get_u16(b, entry) & 0x0FFF)));
         },
         "IMAGE_BASE_RELOCATION[0]", "type 10"},
        {"relocation directory outside every section", "reldll.dll",
         [](auto& b, auto& l) { put_u32(b, l.directory(5) + 4, 0x1000); }, "IMAGE_DIRECTORY_ENTRY_BASERELOC",
         "section"},
    };
    for (const Case& c : cases) {
        auto bytes = load_fixture(c.fixture);
        const Layout layout(bytes);
        c.corrupt(bytes, layout);
        const auto result = read_pe_image(bytes, c.fixture);
        INFO(c.what << ": " << error_message(result));
        CHECK(error_field(result) == c.field);
        CHECK(error_message(result).find(c.says) != std::string::npos);
    }
}

// ---- damaged files never crash, hang or read out of bounds ----

TEST_CASE("every truncated prefix of every fixture is rejected, never read past its end", "[pe]") {
    for (const char* name : kFixtures) {
        const auto bytes = load_fixture(name);
        size_t errors = 0;
        for (size_t n = 0; n < bytes.size(); ++n) {
            // A fresh exact-size vector, so a sanitizer build catches a read one past the end.
            const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
            const auto result = read_pe_image(prefix, name);
            if (std::holds_alternative<PeError>(result)) ++errors;
        }
        INFO(name);
        // Each fixture's last section's raw data ends at the end of the file.
        CHECK(errors == bytes.size());
        CHECK(std::holds_alternative<ImageDescription>(read_pe_image(bytes, name)));
    }
}

TEST_CASE("thousands of randomly corrupted fixtures give an error or a sound description", "[pe]") {
    // Deterministic: a fixed seed and the raw mt19937 stream (whose sequence the standard fixes).
    std::mt19937 rng(20240611);
    size_t accepted = 0, rejected = 0;
    for (const char* name : kFixtures) {
        const auto original = load_fixture(name);
        const uint32_t headers = get_u32(original, Layout(original).optional + 60);
        for (int mutant = 0; mutant < 2500; ++mutant) {
            auto bytes = original;
            const uint32_t flips = 1 + rng() % 8;
            for (uint32_t f = 0; f < flips; ++f) {
                // Most flips land in the headers, where they change what is parsed.
                const size_t span = (rng() % 4 != 0) ? headers : bytes.size();
                const size_t at = rng() % span;
                switch (rng() % 3) {
                    case 0: bytes[at] ^= uint8_t(1u << (rng() % 8)); break;
                    case 1: bytes[at] = uint8_t(rng()); break;
                    default: bytes[at] = (rng() % 2) ? 0x00 : 0xFF; break;
                }
            }
            if (rng() % 16 == 0) bytes.resize(rng() % bytes.size());
            const auto result = read_pe_image(bytes, name);
            if (const auto* d = std::get_if<ImageDescription>(&result)) {
                ++accepted;
                check_description_invariants(*d);
            } else {
                ++rejected;
                const PeError& e = std::get<PeError>(result);
                REQUIRE(!e.field.empty());
                REQUIRE(!e.reason.empty());
            }
        }
    }
    // Both outcomes occur: the mutants exercise the checks and the success path.
    CHECK(accepted > 100);
    CHECK(rejected > 1000);
}

TEST_CASE("SectionImageInformation's fields are read from the optional header as it says", "[pe][query-section]") {
    auto bytes = load_fixture("appinst.exe");
    const Layout at(bytes);
    const ImageDescription plain = image_of(read_pe_image(bytes, "appinst.exe"));
    CHECK(plain.size_of_code == get_u32(bytes, at.optional + 4));
    CHECK(plain.subsystem == get_u16(bytes, at.optional + 68));
    CHECK(plain.subsystem_major == get_u16(bytes, at.optional + 48));
    put_u32(bytes, at.optional + 4, 0x1234);         // SizeOfCode
    put_u16(bytes, at.optional + 48, 5);             // MajorSubsystemVersion
    put_u16(bytes, at.optional + 50, 1);             // MinorSubsystemVersion
    put_u32(bytes, at.optional + 64, 0x0001ABCD);    // CheckSum
    put_u16(bytes, at.optional + 68, 3);             // IMAGE_SUBSYSTEM_WINDOWS_CUI
    put_u32(bytes, at.optional + 72, 0x200000);      // SizeOfStackReserve
    put_u32(bytes, at.optional + 76, 0x2000);        // SizeOfStackCommit
    put_u32(bytes, at.optional + 88, 0x5);           // LoaderFlags
    const auto result = read_pe_image(bytes, "appinst.exe");
    const ImageDescription& d = image_of(result);
    CHECK(d.size_of_code == 0x1234);
    CHECK(d.subsystem_major == 5);
    CHECK(d.subsystem_minor == 1);
    CHECK(d.checksum == 0x0001ABCD);
    CHECK(d.subsystem == 3);
    CHECK(d.stack_reserve == 0x200000);
    CHECK(d.stack_commit == 0x2000);
    CHECK(d.loader_flags == 0x5);
}
