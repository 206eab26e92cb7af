// The calls of sim/ProcessCalls.cpp (docs/fidelity.md "Other processes' memory and pointer
// checks"), each checked on the machine after the step, not only by its expectation:
// ReadProcessMemory / WriteProcessMemory (zero length, partial copies, beyond user space, the
// protection dance around EXECUTE pages), the *Ex forms on another process, VirtualProtect with a
// NULL old-protection pointer, IsBadReadPtr / IsBadWritePtr, and their Windows 95 answers.
#include "TestHelpers.h"

#include "sim/Scenario.h"
#include "sim/ScenarioParser.h"
#include "sim/Session.h"

using namespace pagelab;
using mm::Error;

namespace {

const char* const kNt = R"(pagelab: 1
machine: {personality: nt, ram: 64 frames, pagefile: 64 pages}
steps:
  - {do: create_process, as: A}
  - {do: create_process, as: B}
  - {do: virtual_alloc, process: B, address: 0x200000, size: 0x1000, type: [reserve, commit], protect: READWRITE, as: rw}
  - {do: virtual_alloc, process: B, address: 0x201000, size: 0x1000, type: [reserve, commit], protect: NOACCESS}
  - {do: virtual_alloc, process: B, address: 0x300000, size: 0x1000, type: [reserve, commit], protect: EXECUTE_READ, as: code}
  - {do: virtual_alloc, process: B, address: 0x310000, size: 0x1000, type: [reserve, commit], protect: READONLY, as: ro}
  - {do: virtual_alloc, process: A, address: 0x400000, size: 0x2000, type: [reserve, commit], protect: READWRITE+GUARD, as: g}
)";

// The prelude plus `steps`; the session after all of them.
struct Run {
    explicit Run(const std::string& steps, const char* prelude = kNt) {
        auto loaded = sim::parse_scenario(std::string(prelude) + steps, "calls.yaml");
        INFO((loaded.error ? loaded.error->message : std::string()));
        REQUIRE_FALSE(loaded.error);
        session.emplace(std::move(*loaded.scenario));
        session->seek_step(session->step_count());  // the machine as the last step left it
    }
    // The result of the n-th step counted from the end (1 = the last).
    const sim::StepResult& last(size_t n = 1) const { return session->result(session->step_count() - n); }
    std::optional<sim::Session> session;
};

}  // namespace

TEST_CASE("ReadProcessMemory: a full read, size 0, a partial copy and a range beyond user space", "[process-calls]") {
    Run r("  - {do: write_process_memory, process: A, target: B, address: rw, text: hello}\n"
          "  - {do: read_process_memory, process: A, target: B, address: rw, size: 5}\n"
          "  - {do: read_process_memory, process: A, target: B, address: rw, size: 0}\n"
          "  - {do: read_process_memory, process: A, target: B, address: 0x200FFE, size: 4}\n"
          "  - {do: read_process_memory, process: A, target: B, address: 0x7FFFFFFE, size: 4}\n");
    const auto& full = r.last(4);
    CHECK(full.ok);
    CHECK(full.value == 5);
    REQUIRE(full.data);
    CHECK(*full.data == "hello");
    CHECK(r.last(3).ok);
    CHECK(r.last(3).value == 0);
    // The first two bytes come from the READWRITE page, the NOACCESS page stops the copy.
    const auto& partial = r.last(2);
    CHECK_FALSE(partial.ok);
    CHECK(partial.error == Error::PartialCopy);
    REQUIRE(partial.data);
    CHECK(partial.data->size() == 2);
    CHECK_FALSE(r.last().ok);
    CHECK(r.last().error == Error::NoAccess);
    REQUIRE_INVARIANTS(r.session->machine());
}

