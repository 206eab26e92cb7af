#include "sim/AccessTrace.h"

#include "io/ReadFile.h"
#include "sim/Limits.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace pagelab::sim {

namespace {

constexpr uint32_t kMaxLackeySize = 4096;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A token for a message: quoted by the caller, bounded, and without control bytes (a binary file
// read as text must not put raw bytes on the terminal).
std::string printable(std::string_view token) {
    std::string out;
    for (char c : token.substr(0, 40)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
    if (token.size() > 40) out += "...";
    return out;
}

enum class HexStatus { Ok, Bad, TooBig };

// Parses [0x]HEX. Leading zeros are allowed (lackey pads), so "fits in 32 bits" is decided on the
// significant digits, not the token length.
HexStatus parse_hex32(std::string_view token, uint32_t& out) {
    if (token.size() >= 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) token.remove_prefix(2);
    if (token.empty()) return HexStatus::Bad;
    uint64_t v = 0;
    bool too_big = false;
    for (char c : token) {
        const int d = hex_digit(c);
        if (d < 0) return HexStatus::Bad;
        // Keep scanning after an overflow: a bad digit later in the token is the better message.
        if (!too_big) v = (v << 4) | uint64_t(d);
        if (v > 0xFFFFFFFFull) too_big = true;
    }
    if (too_big) return HexStatus::TooBig;
    out = uint32_t(v);
    return HexStatus::Ok;
}

// A line being parsed: the text without its newline (and without a trailing CR).
struct LineReader {
    std::string_view text;
    size_t pos = 0;

    void skip_blanks() {
        while (pos < text.size() && is_blank(text[pos])) ++pos;
    }
    bool at_end() const { return pos >= text.size(); }
    uint32_t column() const { return uint32_t(pos + 1); }
    // A run of characters up to a blank or one of `stops`.
    std::string_view token(std::string_view stops = {}) {
        const size_t start = pos;
        while (pos < text.size() && !is_blank(text[pos]) && stops.find(text[pos]) == std::string_view::npos) ++pos;
        return text.substr(start, pos - start);
    }
};

class TextParser {
public:
    TextParser(std::string_view data, TraceFormat format, std::string name) : m_data(data) {
        m_result.trace.name = std::move(name);
        m_result.trace.format = format;
    }

    TraceParseResult run() {
        size_t start = 0;
        uint32_t line_number = 0;
        while (start < m_data.size()) {
            size_t end = m_data.find('\n', start);
            if (end == std::string_view::npos) end = m_data.size();
            std::string_view line = m_data.substr(start, end - start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            ++line_number;
            const bool ok = m_result.trace.format == TraceFormat::Lackey ? lackey_line(line, line_number)
                                                                          : rw_line(line, line_number);
            if (!ok) break;
            // A lackey line of 4096 bytes is 1024 accesses: the count is bounded, not the file alone.
            if (m_result.trace.accesses.size() > limits::kTraceAccesses) {
                fail(line_number, 1, fmt::format("the trace has more than {} accesses, the replay's limit",
                                                 limits::kTraceAccesses));
                break;
            }
            start = end + 1;
        }
        return std::move(m_result);
    }

private:
    bool fail(uint32_t line, uint32_t column, std::string_view message) {
        m_result.error = fmt::format("{}:{}:{}: error: {}", m_result.trace.name, line, column, message);
        return false;
    }

    void add(uint32_t address, uint32_t size, bool write, TraceOrigin origin) {
        m_result.trace.accesses.push_back(TraceAccess{address, uint8_t(size), write});
        m_result.trace.origins.push_back(origin);
    }

    // Splits [address, address + size) into pieces of 4, then 2, then 1 bytes (see the header).
    void add_split(uint32_t address, uint32_t size, bool write, TraceOrigin origin) {
        while (size > 0) {
            const uint32_t piece = size >= 4 ? 4 : size >= 2 ? 2 : 1;
            add(address, piece, write, origin);
            address += piece;
            size -= piece;
        }
    }

    bool parse_address(LineReader& r, std::string_view stops, uint32_t line, uint32_t& address) {
        const uint32_t column = r.column();
        const std::string_view token = r.token(stops);
        switch (parse_hex32(token, address)) {
            case HexStatus::Ok: return true;
            case HexStatus::Bad:
                return fail(line, column, fmt::format("bad hexadecimal address '{}'", printable(token)));
            case HexStatus::TooBig:
                return fail(line, column, fmt::format("address '{}' does not fit in 32 bits", printable(token)));
        }
        return false;
    }

    bool lackey_line(std::string_view text, uint32_t line) {
        if (text.substr(0, 2) == "==") return true;  // valgrind's own messages
        LineReader r{text};
        r.skip_blanks();
        if (r.at_end()) return true;
        const uint32_t op_column = r.column();
        const std::string_view op = r.token();
        if (op.size() != 1 || std::string_view("ILSM").find(op[0]) == std::string_view::npos)
            return fail(line, op_column, fmt::format("unknown operation '{}' (expected I, L, S or M)", printable(op)));
        r.skip_blanks();
        if (r.at_end()) return fail(line, r.column(), fmt::format("expected an address after '{}'", op));
        const uint32_t address_column = r.column();
        uint32_t address = 0;
        if (!parse_address(r, ",", line, address)) return false;
        if (r.at_end() || r.text[r.pos] != ',')
            return fail(line, r.column(), "expected ',' and a size after the address");
        ++r.pos;
        const uint32_t size_column = r.column();
        const std::string_view size_token = r.token();
        uint32_t size = 0;
        bool size_ok = !size_token.empty() && size_token.size() <= 5;
        for (char c : size_token) {
            if (c < '0' || c > '9') size_ok = false;
            else size = size * 10 + uint32_t(c - '0');
        }
        if (!size_ok || size == 0 || size > kMaxLackeySize)
            return fail(line, size_column,
                        fmt::format("bad size '{}' (expected a decimal number of bytes from 1 to {})",
                                    printable(size_token), kMaxLackeySize));
        r.skip_blanks();
        if (!r.at_end())
            return fail(line, r.column(), fmt::format("unexpected text '{}' after the size", printable(r.text.substr(r.pos))));
        if (uint64_t(address) + size > 0x100000000ull)
            return fail(line, address_column,
                        fmt::format("an access of {} bytes at 0x{:08X} runs past the 32-bit address space", size, address));
        const TraceOrigin origin{line, address_column};
        switch (op[0]) {
            case 'I':
            case 'L': add_split(address, size, false, origin); break;
            case 'S': add_split(address, size, true, origin); break;
            case 'M':
                add_split(address, size, false, origin);
                add_split(address, size, true, origin);
                break;
        }
        return true;
    }

    bool rw_line(std::string_view text, uint32_t line) {
        if (const size_t hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
        LineReader r{text};
        r.skip_blanks();
        if (r.at_end()) return true;
        const uint32_t address_column = r.column();
        uint32_t address = 0;
        if (!parse_address(r, {}, line, address)) return false;
        r.skip_blanks();
        if (r.at_end()) return fail(line, r.column(), "expected R or W after the address");
        const uint32_t op_column = r.column();
        const std::string_view op = r.token();
        const bool read = op == "R" || op == "r";
        const bool write = op == "W" || op == "w";
        if (!read && !write)
            return fail(line, op_column, fmt::format("unknown access '{}' (expected R or W)", printable(op)));
        r.skip_blanks();
        if (!r.at_end())
            return fail(line, r.column(), fmt::format("unexpected text '{}' after the access", printable(r.text.substr(r.pos))));
        add(address, 1, write, TraceOrigin{line, address_column});
        return true;
    }

    std::string_view m_data;
    TraceParseResult m_result;
};

TraceParseResult parse_binary(std::string_view data, std::string name) {
    TraceParseResult result;
    result.trace.name = std::move(name);
    result.trace.format = TraceFormat::Bin;
    const size_t records = data.size() / 4;
    if (data.size() % 4 != 0) {
        // Reported before anything is read: a truncated file is most likely not a trace at all.
        result.error = fmt::format("{}: error: record {} (byte offset {}): truncated record ({} of 4 bytes)",
                                   result.trace.name, records, records * 4, data.size() % 4);
        return result;
    }
    result.trace.accesses.resize(records);
    result.trace.origins.resize(records);
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    for (size_t i = 0; i < records; ++i) {
        const unsigned char* p = bytes + 4 * i;
        const uint32_t record = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
        result.trace.accesses[i] = TraceAccess{record & ~1u, 1, (record & 1u) != 0};
        result.trace.origins[i] = TraceOrigin{uint32_t(i), 0};
    }
    return result;
}

}  // namespace

const char* trace_format_name(TraceFormat f) {
    switch (f) {
        case TraceFormat::Lackey: return "lackey";
        case TraceFormat::Rw: return "rw";
        case TraceFormat::Bin: return "bin";
    }
    return "?";
}

std::optional<TraceFormat> parse_trace_format(std::string_view name) {
    if (name == "lackey") return TraceFormat::Lackey;
    if (name == "rw") return TraceFormat::Rw;
    if (name == "bin") return TraceFormat::Bin;
    return std::nullopt;
}

std::string AccessTrace::error_at(size_t index, std::string_view message) const {
    if (index >= origins.size()) return fmt::format("{}: error: access {}: {}", name, index, message);
    const TraceOrigin& o = origins[index];
    if (format == TraceFormat::Bin)
        return fmt::format("{}: error: record {} (byte offset {}): {}", name, o.line, uint64_t(o.line) * 4, message);
    return fmt::format("{}:{}:{}: error: {}", name, o.line, o.column, message);
}

TraceParseResult parse_trace(std::string_view data, TraceFormat format, std::string name) {
    if (format == TraceFormat::Bin) return parse_binary(data, std::move(name));
    return TextParser(data, format, std::move(name)).run();
}

TraceFormat guess_trace_format(std::string_view path, std::string_view data) {
    if (path.size() >= 4 && path.substr(path.size() - 4) == ".bin") return TraceFormat::Bin;
    // By content: a first line (not blank, a comment or a valgrind message) that reads as a text
    // access decides, even if NUL bytes come later (a damaged rw trace is then reported as rw, at
    // its line). Otherwise NUL bytes mean binary records (u32 records of addresses below 16 MB
    // always hold some).
    const std::string_view head = data.substr(0, 4096);
    for (size_t start = 0; start < head.size();) {
        size_t end = head.find('\n', start);
        if (end == std::string_view::npos) break;  // (a line cut at 4 KB decides nothing)
        std::string_view line = head.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.substr(0, 2) == "==") continue;
        LineReader r{line};
        r.skip_blanks();
        if (r.at_end() || line[r.pos] == '#') continue;
        const std::string_view op = r.token(",");
        uint32_t address = 0;
        if (op.size() == 1 && std::string_view("ILSM").find(op[0]) != std::string_view::npos) {
            r.skip_blanks();
            if (parse_hex32(r.token(","), address) == HexStatus::Ok && !r.at_end() && line[r.pos] == ',')
                return TraceFormat::Lackey;
        } else if (parse_hex32(op, address) == HexStatus::Ok) {
            r.skip_blanks();
            const std::string_view rw = r.token("#");
            if (rw == "R" || rw == "W" || rw == "r" || rw == "w") return TraceFormat::Rw;
        }
        break;
    }
    if (head.find('\0') != std::string_view::npos) return TraceFormat::Bin;
    size_t start = 0;
    while (start < data.size()) {
        size_t end = data.find('\n', start);
        if (end == std::string_view::npos) end = data.size();
        const std::string_view line = data.substr(start, end - start);
        start = end + 1;
        if (line.substr(0, 2) == "==") continue;
        LineReader r{line};
        r.skip_blanks();
        if (r.at_end() || line[r.pos] == '#') continue;
        const std::string_view op = r.token();
        const bool lackey_op = op.size() == 1 && std::string_view("ILSM").find(op[0]) != std::string_view::npos;
        return lackey_op && line.find(',') != std::string_view::npos ? TraceFormat::Lackey : TraceFormat::Rw;
    }
    return TraceFormat::Rw;
}

TraceParseResult load_trace(const std::string& path, std::optional<TraceFormat> format) {
    auto cannot_read = [&](const std::string& why) {
        TraceParseResult r;
        r.trace.name = path;
        r.trace.format = format.value_or(TraceFormat::Rw);
        r.error = fmt::format("{}: error: cannot read file ({})", path, why);
        return r;
    };
    // A regular file of at most 256 MB (`replay /dev/zero` read until the host ran out of memory).
    io::ReadResult got = io::read_file(path, limits::kTraceFileBytes, "access-trace files");
    if (!got.ok()) return cannot_read(*got.error);
    if (format) return parse_trace(got.bytes, *format, path);
    const TraceFormat guessed = guess_trace_format(path, got.bytes);
    TraceParseResult r = parse_trace(got.bytes, guessed, path);
    // Say which format failed: it was a guess.
    if (r.error)
        *r.error += fmt::format(" (read as {}, guessed from the file's {}; choose with --format lackey, rw or bin)",
                                trace_format_name(guessed), guessed == TraceFormat::Bin && path.size() >= 4 &&
                                                                    path.substr(path.size() - 4) == ".bin"
                                                                ? "name"
                                                                : "content");
    return r;
}

}  // namespace pagelab::sim
