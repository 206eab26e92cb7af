// The scenario subcommands of DESIGN.md §4: `run`, `check`, `trace`, `state`, `walk`.
// Exit codes: 0 every expectation holds, 1 one fails, 2 the input is invalid.
#pragma once

namespace CLI {
class App;
}

namespace pagelab::cli {

void add_scenario_commands(CLI::App& app, int& exit_code);

}  // namespace pagelab::cli
