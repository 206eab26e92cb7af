// `pagelab diff FILE --from X --to Y [--format text|json]`: what differs between two moments of a
// scenario's run (sim/Diff.h), and the exports of `pagelab state --format csv|windbg`
// (sim/Export.h). Exit codes: 0 printed, 2 invalid input (an unknown label, a moment out of range,
// --from after --to).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace pagelab::sim {
class Session;
struct StateOptions;
}  // namespace pagelab::sim

namespace pagelab::cli {

void add_diff_command(CLI::App& app, int& exit_code);

// `pagelab state --format csv|windbg` once the session stands at the step: writes the export
// (--table regions|frames|all for csv) to standard output; returns the exit code.
int write_state_export(const sim::Session& s, size_t step, const std::string& format, const std::string& table,
                       const sim::StateOptions& options);

}  // namespace pagelab::cli
