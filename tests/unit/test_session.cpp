// The stepping session: every lesson is stepped event by event with the invariant checker, undone
// to the start and redone to the end, and each time compared with what the run produced.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "sim/Report.h"
#include "sim/Session.h"
#include "sim/Trace.h"

using namespace pagelab;

namespace {

std::vector<std::string> lessons() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(PAGELAB_SOURCE_DIR "/scenarios"))
        if (e.path().extension() == ".yaml" && e.path().filename() != "course.yaml") out.push_back(e.path().string());
    // The fidelity scenarios (tests/scenarios/fidelity) are held to the same invariants.
    for (const auto& e : std::filesystem::directory_iterator(PAGELAB_SOURCE_DIR "/tests/scenarios/fidelity"))
        if (e.path().extension() == ".yaml") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::unique_ptr<sim::Session> load(const std::string& path) {
    auto r = sim::Session::load(path);
    if (auto* e = std::get_if<sim::LoadError>(&r)) FAIL(e->message);
    return std::move(std::get<std::unique_ptr<sim::Session>>(r));
}

std::unique_ptr<sim::Session> parse(const std::string& text) {
    auto r = sim::parse_scenario(text, "test.yaml");
    if (r.error) FAIL(r.error->message);
    return std::make_unique<sim::Session>(std::move(*r.scenario));
}

// Everything observable about the machine: the state report, every frame's bytes, every PFN
// entry, every slot, the TLB and the CPU registers.
std::string snapshot(const os::Machine& m) {
    std::ostringstream out;
    out << sim::state_json(m, {}).dump();
    const auto& mm = m.mm();
    for (uint32_t f = 0; f < mm.pfn().size(); ++f) {
        const auto& e = mm.pfn()[f];
        out << f << ':' << e.backlink_word() << ',' << e.original_pte << ',' << e.flink << ',' << e.blink << ','
            << e.share_count << ',' << e.owner << ',' << int(e.state) << ',' << int(e.use) << ',' << int(e.flags) << ','
            << int(e.list) << ';';
        const uint8_t* d = mm.ram().content(f).data();
        uint64_t h = 1469598103934665603ull;
        for (uint32_t i = 0; i < 4096; ++i) h = (h ^ d[i]) * 1099511628211ull;
        out << h << '\n';
    }
    for (uint32_t s = 0; s <= mm.pagefile().capacity(); ++s) {
        const uint8_t* d = mm.pagefile().content(s).data();
        uint64_t h = 1469598103934665603ull;
        for (uint32_t i = 0; i < 4096; ++i) h = (h ^ d[i]) * 1099511628211ull;
        out << 's' << s << (mm.pagefile().in_use(s) ? 'u' : 'f') << h << '\n';
    }
    for (const auto& t : mm.tlb().entries()) out << t.pack() << ',';
    out << mm.tlb().next_victim() << ' ' << mm.cr3() << ' ' << mm.current_space() << ' ' << mm.clock_hand() << '\n';
    for (const auto& p : m.processes()) out << p.name << int(p.state) << p.space << '\n';
    for (const auto& sp : mm.spaces())
        for (const auto& [k, v] : sp.vads()) out << sp.id() << ':' << v.start_vpn << '-' << v.end_vpn << int(v.type) << v.mem_commit << '\n';
    return out.str();
}

}  // namespace

TEST_CASE("every lesson passes its expectations and keeps every invariant at every event", "[session][lessons]") {
    for (const auto& path : lessons()) {
        INFO(path);
        auto s = load(path);
        CHECK(s->failed_steps() == 0);
        CHECK(s->cursor() == 0);
        while (s->step_event_forward()) {
            const auto bad = s->machine().check_invariants();
            INFO("event " << s->cursor() << ": " << (bad.empty() ? std::string() : bad.front()));
            REQUIRE(bad.empty());
        }
    }
}

