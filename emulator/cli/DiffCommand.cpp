#include "cli/DiffCommand.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/Language.h"
#include "sim/Diff.h"
#include "sim/Export.h"
#include "sim/Session.h"

namespace pagelab::cli {

void add_diff_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("diff", "Compare two moments of a run: regions, PTEs/PDEs, frames, slots, objects, counters");
    auto file = std::make_shared<std::string>();
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>("text");
    cmd->add_option("file", *file, "Scenario file")->required();
    cmd->add_option("--from", *from, "The earlier moment: a step number (0 = before the first), a label, event:N, start or end")
        ->required();
    cmd->add_option("--to", *to, "The later moment, in the same forms")->required();
    cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
    add_language_option(cmd);  // the text's headings and moments; the values stay VMMap's/RAMMap's words, json stays English
    cmd->callback([&exit_code, file, from, to, format] {
        auto loaded = sim::Session::load(*file);
        if (auto* err = std::get_if<sim::LoadError>(&loaded)) {
            std::cerr << err->message << "\n";
            exit_code = 2;
            return;
        }
        auto& s = *std::get<std::unique_ptr<sim::Session>>(loaded);
        auto moment = [&](const char* option, const std::string& text) -> std::optional<size_t> {
            auto m = sim::parse_moment(s, text);
            if (auto* error = std::get_if<std::string>(&m)) {
                std::cerr << fmt::format("pagelab: error: {} {}\n", option, *error);
                return std::nullopt;
            }
            return std::get<size_t>(m);
        };
        const auto a = moment("--from", *from), b = moment("--to", *to);
        if (!a || !b) {
            exit_code = 2;
            return;
        }
        if (*a > *b) {
            std::cerr << fmt::format("pagelab: error: --from {} comes after --to {} ({} is later than {}): give the earlier moment first\n",
                                     *from, *to, sim::describe_moment(s, *a, false), sim::describe_moment(s, *b, false));
            exit_code = 2;
            return;
        }
        // Standing at the later moment, the diff reads the journal back to the earlier one.
        s.seek_event(*b);
        const sim::Diff d = sim::diff_moments(s, *a, *b);
        if (*format == "json") std::cout << sim::diff_json(s, d).dump(1) << "\n";
        else sim::write_diff_text(s, d, std::cout);
        exit_code = 0;
    });
}

int write_state_export(const sim::Session& s, size_t step, const std::string& format, const std::string& table,
                       const sim::StateOptions& options) {
    if (format == "windbg") {
        std::cout << fmt::format("* PageLab: {} after step {}, as WinDbg's x86 (non-PAE) kernel debugger shows it\n",
                                 s.scenario().path, step);
        sim::write_state_windbg(s.machine(), std::cout, options);
        return 0;
    }
    const sim::CsvTable t = table == "regions" ? sim::CsvTable::Regions : table == "frames" ? sim::CsvTable::Frames : sim::CsvTable::All;
    sim::write_state_csv(s.machine(), std::cout, t, options);
    return 0;
}

}  // namespace pagelab::cli
