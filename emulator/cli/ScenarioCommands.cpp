#include "cli/ScenarioCommands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cli/DiffCommand.h"
#include "cli/Language.h"
#include "cli/TraceOutput.h"
#include "io/FileWatch.h"
#include "sim/Course.h"
#include "sim/Reload.h"
#include "sim/Report.h"
#include "sim/Session.h"
#include "sim/Trace.h"

namespace pagelab::cli {

namespace fs = std::filesystem;
using namespace fmt::literals;
using i18n::trf;

namespace {

std::unique_ptr<sim::Session> load_or_report(const std::string& path) {
    auto loaded = sim::Session::load(path);
    if (auto* err = std::get_if<sim::LoadError>(&loaded)) {
        std::cerr << err->message << "\n";
        return nullptr;
    }
    return std::move(std::get<std::unique_ptr<sim::Session>>(loaded));
}

// --at: a step number (0 = before the first step) or a step label.
std::optional<size_t> resolve_at(const sim::Session& s, const std::string& at) {
    if (auto n = sim::parse_number(at)) {
        if (*n > s.step_count()) {
            std::cerr << "pagelab: error: " << i18n::trfn("--at {at}: the scenario has {steps} step", "--at {at}: the scenario has {steps} steps", s.step_count(),
                                                       "at"_a = at, "steps"_a = s.step_count()) << "\n";
            return std::nullopt;
        }
        return size_t(*n);
    }
    for (size_t i = 0; i < s.step_count(); ++i)
        if (s.scenario().steps[i].label == at) return i + 1;
    std::cerr << "pagelab: error: " << trf("--at {at}: not a step number or a label of this scenario", "at"_a = at) << "\n";
    return std::nullopt;
}

std::vector<std::string> collect(const std::vector<std::string>& paths, bool& bad) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            const std::vector<std::string> found = yaml_files_in(p);
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            std::cerr << p << ":1:1: error: " << i18n::tr("no such file or folder") << "\n";
            bad = true;
        }
    }
    return files;
}

// `run --watch`: the transcript, then again every time the file (or a `pe:` file it reads)
// changes on disk, until interrupted (or `limit` reloads, for scripts). A file that does not load
// is shown as an editor would show it — FILE:LINE:COL, the offending line, a caret — and the last
// good run stands above it. The files are polled (io/FileWatch.h) every quarter second.
int run_watch(const std::string& path, const sim::TranscriptOptions& options, size_t limit) {
    io::FileWatch watch;
    std::optional<sim::Scenario> last_good;
    auto run_once = [&]() -> int {
        auto loaded = sim::Session::load(path);
        if (auto* err = std::get_if<sim::LoadError>(&loaded)) {
            if (auto x = sim::error_excerpt(err->message, path)) std::cerr << sim::excerpt_text(*x);
            else std::cerr << err->message << "\n";
            std::cerr << (last_good ? "(the last good run above stands: fix the file and save it)\n" : "(fix the file and save it)\n");
            watch.watch(sim::scenario_files_to_watch(path, last_good ? &*last_good : nullptr));
            return 2;
        }
        sim::Session& s = *std::get<std::unique_ptr<sim::Session>>(loaded);
        if (last_good) {
            const size_t same = sim::unchanged_prefix(*last_good, s.scenario());
            if (same == 0) std::cout << "(the run is new from the first step)\n";
            else std::cout << fmt::format("(steps 1-{} run as before)\n", same);
        }
        const int code = sim::write_transcript(s, std::cout, options) ? 1 : 0;
        last_good = s.scenario();
        watch.watch(sim::scenario_files_to_watch(path, &*last_good));
        return code;
    };
    int code = run_once();
    std::cout << fmt::format("\nWatching {} and the files it reads: it runs again on every save (Ctrl+C stops).\n", path) << std::flush;
    for (size_t reloads = 0; limit == 0 || reloads < limit;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        const auto changed = watch.poll();
        if (changed.empty()) continue;
        ++reloads;
        std::cout << fmt::format("\n--- {} changed: running it again ---\n", changed.front()) << std::flush;
        code = run_once();
        std::cout << std::flush;
        std::cerr << std::flush;
    }
    return code;
}

}  // namespace

