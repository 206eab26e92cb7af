#include "cli/CourseCommands.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/Language.h"
#include "cli/ScenarioCommands.h"
#include "i18n/Glossary.h"
#include "sim/Course.h"
#include "sim/Lint.h"
#include "sim/Transcript.h"

namespace pagelab::cli {

namespace fs = std::filesystem;
using namespace fmt::literals;
using i18n::trf;
using i18n::trfn;

namespace {

// The course index: the one named, else scenarios/course.yaml here, else the lessons this
// build came with.
std::string default_course() {
    std::error_code ec;
    if (fs::is_regular_file("scenarios/course.yaml", ec)) return "scenarios/course.yaml";
#ifdef PAGELAB_LESSONS_DIR
    return std::string(PAGELAB_LESSONS_DIR) + "/course.yaml";
#else
    return "scenarios/course.yaml";
#endif
}

void print_course_text(const sim::Course& c, const std::string& lang) {
    auto tr = [&](const std::string& en, const sim::Translations& t) -> const std::string& { return sim::localized(en, t, lang); };
    std::cout << trf("{title} ({lessons} in {chapters})", "title"_a = tr(c.title, c.title_tr),
                     "lessons"_a = trfn("{count} lesson", "{count} lessons", c.lessons.size(), "count"_a = c.lessons.size()),
                     "chapters"_a = trfn("{count} chapter", "{count} chapters", c.chapters.size(), "count"_a = c.chapters.size()))
              << "\n";
    if (!c.summary.empty()) std::cout << tr(c.summary, c.summary_tr) << "\n";
    for (size_t ch = 0; ch < c.chapters.size(); ++ch) {
        const auto& chapter = c.chapters[ch];
        std::cout << "\n" << trf("Chapter {number}. {title}", "number"_a = ch + 1, "title"_a = tr(chapter.title, chapter.title_tr)) << "\n  "
                  << tr(chapter.goal, chapter.goal_tr) << "\n";
        for (size_t li : chapter.lessons) {
            const auto& l = c.lessons[li];
            std::cout << fmt::format("  {:>2}. {}\n      {}\n      ", l.number, tr(l.title, l.title_tr), l.path)
                      << trf("goal: {goal}", "goal"_a = tr(l.goal, l.goal_tr)) << "\n";
            if (!l.requires_.empty()) {
                std::string after;
                for (const auto& r : l.requires_) after += (after.empty() ? "" : ", ") + fmt::format("{}", c.find(r)->number);
                std::cout << "      " << trfn("after lesson {lessons}", "after lessons {lessons}", l.requires_.size(), "lessons"_a = after) << "\n";
            }
        }
    }
}

nlohmann::ordered_json course_json(const sim::Course& c) {
    nlohmann::ordered_json j;
    j["title"] = c.title;
    j["summary"] = c.summary;
    j["chapters"] = nlohmann::ordered_json::array();
    for (const auto& chapter : c.chapters) {
        nlohmann::ordered_json cj;
        cj["title"] = chapter.title;
        cj["goal"] = chapter.goal;
        cj["lessons"] = nlohmann::ordered_json::array();
        for (size_t li : chapter.lessons) {
            const auto& l = c.lessons[li];
            nlohmann::ordered_json lj;
            lj["number"] = l.number;
            lj["id"] = l.id;
            lj["file"] = l.path;
            lj["title"] = l.title;
            lj["goal"] = l.goal;
            lj["requires"] = l.requires_;
            cj["lessons"].push_back(lj);
        }
        j["chapters"].push_back(cj);
    }
    return j;
}

std::vector<std::string> split_answers(const std::string& list) {
    std::vector<std::string> out;
    if (list.empty()) return out;
    size_t start = 0;
    for (;;) {
        const size_t comma = list.find(',', start);
        out.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

}  // namespace

namespace {

// `pagelab course`.
void add_course_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("course", "List the course: chapters and lessons in teaching order, with goals and prerequisites");
    auto index = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>("text");
    cmd->add_option("index", *index, "The course index (default: scenarios/course.yaml)");
    cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
    auto lang = add_language_option(cmd);
    cmd->callback([&exit_code, index, format, lang] {
        const std::string path = index->empty() ? default_course() : *index;
        auto c = sim::load_course(path);
        if (c.error) {
            std::cerr << c.error->message << "\n";
            exit_code = 2;
            return;
        }
        if (*format == "json") std::cout << course_json(*c.course).dump(1) << "\n";
        else print_course_text(*c.course, *lang);
        exit_code = 0;
    });
}

// `pagelab lint`.
void add_lint_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("lint", "Find silent steps, unchecked questions, unmaps off a view's base, lessons missing from the course");
    auto paths = std::make_shared<std::vector<std::string>>();
    cmd->add_option("paths", *paths, "Scenario files, folders (searched recursively) or a course index")->required();
    add_language_option(cmd);
    cmd->callback([&exit_code, paths] {
        bool bad = false;
        const auto files = scenario_files(*paths, bad);
        size_t findings = 0, linted = 0;
        auto report = [&](const std::vector<sim::LintFinding>& found) {
            for (const auto& f : found) std::cout << f.text() << "\n";
            findings += found.size();
        };
        for (const auto& f : files) {
            ++linted;
            if (sim::is_course_file(f)) {
                auto c = sim::load_course(f);
                if (c.error) { std::cerr << c.error->message << "\n"; bad = true; continue; }
                report(sim::lint_course(*c.course));
                continue;
            }
            auto r = sim::load_scenario(f);
            if (r.error) { std::cerr << r.error->message << "\n"; bad = true; continue; }
            report(sim::lint_scenario(*r.scenario));
        }
        std::cout << trf("{files} linted, {warnings}", "files"_a = trfn("{count} file", "{count} files", linted, "count"_a = linted),
                             "warnings"_a = trfn("{count} warning", "{count} warnings", findings, "count"_a = findings))
                  << "\n";
        exit_code = bad ? 2 : findings ? 1 : 0;
    });
}

// `pagelab quiz`.
void add_quiz_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("quiz", "Run a lesson as a quiz: answer each question before its step reveals the answer");
    auto file = std::make_shared<std::string>();
    auto answers = std::make_shared<std::string>();
    auto detail = std::make_shared<std::string>("story");
    cmd->add_option("file", *file, "The lesson")->required();
    cmd->add_option("--answers", *answers, "The answers, comma-separated, in order (2,b,0x5): for scripts and tests");
    cmd->add_option("--detail", *detail, "story, events or changes (as for run)")->check(CLI::IsMember({"story", "events", "changes"}));
    auto lang = add_language_option(cmd);
    cmd->callback([&exit_code, file, answers, detail, lang] {
        auto loaded = sim::Session::load(*file);
        if (auto* err = std::get_if<sim::LoadError>(&loaded)) {
            std::cerr << err->message << "\n";
            exit_code = 2;
            return;
        }
        auto& session = *std::get<std::unique_ptr<sim::Session>>(loaded);
        size_t questions = 0;
        for (const auto& s : session.scenario().steps) questions += s.ask ? 1 : 0;
        const auto scripted = split_answers(*answers);
        if (scripted.size() > questions) {
            std::cerr << "pagelab: error: "
                      << trfn("--answers gives {answers} answers; {file} asks {questions} question",
                              "--answers gives {answers} answers; {file} asks {questions} questions", questions, "answers"_a = scripted.size(),
                              "file"_a = *file, "questions"_a = questions)
                      << "\n";
            exit_code = 2;
            return;
        }
        size_t next = 0;
        sim::AnswerSource source = [&](size_t, const sim::Question&, const std::string& retry) -> std::optional<std::string> {
            // A scripted answer that is not an answer at all is not asked again: it is wrong.
            if (next < scripted.size()) {
                if (!retry.empty()) return std::nullopt;
                const std::string a = scripted[next++];
                std::cout << "  " << i18n::tr("Your answer> ") << a << "\n";
                return a;
            }
            std::cout << "  " << i18n::tr("Your answer> ") << std::flush;
            std::string line;
            if (!std::getline(std::cin, line)) {
                std::cout << i18n::tr("(no answer: end of input)") << "\n";
                return std::nullopt;
            }
            if (!isatty(0)) std::cout << line << "\n";  // a piped answer is shown as if typed
            return line;
        };
        const sim::QuizScore score = sim::run_quiz(session, std::cout, source, *sim::parse_detail(*detail), *lang);
        exit_code = score.right == score.questions ? 0 : 1;
    });
}

// `pagelab glossary`.
void add_glossary_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("glossary", "Print the glossary (the terms the lessons and the window use, defined), or docs/glossary.md");
    auto format = std::make_shared<std::string>("text");
    cmd->add_option("--format", *format, "text (in --lang) or markdown (every language: docs/glossary.md)")
        ->check(CLI::IsMember({"text", "markdown"}));
    auto lang = add_language_option(cmd);
    cmd->callback([&exit_code, format, lang] {
        const auto& entries = i18n::glossary();
        if (entries.empty()) {
            std::cerr << "pagelab: error: " << i18n::glossary_error() << "\n";
            exit_code = 2;
            return;
        }
        if (*format == "markdown") {
            std::cout << i18n::glossary_markdown(entries);
            return;
        }
        for (const auto& e : entries) std::cout << e.in(*lang).term << "\n    " << e.in(*lang).text << "\n";
    });
}

}  // namespace

void add_course_commands(CLI::App& app, int& exit_code) {
    add_course_command(app, exit_code);
    add_lint_command(app, exit_code);
    add_quiz_command(app, exit_code);
    add_glossary_command(app, exit_code);
}

}  // namespace pagelab::cli
