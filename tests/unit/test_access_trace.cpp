// sim::AccessTrace: the three trace formats, splitting of wide accesses, and every error path
// (each error must be data in the documented format, never a crash).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/AccessTrace.h"

using namespace pagelab;
using sim::TraceAccess;
using sim::TraceFormat;

namespace {

namespace fs = std::filesystem;

// A fresh directory per test case under the system temp dir, removed at the end.
class TempDir {
public:
    TempDir() {
        static int counter = 0;
        m_path = fs::temp_directory_path() /
                 ("pagelab-trace-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        fs::remove_all(m_path);
        fs::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    std::string write(const std::string& name, const std::string& bytes) const {
        const fs::path p = m_path / name;
        std::ofstream out(p, std::ios::binary);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        return p.string();
    }
    std::string path(const std::string& name) const { return (m_path / name).string(); }

private:
    fs::path m_path;
};

std::string records(const std::vector<uint32_t>& values) {
    std::string out;
    for (uint32_t v : values)
        for (int i = 0; i < 4; ++i) out += char((v >> (8 * i)) & 0xFF);
    return out;
}

sim::TraceParseResult lackey(const std::string& text) { return sim::parse_trace(text, TraceFormat::Lackey, "t.lackey"); }
sim::TraceParseResult rw(const std::string& text) { return sim::parse_trace(text, TraceFormat::Rw, "t.rw"); }

std::string error_of(const sim::TraceParseResult& r) { return r.error.value_or("(no error)"); }

}  // namespace

TEST_CASE("trace formats: names", "[trace]") {
    CHECK(sim::parse_trace_format("lackey") == TraceFormat::Lackey);
    CHECK(sim::parse_trace_format("rw") == TraceFormat::Rw);
    CHECK(sim::parse_trace_format("bin") == TraceFormat::Bin);
    CHECK_FALSE(sim::parse_trace_format("text").has_value());
    CHECK(std::string(sim::trace_format_name(TraceFormat::Lackey)) == "lackey");
    CHECK(std::string(sim::trace_format_name(TraceFormat::Rw)) == "rw");
    CHECK(std::string(sim::trace_format_name(TraceFormat::Bin)) == "bin");
}

TEST_CASE("lackey: loads, stores, modifies and fetches, valgrind lines and blanks skipped", "[trace]") {
    const auto r = lackey(
        "==12345== Lackey, an example Valgrind tool\n"
        "==12345== Command: ./a.out\n"
        "\n"
        "I  0400d7d4,4\n"
        " L 0421f6b0,4\n"
        " S 0421f6b4,2\n"
        " M 0421f6b8,1\n"
        "   \t \n"
        "I  0x0400d7d8,1\n"
        "==12345== \n");
    REQUIRE(r.ok());
    const std::vector<TraceAccess> want{
        {0x0400d7d4, 4, false}, {0x0421f6b0, 4, false}, {0x0421f6b4, 2, true},
        {0x0421f6b8, 1, false}, {0x0421f6b8, 1, true},  {0x0400d7d8, 1, false},
    };
    CHECK(r.trace.accesses == want);
    REQUIRE(r.trace.origins.size() == want.size());
    CHECK(r.trace.origins[0].line == 4);
    CHECK(r.trace.origins[0].column == 4);
    CHECK(r.trace.origins[1].line == 5);
    CHECK(r.trace.origins[1].column == 4);
    CHECK(r.trace.origins[4].line == 7);
    CHECK(r.trace.origins[5].line == 9);
    CHECK(r.trace.format == TraceFormat::Lackey);
    CHECK(r.trace.name == "t.lackey");
}

TEST_CASE("lackey: wide accesses split into pieces of 4, 2 and 1 bytes", "[trace]") {
    const auto r = lackey(" L 00001000,8\n S 00002000,10\n L 00003000,3\n M 00004000,8\nI  00005ffe,16\n");
    REQUIRE(r.ok());
    const std::vector<TraceAccess> want{
        {0x1000, 4, false}, {0x1004, 4, false},                                         // 8
        {0x2000, 4, true},  {0x2004, 4, true},  {0x2008, 2, true},                       // 10
        {0x3000, 2, false}, {0x3002, 1, false},                                          // 3
        {0x4000, 4, false}, {0x4004, 4, false}, {0x4000, 4, true}, {0x4004, 4, true},    // M 8
        {0x5ffe, 4, false}, {0x6002, 4, false}, {0x6006, 4, false}, {0x600a, 4, false},  // across a page
    };
    CHECK(r.trace.accesses == want);
    for (const auto& o : r.trace.origins) CHECK(o.column == 4);
    CHECK(r.trace.origins.back().line == 5);
}

TEST_CASE("lackey: CRLF line ends, leading zeros, largest size", "[trace]") {
    const auto r = lackey(" L 0000000000001000,4\r\n S 00002000,4096\r\n");
    REQUIRE(r.ok());
    CHECK(r.trace.accesses.front() == TraceAccess{0x1000, 4, false});
    CHECK(r.trace.accesses.size() == 1 + 1024);
    CHECK(lackey(" L ffffff00,256\n").ok());  // ends exactly at 4 GB
}

TEST_CASE("lackey: every error names file, line and column", "[trace]") {
    CHECK(error_of(lackey("I  1000,4\n X 2000,4\n")) == "t.lackey:2:2: error: unknown operation 'X' (expected I, L, S or M)");
    CHECK(error_of(lackey("IX 1000,4\n")) == "t.lackey:1:1: error: unknown operation 'IX' (expected I, L, S or M)");
    CHECK(error_of(lackey(" l 1000,4\n")) == "t.lackey:1:2: error: unknown operation 'l' (expected I, L, S or M)");
    CHECK(error_of(lackey(" L 10g0,4\n")) == "t.lackey:1:4: error: bad hexadecimal address '10g0'");
    CHECK(error_of(lackey(" L 0x,4\n")) == "t.lackey:1:4: error: bad hexadecimal address '0x'");
    CHECK(error_of(lackey(" L 1ffefffd60,8\n")) == "t.lackey:1:4: error: address '1ffefffd60' does not fit in 32 bits");
    CHECK(error_of(lackey(" L 1ffefffd6z,8\n")) == "t.lackey:1:4: error: bad hexadecimal address '1ffefffd6z'");
    CHECK(error_of(lackey(" L\n")) == "t.lackey:1:3: error: expected an address after 'L'");
    CHECK(error_of(lackey(" L 1000\n")) == "t.lackey:1:8: error: expected ',' and a size after the address");
    CHECK(error_of(lackey(" L 1000 ,4\n")) == "t.lackey:1:8: error: expected ',' and a size after the address");
    CHECK(error_of(lackey(" L 1000,\n")) ==
          "t.lackey:1:9: error: bad size '' (expected a decimal number of bytes from 1 to 4096)");
    CHECK(error_of(lackey(" L 1000,0\n")) ==
          "t.lackey:1:9: error: bad size '0' (expected a decimal number of bytes from 1 to 4096)");
    CHECK(error_of(lackey(" L 1000,4097\n")) ==
          "t.lackey:1:9: error: bad size '4097' (expected a decimal number of bytes from 1 to 4096)");
    CHECK(error_of(lackey(" L 1000,4x\n")) ==
          "t.lackey:1:9: error: bad size '4x' (expected a decimal number of bytes from 1 to 4096)");
    CHECK(error_of(lackey(" L 1000,99999999999999999999\n")) ==
          "t.lackey:1:9: error: bad size '99999999999999999999' (expected a decimal number of bytes from 1 to 4096)");
    CHECK(error_of(lackey(" L 1000,4 junk\n")) == "t.lackey:1:11: error: unexpected text 'junk' after the size");
    CHECK(error_of(lackey(" L ffffffff,2\n")) ==
          "t.lackey:1:4: error: an access of 2 bytes at 0xFFFFFFFF runs past the 32-bit address space");
    // A binary file read as text: the message stays printable.
    CHECK(error_of(lackey(std::string("\x01\x02 1000,4\n", 10))) ==
          "t.lackey:1:1: error: unknown operation '?\?' (expected I, L, S or M)");
}

TEST_CASE("lackey: parsing stops at the first error", "[trace]") {
    const auto r = lackey(" L 1000,4\n Q 2000,4\n L 3000,4\n");
    REQUIRE_FALSE(r.ok());
    CHECK(r.trace.accesses.size() == 1);
}

TEST_CASE("rw: address and R or W, comments, blanks, 0x and case", "[trace]") {
    const auto r = rw(
        "# a page reference string\n"
        "0x00010000 R\n"
        "  10004 W   # trailing comment\n"
        "\n"
        "0X7FFEFFFF r\n"
        "\t00020000\tw\r\n"
        "#\n");
    REQUIRE(r.ok());
    const std::vector<TraceAccess> want{
        {0x00010000, 1, false}, {0x00010004, 1, true}, {0x7FFEFFFF, 1, false}, {0x00020000, 1, true}};
    CHECK(r.trace.accesses == want);
    REQUIRE(r.trace.origins.size() == 4);
    CHECK(r.trace.origins[0].line == 2);
    CHECK(r.trace.origins[0].column == 1);
    CHECK(r.trace.origins[1].line == 3);
    CHECK(r.trace.origins[1].column == 3);
    CHECK(r.trace.origins[3].line == 6);
    CHECK(r.trace.origins[3].column == 2);
}

TEST_CASE("rw: every error names file, line and column", "[trace]") {
    CHECK(error_of(rw("10000 R\nxyz R\n")) == "t.rw:2:1: error: bad hexadecimal address 'xyz'");
    CHECK(error_of(rw("  100000000 R\n")) == "t.rw:1:3: error: address '100000000' does not fit in 32 bits");
    CHECK(error_of(rw("0x10000\n")) == "t.rw:1:8: error: expected R or W after the address");
    CHECK(error_of(rw("0x10000   # no access\n")) == "t.rw:1:11: error: expected R or W after the address");
    CHECK(error_of(rw("0x10000 X\n")) == "t.rw:1:9: error: unknown access 'X' (expected R or W)");
    CHECK(error_of(rw("0x10000 RW\n")) == "t.rw:1:9: error: unknown access 'RW' (expected R or W)");
    CHECK(error_of(rw("0x10000 R 4\n")) == "t.rw:1:11: error: unexpected text '4' after the access");
    CHECK(error_of(rw("0x10000,R\n")) == "t.rw:1:1: error: bad hexadecimal address '0x10000,R'");
    CHECK(rw("000000000010000 R\n").ok());  // leading zeros are not significant
}

TEST_CASE("bin: u32 little-endian records, bit 0 = write", "[trace]") {
    const auto r = sim::parse_trace(records({0x00010000, 0x00010005, 0x7FFEFFFF, 0xFFFFFFFE}), TraceFormat::Bin, "t.bin");
    REQUIRE(r.ok());
    const std::vector<TraceAccess> want{
        {0x00010000, 1, false}, {0x00010004, 1, true}, {0x7FFEFFFE, 1, true}, {0xFFFFFFFE, 1, false}};
    CHECK(r.trace.accesses == want);
    CHECK(r.trace.origins[2].line == 2);
    CHECK(sim::parse_trace("", TraceFormat::Bin, "empty.bin").ok());
}

TEST_CASE("bin: a size that is not a multiple of 4 is a truncated record", "[trace]") {
    const std::string data = records({0x10000, 0x20000}) + std::string("\x01\x02\x03", 3);
    const auto r = sim::parse_trace(data, TraceFormat::Bin, "t.bin");
    CHECK(error_of(r) == "t.bin: error: record 2 (byte offset 8): truncated record (3 of 4 bytes)");
    CHECK(error_of(sim::parse_trace(std::string("\x01", 1), TraceFormat::Bin, "one.bin")) ==
          "one.bin: error: record 0 (byte offset 0): truncated record (1 of 4 bytes)");
}

TEST_CASE("error_at: the formats later stages use to name an access", "[trace]") {
    const auto text = rw("\n  0x500 R\n");
    REQUIRE(text.ok());
    CHECK(text.trace.error_at(0, "too low") == "t.rw:2:3: error: too low");
    const auto bin = sim::parse_trace(records({0x10000, 0x500}), TraceFormat::Bin, "t.bin");
    REQUIRE(bin.ok());
    CHECK(bin.trace.error_at(1, "too low") == "t.bin: error: record 1 (byte offset 4): too low");
    sim::AccessTrace generated;
    generated.name = "generated";
    generated.accesses.push_back(TraceAccess{0x500, 4, false});
    CHECK(generated.error_at(0, "too low") == "generated: error: access 0: too low");
}

TEST_CASE("load_trace: files in each format, explicit or guessed", "[trace]") {
    TempDir dir;
    const std::string lk = dir.write("prog.out", "==1== Lackey\nI  00010000,4\n S 00010010,4\n");
    const std::string text = dir.write("refs.txt", "# refs\n10000 R\n10010 W\n");
    const std::string bin = dir.write("refs.bin", records({0x10000, 0x10011}));
    const std::string bin_noext = dir.write("refs.dat", records({0x10000, 0x10011}));
    const std::vector<TraceAccess> want_rw{{0x10000, 1, false}, {0x10010, 1, true}};

    auto a = sim::load_trace(lk, TraceFormat::Lackey);
    REQUIRE(a.ok());
    CHECK(a.trace.accesses == std::vector<TraceAccess>{{0x10000, 4, false}, {0x10010, 4, true}});
    CHECK(a.trace.name == lk);
    auto b = sim::load_trace(lk);
    REQUIRE(b.ok());
    CHECK(b.trace.format == TraceFormat::Lackey);
    CHECK(b.trace.accesses == a.trace.accesses);

    auto c = sim::load_trace(text);
    REQUIRE(c.ok());
    CHECK(c.trace.format == TraceFormat::Rw);
    CHECK(c.trace.accesses == want_rw);

    auto d = sim::load_trace(bin);
    REQUIRE(d.ok());
    CHECK(d.trace.format == TraceFormat::Bin);
    CHECK(d.trace.accesses == want_rw);
    auto e = sim::load_trace(bin_noext);  // guessed from the NUL bytes
    REQUIRE(e.ok());
    CHECK(e.trace.format == TraceFormat::Bin);

    // An explicit format wins over the guess: the lackey file read as rw fails on line 1.
    auto f = sim::load_trace(lk, TraceFormat::Rw);
    CHECK(error_of(f) == lk + ":1:1: error: bad hexadecimal address '==1=='");
}

TEST_CASE("load_trace: a missing or unreadable file is an error, not a crash", "[trace]") {
    TempDir dir;
    const std::string missing = dir.path("missing.trace");
    CHECK(error_of(sim::load_trace(missing)) == missing + ": error: cannot read file (no such file)");
    const auto r = sim::load_trace(dir.path("."));
    REQUIRE_FALSE(r.ok());
    CHECK(error_of(r).find("error: cannot read file (is a folder, not a file)") != std::string::npos);
    // A device is never read (`replay /dev/zero` read until the host ran out of memory).
    CHECK(error_of(sim::load_trace("/dev/zero")) ==
          "/dev/zero: error: cannot read file (not a regular file: a device, a pipe or a socket is not read)");
    const std::string truncated = dir.write("t.bin", "abcde");
    CHECK(error_of(sim::load_trace(truncated)) ==
          truncated + ": error: record 1 (byte offset 4): truncated record (1 of 4 bytes) (read as bin, guessed from the "
                      "file's name; choose with --format lackey, rw or bin)");
    CHECK(error_of(sim::load_trace(truncated, TraceFormat::Bin)) ==
          truncated + ": error: record 1 (byte offset 4): truncated record (1 of 4 bytes)");
    if (::geteuid() != 0) {  // root reads anything
        const std::string locked = dir.write("locked.rw", "10000 R\n");
        fs::permissions(locked, fs::perms::none);
        CHECK(error_of(sim::load_trace(locked)) == locked + ": error: cannot read file (Permission denied)");
    }
}

TEST_CASE("guess_trace_format", "[trace]") {
    CHECK(sim::guess_trace_format("x.bin", "10000 R\n") == TraceFormat::Bin);
    CHECK(sim::guess_trace_format("x", "==1== hi\n\nI  0400d7d4,8\n") == TraceFormat::Lackey);
    CHECK(sim::guess_trace_format("x", " L 1000,4\n") == TraceFormat::Lackey);
    CHECK(sim::guess_trace_format("x", "# c\n0x1000 R\n") == TraceFormat::Rw);
    CHECK(sim::guess_trace_format("x", "") == TraceFormat::Rw);
    CHECK(sim::guess_trace_format("x", std::string("\x00\x00\x01\x00", 4)) == TraceFormat::Bin);
    // Decided by content: an rw trace with a NUL byte further on is still rw (and its bad line is
    // reported as one), while binary records whose first bytes happen to be text stay binary.
    CHECK(sim::guess_trace_format("x", std::string("10000 R\n20000 W\n3\0000 R\n", 22)) == TraceFormat::Rw);
    CHECK(sim::guess_trace_format("x", std::string(" L 1000,4\n\0\0", 12)) == TraceFormat::Lackey);
    CHECK(sim::guess_trace_format("x", std::string("ab\ncd\0\0\0\0", 10)) == TraceFormat::Bin);
}

TEST_CASE("load_trace: a guessed format that fails says which format it tried", "[trace]") {
    TempDir dir;
    const std::string damaged = dir.write("damaged.rw", std::string("10000 R\n20000 W\n3\0000 R\n", 22));
    CHECK(error_of(sim::load_trace(damaged)) ==
          damaged + ":3:1: error: bad hexadecimal address '3?0' (read as rw, guessed from the file's content; choose "
                    "with --format lackey, rw or bin)");
}
