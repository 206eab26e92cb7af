#include "cli/ScenarioCommands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "cli/Language.h"
#include "cli/TraceOutput.h"
#include "sim/Course.h"
#include "sim/Report.h"
#include "sim/Session.h"
#include "sim/Trace.h"

namespace pagelab::cli {

namespace fs = std::filesystem;

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
            std::cerr << fmt::format("pagelab: error: --at {}: the scenario has {} steps\n", at, s.step_count());
            return std::nullopt;
        }
        return size_t(*n);
    }
    for (size_t i = 0; i < s.step_count(); ++i)
        if (s.scenario().steps[i].label == at) return i + 1;
    std::cerr << fmt::format("pagelab: error: --at {}: not a step number or a label of this scenario\n", at);
    return std::nullopt;
}

std::vector<std::string> collect(const std::vector<std::string>& paths, bool& bad) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> found;
            for (const auto& e : fs::recursive_directory_iterator(p, ec))
                if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
                    found.push_back(e.path().string());
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            std::cerr << fmt::format("{}:1:1: error: no such file or folder\n", p);
            bad = true;
        }
    }
    return files;
}

}  // namespace

std::vector<std::string> scenario_files(const std::vector<std::string>& paths, bool& bad) { return collect(paths, bad); }

void add_scenario_commands(CLI::App& app, int& exit_code) {
    // run
    {
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
        auto lang = add_language_option(cmd);
        cmd->callback([&exit_code, files, detail, no_changes, lang] {
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
    // check
    {
        auto* cmd = app.add_subcommand("check", "Run scenario files and folders quietly; end with N passed, M failed");
        auto paths = std::make_shared<std::vector<std::string>>();
        cmd->add_option("paths", *paths, "Scenario files or folders (searched recursively for .yaml)")->required();
        cmd->callback([&exit_code, paths] {
            bool bad = false;
            const auto files = collect(*paths, bad);
            size_t passed = 0, failed = bad ? 1 : 0;  // a missing path counts as a failure
            for (const auto& f : files) {
                if (sim::is_course_file(f)) {  // a course index is checked, not run
                    auto c = sim::load_course(f);
                    if (c.error) { std::cerr << c.error->message << "\n"; bad = true; ++failed; }
                    else ++passed;
                    continue;
                }
                auto s = load_or_report(f);
                if (!s) { bad = true; ++failed; continue; }
                sim::TranscriptOptions o;
                o.quiet = true;
                if (sim::write_transcript(*s, std::cout, o)) ++failed;
                else ++passed;
            }
            std::cout << fmt::format("{} passed, {} failed\n", passed, failed);
            exit_code = bad ? 2 : failed ? 1 : 0;
        });
    }
    // trace
    {
        auto* cmd = app.add_subcommand("trace", "Print the event trace (the golden-file format)");
        auto file = std::make_shared<std::string>();
        auto format = std::make_shared<std::string>("text");
        auto compare = std::make_shared<std::string>();
        auto bless = std::make_shared<std::string>();
        cmd->add_option("file", *file, "Scenario file")->required();
        cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
        cmd->add_option("--compare", *compare, "Compare with this golden trace; print the first difference");
        cmd->add_option("--bless", *bless, "Write the trace to this golden file");
        cmd->callback([&exit_code, file, format, compare, bless] {
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
    // state
    {
        auto* cmd = app.add_subcommand("state", "Print the machine at a step: regions, page tables, frames, pagefile");
        auto file = std::make_shared<std::string>();
        auto at = std::make_shared<std::string>();
        auto process = std::make_shared<std::string>();
        auto format = std::make_shared<std::string>("text");
        cmd->add_option("file", *file, "Scenario file")->required();
        cmd->add_option("--at", *at, "Step number (0 = before the first) or label")->required();
        cmd->add_option("--process", *process, "Only this process");
        cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
        cmd->callback([&exit_code, file, at, process, format] {
            auto s = load_or_report(*file);
            if (!s) { exit_code = 2; return; }
            auto step = resolve_at(*s, *at);
            if (!step) { exit_code = 2; return; }
            if (!process->empty() && !s->machine().find_process(*process)) {
                s->seek_step(s->step_count());
                if (!s->machine().find_process(*process)) {
                    std::cerr << fmt::format("pagelab: error: --process {}: no such process in this scenario\n", *process);
                    exit_code = 2;
                    return;
                }
            }
            s->seek_step(*step);
            sim::StateOptions o;
            if (!process->empty()) o.process = *process;
            if (*format == "json") std::cout << sim::state_json(s->machine(), o).dump(1) << "\n";
            else {
                std::cout << fmt::format("State after step {} of {}\n", *step, s->scenario().path);
                sim::write_state_text(s->machine(), std::cout, o);
            }
            exit_code = 0;
        });
    }
    // walk
    {
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
        cmd->callback([&exit_code, file, at, process, address, format] {
            auto s = load_or_report(*file);
            if (!s) { exit_code = 2; return; }
            auto step = resolve_at(*s, *at);
            if (!step) { exit_code = 2; return; }
            s->seek_step(*step);
            const os::Process* p = s->machine().find_process(*process);
            if (!p || p->space == mm::kNoSpace) {
                std::cerr << fmt::format("pagelab: error: --process {}: no such process at step {}\n", *process, *step);
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
                std::cerr << fmt::format("pagelab: error: --address {}: not a number or a name bound by step {}\n", *address, *step);
                exit_code = 2;
                return;
            }
            if (*format == "json") std::cout << sim::walk_json(s->machine(), p->space, *va).dump(1) << "\n";
            else sim::write_walk_text(s->machine(), p->space, *va, std::cout);
            exit_code = 0;
        });
    }
}

}  // namespace pagelab::cli
