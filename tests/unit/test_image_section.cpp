// Image sections: the protection table, synthetic PE32 files, prototype PTEs, image-read and soft
// faults, copy-on-write, SHARED sections and the eviction of image pages.
#include "TestHelpers.h"

#include <cstring>

#include "os/Loader.h"
#include "os/SyntheticImage.h"

using namespace pagelab;
namespace page = mm::page;
namespace scn = os::scn;

namespace {

os::SyntheticSection section(const char* name, uint32_t size, uint32_t ch, const std::string& text = {}) {
    os::SyntheticSection s;
    s.section.name = name;
    s.section.virtual_size = size;
    s.section.characteristics = ch;
    s.section.raw.assign(text.begin(), text.end());
    return s;
}

// AppInst: .text (RX), .data (RW, write-copy), Shared (RW|SHARED).
uint32_t add_appinst(os::Machine& m, const char* path = "C:\\APP\\AppInst.exe") {
    os::ImageDescription img;
    img.image_base = 0x00400000;
    img.entry_rva = 0x1000;
    auto bytes = os::build_synthetic_image(
        img,
        {section(".text", 0x1000, scn::kCode | scn::kRead | scn::kExecute, "code"),
         section(".data", 0x1000, scn::kInitializedData | scn::kRead | scn::kWrite, "counter=0"),
         section("Shared", 0x1000, scn::kInitializedData | scn::kRead | scn::kWrite | scn::kShared)},
        true);
    return m.add_image(path, std::move(bytes), img);
}

uint16_t start(test::Rig& rig, const std::string& name) {
    const os::LoadOutcome o = os::create_process(rig.machine, name, "C:\\APP\\AppInst.exe");
    REQUIRE(o.result.ok);
    return rig.machine.processes()[o.result.value].space;
}

}  // namespace

TEST_CASE("section characteristics give the page protections WINDOWS.md tabulates", "[image][protection]") {
    const uint32_t R = scn::kRead, W = scn::kWrite, X = scn::kExecute, S = scn::kShared;
    CHECK(os::section_protection(0) == page::kNoAccess);
    CHECK(os::section_protection(R) == page::kReadOnly);
    CHECK(os::section_protection(W) == page::kWriteCopy);
    CHECK(os::section_protection(R | W) == page::kWriteCopy);
    CHECK(os::section_protection(X) == page::kExecute);
    CHECK(os::section_protection(R | X) == page::kExecuteRead);
    CHECK(os::section_protection(W | X) == page::kExecuteWriteCopy);
    CHECK(os::section_protection(R | W | X) == page::kExecuteWriteCopy);
    CHECK(os::section_protection(R | W | S) == page::kReadWrite);
    CHECK(os::section_protection(R | W | X | S) == page::kExecuteReadWrite);
    CHECK(os::section_protection(R | S) == page::kReadOnly);  // SHARED without write changes nothing
}

TEST_CASE("a synthetic image has real PE headers and its sections at their file offsets", "[image][pe]") {
    os::ImageDescription img;
    img.image_base = 0x10000000;
    img.is_dll = true;
    const auto bytes = os::build_synthetic_image(
        img, {section(".text", 0x2000, scn::kCode | scn::kRead | scn::kExecute, "hello"),
              section(".bss", 0x1000, scn::kUninitializedData | scn::kRead | scn::kWrite)},
        false);
    REQUIRE(bytes.size() >= 0x400);
    CHECK(bytes[0] == 'M');
    CHECK(bytes[1] == 'Z');
    CHECK(std::memcmp(&bytes[0x80], "PE\0\0", 4) == 0);
    const uint16_t ch = uint16_t(bytes[0x84 + 18] | (bytes[0x84 + 19] << 8));
    CHECK((ch & 0x2000) != 0);  // IMAGE_FILE_DLL
    CHECK((ch & 0x0001) != 0);  // IMAGE_FILE_RELOCS_STRIPPED
    CHECK(img.relocs_stripped);
    REQUIRE(img.sections.size() == 2);
    CHECK(img.sections[0].rva == 0x1000);
    CHECK(img.sections[1].rva == 0x3000);
    CHECK(img.size_of_image == 0x4000);
    CHECK(std::memcmp(&bytes[img.sections[0].file_offset], "hello", 5) == 0);
    CHECK(img.relocation_rvas.empty());
    const auto pages = os::image_pages(img);
    REQUIRE(pages.size() == 4);
    CHECK(pages[0].mm_protection == *mm::to_mm_protection(page::kReadOnly));
    CHECK(pages[1].file_bytes == 0x1000);
    CHECK(pages[3].file_bytes == 0);  // .bss: demand-zero
}

