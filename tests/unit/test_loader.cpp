// The loader: CreateProcess with an image, imports, reference counts, relocation, failures that
// unwind, FreeLibrary and ExitProcess teardown (no frame, slot or region leaks).
#include "TestHelpers.h"

#include <fstream>
#include <iterator>

#include "os/Loader.h"
#include "os/SyntheticImage.h"

using namespace pagelab;
namespace scn = os::scn;

namespace {

void add_image(os::Machine& m, const std::string& path, uint32_t base, bool dll, std::vector<std::string> imports,
               bool relocations = true, uint32_t code_size = 0x1000) {
    os::ImageDescription img;
    img.image_base = base;
    img.is_dll = dll;
    img.entry_rva = 0x1000;
    img.imports = std::move(imports);
    os::SyntheticSection text;
    text.section.name = ".text";
    text.section.virtual_size = code_size;
    text.section.characteristics = scn::kCode | scn::kRead | scn::kExecute;
    os::SyntheticSection data;
    data.section.name = ".data";
    data.section.virtual_size = 0x1000;
    data.section.characteristics = scn::kInitializedData | scn::kRead | scn::kWrite;
    auto bytes = os::build_synthetic_image(img, {text, data}, relocations);
    m.add_image(path, std::move(bytes), img);
}

const os::Module* module(const os::Machine& m, uint16_t process, const std::string& name) {
    for (const os::Module& mod : m.modules(process))
        if (mod.name == name) return &mod;
    return nullptr;
}

struct World {
    test::Rig rig{test::make_config(mm::Personality::Nt, 64, 64), false};
    uint32_t free0 = 0;
    World() {
        add_image(rig.machine, "C:\\APP\\App.exe", 0x00400000, false, {"A.DLL", "B.DLL"});
        add_image(rig.machine, "C:\\APP\\A.DLL", 0x10000000, true, {"C.DLL"});
        add_image(rig.machine, "C:\\APP\\B.DLL", 0x10000000, true, {"C.DLL"}, true, 0x2000);
        add_image(rig.machine, "C:\\SYS\\C.DLL", 0x20000000, true, {});
        add_image(rig.machine, "C:\\APP\\Fixed.exe", 0x00400000, false, {"A.DLL", "FIXED.DLL"});
        add_image(rig.machine, "C:\\APP\\FIXED.DLL", 0x10000000, true, {}, false);
        add_image(rig.machine, "C:\\APP\\Lost.exe", 0x00400000, false, {"A.DLL", "NOWHERE.DLL"});
        rig.machine.add_file("C:\\APP\\notes.txt", std::vector<uint8_t>(100, 'x'));
        free0 = rig.mm().frames_free();
    }
};

}  // namespace

