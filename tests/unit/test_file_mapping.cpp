// Memory-mapped files (WINDOWS.md "File mappings and views"): CreateFile / ReadFile / WriteFile /
// SetEndOfFile / CloseHandle, CreateFileMapping / OpenFileMapping, MapViewOfFile / UnmapViewOfFile /
// FlushViewOfFile, coherence of views and file I/O, copy-on-write views, SEC_RESERVE sections,
// write-back of dirty file pages on eviction, object lifetime and undo/redo of all of it.
#include "TestHelpers.h"

#include <cstring>

using namespace pagelab;
namespace page = mm::page;
namespace mem = mm::mem;
namespace fm = mm::filemap;
namespace sec = mm::sec;
using mm::Disposition;
using mm::Error;

namespace {

constexpr uint32_t kRead = mm::generic::kRead, kWrite = mm::generic::kWrite;
const char* const kPath = "C:\\DATA\\file.bin";

// Bytes no two pages share: byte i of the file.
uint8_t pattern(uint32_t i) { return uint8_t((i * 7u) ^ (i >> 12) * 29u ^ 0x5Au); }
std::vector<uint8_t> patterned(uint32_t n) {
    std::vector<uint8_t> v(n);
    for (uint32_t i = 0; i < n; ++i) v[i] = pattern(i);
    return v;
}
uint32_t word_at(const std::vector<uint8_t>& b, uint32_t at) {
    uint32_t w = 0;
    std::memcpy(&w, b.data() + at, 4);
    return w;
}

// Everything the shared snapshot lists plus the state of this feature: the disk, handle tables,
// mapping objects, data sections and their prototype PTEs.
std::vector<std::string> full_snapshot(const os::Machine& machine) {
    std::vector<std::string> out = test::snapshot(machine);
    const mm::MemoryManager& m = machine.mm();
    for (size_t i = 0; i < m.files().size(); ++i)
        out.push_back(fmt::format("file {}: {} size {} bytes {:016x}", i, m.files()[i].path, m.files()[i].bytes.size(),
                                  test::fnv1a(m.files()[i].bytes.data(), m.files()[i].bytes.size())));
    for (const mm::AddressSpace& sp : m.spaces())
        for (const auto& [h, e] : m.handles(sp.id()))
            out.push_back(fmt::format("space {} handle {}: kind {} object {} access {:#x}", sp.id(), h, int(e.kind), e.object,
                                      e.access));
    for (const mm::MappingObject& o : m.mappings())
        out.push_back(fmt::format("mapping {}: section {} protect {:#x} size {} flags {:#x} name '{}' handles {} views {}", o.id,
                                  o.section, o.protect, o.size, o.flags, o.name, o.handles, o.views));
    for (const mm::DataSection& s : m.data_sections()) {
        out.push_back(fmt::format("data section {}: kind {} file {} pages {} prot {} reserve {} mappings {} views {} alive {}",
                                  s.id, int(s.kind), s.file, s.pages, s.mm_protection, s.reserve, s.mappings, s.views, s.alive));
        const auto& protos = m.data_prototypes(s.id);
        for (size_t p = 0; p < protos.size(); ++p) out.push_back(fmt::format("  proto {}: {:#x}", p, protos[p]));
    }
    for (const mm::AddressSpace& sp : m.spaces())
        for (const auto& [k, v] : sp.vads())
            out.push_back(fmt::format("space {} vad {:#x}: section {} offset {} mapping {}", sp.id(), k, v.section,
                                      v.offset_page, v.mapping));
    return out;
}

// A machine with the journal open and no process; files are added before anything runs, so
// seek(0) lands on a machine equal to a fresh one with the same files.
struct FileRig {
    explicit FileRig(const mm::MachineConfig& cfg = test::make_config(mm::Personality::Nt)) : cfg(cfg), rig(cfg, false) {}

    uint32_t add_file(const std::string& path, std::vector<uint8_t> bytes) {
        files.emplace_back(path, bytes);
        return rig.machine.add_file(path, std::move(bytes));
    }
    uint16_t process(const std::string& name) {
        const mm::Result r = rig.machine.create_process(name);
        REQUIRE(r.ok);
        return rig.machine.processes()[r.value].space;
    }
    mm::MemoryManager& mm() { return rig.mm(); }

    mm::AccessResult read(uint16_t s, uint32_t va, uint32_t size = 4) { return mm().access(s, va, size, x86::Access::Read); }
    mm::AccessResult write(uint16_t s, uint32_t va, uint32_t value, uint32_t size = 4) {
        return mm().access(s, va, size, x86::Access::Write, value);
    }
    mm::MemoryBasicInformation query(uint16_t s, uint32_t va) {
        mm::MemoryBasicInformation q;
        REQUIRE(mm().virtual_query(s, va, q).ok);
        return q;
    }
    uint32_t frame_of(uint16_t s, uint32_t va) {
        const auto info = mm().pte_info(s, va);
        REQUIRE((info.pte & x86::Pte::kPresent) != 0);
        return info.pte >> 12;
    }
    uint32_t open(uint16_t s, uint32_t access, Disposition d = Disposition::Open, const std::string& path = kPath) {
        const mm::Result r = mm().create_file(s, path, access, d);
        REQUIRE(r.ok);
        return r.value;
    }
    uint32_t mapping(uint16_t s, uint32_t file, uint32_t protect, uint64_t size = 0, uint32_t flags = 0,
                     const std::string& name = {}) {
        const mm::Result r = mm().create_file_mapping(s, file, protect, size, flags, name);
        REQUIRE(r.ok);
        return r.value;
    }
    uint32_t view(uint16_t s, uint32_t mapping, uint32_t access, uint32_t offset = 0, uint32_t size = 0, uint32_t at = 0) {
        const mm::Result r = mm().map_view(s, mapping, access, offset, size, at);
        REQUIRE(r.ok);
        return r.value;
    }
    std::vector<uint8_t> read_file(uint16_t s, uint32_t h, uint32_t offset, uint32_t size) {
        std::vector<uint8_t> out;
        const mm::Result r = mm().read_file(s, h, offset, size, out);
        REQUIRE(r.ok);
        REQUIRE(r.value == out.size());
        return out;
    }
    const std::vector<uint8_t>& disk(uint32_t file) { return mm().files()[file].bytes; }

    // The invariants at every event boundary of the run so far (stepping back through the
    // journal), then the run is undone to the fresh machine and redone to where it was.

    void check_every_event_and_undo_redo() {
        rig.machine.sync_position();
        const auto at_end = full_snapshot(rig.machine);
        const size_t end = rig.machine.journal().changes().size();
        const auto& events = rig.machine.journal().events();
        for (size_t e = events.size(); e-- > 0;) {
            rig.machine.seek(events[e].first_change);
            INFO("event " << e << " (" << mm::event_kind_name(mm::EventKind(events[e].kind)) << ")");
            REQUIRE_INVARIANTS(rig.machine);
        }
        rig.machine.seek(0);
        os::Machine fresh(cfg);
        for (const auto& [path, bytes] : files) fresh.add_file(path, bytes);
        test::require_same_snapshot(full_snapshot(fresh), full_snapshot(rig.machine));
        rig.machine.seek(end);
        test::require_same_snapshot(at_end, full_snapshot(rig.machine));
        REQUIRE_INVARIANTS(rig.machine);
        rig.machine.sync_position();
    }

    mm::MachineConfig cfg;
    test::Rig rig;
    std::vector<std::pair<std::string, std::vector<uint8_t>>> files;
};

}  // namespace

// =============================================================================================
// CreateFile, CloseHandle

