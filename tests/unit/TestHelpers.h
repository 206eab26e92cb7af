// Shared helpers of the unit tests: a machine with an open journal operation, the invariant
// check every mutating test ends with, and a snapshot of all observable machine state used to
// prove that undo/redo (os::Machine::seek) restores the machine exactly.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "os/Machine.h"

namespace pagelab::test {

inline std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
}

// Every test that changes the machine ends with this: the model's invariants all hold.
#define REQUIRE_INVARIANTS(machine_or_mm)                              \
    do {                                                               \
        const auto bad_ = (machine_or_mm).check_invariants();          \
        INFO(::pagelab::test::join_lines(bad_));                       \
        REQUIRE(bad_.empty());                                         \
    } while (0)

inline mm::MachineConfig make_config(mm::Personality personality, uint32_t frames = 64, uint32_t pagefile = 256,
                                     mm::Policy policy = mm::Policy::Clock, uint32_t tlb = 0) {
    mm::MachineConfig cfg;
    cfg.personality = personality;
    cfg.frames = frames;
    cfg.pagefile_pages = pagefile;
    cfg.policy = policy;
    cfg.tlb_entries = tlb;
    return cfg;
}

// A machine whose journal has an operation open (the memory manager records events, and an
// event needs an operation to belong to), with one process "A" created in it.
struct Rig {
    explicit Rig(const mm::MachineConfig& cfg, bool with_process = true) : machine(cfg) {
        machine.journal().begin_operation(0);
        machine.journal().begin_event(uint16_t(mm::EventKind::Operation), 0xFFFF);
        if (with_process) {
            const mm::Result r = machine.create_process("A");
            REQUIRE(r.ok);
            space = machine.processes()[r.value].space;
        }
    }
    mm::MemoryManager& mm() { return machine.mm(); }
    std::vector<std::string> check_invariants() const { return machine.check_invariants(); }

    mm::Result alloc(uint32_t address, uint32_t size, uint32_t type, uint32_t protect) {
        return mm().virtual_alloc(space, address, size, type, protect);
    }
    mm::AccessResult read(uint32_t va, uint32_t size = 4) { return mm().access(space, va, size, x86::Access::Read); }
    mm::AccessResult write(uint32_t va, uint32_t value, uint32_t size = 4) {
        return mm().access(space, va, size, x86::Access::Write, value);
    }
    mm::MemoryBasicInformation query(uint32_t va) {
        mm::MemoryBasicInformation mbi;
        const mm::Result r = mm().virtual_query(space, va, mbi);
        REQUIRE(r.ok);
        return mbi;
    }

    os::Machine machine;
    uint16_t space = 0;
};

inline uint64_t fnv1a(const uint8_t* p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

// Every piece of state a user of the machine can observe, one line per item, so that two
// machines can be compared and the first difference reported readably. (The last walk record
// is a display cache of the most recent translation, not machine state, and is left out.)
inline std::vector<std::string> snapshot(const os::Machine& machine) {
    const mm::MemoryManager& m = machine.mm();
    std::vector<std::string> out;
    for (uint32_t f = 0; f < m.pfn().size(); ++f) {
        const mm::PfnEntry& e = m.pfn()[f];
        out.push_back(fmt::format("frame {:#x}: state {} use {} list {} pte {:#x} orig {:#x} flink {:#x} blink {:#x} "
                                  "share {} owner {} flags {} bytes {:016x}",
                                  f, int(e.state), int(e.use), int(e.list), e.backlink_word(), e.original_pte, e.flink,
                                  e.blink, e.share_count, e.owner, e.flags,
                                  fnv1a(m.ram().content(f).data(), core::kPageSize)));
    }
    for (int l = 0; l < mm::kListCount; ++l) {
        const mm::ListHead& h = m.pfn().list(mm::FrameList(l));
        out.push_back(fmt::format("list {}: first {:#x} last {:#x} count {}", l, h.first, h.last, h.count));
    }
    out.push_back(fmt::format("pagefile: capacity {} used {}", m.pagefile().capacity(), m.pagefile().used()));
    for (uint32_t s = 1; s <= m.pagefile().capacity(); ++s)
        out.push_back(fmt::format("slot {}: used {} bytes {:016x}", s, m.pagefile().in_use(s),
                                  fnv1a(m.pagefile().content(s).data(), core::kPageSize)));
    for (size_t c = 0; c < mm::kCounterCount; ++c)
        out.push_back(fmt::format("counter {}: {}", mm::counter_name(mm::Counter(c)), m.counters()[c]));
    for (size_t i = 0; i < m.tlb().entries().size(); ++i)
        out.push_back(fmt::format("tlb {}: {:#x}", i, m.tlb().entries()[i].pack()));
    out.push_back(fmt::format("tlb next victim {}", m.tlb().next_victim()));
    out.push_back(fmt::format("cpu: cr3 {:#x} space {} clock hand {}", m.cr3(), m.current_space(), m.clock_hand()));
    for (const mm::AddressSpace& sp : m.spaces()) {
        out.push_back(fmt::format("space {}: personality {} pd {:#x} alive {}", sp.id(), int(sp.personality()),
                                  sp.page_directory(), sp.alive()));
        for (const auto& [k, v] : sp.vads())
        {
            std::string marks;
            for (uint8_t b : v.page_marks) marks += fmt::format("{:x}", b);
            out.push_back(fmt::format("  vad {:#x}-{:#x} type {} aprot {:#x} memcommit {} watch {} marks {}", v.start_vpn,
                                      v.end_vpn, int(v.type), v.allocation_protect, v.mem_commit, v.write_watch, marks));
        }
    }
    auto vad_line = [](const mm::Vad& v) {
        std::string users;
        for (uint16_t u : v.users) users += fmt::format(" {}", u);
        std::string own;
        for (uint8_t b : v.own_protection) own += fmt::format("{:x}", b);
        return fmt::format("  vad {:#x}-{:#x} type {} aprot {:#x} memcommit {} section {} own {} users{}", v.start_vpn,
                           v.end_vpn, int(v.type), v.allocation_protect, v.mem_commit, v.section, own, users);
    };
    out.push_back("shared arena:");
    for (const auto& [k, v] : m.shared_vads()) out.push_back(vad_line(v));
    // (The shared arena's tables, and win95's compatibility arena's at PDE 0.)
    if (m.shared_table(0) != mm::kNoFrame) out.push_back(fmt::format("  compatibility arena table: frame {:#x}", m.shared_table(0)));
    for (uint32_t idx = 0x200; idx < 0x300; ++idx)
        if (m.shared_table(idx) != mm::kNoFrame) out.push_back(fmt::format("  shared table {:#x}: frame {:#x}", idx, m.shared_table(idx)));
    for (const os::Process& p : machine.processes())
        out.push_back(fmt::format("process {}: {} space {} state {}", p.id, p.name, p.space, int(p.state)));
    return out;
}

// Compares two snapshots and reports the first difference (expected vs actual).
inline void require_same_snapshot(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
    const size_t n = std::min(expected.size(), actual.size());
    for (size_t i = 0; i < n; ++i) {
        if (expected[i] != actual[i]) {
            INFO("first difference at line " << i << "\n expected: " << expected[i] << "\n   actual: " << actual[i]);
            REQUIRE(expected[i] == actual[i]);
        }
    }
    INFO("expected " << expected.size() << " lines, got " << actual.size());
    REQUIRE(expected.size() == actual.size());
}

}  // namespace pagelab::test
