// The scenario subcommands of DESIGN.md §4: `run`, `trace`, `state`, `walk` (`check` is cli/CheckCommand.h).
// Exit codes: 0 every expectation holds, 1 one fails, 2 the input is invalid.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace pagelab::cli {

void add_scenario_commands(CLI::App& app, int& exit_code);

// The .yaml/.yml files named or found (recursively, sorted) in the folders named; a path that
// does not exist is reported on stderr and sets `bad`.
std::vector<std::string> scenario_files(const std::vector<std::string>& paths, bool& bad);
// The .yaml and .yml files under a folder (recursively), sorted.
std::vector<std::string> yaml_files_in(const std::string& folder);

}  // namespace pagelab::cli