std::vector<std::string> scenario_files(const std::vector<std::string>& paths, bool& bad) { return collect(paths, bad); }

std::vector<std::string> yaml_files_in(const std::string& folder) {
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(folder, ec))
        if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml")) found.push_back(e.path().string());
    std::sort(found.begin(), found.end());
    return found;
}

namespace {

// The `run` command: the narrated transcript (and --watch).
void add_run_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("run", "Run scenarios and print the narrated transcript");
    auto files = std::make_shared<std::vector<std::string>>();
    auto detail = std::make_shared<std::string>("story");
    auto no_changes = std::make_shared<bool>(false);
    cmd->add_option("files", *files, "Scenario files")->required();
    cmd->add_option("--detail", *detail,
                    "story (narration, questions with their answers, results), events (plus every event's sentence and each "
                    "check) or changes (plus every PTE/PDE/frame change)")
        ->check(CLI::IsMember({"story", "events", "changes"}));
    cmd->add_flag("--no-changes", *no_changes, "The same as --detail events (kept for older scripts)");
    auto watch = std::make_shared<bool>(false);
    auto watch_limit = std::make_shared<size_t>(0);
    cmd->add_flag("--watch", *watch, "Run the file again on every save (it and the pe: files it reads are watched); Ctrl+C stops");
    cmd->add_option("--watch-limit", *watch_limit, "With --watch: stop after this many reloads (for scripts and tests)");
    auto lang = add_language_option(cmd);
    cmd->callback([&exit_code, files, detail, no_changes, watch, watch_limit, lang] {
        if (*watch) {
            if (files->size() != 1) {
                std::cerr << "pagelab: error: --watch runs one file\n";
                exit_code = 2;
                return;
            }
            sim::TranscriptOptions o;
            o.detail = *no_changes ? sim::Detail::Events : *sim::parse_detail(*detail);
            o.lang = *lang;
            exit_code = run_watch(files->front(), o, *watch_limit);
            return;
        }
        int code = 0;
        for (const auto& f : *files) {
            auto s = load_or_report(f);
            if (!s) { code = 2; continue; }
            sim::TranscriptOptions o;
            o.detail = *no_changes ? sim::Detail::Events : *sim::parse_detail(*detail);
            o.lang = *lang;
            if (sim::write_transcript(*s, std::cout, o) && code == 0) code = 1;
        }
        exit_code = code;
    });
}

// The `trace` command: the golden trace (language-neutral).
void add_trace_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("trace", "Print the event trace (the golden-file format; always in English, whatever --lang or LANG say)");
    auto file = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>("text");
    auto compare = std::make_shared<std::string>();
    auto bless = std::make_shared<std::string>();
    cmd->add_option("file", *file, "Scenario file")->required();
    cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--compare", *compare, "Compare with this golden trace; print the first difference");
    cmd->add_option("--bless", *bless, "Write the trace to this golden file");
    cmd->callback([&exit_code, file, format, compare, bless] {
        i18n::set_language("en");  // the golden format is language-neutral: traces never change with LANG
        auto s = load_or_report(*file);
        if (!s) { exit_code = 2; return; }
        // Streamed to its destination (cli/TraceOutput.h); a golden file is replaced atomically.
        const auto fmt_ = *format == "json" ? sim::TraceFormat::Json : sim::TraceFormat::Text;
        const bool env_bless = std::getenv("PAGELAB_BLESS") && std::string(std::getenv("PAGELAB_BLESS")) == "1";
        if (!bless->empty() || (env_bless && !compare->empty()))
            exit_code = bless_trace(*s, fmt_, bless->empty() ? *compare : *bless);
        else if (!compare->empty())
            exit_code = compare_trace(*s, fmt_, *compare);
        else
            exit_code = print_trace(*s, fmt_);
    });
}

