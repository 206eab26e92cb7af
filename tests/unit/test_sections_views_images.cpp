// Issue 16, part 2: sections, views and images. An image section reads the file through the cache
// (rule 8), flat images (rule 12), LoadLibraryEx's flags, NtQuerySection, MapViewOfFile with access
// 0, SEC_NOCACHE / SEC_LARGE_PAGES / SEC_FILE, DYNAMIC_BASE ignored.
#include "TestHelpers.h"

#include <fstream>
#include <iterator>

#include "os/Loader.h"
#include "os/PeImage.h"
#include "os/SectionQuery.h"
#include "os/SyntheticImage.h"

using namespace pagelab;
namespace scn = os::scn;

namespace {

std::vector<uint8_t> fixture(const std::string& name) {
    const std::string path = std::string(PAGELAB_SOURCE_DIR) + "/tests/fixtures/pe/" + name;
    std::ifstream in(path, std::ios::binary);
    INFO(path);
    REQUIRE(in.good());
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

uint32_t get_u32(const std::vector<uint8_t>& b, size_t at) {
    return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}
void put_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

void add_image(os::Machine& m, const std::string& path, uint32_t base, bool dll, std::vector<std::string> imports = {},
               uint16_t dll_characteristics = 0) {
    os::ImageDescription img;
    img.image_base = base;
    img.is_dll = dll;
    img.entry_rva = 0x1000;
    img.imports = std::move(imports);
    img.dll_characteristics = dll_characteristics;
    os::SyntheticSection text;
    text.section.name = ".text";
    text.section.virtual_size = 0x1000;
    text.section.characteristics = scn::kCode | scn::kRead | scn::kExecute;
    text.section.raw = {'c', 'o', 'd', 'e'};
    auto bytes = os::build_synthetic_image(img, {text}, true);
    m.add_image(path, std::move(bytes), img);
}

bool has_module(const os::Machine& m, uint16_t process, const std::string& name) {
    for (const os::Module& mod : m.modules(process))
        if (mod.name == name) return true;
    return false;
}

}  // namespace

TEST_CASE("an image section reads the file through the cache, then keeps its own pages (rule 8)", "[sections][image]") {
    test::Rig rig{test::make_config(mm::Personality::Nt, 64, 64)};
    add_image(rig.machine, "C:\\APP\\tool.exe", 0x00400000, false);
    mm::MemoryManager& mm = rig.mm();
    const uint32_t f = mm.create_file(rig.space, "C:\\APP\\tool.exe", mm::generic::kRead | mm::generic::kWrite, mm::Disposition::Open).value;
    const uint32_t m = mm.create_file_mapping(rig.space, f, mm::page::kReadWrite, 0, 0, {}).value;
    const mm::Result v = mm.map_view(rig.space, m, mm::filemap::kWrite, 0, 0, 0);
    REQUIRE(v.ok);
    // "MZ" -> "XZ" through the data view, not flushed: the disk still says MZ.
    REQUIRE(rig.write(v.value, 'X', 1).ok());
    CHECK(mm.files()[0].bytes[0] == 'M');
    CHECK(mm.file_through_cache(0)[0] == 'X');
    const os::LoadOutcome bad = os::create_image_mapping(rig.machine, rig.space, f, {});
    CHECK_FALSE(bad.result.ok);
    CHECK(bad.result.error == mm::Error::BadExeFormat);
    CHECK(bad.note.find("IMAGE_DOS_HEADER.e_magic") != std::string::npos);
    CHECK_FALSE(mm.find_image_section(0));
    // Put "MZ" back and change the code's bytes (file offset 0x400), still unflushed.
    REQUIRE(rig.write(v.value, 'M', 1).ok());
    REQUIRE(rig.write(v.value + 0x400, 'E', 1).ok());
    const os::LoadOutcome ok = os::create_image_mapping(rig.machine, rig.space, f, {});
    REQUIRE(ok.result.ok);
    const mm::Result iv = mm.map_view(rig.space, ok.result.value, mm::filemap::kRead, 0, 0, 0);
    REQUIRE(iv.ok);
    CHECK(rig.read(iv.value + 0x1000, 1).value == 'E');
    // Later writes through the data view, even flushed, do not reach the image.
    REQUIRE(rig.write(v.value, 'Z', 1).ok());
    REQUIRE(rig.write(v.value + 0x400, 'L', 1).ok());
    REQUIRE(mm.flush_view(rig.space, v.value, 0).ok);
    CHECK(mm.files()[0].bytes[0] == 'Z');
    CHECK(mm.files()[0].bytes[0x400] == 'L');
    CHECK(rig.read(iv.value, 1).value == 'M');
    CHECK(rig.read(iv.value + 0x1000, 1).value == 'E');
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a flat image (SectionAlignment = FileAlignment = 0x200) parses and is one EXECUTE_WRITECOPY region (rule 12)",
          "[sections][pe][flat]") {
    const auto bytes = fixture("flat.exe");
    const os::PeReadResult r = os::read_pe_image(bytes, "flat.exe");
    REQUIRE(std::holds_alternative<os::ImageDescription>(r));
    const os::ImageDescription& img = std::get<os::ImageDescription>(r);
    CHECK(img.flat);
    CHECK(img.size_of_image == 0xA00);
    CHECK(img.file_size == bytes.size());
    CHECK(img.sections.at(0).rva == img.sections.at(0).file_offset);
    const auto pages = os::image_pages(img);
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].mm_protection == *mm::to_mm_protection(mm::page::kExecuteWriteCopy));
    CHECK(pages[0].file_offset == 0);
    CHECK(pages[0].file_bytes == bytes.size());

    test::Rig rig{test::make_config(mm::Personality::Nt, 64, 64), false};
    rig.machine.add_image("C:\\APP\\flat.exe", bytes, img);
    const os::LoadOutcome o = os::create_process(rig.machine, "F", "C:\\APP\\flat.exe");
    REQUIRE(o.result.ok);
    rig.space = rig.machine.processes()[o.result.value].space;
    const mm::MemoryBasicInformation q = rig.query(0x00400000);
    CHECK(q.region_size == 0x1000);
    CHECK(q.protect == mm::page::kExecuteWriteCopy);
    CHECK(rig.read(0x00400600).value == 0x464C4154);
    REQUIRE(rig.write(0x00400600, 1).ok());
    CHECK(rig.query(0x00400000).protect == mm::page::kExecuteReadWrite);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a flat image's alignments and section offsets are checked, naming the field", "[sections][pe][flat]") {
    const auto bytes = fixture("flat.exe");
    const size_t opt = get_u32(bytes, 0x3C) + 24;
    auto other_file_alignment = bytes;
    put_u32(other_file_alignment, opt + 36, 0x400);
    const os::PeReadResult a = os::read_pe_image(other_file_alignment, "flat.exe");
    REQUIRE(std::holds_alternative<os::PeError>(a));
    CHECK(std::get<os::PeError>(a).field == "IMAGE_OPTIONAL_HEADER32.SectionAlignment");

    auto moved_section = bytes;
    const size_t sections = opt + (size_t(bytes[get_u32(bytes, 0x3C) + 20]) | size_t(bytes[get_u32(bytes, 0x3C) + 21]) << 8);
    put_u32(moved_section, sections + 20, get_u32(bytes, sections + 20) + 0x200);  // .text's PointerToRawData
    const os::PeReadResult b = os::read_pe_image(moved_section, "flat.exe");
    REQUIRE(std::holds_alternative<os::PeError>(b));
    CHECK(std::get<os::PeError>(b).field == "IMAGE_SECTION_HEADER[0].PointerToRawData");
}