TEST_CASE("CreateFile: opening a missing file is FILE_NOT_FOUND, creating makes it, OPEN_ALWAYS on it is ALREADY_EXISTS",
          "[filemap][file]") {
    FileRig f;
    const uint16_t a = f.process("A");
    const size_t files = f.mm().files().size();
    const mm::Result missing = f.mm().create_file(a, "C:\\new.txt", kRead, Disposition::Open);
    CHECK_FALSE(missing.ok);
    CHECK(missing.error == Error::FileNotFound);
    CHECK(f.mm().files().size() == files);
    CHECK(f.mm().handles(a).empty());

    const mm::Result created = f.mm().create_file(a, "C:\\new.txt", kRead | kWrite, Disposition::Create);
    REQUIRE(created.ok);
    CHECK(created.error == Error::Success);
    CHECK(created.value == 4);
    REQUIRE(f.mm().find_file("C:\\new.txt"));
    CHECK(f.mm().files()[*f.mm().find_file("C:\\new.txt")].bytes.empty());

    const mm::Result again = f.mm().create_file(a, "C:\\new.txt", kRead, Disposition::OpenAlways);
    REQUIRE(again.ok);
    CHECK(again.error == Error::AlreadyExists);
    CHECK(again.value == 8);
    const mm::Result opened = f.mm().create_file(a, "C:\\new.txt", kRead, Disposition::Open);
    REQUIRE(opened.ok);
    CHECK(opened.error == Error::Success);
    CHECK(opened.value == 12);
    CHECK(f.mm().files().size() == files + 1);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("handles are 4, 8, 12, the lowest free one is reused, and closing an unknown handle is INVALID_HANDLE",
          "[filemap][file]") {
    FileRig f;
    f.add_file(kPath, patterned(100));
    const uint16_t a = f.process("A");
    CHECK(f.open(a, kRead) == 4);
    CHECK(f.open(a, kRead) == 8);
    CHECK(f.open(a, kRead) == 12);
    REQUIRE(f.mm().close_handle(a, 8).ok);
    CHECK(f.open(a, kRead) == 8);
    const mm::Result bad = f.mm().close_handle(a, 16);
    CHECK_FALSE(bad.ok);
    CHECK(bad.error == Error::InvalidHandle);
    CHECK(f.mm().close_handle(a, 0).error == Error::InvalidHandle);
    REQUIRE(f.mm().close_handle(a, 4).ok);
    CHECK(f.mm().close_handle(a, 4).error == Error::InvalidHandle);  // twice
    // Handle tables are per process: B starts at 4 too.
    const uint16_t b = f.process("B");
    CHECK(f.open(b, kRead) == 4);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// ReadFile, WriteFile

TEST_CASE("ReadFile and WriteFile check the handle's access, read fewer bytes at EOF, grow the file and count pages",
          "[filemap][file]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x1800));
    const uint16_t a = f.process("A");
    const uint32_t ro = f.open(a, kRead);
    const uint32_t wo = f.open(a, kWrite);
    const uint32_t rw = f.open(a, kRead | kWrite);
    std::vector<uint8_t> out;
    CHECK(f.mm().read_file(a, wo, 0, 16, out).error == Error::AccessDenied);
    CHECK(f.mm().write_file(a, ro, 0, {1, 2, 3}).error == Error::AccessDenied);
    CHECK(f.mm().read_file(a, 40, 0, 16, out).error == Error::InvalidHandle);
    CHECK(f.disk(file) == patterned(0x1800));

    // Reading: a whole chunk inside, then past EOF (fewer bytes), then at EOF (none).
    const uint64_t reads0 = f.mm().counter(mm::Counter::FileReads);
    const auto original = patterned(0x1800);
    CHECK(f.read_file(a, ro, 0x10, 0x20) == std::vector<uint8_t>(original.begin() + 0x10, original.begin() + 0x30));
    CHECK(f.mm().counter(mm::Counter::FileReads) == reads0 + 1);
    const auto tail = f.read_file(a, rw, 0x1700, 0x400);
    CHECK(tail.size() == 0x100);
    CHECK(tail == std::vector<uint8_t>(original.begin() + 0x1700, original.end()));
    CHECK(f.read_file(a, rw, 0x1800, 0x10).empty());
    CHECK(f.read_file(a, rw, 0x9000, 0x10).empty());
    // A read across a page boundary reads two pages from the disk.
    const uint64_t reads1 = f.mm().counter(mm::Counter::FileReads);
    CHECK(f.read_file(a, ro, 0xFF0, 0x20).size() == 0x20);
    CHECK(f.mm().counter(mm::Counter::FileReads) == reads1 + 2);

    // Writing inside, then past EOF: the file grows (the gap reads zero).
    const uint64_t writes0 = f.mm().counter(mm::Counter::FileWrites);
    const mm::Result w1 = f.mm().write_file(a, wo, 0x20, {0xAA, 0xBB});
    REQUIRE(w1.ok);
    CHECK(w1.value == 2);
    CHECK(f.mm().counter(mm::Counter::FileWrites) == writes0 + 1);
    CHECK(f.disk(file)[0x20] == 0xAA);
    CHECK(f.disk(file)[0x21] == 0xBB);
    const mm::Result w2 = f.mm().write_file(a, rw, 0x2FFE, {1, 2, 3, 4});
    REQUIRE(w2.ok);
    CHECK(w2.value == 4);
    CHECK(f.disk(file).size() == 0x3002);
    CHECK(f.mm().counter(mm::Counter::FileWrites) == writes0 + 3);  // two pages written
    const auto grown = f.read_file(a, rw, 0x17FF, 0x1803);
    REQUIRE(grown.size() == 0x1803);
    CHECK(grown[0] == pattern(0x17FF));
    CHECK(std::all_of(grown.begin() + 1, grown.begin() + 0x17FF, [](uint8_t b) { return b == 0; }));
    CHECK(grown[0x17FF] == 1);
    CHECK(grown[0x1802] == 4);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// CreateFileMapping, OpenFileMapping

TEST_CASE("CreateFileMapping refuses NOACCESS and EXECUTE under nt (INVALID_PARAMETER), win95 accepts NOACCESS",
          "[filemap][mapping]") {
    for (mm::Personality p : {mm::Personality::Nt, mm::Personality::Win95}) {
        INFO(mm::personality_name(p));
        FileRig f(test::make_config(p));
        f.add_file(kPath, patterned(0x3000));
        const uint16_t a = f.process("A");
        // EXECUTE protections need execute access on the file (fidelity rule 7).
        const uint32_t h = f.open(a, kRead | kWrite | mm::generic::kExecute);
        const mm::Result ex = f.mm().create_file_mapping(a, h, page::kExecute, 0, 0, {});
        CHECK_FALSE(ex.ok);
        CHECK(ex.error == Error::InvalidParameter);
        const mm::Result na = f.mm().create_file_mapping(a, h, page::kNoAccess, 0, 0, {});
        if (p == mm::Personality::Nt) {
            CHECK_FALSE(na.ok);
            CHECK(na.error == Error::InvalidParameter);
            CHECK(f.mm().mappings().empty());
        } else {
            CHECK(na.ok);
        }
        for (uint32_t prot : {page::kReadOnly, page::kReadWrite, page::kWriteCopy, page::kExecuteRead,
                              page::kExecuteReadWrite, page::kExecuteWriteCopy}) {
            INFO("protect " << prot);
            const mm::Result r = f.mm().create_file_mapping(a, h, prot, 0, 0, {});
            CHECK(r.ok);
        }
        REQUIRE_INVARIANTS(f.rig);
        f.check_every_event_and_undo_redo();
    }
}

TEST_CASE("CreateFileMapping: READWRITE on a read-only file handle is ACCESS_DENIED, size 0 is the file's, an empty file is FILE_INVALID",
          "[filemap][mapping]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x2345));
    f.add_file("C:\\empty.bin", {});
    const uint16_t a = f.process("A");
    const uint32_t ro = f.open(a, kRead);
    const mm::Result rw_on_ro = f.mm().create_file_mapping(a, ro, page::kReadWrite, 0, 0, {});
    CHECK_FALSE(rw_on_ro.ok);
    CHECK(rw_on_ro.error == Error::AccessDenied);
    CHECK(f.mm().create_file_mapping(a, ro, page::kExecuteReadWrite, 0, 0, {}).error == Error::AccessDenied);
    CHECK(f.mm().mappings().empty());
    CHECK(f.mm().data_sections().empty());

    const mm::Result m = f.mm().create_file_mapping(a, ro, page::kReadOnly, 0, 0, {});
    REQUIRE(m.ok);
    REQUIRE(f.mm().mappings().size() == 1);
    CHECK(f.mm().mappings()[0].size == 0x2345);  // a file mapping keeps its byte size
    CHECK(f.mm().data_sections()[f.mm().mappings()[0].section].pages == 3);
    CHECK(f.disk(file).size() == 0x2345);

    const uint32_t empty = f.open(a, kRead | kWrite, Disposition::Open, "C:\\empty.bin");
    const mm::Result e = f.mm().create_file_mapping(a, empty, page::kReadWrite, 0, 0, {});
    CHECK_FALSE(e.ok);
    CHECK(e.error == Error::FileInvalid);
    CHECK(f.mm().create_file_mapping(a, empty, page::kReadOnly, 0, 0, {}).error == Error::FileInvalid);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("a READONLY mapping larger than its file is NOT_ENOUGH_MEMORY, a READWRITE one grows the file", "[filemap][mapping]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x1000));
    const uint16_t a = f.process("A");
    const uint32_t rw = f.open(a, kRead | kWrite);
    const mm::Result big_ro = f.mm().create_file_mapping(a, rw, page::kReadOnly, 0x1001, 0, {});
    CHECK_FALSE(big_ro.ok);
    CHECK(big_ro.error == Error::NotEnoughMemory);
    CHECK(f.disk(file).size() == 0x1000);
    // Exactly the file's size is fine for READONLY.
    CHECK(f.mm().create_file_mapping(a, rw, page::kReadOnly, 0x1000, 0, {}).ok);

    const uint32_t m = f.mapping(a, rw, page::kReadWrite, 0x2800);
    CHECK(f.disk(file).size() == 0x2800);
    CHECK(std::equal(f.disk(file).begin(), f.disk(file).begin() + 0x1000, patterned(0x1000).begin()));
    CHECK(std::all_of(f.disk(file).begin() + 0x1000, f.disk(file).end(), [](uint8_t b) { return b == 0; }));
    const mm::HandleEntry* he = f.mm().find_handle(a, m);
    REQUIRE(he);
    CHECK(f.mm().mappings()[he->object].size == 0x2800);
    CHECK(f.mm().data_sections()[f.mm().mappings()[he->object].section].pages == 3);
    // One data section per file however many mappings.
    CHECK(f.mm().data_sections().size() == 1);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("a pagefile-backed mapping: size 0 is INVALID_PARAMETER, sizes round up to pages, commit is charged at creation",
          "[filemap][mapping][commit]") {
    FileRig f;
    const uint16_t a = f.process("A");
    const mm::Result zero = f.mm().create_file_mapping(a, 0, page::kReadWrite, 0, 0, {});
    CHECK_FALSE(zero.ok);
    CHECK(zero.error == Error::InvalidParameter);

    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint32_t m = f.mapping(a, 0, page::kReadWrite, 0x2001);
    const mm::MappingObject& mo = f.mm().mappings()[f.mm().find_handle(a, m)->object];
    CHECK(mo.size == 0x3000);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3);

    // Past the limit: COMMITMENT_LIMIT and nothing changes.
    f.rig.machine.sync_position();
    const auto before = full_snapshot(f.rig.machine);
    const uint64_t left = f.mm().commit_limit() - f.mm().counter(mm::Counter::CommitCharge);
    const mm::Result over = f.mm().create_file_mapping(a, 0, page::kReadWrite, (left + 1) * 0x1000, 0, {});
    CHECK_FALSE(over.ok);
    CHECK(over.error == Error::CommitmentLimit);
    test::require_same_snapshot(before, full_snapshot(f.rig.machine));
    // Exactly the rest fits.
    const uint32_t fits = f.mapping(a, 0, page::kReadWrite, left * 0x1000);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == f.mm().commit_limit());
    REQUIRE(f.mm().close_handle(a, fits).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3);

    // SEC_RESERVE charges nothing, however big.
    const uint32_t r = f.mapping(a, 0, page::kReadWrite, uint64_t(f.mm().commit_limit() + 10) * 0x1000, sec::kReserve);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3);
    REQUIRE(f.mm().close_handle(a, r).ok);
    REQUIRE(f.mm().close_handle(a, m).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("CreateFileMapping of an existing name returns a handle to the same object with ALREADY_EXISTS, names are case-sensitive",
          "[filemap][mapping][name]") {
    FileRig f;
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t h1 = f.mapping(a, 0, page::kReadWrite, 0x1000, 0, "Shared");
    const size_t objects = f.mm().mappings().size();
    const mm::Result again = f.mm().create_file_mapping(b, 0, page::kReadWrite, 0x1000, 0, "Shared");
    REQUIRE(again.ok);
    CHECK(again.error == Error::AlreadyExists);
    CHECK(f.mm().mappings().size() == objects);
    CHECK(f.mm().find_handle(b, again.value)->object == f.mm().find_handle(a, h1)->object);
    CHECK(f.mm().mappings()[f.mm().find_handle(a, h1)->object].handles == 2);

    const mm::Result other = f.mm().create_file_mapping(b, 0, page::kReadWrite, 0x1000, 0, "shared");
    REQUIRE(other.ok);
    CHECK(other.error == Error::Success);
    CHECK(f.mm().find_handle(b, other.value)->object != f.mm().find_handle(a, h1)->object);
    CHECK(f.mm().mappings().size() == objects + 1);

    // Same object: a write through B's view is seen through A's.
    const uint32_t va = f.view(a, h1, fm::kWrite);
    const uint32_t vb = f.view(b, again.value, fm::kWrite);
    REQUIRE(f.write(b, vb + 0x10, 0x1234).ok());
    CHECK(f.read(a, va + 0x10).value == 0x1234);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("OpenFileMapping of an unknown name is FILE_NOT_FOUND (win95: INVALID_NAME)", "[filemap][mapping][name]") {
    for (mm::Personality p : {mm::Personality::Nt, mm::Personality::Win95}) {
        INFO(mm::personality_name(p));
        FileRig f(test::make_config(p));
        const uint16_t a = f.process("A");
        f.mapping(a, 0, page::kReadWrite, 0x1000, 0, "Known");
        const mm::Result r = f.mm().open_file_mapping(a, fm::kRead, "Unknown");
        CHECK_FALSE(r.ok);
        CHECK(r.error == (p == mm::Personality::Nt ? Error::FileNotFound : Error::InvalidName));
        const mm::Result wrong_case = f.mm().open_file_mapping(a, fm::kRead, "known");
        CHECK_FALSE(wrong_case.ok);
        const mm::Result ok = f.mm().open_file_mapping(a, fm::kRead, "Known");
        CHECK(ok.ok);
        CHECK(ok.error == Error::Success);
        REQUIRE_INVARIANTS(f.rig);
    }
}

TEST_CASE("the name disappears with the last handle while a view keeps the object and its data alive",
          "[filemap][mapping][name][lifetime]") {
    FileRig f;
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t h = f.mapping(a, 0, page::kReadWrite, 0x2000, 0, "Kept");
    const uint32_t hb = f.mm().open_file_mapping(b, fm::kWrite, "Kept").value;
    const uint32_t va = f.view(a, h, fm::kWrite);
    REQUIRE(f.write(a, va + 0x1000, 77).ok());
    REQUIRE(f.mm().close_handle(a, h).ok);
    CHECK(f.mm().open_file_mapping(a, fm::kRead, "Kept").ok);  // B still has a handle
    REQUIRE(f.mm().close_handle(a, 4).ok);
    REQUIRE(f.mm().close_handle(b, hb).ok);
    // No handle is left: the name is gone, but the view still works.
    const mm::Result gone = f.mm().open_file_mapping(b, fm::kRead, "Kept");
    CHECK_FALSE(gone.ok);
    CHECK(gone.error == Error::FileNotFound);
    const mm::MappingObject& mo = f.mm().mappings()[0];
    CHECK(mo.alive());
    CHECK(mo.handles == 0);
    CHECK(mo.views == 1);
    CHECK(f.read(a, va + 0x1000).value == 77);
    // A new object may take the name; it is a different one.
    const mm::Result fresh = f.mm().create_file_mapping(b, 0, page::kReadWrite, 0x2000, 0, "Kept");
    REQUIRE(fresh.ok);
    CHECK(fresh.error == Error::Success);
    const uint32_t vb = f.view(b, fresh.value, fm::kRead);
    CHECK(f.read(b, vb + 0x1000).value == 0);
    REQUIRE(f.mm().unmap_view(a, va).ok);
    CHECK_FALSE(f.mm().mappings()[0].alive());
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// MapViewOfFile, UnmapViewOfFile, VirtualQuery of views

TEST_CASE("MapViewOfFile: WRITE on a READONLY mapping is ACCESS_DENIED, misaligned offset or base is MAPPED_ALIGNMENT",
          "[filemap][view]") {
    FileRig f;
    f.add_file(kPath, patterned(0x30000));
    const uint16_t a = f.process("A");
    const uint32_t file = f.open(a, kRead | kWrite);
    const uint32_t ro = f.mapping(a, file, page::kReadOnly);
    const uint32_t rw = f.mapping(a, file, page::kReadWrite);
    const mm::Result w = f.mm().map_view(a, ro, fm::kWrite, 0, 0, 0);
    CHECK_FALSE(w.ok);
    CHECK(w.error == Error::AccessDenied);
    CHECK(f.mm().map_view(a, ro, fm::kAllAccess, 0, 0, 0).error == Error::AccessDenied);
    CHECK(f.mm().map_view(a, ro, fm::kRead, 0, 0, 0).ok);
    CHECK(f.mm().map_view(a, ro, fm::kCopy, 0, 0, 0).ok);

    const mm::Result off = f.mm().map_view(a, rw, fm::kWrite, 0x1000, 0x1000, 0);
    CHECK_FALSE(off.ok);
    CHECK(off.error == Error::MappedAlignment);
    const mm::Result base = f.mm().map_view(a, rw, fm::kWrite, 0, 0x1000, 0x00501000);
    CHECK_FALSE(base.ok);
    CHECK(base.error == Error::MappedAlignment);
    CHECK(f.mm().map_view(a, rw, fm::kWrite, 0x10000, 0x1000, 0x00510000).ok);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("MapViewOfFile: a base in use is INVALID_ADDRESS and a view past the section is ACCESS_DENIED", "[filemap][view]") {
    FileRig f;
    f.add_file(kPath, patterned(0x12000));
    const uint16_t a = f.process("A");
    const uint32_t file = f.open(a, kRead);
    const uint32_t m = f.mapping(a, file, page::kReadOnly);
    const mm::Result priv = f.rig.mm().virtual_alloc(a, 0x00600000, 0x1000, mem::kReserve, page::kReadWrite);
    REQUIRE(priv.ok);
    const mm::Result taken = f.mm().map_view(a, m, fm::kRead, 0, 0x1000, 0x00600000);
    CHECK_FALSE(taken.ok);
    CHECK(taken.error == Error::InvalidAddress);
    const uint32_t v = f.view(a, m, fm::kRead, 0, 0, 0x00700000);
    CHECK(v == 0x00700000);
    CHECK(f.mm().map_view(a, m, fm::kRead, 0, 0x1000, 0x00700000).error == Error::InvalidAddress);
    // The section is 0x12000 bytes: from offset 0x10000 at most 0x2000.
    CHECK(f.mm().map_view(a, m, fm::kRead, 0x10000, 0x2000, 0).ok);
    const mm::Result past = f.mm().map_view(a, m, fm::kRead, 0x10000, 0x3000, 0);
    CHECK_FALSE(past.ok);
    CHECK(past.error == Error::AccessDenied);
    CHECK(f.mm().map_view(a, m, fm::kRead, 0, 0x13000, 0).error == Error::AccessDenied);
    CHECK(f.mm().map_view(a, m, fm::kRead, 0x20000, 0, 0).error == Error::AccessDenied);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("VirtualQuery of a view: base and allocation base are the view's start, type MEM_MAPPED, protection per access",
          "[filemap][view][query]") {
    FileRig f;
    f.add_file(kPath, patterned(0x3000));
    const uint16_t a = f.process("A");
    const uint32_t file = f.open(a, kRead | kWrite);
    const uint32_t m = f.mapping(a, file, page::kReadWrite);
    struct Case {
        uint32_t access, protect;
    };
    for (const Case c : {Case{fm::kCopy, page::kWriteCopy}, Case{fm::kWrite, page::kReadWrite}, Case{fm::kRead, page::kReadOnly},
                         Case{fm::kAllAccess, page::kReadWrite}, Case{fm::kRead | fm::kWrite, page::kReadWrite}}) {
        INFO("access " << c.access);
        const uint32_t v = f.view(a, m, c.access);
        CHECK(v % 0x10000 == 0);
        const mm::MemoryBasicInformation q = f.query(a, v + 0x1234);
        CHECK(q.base_address == v + 0x1000);
        CHECK(q.allocation_base == v);
        CHECK(q.allocation_protect == c.protect);
        CHECK(q.protect == c.protect);
        CHECK(q.state == mem::kCommit);
        CHECK(q.type == mem::kMapped);
        const mm::MemoryBasicInformation q0 = f.query(a, v);
        CHECK(q0.base_address == v);
        CHECK(q0.allocation_base == v);
        CHECK(q0.region_size == 0x3000);
        CHECK(q0.type == mem::kMapped);
    }
    REQUIRE_INVARIANTS(f.rig);
}

TEST_CASE("two views of one mapping in one nt process get different addresses and share frames", "[filemap][view]") {
    FileRig f;
    f.add_file(kPath, patterned(0x2000));
    const uint16_t a = f.process("A");
    const uint32_t m = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite);
    const uint32_t v1 = f.view(a, m, fm::kWrite);
    const uint32_t v2 = f.view(a, m, fm::kRead);
    CHECK(v1 != v2);
    CHECK(f.read(a, v2 + 0x1000, 1).value == pattern(0x1000));
    REQUIRE(f.write(a, v1 + 0x1000, 0xCAFEBABE).ok());
    CHECK(f.read(a, v2 + 0x1000).value == 0xCAFEBABE);
    CHECK(f.frame_of(a, v1 + 0x1000) == f.frame_of(a, v2 + 0x1000));
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("UnmapViewOfFile with an address inside the view frees the range, a non-view is INVALID_ADDRESS, VirtualFree on a view is INVALID_PARAMETER",
          "[filemap][view]") {
    FileRig f;
    f.add_file(kPath, patterned(0x3000));
    const uint16_t a = f.process("A");
    const uint32_t m = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite);
    const uint32_t v = f.view(a, m, fm::kWrite);
    REQUIRE(f.read(a, v + 0x2000).ok());
    const mm::Result rel = f.mm().virtual_free(a, v, 0, mem::kRelease);
    CHECK_FALSE(rel.ok);
    CHECK(rel.error == Error::InvalidParameter);
    const mm::Result dec = f.mm().virtual_free(a, v, 0x1000, mem::kDecommit);
    CHECK_FALSE(dec.ok);
    CHECK(dec.error == Error::InvalidParameter);
    CHECK(f.query(a, v).type == mem::kMapped);

    const mm::Result priv = f.rig.mm().virtual_alloc(a, 0, 0x1000, mem::kReserve | mem::kCommit, page::kReadWrite);
    REQUIRE(priv.ok);
    const mm::Result not_view = f.mm().unmap_view(a, priv.value);
    CHECK_FALSE(not_view.ok);
    CHECK(not_view.error == Error::InvalidAddress);
    CHECK(f.mm().unmap_view(a, 0x20000000).error == Error::InvalidAddress);  // free memory

    REQUIRE(f.mm().unmap_view(a, v + 0x1ABC).ok);
    for (uint32_t off = 0; off < 0x3000; off += 0x1000) {
        const mm::MemoryBasicInformation q = f.query(a, v + off);
        CHECK(q.state == mem::kFree);
        CHECK(q.type == 0u);
        CHECK(q.allocation_base == 0u);
    }
    CHECK(f.read(a, v).status == mm::AccessStatus::AccessViolation);
    CHECK(f.mm().unmap_view(a, v).error == Error::InvalidAddress);  // twice
    // The range can be reserved again.
    CHECK(f.rig.mm().virtual_alloc(a, v, 0x3000, mem::kReserve, page::kReadWrite).ok);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// Coherence

TEST_CASE("a write through one view is visible at once through a second view in another process and through ReadFile",
          "[filemap][coherence]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x4000));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t fa = f.open(a, kRead | kWrite);
    const uint32_t fb = f.open(b, kRead);
    const uint32_t ma = f.mapping(a, fa, page::kReadWrite, 0, 0, "Coherent");
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kRead, "Coherent").value;
    const uint32_t va = f.view(a, ma, fm::kWrite);
    const uint32_t vb = f.view(b, mb, fm::kRead);

    REQUIRE(f.write(a, va + 0x2010, 0x11223344).ok());
    const mm::AccessResult rb = f.read(b, vb + 0x2010);
    REQUIRE(rb.ok());
    CHECK(rb.value == 0x11223344);
    CHECK(f.frame_of(a, va + 0x2000) == f.frame_of(b, vb + 0x2000));
    CHECK(f.mm().pfn()[f.frame_of(a, va + 0x2000)].use == mm::FrameUse::File);
    CHECK(f.mm().pfn()[f.frame_of(a, va + 0x2000)].share_count == 2);
    const auto through_io = f.read_file(b, fb, 0x2010, 4);
    CHECK(word_at(through_io, 0) == 0x11223344);
    // Not flushed: the disk still has the old bytes.
    CHECK(word_at(f.disk(file), 0x2010) == word_at(patterned(0x4000), 0x2010));
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("a WriteFile is seen at once through a view whose page is resident and one whose page is not", "[filemap][coherence]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x3000));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t fa = f.open(a, kRead);
    const uint32_t fb = f.open(b, kRead | kWrite);
    const uint32_t va = f.view(a, f.mapping(a, fa, page::kReadOnly), fm::kRead);
    REQUIRE(f.read(a, va + 0x1000).value == word_at(patterned(0x3000), 0x1000));  // page 1 resident
    REQUIRE(f.mm().write_file(b, fb, 0x1000, {0xDE, 0xAD, 0xBE, 0xEF}).ok);
    REQUIRE(f.mm().write_file(b, fb, 0x2004, {0x01, 0x02}).ok);  // page 2 not resident
    CHECK(f.read(a, va + 0x1000).value == 0xEFBEADDE);
    CHECK(f.read(a, va + 0x2004, 2).value == 0x0201);
    CHECK(f.disk(file)[0x1000] == 0xDE);  // WriteFile writes the disk
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("the disk changes only on FlushViewOfFile, which writes exactly the dirty pages and clears their Dirty bits",
          "[filemap][coherence][flush]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x6000));
    const auto original = patterned(0x6000);
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t m = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite, 0, 0, "F");
    const uint32_t va = f.view(a, m, fm::kWrite);
    const uint32_t vb = f.view(b, f.mm().open_file_mapping(b, fm::kWrite, "F").value, fm::kWrite);
    // Pages 0, 2 and 4 read, pages 1 and 3 written (page 1 by A, page 3 by B), page 5 untouched.
    for (uint32_t p : {0u, 2u, 4u}) REQUIRE(f.read(a, va + p * 0x1000).ok());
    REQUIRE(f.write(a, va + 0x1000, 0xA1A1A1A1).ok());
    REQUIRE(f.write(b, vb + 0x3008, 0xB3B3B3B3).ok());
    REQUIRE(f.read(b, vb + 0x1000).ok());  // B maps page 1 too, clean in B
    CHECK(f.disk(file) == original);
    CHECK((f.mm().pte_info(a, va + 0x1000).pte & x86::Pte::kDirty) != 0);
    CHECK((f.mm().pte_info(b, vb + 0x3000).pte & x86::Pte::kDirty) != 0);

    const uint64_t writes = f.mm().counter(mm::Counter::FileWrites);
    const mm::Result fl = f.mm().flush_view(a, va, 0);
    REQUIRE(fl.ok);
    CHECK(fl.value == 2);  // pages 1 and 3: dirty in some view
    CHECK(f.mm().counter(mm::Counter::FileWrites) == writes + 2);
    auto expected = original;
    const uint32_t w1 = 0xA1A1A1A1, w3 = 0xB3B3B3B3;
    std::memcpy(expected.data() + 0x1000, &w1, 4);
    std::memcpy(expected.data() + 0x3008, &w3, 4);
    CHECK(f.disk(file) == expected);
    CHECK((f.mm().pte_info(a, va + 0x1000).pte & x86::Pte::kDirty) == 0);
    CHECK((f.mm().pte_info(b, vb + 0x3000).pte & x86::Pte::kDirty) == 0);
    CHECK((f.mm().pte_info(a, va + 0x1000).pte & x86::Pte::kPresent) != 0);  // still mapped
    // Nothing dirty any more: a second flush writes nothing.
    const mm::Result again = f.mm().flush_view(b, vb, 0);
    REQUIRE(again.ok);
    CHECK(again.value == 0);
    CHECK(f.mm().counter(mm::Counter::FileWrites) == writes + 2);
    // A write after the flush dirties the page again; a flush of a range writes just that range.
    REQUIRE(f.write(a, va + 0x1004, 5).ok());
    REQUIRE(f.write(a, va + 0x4000, 6).ok());
    const mm::Result part = f.mm().flush_view(a, va + 0x4000, 0x1000);
    REQUIRE(part.ok);
    CHECK(part.value == 1);
    CHECK(f.disk(file)[0x4000] == 6);
    CHECK(f.disk(file)[0x1004] == original[0x1004]);
    CHECK(f.mm().flush_view(a, 0x30000000, 0).error == Error::InvalidAddress);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("a FILE_MAP_COPY view: a write makes a private READWRITE copy that no other view, the file or ReadFile ever sees",
          "[filemap][cow]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x3000));
    const auto original = patterned(0x3000);
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t fa = f.open(a, kRead | kWrite);
    const uint32_t m = f.mapping(a, fa, page::kReadWrite, 0, 0, "Cow");
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite, "Cow").value;
    const uint32_t copy = f.view(a, m, fm::kCopy);
    const uint32_t shared_a = f.view(a, m, fm::kRead);
    const uint32_t shared_b = f.view(b, mb, fm::kWrite);
    REQUIRE(f.read(a, copy + 0x1000).ok());
    const uint32_t section_frame = f.frame_of(a, copy + 0x1000);
    const uint64_t charge = f.mm().counter(mm::Counter::CommitCharge);

    const mm::AccessResult w = f.write(a, copy + 0x1000, 0x0C0C0C0C);
    REQUIRE(w.ok());
    CHECK((w.faults & (1u << uint32_t(mm::FaultKind::CopyOnWrite))) != 0);
    CHECK(f.frame_of(a, copy + 0x1000) != section_frame);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge + 1);
    CHECK(f.query(a, copy + 0x1000).protect == page::kReadWrite);
    CHECK(f.query(a, copy).protect == page::kWriteCopy);
    CHECK(f.query(a, copy + 0x2000).protect == page::kWriteCopy);
    CHECK(f.query(a, copy).allocation_protect == page::kWriteCopy);
    CHECK(f.read(a, copy + 0x1000).value == 0x0C0C0C0C);
    const uint32_t orig_word = word_at(original, 0x1000);
    CHECK(f.read(a, shared_a + 0x1000).value == orig_word);
    CHECK(f.read(b, shared_b + 0x1000).value == orig_word);
    CHECK(word_at(f.read_file(a, fa, 0x1000, 4), 0) == orig_word);
    // A write through a shared view afterwards is not seen by the private copy either.
    REQUIRE(f.write(b, shared_b + 0x1000, 0x0B0B0B0B).ok());
    CHECK(f.read(a, copy + 0x1000).value == 0x0C0C0C0C);
    CHECK(f.read(a, shared_a + 0x1000).value == 0x0B0B0B0B);

    const mm::Result fl = f.mm().flush_view(a, copy, 0);
    REQUIRE(fl.ok);
    CHECK(f.disk(file) != original);  // B's shared write reached the file (page 1 dirty in B's view)...
    CHECK(word_at(f.disk(file), 0x1000) == 0x0B0B0B0B);
    REQUIRE(f.mm().unmap_view(a, copy).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge);
    REQUIRE(f.mm().unmap_view(a, shared_a).ok);
    REQUIRE(f.mm().unmap_view(b, shared_b).ok);
    REQUIRE(f.mm().close_handle(a, m).ok);
    REQUIRE(f.mm().close_handle(b, mb).ok);
    // ...and the private copy never did.
    CHECK(std::search_n(f.disk(file).begin(), f.disk(file).end(), 4, uint8_t(0x0C)) == f.disk(file).end());
    auto expected = original;
    const uint32_t wb = 0x0B0B0B0B;
    std::memcpy(expected.data() + 0x1000, &wb, 4);
    CHECK(f.disk(file) == expected);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("a FILE_MAP_COPY view's private copy never reaches the file when it is the only view", "[filemap][cow]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x2000));
    const uint16_t a = f.process("A");
    const uint32_t h = f.open(a, kRead);
    const uint32_t m = f.mapping(a, h, page::kWriteCopy);
    const uint32_t v = f.view(a, m, fm::kCopy);
    REQUIRE(f.write(a, v + 0x10, 0xFFFFFFFF).ok());
    REQUIRE(f.write(a, v + 0x1010, 0xEEEEEEEE).ok());
    CHECK(f.query(a, v).protect == page::kReadWrite);
    CHECK(f.mm().flush_view(a, v, 0).value == 0);
    REQUIRE(f.mm().unmap_view(a, v).ok);
    REQUIRE(f.mm().close_handle(a, m).ok);
    REQUIRE(f.mm().close_handle(a, h).ok);
    CHECK(f.disk(file) == patterned(0x2000));
    // A new view sees the file's bytes.
    const uint32_t h2 = f.open(a, kRead);
    const uint32_t v2 = f.view(a, f.mapping(a, h2, page::kReadOnly), fm::kRead);
    CHECK(f.read(a, v2 + 0x10).value == word_at(patterned(0x2000), 0x10));
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// SEC_RESERVE

TEST_CASE("SEC_RESERVE: an uncommitted page faults, MEM_COMMIT on one view commits it for every view and charges once",
          "[filemap][reserve][commit]") {
    FileRig f;
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint32_t m = f.mapping(a, 0, page::kReadWrite, 0x4000, sec::kReserve, "Reserved");
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite, "Reserved").value;
    const uint32_t va = f.view(a, m, fm::kWrite);
    const uint32_t vb = f.view(b, mb, fm::kWrite);
    CHECK(f.query(a, va).state == mem::kReserve);
    CHECK(f.query(a, va).type == mem::kMapped);

    const mm::AccessResult r = f.read(a, va + 0x1000);
    CHECK(r.status == mm::AccessStatus::AccessViolation);
    CHECK(f.write(b, vb + 0x1000, 1).status == mm::AccessStatus::AccessViolation);

    const mm::Result c = f.rig.mm().virtual_alloc(a, va + 0x1000, 0x1000, mem::kCommit, page::kReadWrite);
    REQUIRE(c.ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 1);
    CHECK(f.query(a, va + 0x1000).state == mem::kCommit);
    CHECK(f.query(a, va).state == mem::kReserve);
    CHECK(f.query(a, va + 0x2000).state == mem::kReserve);
    // B never called VirtualAlloc, yet the page is committed for it.
    const mm::MemoryBasicInformation qb = f.query(b, vb + 0x1000);
    CHECK(qb.state == mem::kCommit);
    CHECK(qb.type == mem::kMapped);
    CHECK(f.read(b, vb + 0x1000).value == 0u);
    REQUIRE(f.write(b, vb + 0x1000, 0x5EC0).ok());
    CHECK(f.read(a, va + 0x1000).value == 0x5EC0);
    CHECK(f.frame_of(a, va + 0x1000) == f.frame_of(b, vb + 0x1000));
    // Committing it again, from B, charges nothing more.
    REQUIRE(f.rig.mm().virtual_alloc(b, vb + 0x1000, 0x1000, mem::kCommit, page::kReadWrite).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 1);
    CHECK(f.read(a, va + 0x2000).status == mm::AccessStatus::AccessViolation);  // still reserved

    // The charge goes with the section.
    REQUIRE(f.mm().unmap_view(a, va).ok);
    REQUIRE(f.mm().unmap_view(b, vb).ok);
    REQUIRE(f.mm().close_handle(a, m).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 1);  // B's handle keeps it
    REQUIRE(f.mm().close_handle(b, mb).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// SetEndOfFile

TEST_CASE("SetEndOfFile on a file with a mapped view is USER_MAPPED_FILE, after unmapping it works", "[filemap][file]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x3000));
    const uint16_t a = f.process("A");
    const uint32_t h = f.open(a, kRead | kWrite);
    const uint32_t m = f.mapping(a, h, page::kReadWrite);
    const uint32_t v = f.view(a, m, fm::kWrite);
    REQUIRE(f.write(a, v + 0x100, 0x99).ok());
    const mm::Result cut = f.mm().set_end_of_file(a, h, 0x1000);
    CHECK_FALSE(cut.ok);
    CHECK(cut.error == Error::UserMappedFile);
    CHECK(f.mm().set_end_of_file(a, h, 0x8000).error == Error::UserMappedFile);
    CHECK(f.disk(file).size() == 0x3000);
    REQUIRE(f.mm().unmap_view(a, v).ok);
    // The mapping handle is still open (no view): the file may be cut now.
    const mm::Result ok = f.mm().set_end_of_file(a, h, 0x1000);
    REQUIRE(ok.ok);
    CHECK(f.disk(file).size() == 0x1000);
    CHECK(f.disk(file)[0x100] == 0x99);  // the dirty page reached the disk before the cut
    REQUIRE(f.mm().close_handle(a, m).ok);
    CHECK(f.mm().set_end_of_file(a, h, 0x10).ok);
    CHECK(f.disk(file).size() == 0x10);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// Memory pressure

TEST_CASE("under memory pressure dirty file pages go back to their file, not the pagefile, and read back intact",
          "[filemap][evict]") {
    FileRig f(test::make_config(mm::Personality::Nt, 12, 64, mm::Policy::Fifo));
    constexpr uint32_t kPages = 24;
    const uint32_t file = f.add_file(kPath, patterned(kPages * 0x1000));
    const uint16_t a = f.process("A");
    const uint32_t h = f.open(a, kRead | kWrite);
    const uint32_t m = f.mapping(a, h, page::kReadWrite);
    const uint32_t v = f.view(a, m, fm::kWrite);
    const uint64_t file_writes = f.mm().counter(mm::Counter::FileWrites);
    const uint64_t pagefile_writes = f.mm().counter(mm::Counter::PagefileWrites);
    auto value_at = [](uint32_t off) { return (off * 2654435761u) ^ 0xF00DF00Du; };
    std::vector<uint8_t> expected(kPages * 0x1000);
    for (uint32_t off = 0; off < kPages * 0x1000; off += 4) {
        const mm::AccessResult w = f.write(a, v + off, value_at(off));
        REQUIRE(w.ok());
        const uint32_t val = value_at(off);
        std::memcpy(expected.data() + off, &val, 4);
    }
    REQUIRE_INVARIANTS(f.rig);
    CHECK(f.mm().counter(mm::Counter::Evictions) > 0);
    CHECK(f.mm().counter(mm::Counter::FileWrites) > file_writes);  // eviction wrote pages back
    CHECK(f.mm().counter(mm::Counter::PagefileWrites) == pagefile_writes);
    CHECK(f.mm().pagefile().used() == 0u);
    // Some pages are on the disk already with the new bytes; none was flushed.
    uint32_t on_disk = 0;
    for (uint32_t p = 0; p < kPages; ++p)
        on_disk += std::equal(expected.begin() + p * 0x1000, expected.begin() + (p + 1) * 0x1000, f.disk(file).begin() + p * 0x1000);
    CHECK(on_disk > 0);
    // Every word reads back through the view, and through ReadFile.
    uint32_t bad = 0;
    for (uint32_t off = 0; off < kPages * 0x1000; off += 4) {
        const mm::AccessResult r = f.read(a, v + off);
        REQUIRE(r.ok());
        bad += r.value != value_at(off);
    }
    CHECK(bad == 0u);
    CHECK(f.read_file(a, h, 0, kPages * 0x1000) == expected);
    // Everything gone: every byte is in the file.
    REQUIRE(f.mm().unmap_view(a, v).ok);
    REQUIRE(f.mm().close_handle(a, m).ok);
    CHECK(f.disk(file) == expected);
    CHECK(f.mm().counter(mm::Counter::PagefileWrites) == pagefile_writes);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("under memory pressure a pagefile-backed section's dirty pages go to the pagefile and come back", "[filemap][evict]") {
    FileRig f(test::make_config(mm::Personality::Nt, 12, 64, mm::Policy::Fifo));
    constexpr uint32_t kPages = 16;
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t m = f.mapping(a, 0, page::kReadWrite, kPages * 0x1000, 0, "Anon");
    const uint32_t va = f.view(a, m, fm::kWrite);
    const uint32_t vb = f.view(b, f.mm().open_file_mapping(b, fm::kRead, "Anon").value, fm::kRead);
    for (uint32_t p = 0; p < kPages; ++p) REQUIRE(f.write(a, va + p * 0x1000 + 8, 0x1000u + p).ok());
    CHECK(f.mm().counter(mm::Counter::PagefileWrites) > 0);
    for (uint32_t p = 0; p < kPages; ++p) CHECK(f.read(b, vb + p * 0x1000 + 8).value == 0x1000u + p);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// Lifetime

TEST_CASE("after every handle is closed and every view unmapped nothing is left: frames, slots, commit, dirty pages reached the file",
          "[filemap][lifetime]") {
    FileRig f(test::make_config(mm::Personality::Nt, 20, 64, mm::Policy::Clock));
    const uint32_t file = f.add_file(kPath, patterned(0x8000));
    const uint32_t frames0 = f.mm().frames_free();
    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t fa = f.open(a, kRead | kWrite);
    const uint32_t ma = f.mapping(a, fa, page::kReadWrite, 0, 0, "File");
    // B's handle needs the read right for its copy view too (fidelity rule 6: right by right).
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite | fm::kRead, "File").value;
    const uint32_t va = f.view(a, ma, fm::kWrite);
    const uint32_t vb = f.view(b, mb, fm::kWrite);
    const uint32_t vc = f.view(b, mb, fm::kCopy);
    const uint32_t pa = f.mapping(a, 0, page::kReadWrite, 0x6000, 0, "Anon");
    const uint32_t pb = f.mm().open_file_mapping(b, fm::kWrite | fm::kRead, "Anon").value;
    const uint32_t pva = f.view(a, pa, fm::kWrite);
    const uint32_t pvb = f.view(b, pb, fm::kRead);
    const uint32_t ra = f.mapping(a, 0, page::kReadWrite, 0x4000, sec::kReserve);
    const uint32_t rva = f.view(a, ra, fm::kWrite);
    REQUIRE(f.rig.mm().virtual_alloc(a, rva, 0x2000, mem::kCommit, page::kReadWrite).ok);
    auto expected = patterned(0x8000);
    for (uint32_t p = 0; p < 8; ++p) {
        const uint32_t val = 0xD0D00000u + p;
        REQUIRE(f.write(p % 2 ? b : a, (p % 2 ? vb : va) + p * 0x1000 + 0x40, val).ok());
        std::memcpy(expected.data() + p * 0x1000 + 0x40, &val, 4);
        REQUIRE(f.write(b, vc + p * 0x1000 + 0x80, 0xC0C0C0C0).ok());  // private copies
    }
    for (uint32_t p = 0; p < 6; ++p) REQUIRE(f.write(a, pva + p * 0x1000, p + 1).ok());
    for (uint32_t p = 0; p < 6; ++p) CHECK(f.read(b, pvb + p * 0x1000).value == p + 1);
    REQUIRE(f.write(a, rva + 0x1000, 3).ok());
    REQUIRE_INVARIANTS(f.rig);

    // Handles first (the views keep the objects), then the views.
    for (uint32_t h : {fa, ma, pa, ra}) REQUIRE(f.mm().close_handle(a, h).ok);
    for (uint32_t h : {mb, pb}) REQUIRE(f.mm().close_handle(b, h).ok);
    CHECK(f.mm().handles(a).empty());
    CHECK(f.mm().handles(b).empty());
    REQUIRE_INVARIANTS(f.rig);
    CHECK(f.read(b, pvb + 0x5000).value == 6);  // still there
    for (uint32_t v : {va, pva, rva}) REQUIRE(f.mm().unmap_view(a, v).ok);
    for (uint32_t v : {vb, vc, pvb}) REQUIRE(f.mm().unmap_view(b, v).ok);
    REQUIRE_INVARIANTS(f.rig);
    CHECK(f.disk(file) == expected);
    for (const mm::MappingObject& o : f.mm().mappings()) CHECK_FALSE(o.alive());
    for (const mm::DataSection& s : f.mm().data_sections()) CHECK_FALSE(s.alive);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    CHECK(f.mm().pagefile().used() == 0u);
    // The processes' page directories (and page tables left) go with the processes.
    REQUIRE(f.rig.machine.exit_process(0).ok);
    REQUIRE(f.rig.machine.exit_process(1).ok);
    CHECK(f.mm().frames_free() == frames0);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("ExitProcess with views mapped and handles open releases everything and writes dirty pages to the file",
          "[filemap][lifetime]") {
    FileRig f(test::make_config(mm::Personality::Nt, 16, 32, mm::Policy::Clock));
    const uint32_t file = f.add_file(kPath, patterned(0x5000));
    const uint32_t frames0 = f.mm().frames_free();
    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t ma = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite, 0, 0, "Exit");
    const uint32_t va = f.view(a, ma, fm::kWrite);
    const uint32_t vb = f.view(b, f.mm().open_file_mapping(b, fm::kWrite, "Exit").value, fm::kWrite);
    const uint32_t pv = f.view(a, f.mapping(a, 0, page::kReadWrite, 0x3000), fm::kWrite);
    auto expected = patterned(0x5000);
    for (uint32_t p = 0; p < 5; ++p) {
        const uint32_t val = 0xE0E00000u + p;
        REQUIRE(f.write(p < 3 ? a : b, (p < 3 ? va : vb) + p * 0x1000 + 0x20, val).ok());
        std::memcpy(expected.data() + p * 0x1000 + 0x20, &val, 4);
    }
    for (uint32_t p = 0; p < 3; ++p) REQUIRE(f.write(a, pv + p * 0x1000, 7).ok());
    REQUIRE(f.rig.machine.exit_process(0).ok);  // A goes first: B's view keeps the section
    REQUIRE_INVARIANTS(f.rig);
    CHECK(f.read(b, vb + 0x1020).value == 0xE0E00001u);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);  // the pagefile section died with A
    REQUIRE(f.rig.machine.exit_process(1).ok);
    CHECK(f.disk(file) == expected);
    CHECK(f.mm().frames_free() == frames0);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    CHECK(f.mm().pagefile().used() == 0u);
    for (const mm::DataSection& s : f.mm().data_sections()) CHECK_FALSE(s.alive);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("a file created at run time, written through a view and closed, is undone entirely by seek(0) and redone exactly",
          "[filemap][journal]") {
    FileRig f(test::make_config(mm::Personality::Nt, 14, 32, mm::Policy::Fifo));
    const uint16_t a = f.process("A");
    const uint32_t h = f.open(a, kRead | kWrite, Disposition::Create, "C:\\made.bin");
    REQUIRE(f.mm().write_file(a, h, 0, std::vector<uint8_t>(0x100, 0x42)).ok);
    const uint32_t m = f.mapping(a, h, page::kReadWrite, 0x9000);
    const uint32_t v = f.view(a, m, fm::kWrite);
    for (uint32_t p = 0; p < 9; ++p) REQUIRE(f.write(a, v + p * 0x1000 + 4, p * 3 + 1).ok());
    REQUIRE(f.mm().flush_view(a, v, 0x3000).ok);
    REQUIRE(f.mm().unmap_view(a, v).ok);
    REQUIRE(f.mm().close_handle(a, m).ok);
    REQUIRE(f.mm().set_end_of_file(a, h, 0x5002).ok);
    REQUIRE(f.mm().close_handle(a, h).ok);
    const auto file = f.mm().find_file("C:\\made.bin");
    REQUIRE(file);
    CHECK(f.disk(*file).size() == 0x5002);
    CHECK(f.disk(*file)[0] == 0x42);
    CHECK(f.disk(*file)[0x4004] == 13);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
    CHECK(f.mm().find_file("C:\\made.bin"));
    f.rig.machine.seek(0);
    CHECK_FALSE(f.mm().find_file("C:\\made.bin"));
    f.rig.machine.seek(f.rig.machine.journal().changes().size());
}

// =============================================================================================
// win95
//
// Views under win95 live once in the shared arena; the tests of that are at the end of the file.

TEST_CASE("win95: views of a file mapping are coherent like nt's",
          "[filemap][win95]") {
    FileRig f(test::make_config(mm::Personality::Win95));
    const uint32_t file = f.add_file(kPath, patterned(0x2000));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t m = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite, 0, 0, "W95");
    const uint32_t va = f.view(a, m, fm::kWrite);
    const uint32_t vb = f.view(b, f.mm().open_file_mapping(b, fm::kRead, "W95").value, fm::kRead);
    REQUIRE(f.write(a, va + 0x1000, 0x95959595).ok());
    CHECK(f.read(b, vb + 0x1000).value == 0x95959595);
    CHECK(f.disk(file) == patterned(0x2000));
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// Regressions of bugs these tests found

// UnmapViewOfFile once freed the view's empty page tables (PageTableFreed events) before the
// mapping object dropped its view count, so those event boundaries were inconsistent.
TEST_CASE("the invariants hold at every event boundary of UnmapViewOfFile", "[filemap][journal]") {
    FileRig f;
    f.add_file(kPath, patterned(0x2000));
    const uint16_t a = f.process("A");
    const uint32_t m = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite);
    const uint32_t v = f.view(a, m, fm::kWrite);
    REQUIRE(f.write(a, v, 1).ok());  // the view's page table exists
    REQUIRE(f.mm().unmap_view(a, v).ok);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// More checks of handles and access

TEST_CASE("a view's access is checked against the handle's: a FILE_MAP_READ handle cannot map a write view",
          "[filemap][view]") {
    FileRig f;
    f.add_file(kPath, patterned(0x1000));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t file = f.open(a, kRead | kWrite);
    f.mapping(a, file, page::kReadWrite, 0, 0, "Acc");
    const uint32_t ro = f.mm().open_file_mapping(b, fm::kRead, "Acc").value;
    const mm::Result w = f.mm().map_view(b, ro, fm::kWrite, 0, 0, 0);
    CHECK_FALSE(w.ok);
    CHECK(w.error == Error::AccessDenied);
    CHECK(f.mm().map_view(b, ro, fm::kRead, 0, 0, 0).ok);
    // A file handle is not a mapping handle, and a handle of A means nothing in B.
    CHECK(f.mm().map_view(a, file, fm::kRead, 0, 0, 0).error == Error::InvalidHandle);
    CHECK(f.mm().map_view(b, 0x40, fm::kRead, 0, 0, 0).error == Error::InvalidHandle);
    CHECK(f.mm().create_file_mapping(b, file, page::kReadOnly, 0, 0, {}).error == Error::InvalidHandle);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

TEST_CASE("bytes a view writes past the end of the file in its last page never reach the file", "[filemap][flush]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x1800));
    const uint16_t a = f.process("A");
    const uint32_t h = f.open(a, kRead | kWrite);
    const uint32_t m = f.mapping(a, h, page::kReadWrite);
    const uint32_t v = f.view(a, m, fm::kWrite);
    REQUIRE(f.write(a, v + 0x17FC, 0x44332211).ok());  // the last 4 bytes of the file
    REQUIRE(f.write(a, v + 0x1900, 0x77777777).ok());  // past EOF, inside the last page
    CHECK(f.mm().flush_view(a, v, 0).value == 1);
    CHECK(f.disk(file).size() == 0x1800);
    CHECK(word_at(f.disk(file), 0x17FC) == 0x44332211);
    CHECK(f.read_file(a, h, 0x1800, 0x200).empty());
    REQUIRE(f.mm().unmap_view(a, v).ok);
    REQUIRE(f.mm().close_handle(a, m).ok);
    CHECK(f.disk(file).size() == 0x1800);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// CREATE_ALWAYS on a file whose data section is alive (a mapping handle open, no view) once cut
// the file but left the old bytes in the section's resident frames, where ReadFile found them.
TEST_CASE("after CREATE_ALWAYS truncates a mapped (viewless) file, regrowing it reads zeros, not the old cached bytes",
          "[filemap][file][coherence]") {
    FileRig f;
    const uint32_t file = f.add_file(kPath, patterned(0x2000));
    const uint16_t a = f.process("A");
    const uint32_t h = f.open(a, kRead | kWrite);
    const uint32_t m = f.mapping(a, h, page::kReadOnly);
    const uint32_t v = f.view(a, m, fm::kRead);
    REQUIRE(f.read(a, v).ok());           // page 0 resident in the section
    REQUIRE(f.read(a, v + 0x1000).ok());  // page 1 too
    REQUIRE(f.mm().unmap_view(a, v).ok);  // the mapping handle keeps the section and its frames
    const mm::Result t = f.mm().create_file(a, kPath, kRead | kWrite, Disposition::Create);
    REQUIRE(t.ok);
    CHECK(t.error == Error::AlreadyExists);
    CHECK(f.disk(file).empty());
    REQUIRE(f.mm().write_file(a, t.value, 0x1FFC, {9, 9, 9, 9}).ok);
    CHECK(f.disk(file).size() == 0x2000);
    const auto back = f.read_file(a, t.value, 0, 0x2000);
    REQUIRE(back.size() == 0x2000);
    uint32_t stale = 0;
    for (uint32_t i = 0; i < 0x1FFC; ++i) stale += back[i] != 0;
    CHECK(stale == 0u);
    CHECK(back[0x1FFC] == 9);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
}

// =============================================================================================
// win95 views in the shared arena (WINDOWS.md "Two views of one mapping in one process get
// different addresses [95: the same address — the view lives once, in the shared arena, and
// every process sees it]" and "Windows 95 layout"). MemoryManager::map_view's Windows 95 branch
// places a view in the shared VAD set (MemoryManager::shared_vads()); another map_view of the same
// part of the same mapping object, with the same protection, joins it (SharedRegionJoined) and
// UnmapViewOfFile leaves it (SharedRegionLeft); the last user takes it down.

namespace {

constexpr uint32_t kSharedBegin = 0x80000000u, kSharedEnd = 0xC0000000u;

uint32_t fault_bit(mm::FaultKind k) { return 1u << uint32_t(k); }

// Events of a kind journaled from event index `from` on.
size_t events_since(const FileRig& f, size_t from, mm::EventKind kind) {
    const auto& events = f.rig.machine.journal().events();
    size_t n = 0;
    for (size_t e = from; e < events.size(); ++e) n += events[e].kind == uint16_t(kind);
    return n;
}
// Physical-memory words (PTEs, PDEs, page contents written byte-wise) changed from change `from` on.
size_t phys_writes_since(const FileRig& f, size_t from) {
    const auto& changes = f.rig.machine.journal().changes();
    size_t n = 0;
    for (size_t c = from; c < changes.size(); ++c) n += changes[c].store == core::Store::PhysBytes;
    return n;
}
// The process (os::Machine index) whose address space is s.
uint16_t process_of(const FileRig& f, uint16_t s) {
    for (const os::Process& p : f.rig.machine.processes())
        if (p.space == s) return p.id;
    FAIL("no process has space " << s);
    return 0;
}
bool in_shared(uint32_t base, uint32_t size) { return base >= kSharedBegin && uint64_t(base) + size <= kSharedEnd; }
bool no_shared_table(const mm::MemoryManager& m) {
    for (uint32_t idx = 0x200; idx < 0x300; ++idx)
        if (m.shared_table(idx) != mm::kNoFrame) return false;
    return true;
}

// full_snapshot plus what it leaves out of the shared arena's views: each shared VAD's mapping
// object, section offset and users.
std::vector<std::string> w95_snapshot(const os::Machine& machine) {
    std::vector<std::string> out = full_snapshot(machine);
    for (const auto& [k, v] : machine.mm().shared_vads()) {
        std::string users;
        for (uint16_t u : v.users) users += fmt::format(" {}", u);
        out.push_back(fmt::format("shared vad {:#x}: type {} section {} offset {} mapping {} users{}", k, int(v.type), v.section,
                                  v.offset_page, v.mapping, users));
    }
    return out;
}

// Undo to the fresh machine and redo to the end, compared with w95_snapshot, without checking
// invariants on the way (so that it still says something where an invariant is known to fail).
void require_exact_undo_redo(FileRig& f) {
    f.rig.machine.sync_position();
    const auto at_end = w95_snapshot(f.rig.machine);
    const size_t end = f.rig.machine.journal().changes().size();
    f.rig.machine.seek(0);
    os::Machine fresh(f.cfg);
    for (const auto& [path, bytes] : f.files) fresh.add_file(path, bytes);
    test::require_same_snapshot(w95_snapshot(fresh), w95_snapshot(f.rig.machine));
    f.rig.machine.seek(end);
    test::require_same_snapshot(at_end, w95_snapshot(f.rig.machine));
    f.rig.machine.sync_position();
}

// The invariants, non-fatally, so that a failing test still reports its other checks.
#define CHECK_INVARIANTS_SOFT(machine_or_mm)                           \
    do {                                                               \
        const auto bad_ = (machine_or_mm).check_invariants();          \
        INFO(::pagelab::test::join_lines(bad_));                       \
        CHECK(bad_.empty());                                           \
    } while (0)

}  // namespace

TEST_CASE("win95: a view lives once in the shared arena: B's map_view returns A's address and makes no PTE or page table, "
          "A's write is B's with no fault, a process that never mapped it reads it, A's second map_view returns it again",
          "[filemap][win95]") {
    FileRig f(test::make_config(mm::Personality::Win95));
    const uint32_t file = f.add_file(kPath, patterned(0x3000));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint16_t c = f.process("C");  // never maps anything
    REQUIRE(f.mm().shared_vads().empty());
    const uint32_t fa = f.open(a, kRead | kWrite);
    const uint32_t ma = f.mapping(a, fa, page::kReadWrite, 0, 0, "W95Shared");
    const uint32_t object = f.mm().find_handle(a, ma)->object;
    const uint32_t va = f.view(a, ma, fm::kWrite);

    // In the shared arena, 64 KB aligned, in the shared VAD set (not A's own), used by A.
    CHECK(in_shared(va, 0x3000));
    CHECK(va % 0x10000 == 0);
    CHECK(f.mm().space(a).find_vad(va) == nullptr);
    REQUIRE(f.mm().shared_vads().size() == 1);
    const mm::Vad* vad = f.mm().vad_at(a, va);
    REQUIRE(vad);
    CHECK(vad == &f.mm().shared_vads().begin()->second);
    CHECK(vad->type == mm::VadType::Mapped);
    CHECK(vad->base() == va);
    CHECK(vad->users == std::vector<uint16_t>{a});
    const mm::MemoryBasicInformation qa = f.query(a, va);
    CHECK(qa.allocation_base == va);
    CHECK(qa.type == mem::kMapped);
    CHECK(qa.protect == page::kReadWrite);
    CHECK(qa.region_size == 0x3000);

    // A touches page 0: the shared page table is made, and every win95 directory has its PDE.
    REQUIRE(f.read(a, va).value == word_at(patterned(0x3000), 0));
    const uint32_t table = f.mm().shared_table(va >> 22);
    REQUIRE(table != mm::kNoFrame);
    CHECK(f.mm().pfn()[table].owner == mm::kNoSpace);
    CHECK(f.mm().pfn()[table].use == mm::FrameUse::PageTable);

    // B maps the same named mapping: the same address, one SharedRegionJoined and nothing else —
    // no frame, no PTE, no PDE, no page table.
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite, "W95Shared").value;
    const uint32_t frames_before = f.mm().frames_free();
    const size_t events_before = f.rig.machine.journal().events().size();
    const size_t changes_before = f.rig.machine.journal().changes().size();
    const uint32_t vb = f.view(b, mb, fm::kWrite);
    CHECK(vb == va);
    CHECK(f.mm().frames_free() == frames_before);
    CHECK(f.rig.machine.journal().events().size() == events_before + 1);
    CHECK(events_since(f, events_before, mm::EventKind::SharedRegionJoined) == 1);
    CHECK(events_since(f, events_before, mm::EventKind::ViewMapped) == 0);
    CHECK(events_since(f, events_before, mm::EventKind::PageTableCreated) == 0);
    CHECK(events_since(f, events_before, mm::EventKind::SharedTableCreated) == 0);
    CHECK(phys_writes_since(f, changes_before) == 0);
    CHECK(f.mm().shared_vads().size() == 1);
    CHECK(f.mm().space(b).find_vad(vb) == nullptr);
    CHECK(f.mm().vad_at(b, vb) == f.mm().vad_at(a, va));
    CHECK(f.mm().vad_at(a, va)->users == std::vector<uint16_t>{a, b});
    CHECK(f.mm().mappings()[object].views == 1);  // one view, two users
    CHECK(f.mm().data_sections()[f.mm().mappings()[object].section].views == 1);
    // B sees page 0 valid already: the one PTE A's fault made.
    const auto pa0 = f.mm().pte_info(a, va), pb0 = f.mm().pte_info(b, va);
    CHECK(pb0.kind == mm::PteKind::Valid);
    CHECK(pb0.pte_address == pa0.pte_address);

    // A writes page 1; B reads it with no fault: the directories' PDEs name one table, one PTE.
    const mm::AccessResult w = f.write(a, va + 0x1010, 0x95000001);
    REQUIRE(w.ok());
    CHECK((w.faults & fault_bit(mm::FaultKind::FileRead)) != 0);
    const auto ia = f.mm().pte_info(a, va + 0x1000), ib = f.mm().pte_info(b, vb + 0x1000);
    REQUIRE(ia.table_present);
    REQUIRE(ib.table_present);
    CHECK(ia.pde_address != ib.pde_address);
    CHECK((ia.pde >> 12) == table);
    CHECK((ib.pde >> 12) == table);
    CHECK(ia.pte_address == ib.pte_address);
    CHECK(f.mm().pfn()[f.frame_of(a, va + 0x1000)].share_count == 1);  // one PTE for every process
    const mm::AccessResult rb = f.read(b, vb + 0x1010);
    REQUIRE(rb.ok());
    CHECK(rb.faults == 0);
    CHECK(rb.value == 0x95000001u);
    CHECK(word_at(f.read_file(a, fa, 0x1010, 4), 0) == 0x95000001u);  // coherent with ReadFile
    CHECK(f.disk(file) == patterned(0x3000));                          // not flushed

    // C never mapped it, yet sees it: VirtualQuery says MEM_MAPPED and the read needs no fault.
    const mm::MemoryBasicInformation qc = f.query(c, va + 0x1000);
    CHECK(qc.allocation_base == va);
    CHECK(qc.type == mem::kMapped);
    CHECK(qc.state == mem::kCommit);
    CHECK(qc.allocation_protect == page::kReadWrite);
    CHECK((f.mm().pte_info(c, va + 0x1000).pde >> 12) == table);
    const mm::AccessResult rc = f.read(c, va + 0x1010);
    REQUIRE(rc.ok());
    CHECK(rc.faults == 0);
    CHECK(rc.value == 0x95000001u);
    CHECK(f.mm().vad_at(c, va)->users == std::vector<uint16_t>{a, b});  // reading does not make C a user

    // A second map_view in A returns the same address and changes nothing.
    f.rig.machine.sync_position();
    const auto before_second = full_snapshot(f.rig.machine);
    CHECK(f.view(a, ma, fm::kWrite) == va);
    f.rig.machine.sync_position();
    test::require_same_snapshot(before_second, full_snapshot(f.rig.machine));

    // A process created now gets the shared PDE with its directory and sees the view too.
    const uint16_t d = f.process("D");
    CHECK((f.mm().pte_info(d, va + 0x1000).pde >> 12) == table);
    const mm::AccessResult rd = f.read(d, va + 0x1010);
    REQUIRE(rd.ok());
    CHECK(rd.faults == 0);
    CHECK(rd.value == 0x95000001u);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
    require_exact_undo_redo(f);
}

// Regression: check_invariants once left the private copies of shared-arena views out of the
// committed pages, so "commit charge is N pages but N-1 are committed" while a copy existed.
TEST_CASE("win95: a FILE_MAP_COPY view is its own shared region, its copy is seen neither by the other view nor by the file",
          "[filemap][win95][cow]") {
    FileRig f(test::make_config(mm::Personality::Win95));
    const uint32_t file = f.add_file(kPath, patterned(0x3000));
    const auto original = patterned(0x3000);
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t frames0 = f.mm().frames_free();
    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint32_t fa = f.open(a, kRead | kWrite);
    const uint32_t ma = f.mapping(a, fa, page::kReadWrite, 0, 0, "W95Cow");
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite, "W95Cow").value;
    const uint32_t shared = f.view(a, ma, fm::kWrite);
    CHECK(f.view(b, mb, fm::kWrite) == shared);
    // Windows 95 maps FILE_MAP_COPY views of WRITECOPY mappings only (fidelity rule 14): a second
    // mapping object of the same file, sharing its data section.
    const uint32_t mc = f.mapping(a, fa, page::kWriteCopy);
    const uint32_t copy = f.view(a, mc, fm::kCopy);
    CHECK(copy != shared);
    CHECK(in_shared(copy, 0x3000));
    CHECK(copy % 0x10000 == 0);
    CHECK(f.mm().shared_vads().size() == 2);
    CHECK(f.mm().vad_at(a, copy) != f.mm().vad_at(a, shared));
    CHECK(f.mm().vad_at(a, copy)->users == std::vector<uint16_t>{a});
    CHECK(f.query(a, copy).allocation_protect == page::kWriteCopy);
    CHECK(f.query(a, copy).protect == page::kWriteCopy);
    CHECK(f.query(a, shared).allocation_protect == page::kReadWrite);

    // Both views share the section's frame until the copy view is written.
    const uint32_t orig_word = word_at(original, 0x1000);
    REQUIRE(f.read(a, shared + 0x1000).value == orig_word);
    REQUIRE(f.read(a, copy + 0x1000).value == orig_word);
    const uint32_t section_frame = f.frame_of(a, shared + 0x1000);
    CHECK(f.frame_of(a, copy + 0x1000) == section_frame);
    const uint64_t charge = f.mm().counter(mm::Counter::CommitCharge);
    const mm::AccessResult w = f.write(a, copy + 0x1000, 0x0C0C0C0C);
    REQUIRE(w.ok());
    CHECK((w.faults & fault_bit(mm::FaultKind::CopyOnWrite)) != 0);
    CHECK(f.frame_of(a, copy + 0x1000) != section_frame);
    CHECK(f.frame_of(a, shared + 0x1000) == section_frame);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge + 1);
    CHECK(f.query(a, copy + 0x1000).protect == page::kReadWrite);
    CHECK(f.query(a, copy).protect == page::kWriteCopy);
    CHECK(f.query(a, copy + 0x2000).protect == page::kWriteCopy);
    CHECK(f.read(a, copy + 0x1000).value == 0x0C0C0C0Cu);
    // The shared view, in A and in B, and ReadFile see the file's bytes.
    CHECK(f.read(a, shared + 0x1000).value == orig_word);
    CHECK(f.read(b, shared + 0x1000).value == orig_word);
    CHECK(word_at(f.read_file(a, fa, 0x1000, 4), 0) == orig_word);
    // A write through the shared view afterwards does not reach the copy.
    REQUIRE(f.write(b, shared + 0x1000, 0x0B0B0B0B).ok());
    CHECK(f.read(a, copy + 0x1000).value == 0x0C0C0C0Cu);
    CHECK(f.read(a, shared + 0x1000).value == 0x0B0B0B0Bu);
    CHECK(f.mm().flush_view(a, copy, 0).ok);
    CHECK(word_at(f.disk(file), 0x1000) == 0x0B0B0B0Bu);
    CHECK_INVARIANTS_SOFT(f.rig);  // fails: the bug above

    // Unmapping the copy view (A is its only user) frees the copy and its charge.
    REQUIRE(f.mm().unmap_view(a, copy).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge);
    CHECK(f.mm().shared_vads().size() == 1);
    CHECK(f.query(b, copy).state == mem::kFree);
    REQUIRE(f.mm().unmap_view(a, shared).ok);
    REQUIRE(f.mm().unmap_view(b, shared).ok);
    REQUIRE(f.mm().close_handle(a, mc).ok);
    REQUIRE(f.mm().close_handle(a, ma).ok);
    REQUIRE(f.mm().close_handle(b, mb).ok);
    REQUIRE(f.mm().close_handle(a, fa).ok);
    // The copy never reached the file; B's shared write did.
    CHECK(std::search_n(f.disk(file).begin(), f.disk(file).end(), 4, uint8_t(0x0C)) == f.disk(file).end());
    auto expected = original;
    const uint32_t wb = 0x0B0B0B0B;
    std::memcpy(expected.data() + 0x1000, &wb, 4);
    CHECK(f.disk(file) == expected);
    CHECK(f.mm().shared_vads().empty());
    CHECK(no_shared_table(f.mm()));
    CHECK(f.mm().frames_free() == frames0);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    REQUIRE_INVARIANTS(f.rig);
    require_exact_undo_redo(f);
    f.check_every_event_and_undo_redo();  // fails at the events while the copy exists: the bug above
}

TEST_CASE("win95: UnmapViewOfFile by one user keeps the view for the others, a non-user gets INVALID_ADDRESS, "
          "the last unmap frees the frames and page table, and with the handles closed the commit charge",
          "[filemap][win95][lifetime][commit]") {
    FileRig f(test::make_config(mm::Personality::Win95));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint16_t c = f.process("C");
    const uint32_t frames0 = f.mm().frames_free();
    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint32_t ma = f.mapping(a, 0, page::kReadWrite, 0x3000, 0, "W95Anon");
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3);
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite, "W95Anon").value;
    const uint32_t v = f.view(a, ma, fm::kWrite);
    REQUIRE(f.view(b, mb, fm::kWrite) == v);
    CHECK(in_shared(v, 0x3000));
    for (uint32_t p = 0; p < 3; ++p) REQUIRE(f.write(a, v + p * 0x1000 + 4, 0xA0A00000u + p).ok());
    const uint32_t table = f.mm().shared_table(v >> 22);
    REQUIRE(table != mm::kNoFrame);
    CHECK(f.mm().frames_free() == frames0 - 4);  // three section pages and the shared table

    // C is not a user: its UnmapViewOfFile fails (anywhere in the view) and changes nothing.
    f.rig.machine.sync_position();
    const auto before = full_snapshot(f.rig.machine);
    const mm::Result not_user = f.mm().unmap_view(c, v);
    CHECK_FALSE(not_user.ok);
    CHECK(not_user.error == Error::InvalidAddress);
    CHECK(f.mm().unmap_view(c, v + 0x2ABC).error == Error::InvalidAddress);
    f.rig.machine.sync_position();
    test::require_same_snapshot(before, full_snapshot(f.rig.machine));

    // A lets go: the view stays, at its address, for B (and every process still sees it).
    REQUIRE(f.mm().unmap_view(a, v + 0x1234).ok);
    REQUIRE(f.mm().vad_at(b, v));
    CHECK(f.mm().vad_at(b, v)->users == std::vector<uint16_t>{b});
    CHECK(f.mm().shared_table(v >> 22) == table);
    CHECK(f.mm().frames_free() == frames0 - 4);
    for (uint32_t p = 0; p < 3; ++p) {
        const mm::AccessResult r = f.read(b, v + p * 0x1000 + 4);
        REQUIRE(r.ok());
        CHECK(r.faults == 0);
        CHECK(r.value == 0xA0A00000u + p);
    }
    CHECK(f.query(b, v).type == mem::kMapped);
    CHECK(f.query(a, v).type == mem::kMapped);
    CHECK(f.mm().unmap_view(a, v).error == Error::InvalidAddress);  // A is no user any more

    // The handles go; the view keeps the section and its charge.
    REQUIRE(f.mm().close_handle(a, ma).ok);
    REQUIRE(f.mm().close_handle(b, mb).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3);
    CHECK(f.read(b, v + 0x2004).value == 0xA0A00002u);

    // B is the last user: the view, its frames, its page table and the charge go.
    REQUIRE(f.mm().unmap_view(b, v).ok);
    CHECK(f.mm().shared_vads().empty());
    CHECK(f.mm().shared_table(v >> 22) == mm::kNoFrame);
    CHECK(no_shared_table(f.mm()));
    for (uint16_t s : {a, b, c}) {
        INFO("space " << s);
        const mm::MemoryBasicInformation q = f.query(s, v);
        CHECK(q.state == mem::kFree);
        CHECK(q.type == 0u);
        CHECK_FALSE(f.mm().pte_info(s, v).table_present);
        CHECK(f.read(s, v).status == mm::AccessStatus::AccessViolation);
    }
    CHECK(f.mm().unmap_view(b, v).error == Error::InvalidAddress);
    CHECK(f.mm().frames_free() == frames0);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    CHECK(f.mm().pagefile().used() == 0u);
    for (const mm::MappingObject& o : f.mm().mappings()) CHECK_FALSE(o.alive());
    for (const mm::DataSection& s : f.mm().data_sections()) CHECK_FALSE(s.alive);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
    require_exact_undo_redo(f);
}

TEST_CASE("win95: the last unmap of a pagefile view frees its charge only once the handles are closed too",
          "[filemap][win95][lifetime][commit]") {
    FileRig f(test::make_config(mm::Personality::Win95));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t frames0 = f.mm().frames_free();
    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint32_t ma = f.mapping(a, 0, page::kReadWrite, 0x2000, 0, "W95Kept");
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite, "W95Kept").value;
    const uint32_t v = f.view(a, ma, fm::kWrite);
    REQUIRE(f.view(b, mb, fm::kRead | fm::kWrite) == v);
    REQUIRE(f.write(b, v + 0x1000, 0x5A5A).ok());
    REQUIRE(f.mm().unmap_view(a, v).ok);
    REQUIRE(f.mm().unmap_view(b, v).ok);
    CHECK(f.mm().shared_vads().empty());
    CHECK(no_shared_table(f.mm()));
    // The handles keep the section (and what B wrote) and its charge.
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 2);
    const uint32_t again = f.view(a, ma, fm::kRead);
    CHECK(in_shared(again, 0x2000));
    CHECK(f.read(a, again + 0x1000).value == 0x5A5Au);
    REQUIRE(f.mm().unmap_view(a, again).ok);
    REQUIRE(f.mm().close_handle(a, ma).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 2);
    REQUIRE(f.mm().close_handle(b, mb).ok);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    CHECK(f.mm().frames_free() == frames0);
    CHECK(f.mm().pagefile().used() == 0u);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
    require_exact_undo_redo(f);
}

TEST_CASE("win95: ExitProcess of every user tears the shared views down with no leak, dirty pages reach the file",
          "[filemap][win95][lifetime]") {
    FileRig f(test::make_config(mm::Personality::Win95, 24, 64, mm::Policy::Clock));
    const uint32_t file = f.add_file(kPath, patterned(0x4000));
    const uint32_t frames0 = f.mm().frames_free();
    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint16_t c = f.process("C");  // reads, never maps
    const uint32_t ma = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite, 0, 0, "W95Exit");
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite, "W95Exit").value;
    const uint32_t vf = f.view(a, ma, fm::kWrite);
    REQUIRE(f.view(b, mb, fm::kWrite) == vf);
    const uint32_t pa = f.mapping(a, 0, page::kReadWrite, 0x3000, 0, "W95ExitAnon");
    const uint32_t vp = f.view(a, pa, fm::kWrite);
    REQUIRE(f.view(b, f.mm().open_file_mapping(b, fm::kWrite, "W95ExitAnon").value, fm::kWrite) == vp);
    for (uint32_t v : {vf, vp}) CHECK(in_shared(v, 0x3000));
    CHECK(f.mm().shared_vads().size() == 2);
    auto expected = patterned(0x4000);
    for (uint32_t p = 0; p < 4; ++p) {
        const uint32_t val = 0xE0E00000u + p;
        REQUIRE(f.write(p % 2 ? b : a, vf + p * 0x1000 + 0x20, val).ok());
        std::memcpy(expected.data() + p * 0x1000 + 0x20, &val, 4);
    }
    for (uint32_t p = 0; p < 3; ++p) REQUIRE(f.write(a, vp + p * 0x1000, 0x70u + p).ok());
    CHECK(f.read(c, vf + 0x3020).value == 0xE0E00003u);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3);
    REQUIRE_INVARIANTS(f.rig);

    // A exits: every view stays for B, its pages still valid.
    REQUIRE(f.rig.machine.exit_process(process_of(f, a)).ok);
    CHECK(f.mm().shared_vads().size() == 2);
    for (const auto& [k, v] : f.mm().shared_vads()) CHECK(v.users == std::vector<uint16_t>{b});
    const mm::AccessResult r = f.read(b, vf + 0x1020);
    REQUIRE(r.ok());
    CHECK(r.faults == 0);
    CHECK(r.value == 0xE0E00001u);
    CHECK(f.read(b, vp + 0x2000).value == 0x72u);
    CHECK(f.read(c, vp).value == 0x70u);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3);
    REQUIRE_INVARIANTS(f.rig);

    // B, the last user, exits: everything goes although C still runs (C never used the views).
    REQUIRE(f.rig.machine.exit_process(process_of(f, b)).ok);
    CHECK(f.mm().shared_vads().empty());
    CHECK(no_shared_table(f.mm()));
    CHECK(f.query(c, vf).state == mem::kFree);
    CHECK(f.read(c, vf).status == mm::AccessStatus::AccessViolation);
    CHECK(f.disk(file) == expected);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    CHECK(f.mm().pagefile().used() == 0u);
    for (const mm::MappingObject& o : f.mm().mappings()) CHECK_FALSE(o.alive());
    for (const mm::DataSection& s : f.mm().data_sections()) CHECK_FALSE(s.alive);
    REQUIRE(f.rig.machine.exit_process(process_of(f, c)).ok);
    CHECK(f.mm().frames_free() == frames0);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
    require_exact_undo_redo(f);
}

// The same with a private copy in a shared FILE_MAP_COPY view.
TEST_CASE("win95: ExitProcess of every user tears the shared views down, a FILE_MAP_COPY view's private copy included",
          "[filemap][win95][lifetime][cow]") {
    FileRig f(test::make_config(mm::Personality::Win95, 24, 64, mm::Policy::Clock));
    const uint32_t file = f.add_file(kPath, patterned(0x4000));
    const uint32_t frames0 = f.mm().frames_free();
    const uint64_t charge0 = f.mm().counter(mm::Counter::CommitCharge);
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint16_t c = f.process("C");  // reads, never maps
    const uint32_t ma = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite, 0, 0, "W95Exit");
    const uint32_t mb = f.mm().open_file_mapping(b, fm::kWrite, "W95Exit").value;
    const uint32_t vf = f.view(a, ma, fm::kWrite);
    REQUIRE(f.view(b, mb, fm::kWrite) == vf);
    // B's copy-on-write view: Windows 95 takes FILE_MAP_COPY only of a WRITECOPY mapping.
    const uint32_t mc = f.mapping(b, f.open(b, kRead), page::kWriteCopy, 0, 0, "");
    const uint32_t vc = f.view(b, mc, fm::kCopy);
    const uint32_t pa = f.mapping(a, 0, page::kReadWrite, 0x3000, 0, "W95ExitAnon");
    const uint32_t vp = f.view(a, pa, fm::kWrite);
    REQUIRE(f.view(b, f.mm().open_file_mapping(b, fm::kWrite, "W95ExitAnon").value, fm::kWrite) == vp);
    for (uint32_t v : {vf, vc, vp}) CHECK(in_shared(v, 0x3000));
    CHECK(f.mm().shared_vads().size() == 3);
    auto expected = patterned(0x4000);
    for (uint32_t p = 0; p < 4; ++p) {
        const uint32_t val = 0xE0E00000u + p;
        REQUIRE(f.write(p % 2 ? b : a, vf + p * 0x1000 + 0x20, val).ok());
        std::memcpy(expected.data() + p * 0x1000 + 0x20, &val, 4);
    }
    REQUIRE(f.write(b, vc + 0x2000, 0xC0C0C0C0).ok());  // a private copy, charged
    for (uint32_t p = 0; p < 3; ++p) REQUIRE(f.write(a, vp + p * 0x1000, 0x70u + p).ok());
    CHECK(f.read(c, vf + 0x3020).value == 0xE0E00003u);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3 + 1);
    CHECK_INVARIANTS_SOFT(f.rig);  // fails: the bug

    // A exits: every view stays for B, its pages still valid.
    REQUIRE(f.rig.machine.exit_process(process_of(f, a)).ok);
    CHECK(f.mm().shared_vads().size() == 3);
    for (const auto& [k, v] : f.mm().shared_vads()) CHECK(v.users == std::vector<uint16_t>{b});
    const mm::AccessResult r = f.read(b, vf + 0x1020);
    REQUIRE(r.ok());
    CHECK(r.faults == 0);
    CHECK(r.value == 0xE0E00001u);
    CHECK(f.read(b, vp + 0x2000).value == 0x72u);
    CHECK(f.read(b, vc + 0x2000).value == 0xC0C0C0C0u);
    CHECK(f.read(c, vp).value == 0x70u);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0 + 3 + 1);
    CHECK_INVARIANTS_SOFT(f.rig);  // fails: the bug

    // B, the last user, exits: everything goes although C still runs (C never used the views).
    REQUIRE(f.rig.machine.exit_process(process_of(f, b)).ok);
    CHECK(f.mm().shared_vads().empty());
    CHECK(no_shared_table(f.mm()));
    CHECK(f.query(c, vf).state == mem::kFree);
    CHECK(f.read(c, vf).status == mm::AccessStatus::AccessViolation);
    CHECK(f.disk(file) == expected);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    CHECK(f.mm().pagefile().used() == 0u);
    for (const mm::MappingObject& o : f.mm().mappings()) CHECK_FALSE(o.alive());
    for (const mm::DataSection& s : f.mm().data_sections()) CHECK_FALSE(s.alive);
    REQUIRE(f.rig.machine.exit_process(process_of(f, c)).ok);
    CHECK(f.mm().frames_free() == frames0);
    CHECK(f.mm().counter(mm::Counter::CommitCharge) == charge0);
    REQUIRE_INVARIANTS(f.rig);
    require_exact_undo_redo(f);
    f.check_every_event_and_undo_redo();  // fails while the copy exists: the bug
}

