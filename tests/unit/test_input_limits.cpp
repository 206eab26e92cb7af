// Inputs at and past the limits (issue 13): the streamed JSON writer against nlohmann's dump, text
// that is not UTF-8, and the load-time budgets that need more text than a file in
// tests/scenarios/bad/ should hold.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/InputCheck.h"
#include "sim/JsonWriter.h"
#include "sim/Limits.h"
#include "sim/Scenario.h"

using namespace pagelab;

TEST_CASE("JsonWriter writes the bytes of nlohmann's ordered_json dump(1)", "[json]") {
    std::mt19937 rng(13);
    std::uniform_int_distribution<int> byte(0, 127), len(0, 12), count(0, 3);
    auto text = [&] {
        std::string s;
        for (int i = len(rng); i > 0; --i) s += char(byte(rng));
        if (count(rng) == 0) s += "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // é € 😀
        return s;
    };
    for (int round = 0; round < 200; ++round) {
        nlohmann::ordered_json doc;
        std::ostringstream out;
        {
            sim::JsonWriter w(out, 1);
            w.begin_object();
            w.key("n");
            w.value(uint64_t(round) * 1000003u);
            doc["n"] = uint64_t(round) * 1000003u;
            w.key("list");
            w.begin_array();
            doc["list"] = nlohmann::ordered_json::array();
            for (int i = count(rng); i > 0; --i) {
                w.begin_object();
                nlohmann::ordered_json item = nlohmann::ordered_json::object();
                for (int k = count(rng); k > 0; --k) {
                    const std::string key = fmt::format("k{}", k), value = text();
                    w.key(key);
                    w.value(value);
                    item[key] = value;
                }
                w.key("empty");
                w.begin_array();
                w.end_array();
                item["empty"] = nlohmann::ordered_json::array();
                w.end_object();
                doc["list"].push_back(item);
            }
            w.end_array();
            w.end_object();
            w.raw("\n");
        }
        CHECK(out.str() == doc.dump(1) + "\n");
    }
}

TEST_CASE("JsonWriter writes bytes that are not UTF-8 as U+FFFD and the document stays valid", "[json]") {
    std::ostringstream out;
    {
        sim::JsonWriter w(out, 1);
        w.begin_object();
        w.key("title");
        w.value(std::string("caf\xE9 \xC0\xAF \xED\xA0\x80 ok\xF0\x9F\x98", 18));
        w.end_object();
    }
    const auto parsed = nlohmann::json::parse(out.str());  // throws if it is not valid JSON
    CHECK(parsed["title"].get<std::string>().find("caf\xEF\xBF\xBD") == 0);
    CHECK(parsed["title"].get<std::string>().find(" ok") != std::string::npos);
}

TEST_CASE("scenario text: the first NUL byte or invalid UTF-8 sequence, at its line and column", "[scenario][limits]") {
    CHECK_FALSE(sim::check_scenario_text("pagelab: 1\ntitle: caf\xC3\xA9\n"));
    CHECK_FALSE(sim::check_scenario_text("\xEF\xBB\xBFpagelab: 1\n"));  // a byte order mark
    auto nul = sim::check_scenario_text(std::string("a\nbc\0d", 6));
    REQUIRE(nul);
    CHECK(nul->nul);
    CHECK(nul->line == 2);
    CHECK(nul->column == 3);
    for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80", "\xFF"}) {
        INFO(bad);
        auto p = sim::check_scenario_text(std::string("x: ") + bad);
        REQUIRE(p);
        CHECK_FALSE(p->nul);
        CHECK(p->line == 1);
        CHECK(p->column == 4);
    }
}

TEST_CASE("a scenario has at most 250,000 steps, said at the first step past the limit", "[scenario][limits]") {
    std::string text = "pagelab: 1\nsteps:\n";
    text.reserve(size_t(sim::limits::kMaxSteps + 1) * 10 + 32);
    for (uint64_t i = 0; i <= sim::limits::kMaxSteps; ++i) text += "- say: x\n";
    auto r = sim::parse_scenario(text, "long.yaml");
    REQUIRE(r.error);
    CHECK(r.error->message == fmt::format("long.yaml:{}:3: error: a scenario has at most 250000 steps", 3 + sim::limits::kMaxSteps));
}

TEST_CASE("a file may not grow past 64 MB through write_file", "[scenario][limits]") {
    auto r = sim::parse_scenario(R"(pagelab: 1
files: [{path: 'C:\F', size: 1, text: x}]
steps:
  - {do: create_process, as: A}
  - {do: create_file, process: A, path: 'C:\F', access: write, as: h}
  - {do: write_file, process: A, file: h, offset: 0xFFFFFF00, text: hello}
)",
                                 "grow.yaml");
    REQUIRE(r.error);
    CHECK(r.error->message == "grow.yaml:6:51: error: offset: files are limited to 64 MB");
}
