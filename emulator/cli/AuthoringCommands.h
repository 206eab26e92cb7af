// The authoring subcommands: `schema` (the JSON Schemas editors validate and complete scenario
// files and the course index with) and `new` (a lesson skeleton that passes check and lint).
// Exit codes: 0 done, 2 an error (nothing written).
#pragma once

namespace CLI {
class App;
}

namespace pagelab::cli {

void add_authoring_commands(CLI::App& app, int& exit_code);

}  // namespace pagelab::cli
