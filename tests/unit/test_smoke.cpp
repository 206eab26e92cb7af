#include <catch2/catch.hpp>

#include "os/Machine.h"

using namespace pagelab;

TEST_CASE("smoke: demand-zero, eviction to the pagefile and back, undo to the start", "[smoke]") {
    mm::MachineConfig cfg;
    cfg.frames = 12;
    cfg.pagefile_pages = 64;
    cfg.policy = mm::Policy::Fifo;
    os::Machine m(cfg);
    m.journal().begin_operation(0);
    m.journal().begin_event(0, 0xFFFF);
    auto p = m.create_process("A");
    REQUIRE(p.ok);
    auto& mm = m.mm();
    auto r = mm.virtual_alloc(0, 0, 0x20000, mm::mem::kCommit | mm::mem::kReserve, mm::page::kReadWrite);
    REQUIRE(r.ok);
    CHECK(r.value == 0x00010000);
    for (uint32_t i = 0; i < 32; ++i) {
        auto a = mm.access(0, r.value + i * 4096, 4, x86::Access::Write, 1000 + i);
        REQUIRE(a.ok());
        auto bad = mm.check_invariants();
        INFO((bad.empty() ? std::string() : bad[0]));
        REQUIRE(bad.empty());
    }
    for (uint32_t i = 0; i < 32; ++i) {
        auto a = mm.access(0, r.value + i * 4096, 4, x86::Access::Read);
        REQUIRE(a.ok());
        CHECK(a.value == 1000 + i);
    }
    CHECK(mm.counter(mm::Counter::PagefileWrites) > 0);
    CHECK(mm.counter(mm::Counter::PagefileReads) > 0);
    auto bad = mm.check_invariants();
    INFO((bad.empty() ? std::string() : bad[0]));
    REQUIRE(bad.empty());
    m.sync_position();
    m.seek(0);
    CHECK(m.processes().empty());
    CHECK(mm.spaces().empty());
    CHECK(mm.frames_free() == 10);
    CHECK(mm.check_invariants().empty());
    m.seek(m.journal().changes().size());
    auto a = mm.access(0, r.value + 5 * 4096, 4, x86::Access::Read);
    CHECK(a.value == 1005);
    CHECK(mm.check_invariants().empty());
}
