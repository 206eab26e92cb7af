// core::Journal and os::Machine::seek: every primitive change is recorded with its before and
// after values, grouped into events and operations; undoing to the start gives back the machine
// as constructed, and redoing to the end gives back the machine the run produced.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <set>

#include "TestHelpers.h"

using namespace pagelab;
using pagelab::core::Journal;
using pagelab::core::Store;
// Records per packed block (tests that count blocks or bytes per record use it).
constexpr size_t kBlock = core::CompactLog<core::Change, core::ChangeCodec>::kBlock;

TEST_CASE("a change whose before equals its after is not recorded", "[journal]") {
    Journal j(true);
    j.record(Store::Pfn, 0, 1, 5, 5);
    CHECK(j.changes().empty());
    j.record(Store::Pfn, 0, 1, 5, 6);
    REQUIRE(j.changes().size() == 1);
    CHECK(j.changes()[0].before == 5);
    CHECK(j.changes()[0].after == 6);
}

TEST_CASE("a disabled journal records nothing", "[journal]") {
    Journal j(false);
    j.record(Store::Pfn, 0, 1, 5, 6);
    j.record_counter(0, 1, 2);
    CHECK(j.begin_operation(0) == 0);
    CHECK(j.changes().empty());
    CHECK(j.operations().empty());
}

TEST_CASE("consecutive changes of one counter in one event merge into one record", "[journal]") {
    Journal j(true);
    j.begin_operation(0);
    j.begin_event(1, 0);
    j.record_counter(3, 10, 11);
    j.record_counter(3, 11, 12);
    j.record_counter(3, 12, 13);
    REQUIRE(j.changes().size() == 1);
    CHECK(j.changes()[0].before == 10);
    CHECK(j.changes()[0].after == 13);
}

TEST_CASE("counter records do not merge across another change, another counter or a new event", "[journal]") {
    Journal j(true);
    j.begin_operation(0);
    j.begin_event(1, 0);
    j.record_counter(3, 10, 11);
    j.record_counter(4, 0, 1);
    j.record_counter(3, 11, 12);
    CHECK(j.changes().size() == 3);
    j.record(Store::Pfn, 0, 1, 0, 1);
    j.record_counter(3, 12, 13);
    CHECK(j.changes().size() == 5);
    j.begin_event(2, 0);
    j.record_counter(3, 13, 14);
    CHECK(j.changes().size() == 6);
    CHECK(j.events()[1].first_change == 5);
}

TEST_CASE("counter records do not merge across the start of a new operation", "[journal]") {
    Journal j(true);
    j.begin_operation(0);
    j.begin_event(1, 0);
    j.record_counter(3, 10, 11);
    j.begin_operation(1);
    j.record_counter(3, 11, 12);
    CHECK(j.changes().size() == 2);
}

TEST_CASE("events belong to the operation open when they begin and start at the next change", "[journal]") {
    Journal j(true);
    CHECK(j.begin_operation(7) == 0);
    CHECK(j.begin_event(0, 0xFFFF, 1, 2, 3, 4) == 0);
    j.record(Store::Pfn, 0, 1, 0, 1);
    CHECK(j.begin_event(5, 2) == 1);
    j.record(Store::Pfn, 0, 1, 1, 2);
    j.record(Store::Pfn, 0, 1, 2, 3);
    CHECK(j.begin_operation(8) == 1);
    CHECK(j.begin_event(0, 0xFFFF) == 2);
    REQUIRE(j.events().size() == 3);
    CHECK(j.operation_of(0) == 0);
    CHECK(j.events()[0].args[3] == 4);
    CHECK(j.events()[1].first_change == 1);
    CHECK(j.events()[1].kind == 5);
    CHECK(j.events()[1].space == 2);
    CHECK(j.operation_of(2) == 1);
    CHECK(j.events()[2].first_change == 3);
    CHECK(j.operations()[1].step == 8);
    CHECK(j.operations()[1].first_event == 2);
}

TEST_CASE("the journal keeps page contents by reference, the all-zero page costs no blob", "[journal]") {
    Journal j(true);
    CHECK(j.keep_page(core::PageRef{}) == core::kNoBlob);
    CHECK(j.page(core::kNoBlob).is_zero_page());
    core::PageRef p = core::PageRef::zeroed();
    p.mutable_data()[1] = 9;
    const uint64_t blob = j.keep_page(p);
    CHECK(blob != core::kNoBlob);
    p.mutable_data()[1] = 10;  // copy-on-write: the kept page does not change
    CHECK(j.page(blob).data()[1] == 9);
}

TEST_CASE("truncate forgets everything after the given counts", "[journal]") {
    Journal j(true);
    j.begin_operation(0);
    j.begin_event(0, 0);
    j.record(Store::Pfn, 0, 1, 0, 1);
    j.begin_operation(1);
    j.begin_event(0, 0);
    j.record(Store::Pfn, 0, 1, 1, 2);
    j.truncate(1, 1, 1);
    CHECK(j.changes().size() == 1);
    CHECK(j.events().size() == 1);
    CHECK(j.operations().size() == 1);
    j.clear();
    CHECK(j.changes().empty());
}