TEST_CASE("CreateProcess loads the imports recursively and counts each reference", "[loader]") {
    World w;
    const os::LoadOutcome o = os::create_process(w.rig.machine, "P", "C:\\APP\\App.exe");
    REQUIRE(o.result.ok);
    CHECK((o.faults & (1u << uint32_t(mm::FaultKind::ImageRead))) != 0);
    const uint16_t p = uint16_t(o.result.value);
    REQUIRE(module(w.rig.machine, p, "APP.EXE"));
    REQUIRE(module(w.rig.machine, p, "A.DLL"));
    REQUIRE(module(w.rig.machine, p, "B.DLL"));
    REQUIRE(module(w.rig.machine, p, "C.DLL"));
    CHECK(module(w.rig.machine, p, "C.DLL")->refcount == 2);  // A.DLL and B.DLL import it
    CHECK(module(w.rig.machine, p, "A.DLL")->base == 0x10000000);
    CHECK_FALSE(module(w.rig.machine, p, "A.DLL")->relocated);
    CHECK(module(w.rig.machine, p, "B.DLL")->relocated);
    CHECK(module(w.rig.machine, p, "B.DLL")->base == 0x10010000);
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("relocation makes exactly the pages with fixups private and pagefile-backed", "[loader][relocation]") {
    World w;
    const os::LoadOutcome o = os::create_process(w.rig.machine, "P", "C:\\APP\\App.exe");
    REQUIRE(o.result.ok);
    const uint16_t space = w.rig.machine.processes()[o.result.value].space;
    // B.DLL's .text has two pages, each with a fixup at 0xFFC; its .data page has none.
    CHECK(w.rig.mm().counter(mm::Counter::CowFaults) == 2);
    for (uint32_t va : {0x10011000u, 0x10012000u}) {
        const auto info = w.rig.mm().pte_info(space, va);
        REQUIRE(info.kind == mm::PteKind::Valid);
        CHECK(w.rig.mm().pfn()[info.pte >> 12].use == mm::FrameUse::Private);
        const mm::AccessResult r = w.rig.mm().access(space, va + 0xFFC, 4, x86::Access::Read);
        CHECK(r.value == 0x10000u);  // 0 + delta
    }
    CHECK(w.rig.mm().pte_info(space, 0x10013000).kind == mm::PteKind::Prototype);
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("LoadLibrary of a loaded DLL counts a reference, FreeLibrary unmaps at zero", "[loader][refcount]") {
    World w;
    const os::LoadOutcome o = os::create_process(w.rig.machine, "P", "C:\\APP\\App.exe");
    REQUIRE(o.result.ok);
    const uint16_t p = uint16_t(o.result.value);
    const uint16_t space = w.rig.machine.processes()[p].space;
    const os::LoadOutcome again = os::load_library(w.rig.machine, p, "c.dll");
    REQUIRE(again.result.ok);
    CHECK(again.result.value == 0x20000000);
    CHECK(module(w.rig.machine, p, "C.DLL")->refcount == 3);
    for (int i = 0; i < 2; ++i) REQUIRE(os::free_library(w.rig.machine, p, 0x20000000).ok);
    CHECK(module(w.rig.machine, p, "C.DLL")->refcount == 1);
    REQUIRE(os::free_library(w.rig.machine, p, 0x20000000).ok);
    CHECK_FALSE(module(w.rig.machine, p, "C.DLL"));
    mm::MemoryBasicInformation q;
    REQUIRE(w.rig.mm().virtual_query(space, 0x20000000, q).ok);
    CHECK(q.state == mm::mem::kFree);
    CHECK(os::free_library(w.rig.machine, p, 0x20000000).error == mm::Error::ModNotFound);
    CHECK(os::free_library(w.rig.machine, p, 0x00400000).error == mm::Error::InvalidHandle);
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("ExitProcess frees every frame, slot, page table and region only it used", "[loader][teardown]") {
    World w;
    const os::LoadOutcome a = os::create_process(w.rig.machine, "A", "C:\\APP\\App.exe");
    const os::LoadOutcome b = os::create_process(w.rig.machine, "B", "C:\\APP\\App.exe");
    REQUIRE(a.result.ok);
    REQUIRE(b.result.ok);
    const uint16_t sa = w.rig.machine.processes()[a.result.value].space;
    REQUIRE(w.rig.mm().access(sa, 0x00402000, 1, x86::Access::Write, 1).ok());  // a private copy
    REQUIRE(w.rig.machine.exit_process(uint16_t(a.result.value)).ok);
    REQUIRE_INVARIANTS(w.rig);
    // B still runs its code from the shared frames.
    const uint16_t sb = w.rig.machine.processes()[b.result.value].space;
    CHECK(w.rig.mm().access(sb, 0x00401000, 1, x86::Access::Execute).ok());
    REQUIRE(w.rig.machine.exit_process(uint16_t(b.result.value)).ok);
    REQUIRE_INVARIANTS(w.rig);
    CHECK(w.rig.mm().frames_free() == w.free0);
    CHECK(w.rig.mm().counter(mm::Counter::CommitCharge) == 0);
    CHECK(w.rig.mm().pagefile().used() == 0);
    CHECK(w.rig.machine.modules(uint16_t(a.result.value)).empty());
}

TEST_CASE("a DLL without relocations off its base fails CreateProcess with ERROR_INVALID_ADDRESS and unwinds", "[loader][failure]") {
    World w;
    const os::LoadOutcome o = os::create_process(w.rig.machine, "F", "C:\\APP\\Fixed.exe");
    CHECK_FALSE(o.result.ok);
    CHECK(o.result.error == mm::Error::InvalidAddress);
    const os::Process* p = w.rig.machine.find_process("F");
    REQUIRE(p);
    CHECK(p->state == os::ProcessState::Failed);
    CHECK(w.rig.machine.modules(p->id).empty());
    CHECK(w.rig.mm().frames_free() == w.free0);
    CHECK(w.rig.mm().counter(mm::Counter::CommitCharge) == 0);
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("missing files and modules fail with the Win32 errors", "[loader][failure]") {
    World w;
    CHECK(os::create_process(w.rig.machine, "X", "C:\\APP\\Lost.exe").result.error == mm::Error::ModNotFound);
    CHECK(os::create_process(w.rig.machine, "Y", "C:\\NOPE.EXE").result.error == mm::Error::FileNotFound);
    CHECK(os::create_process(w.rig.machine, "Z", "C:\\APP\\notes.txt").result.error == mm::Error::BadExeFormat);
    CHECK(w.rig.mm().frames_free() == w.free0);
    const os::LoadOutcome ok = os::create_process(w.rig.machine, "P", "C:\\APP\\App.exe");
    REQUIRE(ok.result.ok);
    const uint16_t p = uint16_t(ok.result.value);
    const uint32_t before = w.rig.mm().frames_free();
    const os::LoadOutcome lost = os::load_library(w.rig.machine, p, "NOWHERE.DLL");
    CHECK(lost.result.error == mm::Error::ModNotFound);
    CHECK(w.rig.machine.processes()[p].state == os::ProcessState::Running);
    CHECK(w.rig.mm().frames_free() == before);
    REQUIRE_INVARIANTS(w.rig);
}

TEST_CASE("a failed CreateProcess is undone and redone exactly", "[loader][journal]") {
    World w;
    const auto start = test::snapshot(w.rig.machine);
    const size_t p0 = w.rig.machine.journal().changes().size();
    w.rig.machine.sync_position();
    os::create_process(w.rig.machine, "F", "C:\\APP\\Fixed.exe");
    os::create_process(w.rig.machine, "P", "C:\\APP\\App.exe");
    w.rig.machine.sync_position();
    const auto end = test::snapshot(w.rig.machine);
    const size_t p1 = w.rig.machine.journal().changes().size();
    w.rig.machine.seek(p0);
    test::require_same_snapshot(start, test::snapshot(w.rig.machine));
    w.rig.machine.seek(p1);
    test::require_same_snapshot(end, test::snapshot(w.rig.machine));
    REQUIRE_INVARIANTS(w.rig);
}

// ---- a real PE file that does not parse ----

namespace {

std::vector<uint8_t> read_fixture(const std::string& name) {
    const std::string path = std::string(PAGELAB_SOURCE_DIR) + "/tests/fixtures/pe/" + name;
    std::ifstream in(path, std::ios::binary);
    INFO(path);
    REQUIRE(in.good());
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The text of the last loader-bad-image event, or "".
std::string bad_image_text(const os::Machine& m) {
    const auto& events = m.journal().events();
    for (size_t i = events.size(); i-- > 0;) {
        if (events[i].kind != uint16_t(mm::EventKind::LoaderBadImage)) continue;
        return mm::describe_event(events[i], [](uint16_t) { return std::string("P"); }, &m.mm().strings());
    }
    return {};
}

}  // namespace

TEST_CASE("a malformed PE file fails CreateProcess and LoadLibrary with BAD_EXE_FORMAT naming the field", "[loader][pe][failure]") {
    for (const auto personality : {mm::Personality::Nt, mm::Personality::Win95}) {
        const mm::Error expected = personality == mm::Personality::Nt ? mm::Error::BadExeFormat : mm::Error::GenFailure;
        test::Rig rig{test::make_config(personality, 64, 64), false};
        // Generated here from appinst.exe: e_lfanew pointing past the end of the file, and an
        // AMD64 Machine field.
        std::vector<uint8_t> bytes = read_fixture("appinst.exe");
        std::vector<uint8_t> lfanew = bytes;
        lfanew.at(60) = 0x00, lfanew.at(61) = 0x00, lfanew.at(62) = 0x01, lfanew.at(63) = 0x00;
        std::vector<uint8_t> machine = bytes;
        const size_t nt = size_t(bytes.at(60)) | size_t(bytes.at(61)) << 8;
        machine.at(nt + 4) = 0x64, machine.at(nt + 5) = 0x86;  // IMAGE_FILE_MACHINE_AMD64
        rig.machine.add_file("C:\\APP\\bad.exe", lfanew);
        rig.machine.add_file("C:\\APP\\amd64.dll", machine);
        add_image(rig.machine, "C:\\APP\\App.exe", 0x00400000, false, {});
        add_image(rig.machine, "C:\\APP\\UsesBad.exe", 0x00400000, false, {"AMD64.DLL"});
        const uint32_t free0 = rig.mm().frames_free();
        const auto start = test::snapshot(rig.machine);
        const size_t p0 = rig.machine.journal().changes().size();
        rig.machine.sync_position();

        const os::LoadOutcome o = os::create_process(rig.machine, "B", "C:\\APP\\bad.exe");
        CHECK_FALSE(o.result.ok);
        CHECK(o.result.error == expected);
        CHECK(o.note.find("IMAGE_DOS_HEADER.e_lfanew") != std::string::npos);
        CHECK(bad_image_text(rig.machine).find("IMAGE_DOS_HEADER.e_lfanew") != std::string::npos);
        CHECK(rig.machine.find_process("B")->state == os::ProcessState::Failed);
        CHECK(rig.mm().frames_free() == free0);
        REQUIRE_INVARIANTS(rig);

        // A bad import: the process and everything it mapped are taken down.
        const os::LoadOutcome u = os::create_process(rig.machine, "U", "C:\\APP\\UsesBad.exe");
        CHECK(u.result.error == expected);
        CHECK(u.note.find("IMAGE_FILE_HEADER.Machine") != std::string::npos);
        CHECK(rig.machine.find_process("U")->state == os::ProcessState::Failed);
        CHECK(rig.mm().frames_free() == free0);
        CHECK(rig.mm().counter(mm::Counter::CommitCharge) == 0);
        REQUIRE_INVARIANTS(rig);

        // LoadLibrary in a running process: fails, the process runs on unchanged.
        const os::LoadOutcome ok = os::create_process(rig.machine, "P", "C:\\APP\\App.exe");
        REQUIRE(ok.result.ok);
        const uint16_t p = uint16_t(ok.result.value);
        const auto modules = rig.machine.modules(p);
        const uint32_t before = rig.mm().frames_free();
        const os::LoadOutcome l = os::load_library(rig.machine, p, "amd64.dll");
        CHECK(l.result.error == expected);
        CHECK(l.note.find("IMAGE_FILE_HEADER.Machine") != std::string::npos);
        CHECK(rig.machine.modules(p) == modules);
        CHECK(rig.mm().frames_free() == before);
        CHECK(rig.machine.processes()[p].state == os::ProcessState::Running);
        REQUIRE_INVARIANTS(rig);

        // Undo and redo all of it exactly.
        rig.machine.sync_position();
        const auto end = test::snapshot(rig.machine);
        const size_t p1 = rig.machine.journal().changes().size();
        rig.machine.seek(p0);
        test::require_same_snapshot(start, test::snapshot(rig.machine));
        rig.machine.seek(p1);
        test::require_same_snapshot(end, test::snapshot(rig.machine));
    }
}

TEST_CASE("the committed corrupt-e_lfanew.exe fixture is appinst.exe with e_lfanew past the end", "[loader][pe]") {
    std::vector<uint8_t> expected = read_fixture("appinst.exe");
    expected.at(60) = 0x00, expected.at(61) = 0x00, expected.at(62) = 0x01, expected.at(63) = 0x00;
    CHECK(read_fixture("corrupt-e_lfanew.exe") == expected);
}
