// Entries that name what does not exist (issue 13, item 1): a kernel debugger may write any word
// into a page table (through the nt self-map at 0xC0000000), so a PTE or PDE may name a frame
// beyond RAM, a transition frame that holds no such page, a pagefile slot not in use or a
// prototype PTE no section has. Reading through one must never reach host memory (the sanitizer
// build runs these tests): the access stops with a BadEntry event and the step fails with the
// reason, and the other readers (expectations, state, walk, VirtualQuery, VirtualFree) cope.
#include <catch2/catch.hpp>

#include <sstream>

#include <fmt/format.h>

#include "sim/Report.h"
#include "sim/Session.h"
#include "sim/Trace.h"

using namespace pagelab;

namespace {

// Process A with a written page at buf = 0x00010000, whose PTE is at 0xC0000040 (nt self-map);
// then the debugger puts `entry` into that PTE (or, with at_pde, into PDE 0 at 0xC0300000), and A
// reads buf; then a few readers of the page.
std::unique_ptr<sim::Session> forged(uint32_t entry, bool at_pde = false) {
    const std::string text = fmt::format(R"(pagelab: 1
machine: {{personality: nt, ram: 64 frames, pagefile: 16 pages}}
steps:
  - {{do: create_process, as: A}}
  - {{do: virtual_alloc, process: A, size: 0x2000, type: [reserve, commit], protect: READWRITE, as: buf}}
  - {{do: write, process: A, address: buf, value: 0x41}}
  - {{do: debugger_write, process: A, address: {}, value: 0x{:08X}}}
  - {{do: read, process: A, address: buf}}
  - {{say: readers, expect: [{{value: {{process: A, address: buf, equals: 0x41}}}}, {{pte: {{process: A, address: buf, frame: 4}}}}]}}
  - {{do: virtual_query, process: A, address: buf}}
  - {{do: write, process: A, address: buf+0x1000, value: 1}}
  - {{do: virtual_free, process: A, address: buf, type: release}}
)",
                                         at_pde ? "0xC0300000" : "0xC0000040", entry);
    auto loaded = sim::parse_scenario(text, "forged.yaml");
    REQUIRE_FALSE(loaded.error);
    return std::make_unique<sim::Session>(std::move(*loaded.scenario));
}

size_t bad_entry_events(const sim::Session& s) {
    size_t n = 0;
    for (size_t e = 0; e < s.event_count(); ++e) n += mm::EventKind(s.event(e).kind) == mm::EventKind::BadEntry;
    return n;
}

// Every output of the session, forward and back: nothing may read outside the machine.
void print_everything(sim::Session& s) {
    std::ostringstream out;
    sim::write_trace(s, out, sim::TraceFormat::Text);
    sim::write_trace(s, out, sim::TraceFormat::Json);
    sim::write_transcript(s, out, sim::TranscriptOptions{});
    for (size_t step = 0; step <= s.step_count(); ++step) {
        s.seek_step(step);
        sim::write_state_text(s.machine(), out, sim::StateOptions{});
        (void)sim::state_json(s.machine(), sim::StateOptions{}).dump();
        if (const os::Process* p = s.machine().find_process("A"); p && s.machine().mm().space(p->space).alive()) {
            sim::write_walk_text(s.machine(), p->space, 0x00010000, out);
            (void)sim::walk_json(s.machine(), p->space, 0x00010000).dump();
            for (uint32_t va = 0x10000; va < 0x12000; va += 0x800) (void)sim::peek_byte(s.machine(), p->space, va);
        }
    }
    s.reset();
}

}  // namespace

TEST_CASE("a PTE naming a frame beyond RAM stops the read with an error event and the reason", "[bad-entry]") {
    auto s = forged(0x7F7F7067);
    const sim::StepResult& read = s->result(4);
    CHECK_FALSE(read.ok);
    CHECK(read.note == "PTE names frame 0x7F7F7 beyond the 64 frames of RAM");
    CHECK(bad_entry_events(*s) >= 1);
    CHECK(sim::describe_result(s->scenario().steps[4], read) == "failed (PTE names frame 0x7F7F7 beyond the 64 frames of RAM)");
    // The readers of expectations see no frame and no bytes.
    const auto& checks = s->result(5).checks;
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].actual == "not readable");
    CHECK(checks[1].actual == "0x7F7F7");  // the PTE says so; nothing reads the frame
    // Later steps still run: the other page can be written, the region released.
    CHECK(s->result(7).ok);
    CHECK(s->result(8).ok);
    print_everything(*s);
}

TEST_CASE("a PDE naming a page-table frame beyond RAM stops the read with an error event", "[bad-entry]") {
    auto s = forged(0x7F7F7067, true);
    CHECK_FALSE(s->result(4).ok);
    CHECK(s->result(4).note == "PDE names frame 0x7F7F7 beyond the 64 frames of RAM for its page table");
    print_everything(*s);
}

TEST_CASE("forged software PTEs (transition, pagefile, prototype) stop the fault before it changes anything", "[bad-entry]") {
    struct Forged {
        uint32_t entry;
        const char* note;
    };
    const Forged cases[] = {
        {mm::SoftwarePte::transition(0x7F7F, mm::mmprot::kReadWrite), "transition PTE names frame 0x7F7F beyond the 64 frames of RAM"},
        {mm::SoftwarePte::transition(0x2, mm::mmprot::kReadWrite), "transition PTE names frame 0x2, which holds no page in transition for it"},
        {mm::SoftwarePte::pagefile(0x7F7F, mm::mmprot::kReadWrite), "PTE names pagefile slot 32639 beyond the 16 slots of the pagefile"},
        {mm::SoftwarePte::pagefile(3, mm::mmprot::kReadWrite), "PTE names pagefile slot 3, which is not in use"},
        {mm::SoftwarePte::prototype(0x12345), "PTE names prototype PTE #74565, which no section has"},
    };
    for (const Forged& f : cases) {
        INFO(fmt::format("entry 0x{:08X}", f.entry));
        auto s = forged(f.entry);
        CHECK_FALSE(s->result(4).ok);
        CHECK(s->result(4).note == f.note);
        CHECK(bad_entry_events(*s) == 1);
        // The fault changed nothing but the counters of the page fault itself.
        s->seek_step(4);
        const std::vector<std::string> before = s->machine().check_invariants();
        s->seek_step(5);
        CHECK(s->machine().check_invariants() == before);
        print_everything(*s);
    }
}
