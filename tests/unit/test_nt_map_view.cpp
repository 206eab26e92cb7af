// NtMapViewOfSection's own arguments and DuplicateHandle (mm/NtMapView.cpp, docs/fidelity.md
// "NtMapViewOfSection"): each refusal with its NTSTATUS and Win32 error, nothing changed by a
// refusal, the view's place for ZeroBits / MEM_TOP_DOWN / AT_ROUND_TO_PAGE, CommitSize, a view in
// another process, handle rights, and Windows 95.
#include "TestHelpers.h"

using namespace pagelab;
namespace page = mm::page;
namespace mem = mm::mem;
using mm::Error;
using mm::NtStatus;

namespace {

struct NtRig {
    explicit NtRig(mm::Personality p = mm::Personality::Nt) : rig(test::make_config(p)) {
        const mm::Result r = rig.machine.create_process("B");
        REQUIRE(r.ok);
        b = rig.machine.processes()[r.value].space;
    }
    mm::MemoryManager& mm() { return rig.mm(); }
    uint16_t a() const { return rig.space; }
    uint32_t section(uint32_t protect = page::kReadWrite, uint32_t size = 0x20000, uint32_t flags = 0) {
        const mm::Result r = mm().create_file_mapping(a(), 0, protect, size, flags, {});
        REQUIRE(r.ok);
        return r.value;
    }
    mm::NtMapArgs args(uint32_t handle, uint32_t protect = page::kReadWrite) {
        mm::NtMapArgs x;
        x.handle = handle;
        x.protect = protect;
        return x;
    }
    // A refusal: its status and error, and no VAD, handle or object changed.
    void refused(uint16_t target, const mm::NtMapArgs& x, NtStatus status, Error error) {
        const auto before = test::snapshot(rig.machine);
        const size_t vads = mm().space(target).vads().size();
        const mm::NtMapResult r = mm().nt_map_view(a(), target, x);
        CHECK_FALSE(r.result.ok);
        CHECK(r.status == status);
        CHECK(r.result.error == error);
        CHECK(mm().space(target).vads().size() == vads);
        test::require_same_snapshot(before, test::snapshot(rig.machine));
    }
    uint32_t mapped(uint16_t target, const mm::NtMapArgs& x, NtStatus status = NtStatus::Success) {
        const mm::NtMapResult r = mm().nt_map_view(a(), target, x);
        REQUIRE(r.result.ok);
        CHECK(r.status == status);
        return r.result.value;
    }
    test::Rig rig;
    uint16_t b = 0;
};

}  // namespace

TEST_CASE("NtMapViewOfSection refuses bad arguments before looking at the section", "[ntmap]") {
    NtRig t;
    const uint32_t h = t.section();
    mm::NtMapArgs x = t.args(h);
    x.inherit = 3;
    t.refused(t.a(), x, NtStatus::InvalidParameter8, Error::InvalidParameter);
    x = t.args(h);
    x.allocation = mem::kCommit;
    t.refused(t.a(), x, NtStatus::InvalidParameter9, Error::InvalidParameter);
    x.allocation = mem::kReserve;
    t.refused(t.a(), x, NtStatus::InvalidParameter9, Error::InvalidParameter);
    x = t.args(h, page::kReadWrite | page::kGuard);
    t.refused(t.a(), x, NtStatus::InvalidPageProtection, Error::InvalidParameter);
    x = t.args(h);
    x.zero_bits = 22;
    t.refused(t.a(), x, NtStatus::InvalidParameter4, Error::InvalidParameter);
    x.zero_bits = 12;
    x.address = 0x30000000;  // above 2^20
    t.refused(t.a(), x, NtStatus::InvalidParameter4, Error::InvalidParameter);
    // ZeroBits is checked before the handle: a bad handle with bad ZeroBits is PARAMETER_4.
    x.handle = 0x400;
    t.refused(t.a(), x, NtStatus::InvalidParameter4, Error::InvalidParameter);
    x = t.args(0x400);
    t.refused(t.a(), x, NtStatus::InvalidHandle, Error::InvalidHandle);
    REQUIRE_INVARIANTS(t.rig.machine);
}