TEST_CASE("win95: shared-arena views under memory pressure: evicted pages come back for every process", "[filemap][win95][evict]") {
    FileRig f(test::make_config(mm::Personality::Win95, 14, 64, mm::Policy::Fifo));
    constexpr uint32_t kPages = 16;
    const uint32_t file = f.add_file(kPath, patterned(kPages * 0x1000));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint32_t m = f.mapping(a, f.open(a, kRead | kWrite), page::kReadWrite, 0, 0, "W95Big");
    const uint32_t v = f.view(a, m, fm::kWrite);
    REQUIRE(f.view(b, f.mm().open_file_mapping(b, fm::kWrite, "W95Big").value, fm::kWrite) == v);
    for (uint32_t p = 0; p < kPages; ++p) REQUIRE(f.write(p % 2 ? a : b, v + p * 0x1000 + 8, 0x1000u + p).ok());
    CHECK(f.mm().counter(mm::Counter::Evictions) > 0);
    for (uint32_t p = 0; p < kPages; ++p) CHECK(f.read(p % 2 ? b : a, v + p * 0x1000 + 8).value == 0x1000u + p);
    REQUIRE(f.mm().unmap_view(a, v).ok);
    REQUIRE(f.mm().unmap_view(b, v).ok);
    for (uint32_t p = 0; p < kPages; ++p) CHECK(word_at(f.disk(file), p * 0x1000 + 8) == 0x1000u + p);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
    require_exact_undo_redo(f);
}