TEST_CASE("undoing a whole lesson restores the initial machine and redoing restores the final one", "[session][undo]") {
    for (const auto& path : lessons()) {
        INFO(path);
        auto s = load(path);
        const std::string initial = snapshot(s->machine());
        s->seek_event(s->event_count());
        const std::string final_state = snapshot(s->machine());
        // Fresh machine with the same configuration = the state every undo must return to.
        os::Machine fresh(s->scenario().machine);
        CHECK(snapshot(fresh) == initial);
        // Back one event at a time, then forward again by steps.
        while (s->step_event_back()) {}
        CHECK(snapshot(s->machine()) == initial);
        while (s->step_forward()) {}
        CHECK(snapshot(s->machine()) == final_state);
        // A jump into the middle and back gives the same middle state both ways.
        const size_t mid = s->event_count() / 2;
        s->seek_event(mid);
        const std::string middle = snapshot(s->machine());
        s->seek_event(0);
        s->seek_event(mid);
        CHECK(snapshot(s->machine()) == middle);
    }
}

TEST_CASE("the same scenario gives the same trace, byte for byte", "[session][determinism]") {
    for (const auto& path : lessons()) {
        INFO(path);
        std::ostringstream a, b, ja, jb;
        auto s1 = load(path);
        auto s2 = load(path);
        sim::write_trace(*s1, a, sim::TraceFormat::Text);
        sim::write_trace(*s2, b, sim::TraceFormat::Text);
        CHECK(a.str() == b.str());
        sim::write_trace(*s1, ja, sim::TraceFormat::Json);
        sim::write_trace(*s2, jb, sim::TraceFormat::Json);
        CHECK(ja.str() == jb.str());
        // Printing the trace leaves the session where it stood.
        CHECK(s1->cursor() == 0);
    }
}

namespace {
const char* kTwoPages = R"(pagelab: 1
machine: {ram: 16 frames}
steps:
  - do: create_process
    as: A
  - do: virtual_alloc
    process: A
    size: 0x2000
    type: [reserve, commit]
    protect: READWRITE
    as: buf
  - label: first-touch
    do: write
    process: A
    address: buf
    value: 1
  - do: write
    process: A
    address: buf+0x1000
    value: 2
  - do: virtual_free
    process: A
    address: buf
    type: release
)";
}

TEST_CASE("stepping by operation moves whole steps and stepping by event moves single events", "[session][stepping]") {
    auto s = parse(kTwoPages);
    REQUIRE(s->step_count() == 5);
    CHECK(s->steps_done() == 0);
    REQUIRE(s->step_forward());
    CHECK(s->steps_done() == 1);
    CHECK(s->machine().processes().size() == 1);
    REQUIRE(s->step_forward());
    REQUIRE(s->step_event_forward());  // the write step's own event
    CHECK(s->steps_done() == 2);
    CHECK(!s->at_step_boundary());
    CHECK(s->current_step() == 2);
    REQUIRE(s->step_back());  // mid-step: back to the end of the previous step
    CHECK(s->steps_done() == 2);
    CHECK(s->at_step_boundary());
    REQUIRE(s->step_back());
    CHECK(s->steps_done() == 1);
    s->seek_step(5);
    CHECK(s->cursor() == s->event_count());
    CHECK_FALSE(s->step_forward());
    CHECK_FALSE(s->step_event_forward());
    s->reset();
    CHECK(s->cursor() == 0);
    CHECK_FALSE(s->step_back());
}

