#include "sim/Lint.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "i18n/I18n.h"

namespace pagelab::sim {

namespace fs = std::filesystem;
using namespace fmt::literals;

namespace {

// A text a learner reads is {en, zh, ru}; an English-only scalar or a map without zh or ru falls
// back to English in that language, and lint says where. The YAML is read again for the positions
// of the texts (the loaded scenario keeps the words, not where each was written).
void missing_translations(const YAML::Node& n, const std::string& path, const std::vector<std::string>& languages,
                          std::vector<LintFinding>& out) {
    static const std::set<std::string> kProse = {"title", "summary", "say", "question", "explain", "choices", "goal"};
    static const std::map<std::string, const char*> kWhat = {
        {"title", N_("title")}, {"summary", N_("summary")}, {"say", N_("narration (say)")}, {"question", N_("question")},
        {"explain", N_("explanation (explain)")}, {"choice", N_("answer choice")}, {"goal", N_("goal")}};
    auto check = [&](const YAML::Node& text, const std::string& key) {
        if (!text.IsScalar() && !text.IsMap()) return;
        const std::string what = i18n::tr(kWhat.at(key));
        for (const char* lang : {"zh", "ru"}) {
            if (std::find(languages.begin(), languages.end(), lang) == languages.end()) continue;
            if (text.IsMap() && text[lang]) continue;
            const Location at{int(text.Mark().line) + 1, int(text.Mark().column) + 1};
            out.push_back(LintFinding{path, at, i18n::trf("the {what} has no {language} translation: it falls back to English",
                                                          "what"_a = what, "language"_a = std::string(lang) == "zh" ? i18n::tr("Chinese (zh)") : i18n::tr("Russian (ru)"))});
        }
    };
    // Nodes are copied out of yaml-cpp's iterators: `it->second` points into a proxy that the
    // recursion outlived (AddressSanitizer: stack-use-after-scope).
    if (n.IsSequence()) {
        for (const auto& element : n) {
            const YAML::Node item = element;
            missing_translations(item, path, languages, out);
        }
        return;
    }
    if (!n.IsMap()) return;
    for (const auto& entry : n) {
        const YAML::Node key_node = entry.first, value = entry.second;
        const std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string();
        if (!kProse.count(key)) {
            missing_translations(value, path, languages, out);
            continue;
        }
        if (key == "choices" && value.IsSequence())
            for (const auto& element : value) {
                const YAML::Node choice = element;
                check(choice, "choice");
            }
        else
            check(value, key);
    }
}

void lint_translations(const std::string& path, const std::vector<std::string>& languages, std::vector<LintFinding>& out) {
    try {
        missing_translations(YAML::LoadFile(path), path, languages, out);
    } catch (const YAML::Exception&) {
        // The file loaded once already; a file changed since is the next load's error to report.
    }
}

}  // namespace

std::string LintFinding::text() const { return fmt::format("{}:{}:{}: warning: {}", path, loc.line, loc.column, message); }

std::vector<LintFinding> lint_scenario(const Scenario& sc) {
    std::vector<LintFinding> out;
    auto warn = [&](Location l, std::string msg) { out.push_back(LintFinding{sc.path, l, std::move(msg)}); };
    if (sc.title.empty()) warn(Location{1, 1}, i18n::tr("the lesson has no title"));
    if (sc.summary.empty()) warn(Location{1, 1}, i18n::tr("the lesson has no summary (a paragraph: what it shows and why)"));
    lint_translations(sc.path, sc.languages, out);
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
                warn(l, i18n::trf("the narration names process {name}, which this lesson never creates", "name"_a = name));
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
            warn(s.loc, i18n::trf("step {number} ({op}) is silent: say what it does and why, or put it in a narrated group (say + steps)",
                                  "number"_a = i + 1, "op"_a = op_name(s.op)));
        if (s.ask && s.expects.empty())
            warn(s.ask->loc, i18n::trf("step {number} asks a question but checks nothing: add an expectation that proves its answer", "number"_a = i + 1));
        if (s.op == Op::MapView || s.op == Op::NtMapView)
            if (const Arg* as = s.arg("as")) views.insert(as->text);
        if (s.op == Op::UnmapView)
            if (const Arg* a = s.arg("address"); a && views.count(a->address.name) && a->address.offset != 0)
                warn(a->loc, i18n::trf("step {number} unmaps at {name}{offset:+#x}: UnmapViewOfFile's contract is the base address MapViewOfFile "
                                       "returned ({name}); NT accepts an address inside the view, but a program must not rely on it",
                                       "number"_a = i + 1, "name"_a = a->address.name, "offset"_a = a->address.offset));
    }
    return out;
}

std::vector<LintFinding> lint_course(const Course& course) {
    std::vector<LintFinding> out;
    lint_translations(course.path, {"en", "zh", "ru"}, out);
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
                                      i18n::trf("lesson '{id}' is number {number} in the course: rename it to {number:02}-{name}", "id"_a = l.id,
                                                "number"_a = l.number, "name"_a = l.id.substr(dash + 1))});
    }
    for (const auto& id : files)
        if (!course.find(id))
            out.push_back(LintFinding{course.path, Location{1, 1}, i18n::trf("lesson '{id}' is in the folder but not in the course index", "id"_a = id)});
    return out;
}

}  // namespace pagelab::sim