namespace {
// A workload that touches every store: two processes, reservations and commits, writes that
// overflow RAM into the pagefile, reads back, protection changes, guard pages, trims, decommits,
// releases and an exit.
// Opens the journal's next operation (numbered from 0), as a scenario step does.
struct Operations {
    os::Machine& m;
    uint32_t step = 0;
    void operator()() {
        m.journal().begin_operation(step++);
        m.journal().begin_event(uint16_t(mm::EventKind::Operation), 0xFFFF);
    }
};

void run_workload(os::Machine& m) {
    auto& mm = m.mm();
    Operations op{m};
    op();
    const uint16_t a = m.processes()[m.create_process("A").value].space;
    op();
    const uint16_t b = m.processes()[m.create_process("B").value].space;
    op();
    const uint32_t buf = mm.virtual_alloc(a, 0, 0x30000, mm::mem::kReserve, mm::page::kReadWrite).value;
    op();
    REQUIRE(mm.virtual_alloc(a, buf + 0x2000, 0x10000, mm::mem::kCommit, mm::page::kReadWrite).ok);
    for (uint32_t i = 0; i < 16; ++i) {
        op();
        REQUIRE(mm.access(a, buf + 0x2000 + i * 0x1000, 4, x86::Access::Write, 0xA0000000u + i).ok());
    }
    op();
    const uint32_t bb = mm.virtual_alloc(b, 0, 0x8000, mm::mem::kCommit, mm::page::kReadWrite).value;
    for (uint32_t i = 0; i < 8; ++i) {
        op();
        REQUIRE(mm.access(b, bb + i * 0x1000 + 6, 2, x86::Access::Write, 0xB000 + i).ok());
    }
    op();
    mm.trim(b);
    op();
    REQUIRE(mm.access(b, bb + 0x1000 + 6, 2, x86::Access::Read).value == 0xB001);
    for (uint32_t i = 0; i < 16; ++i) {
        op();
        REQUIRE(mm.access(a, buf + 0x2000 + i * 0x1000, 4, x86::Access::Read).value == 0xA0000000u + i);
    }
    op();
    REQUIRE(mm.virtual_protect(a, buf + 0x3000, 0x2000, mm::page::kReadOnly).ok);
    op();
    REQUIRE(mm.virtual_protect(a, buf + 0x5000, 0x1000, mm::page::kReadWrite | mm::page::kGuard).ok);
    op();
    CHECK(mm.access(a, buf + 0x5000, 4, x86::Access::Read).status == mm::AccessStatus::GuardPage);
    op();
    CHECK(mm.access(a, buf + 0x3000, 4, x86::Access::Write, 1).status == mm::AccessStatus::AccessViolation);
    op();
    REQUIRE(mm.access(b, bb + 6, 2, x86::Access::Read).value == 0xB000);
    op();
    REQUIRE(mm.virtual_free(a, buf + 0x4000, 0x3000, mm::mem::kDecommit).ok);
    op();
    REQUIRE(m.exit_process(1).ok);
    op();
    REQUIRE(mm.virtual_free(a, buf, 0, mm::mem::kRelease).ok);
    m.sync_position();
}
}  // namespace

TEST_CASE("seek(0) undoes a whole run back to the machine as constructed, and seek(end) redoes it exactly",
          "[journal][machine]") {
    for (mm::Personality personality : {mm::Personality::Nt, mm::Personality::Win95}) {
        for (uint32_t tlb : {0u, 4u}) {
            for (mm::Policy policy : {mm::Policy::Fifo, mm::Policy::Clock, mm::Policy::Lru, mm::Policy::WorkingSet}) {
                INFO("personality " << mm::personality_name(personality) << " tlb " << tlb << " policy "
                                    << mm::policy_name(policy));
                const mm::MachineConfig cfg = test::make_config(personality, 14, 24, policy, tlb);
                const os::Machine fresh(cfg);
                const auto initial = test::snapshot(fresh);

                os::Machine m(cfg);
                run_workload(m);
                REQUIRE_INVARIANTS(m);
                REQUIRE(m.mm().counter(mm::Counter::PagefileWrites) > 0);
                const auto final_state = test::snapshot(m);
                const size_t end = m.journal().changes().size();

                m.seek(0);
                test::require_same_snapshot(initial, test::snapshot(m));
                REQUIRE_INVARIANTS(m);

                m.seek(end);
                test::require_same_snapshot(final_state, test::snapshot(m));
                REQUIRE_INVARIANTS(m);
            }
        }
    }
}

TEST_CASE("at every operation boundary, stepping back and forth lands on a consistent machine", "[journal][machine]") {
    const mm::MachineConfig cfg = test::make_config(mm::Personality::Nt, 14, 24, mm::Policy::Clock, 4);
    os::Machine m(cfg);
    run_workload(m);
    const auto& events = m.journal().events();
    const auto& ops = m.journal().operations();
    std::vector<size_t> boundaries;
    for (const auto& o : ops) boundaries.push_back(events[o.first_event].first_change);
    boundaries.push_back(m.journal().changes().size());
    // Backward, then forward, checking the model's invariants at every operation boundary and
    // that a forward pass reproduces the same states as the backward pass.
    std::vector<std::vector<std::string>> seen(boundaries.size());
    for (size_t i = boundaries.size(); i-- > 0;) {
        m.seek(boundaries[i]);
        REQUIRE_INVARIANTS(m);
        seen[i] = test::snapshot(m);
    }
    for (size_t i = 0; i < boundaries.size(); ++i) {
        m.seek(boundaries[i]);
        INFO("operation boundary " << i);
        test::require_same_snapshot(seen[i], test::snapshot(m));
    }
}

TEST_CASE("at every event boundary the machine keeps the model's invariants", "[journal][machine]") {
    for (mm::Policy policy : {mm::Policy::Fifo, mm::Policy::WorkingSet}) {
        for (mm::Personality personality : {mm::Personality::Nt, mm::Personality::Win95}) {
            INFO(mm::policy_name(policy) << " " << mm::personality_name(personality));
            os::Machine m(test::make_config(personality, 14, 24, policy, 2));
            run_workload(m);
            const auto& events = m.journal().events();
            for (size_t e = events.size(); e-- > 0;) {
                m.seek(events[e].first_change);
                INFO("event " << e << " (" << mm::event_kind_name(mm::EventKind(events[e].kind)) << ")");
                REQUIRE_INVARIANTS(m);
            }
        }
    }
}

namespace {
// The changes of event e: [first_change(e), first_change(e + 1)).
std::vector<core::Change> changes_of(const os::Machine& m, size_t e) {
    const auto& ev = m.journal().events();
    const auto& ch = m.journal().changes();
    const size_t end = e + 1 < ev.size() ? ev[e + 1].first_change : ch.size();
    return std::vector<core::Change>(ch.begin() + ev[e].first_change, ch.begin() + end);
}
bool has_store(const std::vector<core::Change>& cs, core::Store s, uint32_t target = 0xFFFFFFFFu) {
    for (const auto& c : cs)
        if (c.store == s && (target == 0xFFFFFFFFu || c.target == target)) return true;
    return false;
}
}  // namespace

