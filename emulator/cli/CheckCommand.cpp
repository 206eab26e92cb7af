#include "cli/CheckCommand.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <new>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cli/Language.h"
#include "cli/ScenarioCommands.h"
#include "cli/TestReports.h"
#include "io/SafeWrite.h"
#include "sim/Course.h"
#include "sim/Grade.h"
#include "sim/Session.h"

namespace pagelab::cli {

namespace fs = std::filesystem;

namespace {

struct Found {
    std::string path;
    std::string suite;  // the argument it was found under
};

// The files named, and the .yaml/.yml files of the folders named (recursively, sorted); a path
// that does not exist is returned in `missing`.
std::vector<Found> find_files(const std::vector<std::string>& paths, std::vector<std::string>& missing) {
    std::vector<Found> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            for (auto& f : yaml_files_in(p)) files.push_back(Found{std::move(f), p});
        } else if (fs::exists(p, ec)) {
            files.push_back(Found{p, p});
        } else {
            missing.push_back(p);
        }
    }
    return files;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string at(const std::string& file, sim::Location l) { return fmt::format("{}:{}:{}", file, l.line, l.column); }

// The expectations of a scenario, run: a failure per failed check, in the transcript's words.
void check_scenario(sim::Scenario sc, FileOutcome& o) {
    const std::string path = sc.path;
    sim::Session session(std::move(sc));
    for (size_t i = 0; i < session.step_count(); ++i)
        for (const sim::CheckResult& c : session.result(i).checks) {
            ++o.checks;
            if (c.passed) continue;
            CheckFailure f;
            f.at = at(path, c.expectation->loc);
            f.step = i + 1;
            f.label = session.scenario().steps[i].label;
            f.what = c.what;
            f.expected = c.expected;
            f.actual = c.actual;
            f.text = fmt::format("{}: step {}: expectation {} failed: expected {}, got {}", f.at, f.step, f.what, f.expected, f.actual);
            o.out += f.text + "\n";
            o.failures.push_back(std::move(f));
        }
}

// A student's file graded with the key's expectations (sim/Grade.h).
void grade_scenario(const sim::Scenario& key, const sim::Scenario& student, FileOutcome& o) {
    const sim::Grade g = sim::grade(key, student);
    o.out += fmt::format("{} graded with {} (steps matched by label):\n", student.path, key.path);
    for (const sim::GradeItem& it : g.items) {
        ++o.checks;
        std::string where;
        if (it.student_step) where = fmt::format("step {}", *it.student_step + 1);
        else if (it.label.empty()) where = "the end";
        if (!it.label.empty()) where += (where.empty() ? "" : " ") + fmt::format("'{}'", it.label);
        const std::string key_at = at(key.path, it.key_loc);
        if (it.passed) {
            o.out += fmt::format("  ok    {}: {} = {} ({})\n", where, it.what, it.actual, key_at);
            continue;
        }
        CheckFailure f;
        // (The key's closing expectations are about the student's last step; a missing label, the whole file.)
        f.at = it.student_step                                ? at(student.path, it.student_loc)
               : it.label.empty() && !student.steps.empty() ? at(student.path, student.steps.back().loc)
                                                              : student.path + ":1:1";
        f.step = it.student_step ? *it.student_step + 1 : 0;
        f.label = it.label;
        f.what = it.what;
        f.expected = it.expected;
        f.actual = it.actual;
        f.key_at = key_at;
        f.text = it.answer ? fmt::format("{}: {}: wrong answer: expected {}, got {} (the key's {})", f.at, where, f.expected, f.actual, key_at)
                           : fmt::format("{}: {}: expectation {} failed: expected {}, got {} (the key's {})", f.at, where, f.what,
                                         f.expected, f.actual, key_at);
        o.out += "  FAIL  " + f.text + "\n";
        o.failures.push_back(std::move(f));
    }
    o.out += fmt::format("  {}: {} of {} expectation{} hold{}", student.path, g.expectations_held, g.expectations,
                         g.expectations == 1 ? "" : "s", g.expectations_held == 1 && g.expectations == 1 ? "s" : "");
    if (g.answers) o.out += fmt::format(", {} of {} answer{} right", g.answers_right, g.answers, g.answers == 1 ? "" : "s");
    o.out += "\n";
}

struct CheckOptions {
    std::string filter;                   // lower case; empty: every file
    const sim::Scenario* key = nullptr;   // grading
};

FileOutcome evaluate(const Found& file, const CheckOptions& options) {
    FileOutcome o;
    o.path = file.path;
    o.suite = file.suite;
    const bool path_selected = options.filter.empty() || lower(file.path).find(options.filter) != std::string::npos;
    try {
        if (sim::is_course_file(file.path)) {
            // A course index is checked, not run (and is not a student's submission).
            if (options.key || !path_selected) {
                o.selected = false;
                return o;
            }
            auto c = sim::load_course(file.path);
            if (c.error) o.error = c.error->message;
            else o.title = c.course->title;
            return o;
        }
        sim::LoadResult r = sim::load_scenario(file.path);
        if (r.error) {
            // (A file that does not load has no title: --filter selects it by its path.)
            o.selected = path_selected;
            o.error = r.error->message;
            return o;
        }
        o.title = r.scenario->title;
        o.selected = path_selected || lower(o.title).find(options.filter) != std::string::npos;
        if (!o.selected) return o;
        if (options.key) grade_scenario(*options.key, *r.scenario, o);
        else check_scenario(std::move(*r.scenario), o);
    } catch (const std::bad_alloc&) {
        o.error = fmt::format("{}:1:1: error: out of memory: the host refused an allocation while loading or running the scenario "
                              "(docs/limits.md)",
                              file.path);
    } catch (const std::exception& e) {
        o.error = fmt::format("{}:1:1: error: {}", file.path, e.what());
    }
    return o;
}

// Evaluates the files on `jobs` threads and hands each outcome to `emit` in the files' order, as
// soon as it and every one before it are done. The emulator has no shared state between
// sessions; each thread loads, runs and frees its own.
void evaluate_all(const std::vector<Found>& files, const CheckOptions& options, size_t jobs,
                  const std::function<void(FileOutcome&)>& emit, std::vector<FileOutcome>& results) {
    results.resize(files.size());
    if (jobs <= 1 || files.size() <= 1) {
        for (size_t i = 0; i < files.size(); ++i) {
            results[i] = evaluate(files[i], options);
            emit(results[i]);
        }
        return;
    }
    std::mutex lock;
    std::condition_variable done_one;
    std::vector<char> done(files.size(), 0);
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < files.size();) {
            FileOutcome o = evaluate(files[i], options);
            {
                const std::lock_guard<std::mutex> hold(lock);
                results[i] = std::move(o);
                done[i] = 1;
            }
            done_one.notify_all();
        }
    };
    std::vector<std::thread> threads;
    for (size_t t = 0; t < std::min(jobs, files.size()); ++t) threads.emplace_back(work);
    for (size_t i = 0; i < files.size(); ++i) {
        std::unique_lock<std::mutex> hold(lock);
        done_one.wait(hold, [&] { return done[i] != 0; });
        hold.unlock();
        emit(results[i]);
    }
    for (auto& t : threads) t.join();
}

}  // namespace

