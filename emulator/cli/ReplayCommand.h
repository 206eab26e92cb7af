// `pagelab replay TRACE --frames N --policy fifo|clock|lru|ws [--format lackey|rw|bin]
//                [--journal on|off] [--tlb N] [--no-timing]` (DESIGN.md §4, sim/Replay.h).
// Prints one `name: value` line per figure in a fixed order; exit 0, or 2 with a message on
// stderr when the trace cannot be read or replayed. Argument errors are CLI11's (main maps them
// to exit 2).
#pragma once

namespace CLI {
class App;
}

namespace pagelab::cli {

// Adds the `replay` subcommand to app; when it runs it stores its exit code in exit_code
// (which must outlive app.parse).
void add_replay_command(CLI::App& app, int& exit_code);

}  // namespace pagelab::cli
