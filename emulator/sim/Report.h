// Views of the machine at one moment, for `pagelab state` and `pagelab walk` (and the window):
// a VMMap-style region table per process, WinDbg !pte-style entry lines, RAMMap-style frame
// lists, the pagefile and the commit charge; and the translation walk, bit by bit.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "os/Machine.h"

namespace pagelab::sim {

// "valid frame 0x12 ---DA--UWEV", "demand-zero READWRITE", "pagefile slot 3 READWRITE", ...
std::string pte_summary(const mm::MemoryManager& m, uint32_t pte);
// WinDbg's x86 flag string for a valid entry: C G L D A N T U/K W/R E V (one character each).
std::string windbg_flags(uint32_t entry);

struct StateOptions {
    std::optional<std::string> process;  // only this process
};
void write_state_text(const os::Machine& m, std::ostream& out, const StateOptions& options);
nlohmann::ordered_json state_json(const os::Machine& m, const StateOptions& options);

// The translation of va in the process's address space as the walk would do it now (no bit is
// changed): CR3, the address split, the PDE and PTE with every bit named, the frame and byte.
void write_walk_text(const os::Machine& m, uint16_t space, uint32_t va, std::ostream& out);
nlohmann::ordered_json walk_json(const os::Machine& m, uint16_t space, uint32_t va);

}  // namespace pagelab::sim