// The `state` command: the machine at a moment (text, json, csv, windbg).
void add_state_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("state", "Print the machine at a step: regions, page tables, frames, pagefile");
    auto file = std::make_shared<std::string>();
    auto at = std::make_shared<std::string>();
    auto process = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>("text");
    auto table = std::make_shared<std::string>("all");
    cmd->add_option("file", *file, "Scenario file")->required();
    cmd->add_option("--at", *at, "Step number (0 = before the first) or label")->required();
    cmd->add_option("--process", *process, "Only this process");
    cmd->add_option("--format", *format, "text, json, csv (VMMap's regions, RAMMap's frames) or windbg (!vad, !pte, !pfn)")
        ->check(CLI::IsMember({"text", "json", "csv", "windbg"}));
    cmd->add_option("--table", *table, "csv: regions, frames or all (both, an empty line between)")
        ->check(CLI::IsMember({"regions", "frames", "all"}));
    add_language_option(cmd);
    cmd->callback([&exit_code, file, at, process, format, table] {
        auto s = load_or_report(*file);
        if (!s) { exit_code = 2; return; }
        auto step = resolve_at(*s, *at);
        if (!step) { exit_code = 2; return; }
        if (!process->empty() && !s->machine().find_process(*process)) {
            s->seek_step(s->step_count());
            if (!s->machine().find_process(*process)) {
                std::cerr << "pagelab: error: " << trf("--process {process}: no such process in this scenario", "process"_a = *process) << "\n";
                exit_code = 2;
                return;
            }
        }
        s->seek_step(*step);
        sim::StateOptions o;
        if (!process->empty()) o.process = *process;
        if (*format == "csv" || *format == "windbg") exit_code = write_state_export(*s, *step, *format, *table, o);
        else if (*format == "json") std::cout << sim::state_json(s->machine(), o).dump(1) << "\n";
        else {
            std::cout << trf("State after step {step} of {file}", "step"_a = *step, "file"_a = s->scenario().path) << "\n";
            sim::write_state_text(s->machine(), std::cout, o);
        }
        exit_code = 0;
    });
}

// The `walk` command: one address translated, step by step.
void add_walk_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("walk", "Print the translation walk of an address, bit by bit");
    auto file = std::make_shared<std::string>();
    auto at = std::make_shared<std::string>();
    auto process = std::make_shared<std::string>();
    auto address = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>("text");
    cmd->add_option("file", *file, "Scenario file")->required();
    cmd->add_option("--at", *at, "Step number (0 = before the first) or label")->required();
    cmd->add_option("--process", *process, "Process name")->required();
    cmd->add_option("--address", *address, "Virtual address (number or a name bound by then, name+offset)")->required();
    cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
    add_language_option(cmd);
    cmd->callback([&exit_code, file, at, process, address, format] {
        auto s = load_or_report(*file);
        if (!s) { exit_code = 2; return; }
        auto step = resolve_at(*s, *at);
        if (!step) { exit_code = 2; return; }
        s->seek_step(*step);
        const os::Process* p = s->machine().find_process(*process);
        if (!p || p->space == mm::kNoSpace) {
            std::cerr << "pagelab: error: " << trf("--process {process}: no such process at step {step}", "process"_a = *process, "step"_a = *step) << "\n";
            exit_code = 2;
            return;
        }
        auto expr = sim::parse_address(*address);
        std::optional<uint32_t> va;
        if (expr && expr->name.empty()) va = uint32_t(expr->offset);
        else if (expr && *step > 0) {
            const auto& b = *s->result(*step - 1).bindings;
            if (auto it = b.find(expr->name); it != b.end()) va = uint32_t(int64_t(it->second) + expr->offset);
        }
        if (!va) {
            std::cerr << "pagelab: error: " << trf("--address {address}: not a number or a name bound by step {step}", "address"_a = *address, "step"_a = *step) << "\n";
            exit_code = 2;
            return;
        }
        if (*format == "json") std::cout << sim::walk_json(s->machine(), p->space, *va).dump(1) << "\n";
        else sim::write_walk_text(s->machine(), p->space, *va, std::cout);
        exit_code = 0;
    });
}

}  // namespace

void add_scenario_commands(CLI::App& app, int& exit_code) {
    add_run_command(app, exit_code);
    add_trace_command(app, exit_code);
    add_state_command(app, exit_code);
    add_walk_command(app, exit_code);
}

}  // namespace pagelab::cli
