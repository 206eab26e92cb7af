// The headless front end: `pagelab <subcommand> ...` (DESIGN.md §4). Each subcommand lives in its
// own file and adds itself to the App; main only parses and maps CLI11's errors to exit code 2.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <new>

#include <iostream>

#include "cli/AuthoringCommands.h"
#include "cli/CheckCommand.h"
#include "cli/CourseCommands.h"
#include "cli/ReplayCommand.h"
#include "io/SafeWrite.h"
#include "cli/ScenarioCommands.h"

int main(int argc, char** argv) {
    CLI::App app{"PageLab: a deterministic emulator of x86 32-bit paging as Windows uses it", "pagelab"};
    app.require_subcommand(1);
    int exit_code = 0;
    pagelab::cli::add_replay_command(app, exit_code);
    pagelab::cli::add_scenario_commands(app, exit_code);
    pagelab::cli::add_check_command(app, exit_code);
    pagelab::cli::add_course_commands(app, exit_code);
    pagelab::cli::add_authoring_commands(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version are "errors" that exit 0; every real argument error is invalid input.
        app.exit(e);
        return e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success) ? 0 : 2;
    } catch (const std::bad_alloc&) {
        // No exception leaves main: each becomes a message and exit code 2 (the commands report
        // what they can name themselves; this is the last resort).
        std::fputs("pagelab: error: out of memory (the host refused an allocation)\n", stderr);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pagelab: error: %s\n", e.what());
        return 2;
    } catch (...) {
        std::fputs("pagelab: error: unexpected internal error\n", stderr);
        return 2;
    }
    // Every command's output: a full disk or a closed pipe is an error, not a silent success.
    if (exit_code != 2) {
        if (auto problem = pagelab::io::check_output(std::cout)) {
            std::fprintf(stderr, "pagelab: error: cannot write to standard output: %s\n", problem->c_str());
            return 2;
        }
    }
    return exit_code;
}