TEST_CASE("NtMapViewOfSection: protection against the section, alignment, range and place", "[ntmap]") {
    NtRig t;
    const uint32_t rw = t.section();
    const uint32_t ro = t.section(page::kReadOnly, 0x10000);
    t.refused(t.a(), t.args(rw, page::kExecuteReadWrite), NtStatus::SectionProtection, Error::InvalidParameter);
    t.refused(t.a(), t.args(ro, page::kReadWrite), NtStatus::SectionProtection, Error::InvalidParameter);
    CHECK(t.mapped(t.a(), t.args(ro, page::kWriteCopy)) != 0);  // copy-on-write fits a read-only section
    mm::NtMapArgs x = t.args(rw);
    x.address = 0x30001000;
    t.refused(t.a(), x, NtStatus::MappedAlignment, Error::MappedAlignment);
    x.address = 0;
    x.offset = 0x1000;
    t.refused(t.a(), x, NtStatus::MappedAlignment, Error::MappedAlignment);
    x.offset = 0x20000;
    t.refused(t.a(), x, NtStatus::InvalidViewSize, Error::AccessDenied);
    x.offset = 0x10000;
    x.size = 0x10001;
    t.refused(t.a(), x, NtStatus::InvalidViewSize, Error::AccessDenied);
    x = t.args(rw);
    x.address = 0x80000000;
    t.refused(t.a(), x, NtStatus::InvalidParameter3, Error::InvalidParameter);
    x.address = 0x30000000;
    x.size = 0x2000;
    CHECK(t.mapped(t.a(), x) == 0x30000000);
    t.refused(t.a(), x, NtStatus::ConflictingAddresses, Error::InvalidAddress);
    // AT_ROUND_TO_PAGE: a page boundary is enough, a base inside a page is rounded down.
    x.allocation = mm::kAtRoundToPage;
    x.address = 0x30001001;  // inside the first view
    t.refused(t.a(), x, NtStatus::ConflictingAddresses, Error::InvalidAddress);
    x.address = 0x30002001;
    x.size = 0x1000;
    CHECK(t.mapped(t.a(), x) == 0x30002000);
    // ZeroBits without a base bounds the place; MEM_TOP_DOWN takes the highest one.
    x = t.args(rw);
    x.size = 0x1000;
    x.zero_bits = 12;
    CHECK(t.mapped(t.a(), x) < 0x00100000u);
    x.zero_bits = 16;
    t.refused(t.a(), x, NtStatus::NoMemory, Error::NotEnoughMemory);
    x.zero_bits = 0;
    x.allocation = mem::kTopDown;
    CHECK(t.mapped(t.a(), x) == 0x7FFE0000);
    REQUIRE_INVARIANTS(t.rig.machine);
}

TEST_CASE("NtMapViewOfSection: CommitSize commits the start of a SEC_RESERVE view only", "[ntmap]") {
    NtRig t;
    const uint32_t r = t.section(page::kReadWrite, 0x20000, mm::sec::kReserve);
    mm::NtMapArgs x = t.args(r);
    x.size = 0x3000;
    x.commit_size = 0x1001;  // rounds up to two pages
    const uint32_t v = t.mapped(t.a(), x);
    mm::MemoryBasicInformation q;
    REQUIRE(t.mm().virtual_query(t.a(), v, q).ok);
    CHECK(q.state == mem::kCommit);
    CHECK(q.region_size == 0x2000);
    REQUIRE(t.mm().virtual_query(t.a(), v + 0x2000, q).ok);
    CHECK(q.state == mem::kReserve);
    // A SEC_COMMIT section is committed whatever CommitSize says.
    const uint32_t c = t.section();
    x = t.args(c);
    x.size = 0x2000;
    x.commit_size = 0x1000;
    const uint32_t w = t.mapped(t.a(), x);
    REQUIRE(t.mm().virtual_query(t.a(), w, q).ok);
    CHECK(q.state == mem::kCommit);
    CHECK(q.region_size == 0x2000);
    REQUIRE_INVARIANTS(t.rig.machine);
}

TEST_CASE("NtMapViewOfSection into another process, and DuplicateHandle", "[ntmap]") {
    NtRig t;
    const uint32_t h = t.section();
    mm::NtMapArgs x = t.args(h);
    x.size = 0x1000;
    const uint32_t va = t.mapped(t.a(), x);
    REQUIRE(t.rig.write(va, 0x12345678).ok());
    const uint32_t vb = t.mapped(t.b, x);
    CHECK(t.mm().space(t.b).vads().size() == 1);
    const mm::AccessResult rb = t.mm().access(t.b, vb, 4, x86::Access::Read);
    REQUIRE(rb.ok());
    CHECK(rb.value == 0x12345678u);
    // DuplicateHandle: B's own handle, one more handle on the object; fewer rights when asked.
    const uint32_t handles = t.mm().mappings()[0].handles;
    const mm::Result d = t.mm().duplicate_handle(t.a(), h, t.b, std::nullopt);
    REQUIRE(d.ok);
    CHECK(t.mm().mappings()[0].handles == handles + 1);
    CHECK(t.mm().map_view(t.b, d.value, mm::filemap::kWrite, 0, 0, 0).ok);
    const mm::Result ro = t.mm().duplicate_handle(t.a(), h, t.b, mm::filemap::kRead);
    REQUIRE(ro.ok);
    CHECK(t.mm().map_view(t.b, ro.value, mm::filemap::kWrite, 0, 0, 0).error == Error::AccessDenied);
    CHECK(t.mm().duplicate_handle(t.a(), 0x400, t.b, std::nullopt).error == Error::InvalidHandle);
    CHECK(t.mm().duplicate_handle(t.a(), h, t.b, 0x80000000u).error == Error::InvalidParameter);
    // Closing A's handle leaves the object alive for B's handles.
    REQUIRE(t.mm().close_handle(t.a(), h).ok);
    CHECK(t.mm().mappings()[0].alive());
    REQUIRE_INVARIANTS(t.rig.machine);
}

TEST_CASE("NtMapViewOfSection does not exist under Windows 95, DuplicateHandle does", "[ntmap][win95]") {
    NtRig t(mm::Personality::Win95);
    const uint32_t h = t.section(page::kReadWrite, 0x10000);
    t.refused(t.a(), t.args(h), NtStatus::NotImplemented, Error::CallNotImplemented);
    CHECK(t.mm().duplicate_handle(t.a(), h, t.b, std::nullopt).ok);
    REQUIRE_INVARIANTS(t.rig.machine);
}
