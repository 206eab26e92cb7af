// VMMap/RAMMap CSV and WinDbg exports (sim/Export.h).
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "sim/Export.h"
#include "sim/Session.h"

using namespace pagelab;

namespace {

std::unique_ptr<sim::Session> lesson(const std::string& path) {
    auto loaded = sim::Session::load(path);
    REQUIRE(std::holds_alternative<std::unique_ptr<sim::Session>>(loaded));
    return std::move(std::get<std::unique_ptr<sim::Session>>(loaded));
}

// An RFC 4180 reader: records of fields; a record ends at CRLF outside quotes.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
    std::vector<std::vector<std::string>> records(1);
    std::string field;
    bool quoted = false, was_quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"' && field.empty() && !was_quoted) {
            quoted = was_quoted = true;
        } else if (c == ',') {
            records.back().push_back(field), field.clear(), was_quoted = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            records.back().push_back(field), field.clear(), was_quoted = false;
            records.emplace_back();
            ++i;
        } else {
            REQUIRE(c != '\n');  // a bare LF is not a record end
            field += c;
        }
    }
    REQUIRE(!quoted);
    REQUIRE(field.empty());
    records.pop_back();  // after the last CRLF
    return records;
}

}  // namespace

TEST_CASE("CSV fields are quoted as RFC 4180 says", "[export]") {
    CHECK(sim::csv_field("plain") == "plain");
    CHECK(sim::csv_field("") == "");
    CHECK(sim::csv_field("a,b") == "\"a,b\"");
    CHECK(sim::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(sim::csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(sim::csv_field("  indented") == "\"  indented\"");
    CHECK(sim::csv_record({"a", "b,c", ""}) == "a,\"b,c\",\r\n");
    const auto back = read_csv(sim::csv_record({"x\"y", "C:\\A,B\\f.txt", " s "}));
    CHECK(back == std::vector<std::vector<std::string>>{{"x\"y", "C:\\A,B\\f.txt", " s "}});
}

TEST_CASE("the region table has VMMap's columns and the frame table RAMMap's, for every lesson", "[export]") {
    const std::vector<std::string> vmmap = {"Process", "Address", "Type", "Size", "Committed", "Private", "Total WS", "Private WS",
                                            "Shareable WS", "Shared WS", "Blocks", "Protection", "Details"};
    const std::vector<std::string> rammap = {"Physical Address", "List", "Use", "Priority", "Image", "Offset", "File Name", "Process",
                                             "Virtual Address"};
    const std::filesystem::path dir = std::filesystem::path(PAGELAB_SOURCE_DIR) / "scenarios";
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() != ".yaml" || e.path().filename() == "course.yaml") continue;
        auto s = lesson(e.path().string());
        INFO(e.path().filename());
        for (size_t step : {s->step_count() / 2, s->step_count()}) {
            s->seek_step(step);
            std::ostringstream all, regions, frames;
            sim::write_state_csv(s->machine(), all, sim::CsvTable::All, {});
            sim::write_state_csv(s->machine(), regions, sim::CsvTable::Regions, {});
            sim::write_state_csv(s->machine(), frames, sim::CsvTable::Frames, {});
            // All = regions, an empty record, frames.
            CHECK(all.str() == regions.str() + "\r\n" + frames.str());
            const auto r = read_csv(regions.str());
            REQUIRE(!r.empty());
            CHECK(r[0] == vmmap);
            for (const auto& rec : r) CHECK(rec.size() == vmmap.size());
            // Every process with an address space has rows covering its user space without a gap.
            uint64_t covered = 0;
            for (size_t i = 1; i < r.size(); ++i)
                if (r[i][1].rfind("  ", 0) != 0 && r[i][0] == r[1][0]) covered += std::stoull(r[i][3]) * 1024;
            if (r.size() > 1) CHECK(covered >= 0x7FFF0000ull);
            const auto f = read_csv(frames.str());
            CHECK(f[0] == rammap);
            CHECK(f.size() == s->machine().mm().config().frames + 1);
            for (const auto& rec : f) CHECK(rec.size() == rammap.size());
        }
    }
}