TEST_CASE("each event holds the changes its sentence describes (an event opens before its changes)",
          "[journal][machine]") {
    const mm::MachineConfig cfg = test::make_config(mm::Personality::Nt, 14, 24, mm::Policy::Fifo, 0);
    os::Machine m(cfg);
    run_workload(m);
    const auto& events = m.journal().events();
    std::set<mm::EventKind> checked;
    for (size_t e = 0; e < events.size(); ++e) {
        const auto kind = mm::EventKind(events[e].kind);
        const auto cs = changes_of(m, e);
        const auto& a = events[e].args;
        INFO("event " << e << " " << mm::event_kind_name(kind));
        switch (kind) {
            case mm::EventKind::SpaceCreated:
                CHECK(has_store(cs, core::Store::SpaceCreate));
                CHECK(has_store(cs, core::Store::Pfn, a[0]));
                break;
            case mm::EventKind::FrameTaken:
                CHECK(has_store(cs, core::Store::Pfn, a[0]));
                CHECK(has_store(cs, core::Store::ListHead, a[1]));
                break;
            case mm::EventKind::PageTableCreated:
                CHECK(has_store(cs, core::Store::PhysBytes));
                CHECK(has_store(cs, core::Store::Pfn, a[1]));
                break;
            case mm::EventKind::PageMapped:
                CHECK(has_store(cs, core::Store::PhysBytes));
                CHECK(has_store(cs, core::Store::Pfn, a[1]));
                break;
            case mm::EventKind::DemandZero:
            case mm::EventKind::PagefileRead:
            case mm::EventKind::SoftFault:
            case mm::EventKind::PageFault:
                CHECK(has_store(cs, core::Store::Counter));
                break;
            case mm::EventKind::Reserved: {
                // Reserving and committing in one call inserts the VAD in the Committed event.
                const bool then_committed =
                    e + 1 < events.size() && events[e + 1].kind == uint16_t(mm::EventKind::Committed);
                CHECK(has_store(then_committed ? changes_of(m, e + 1) : cs, core::Store::Vad));
                break;
            }
            case mm::EventKind::Committed:
            case mm::EventKind::Decommitted:
                CHECK(has_store(cs, core::Store::Counter, uint32_t(mm::Counter::CommitCharge)));
                break;
            case mm::EventKind::PagefileWrite:
                CHECK(has_store(cs, core::Store::SlotContent, a[2]));
                break;
            case mm::EventKind::PageTrimmed:
                CHECK(has_store(cs, core::Store::PhysBytes));
                CHECK(has_store(cs, core::Store::ListHead, a[2]));
                break;
            case mm::EventKind::Released:
                CHECK(has_store(cs, core::Store::Vad));
                break;
            case mm::EventKind::SpaceDeleted:
                CHECK(has_store(cs, core::Store::Space));
                break;
            default: continue;
        }
        checked.insert(kind);
    }
    for (mm::EventKind k : {mm::EventKind::SpaceCreated, mm::EventKind::FrameTaken, mm::EventKind::PageTableCreated,
                            mm::EventKind::PageMapped, mm::EventKind::DemandZero, mm::EventKind::PagefileRead,
                            mm::EventKind::SoftFault, mm::EventKind::Reserved, mm::EventKind::Committed,
                            mm::EventKind::Decommitted, mm::EventKind::PagefileWrite, mm::EventKind::PageTrimmed,
                            mm::EventKind::Released, mm::EventKind::SpaceDeleted}) {
        INFO("the workload produced a " << mm::event_kind_name(k) << " event");
        CHECK(checked.count(k) == 1);
    }
    REQUIRE_INVARIANTS(m);
}

TEST_CASE("RecordLog grows, keeps its records through copies and moves, and drops the tail", "[journal]") {
    core::RecordLog<core::Change> log;
    CHECK(log.empty());
    for (uint32_t i = 0; i < 1000; ++i) log.push_back(core::Change{core::Store::Counter, 0, 0, i, i, i + 1});
    REQUIRE(log.size() == 1000);
    CHECK(log.capacity() >= 1000);
    CHECK(log[999].target == 999);
    CHECK(log.back().after == 1000);
    uint32_t sum = 0;
    for (const core::Change& c : log) sum += c.target;
    CHECK(sum == 999 * 1000 / 2);

    core::RecordLog<core::Change> copy = log;
    copy.resize_uninitialized(10);  // drops the tail of the copy only
    CHECK(copy.size() == 10);
    CHECK(log.size() == 1000);
    CHECK(copy[9].target == 9);
    copy.shrink_to_fit();
    CHECK(copy.capacity() == 10);

    core::RecordLog<core::Change> moved = std::move(log);
    CHECK(moved.size() == 1000);
    CHECK(log.empty());  // NOLINT(bugprone-use-after-move): a moved-from log is empty
    moved.resize_uninitialized(2000);  // grows: the new records are the caller's to fill
    CHECK(moved.size() == 2000);
    CHECK(moved[500].target == 500);
    copy = moved;
    CHECK(copy.size() == 2000);
    CHECK(copy[999].after == 1000);
}

TEST_CASE("a journal batch keeps exactly the records written and then acts as an event start", "[journal]") {
    core::Journal j;
    j.begin_operation(0);
    j.begin_event(1, 0);
    j.record(core::Store::PhysBytes, 4, 0x1000, 1, 2);
    CHECK_FALSE(j.at_event_start());
    j.begin_event(2, 0);
    CHECK(j.at_event_start());
    core::Journal::Batch b = j.open_batch(30, 10);
    CHECK(b.first_change == 1);
    b.changes[0] = core::Change{core::Store::Counter, 0, 0, 7, 5, 6};
    b.events[0] = core::EventRecord{b.first_change + 1, 3, 0, {1, 2, 3, 4}};
    b.changes[1] = core::Change{core::Store::PhysBytes, 4, 0, 0x2000, 0, 9};
    b.events[1] = core::EventRecord{b.first_change + 2, 4, 0, {5, 6, 7, 8}};
    j.close_batch(b, 2, 2);
    REQUIRE(j.changes().size() == 3);
    REQUIRE(j.events().size() == 4);
    CHECK(j.changes()[1].target == 7);
    CHECK(j.changes()[2].after == 9);
    CHECK(j.events()[2].first_change == 2);
    CHECK(j.events()[3].args[3] == 8);
    // The batch ended with an event begun: the next counter change does not merge into the
    // batch's counter record.
    CHECK(j.at_event_start());
    j.record_counter(7, 6, 7);
    REQUIRE(j.changes().size() == 4);
    CHECK(j.changes()[3].before == 6);
    // A batch that writes nothing leaves the journal as it was.
    const core::Journal::Batch none = j.open_batch(100, 100);
    j.close_batch(none, 0, 0);
    CHECK(j.changes().size() == 4);
    CHECK(j.events().size() == 4);
}

