// Live reload (sim/Reload.h, io/FileWatch.h): where the cursor goes when the file changes, the
// error excerpt, and change detection by polling.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "io/FileWatch.h"
#include "sim/Reload.h"

using namespace pagelab;
using Kind = sim::ReloadPlacement::Kind;

namespace {

const char* const kLesson = R"(pagelab: 1
title: Four steps
steps:
  - {say: A starts., do: create_process, as: A}
  - {say: A commits., do: virtual_alloc, process: A, size: 0x3000, type: [reserve, commit], protect: READWRITE, as: buf}
  - {say: A touches., do: touch, process: A, address: buf, size: 0x3000, access: write}
  - {say: A reads., do: read, process: A, address: buf+0x1000}
)";

std::unique_ptr<sim::Session> session(const std::string& text) {
    auto r = sim::parse_scenario(text, "lesson.yaml");
    if (r.error) FAIL(r.error->message);
    return std::make_unique<sim::Session>(std::move(*r.scenario));
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// Standing in step 3 (0-based 2), two events into it.
size_t mid_touch(const sim::Session& s) { return s.first_event_of_step(2) + 2; }

}  // namespace

TEST_CASE("a reload that changes only narration keeps the step and the event", "[reload]") {
    auto old = session(kLesson);
    auto fresh = session(replaced(replaced(kLesson, "A touches.", "A touches every page and writes."), "Four steps", "Four"));
    const auto at = sim::place_after_reload(*old, mid_touch(*old), *fresh);
    CHECK(at.kind == Kind::Kept);
    CHECK(at.cursor == mid_touch(*old));
    CHECK(at.unchanged_steps == 4);
    CHECK(at.sentence == "Reloaded: the steps up to here run as before; still at step 3, event 2 of it.");
}

TEST_CASE("a reload that changes the current step keeps the step, at most as many events into it", "[reload]") {
    auto old = session(kLesson);
    // One page instead of three: fewer events in step 3.
    auto fresh = session(replaced(kLesson, "address: buf, size: 0x3000", "address: buf, size: 0x1000"));
    const auto at = sim::place_after_reload(*old, old->first_event_of_step(3) - 1, *fresh);
    CHECK(at.kind == Kind::StepChanged);
    CHECK(at.step == 2);
    CHECK(at.cursor <= fresh->first_event_of_step(3));
    CHECK(at.cursor > fresh->first_event_of_step(2));
    CHECK(at.unchanged_steps == 2);
}

TEST_CASE("a step added before the cursor moves it with its step", "[reload]") {
    auto old = session(kLesson);
    auto fresh = session(replaced(kLesson, "steps:\n", "steps:\n  - say: A pause first.\n"));
    const auto at = sim::place_after_reload(*old, mid_touch(*old), *fresh);
    CHECK(at.kind == Kind::Moved);
    CHECK(at.step == 3);
    CHECK(at.cursor == fresh->first_event_of_step(3) + 2);
    CHECK(at.unchanged_steps == 0);
}

TEST_CASE("an earlier step changed in place: the same step number in the new run", "[reload]") {
    auto old = session(kLesson);
    auto fresh = session(replaced(kLesson, "A commits., do: virtual_alloc, process: A, size: 0x3000", "A commits., do: virtual_alloc, process: A, size: 0x4000"));
    const auto at = sim::place_after_reload(*old, mid_touch(*old), *fresh);
    CHECK(at.kind == Kind::Rerun);
    CHECK(at.step == 2);
    CHECK(at.cursor == fresh->first_event_of_step(2) + 2);
    CHECK(at.sentence == "Reloaded: step 2 changed, so the run from there is new; at step 3, event 2 of it.");
    // A smaller run: the nearest position that exists.
    auto shorter = session(replaced(replaced(kLesson, "  - {say: A reads., do: read, process: A, address: buf+0x1000}\n", ""),
                                    "size: 0x3000, type", "size: 0x2000, type"));
    const auto end = sim::place_after_reload(*old, old->event_count(), *shorter);
    CHECK(end.cursor == shorter->event_count());
    // Another machine: nothing runs as before.
    auto other = session(replaced(kLesson, "title: Four steps\n", "title: Four steps\nmachine: {ram: 16 frames}\n"));
    const auto m = sim::place_after_reload(*old, mid_touch(*old), *other);
    CHECK(m.unchanged_steps == 0);
    CHECK(m.sentence.find("the machine or the disk changed") != std::string::npos);
}

TEST_CASE("a load error is shown with its line and a caret under its column", "[reload]") {
    const auto dir = std::filesystem::temp_directory_path() / "pagelab-test-reload";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "bad.yaml").string();
    std::ofstream(path) << "pagelab: 1\nsteps:\n  - {say: \xC3\xA9t\xC3\xA9, do: rread}\n";
    auto r = sim::load_scenario(path);
    REQUIRE(r.error);
    const auto x = sim::error_excerpt(r.error->message, path);
    REQUIRE(x);
    CHECK(x->line == 3);
    CHECK(x->source == "  - {say: \xC3\xA9t\xC3\xA9, do: rread}");
    // PageLab's columns count bytes (as yaml-cpp does); the caret counts characters, so it stands
    // under 'r' although "été" takes 5 bytes for 3 characters.
    CHECK(x->column == 22);
    CHECK(x->caret == std::string(19, ' ') + "^");
    CHECK(sim::excerpt_text(*x).find("    3 | ") != std::string::npos);
    CHECK_FALSE(sim::error_excerpt("other.yaml:3:1: error: x", path));
    std::filesystem::remove_all(dir);
}

TEST_CASE("a file change is reported once it has settled, once", "[reload][watch]") {
    const auto dir = std::filesystem::temp_directory_path() / "pagelab-test-watch";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "f.yaml").string();
    std::ofstream(path) << "one";
    io::FileWatch w;
    w.watch({path});
    CHECK(w.poll().empty());
    std::ofstream(path) << "three";
    CHECK(w.poll().empty());  // seen, settling
    CHECK(w.poll() == std::vector<std::string>{path});
    CHECK(w.poll().empty());
    // Saved by renaming a new file over it: one change.
    std::ofstream(path + ".tmp") << "four!!";
    std::filesystem::rename(path + ".tmp", path);
    CHECK(w.poll().empty());
    CHECK(w.poll().size() == 1);
    // Gone, then back as it was before it went: no change to report.
    std::filesystem::rename(path, path + ".away");
    CHECK(w.poll().empty());
    std::filesystem::rename(path + ".away", path);
    CHECK(w.poll().empty());
    CHECK(w.poll().empty());
    std::filesystem::remove_all(dir);
}

TEST_CASE("a scenario is watched with the pe: files it reads", "[reload][watch]") {
    const std::string path = std::string(PAGELAB_SOURCE_DIR) + "/scenarios/16-real-pe32-files.yaml";
    auto r = sim::load_scenario(path);
    REQUIRE_FALSE(r.error);
    const auto files = sim::scenario_files_to_watch(path, &*r.scenario);
    REQUIRE(files.size() > 1);
    CHECK(files.front() == path);
    for (const auto& f : files) CHECK(std::filesystem::is_regular_file(f));
    CHECK(sim::scenario_files_to_watch(path, nullptr) == std::vector<std::string>{path});
}