TEST_CASE("an image's row sums its committed, private and working-set pages", "[export]") {
    auto s = lesson(std::string(PAGELAB_SOURCE_DIR) + "/scenarios/22-two-instances-copy-on-write.yaml");
    s->seek_step(5);  // B wrote .data: one private copy
    std::ostringstream out;
    sim::StateOptions only_b;
    only_b.process = "B";
    sim::write_regions_csv(s->machine(), out, only_b);
    const auto r = read_csv(out.str());
    const std::vector<std::string>* image = nullptr;
    for (const auto& rec : r)
        if (rec[1] == "00400000") image = &rec;
    REQUIRE(image);
    CHECK((*image)[2] == "Image");
    CHECK((*image)[3] == "16");      // 4 pages
    CHECK((*image)[4] == "16");      // all committed
    CHECK((*image)[5] == "4");       // the copy-on-write copy is private
    CHECK((*image)[11] == "Execute/Write Copy");
    CHECK((*image)[12] == "C:\\APP\\AppInst.exe");
    CHECK(std::stoi((*image)[6]) == std::stoi((*image)[7]) + std::stoi((*image)[8]));  // total = private + shareable
}

TEST_CASE("WinDbg's !pte, !pfn and !vad blocks keep the debugger's layout", "[export]") {
    auto s = lesson(std::string(PAGELAB_SOURCE_DIR) + "/scenarios/08-hard-and-soft-faults.yaml");
    s->seek_step(12);
    const os::Machine& m = s->machine();
    CHECK(sim::windbg_pte(m, 0, 0x11000) ==
          "                    VA 00011000\n"
          "PDE at C0300000            PTE at C0000044\n"
          "contains 00003027          contains 00007067\n"
          "pfn 3         ----A--UWEV  pfn 7         ---DA--UWEV\n");
    CHECK(sim::windbg_pte(m, 0, 0x12000) ==
          "                    VA 00012000\n"
          "PDE at C0300000            PTE at C0000048\n"
          "contains 00003027          contains 00002080\n"
          "pfn 3         ----A--UWEV  not valid\n"
          "                           PageFile:  0\n"
          "                           Offset: 2\n"
          "                           Protect: 4 - ReadWrite\n");
    CHECK(sim::windbg_pte(m, 0, 0x00800000) ==
          "                    VA 00800000\n"
          "PDE at C0300008            PTE at C0002000\n"
          "contains 00000000\n"
          "not valid\n");
    CHECK(sim::windbg_pfn(m, 7) ==
          "    PFN 00000007 at address 810000A8\n"
          "    flink       00000000  blink / share count 00000001  pteaddress C0000044\n"
          "    reference count 0001                                 color 0\n"
          "    restore pte 00000080  containing page        000003  Active\n");
    CHECK(sim::windbg_pfn(m, 4) ==
          "    PFN 00000004 at address 81000060\n"
          "    flink       00000000  blink / share count 00000001  pteaddress C0000040\n"
          "    reference count 0001                                 color 0\n"
          "    restore pte 00000080  containing page        000003  Active     M\n"
          "    Modified\n");
    const std::string vad = sim::windbg_vad(m, 0);
    CHECK(vad.rfind("VAD     level      start      end    commit\n", 0) == 0);
    CHECK(vad.find("8a000000 ( 0)         10       17         8 Private      READWRITE\n") != std::string::npos);
    CHECK(vad.find("Total VADs:     1  average level:    1  maximum depth: 0\n") != std::string::npos);
    CHECK(sim::vmmap_protection(mm::page::kExecuteWriteCopy) == "Execute/Write Copy");
    CHECK(sim::vmmap_protection(mm::page::kReadWrite | mm::page::kGuard) == "Read/Write/Guard");
    CHECK(sim::vmmap_protection(0) == "");
}