TEST_CASE("page contents: shared by reference, copied on the first write to shared bytes, reused when released",
          "[journal][page]") {
    using core::PageRef;
    PageRef zero;
    CHECK(zero.is_zero_page());
    CHECK(zero.refs() == 0);
    CHECK(zero.data()[4095] == 0);

    PageRef a;
    a.mutable_data()[10] = 42;  // a zero page gets bytes of its own, zero-filled
    CHECK_FALSE(a.is_zero_page());
    CHECK(a.refs() == 1);
    CHECK(a.data()[10] == 42);
    CHECK(a.data()[11] == 0);

    PageRef b = a;  // shared: one buffer, two references (the count lives in the slab's table)
    CHECK(a.refs() == 2);
    CHECK(b.data() == a.data());
    b.mutable_data()[10] = 7;  // copy on write: a keeps its bytes
    CHECK(a.refs() == 1);
    CHECK(b.refs() == 1);
    CHECK(b.data() != a.data());
    CHECK(a.data()[10] == 42);
    CHECK(b.data()[10] == 7);
    CHECK_FALSE(a.same_bytes(b));

    // A released page is the next one handed out (its bytes are refilled by whoever takes it).
    const uint8_t* released = b.data();
    b = PageRef{};
    CHECK(b.is_zero_page());
    PageRef c = PageRef::zeroed();
    CHECK(c.data() == released);
    CHECK(c.data()[10] == 0);
    CHECK(c.same_bytes(zero));

    // Many pages: more than one 2 MB slab, each page's count independent.
    std::vector<PageRef> pages(1500);
    for (size_t i = 0; i < pages.size(); ++i) pages[i].mutable_data()[0] = uint8_t(i);
    std::vector<PageRef> copies = pages;
    for (size_t i = 0; i < pages.size(); i += 3) copies[i].mutable_data()[0] = 0xEE;
    for (size_t i = 0; i < pages.size(); ++i) {
        INFO("page " << i);
        CHECK(pages[i].data()[0] == uint8_t(i));
        CHECK(pages[i].refs() == (i % 3 == 0 ? 1u : 2u));
    }
}

TEST_CASE("page contents recorded by place (a frame, a slot) come back right at every step, back and forth",
          "[journal][machine][page]") {
    for (mm::Personality personality : {mm::Personality::Nt, mm::Personality::Win95}) {
        for (mm::Policy policy : {mm::Policy::Fifo, mm::Policy::Clock, mm::Policy::WorkingSet}) {
            INFO("personality " << mm::personality_name(personality) << " policy " << mm::policy_name(policy));
            os::Machine m(test::make_config(personality, 16, 40, policy));
            auto& mm = m.mm();
            Operations op{m};
            op();
            const uint16_t a = m.processes()[m.create_process("A").value].space;
            op();
            const uint32_t buf = mm.virtual_alloc(a, 0, 0x18000, mm::mem::kReserve | mm::mem::kCommit,
                                                  mm::page::kReadWrite).value;
            // Pages go out, come back, are written again (dirty-bit faults under nt), go out again.
            std::vector<size_t> positions{m.journal().changes().size()};
            std::vector<std::vector<std::string>> states{test::snapshot(m)};
            uint32_t x = 12345;
            for (int i = 0; i < 160; ++i) {
                x = x * 1103515245u + 12345u;
                const uint32_t va = buf + ((x >> 8) % 24) * 0x1000 + ((x >> 4) & 0xFFC);
                op();
                const bool write = (x >> 20) % 3 != 0;
                REQUIRE(mm.access(a, va, 4, write ? x86::Access::Write : x86::Access::Read, x).ok());
                m.sync_position();
                positions.push_back(m.journal().changes().size());
                states.push_back(test::snapshot(m));
            }
            REQUIRE(mm.counter(mm::Counter::PagefileReads) > 20);
            if (personality == mm::Personality::Nt) {
                REQUIRE(mm.counter(mm::Counter::DirtyBitFaults) > 10);
                // Every page that moved was still in the machine (a frame or a slot) when its move
                // was recorded: the journal holds no page of its own.
                CHECK(m.journal().kept_pages() == 0);
            }
            for (size_t k = positions.size(); k-- > 0;) {
                m.seek(positions[k]);
                INFO("back to step " << k);
                test::require_same_snapshot(states[k], test::snapshot(m));
            }
            REQUIRE_INVARIANTS(m);
            for (size_t k = 0; k < positions.size(); ++k) {
                m.seek(positions[k]);
                INFO("forward to step " << k);
                test::require_same_snapshot(states[k], test::snapshot(m));
            }
            REQUIRE_INVARIANTS(m);
        }
    }
}