namespace {

// What `pagelab check` was asked.
struct CheckArgs {
    std::vector<std::string> paths;
    std::string junit;
    bool tap = false;
    size_t jobs = 1;
    std::string filter;
    std::string key_path;
};

// A JUnit file that is not PageLab's report is never replaced.
bool is_our_junit(std::string_view head) { return head.find(kJunitMarker) != std::string_view::npos; }

// Loads --expect-from's key into `key`; false (after the error) when it cannot grade.
bool load_key(const std::string& path, std::optional<sim::Scenario>& key) {
    sim::LoadResult k = sim::load_scenario(path);
    if (k.error) {
        std::cerr << k.error->message << "\n";
        return false;
    }
    if (auto why = sim::check_key(*k.scenario)) {
        std::cerr << why->message << "\n";
        return false;
    }
    key = std::move(*k.scenario);
    return true;
}

// A named path that does not exist: an error, and a failed case of the report.
FileOutcome missing_outcome(const std::string& m) {
    std::cerr << fmt::format("{}:1:1: error: no such file or folder\n", m);
    FileOutcome o;
    o.path = o.suite = m;
    o.error = fmt::format("{}:1:1: error: no such file or folder", m);
    return o;
}

// Writes the JUnit report of the missing paths and the selected files; false if it could not.
bool write_junit_report(const CheckArgs& a, const std::vector<FileOutcome>& missing, const std::vector<FileOutcome>& results,
                        const std::optional<sim::Scenario>& key) {
    std::vector<const FileOutcome*> report;
    for (const auto& o : missing) report.push_back(&o);
    for (const auto& o : results)
        if (o.selected) report.push_back(&o);
    const std::string name = key ? fmt::format("pagelab check --expect-from {}", key->path) : std::string("pagelab check");
    if (auto problem = io::write_atomically(a.junit, is_our_junit, "a JUnit report", [&](std::ostream& out) { write_junit(out, report, name); })) {
        std::cerr << "pagelab: error: " << *problem << "\n";
        return false;
    }
    return true;
}

// Runs `pagelab check`; returns its exit code (0 all passed, 1 some failed, 2 bad input).
int run_check(const CheckArgs& a) {
    CheckOptions options;
    options.filter = lower(a.filter);
    std::optional<sim::Scenario> key;
    if (!a.key_path.empty()) {
        if (!load_key(a.key_path, key)) return 2;
        options.key = &*key;
    }
    // A JUnit file that is not PageLab's report is never replaced: checked before the run.
    if (!a.junit.empty())
        if (auto problem = io::check_target(a.junit, is_our_junit, "a JUnit report")) {
            std::cerr << "pagelab: error: " << *problem << "\n";
            return 2;
        }
    std::vector<std::string> missing;
    const auto files = find_files(a.paths, missing);
    size_t passed = 0, failed = 0, number = 0;
    bool bad = !missing.empty();
    std::vector<FileOutcome> missing_outcomes;
    for (const auto& m : missing) missing_outcomes.push_back(missing_outcome(m));
    failed += missing.size();
    if (a.tap) tap_header(std::cout);
    for (const auto& o : missing_outcomes)
        if (a.tap) tap_point(std::cout, ++number, o);
    auto emit = [&](FileOutcome& o) {
        if (!o.selected) return;
        if (o.error) {
            std::cerr << *o.error << "\n";
            bad = true;
        }
        o.passed() ? ++passed : ++failed;
        if (a.tap) {
            std::istringstream lines(o.out);
            for (std::string line; std::getline(lines, line);) std::cout << "# " << line << "\n";
            tap_point(std::cout, ++number, o);
        } else {
            std::cout << o.out;
        }
        std::cout.flush();
    };
    std::vector<FileOutcome> results;
    const size_t threads = a.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : a.jobs;
    evaluate_all(files, options, threads, emit, results);
    const std::string summary = fmt::format("{} passed, {} failed", passed, failed);
    if (a.tap) tap_footer(std::cout, number, summary);  // TAP's comments stay English, for the tools that read them
    else std::cout << i18n::trf("{passed} passed, {failed} failed", fmt::arg("passed", passed), fmt::arg("failed", failed)) << "\n";
    size_t selected = 0;
    for (const auto& o : results) selected += o.selected ? 1 : 0;
    if (!a.filter.empty() && selected == 0) {
        std::cerr << fmt::format("pagelab: error: --filter '{}' selects none of the {} file{} found\n", a.filter, files.size(),
                                 files.size() == 1 ? "" : "s");
        bad = true;
    }
    if (!a.junit.empty() && !write_junit_report(a, missing_outcomes, results, key)) bad = true;
    return bad ? 2 : failed ? 1 : 0;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("check", "Run scenario files and folders quietly; end with N passed, M failed");
    auto args = std::make_shared<CheckArgs>();
    cmd->add_option("paths", args->paths, "Scenario files or folders (searched recursively for .yaml)")->required();
    cmd->add_option("--junit", args->junit, "Also write a JUnit XML report to this file (one test case per scenario)");
    cmd->add_flag("--tap", args->tap, "Print the results as TAP (Test Anything Protocol) instead of text");
    cmd->add_option("-j,--jobs", args->jobs, "Check this many files at once (0: one per processor); the output keeps the files' order");
    cmd->add_option("--filter", args->filter, "Only the scenarios whose path or title contains this text (any case)");
    cmd->add_option("--expect-from", args->key_path,
                    "Grade: check the expectations and questions of this key scenario against each file's steps, matched by label "
                    "(docs/authoring.md)");
    add_language_option(cmd);
    cmd->callback([&exit_code, args] { exit_code = run_check(*args); });
}

}  // namespace pagelab::cli
