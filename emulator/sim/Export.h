// The machine at one moment in the vocabularies of the real tools (`pagelab state --format csv |
// windbg`, and the window's File menu and clipboard):
//
//   VMMap's region table (CSV): Process, then VMMap's columns Address, Type, Size, Committed,
//   Private, Total WS, Private WS, Shareable WS, Shared WS, Blocks, Protection, Details — one row
//   per allocation (a VAD, or a free gap), followed by one row per VirtualQuery block when the
//   allocation has more than one (their Address indented by two spaces, as VMMap's tree shows
//   them). Sizes are in KB, as VMMap shows them.
//   RAMMap's Physical Pages table (CSV): Physical Address, List, Use, Priority, Image, Offset,
//   File Name, Process, Virtual Address — one row per frame.
//   WinDbg: `!vad` per process, then `!pte` for every page with a non-zero PTE, then `!pfn` for
//   every frame in use, laid out as the x86 (non-PAE) kernel debugger lays them out.
//
// CSV follows RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a
// quote, a line end or leading/trailing spaces, quotes doubled inside.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "os/Machine.h"
#include "sim/Report.h"

namespace pagelab::sim {

// One CSV field (RFC 4180) and one record (fields joined by commas, CRLF at the end).
std::string csv_field(std::string_view text);
std::string csv_record(const std::vector<std::string>& fields);

enum class CsvTable : uint8_t { Regions, Frames, All };

// VMMap's table (Regions), RAMMap's (Frames), or both (All: the region table, one empty line, the
// frame table — two blocks a spreadsheet pastes into one sheet). StateOptions::process limits the
// region table (the frame table is the machine's).
void write_regions_csv(const os::Machine& m, std::ostream& out, const StateOptions& options);
void write_frames_csv(const os::Machine& m, std::ostream& out);
void write_state_csv(const os::Machine& m, std::ostream& out, CsvTable table, const StateOptions& options);

// WinDbg's blocks, each as the debugger prints it (without the `kd>` prompt line).
std::string windbg_vad(const os::Machine& m, uint16_t space);
std::string windbg_pte(const os::Machine& m, uint16_t space, uint32_t va);
std::string windbg_pfn(const os::Machine& m, uint32_t frame);
// Every process's !vad, its !pte blocks, and the !pfn of every frame in use, each after a
// `kd> ` command line.
void write_state_windbg(const os::Machine& m, std::ostream& out, const StateOptions& options);

// VMMap's protection words: "Read/Write", "Execute/Read", "Write Copy", "No access", with
// "/Guard" and "/No cache" appended; "" for 0.
std::string vmmap_protection(uint32_t win32);

}  // namespace pagelab::sim
