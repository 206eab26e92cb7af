// Memory-access traces for `pagelab replay` (DESIGN.md §4): a flat list of loads and stores by one
// process, read from one of three formats.
//
//   lackey  valgrind --tool=lackey --trace-mem=yes output:
//             `I  0400d7d4,8`   instruction fetch (replayed as a read)
//             ` L 0421f6b0,4`   load
//             ` S 0421f6b0,4`   store
//             ` M 0421f6b0,4`   modify: a load, then a store of the same bytes
//           Address in hex (lackey prints no 0x; a 0x prefix is accepted), size in decimal bytes
//           (1 to 4096; lackey itself never prints more than 512). Lines starting with `==`
//           (valgrind's own messages) and blank lines are skipped. Leading blanks are not
//           significant, so `L 1000,4` at column 1 is accepted too.
//   rw      one access per line: `HEXADDR R|W` (optional 0x, either case for the letter);
//           `#` starts a comment anywhere on a line; blank lines are skipped. Size 1 byte.
//   bin     little-endian u32 records: bit 0 = write, address = record & ~1u. Size 1 byte.
//
// Accesses wider than 4 bytes (lackey's 8-, 16- or 32-byte SSE/AVX loads and stores) are split
// into consecutive pieces of 4 bytes, then 2, then 1 (8 -> 4+4, 10 -> 4+4+2, 3 -> 2+1), because the
// emulated CPU moves at most 4 bytes per access, as a 32-bit x86 does without SSE. So the replay
// touches exactly the bytes (hence pages) the program touched and counts one access per piece;
// a piece that crosses a page boundary is still one access (the memory manager splits it into
// its two page accesses, as the CPU does). An M access of 8 bytes becomes read 4, read 4, write 4,
// write 4: the load of the whole operand, then its store.
//
// rw and bin give no size; their accesses are 1 byte, so each names exactly one page (these
// formats are page-reference strings for replacement experiments) and never crosses a page.
//
// Errors are data, never exceptions or crashes:
//   text formats:  `FILE:LINE:COL: error: message` (LINE and COL 1-based, COL counts bytes)
//   bin:           `FILE: error: record N (byte offset X): message` (N 0-based, X = 4 * N)
//   any format:    `FILE: error: cannot read file (reason)` when the file cannot be opened/read.
// Each access keeps its origin (line and column of its address, or record number), so a later
// stage (the replay's address check) can name the trace line in the same format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagelab::sim {

enum class TraceFormat : uint8_t { Lackey, Rw, Bin };
const char* trace_format_name(TraceFormat f);                    // "lackey", "rw", "bin"
std::optional<TraceFormat> parse_trace_format(std::string_view name);

struct TraceAccess {
    uint32_t address = 0;
    uint8_t size = 1;  // 1, 2 or 4
    bool write = false;
    bool operator==(const TraceAccess&) const = default;
};

// Where an access came from: text line and column of its address, or binary record number.
struct TraceOrigin {
    uint32_t line = 0;    // text: 1-based line; bin: 0-based record index
    uint32_t column = 0;  // text: 1-based column of the address; bin: unused
};

struct AccessTrace {
    std::string name;  // the file name used in messages
    TraceFormat format = TraceFormat::Rw;
    std::vector<TraceAccess> accesses;
    std::vector<TraceOrigin> origins;  // parallel to accesses; empty for traces built in memory

    // `FILE:LINE:COL: error: message` / `FILE: error: record N (byte offset X): message` for the
    // access at `index`; `FILE: error: access N: message` when the trace has no origins.
    std::string error_at(size_t index, std::string_view message) const;
};

struct TraceParseResult {
    AccessTrace trace;
    std::optional<std::string> error;  // set: the trace is unusable (trace holds what was read)
    bool ok() const { return !error.has_value(); }
};

// Parses a whole trace held in memory; `name` is used in messages.
TraceParseResult parse_trace(std::string_view data, TraceFormat format, std::string name);

// Reads and parses a file. Without a format it is guessed: a `.bin` name means bin; otherwise the
// first line that is not blank, a `#` comment or a `==` message decides: an op letter I, L, S or M
// followed by a blank and a hex address with a comma means lackey, anything else rw.
TraceParseResult load_trace(const std::string& path, std::optional<TraceFormat> format = std::nullopt);

// The guess load_trace makes, given the name and the file's bytes.
TraceFormat guess_trace_format(std::string_view path, std::string_view data);

}  // namespace pagelab::sim
