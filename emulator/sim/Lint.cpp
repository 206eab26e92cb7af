#include "sim/Lint.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include <fmt/format.h>

namespace pagelab::sim {

namespace fs = std::filesystem;

std::string LintFinding::text() const { return fmt::format("{}:{}:{}: warning: {}", path, loc.line, loc.column, message); }

std::vector<LintFinding> lint_scenario(const Scenario& sc) {
    std::vector<LintFinding> out;
    auto warn = [&](Location l, std::string msg) { out.push_back(LintFinding{sc.path, l, std::move(msg)}); };
    if (sc.title.empty()) warn(Location{1, 1}, "the lesson has no title");
    if (sc.summary.empty()) warn(Location{1, 1}, "the lesson has no summary (a paragraph: what it shows and why)");
    std::set<std::string> views;  // names bound to a view's base by map_view
    std::set<std::string> processes;
    for (const Step& s : sc.steps)
        if (s.op == Op::CreateProcess)
            if (const Arg* as = s.arg("as")) processes.insert(as->text);
    // Narration that names a process the lesson never creates ("process C") tells of a machine
    // the student cannot see.
    // (A name, not an acronym: "process C", but not "per-process PTE".)
    static const std::regex kProcessName(R"((?:^|[^-\w])[Pp]rocess ([A-Z][a-z0-9_]*)\b)");
    auto check_names = [&](Location l, const std::string& text) {
        for (std::sregex_iterator it(text.begin(), text.end(), kProcessName), end; it != end; ++it) {
            const std::string name = (*it)[1];
            if (!processes.count(name))
                warn(l, fmt::format("the narration names process {}, which this lesson never creates", name));
        }
    };
    check_names(Location{1, 1}, sc.summary);
    for (const Group& g : sc.groups) check_names(g.loc, g.say);
    for (size_t i = 0; i < sc.steps.size(); ++i) {
        const Step& s = sc.steps[i];
        check_names(s.loc, s.say);
        if (s.ask) {
            check_names(s.ask->loc, s.ask->question);
            check_names(s.ask->loc, s.ask->explain);
        }
        if (s.op != Op::Pause && s.say.empty() && !s.group)
            warn(s.loc, fmt::format("step {} ({}) is silent: say what it does and why, or put it in a narrated group (say + steps)",
                                    i + 1, op_name(s.op)));
        if (s.ask && s.expects.empty())
            warn(s.ask->loc, fmt::format("step {} asks a question but checks nothing: add an expectation that proves its answer", i + 1));
        if (s.op == Op::MapView)
            if (const Arg* as = s.arg("as")) views.insert(as->text);
        if (s.op == Op::UnmapView)
            if (const Arg* a = s.arg("address"); a && views.count(a->address.name) && a->address.offset != 0)
                warn(a->loc, fmt::format("step {} unmaps at {}{:+#x}: UnmapViewOfFile's contract is the base address MapViewOfFile "
                                         "returned ({}); NT accepts an address inside the view, but a program must not rely on it",
                                         i + 1, a->address.name, a->address.offset, a->address.name));
    }
    return out;
}

std::vector<LintFinding> lint_course(const Course& course) {
    std::vector<LintFinding> out;
    const fs::path folder = fs::path(course.path).parent_path();
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder.empty() ? fs::path(".") : folder, ec))
        if (e.is_regular_file() && e.path().extension() == ".yaml" && e.path().filename() != fs::path(course.path).filename())
            files.push_back(e.path().stem().string());
    std::sort(files.begin(), files.end());
    // A lesson's number is its place in the course, so "lesson 22" means the same in the file
    // list, in `pagelab course` and in the window.
    for (const auto& l : course.lessons) {
        const size_t dash = l.id.find('-');
        const std::string prefix = l.id.substr(0, dash);
        if (dash != std::string::npos && !prefix.empty() && prefix.find_first_not_of("0123456789") == std::string::npos &&
            std::stoul(prefix) != l.number)
            out.push_back(LintFinding{course.path, l.loc,
                                      fmt::format("lesson '{}' is number {} in the course: rename it to {:02}-{}", l.id, l.number,
                                                  l.number, l.id.substr(dash + 1))});
    }
    for (const auto& id : files)
        if (!course.find(id))
            out.push_back(LintFinding{course.path, Location{1, 1}, fmt::format("lesson '{}' is in the folder but not in the course index", id)});
    return out;
}

}  // namespace pagelab::sim