TEST_CASE("run to a breakpoint stops just after the matching event", "[session][breakpoints]") {
    auto s = parse(kTwoPages);
    sim::Breakpoint dz;
    dz.kind = sim::BreakKind::Fault;
    dz.fault = mm::FaultKind::DemandZero;
    REQUIRE(s->run_to({dz}));
    CHECK(mm::EventKind(s->event(s->cursor() - 1).kind) == mm::EventKind::DemandZero);
    CHECK(s->current_step() == 2);
    REQUIRE(s->run_to({dz}));
    CHECK(s->current_step() == 3);
    CHECK_FALSE(s->run_to({dz}));
    CHECK(s->cursor() == s->event_count());

    s->reset();
    sim::Breakpoint label;
    label.kind = sim::BreakKind::Label;
    label.label = "first-touch";
    REQUIRE(s->run_to({label}));
    CHECK(s->current_step() == 2);

    s->reset();
    sim::Breakpoint pte;
    pte.kind = sim::BreakKind::PteChange;
    pte.process = "A";
    pte.address = 0x00011000;
    REQUIRE(s->run_to({pte}));
    // The first event that writes that PTE is the page-table creation (its PDE appears) in step 3.
    CHECK(s->current_step() == 2);
    REQUIRE(s->run_to({pte}));
    CHECK(s->current_step() >= 2);

    s->reset();
    sim::Breakpoint proc;
    proc.kind = sim::BreakKind::Process;
    proc.process = "A";
    REQUIRE(s->run_to({proc}));
    CHECK(s->current_step() == 0);
}

TEST_CASE("a failed expectation names the step, the expectation, what was expected and what happened", "[session][expect]") {
    auto s = parse(R"(pagelab: 1
steps:
  - do: create_process
    as: A
  - do: virtual_alloc
    process: A
    size: 0x1000
    type: [reserve, commit]
    protect: READWRITE
    as: p
    expect:
      - returns: 0x00020000
      - counters: {commit_charge: 1}
  - do: read
    process: A
    address: p
    expect: {fault: pagefile-read}
)");
    CHECK(s->failed_steps() == 2);
    std::ostringstream out;
    sim::TranscriptOptions o;
    o.quiet = true;
    CHECK(sim::write_transcript(*s, out, o) == 2);
    const std::string text = out.str();
    CHECK(text.find("test.yaml:12:9: step 2: expectation returns failed: expected 0x00020000, got 0x00010000") != std::string::npos);
    CHECK(text.find("test.yaml:17:14: step 3: expectation fault failed: expected pagefile-read, got demand-zero") != std::string::npos);
    CHECK(text.find("commit_charge") == std::string::npos);  // passing checks are quiet
}

TEST_CASE("a name bound by a failed step makes the steps that use it fail, not crash", "[session][expect]") {
    auto s = parse(R"(pagelab: 1
steps:
  - do: create_process
    as: A
  - do: virtual_alloc
    process: A
    size: 0
    type: [reserve, commit]
    protect: READWRITE
    as: p
    expect: {error: INVALID_PARAMETER}
  - do: read
    process: A
    address: p
    expect: {result: ok}
)");
    CHECK(s->result(1).passed());
    CHECK_FALSE(s->result(2).passed());
    CHECK(s->result(2).note.find("'p' was not bound") != std::string::npos);
    CHECK(s->machine().check_invariants().empty());
}

TEST_CASE("expectations read the machine without changing it", "[session][expect]") {
    auto s = parse(R"(pagelab: 1
machine: {ram: 8 frames, pagefile: 16 pages, policy: fifo}
steps:
  - do: create_process
    as: A
  - do: virtual_alloc
    process: A
    size: 0x8000
    type: [reserve, commit]
    protect: READWRITE
    as: p
  - do: write
    process: A
    address: p
    value: 0x1234
  - do: touch
    process: A
    address: p+0x1000
    size: 0x5000
    access: write
    expect:
      - pte: {process: A, address: p, present: false, backing: pagefile}
      - value: {process: A, address: p, equals: 0x1234}
      - value: {process: A, address: p+0x7000, equals: 0}
      - counters: {pagefile_reads: 0}
)");
    CHECK(s->failed_steps() == 0);
}