namespace {

// Records as the journal makes them, and some that no codec shortcut fits (every field at its
// widest), from a fixed seed.
core::Change random_change(std::mt19937& rng) {
    core::Change c{};
    c.store = core::Store(rng() % (uint32_t(core::Store::ListMove) + 1));
    c.field = rng() % 3 == 0 ? uint8_t(rng()) : 0;
    c.aux = rng() % 5 == 0 ? uint16_t(rng()) : 0;
    c.target = rng() % 4 == 0 ? uint32_t(rng()) : rng() % 64;
    c.before = rng() % 3 == 0 ? uint32_t(rng()) : rng() % 100;
    c.after = rng() % 2 ? c.before + 1 : rng() % 7 == 0 ? 0xFFFFFFFFu : uint32_t(rng());
    return c;
}
core::EventRecord random_event(std::mt19937& rng, uint32_t& first) {
    first += rng() % 10 == 0 ? uint32_t(rng() % 100000) : rng() % 8;
    core::EventRecord e{first, uint16_t(rng() % 3 == 0 ? rng() : rng() % 100), uint16_t(rng() % 4 == 0 ? rng() : 1), {}};
    for (auto& a : e.args) a = rng() % 3 == 0 ? 0 : rng() % 3 == 0 ? 0xFFFFFFFFu : uint32_t(rng());
    return e;
}
bool same(const core::Change& a, const core::Change& b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same(const core::EventRecord& a, const core::EventRecord& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("CompactLog packs old records and reads back every one, through cuts, edits and batches", "[journal]") {
    std::mt19937 rng(29);
    core::CompactLog<core::Change, core::ChangeCodec> log;
    std::vector<core::Change> plain;
    for (size_t i = 0; i < 5000; ++i) {
        plain.push_back(random_change(rng));
        log.push_back(plain.back());
    }
    REQUIRE(log.size() == plain.size());
    CHECK(log.packed_blocks() >= 5000 / kBlock - 2);
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));
    size_t n = 0;
    for (const core::Change& c : log) REQUIRE(same(c, plain[n++]));
    CHECK(n == plain.size());
    CHECK(same(log.back(), plain.back()));
    CHECK(log.end() - log.begin() == ptrdiff_t(plain.size()));

    // Reading in reverse and at random (more blocks than the cache holds).
    for (size_t i = plain.size(); i-- > 0;) REQUIRE(same(log[i], plain[i]));
    for (int k = 0; k < 2000; ++k) {
        const size_t i = rng() % plain.size();
        REQUIRE(same(log[i], plain[i]));
    }

    // An edit of a packed record and of the newest one.
    log.modify(300, [](core::Change& c) { c.after = 12345; });
    plain[300].after = 12345;
    log.last().before = 7;
    plain.back().before = 7;
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));

    // Cuts inside a packed block, at a block's end, inside the tail, and to nothing; growing again.
    for (size_t cut : {size_t(4999), size_t(3000), size_t(2561), size_t(2560), size_t(513), size_t(256), size_t(1), size_t(0)}) {
        INFO("cut at " << cut);
        log.resize(cut);
        plain.resize(cut);
        REQUIRE(log.size() == cut);
        for (size_t i = 0; i < cut; ++i) REQUIRE(same(log[i], plain[i]));
        if (cut) CHECK(same(log.last(), plain.back()));  // the newest record is writable in place
        for (size_t i = 0; i < 300; ++i) {
            plain.push_back(random_change(rng));
            log.push_back(plain.back());
        }
        for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));
        log.resize(cut);
        plain.resize(cut);
    }

    // A batch: room for more than is written, then the count written.
    for (size_t round = 0; round < 3; ++round) {
        core::Change* at = log.append_uninitialized(4000);
        for (size_t i = 0; i < 1500; ++i) {
            at[i] = random_change(rng);
            plain.push_back(at[i]);
        }
        log.resize(plain.size());
        REQUIRE(log.size() == plain.size());
    }
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));

    // Copies are independent.
    auto copy = log;
    copy.resize(10);
    CHECK(log.size() == plain.size());
    CHECK(same(copy[9], plain[9]));
}

TEST_CASE("CompactLog of events keeps every field, and a journal's records take less room than plain ones", "[journal]") {
    std::mt19937 rng(30);
    core::CompactLog<core::EventRecord, core::EventCodec> log;
    std::vector<core::EventRecord> plain;
    uint32_t first = 0;
    for (size_t i = 0; i < 3000; ++i) {
        plain.push_back(random_event(rng, first));
        log.push_back(plain.back());
    }
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));
    log.modify(17, [](core::EventRecord& e) { e.args[3] = 0xFFFFFFFFu; });
    plain[17].args[3] = 0xFFFFFFFFu;
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));

    // A real workload's journal: every change and event read back equal to one kept plain
    // alongside (the journal's own records, recorded twice), in less than half the room.
    core::Journal j;
    std::vector<core::Change> changes;
    j.begin_operation(0);
    uint32_t counter = 0;
    for (uint32_t i = 0; i < 20000; ++i) {
        j.begin_event(uint16_t(1 + i % 3), 1, 0x10000 + 4 * i, i, 2, 4);
        j.record_counter(3, counter, counter + 1);
        changes.push_back(core::Change{core::Store::Counter, 0, 0, 3, counter, counter + 1});
        ++counter;
        if (i % 4 == 0) {
            j.record(core::Store::Pfn, 2, i % 1024, i % 7, i % 7 + 1);
            changes.push_back(core::Change{core::Store::Pfn, 2, 0, i % 1024, i % 7, i % 7 + 1});
        }
    }
    REQUIRE(j.changes().size() == changes.size());
    for (size_t i = 0; i < changes.size(); ++i) REQUIRE(same(j.changes()[i], changes[i]));
    CHECK(j.events()[19999].args[0] == 0x10000 + 4 * 19999);
    CHECK(j.memory_bytes() * 2 < changes.size() * sizeof(core::Change) + j.events().size() * sizeof(core::EventRecord));
}

namespace {

// Changes that keep coming back to a few places, as a fault's do (a frame's PFN fields, a list's
// head, a counter): most of them start from what the last change to their place left, which the
// codec does not write again. Some do not (a place the hash shares with another, a value set
// behind the journal's back), and page records take every form (zero page, kept, in a frame, in
// a slot).
struct Places {
    struct Place {
        core::Store store;
        uint8_t field;
        uint16_t aux;
        uint32_t target;
        uint32_t value;
    };
    std::vector<Place> places;
    explicit Places(std::mt19937& rng) {
        for (uint32_t i = 0; i < 700; ++i) {
            const auto store = core::Store(rng() % (uint32_t(core::Store::ListMove) + 1));
            const uint8_t field = i % 50 == 0 ? uint8_t(0x7F + rng() % 0x81) : uint8_t(rng() % 10);
            places.push_back(Place{store, field, uint16_t(i % 40 == 0 ? rng() : 0), rng() % 8 == 0 ? uint32_t(rng()) : i % 97,
                                   uint32_t(rng())});
        }
    }
    static uint32_t next_value(std::mt19937& rng, core::Store store, uint32_t was) {
        if (store == core::Store::FrameContent || store == core::Store::SlotContent) {
            switch (rng() % 4) {
                case 0: return core::kNoBlob;
                case 1: return rng() % 5000;
                case 2: return core::kInFrame | rng() % 70000;
                default: return core::kInSlot | rng() % 70000;
            }
        }
        switch (rng() % 5) {
            case 0: return was + 1;
            case 1: return was ^ 0x60;
            case 2: return 0xFFFFFFFFu;
            case 3: return 0;
            default: return uint32_t(rng());
        }
    }
    core::Change next(std::mt19937& rng) {
        Place& p = places[rng() % 16 == 0 ? rng() % places.size() : rng() % 24];
        uint32_t after = next_value(rng, p.store, p.value);
        if (after == p.value) after = ~after;
        const uint32_t before = rng() % 10 == 0 ? uint32_t(rng()) : p.value;  // (sometimes not the last value)
        p.value = after;
        return core::Change{p.store, p.field, p.aux, p.target, before, after};
    }
};

}  // namespace

