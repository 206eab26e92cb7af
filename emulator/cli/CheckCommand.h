// `pagelab check`: runs many scenario files quietly — as text ("N passed, M failed"), TAP, or a
// JUnit XML report for a CI server — checking several at once (-j) in the files' order, selecting
// some (--filter), or grading students' files with a teacher's key (--expect-from).
// Exit codes: 0 every expectation holds, 1 one fails, 2 an input is invalid.
#pragma once

namespace CLI {
class App;
}

namespace pagelab::cli {

void add_check_command(CLI::App& app, int& exit_code);

}  // namespace pagelab::cli