TEST_CASE("WriteProcessMemory: read-only pages refuse, EXECUTE_READ pages are written and protected again", "[process-calls]") {
    Run r("  - {do: write_process_memory, process: A, target: B, address: ro, text: x}\n"
          "  - {do: write_process_memory, process: A, target: B, address: code, value: 0xC3, size: 1}\n"
          "  - {do: read_process_memory, process: A, target: B, address: code, size: 1}\n");
    CHECK_FALSE(r.last(3).ok);
    CHECK(r.last(3).error == Error::NoAccess);
    CHECK(r.last(2).ok);
    REQUIRE(r.last().data);
    CHECK(uint8_t((*r.last().data)[0]) == 0xC3);
    // Both pages keep their protection.
    mm::MemoryBasicInformation q;
    const auto& m = r.session->machine().mm();
    const uint16_t b = r.session->machine().find_process("B")->space;
    REQUIRE(m.virtual_query(b, 0x300000, q).ok);
    CHECK(q.protect == mm::page::kExecuteRead);
    REQUIRE(m.virtual_query(b, 0x310000, q).ok);
    CHECK(q.protect == mm::page::kReadOnly);
    REQUIRE_INVARIANTS(r.session->machine());
}

TEST_CASE("The *Ex calls change the target's memory, not the caller's", "[process-calls]") {
    Run r("  - {do: virtual_alloc, process: A, target: B, address: 0x500000, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
          "  - {do: virtual_protect, process: A, target: B, address: 0x500000, size: 0x1000, protect: READONLY}\n"
          "  - {do: virtual_query, process: A, target: B, address: 0x500000}\n"
          "  - {do: virtual_free, process: A, target: B, address: 0x500000, type: release}\n");
    CHECK(r.last(4).ok);
    CHECK(r.last(3).ok);
    CHECK(r.last(3).value == mm::page::kReadWrite);  // the old protection
    REQUIRE(r.last(2).query);
    CHECK(r.last(2).query->protect == mm::page::kReadOnly);
    CHECK(r.last().ok);
    const auto& m = r.session->machine().mm();
    const uint16_t a = r.session->machine().find_process("A")->space;
    mm::MemoryBasicInformation q;
    REQUIRE(m.virtual_query(a, 0x500000, q).ok);
    CHECK(q.state == mm::mem::kFree);  // A never had it
    REQUIRE_INVARIANTS(r.session->machine());
}

TEST_CASE("VirtualProtect with a NULL old-protection pointer fails with ERROR_NOACCESS and changes nothing", "[process-calls]") {
    Run r("  - {do: virtual_protect, process: B, address: rw, size: 0x1000, protect: READONLY, null_old: true}\n");
    CHECK_FALSE(r.last().ok);
    CHECK(r.last().error == Error::NoAccess);
    mm::MemoryBasicInformation q;
    const uint16_t b = r.session->machine().find_process("B")->space;
    REQUIRE(r.session->machine().mm().virtual_query(b, 0x200000, q).ok);
    CHECK(q.protect == mm::page::kReadWrite);
}

TEST_CASE("IsBadReadPtr / IsBadWritePtr: size 0, NULL, a guard page answers TRUE and loses GUARD", "[process-calls]") {
    Run r("  - {do: is_bad_read_ptr, process: A, address: 0, size: 0}\n"
          "  - {do: is_bad_read_ptr, process: A, address: 0, size: 1}\n"
          "  - {do: is_bad_write_ptr, process: A, address: g, size: 4}\n"
          "  - {do: is_bad_write_ptr, process: A, address: g, size: 4}\n"
          "  - {do: is_bad_read_ptr, process: A, address: 0x7FFFFFFF, size: 2}\n");
    CHECK(r.last(5).value == 0);
    CHECK(r.last(4).value == 1);
    CHECK(r.last(3).value == 1);  // the guard page's exception
    CHECK(r.last(2).value == 0);  // GUARD is gone: the page is writable now
    CHECK(r.last().value == 1);   // crosses into kernel space
    REQUIRE_INVARIANTS(r.session->machine());
}

TEST_CASE("Windows 95: no *Ex call on another process", "[process-calls][win95]") {
    const char* const k95 = R"(pagelab: 1
machine: {personality: win95, ram: 64 frames, pagefile: 64 pages}
steps:
  - {do: create_process, as: A}
  - {do: create_process, as: B}
)";
    Run r("  - {do: virtual_alloc, process: A, target: B, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n"
          "  - {do: virtual_alloc, process: A, target: A, size: 0x1000, type: [reserve, commit], protect: READWRITE}\n",
          k95);
    CHECK_FALSE(r.last(2).ok);
    CHECK(r.last(2).error == Error::CallNotImplemented);
    CHECK(r.last().ok);  // its own process is fine
}