TEST_CASE("the file expectation reads the emulated disk: size, text and bytes at an offset", "[session][expect]") {
    auto s = parse(R"(pagelab: 1
files:
  - {path: 'C:\DATA\notes.txt', size: 20, text: "The quick "}
steps:
  - say: The disk as declared.
    expect:
      - file: {path: 'C:\DATA\notes.txt', size: 20}
      - file: {path: 'C:\DATA\notes.txt', offset: 10, text: "The quick"}
      - file: {path: 'C:\DATA\notes.txt', offset: 4, bytes: "71 75 69"}
  - say: Two wrong expectations.
    expect:
      - file: {path: 'C:\DATA\notes.txt', text: "A quick"}
      - file: {path: 'C:\DATA\missing.txt', size: 1}
)");
    CHECK(s->result(0).passed());
    REQUIRE(s->result(1).checks.size() == 2);
    CHECK(s->result(1).checks[0].actual == "The qui");
    CHECK(s->result(1).checks[1].actual == "no such file");
    auto bad = sim::parse_scenario("pagelab: 1\nsteps:\n  - say: x\n    expect: {file: {path: x, bytes: \"7\"}}\n", "t.yaml");
    REQUIRE(bad.error);
    CHECK(bad.error->message == "t.yaml:4:37: error: bytes: '7' is not an even number of hex digits");
}

namespace {
// A machine with an EXE and a data file, and a process B holding a read handle to each.
std::string sec_image_scenario(const char* personality, const std::string& steps) {
    return std::string("pagelab: 1\nmachine: {personality: ") + personality + ", ram: 32 frames}\n" +
           "files:\n"
           "  - path: C:\\APP\\V.exe\n"
           "    image:\n"
           "      base: 0x00400000\n"
           "      entry: 0x1000\n"
           "      sections:\n"
           "        - {name: .text, size: 0x1000, flags: [code, read, execute], text: \"code \"}\n"
           "  - {path: C:\\notes.txt, size: 100, text: \"notes \"}\n"
           "steps:\n"
           "  - {do: create_process, as: B}\n"
           "  - {do: create_file, process: B, path: C:\\APP\\V.exe, access: read, as: exe}\n"
           "  - {do: create_file, process: B, path: C:\\notes.txt, access: read, as: notes}\n" +
           steps;
}
}  // namespace

TEST_CASE("CreateFileMapping(SEC_IMAGE) refuses a data file and a pagefile mapping (193), and other SEC_ flags beside it (87)", "[session][filemap][image]") {
    auto s = parse(sec_image_scenario("nt",
        "  - {do: create_file_mapping, process: B, file: notes, protect: READONLY, flags: image,\n"
        "     expect: [{result: failed}, {error: ERROR_BAD_EXE_FORMAT}]}\n"
        "  - {do: create_file_mapping, process: B, protect: READONLY, size: 4096, flags: image,\n"
        "     expect: [{result: failed}, {error: ERROR_BAD_EXE_FORMAT}]}\n"
        "  - {do: create_file_mapping, process: B, file: exe, protect: READONLY, flags: [image, reserve],\n"
        "     expect: [{result: failed}, {error: ERROR_INVALID_PARAMETER}]}\n"));
    CHECK(s->failed_steps() == 0);
    auto w = parse(sec_image_scenario("win95",
        "  - {do: create_file_mapping, process: B, file: notes, protect: READONLY, flags: image,\n"
        "     expect: [{result: failed}, {error: ERROR_GEN_FAILURE}]}\n"));
    CHECK(w->failed_steps() == 0);
}

TEST_CASE("a SEC_IMAGE view maps the image at its base, refuses write access and a non-zero offset, and goes with UnmapViewOfFile", "[session][filemap][image]") {
    auto s = parse(sec_image_scenario("nt",
        "  - {do: create_file_mapping, process: B, file: exe, protect: READONLY, flags: image, as: img}\n"
        "  - {do: map_view, process: B, mapping: img, access: all, expect: {error: ERROR_ACCESS_DENIED}}\n"
        "  - {do: map_view, process: B, mapping: img, access: read, offset: 64 KB, expect: {error: ERROR_INVALID_PARAMETER}}\n"
        "  - {do: map_view, process: B, mapping: img, access: copy, as: v,\n"
        "     expect: [{returns: 0x00400000}, {region: {address: 0x00401000, type: image, protect: EXECUTE_READ}}]}\n"
        "  - {do: read, process: B, address: 0x00401000, size: 1, expect: [{fault: image-read}, {returns: 0x63}]}\n"
        "  - {do: close_handle, process: B, handle: img}\n"
        "  - {do: read, process: B, address: 0x00401001, size: 1, expect: {returns: 0x6F}}\n"
        "  - {do: unmap_view, process: B, address: 0x00401234, expect: [{result: ok}, {region: {address: 0x00400000, state: free}}]}\n"
        "  - {do: unmap_view, process: B, address: 0x00400000, expect: {error: ERROR_INVALID_ADDRESS}}\n"));
    CHECK(s->failed_steps() == 0);
    const auto& mm = s->machine().mm();
    s->seek_event(s->event_count());
    CHECK(mm.check_invariants().empty());
    CHECK(mm.mappings().size() == 1);
    CHECK_FALSE(mm.mappings()[0].alive());
}

