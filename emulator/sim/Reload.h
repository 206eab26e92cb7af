// Live reload (the window's, and `pagelab run --watch`): what a reload keeps. Pure functions of
// two runs — no clock, no file watching (the front ends poll, io/FileWatch.h) — so the window built
// for WebAssembly reloads the same way.
//
// Where the cursor goes: a position is (step k, e events into it). When the steps before k run as
// before (the same machine, disk and operations with the same arguments; narration and
// expectations may change), the window stays at step k — and at event e when step k runs as
// before too, else at most e events into its new run. When an earlier step changed and the steps
// from k on are the same, only moved (steps added or removed before them), it follows step k to
// its new number. Otherwise it stays at the same step number, clamped to the new run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/Session.h"

namespace pagelab::sim {

struct ReloadPlacement {
    enum class Kind {
        Kept,         // the steps up to the position run as before: same step, same event
        StepChanged,  // the steps before it run as before, the step itself changed
        Moved,        // steps were added or removed before it: the same step under its new number
        Rerun,        // an earlier step changed: the same step number in the new run
    };
    Kind kind = Kind::Kept;
    size_t cursor = 0;          // the cursor in the new session
    size_t step = 0;            // the step shown (0-based; == step_count at the end)
    size_t unchanged_steps = 0; // the steps at the start that run as before (answers to them still stand)
    std::string sentence;       // for the status line: "Reloaded: ..."
};

ReloadPlacement place_after_reload(const Session& old_session, size_t old_cursor, const Session& fresh);

// The number of steps at the start of the two scenarios that run the same (0 when the machine or
// the disk differ).
size_t unchanged_prefix(const Scenario& a, const Scenario& b);

// The files a scenario is made of, to watch: the file itself and its `pe:` files.
std::vector<std::string> scenario_files_to_watch(const std::string& path, const Scenario* scenario);

// A load error as an editor shows it: FILE:LINE:COL, the message, the offending line and a caret
// under the column. Read from the file named in the message (which must be `path`).
struct ErrorExcerpt {
    std::string where;    // FILE:LINE:COL
    std::string message;  // what follows "error: "
    int line = 0, column = 0;
    std::string source;   // the offending line (tabs as spaces); empty when the file cannot be read
    std::string caret;    // spaces then '^' under the column
};
std::optional<ErrorExcerpt> error_excerpt(const std::string& error_message, const std::string& path);
// The excerpt as lines for a terminal: "FILE:L:C: error: ...\n   12 | text\n      |   ^\n".
std::string excerpt_text(const ErrorExcerpt& e);

}  // namespace pagelab::sim