TEST_CASE("nt: the same sequence keeps per-process views: private-arena addresses, own VADs and page tables, a second "
          "view elsewhere, nothing for a process that did not map it",
          "[filemap][win95][nt]") {
    FileRig f(test::make_config(mm::Personality::Nt));
    const uint32_t file = f.add_file(kPath, patterned(0x3000));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint16_t c = f.process("C");
    const uint32_t frames0 = f.mm().frames_free();
    const uint32_t fa = f.open(a, kRead | kWrite);
    const uint32_t ma = f.mapping(a, fa, page::kReadWrite, 0, 0, "NtShared");
    const uint32_t va = f.view(a, ma, fm::kWrite);
    const uint32_t vb = f.view(b, f.mm().open_file_mapping(b, fm::kWrite, "NtShared").value, fm::kWrite);
    const mm::Layout& lay = f.mm().space(a).layout();
    for (uint32_t v : {va, vb}) {
        CHECK(v >= lay.alloc_lowest);
        CHECK(uint64_t(v) + 0x3000 <= lay.user_end);
        CHECK(v < kSharedBegin);
    }
    CHECK(f.mm().shared_vads().empty());
    REQUIRE(f.mm().space(a).find_vad(va));
    REQUIRE(f.mm().space(b).find_vad(vb));
    CHECK(f.mm().space(a).find_vad(va) != f.mm().space(b).find_vad(vb));
    CHECK(f.mm().space(a).find_vad(va)->users.empty());

    // A's write is B's (shared frames), through two PTEs in two page tables.
    REQUIRE(f.write(a, va + 0x1010, 0x17171717).ok());
    const mm::AccessResult rb = f.read(b, vb + 0x1010);
    REQUIRE(rb.ok());
    CHECK(rb.value == 0x17171717u);
    CHECK((rb.faults & fault_bit(mm::FaultKind::Soft)) != 0);  // B's own PTE is built
    const auto ia = f.mm().pte_info(a, va + 0x1000), ib = f.mm().pte_info(b, vb + 0x1000);
    CHECK((ia.pde >> 12) != (ib.pde >> 12));
    CHECK(ia.pte_address != ib.pte_address);
    CHECK((ia.pte >> 12) == (ib.pte >> 12));
    CHECK(f.mm().pfn()[ia.pte >> 12].share_count == 2);

    // C never mapped it: nothing there for C, and C cannot unmap it.
    CHECK(f.query(c, va).state == mem::kFree);
    CHECK(f.read(c, va + 0x1010).status == mm::AccessStatus::AccessViolation);
    CHECK(f.mm().unmap_view(c, va).error == Error::InvalidAddress);

    // A second view in A is elsewhere; a FILE_MAP_COPY view too.
    const uint32_t va2 = f.view(a, ma, fm::kWrite);
    CHECK(va2 != va);
    CHECK(f.read(a, va2 + 0x1010).value == 0x17171717u);
    const uint32_t vc = f.view(a, ma, fm::kCopy);
    CHECK(vc != va);
    CHECK(vc != va2);
    REQUIRE(f.write(a, vc + 0x1010, 0x0C0C0C0C).ok());
    CHECK(f.read(b, vb + 0x1010).value == 0x17171717u);

    // A's unmap is A's alone.
    for (uint32_t v : {va, va2, vc}) REQUIRE(f.mm().unmap_view(a, v).ok);
    CHECK(f.query(a, va).state == mem::kFree);
    CHECK(f.query(b, vb).type == mem::kMapped);
    CHECK(f.read(b, vb + 0x1010).value == 0x17171717u);
    REQUIRE(f.mm().unmap_view(b, vb).ok);
    REQUIRE(f.mm().flush_view(a, va, 0).error == Error::InvalidAddress);
    REQUIRE(f.mm().close_handle(a, ma).ok);
    REQUIRE(f.mm().close_handle(a, fa).ok);
    REQUIRE(f.mm().close_handle(b, 4).ok);
    CHECK(word_at(f.disk(file), 0x1010) == 0x17171717u);  // written back when the section went
    CHECK(f.mm().frames_free() == frames0);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
    require_exact_undo_redo(f);
}