TEST_CASE("CompactLog's change codec: places it saw in the block, page records, wide fields, and blocks that grow when edited",
          "[journal]") {
    std::mt19937 rng(31);
    Places places(rng);
    core::CompactLog<core::Change, core::ChangeCodec> log;
    std::vector<core::Change> plain;
    for (size_t i = 0; i < 20000; ++i) {
        plain.push_back(places.next(rng));
        log.push_back(plain.back());
    }
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));
    // Most changes start from their place's last value, which is not written again: packed, these
    // take under 45 % of their plain size (measured: 40 %; a fifth of their values are random words).
    const size_t packed = log.packed_blocks() * kBlock;
    INFO(log.packed_bytes() << " bytes for " << packed << " packed changes");
    CHECK(log.packed_bytes() * 100 < packed * sizeof(core::Change) * 45);

    // Edits that make a packed block longer (a value that no longer matches its place's last one)
    // move the block past the others; reading, cutting and copying stay exact.
    for (size_t i : {size_t(5), size_t(700), size_t(701), size_t(4000), size_t(4001), size_t(9000)}) {
        log.modify(i, [](core::Change& c) { c.before ^= 0x5A5A5A5Au; });
        plain[i].before ^= 0x5A5A5A5Au;
    }
    log.modify(5, [](core::Change& c) { c.target = 0xFFFFFFF0u; });
    plain[5].target = 0xFFFFFFF0u;
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));
    auto copy = log;
    const std::vector<core::Change> copied = plain;
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(copy[i], plain[i]));
    for (size_t cut : {size_t(15000), size_t(4002), size_t(700), size_t(0)}) {
        INFO("cut at " << cut);
        log.resize(cut);
        plain.resize(cut);
        for (size_t i = 0; i < 3000; ++i) {
            plain.push_back(places.next(rng));
            log.push_back(plain.back());
        }
        size_t n = 0;
        log.walk(0, log.size(), [&](const core::Change& c) { REQUIRE(same(c, plain[n++])); });
        REQUIRE(n == plain.size());
        log.walk(log.size(), 0, [&](const core::Change& c) { REQUIRE(same(c, plain[--n])); });
    }
    // The copy kept its own bytes through all of that.
    REQUIRE(copy.size() == copied.size());
    for (size_t i = 0; i < copied.size(); ++i) REQUIRE(same(copy[i], copied[i]));
}

TEST_CASE("CompactLog's event codec: arguments near the previous event's, far from it, and around the wrap", "[journal]") {
    std::mt19937 rng(32);
    core::CompactLog<core::EventRecord, core::EventCodec> log;
    std::vector<core::EventRecord> plain;
    core::EventRecord e{};
    for (size_t i = 0; i < 6000; ++i) {
        e.first_change += rng() % 4;
        e.kind = uint16_t(rng() % 8 == 0 ? rng() : 29);
        if (rng() % 16 == 0) e.space = uint16_t(rng());
        for (auto& a : e.args) {
            switch (rng() % 6) {
                case 0: a += 64; break;                 // a stride
                case 1: a -= 1 + rng() % 100; break;    // back a little (through zero: the wrap)
                case 2: a = uint32_t(rng()); break;     // anywhere
                case 3: a = 0; break;
                case 4: a = 0xFFFFFFFFu - rng() % 3; break;
                default: break;                         // the same
            }
        }
        plain.push_back(e);
        log.push_back(e);
    }
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));
    log.modify(1000, [](core::EventRecord& r) { r.args[1] = 0x80000000u; });
    plain[1000].args[1] = 0x80000000u;
    for (size_t i = plain.size(); i-- > 0;) REQUIRE(same(log[i], plain[i]));
}

TEST_CASE("CompactLog's change codec: steps of one from a known value take a byte, and values at the coding's edges come back",
          "[journal]") {
    // Counters, list counts and share counts stepping up and down by one, across the wrap and the
    // 16-bit edge, in every store the step form covers and the two it does not.
    std::mt19937 rng(33);
    core::CompactLog<core::Change, core::ChangeCodec> steps;
    std::vector<core::Change> plain;
    const uint32_t starts[] = {0, 1, 0x7E, 0x7F, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0xFFFFFFFEu, 0xFFFFFFFFu, 0x80000000u};
    for (uint32_t store = 0; store <= uint32_t(core::Store::ListMove); ++store) {
        for (uint32_t start : starts) {
            uint32_t v = start;
            for (int k = 0; k < 40; ++k) {
                const uint32_t next = rng() % 3 == 0 ? v - 1 : v + 1;
                plain.push_back(core::Change{core::Store(store), uint8_t(store % 3), 0, store * 7, v, next});
                v = next;
            }
        }
    }
    for (const core::Change& c : plain) steps.push_back(c);
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(steps[i], plain[i]));
    // Nearly all of them step from the value their place last had in the block: a header byte each.
    const size_t packed = steps.packed_blocks() * kBlock;
    INFO(steps.packed_bytes() << " bytes for " << packed << " packed changes");
    CHECK(steps.packed_bytes() * 100 < packed * 130);

    // Every pair of edge values, in the stores whose values are page records and in the others.
    core::CompactLog<core::Change, core::ChangeCodec> edges;
    plain.clear();
    const uint32_t values[] = {0,           1,           2,           0x7E,        0xFFFE,      0xFFFF,
                               0x10000,     0x10001,     0x3FFFFFFFu, 0x40000000u, 0x7FFFFFFFu, core::kInFrame,
                               core::kInSlot, 0xFFFFFFFDu, 0xFFFFFFFEu, 0xFFFFFFFFu};
    for (core::Store store : {core::Store::Pfn, core::Store::FrameContent, core::Store::SlotContent, core::Store::Counter})
        for (uint32_t before : values)
            for (uint32_t after : values)
                if (before != after) plain.push_back(core::Change{store, 5, 0, before & 0xFF, before, after});
    for (const core::Change& c : plain) edges.push_back(c);
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(edges[i], plain[i]));
}

