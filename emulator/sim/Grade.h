// Grading homework: a teacher's key scenario checked against a student's scenario
// (`pagelab check --expect-from KEY.yaml STUDENT.yaml...`).
//
// The key is an ordinary scenario — the teacher's own solution, which `pagelab check KEY` runs
// like any lesson. What it grades with:
//   - the expectations and the question of every step that has a `label:`. They are checked right
//     after the student's step with the same label (the first one, if the student used a label
//     twice), against the student's machine, with the student's step as the default process and
//     address and the student's names (`buf`, `A`) — so a student may add, reorder and narrate
//     steps freely; the homework names the labels and the names the key relies on;
//   - the expectations of the `say` steps without a label at the key's end (after its last
//     operation): checked against the student's machine after their last step.
// The key's other expectations check only the teacher's own run. A question is graded by the
// answer the student's labelled step gives to its own copy of the question (`ask:` with the
// student's `answer:`): the same choice text, or the same number. The student's own expectations
// are not part of the grade.
//
// A label the student's file lacks fails each expectation (and question) of that key step, and so
// does a name or a process the student's file never binds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/Scenario.h"

namespace pagelab::sim {

struct GradeItem {
    std::string label;                   // the key step's label; empty for the key's closing expectations
    Location key_loc;                    // the key's expectation (or question)
    std::optional<size_t> student_step;  // the student's step it was checked after (0-based); none: the end, or not found
    Location student_loc;                // that step's place in the student's file
    std::string what;                    // "counters.commit_charge", "answer"
    std::string expected, actual;
    bool passed = false;
    bool answer = false;  // a question's answer rather than an expectation
};

struct Grade {
    std::vector<GradeItem> items;
    size_t expectations = 0, expectations_held = 0;
    size_t answers = 0, answers_right = 0;
    bool passed() const { return expectations_held == expectations && answers_right == answers; }
};

// Why a key cannot grade (FILE:1:1: error: …): it has no labelled step with expectations or a
// question, and no closing expectations. Nothing when it can.
std::optional<LoadError> check_key(const Scenario& key);

// Runs the student's steps with the key's expectations in place of the student's own.
Grade grade(const Scenario& key, const Scenario& student);

}  // namespace pagelab::sim
