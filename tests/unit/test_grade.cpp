// Grading (sim/Grade.h): a key's labelled expectations and questions are checked at the
// student's steps of the same labels, its closing expectations after the student's last step.
#include <catch2/catch.hpp>

#include "sim/Grade.h"

using namespace pagelab;

namespace {

sim::Scenario parse(const std::string& text, const std::string& name) {
    auto r = sim::parse_scenario(text, name);
    if (r.error) FAIL(r.error->message);
    return std::move(*r.scenario);
}

const char* const kKey = R"(pagelab: 1
steps:
  - {say: A starts., do: create_process, as: A}
  - say: A commits a page.
    label: commit
    do: virtual_alloc
    process: A
    size: 0x1000
    type: [reserve, commit]
    protect: READWRITE
    as: buf
    expect: [{result: ok}, {region: {address: buf, state: commit, size: 0x1000}}]
  - say: A reads it.
    label: read
    do: read
    process: A
    address: buf
    ask:
      question: How many page faults so far?
      answer: 1
      explain: The first touch.
    expect: {fault: demand-zero}
  - {say: "The key's own check, not graded.", do: trim, process: A, expect: {counters: {page_faults: 1}}}
  - {say: In the end, expect: [{counters: {commit_charge: 1}}, {value: {process: A, address: buf, equals: 0}}]}
)";

size_t failed(const sim::Grade& g) {
    size_t n = 0;
    for (const auto& it : g.items) n += it.passed ? 0 : 1;
    return n;
}

}  // namespace

TEST_CASE("a key's labelled expectations hold at the student's steps of those labels, wherever they are", "[grade]") {
    const auto key = parse(kKey, "key.yaml");
    REQUIRE_FALSE(sim::check_key(key));
    // Another order, an allocation of its own first (so buf is elsewhere), other words: the same grade.
    const auto student = parse(R"(pagelab: 1
steps:
  - {say: Mine., do: create_process, as: A}
  - {say: Something of my own., do: virtual_alloc, process: A, size: 64 KB, type: reserve, protect: READONLY}
  - {say: The page., label: commit, do: virtual_alloc, process: A, size: 4 KB, type: [reserve, commit], protect: READWRITE, as: buf}
  - say: Read it.
    label: read
    do: read
    process: A
    address: buf
    ask: {question: 'Faults?', answer: 0x1, explain: One.}
)",
                               "student.yaml");
    const sim::Grade g = sim::grade(key, student);
    for (const auto& it : g.items)
        if (!it.passed) WARN(it.what << ": expected " << it.expected << ", got " << it.actual);
    CHECK(failed(g) == 0);
    CHECK(g.passed());
    CHECK(g.answers == 1);
    CHECK(g.answers_right == 1);
    // result, region.state, region.size, fault, and the two closing ones; not the trim step's.
    CHECK(g.expectations == 6);
    // The region expectation took the student's step's process, and the student's buf (0x00020000).
    bool region = false;
    for (const auto& it : g.items)
        if (it.what == "region.state") {
            region = true;
            CHECK(it.student_step == size_t(2));
            CHECK(it.label == "commit");
        }
    CHECK(region);
}

TEST_CASE("a label or a name the student's file lacks fails what the key checks there", "[grade]") {
    const auto key = parse(kKey, "key.yaml");
    const auto student = parse(R"(pagelab: 1
steps:
  - {say: Mine., do: create_process, as: A}
  - {say: The page., label: commit, do: virtual_alloc, process: A, size: 0x1000, type: [reserve, commit], protect: READWRITE, as: mine}
)",
                               "student.yaml");
    const sim::Grade g = sim::grade(key, student);
    CHECK_FALSE(g.passed());
    size_t no_label = 0, no_name = 0;
    for (const auto& it : g.items) {
        if (it.actual.find("no step labelled 'read' in student.yaml") != std::string::npos) ++no_label;
        if (it.actual.find("binds no name 'buf'") != std::string::npos) ++no_name;
    }
    CHECK(no_label == 2);  // the fault and the question
    CHECK(no_name == 2);   // the region at buf and the closing value at buf; commit_charge holds
    CHECK(g.answers == 1);
    CHECK(g.answers_right == 0);
}

TEST_CASE("a question is graded by the text of the student's choice, in any order of choices", "[grade]") {
    const auto key = parse(R"(pagelab: 1
steps:
  - say: A starts.
    label: start
    do: create_process
    as: A
    ask: {question: 'Does it fault?', choices: [yes, no], answer: b, explain: Nothing is touched.}
)",
                           "key.yaml");
    auto student_answering = [](const std::string& choices, const std::string& answer) {
        return parse("pagelab: 1\nsteps:\n  - {say: A., label: start, do: create_process, as: A, ask: {question: Q, choices: " + choices +
                         ", answer: " + answer + ", explain: E}}\n",
                     "student.yaml");
    };
    CHECK(sim::grade(key, student_answering("[yes, no]", "b")).passed());
    CHECK(sim::grade(key, student_answering("[no, yes]", "a")).passed());
    CHECK_FALSE(sim::grade(key, student_answering("[no, yes]", "b")).passed());
    CHECK_FALSE(sim::grade(key, student_answering("[no, maybe]", "b")).passed());
}

TEST_CASE("a key without labelled checks or closing expectations grades nothing", "[grade]") {
    const auto key = parse("pagelab: 1\nsteps:\n  - {say: A., do: create_process, as: A, expect: {result: ok}}\n", "key.yaml");
    const auto why = sim::check_key(key);
    REQUIRE(why);
    CHECK(why->message.find("key.yaml:1:1: error: the key grades nothing") == 0);
}