TEST_CASE("win95: with a TLB, the last user's unmap leaves no stale entry for the process running then",
          "[filemap][win95][tlb]") {
    FileRig f(test::make_config(mm::Personality::Win95, 64, 256, mm::Policy::Clock, 8));
    const uint16_t a = f.process("A");
    const uint16_t b = f.process("B");
    const uint16_t c = f.process("C");
    const uint32_t m = f.mapping(a, 0, page::kReadWrite, 0x2000, 0, "W95Tlb");
    const uint32_t v = f.view(a, m, fm::kWrite);
    REQUIRE(f.view(b, f.mm().open_file_mapping(b, fm::kWrite, "W95Tlb").value, fm::kWrite) == v);
    REQUIRE(f.write(a, v + 0x1000, 0x7777).ok());
    REQUIRE(f.read(c, v + 0x1000).value == 0x7777u);  // C runs now, the page in its TLB
    REQUIRE(f.mm().current_space() == c);
    REQUIRE(f.mm().unmap_view(a, v).ok);
    CHECK(f.read(c, v + 0x1000).value == 0x7777u);  // B still uses it
    REQUIRE(f.mm().unmap_view(b, v).ok);            // while C runs
    REQUIRE_INVARIANTS(f.rig);
    CHECK(f.read(c, v + 0x1000).status == mm::AccessStatus::AccessViolation);
    REQUIRE(f.mm().close_handle(a, m).ok);
    REQUIRE(f.mm().close_handle(b, 4).ok);
    REQUIRE_INVARIANTS(f.rig);
    f.check_every_event_and_undo_redo();
    require_exact_undo_redo(f);
}
