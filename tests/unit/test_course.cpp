// The course index, detail levels of the transcript, narrated groups, in_range and the lint.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/Course.h"
#include "sim/Lint.h"
#include "sim/Session.h"
#include "sim/Transcript.h"

using namespace pagelab;
namespace fs = std::filesystem;

namespace {

sim::Scenario parse(const std::string& text) {
    auto r = sim::parse_scenario(text, "lesson.yaml");
    if (r.error) FAIL(r.error->message);
    return std::move(*r.scenario);
}

// A folder of lessons for course tests, removed when the test ends.
struct Folder {
    fs::path dir;
    Folder() {
        dir = fs::temp_directory_path() / fmt_name();
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Folder() { fs::remove_all(dir); }
    static std::string fmt_name() {
        static int n = 0;
        return "pagelab-course-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
    void lesson(const std::string& id, const std::string& title) const {
        write(id + ".yaml", "pagelab: 1\ntitle: " + title + "\nsummary: s\nsteps:\n  - say: Nothing happens.\n");
    }
};

const char* kGrouped = R"(pagelab: 1
title: Grouped
summary: Three writes told as one.
steps:
  - say: A starts.
    do: create_process
    as: A
  - do: virtual_alloc
    process: A
    size: 0x3000
    type: [reserve, commit]
    protect: READWRITE
    as: buf
    expect: {in_range: {address: buf, from: 0x10000, to: 0x7FFEFFFF}}
  - say: A writes each of its three pages once.
    steps:
      - {do: write, process: A, address: buf, value: 1}
      - {do: write, process: A, address: buf+0x1000, value: 2}
      - {do: write, process: A, address: buf+0x2000, value: 3, expect: {in_range: {address: buf+0x2000, from: 0x80000000, to: 0xBFFFFFFF}}}
)";

}  // namespace

TEST_CASE("a narrated group's steps stay steps of their own, numbered in order, under one sentence", "[course]") {
    const sim::Scenario sc = parse(kGrouped);
    REQUIRE(sc.steps.size() == 5);
    REQUIRE(sc.groups.size() == 1);
    CHECK(sc.groups[0].first == 2);
    CHECK(sc.groups[0].count == 3);
    CHECK(sc.starts_group(2));
    CHECK_FALSE(sc.starts_group(3));
    CHECK(sc.group_of(4) == &sc.groups[0]);
    CHECK(sc.group_of(1) == nullptr);
}

TEST_CASE("in_range holds for an address inside the range and fails outside it", "[course]") {
    sim::Session s(parse(kGrouped));
    const auto& ok = s.result(1).checks;
    REQUIRE(ok.size() == 1);
    CHECK(ok[0].passed);
    CHECK(ok[0].what == "in_range(0x00010000)");
    const auto& bad = s.result(4).checks;
    REQUIRE(bad.size() == 1);
    CHECK_FALSE(bad[0].passed);
    CHECK(bad[0].expected == "0x80000000..0xBFFFFFFF");
    CHECK(bad[0].actual == "outside");
}

TEST_CASE("the transcript's detail levels: story, events, changes", "[course]") {
    auto text = [&](sim::Detail d) {
        sim::Session s(parse(kGrouped));
        std::ostringstream out;
        sim::TranscriptOptions o;
        o.detail = d;
        sim::write_transcript(s, out, o);
        return out.str();
    };
    const std::string story = text(sim::Detail::Story), events = text(sim::Detail::Events), changes = text(sim::Detail::Changes);
    CHECK(story.find("Steps 3-5:\n  A writes each of its three pages once.\n") != std::string::npos);
    CHECK(story.find("Demand-zero fault") == std::string::npos);
    CHECK(story.find("  ok   ") == std::string::npos);
    CHECK(story.find("expectation in_range(0x00012000) failed") != std::string::npos);  // failures always show
    CHECK(events.find("  - Demand-zero fault: 0x00010000") != std::string::npos);
    CHECK(events.find("  ok   in_range(0x00010000) = 0x00010000..0x7FFEFFFF") != std::string::npos);
    CHECK(events.find("PTE of 00010000 (A)") == std::string::npos);
    CHECK(changes.find("PTE of 00010000 (A)") != std::string::npos);
    CHECK(story.size() < events.size());
    CHECK(events.size() < changes.size());
}

TEST_CASE("lint finds silent steps outside groups, unchecked questions and unmaps off the view's base", "[lint]") {
    const sim::Scenario sc = parse(R"(pagelab: 1
title: Lint
summary: s
files:
  - {path: C:\f.txt, size: 4096, text: x}
steps:
  - do: create_process
    as: A
  - say: Open it.
    do: create_file
    process: A
    path: C:\f.txt
    access: [read, write]
    as: f
    ask:
      question: Which handle?
      answer: 4
      explain: Handles start at 4.
  - say: Map it.
    do: create_file_mapping
    process: A
    file: f
    protect: READWRITE
    as: m
  - say: View it.
    do: map_view
    process: A
    mapping: m
    access: write
    as: v
  - say: Unmap it from inside.
    do: unmap_view
    process: A
    address: v+0x10
)");
    const auto found = sim::lint_scenario(sc);
    REQUIRE(found.size() == 3);
    CHECK(found[0].text() == "lesson.yaml:7:5: warning: step 1 (create_process) is silent: say what it does and why, or put it in a "
                             "narrated group (say + steps)");
    CHECK(found[1].message == "step 2 asks a question but checks nothing: add an expectation that proves its answer");
    CHECK(found[2].message.find("step 5 unmaps at v+0x10: UnmapViewOfFile's contract is the base address MapViewOfFile returned") == 0);
    CHECK(sim::lint_scenario(parse(kGrouped)).size() == 1);  // the virtual_alloc; the group's steps are narrated
}

TEST_CASE("lint finds narration that names a process the lesson never creates", "[lint]") {
    const auto found = sim::lint_scenario(parse(R"(pagelab: 1
title: Names
summary: Process A and process C share nothing.
steps:
  - say: The shell starts process A; Process B is not started.
    do: create_process
    as: A
  - say: Processes are objects; a process A view is fine, and so is a per-process PTE.
)"));
    REQUIRE(found.size() == 2);
    CHECK(found[0].message == "the narration names process C, which this lesson never creates");
    CHECK(found[1].message == "the narration names process B, which this lesson never creates");
}

TEST_CASE("a course index lists chapters and lessons in order, titles from the lessons", "[course]") {
    Folder f;
    f.lesson("01-one", "One");
    f.lesson("02-two", "Two");
    f.lesson("03-three", "Three");
    const std::string index = f.write("course.yaml", R"(pagelab-course: 1
title: A course
chapters:
  - title: First
    goal: the basics
    lessons:
      - {lesson: 01-one, goal: g1}
      - {lesson: 02-two, goal: g2, requires: [01-one]}
  - title: Second
    goal: more
    lessons:
      - {lesson: 03-three, goal: g3, requires: [01-one, 02-two]}
)");
    CHECK(sim::is_course_file(index));
    CHECK_FALSE(sim::is_course_file(f.write("x.yaml", "# a comment\npagelab: 1\nsteps: []\n")));
    auto c = sim::load_course(index);
    REQUIRE_FALSE(c.error);
    REQUIRE(c.course->lessons.size() == 3);
    CHECK(c.course->chapters[1].lessons == std::vector<size_t>{2});
    CHECK(c.course->lessons[2].title == "Three");
    CHECK(c.course->lessons[2].number == 3);
    CHECK(c.course->lessons[2].chapter == 1);
    CHECK(c.course->find("02-two")->requires_ == std::vector<std::string>{"01-one"});
    // x.yaml is in the folder but not in the index.
    // (The index is English only: lint reports its untranslated texts too; see the next check.)
    auto course_findings = [](std::vector<sim::LintFinding> all) {
        std::vector<sim::LintFinding> out;
        for (auto& x : all)
            if (x.message.find("translation: it falls back to English") == std::string::npos) out.push_back(std::move(x));
        return out;
    };
    const auto all = sim::lint_course(*c.course);
    CHECK(all.size() == 1 + 2 * 8);  // title, 2 chapter titles and goals, 3 lesson goals: each without zh and without ru
    CHECK(all[0].message == "the title has no Chinese (zh) translation: it falls back to English");
    CHECK(all[0].loc.line == 2);
    const auto lint = course_findings(all);
    REQUIRE(lint.size() == 1);
    CHECK(lint[0].message == "lesson 'x' is in the folder but not in the course index");
    // A lesson's number is its place in the course.
    f.write("course.yaml", "pagelab-course: 1\ntitle: T\nchapters:\n  - title: C\n    goal: g\n    lessons:\n"
                           "      - {lesson: 02-two, goal: g}\n      - {lesson: 01-one, goal: g}\n      - {lesson: 03-three, goal: g}\n      - {lesson: x, goal: g}\n");
    auto swapped = sim::load_course(index);
    REQUIRE_FALSE(swapped.error);
    const auto misnumbered = course_findings(sim::lint_course(*swapped.course));
    REQUIRE(misnumbered.size() == 2);
    CHECK(misnumbered[0].message == "lesson '02-two' is number 1 in the course: rename it to 01-two");
    CHECK(misnumbered[1].message == "lesson '01-one' is number 2 in the course: rename it to 02-one");
}

TEST_CASE("a course index with a bad entry is refused at FILE:LINE:COL", "[course]") {
    Folder f;
    f.lesson("01-one", "One");
    f.lesson("02-two", "Two");
    auto error_of = [&](const std::string& body) {
        auto c = sim::load_course(f.write("course.yaml", "pagelab-course: 1\ntitle: T\nchapters:\n" + body));
        return c.error ? c.error->message.substr(c.error->message.find("course.yaml:")) : std::string("no error");
    };
    CHECK(error_of("  - title: C\n    goal: g\n    lessons:\n      - {lesson: 02-two, goal: g, requires: [01-one]}\n      - {lesson: 01-one, goal: g}\n") ==
          "course.yaml:7:46: error: requires: '01-one' is not a lesson earlier in the course");
    CHECK(error_of("  - title: C\n    goal: g\n    lessons:\n      - {lesson: 03-none, goal: g}\n").find(
              "course.yaml:7:18: error: lesson: no file") == 0);
    CHECK(error_of("  - title: C\n    goal: g\n    lessons:\n      - {lesson: 01-one, goal: g}\n      - {lesson: 01-one, goal: h}\n") ==
          "course.yaml:8:18: error: lesson: '01-one' is in the course twice");
    CHECK(error_of("  - title: C\n    lessons:\n      - {lesson: 01-one, goal: g}\n") ==
          "course.yaml:4:5: error: a chapter needs a 'goal' (one line: what it teaches)");
    CHECK(error_of("  - title: C\n    goal: g\n    lessons:\n      - {lesson: 01-one}\n") ==
          "course.yaml:7:9: error: a lesson entry needs a 'goal' (one line)");
    CHECK(error_of("  - title: C\n    goal: g\n    chapters: []\n    lessons:\n      - {lesson: 01-one, goal: g}\n") ==
          "course.yaml:6:5: error: unknown key 'chapters' in a chapter (expected one of: goal, lessons, title)");
}