TEST_CASE("the state report prints VirtualQuery's Protect for every state: reserved 0 (nt) or NOACCESS (win95), free NOACCESS",
          "[session][report]") {
    for (const char* personality : {"nt", "win95"}) {
        const bool w95 = std::string(personality) == "win95";
        INFO(personality);
        auto s = parse(fmt::format(R"(pagelab: 1
machine: {{personality: {}, ram: 32 frames, pagefile: 64 pages}}
steps:
  - do: create_process
    as: A
  - do: virtual_alloc
    process: A
    size: 0x2000
    type: reserve
    protect: READWRITE
    as: r
  - do: virtual_alloc
    process: A
    address: r
    size: 0x1000
    type: commit
    protect: READONLY
)", personality));
        REQUIRE(s->failed_steps() == 0);
        s->seek_step(3);
        const uint32_t base = w95 ? 0x00400000u : 0x00010000u;
        std::ostringstream text;
        sim::write_state_text(s->machine(), text, {});
        const std::string t = text.str();
        // The committed page, the reserved page after it, and free memory after the reservation.
        CHECK(t.find(fmt::format("  {:08X}   Private        4 KB Commit   READONLY ", base)) != std::string::npos);
        CHECK(t.find(fmt::format("  {:08X}   Private        4 KB Reserve  {:<20} ", base + 0x1000, w95 ? "NOACCESS" : "0")) !=
              std::string::npos);
        CHECK(t.find(fmt::format("  {:08X}   Free ", base + 0x2000)) != std::string::npos);
        const size_t free_row = t.find(fmt::format("  {:08X}   Free ", base + 0x2000));
        REQUIRE(free_row != std::string::npos);
        CHECK(t.substr(free_row, t.find('\n', free_row) - free_row).find("NOACCESS") != std::string::npos);
        const auto j = sim::state_json(s->machine(), {});
        const auto& regions = j["processes"][0]["regions"];
        bool saw_reserve = false, saw_free = false;
        for (const auto& r : regions) {
            if (r["state"] == "Reserve") {
                saw_reserve = true;
                CHECK(r["protect"] == (w95 ? "NOACCESS" : "0"));
            }
            if (r["state"] == "Free") {
                saw_free = true;
                CHECK(r["protect"] == "NOACCESS");
            }
        }
        CHECK(saw_reserve);
        CHECK(saw_free);
    }
}

TEST_CASE("create_file_mapping with file INVALID_HANDLE_VALUE or 0xFFFFFFFF is backed by the paging file, and the event names it",
          "[session][filemap]") {
    for (const char* file : {"INVALID_HANDLE_VALUE", "0xFFFFFFFF", ""}) {
        INFO("file: " << file);
        auto s = parse(fmt::format(R"(pagelab: 1
steps:
  - do: create_process
    as: A
  - do: create_file_mapping
    process: A
{}    protect: READWRITE
    size: 0x2000
    name: Shared
    as: m
    expect: [{{result: ok}}, {{returns: 4}}]
  - do: map_view
    process: A
    mapping: m
    access: write
    as: v
  - do: write
    process: A
    address: v
    value: 5
    expect: [{{fault: demand-zero}}, {{counters: {{commit_charge: 2}}}}]
)", *file ? fmt::format("    file: {}\n", file) : std::string()));
        REQUIRE(s->failed_steps() == 0);
        bool named = false;
        for (size_t e = s->first_event_of_step(1); e < s->first_event_of_step(2); ++e)
            if (mm::EventKind(s->event(e).kind) == mm::EventKind::DataSectionCreated)
                named = s->explain(e).rfind("CreateFileMapping(INVALID_HANDLE_VALUE, …): backed by the paging file, not by a file on disk.", 0) == 0;
        CHECK(named);
    }
    // A handle that is neither a file nor INVALID_HANDLE_VALUE is ERROR_INVALID_HANDLE.
    auto bad = parse(R"(pagelab: 1
steps:
  - do: create_process
    as: A
  - do: create_file_mapping
    process: A
    file: 0x1234
    protect: READWRITE
    size: 0x1000
    expect: [{result: failed}, {error: INVALID_HANDLE}]
)");
    CHECK(bad->failed_steps() == 0);
}

TEST_CASE("UnmapViewOfFile with an address inside the view works as on NT, and the events say the contract is the base",
          "[session][filemap]") {
    for (const char* personality : {"nt", "win95"}) {
        INFO(personality);
        auto s = parse(fmt::format(R"(pagelab: 1
machine: {{personality: {}}}
steps:
  - do: create_process
    as: A
  - do: create_file_mapping
    process: A
    protect: READWRITE
    size: 0x3000
    as: m
  - do: map_view
    process: A
    mapping: m
    access: write
    as: v
  - do: map_view
    process: A
    mapping: m
    access: write
    size: 0x1000
    as: w
  - do: unmap_view
    process: A
    address: v+0x1234
    expect: [{{result: ok}}, {{region: {{address: v, state: free}}}}]
  - do: unmap_view
    process: A
    address: w
    expect: [{{result: ok}}, {{region: {{address: w, state: free}}}}]
)", personality));
        REQUIRE(s->failed_steps() == 0);
        auto notes = [&](size_t step) {
            std::vector<std::string> out;
            for (size_t e = s->first_event_of_step(step); e < s->first_event_of_step(step + 1); ++e)
                if (mm::EventKind(s->event(e).kind) == mm::EventKind::UnmapInsideView) out.push_back(s->explain(e));
            return out;
        };
        const auto inner = notes(4);
        REQUIRE(inner.size() == 1);
        CHECK(inner[0].find("is inside the view") != std::string::npos);
        CHECK(inner[0].find("the documented contract is the base address MapViewOfFile returned") != std::string::npos);
        CHECK(notes(5).empty());  // the base itself: nothing to say
    }
}

TEST_CASE("interlocked_add is one locked read-modify-write: it returns the initial value and stores value + addend little-endian",
          "[session][interlocked]") {
    // AppInst's counter: a SHARED section every instance writes in place; and a write-copy .data
    // page, where the locked write takes the not-present fault, then the copy-on-write one.
    auto s = parse(R"(pagelab: 1
files:
  - path: C:\APP\AppInst.exe
    image:
      entry: 0x1000
      sections:
        - {name: .text, size: 0x1000, flags: [code, read, execute]}
        - {name: .data, size: 0x1000, flags: [data, read, write], bytes: "FF FF FF 7F"}
        - {name: Shared, size: 0x1000, flags: [data, read, write, shared]}
steps:
  - do: create_process
    as: A
    image: C:\APP\AppInst.exe
  - do: create_process
    as: B
    image: C:\APP\AppInst.exe
  - do: interlocked_add
    process: A
    address: 0x00403000
    value: 1
    as: old_a
    expect: [{returns: 0}, {fault: image-read}, {value: {process: B, address: 0x00403000, equals: 1}}]
  - do: interlocked_add
    process: B
    address: 0x00403000
    value: 1
    expect: [{returns: 1}, {fault: soft}, {value: {process: A, address: 0x00403000, equals: 2}}]
  - do: interlocked_add
    process: A
    address: 0x00403000
    value: -1
    expect: [{returns: 2}, {value: {process: B, address: 0x00403000, equals: 1}}]
  - do: interlocked_add
    process: B
    address: 0x00402000
    value: 0x1B
    as: old_b
    expect:
      - returns: 0x7FFFFFFF
      - fault: [image-read, copy-on-write]
      - value: {process: B, address: 0x00402000, equals: 0x8000001A}
      - value: {process: B, address: 0x00402000, size: 1, equals: 0x1A}
      - value: {process: A, address: 0x00402000, equals: 0x7FFFFFFF}
)");
    REQUIRE(s->failed_steps() == 0);
    // One access per call, and the faults of the copy-on-write call are both write faults.
    std::vector<uint32_t> error_codes;
    std::string sentence;
    for (size_t e = s->first_event_of_step(5); e < s->first_event_of_step(6); ++e) {
        const auto& ev = s->event(e);
        if (mm::EventKind(ev.kind) == mm::EventKind::PageFault) error_codes.push_back(ev.args[1]);
        if (mm::EventKind(ev.kind) == mm::EventKind::InterlockedAdd) sentence = s->explain(e);
    }
    CHECK(error_codes == std::vector<uint32_t>{6, 7});
    CHECK(sentence == "InterlockedExchangeAdd(0x00402000, 27): one locked read-modify-write (lock xadd) by B turns 2147483647 "
                      "into -2147483622; it returns the initial value, 2147483647.");
    s->seek_step(5);
    const uint64_t before = s->machine().mm().counter(mm::Counter::Accesses);
    s->seek_step(6);
    CHECK(s->machine().mm().counter(mm::Counter::Accesses) == before + 1);
}

TEST_CASE("create_process with suspended: true builds the process but fetches no instruction, execute at the entry is the first",
          "[session][loader]") {
    auto s = parse(R"(pagelab: 1
files:
  - path: C:\APP\Notepad.exe
    image:
      entry: 0x1000
      sections:
        - {name: .text, size: 0x2000, flags: [code, read, execute], text: "entry code"}
steps:
  - do: create_process
    as: A
    image: C:\APP\Notepad.exe
    suspended: true
    expect:
      - result: ok
      - fault: none
      - process: {name: A, state: running}
      - pte: {address: 0x00401000, present: false, backing: prototype}
      - counters: {file_reads: 0}
  - do: execute
    process: A
    address: 0x00401000
    expect: [{fault: image-read}, {returns: 0x65}, {counters: {file_reads: 1}}, {pte: {address: 0x00402000, present: false}}]
)");
    REQUIRE(s->failed_steps() == 0);
    std::string start;
    for (size_t e = s->first_event_of_step(0); e < s->first_event_of_step(1); ++e)
        if (mm::EventKind(s->event(e).kind) == mm::EventKind::LoaderStart) start = s->explain(e);
    CHECK(start.find("created suspended at the entry point 0x00401000 (CREATE_SUSPENDED)") != std::string::npos);
}

TEST_CASE("interlocked_add takes negative and hex addends, wraps at 32 bits, and refuses a misaligned name+offset at run time",
          "[session][interlocked]") {
    auto s = parse(R"(
pagelab: 1
steps:
  - do: create_process
    as: A
  - do: virtual_alloc
    process: A
    size: 0x1000
    type: [reserve, commit]
    protect: READWRITE
    as: v
  - do: interlocked_add
    process: A
    address: v
    value: -0xB
    expect: [{returns: 0}, {value: {address: v, equals: 0xFFFFFFF5}}]
  - do: interlocked_add
    process: A
    address: v
    value: -2147483648
    expect: [{returns: 0xFFFFFFF5}, {value: {address: v, equals: 0x7FFFFFF5}}]
  - do: interlocked_add
    process: A
    address: v+2
    value: 1
    expect: [{result: failed}, {error: INVALID_PARAMETER}]
)");
    CHECK(s->failed_steps() == 0);
    CHECK(s->result(4).note.find("aligned on 4 bytes") != std::string::npos);
}
