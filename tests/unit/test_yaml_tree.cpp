// sim/YamlTree.h: the libyaml path and the yaml-cpp path give the same tree (kinds, scalars, and
// line:column of every node) as YAML::Load, or the same error - on every scenario in the
// repository, on tricky YAML, and on many mutations of small documents.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "../fuzz/YamlDump.h"
#include "sim/YamlTree.h"

using namespace pagelab;
using namespace pagelab::yaml_dump;
namespace fs = std::filesystem;

namespace {

// Both paths against YAML::Load; true when the libyaml path took the text.
bool same_as_yaml_cpp(const std::string& text) {
    const std::string expected = via_yaml_cpp_load(text);
    INFO("text:\n" << text);
    CHECK(via_tree(text, yaml::load_yaml_cpp) == expected);
    CHECK(via_tree(text, yaml::load) == expected);
    yaml::Document doc;
    return yaml::load_fast(text, doc);
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const char* const kTricky[] = {
    "", "# only a comment\n", "---\n", "---\n...\n", "a: 1\n---\nb: 2\n", "~", "null", "''", "a:\n", "a:", "a: # c\nb:\n",
    "- \n- a\n-\n", "a:\n  - \n  -\nb: [1, , 2]\n", "{a, b: , c: ~}\n", "[a, {b: c}, [d]]\n", "[a: 1, b]\n",
    "a: &x {b: 1}\nc: *x\n", "a: &x\nb: *x\n", "<<: {a: 1}\nb: 2\n", "a: !!str 1\nb: !foo [x]\nc: !bar\n",
    "a: \"q\\tx\\u00e9\\x41\"\nb: 'it''s'\n", "a: |\n  one\n  two\n\nb: >-\n  folded\n  text\n\n  more\nc: |+\n  keep\n\n",
    "a:\tb\n", "a: 1\r\nb: 2\r\n", "\xEF\xBB\xBF" "a: 1\n", "a: 1\na: 2\n", "a: b: c\n", "a: [1, 2\n", "{a: 1\n",
    "a:\n  b: 1\n c: 2\n", "- a\nb: 1\n", "key: 'unterminated\n", "a: \"中文\"\nb: {中: 文, x: y}\nc: [é, ~, '']\n",
    "? a\n: b\n", "? [x]\n", "a: *nope\n", "%YAML 1.2\n---\na: 1\n", "a: @x\n", "a: `x\n", "- - - a\n    - b\n",
    "a: b\n  c\n", "a:\n  multi\n  line plain\nb: \"multi\n  line\n\n  quoted\"\n", "a: 0x10\nb: -1\nc: 1e3\nd: true\n",
    "- {do: map, as: A, at: 0x1000, size: 4k}\n- do: touch\n  at: buf+0x10\n", "[[[[[[]]]]]]", "{a: [}", "a: ]\n",
    "a: 1 # x\n#y\n\n\nb:    \n", "- a # c\n- # d\n- b\n", "...\n", "a: |\n  x\n...\n", "a: {b: }\n", "- !!null ''\n",
    // An unterminated flow collection at the end of a text with no final line break: libyaml marks
    // the empty node there one line past the text (the fuzzer's heap overflow of stop 29).
    "pagLe r0eference stringect, {counters: {p", "{a: {p", "[a, {b", "{a", "a: {b: [c", "- {x:\n  {y",
    "x: -\n", "- -\n", "a: - b\n", "a: 'x'y\n", "a:\n- b\n- c\n", "null: ~\n~: null\n\"\": a\n",
};

}  // namespace

TEST_CASE("yaml tree: every scenario and course file reads the same through libyaml as through yaml-cpp") {
    std::vector<fs::path> files;
    for (const char* dir : {"scenarios", "tests/scenarios", "tests/fuzz/corpus"})
        for (const auto& e : fs::recursive_directory_iterator(fs::path(PAGELAB_SOURCE_DIR) / dir))
            if (e.is_regular_file() && (e.path().extension() == ".yaml" || std::string(dir) == "tests/fuzz/corpus")) files.push_back(e.path());
    REQUIRE(files.size() > 100);
    size_t fast = 0;
    for (const auto& f : files) {
        const std::string text = read(f);
        INFO(f.string());
        if (same_as_yaml_cpp(text)) ++fast;
    }
    // The libyaml path reads the lessons themselves (none holds a tab, CR or anchor).
    for (const auto& e : fs::directory_iterator(fs::path(PAGELAB_SOURCE_DIR) / "scenarios")) {
        if (e.path().extension() != ".yaml") continue;
        yaml::Document doc;
        INFO(e.path().string());
        CHECK(yaml::load_fast(read(e.path()), doc));
    }
    CHECK(fast > files.size() / 2);
}

TEST_CASE("yaml tree: tricky YAML (anchors, tags, flow maps, block scalars, tabs, BOM, CRLF, errors)") {
    for (const char* t : kTricky) same_as_yaml_cpp(t);
}

TEST_CASE("yaml tree: mutations of small documents give the same tree or the same error") {
    const std::vector<std::string> bases = {
        "pagelab: 1\ntitle: t\nsteps:\n  - do: map\n    as: A\n    at: 0x1000\n  - say: |\n      text\n    expect: [{result: ok}]\n",
        "a: {b: [1, 2], c: 'x'}\nd:\n  - e: \"y\"\n    f: ~\n  -\n  - [g, h]\n",
    };
    const std::string alphabet = " \n-:#{}[],'\"|>?~!&*%@`ab\t";
    std::mt19937 rng(18);
    for (int round = 0; round < 3000; ++round) {
        std::string t = bases[size_t(round) % bases.size()];
        const int edits = 1 + int(rng() % 3);
        for (int k = 0; k < edits; ++k) {
            const size_t at = rng() % (t.size() + 1);
            switch (rng() % 3) {
            case 0:
                if (at < t.size()) t.erase(at, 1);
                break;
            case 1: t.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
            default:
                if (at < t.size()) t[at] = alphabet[rng() % alphabet.size()];
            }
        }
        same_as_yaml_cpp(t);
    }
}

TEST_CASE("yaml tree: lookups and errors as YAML::Node's") {
    yaml::Document doc;
    yaml::load("a: 1\nb: [x]\nn: ~\n", doc);
    const yaml::Node r = yaml::root(doc);
    CHECK(r["a"].Scalar() == "1");
    CHECK(!r["zz"]);
    CHECK(r["n"].IsNull());
    CHECK(!r["b"]["x"]);
    CHECK_THROWS_AS(r["zz"].Mark(), YAML::InvalidNode);
    CHECK_THROWS_AS(r["a"]["x"], YAML::BadSubscript);
    CHECK(r.size() == 3);
    yaml::Document empty;
    yaml::load("", empty);
    CHECK(yaml::root(empty).IsNull());
    CHECK(yaml::root(empty).Mark().line == -1);
    CHECK(!yaml::root(empty)["x"]);
}
