#include "cli/AuthoringCommands.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/Language.h"

#include "io/SafeWrite.h"
#include "sim/Schema.h"
#include "sim/Skeleton.h"

namespace pagelab::cli {

namespace fs = std::filesystem;

namespace {

// The scenario schema a new lesson names, as a path relative to the lesson: the nearest
// docs/scenario.schema.json above it (a lesson inside a PageLab checkout), else the one this build
// came with; nothing when neither exists.
std::string schema_for(const fs::path& lesson) {
    std::error_code ec;
    const fs::path folder = fs::absolute(lesson, ec).parent_path();
    for (fs::path p = folder; !p.empty(); p = p.parent_path()) {
        const fs::path candidate = p / "docs" / "scenario.schema.json";
        if (fs::is_regular_file(candidate, ec)) return candidate.lexically_relative(folder).generic_string();
        if (p == p.parent_path()) break;
    }
#ifdef PAGELAB_DOCS_DIR
    const fs::path built = fs::path(PAGELAB_DOCS_DIR) / "scenario.schema.json";
    if (fs::is_regular_file(built, ec)) {
        const fs::path rel = built.lexically_relative(folder);
        return rel.empty() ? built.generic_string() : rel.generic_string();
    }
#endif
    return {};
}

}  // namespace

void add_authoring_commands(CLI::App& app, int& exit_code) {
    // schema
    {
        auto* cmd = app.add_subcommand("schema", "Print the JSON Schema of scenario files (or of the course index) for editors");
        auto course = std::make_shared<bool>(false);
        auto output = std::make_shared<std::string>();
        cmd->add_flag("--course", *course, "The course index's schema instead (docs/course.schema.json)");
        cmd->add_option("--output,-o", *output, "Write it to this file (only a missing file or a schema PageLab wrote is replaced)");
        cmd->callback([&exit_code, course, output] {
            const std::string text = sim::schema_text(*course ? sim::course_schema() : sim::scenario_schema());
            if (output->empty()) {
                std::cout << text;
                exit_code = 0;
                return;
            }
            auto ours = [](std::string_view head) { return head.find(sim::kSchemaMarker) != std::string_view::npos; };
            if (auto problem = io::write_atomically(*output, ours, "a JSON schema", text)) {
                std::cerr << "pagelab: error: " << *problem << "\n";
                exit_code = 2;
                return;
            }
            exit_code = 0;
        });
    }
    // new
    {
        auto* cmd = app.add_subcommand("new", "Write a lesson skeleton (machine, narrated steps, expectations, a question) to NAME.yaml");
        auto name = std::make_shared<std::string>();
        auto title = std::make_shared<std::string>();
        cmd->add_option("name", *name, "The new file (.yaml is added when the name has no extension)")->required();
        cmd->add_option("--title", *title, "The lesson's title (default: from the file name)");
        add_language_option(cmd);  // its messages; the skeleton's texts are the lesson's English (en) ones
        cmd->callback([&exit_code, name, title] {
            fs::path path(*name);
            if (path.extension().empty()) path += ".yaml";
            const std::string target = path.string();
            std::error_code ec;
            if (fs::exists(fs::symlink_status(path, ec))) {
                std::cerr << "pagelab: error: "
                          << i18n::trf("{file} exists; `pagelab new` never overwrites a file (choose another name)", fmt::arg("file", target)) << "\n";
                exit_code = 2;
                return;
            }
            sim::SkeletonOptions o;
            o.title = title->empty() ? sim::title_from_file_name(target) : *title;
            o.schema_path = schema_for(path);
            // (The recogniser accepts nothing: a file that appeared meanwhile is not replaced either.)
            if (auto problem = io::write_atomically(target, [](std::string_view) { return false; }, "a lesson", sim::lesson_skeleton(o))) {
                std::cerr << "pagelab: error: " << *problem << "\n";
                exit_code = 2;
                return;
            }
            std::cout << i18n::trf("Wrote {file}: check it with `pagelab check {file}` and `pagelab lint {file}`, open it in the window "
                                   "(pagelab-ui {file}) and edit it there: the window reloads it on every save.",
                                   fmt::arg("file", target))
                      << "\n";
            exit_code = 0;
        });
    }
}

}  // namespace pagelab::cli
