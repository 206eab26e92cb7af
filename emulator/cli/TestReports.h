// What `pagelab check` found in each file, and the reports a CI server reads: JUnit XML (one test
// case per scenario, a <failure> per failed expectation, an <error> for a file that does not
// load) and TAP (one test point per scenario, the failures in its YAML diagnostic block).
// Both are deterministic: no times, no host names — the same run writes the same bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pagelab::cli {

struct CheckFailure {
    std::string at;        // FILE:LINE:COL of what failed (the expectation; for grading, the student's step)
    size_t step = 0;       // 1-based; 0: none (grading: a label the student's file lacks, the end)
    std::string label;     // the step's label, if any
    std::string what;      // "pte.present", "answer"
    std::string expected, actual;
    std::string key_at;    // grading: the key's expectation (KEY:LINE:COL)
    std::string text;      // the one line the text report prints
};

struct FileOutcome {
    std::string path;                  // as found
    std::string suite;                 // the path argument it was found under
    std::string title;                 // the scenario's (or course index's) title
    bool selected = true;              // --filter
    std::optional<std::string> error;  // FILE:LINE:COL: error: … (does not load)
    std::vector<CheckFailure> failures;
    size_t checks = 0;                 // expectations (and answers) checked
    std::string out;                   // the text report's lines for this file (standard output)
    bool passed() const { return !error && failures.empty(); }
};

// TAP version 13, streamed: the header, one test point per file as it comes, the plan at the end.
void tap_header(std::ostream& out);
void tap_point(std::ostream& out, size_t number, const FileOutcome& f);
void tap_footer(std::ostream& out, size_t count, const std::string& summary);

// The JUnit XML document: a <testsuite> per path argument, in order.
void write_junit(std::ostream& out, const std::vector<const FileOutcome*>& files, const std::string& name);
// The marker (an XML comment) that says a file is a JUnit report PageLab wrote (it may be replaced).
inline constexpr const char* kJunitMarker = "<!-- Written by pagelab check";

}  // namespace pagelab::cli
