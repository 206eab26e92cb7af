// The course subcommands: `course` (the lessons in teaching order), `lint` (silent steps,
// unchecked questions, lessons missing from the index) and `quiz` (predict, then reveal, in the
// terminal). Exit codes: 0 all is well, 1 a finding or a wrong answer, 2 invalid input.
#pragma once

namespace CLI {
class App;
}

namespace pagelab::cli {

void add_course_commands(CLI::App& app, int& exit_code);

}  // namespace pagelab::cli