TEST_CASE("a relocatable synthetic image has a fixup on every page of its code", "[image][pe]") {
    os::ImageDescription img;
    os::build_synthetic_image(img, {section(".text", 0x2000, scn::kCode | scn::kRead | scn::kExecute)}, true);
    CHECK_FALSE(img.relocs_stripped);
    CHECK(img.relocation_rvas == std::vector<uint32_t>{0x1FFC, 0x2FFC});
}

TEST_CASE("the first touch of an image page is an image-read, a second process's is a soft fault", "[image][fault]") {
    test::Rig rig(test::make_config(mm::Personality::Nt), false);
    add_appinst(rig.machine);
    const uint16_t a = start(rig, "A");
    const uint64_t reads = rig.mm().counter(mm::Counter::FileReads);
    const mm::AccessResult ra = rig.mm().access(a, 0x00402000, 1, x86::Access::Read);
    REQUIRE(ra.ok());
    CHECK(ra.faults == 1u << uint32_t(mm::FaultKind::ImageRead));
    CHECK(ra.value == 'c');
    CHECK(rig.mm().counter(mm::Counter::FileReads) == reads + 1);
    const uint16_t b = start(rig, "B");
    const mm::AccessResult rb = rig.mm().access(b, 0x00402000, 1, x86::Access::Read);
    CHECK(rb.faults == 1u << uint32_t(mm::FaultKind::Soft));
    CHECK(rig.mm().counter(mm::Counter::FileReads) == reads + 1);
    const auto fa = rig.mm().pte_info(a, 0x00402000).pte >> 12;
    const auto fb = rig.mm().pte_info(b, 0x00402000).pte >> 12;
    CHECK(fa == fb);
    CHECK(rig.mm().pfn()[fa].share_count == 2);
    CHECK(rig.mm().pfn()[fa].use == mm::FrameUse::Image);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("write to a WRITECOPY image page gives that page a private READWRITE copy", "[image][cow]") {
    test::Rig rig(test::make_config(mm::Personality::Nt), false);
    add_appinst(rig.machine);
    const uint16_t a = start(rig, "A");
    const uint16_t b = start(rig, "B");
    REQUIRE(rig.mm().access(a, 0x00402000, 1, x86::Access::Read).ok());
    const uint64_t charge = rig.mm().counter(mm::Counter::CommitCharge);
    const mm::AccessResult w = rig.mm().access(b, 0x00402000, 1, x86::Access::Write, 'C');
    REQUIRE(w.ok());
    CHECK((w.faults & (1u << uint32_t(mm::FaultKind::CopyOnWrite))) != 0);
    CHECK(rig.mm().counter(mm::Counter::CowFaults) == 1);
    CHECK(rig.mm().counter(mm::Counter::CommitCharge) == charge + 1);
    mm::MemoryBasicInformation qb, qa;
    REQUIRE(rig.mm().virtual_query(b, 0x00402000, qb).ok);
    REQUIRE(rig.mm().virtual_query(a, 0x00402000, qa).ok);
    CHECK(qb.protect == page::kReadWrite);
    CHECK(qb.type == mm::mem::kImage);
    CHECK(qb.allocation_protect == page::kExecuteWriteCopy);
    CHECK(qa.protect == page::kWriteCopy);
    CHECK(rig.mm().access(a, 0x00402000, 1, x86::Access::Read).value == 'c');
    CHECK(rig.mm().access(b, 0x00402000, 1, x86::Access::Read).value == 'C');
    // The file is untouched.
    const auto& file = rig.mm().files()[0].bytes;
    CHECK(std::find(file.begin(), file.end(), uint8_t('C')) == file.end());
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a SHARED writable section keeps one frame for every process, even under eviction", "[image][shared]") {
    test::Rig rig(test::make_config(mm::Personality::Nt, 16, 64, mm::Policy::Fifo), false);
    add_appinst(rig.machine);
    const uint16_t a = start(rig, "A");
    const uint16_t b = start(rig, "B");
    REQUIRE(rig.mm().access(a, 0x00403000, 4, x86::Access::Write, 7).ok());
    CHECK(rig.mm().access(b, 0x00403000, 4, x86::Access::Read).value == 7);
    CHECK(rig.mm().counter(mm::Counter::CowFaults) == 0);
    // Fill RAM from A until the shared page has gone to the pagefile, then read it back in B.
    const mm::Result buf = rig.mm().virtual_alloc(a, 0, 0x10000, mm::mem::kReserve | mm::mem::kCommit, page::kReadWrite);
    REQUIRE(buf.ok);
    for (uint32_t off = 0; off < 0x10000; off += 0x1000) REQUIRE(rig.mm().access(a, buf.value + off, 1, x86::Access::Write, 1).ok());
    REQUIRE_INVARIANTS(rig);
    CHECK(rig.mm().counter(mm::Counter::PagefileWrites) > 0);
    const mm::AccessResult back = rig.mm().access(b, 0x00403000, 4, x86::Access::Read);
    REQUIRE(back.ok());
    CHECK(back.value == 7);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("a clean image page is dropped on eviction and read from the file again", "[image][evict]") {
    test::Rig rig(test::make_config(mm::Personality::Nt, 12, 64, mm::Policy::Fifo), false);
    add_appinst(rig.machine);
    const uint16_t a = start(rig, "A");
    const uint64_t reads = rig.mm().counter(mm::Counter::FileReads);
    const mm::Result buf = rig.mm().virtual_alloc(a, 0, 0x10000, mm::mem::kReserve | mm::mem::kCommit, page::kReadWrite);
    REQUIRE(buf.ok);
    for (uint32_t off = 0; off < 0x8000; off += 0x1000) REQUIRE(rig.mm().access(a, buf.value + off, 1, x86::Access::Write, 1).ok());
    CHECK(rig.mm().pte_info(a, 0x00401000).kind == mm::PteKind::Prototype);
    const mm::AccessResult r = rig.mm().access(a, 0x00401000, 1, x86::Access::Execute);
    CHECK(r.faults == 1u << uint32_t(mm::FaultKind::ImageRead));
    CHECK(r.value == 'c');
    CHECK(rig.mm().counter(mm::Counter::FileReads) > reads);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("image pages cannot be allocated over, freed or protected with the private-memory calls", "[image]") {
    test::Rig rig(test::make_config(mm::Personality::Nt), false);
    add_appinst(rig.machine);
    const uint16_t a = start(rig, "A");
    CHECK(rig.mm().virtual_alloc(a, 0x00400000, 0x1000, mm::mem::kReserve, page::kReadWrite).error == mm::Error::InvalidAddress);
    CHECK(rig.mm().virtual_alloc(a, 0x00401000, 0x1000, mm::mem::kCommit, page::kReadWrite).error == mm::Error::InvalidAddress);
    CHECK(rig.mm().virtual_free(a, 0x00400000, 0, mm::mem::kRelease).error == mm::Error::InvalidParameter);
    REQUIRE_INVARIANTS(rig);
}

// ---- VirtualProtect on image pages ----

TEST_CASE("VirtualProtect on image pages: READWRITE becomes WRITECOPY, and a write copies the page", "[image][protect]") {
    test::Rig rig(test::make_config(mm::Personality::Nt), false);
    add_appinst(rig.machine);
    const auto start_snap = test::snapshot(rig.machine);
    const size_t p0 = rig.machine.journal().changes().size();
    rig.machine.sync_position();
    const uint16_t a = start(rig, "A");
    const uint16_t b = start(rig, "B");
    REQUIRE(rig.mm().access(a, 0x00401000, 1, x86::Access::Read).ok());  // .text in a shared frame
    const uint32_t shared = rig.mm().pte_info(a, 0x00401000).pte >> 12;
    // The debugger's way of patching code: make it writable, then write.
    const mm::Result r = rig.mm().virtual_protect(a, 0x00401000, 0x1000, page::kReadWrite);
    REQUIRE(r.ok);
    CHECK(r.value == page::kExecuteRead);  // the old protection of the first page
    mm::MemoryBasicInformation q;
    REQUIRE(rig.mm().virtual_query(a, 0x00401000, q).ok);
    CHECK(q.protect == page::kWriteCopy);
    CHECK(q.allocation_protect == page::kExecuteWriteCopy);  // never changes
    CHECK(q.type == mm::mem::kImage);
    REQUIRE(rig.mm().virtual_query(b, 0x00401000, q).ok);
    CHECK(q.protect == page::kExecuteRead);  // B is not affected
    CHECK(rig.mm().pte_info(a, 0x00401000).pte >> 12 == shared);  // still the shared frame
    CHECK((rig.mm().pte_info(a, 0x00401000).pte & x86::Pte::kCopyOnWrite) != 0);
    REQUIRE_INVARIANTS(rig);
    const mm::AccessResult w = rig.mm().access(a, 0x00401000, 1, x86::Access::Write, 'X');
    REQUIRE(w.ok());
    CHECK((w.faults & (1u << uint32_t(mm::FaultKind::CopyOnWrite))) != 0);
    CHECK(rig.mm().pte_info(a, 0x00401000).pte >> 12 != shared);
    REQUIRE(rig.mm().virtual_query(a, 0x00401000, q).ok);
    CHECK(q.protect == page::kReadWrite);
    CHECK(rig.mm().access(b, 0x00401000, 1, x86::Access::Read).value == 'c');
    CHECK(rig.mm().access(a, 0x00401000, 1, x86::Access::Read).value == 'X');
    const auto& file = rig.mm().files()[0].bytes;
    CHECK(std::find(file.begin(), file.end(), uint8_t('X')) == file.end());
    REQUIRE_INVARIANTS(rig);

    // EXECUTE_READWRITE on a page not in memory becomes EXECUTE_WRITECOPY; the write brings the
    // page in and then copies it.
    REQUIRE(rig.mm().virtual_protect(b, 0x00402000, 0x1000, page::kExecuteReadWrite).ok);
    REQUIRE(rig.mm().virtual_query(b, 0x00402000, q).ok);
    CHECK(q.protect == page::kExecuteWriteCopy);
    const mm::AccessResult w2 = rig.mm().access(b, 0x00402000, 1, x86::Access::Write, 'Y');
    REQUIRE(w2.ok());
    CHECK((w2.faults & (1u << uint32_t(mm::FaultKind::CopyOnWrite))) != 0);
    REQUIRE(rig.mm().virtual_query(b, 0x00402000, q).ok);
    CHECK(q.protect == page::kExecuteReadWrite);
    REQUIRE_INVARIANTS(rig);

    rig.machine.sync_position();
    const auto end_snap = test::snapshot(rig.machine);
    const size_t p1 = rig.machine.journal().changes().size();
    rig.machine.seek(p0);
    test::require_same_snapshot(start_snap, test::snapshot(rig.machine));
    rig.machine.seek(p1);
    test::require_same_snapshot(end_snap, test::snapshot(rig.machine));
}

TEST_CASE("VirtualProtect READONLY and NOACCESS on image pages stop writes and touches", "[image][protect]") {
    test::Rig rig(test::make_config(mm::Personality::Nt), false);
    add_appinst(rig.machine);
    const uint16_t a = start(rig, "A");
    const uint16_t b = start(rig, "B");
    // .data, present in both.
    REQUIRE(rig.mm().access(a, 0x00402000, 1, x86::Access::Read).ok());
    REQUIRE(rig.mm().access(b, 0x00402000, 1, x86::Access::Read).ok());
    const mm::Result r = rig.mm().virtual_protect(a, 0x00402000, 0x1000, page::kReadOnly);
    REQUIRE(r.ok);
    CHECK(r.value == page::kWriteCopy);
    const mm::AccessResult w = rig.mm().access(a, 0x00402000, 1, x86::Access::Write, 'Z');
    CHECK(w.status == mm::AccessStatus::AccessViolation);
    CHECK(rig.mm().access(a, 0x00402000, 1, x86::Access::Read).value == 'c');
    CHECK(rig.mm().access(b, 0x00402000, 1, x86::Access::Write, 'B').ok());  // B's page is still WRITECOPY
    // The SHARED page: READONLY in A, B still writes the shared frame.
    REQUIRE(rig.mm().virtual_protect(a, 0x00403000, 0x1000, page::kReadOnly).ok);
    CHECK(rig.mm().access(a, 0x00403000, 4, x86::Access::Write, 1).status == mm::AccessStatus::AccessViolation);
    REQUIRE(rig.mm().access(b, 0x00403000, 4, x86::Access::Write, 5).ok());
    CHECK(rig.mm().access(a, 0x00403000, 4, x86::Access::Read).value == 5);
    REQUIRE_INVARIANTS(rig);
    // NOACCESS on a present shared page: A lets go of the frame.
    const uint32_t frame = rig.mm().pte_info(a, 0x00401000).pte >> 12;
    REQUIRE(rig.mm().access(a, 0x00401000, 1, x86::Access::Execute).ok());
    REQUIRE(rig.mm().access(b, 0x00401000, 1, x86::Access::Execute).ok());
    const uint32_t shares = rig.mm().pfn()[rig.mm().pte_info(a, 0x00401000).pte >> 12].share_count;
    (void)frame;
    REQUIRE(rig.mm().virtual_protect(a, 0x00401000, 0x1000, page::kNoAccess).ok);
    CHECK(rig.mm().pte_info(a, 0x00401000).kind == mm::PteKind::Prototype);
    CHECK(rig.mm().pfn()[rig.mm().pte_info(b, 0x00401000).pte >> 12].share_count == shares - 1);
    CHECK(rig.mm().access(a, 0x00401000, 1, x86::Access::Read).status == mm::AccessStatus::AccessViolation);
    // A guard page on an image page: the first touch fails once, the second works.
    REQUIRE(rig.mm().virtual_protect(a, 0x00401000, 0x1000, page::kExecuteRead | page::kGuard).ok);
    CHECK(rig.mm().access(a, 0x00401000, 1, x86::Access::Execute).status == mm::AccessStatus::GuardPage);
    CHECK(rig.mm().access(a, 0x00401000, 1, x86::Access::Execute).ok());
    mm::MemoryBasicInformation q;
    REQUIRE(rig.mm().virtual_query(a, 0x00401000, q).ok);
    CHECK(q.protect == page::kExecuteRead);
    REQUIRE_INVARIANTS(rig);
}

TEST_CASE("VirtualProtect on a private copy of an image page changes it like private memory", "[image][protect]") {
    test::Rig rig(test::make_config(mm::Personality::Nt), false);
    add_appinst(rig.machine);
    const uint16_t a = start(rig, "A");
    REQUIRE(rig.mm().access(a, 0x00402000, 1, x86::Access::Write, 'P').ok());  // a private copy, READWRITE
    const uint64_t cows = rig.mm().counter(mm::Counter::CowFaults);
    const mm::Result r = rig.mm().virtual_protect(a, 0x00402000, 0x1000, page::kReadOnly);
    REQUIRE(r.ok);
    CHECK(r.value == page::kReadWrite);
    CHECK(rig.mm().access(a, 0x00402000, 1, x86::Access::Write, 'Q').status == mm::AccessStatus::AccessViolation);
    // READWRITE again: the page is a copy already, so it is READWRITE (not WRITECOPY) and a write
    // copies nothing.
    REQUIRE(rig.mm().virtual_protect(a, 0x00402000, 0x1000, page::kReadWrite).ok);
    mm::MemoryBasicInformation q;
    REQUIRE(rig.mm().virtual_query(a, 0x00402000, q).ok);
    CHECK(q.protect == page::kReadWrite);
    REQUIRE(rig.mm().access(a, 0x00402000, 1, x86::Access::Write, 'Q').ok());
    CHECK(rig.mm().counter(mm::Counter::CowFaults) == cows);
    CHECK(rig.mm().access(a, 0x00402000, 1, x86::Access::Read).value == 'Q');
    REQUIRE_INVARIANTS(rig);
}