TEST_CASE("LoadLibraryEx: DONT_RESOLVE_DLL_REFERENCES skips the imports, AS_DATAFILE maps a data view", "[sections][loader]") {
    test::Rig rig{test::make_config(mm::Personality::Nt, 64, 64), false};
    add_image(rig.machine, "C:\\APP\\App.exe", 0x00400000, false);
    add_image(rig.machine, "C:\\APP\\LIB.DLL", 0x10000000, true, {"HELPER.DLL"});
    add_image(rig.machine, "C:\\APP\\HELPER.DLL", 0x10100000, true);
    add_image(rig.machine, "C:\\APP\\RES.DLL", 0x10200000, true);
    const os::LoadOutcome p = os::create_process(rig.machine, "P", "C:\\APP\\App.exe");
    REQUIRE(p.result.ok);
    const uint16_t pid = uint16_t(p.result.value);
    rig.space = rig.machine.processes()[pid].space;
    const uint32_t free0 = rig.mm().frames_free();

    const os::LoadOutcome lib = os::load_library_ex(rig.machine, pid, "lib.dll", os::load::kDontResolveDllReferences);
    REQUIRE(lib.result.ok);
    CHECK(lib.result.value == 0x10000000);
    CHECK(has_module(rig.machine, pid, "LIB.DLL"));
    CHECK_FALSE(has_module(rig.machine, pid, "HELPER.DLL"));

    const os::LoadOutcome res = os::load_library_ex(rig.machine, pid, "res.dll", os::load::kAsDataFile);
    REQUIRE(res.result.ok);
    CHECK((res.result.value & 1) == 1);
    CHECK_FALSE(has_module(rig.machine, pid, "RES.DLL"));
    const mm::MemoryBasicInformation q = rig.query(res.result.value & ~1u);
    CHECK(q.type == mm::mem::kMapped);
    CHECK(q.protect == mm::page::kReadOnly);
    CHECK(rig.read(res.result.value & ~1u, 2).value == 0x5A4D);  // "MZ"
    CHECK(rig.mm().handles(rig.space).empty());                // both handles closed again

    const os::LoadOutcome again = os::load_library_ex(rig.machine, pid, "lib.dll", os::load::kAsDataFile);
    CHECK(again.result.value == 0x10000000);
    CHECK(os::free_library(rig.machine, pid, res.result.value).ok);
    CHECK(rig.query(res.result.value & ~1u).state == mm::mem::kFree);
    CHECK(os::free_library(rig.machine, pid, res.result.value).error == mm::Error::InvalidAddress);
    CHECK(os::load_library_ex(rig.machine, pid, "lib.dll", 0x8).result.error == mm::Error::InvalidParameter);
    CHECK(os::load_library_ex(rig.machine, pid, "nowhere.dll", os::load::kAsDataFile).result.error == mm::Error::ModNotFound);
    CHECK(os::free_library(rig.machine, pid, 0x10000000).ok);
    CHECK(os::free_library(rig.machine, pid, 0x10000000).ok);
    CHECK(rig.mm().frames_free() == free0);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("NtQuerySection's basic and image information, and its errors", "[sections][query]") {
    for (const auto personality : {mm::Personality::Nt, mm::Personality::Win95}) {
        test::Rig rig{test::make_config(personality, 64, 64)};
        add_image(rig.machine, "C:\\APP\\tool.exe", 0x00400000, false, {}, 0x0040);
        rig.machine.add_file("C:\\DATA\\a.txt", std::vector<uint8_t>(20, 'a'));
        mm::MemoryManager& mm = rig.mm();
        const uint32_t pf = mm.create_file_mapping(rig.space, 0, mm::page::kReadWrite, 0x123, 0, {}).value;
        const os::SectionQuery q = os::query_section(rig.machine, rig.space, pf, false);
        if (personality == mm::Personality::Win95) {
            CHECK(q.result.error == mm::Error::CallNotImplemented);
            continue;
        }
        CHECK(q.text == "BaseAddress 0x00000000, Attributes SEC_COMMIT (0x08000000), Size 0x1000");
        const uint32_t rs = mm.create_file_mapping(rig.space, 0, mm::page::kReadWrite, 0x1001, mm::sec::kReserve, {}).value;
        CHECK(os::query_section(rig.machine, rig.space, rs, false).text ==
              "BaseAddress 0x00000000, Attributes SEC_RESERVE (0x04000000), Size 0x2000");
        const uint32_t f = mm.create_file(rig.space, "C:\\DATA\\a.txt", mm::generic::kRead, mm::Disposition::Open).value;
        const uint32_t fm = mm.create_file_mapping(rig.space, f, mm::page::kReadOnly, 0, mm::sec::kReserve, {}).value;
        CHECK(os::query_section(rig.machine, rig.space, fm, false).text ==
              "BaseAddress 0x00000000, Attributes SEC_FILE (0x00800000), Size 0x14");
        CHECK(os::query_section(rig.machine, rig.space, fm, true).result.error == mm::Error::InvalidParameter);
        const uint32_t t = mm.create_file(rig.space, "C:\\APP\\tool.exe", mm::generic::kRead, mm::Disposition::Open).value;
        const os::LoadOutcome im = os::create_image_mapping(rig.machine, rig.space, t, {});
        REQUIRE(im.result.ok);
        CHECK(os::query_section(rig.machine, rig.space, im.result.value, false).text.find("SEC_FILE|SEC_IMAGE (0x01800000)") !=
              std::string::npos);
        const os::SectionQuery info = os::query_section(rig.machine, rig.space, im.result.value, true);
        CHECK(info.text.find("TransferAddress 0x00401000") == 0);
        CHECK(info.text.find("DllCharacteristics 0x0040") != std::string::npos);
        // The synthetic image's defaults (docs/fidelity.md "NtQuerySection").
        CHECK(info.text.find("ZeroBits 0, MaximumStackSize 0x100000, CommittedStackSize 0x1000, SubSystemType 2, "
                             "SubSystemVersion 4.0,") != std::string::npos);
        CHECK(info.text.find("ImageContainsCode 1, LoaderFlags 0x0,") != std::string::npos);
        CHECK(info.text.find("CheckSum 0x00000000") != std::string::npos);
        CHECK(os::query_section(rig.machine, rig.space, 0, false).result.error == mm::Error::InvalidHandle);
        CHECK(os::query_section(rig.machine, rig.space, f, false).result.error == mm::Error::InvalidHandle);
    }
}

TEST_CASE("MapViewOfFile with access 0 is a NOACCESS view, SEC_NOCACHE, SEC_LARGE_PAGES and SEC_FILE", "[sections][views]") {
    test::Rig rig{test::make_config(mm::Personality::Nt, 64, 64)};
    mm::MemoryManager& mm = rig.mm();
    const uint32_t m = mm.create_file_mapping(rig.space, 0, mm::page::kReadWrite, 0x2000, 0, {}).value;
    const mm::Result nv = mm.map_view(rig.space, m, 0, 0, 0, 0);
    REQUIRE(nv.ok);
    CHECK(rig.query(nv.value).protect == mm::page::kNoAccess);
    CHECK(rig.query(nv.value).allocation_protect == mm::page::kNoAccess);
    CHECK_FALSE(rig.read(nv.value).ok());
    CHECK(mm.virtual_protect(rig.space, nv.value, 0x1000, mm::page::kReadOnly).error == mm::Error::InvalidParameter);
    CHECK(mm.map_view(rig.space, m, mm::filemap::kExecute, 0, 0, 0).error == mm::Error::InvalidParameter);

    const mm::Result nc = mm.create_file_mapping(rig.space, 0, mm::page::kReadWrite, 0x2000, mm::sec::kCommit | mm::sec::kNoCache, {});
    REQUIRE(nc.ok);
    const mm::Result v = mm.map_view(rig.space, nc.value, mm::filemap::kWrite, 0, 0, 0);
    REQUIRE(v.ok);
    CHECK(rig.query(v.value).protect == (mm::page::kReadWrite | mm::page::kNoCache));
    CHECK(rig.write(v.value, 5).ok());
    CHECK(rig.read(v.value).value == 5);
    CHECK(mm.create_file_mapping(rig.space, 0, mm::page::kReadWrite, 0x400000, mm::sec::kLargePages, {}).error ==
          mm::Error::PrivilegeNotHeld);
    CHECK(mm.create_file_mapping(rig.space, 0, mm::page::kReadWrite, 0x1000, 0x20000000, {}).error == mm::Error::InvalidParameter);
    CHECK(mm.create_file_mapping(rig.space, 0, mm::page::kReadWrite, 0x1000, mm::sec::kFile, {}).ok);
    REQUIRE_INVARIANTS(rig);

    test::Rig w95{test::make_config(mm::Personality::Win95, 64, 64)};
    CHECK(w95.mm().create_file_mapping(w95.space, 0, mm::page::kReadWrite, 0x1000, mm::sec::kLargePages, {}).error ==
          mm::Error::InvalidParameter);
}

TEST_CASE("DYNAMIC_BASE is read and ignored: the image goes to its preferred base", "[sections][loader]") {
    const auto rel = os::read_pe_image(fixture("reldll.dll"), "reldll.dll");
    REQUIRE(std::holds_alternative<os::ImageDescription>(rel));
    CHECK((std::get<os::ImageDescription>(rel).dll_characteristics & 0x0040) != 0);
    for (const auto personality : {mm::Personality::Nt, mm::Personality::Win95}) {
        test::Rig rig{test::make_config(personality, 64, 64), false};
        add_image(rig.machine, "C:\\APP\\App.exe", 0x00400000, false, {"ASLR.DLL"}, 0x0040);
        add_image(rig.machine, "C:\\APP\\ASLR.DLL", 0x10200000, true, {}, 0x0040);
        const os::LoadOutcome p = os::create_process(rig.machine, "P", "C:\\APP\\App.exe");
        REQUIRE(p.result.ok);
        for (const os::Module& mod : rig.machine.modules(uint16_t(p.result.value))) {
            CHECK_FALSE(mod.relocated);
            CHECK(mod.base == (mod.is_exe ? 0x00400000u : 0x10200000u));
        }
    }
}

TEST_CASE("VirtualLock on image pages: two instances lock the shared .text frame, exit and unlock let go", "[sections][image][lock]") {
    test::Rig rig{test::make_config(mm::Personality::Nt, 64, 64), false};
    add_image(rig.machine, "C:\\APP\\App.exe", 0x00400000, false);
    const os::LoadOutcome a = os::create_process(rig.machine, "A", "C:\\APP\\App.exe");
    const os::LoadOutcome b = os::create_process(rig.machine, "B", "C:\\APP\\App.exe");
    REQUIRE(a.result.ok);
    REQUIRE(b.result.ok);
    const uint16_t sa = rig.machine.processes()[a.result.value].space, sb = rig.machine.processes()[b.result.value].space;
    mm::MemoryManager& mm = rig.mm();
    constexpr uint32_t kText = 0x00401000;
    uint32_t faults = 0;
    REQUIRE(mm.virtual_lock(sa, kText, 0x1000, faults).ok);
    REQUIRE(mm.virtual_lock(sb, kText, 0x1000, faults).ok);
    const uint32_t pa = mm.pte_info(sa, kText).pte, pb = mm.pte_info(sb, kText).pte;
    REQUIRE((pa & x86::Pte::kPresent));
    CHECK(pa >> 12 == pb >> 12);  // one shared frame of the image section
    CHECK(mm.frame_lockers(pa >> 12) == 2);
    CHECK((mm.pfn()[pa >> 12].flags & mm::PfnEntry::kWsLocked));
    CHECK(mm.locked_pages(sa) == 1);
    REQUIRE_INVARIANTS(rig);
    REQUIRE(mm.virtual_unlock(sa, kText, 0x1000).ok);
    CHECK(mm.frame_lockers(pa >> 12) == 1);                             // B's lock holds it
    CHECK((mm.pfn()[pa >> 12].flags & mm::PfnEntry::kWsLocked));
    CHECK(mm.virtual_unlock(sa, kText, 0x1000).error == mm::Error::NotLocked);
    REQUIRE(rig.machine.exit_process(uint16_t(b.result.value)).ok);    // B's exit lets its lock go
    CHECK(mm.frame_lockers(pa >> 12) == 0);
    CHECK_FALSE((mm.pfn()[pa >> 12].flags & mm::PfnEntry::kWsLocked));
    REQUIRE_INVARIANTS(rig);
}