TEST_CASE("CompactLog's event codec: kinds that follow each other, shapes a kind repeats, long distances, kinds past 127",
          "[journal]") {
    std::mt19937 rng(34);
    core::CompactLog<core::EventRecord, core::EventCodec> log;
    std::vector<core::EventRecord> plain;
    core::EventRecord e{};
    // A fault's pattern over and over (the kinds follow each other the same way, and each kind's
    // arguments change the same way), with a kind sharing a table entry with another (29 and
    // 29 + 128), distances on both sides of the header's 15, and now and then a surprise.
    const uint16_t pattern[] = {4, 15, 15, 16, 17, 14, 31, 29, 157, 29, 29, 29, 0xFFFF};
    for (size_t i = 0; i < 8000; ++i) {
        const uint16_t kind = rng() % 50 == 0 ? uint16_t(rng()) : pattern[i % std::size(pattern)];
        const uint32_t distance = rng() % 20 == 0 ? uint32_t(rng() % 100000) : uint32_t(rng() % 18);
        e.first_change += distance;
        e.kind = kind;
        if (rng() % 40 == 0) e.space = uint16_t(rng());
        e.args[0] = rng() % 4 == 0 ? e.args[0] : uint32_t(rng());
        e.args[1] = kind == 29 ? 0 : e.args[1] + 1;
        e.args[2] = kind % 2 ? 1 : 0;
        e.args[3] = rng() % 3 == 0 ? 0xFFFFFFFFu : 4;
        plain.push_back(e);
        log.push_back(e);
    }
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));
    for (size_t i = plain.size(); i-- > 0;) REQUIRE(same(log[i], plain[i]));
    size_t n = 0;
    log.walk(0, log.size(), [&](const core::EventRecord& r) { REQUIRE(same(r, plain[n++])); });

    // A run of hits (AccessDone: a new address, the same access and size) takes its header byte
    // and the address (and a block's first event a few bytes more: it has nothing to follow).
    core::CompactLog<core::EventRecord, core::EventCodec> hits;
    core::EventRecord h{0, 29, 1, {0, 0, 1, 4}};
    for (uint32_t i = 0; i < 2560; ++i) {
        h.first_change += 2;
        h.args[0] = 0x00400000u + (i * 2654435761u) % 0x4000000u;  // (anywhere in 64 MB: four bytes)
        hits.push_back(h);
    }
    INFO(hits.packed_bytes() << " bytes for " << hits.packed_blocks() * kBlock << " packed events");
    CHECK(hits.packed_bytes() <= hits.packed_blocks() * (kBlock * 5 + 16));
    for (uint32_t i = 0; i < 2560; ++i) REQUIRE(hits[i].args[0] == 0x00400000u + (i * 2654435761u) % 0x4000000u);
}

namespace {
// A forecast over a made-up trace: event kind 29's k-th occurrence is access k, its address, its
// access (write = 1) and size, and for a write the value k * 3 + 1 (a read's value is unknown).
struct FakeAccess {
    uint32_t address;
    bool write;
};
unsigned fake_predict(const void* source, uint64_t k, uint32_t args[4]) {
    const auto& t = *static_cast<const std::vector<FakeAccess>*>(source);
    if (k >= t.size()) return 0;
    args[0] = t[k].address;
    args[2] = t[k].write ? 1 : 0;
    args[3] = 4;
    if (!t[k].write) return 0b1101;
    args[1] = uint32_t(k * 3 + 1);
    return 0b1111;
}
std::vector<FakeAccess> fake_trace(std::mt19937& rng) {
    std::vector<FakeAccess> trace;
    for (uint32_t i = 0; i < 20000; ++i) trace.push_back(FakeAccess{0x10000u + uint32_t(rng() % 0x4000000u), rng() % 3 == 0});
    return trace;
}
// The records packed twice, through the forecast and without it: the first reads back as they were.
template <class T, class Codec>
void pack_both(const std::vector<T>& plain, const core::EventForecast& forecast, core::CompactLog<T, Codec>& with,
               core::CompactLog<T, Codec>& without) {
    with.set_context(&forecast);
    for (const T& r : plain) {
        with.push_back(r);
        without.push_back(r);
    }
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(with[i], plain[i]));
}
}  // namespace

TEST_CASE("CompactLog's event codec with a forecast: predicted events take their header (and what the forecast does not know)",
          "[journal]") {
    std::mt19937 rng(35);
    const std::vector<FakeAccess> trace = fake_trace(rng);
    const core::EventForecast forecast{29, &trace, fake_predict};
    // The events of a replay: each access's event (kind 29), a fault's events now and then before
    // it, reads returning zero or anything, and a few events of kind 29 the forecast does not
    // predict (a wrong value, an access from elsewhere).
    std::vector<core::EventRecord> plain;
    core::EventRecord e{};
    uint16_t space = 1;
    size_t unpredicted = 0;
    for (uint32_t k = 0; k < trace.size(); ++k) {
        if (rng() % 4 == 0) {
            for (uint16_t kind : {4, 15, 16}) {
                e.first_change += rng() % 8;
                plain.push_back(core::EventRecord{e.first_change, kind, space, {trace[k].address, kind, 0, 7}});
            }
        }
        if (rng() % 500 == 0) space = uint16_t(rng() % 3);  // (a space change, coded in the header)
        if (rng() % 300 == 0) {
            plain.push_back(core::EventRecord{e.first_change, 29, space, {0x12345678u, 5, 0, 4}});
            ++unpredicted;
        }
        e.first_change += 1 + (rng() % 50 == 0 ? 40 : 0);  // (now and then past the header's 15)
        uint32_t value = trace[k].write ? k * 3 + 1 : (rng() % 2 ? 0 : uint32_t(rng()));
        if (trace[k].write && rng() % 400 == 0) {
            value = 77;  // (not the forecast's value: coded as any event)
            ++unpredicted;
        }
        plain.push_back(core::EventRecord{e.first_change, 29, space, {trace[k].address, value, trace[k].write ? 1u : 0u, 4}});
    }
    REQUIRE(unpredicted > 50);

    core::CompactLog<core::EventRecord, core::EventCodec> with, without;
    pack_both(plain, forecast, with, without);
    size_t n = 0;
    with.walk(with.size(), 0, [&](const core::EventRecord& r) { REQUIRE(same(r, plain[plain.size() - 1 - n++])); });
    // A write's event is its header; a read's, its header and the value (a byte for zero, four
    // for a large one). Without the forecast each also spells out the address.
    INFO(with.packed_bytes() << " bytes with the forecast, " << without.packed_bytes() << " without");
    CHECK(with.packed_bytes() * 10 < without.packed_bytes() * 6);

    // A packed event changed in place, and the log cut inside a packed block and written again:
    // the blocks packed again still find their place in the forecast (the cut keeps the index its
    // block began from) and come back as they were.
    with.modify(3000, [](core::EventRecord& r) { r.args[1] ^= 1; });
    plain[3000].args[1] ^= 1;
    const size_t bytes_before_cut = with.packed_bytes();
    const size_t cut = plain.size() / 2 + 77;
    with.resize(cut);
    for (size_t i = cut; i < plain.size(); ++i) with.push_back(plain[i]);
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(with[i], plain[i]));
    CHECK(with.packed_bytes() <= bytes_before_cut + 64);

    // Without the forecast, a log whose blocks never used it reads the same (events of kinds it
    // does not predict, or a log given it only later).
    core::CompactLog<core::EventRecord, core::EventCodec> late;
    for (size_t i = 0; i < 3000; ++i) late.push_back(plain[i]);
    late.set_context(&forecast);
    for (size_t i = 3000; i < plain.size(); ++i) late.push_back(plain[i]);
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(late[i], plain[i]));
}

TEST_CASE("CompactLog's change codec: a fault's PFN changes in their usual order, and counters in theirs, need no field or target",
          "[journal]") {
    // Frames given up and mapped again, as a fault does: each entry's fields change in the same
    // order every time, a given-up entry takes the values the previous one took (use, owner, PTE
    // address and original PTE back to nothing), and a mapped one takes a new PTE address. Then the
    // fault's counters, each one step up, in the same order every time.
    enum : uint8_t { PteAddress, OriginalPte, ShareCount = 4, Owner, Use = 7 };
    std::mt19937 rng(36);
    std::vector<core::Change> plain;
    std::vector<uint32_t> pte_of(1024, 0);
    std::vector<uint32_t> counters(8, 0);
    size_t pfn_changes = 0;
    for (int fault = 0; fault < 3000; ++fault) {
        const uint32_t frame = rng() % 1024;
        auto pfn = [&](uint8_t field, uint32_t before, uint32_t after) {
            plain.push_back(core::Change{Store::Pfn, field, 0, frame, before, after});
            ++pfn_changes;
        };
        if (pte_of[frame]) {  // (given up)
            pfn(Use, 3, 0);
            pfn(Owner, 0, 0xFFFF);
            pfn(PteAddress, pte_of[frame], 0);
            pfn(OriginalPte, 0x80, 0);
            pfn(ShareCount, 1, 0);
        }
        pte_of[frame] = 0x3000u + (rng() % 0x10000u) * 4;
        pfn(Use, 0, 3);
        pfn(Owner, 0xFFFF, 0);
        pfn(PteAddress, 0, pte_of[frame]);
        pfn(OriginalPte, 0, 0x80);
        pfn(ShareCount, 0, 1);
        for (uint32_t id : {0u, 1u, 2u, 5u, 7u}) {
            plain.push_back(core::Change{Store::Counter, 0, 0, id, counters[id], counters[id] + 1});
            ++counters[id];
        }
    }
    // A counter merged up and down (before equals after) and an entry set back to what the field
    // last became while it held something else: rare, and exact.
    plain.push_back(core::Change{Store::Counter, 0, 0, 3, 9, 9});
    plain.push_back(core::Change{Store::Pfn, Use, 0, 5, 2, 3});
    plain.push_back(core::Change{Store::Pfn, Use, 0, 5, 3, 3});
    core::CompactLog<core::Change, core::ChangeCodec> log;
    for (const auto& c : plain) log.push_back(c);
    for (size_t i = 0; i < plain.size(); ++i) REQUIRE(same(log[i], plain[i]));
    for (size_t i = plain.size(); i-- > 0;) REQUIRE(same(log[i], plain[i]));
    // About two bytes a change (the codec without field prediction and field memory needed three
    // and a half): the PTE addresses and the frames' numbers are most of what is left.
    const size_t packed = log.packed_blocks() * kBlock;
    INFO(log.packed_bytes() << " bytes for " << packed << " packed changes (" << pfn_changes << " PFN changes in all)");
    CHECK(log.packed_bytes() * 10 < packed * 25);
}

TEST_CASE("CompactLog's change codec with a forecast: the bytes an access stores are the trace's, placed by the access count",
          "[journal]") {
    // Each access steps counter 0 (from 1000 + k: the forecast's base is 1000); a write then stores
    // the forecast's value k * 3 + 1 over whatever was there, and now and then a PTE changes. Also
    // stored bytes the forecast does not know, a difference of exactly 1, and bytes that stay.
    std::mt19937 rng(37);
    const std::vector<FakeAccess> trace = fake_trace(rng);
    core::EventForecast forecast{29, &trace, fake_predict, 0, 1000, nullptr};
    forecast.stores = [](const void* source, uint64_t k, uint32_t& width, uint32_t& value) {
        const auto& t = *static_cast<const std::vector<FakeAccess>*>(source);
        if (k >= t.size() || !t[k].write) return false;
        width = 4;
        value = uint32_t(k * 3 + 1);
        return true;
    };
    std::vector<core::Change> plain;
    size_t odd = 0;
    for (uint32_t k = 0; k < trace.size(); ++k) {
        plain.push_back(core::Change{Store::Counter, 0, 0, 0, 1000 + k, 1001 + k});
        if (rng() % 5 == 0) {
            const uint32_t pte = 0x3000u + (rng() % 0x1000u) * 4;
            plain.push_back(core::Change{Store::PhysBytes, 4, 0, pte, 0x80, uint32_t(rng() % 1024) << 12 | 7});
        }
        if (!trace[k].write) continue;
        const uint32_t pa = (rng() % 1024) << 12 | (trace[k].address & 0xFFCu);
        const uint32_t old = rng() % 2 ? 0 : uint32_t(rng());
        switch (rng() % 100) {
            case 0: plain.push_back(core::Change{Store::PhysBytes, 4, 0, pa, old, old ^ 1}); ++odd; break;
            case 1: plain.push_back(core::Change{Store::PhysBytes, 4, 0, pa, old, old}); ++odd; break;
            case 2: plain.push_back(core::Change{Store::PhysBytes, 2, 0, pa, old & 0xFFFF, k & 0xFFFF}); ++odd; break;
            default: plain.push_back(core::Change{Store::PhysBytes, 4, 0, pa, old, k * 3 + 1}); break;
        }
    }
    REQUIRE(odd > 50);
    core::CompactLog<core::Change, core::ChangeCodec> with, without;
    pack_both(plain, forecast, with, without);
    for (size_t i = plain.size(); i-- > 0;) REQUIRE(same(with[i], plain[i]));
    // A write's stored value becomes a byte (here about an eighth of the bytes: the counters and
    // the PTEs are most of the rest).
    INFO(with.packed_bytes() << " bytes with the forecast, " << without.packed_bytes() << " without");
    CHECK(with.packed_bytes() * 10 < without.packed_bytes() * 9);
}
