#include "sim/Course.h"

#include "sim/YamlReader.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "i18n/I18n.h"

namespace pagelab::sim {

namespace fs = std::filesystem;

const CourseKeys& course_keys() {
    static const CourseKeys keys = {{"pagelab-course", "title", "summary", "chapters"}, {"title", "goal", "lessons"}, {"lesson", "goal", "requires"}};
    return keys;
}

const CourseLesson* Course::find(const std::string& id) const {
    for (const auto& l : lessons)
        if (l.id == id) return &l;
    return nullptr;
}

namespace {

class CourseParser : public YamlReader {
public:
    explicit CourseParser(std::string path) : YamlReader(std::move(path)) {}

    bool text(const yaml::Node& n, const std::string& what, std::string& out, bool non_empty = true) {
        if (!scalar(n, what, out)) return false;
        if (non_empty && out.empty()) return fail(n, i18n::trf("{what}: is empty", fmt::arg("what", what)));
        return true;
    }
    bool keys(const yaml::Node& map, const std::vector<std::string>& allowed, const std::string& where) {
        return check_keys(map, std::set<std::string>(allowed.begin(), allowed.end()), where);
    }

    bool parse(const yaml::Node& root, Course& c) {
        if (!root.IsMap()) return fail(root, i18n::tr("a course index must be a map (pagelab-course: 1, title: ..., chapters: ...)"));
        if (!keys(root, course_keys().index, "the course index")) return false;
        if (!root["pagelab-course"]) return fail(root, i18n::tr("the first key must be 'pagelab-course: 1' (the index format version)"));
        std::string version;
        if (!text(root["pagelab-course"], "pagelab-course", version)) return false;
        if (version != "1") return fail(root["pagelab-course"], i18n::trf("course index version {version} is not supported (this build reads 1)", fmt::arg("version", version)));
        if (!root["title"]) return fail(root, i18n::tr("a course index needs a 'title'"));
        if (!prose(root["title"], "title", c.title, &c.title_tr)) return false;
        if (root["summary"] && !prose(root["summary"], "summary", c.summary, &c.summary_tr)) return false;
        const yaml::Node chapters = root["chapters"];
        if (!chapters) return fail(root, i18n::tr("a course index needs 'chapters'"));
        if (!chapters.IsSequence() || chapters.size() == 0) return fail(chapters, i18n::tr("chapters: must be a list of chapters"));
        const fs::path folder = fs::path(m_path).parent_path();
        for (const auto& ch : chapters) {
            if (!ch.IsMap()) return fail(ch, i18n::tr("a chapter must be a map (title, goal, lessons)"));
            if (!keys(ch, course_keys().chapter, "a chapter")) return false;
            CourseChapter chapter;
            chapter.loc = loc(ch);
            if (!ch["title"]) return fail(ch, i18n::tr("a chapter needs a 'title'"));
            if (!prose(ch["title"], "title", chapter.title, &chapter.title_tr)) return false;
            if (!ch["goal"]) return fail(ch, i18n::tr("a chapter needs a 'goal' (one line: what it teaches)"));
            if (!prose(ch["goal"], "goal", chapter.goal, &chapter.goal_tr)) return false;
            const yaml::Node lessons = ch["lessons"];
            if (!lessons || !lessons.IsSequence() || lessons.size() == 0)
                return fail(lessons ? lessons : ch, i18n::tr("lessons: a chapter needs a list of lessons"));
            for (const auto& ln : lessons) {
                if (!ln.IsMap()) return fail(ln, i18n::tr("a lesson must be a map (lesson, goal, requires)"));
                if (!keys(ln, course_keys().lesson, "a lesson entry")) return false;
                CourseLesson l;
                l.loc = loc(ln);
                if (!ln["lesson"]) return fail(ln, i18n::tr("a lesson entry needs 'lesson' (the file name without .yaml)"));
                if (!text(ln["lesson"], "lesson", l.id)) return false;
                if (c.find(l.id)) return fail(ln["lesson"], i18n::trf("lesson: '{lesson}' is in the course twice", fmt::arg("lesson", l.id)));
                if (!ln["goal"]) return fail(ln, i18n::tr("a lesson entry needs a 'goal' (one line)"));
                if (!prose(ln["goal"], "goal", l.goal, &l.goal_tr)) return false;
                if (ln["requires"]) {
                    const yaml::Node req = ln["requires"];
                    if (!req.IsSequence()) return fail(req, i18n::tr("requires: must be a list of lessons (their file names without .yaml)"));
                    for (const auto& r : req) {
                        std::string id;
                        if (!text(r, "requires", id)) return false;
                        if (!c.find(id))
                            return fail(r, i18n::trf("requires: '{lesson}' is not a lesson earlier in the course", fmt::arg("lesson", id)));
                        l.requires_.push_back(id);
                    }
                }
                const fs::path file = folder / (l.id + ".yaml");
                std::error_code ec;
                if (!fs::is_regular_file(file, ec)) return fail(ln["lesson"], i18n::trf("lesson: no file '{file}'", fmt::arg("file", file.string())));
                l.path = file.string();
                const LoadResult lr = load_scenario(l.path);
                if (lr.error) return fail(ln["lesson"], i18n::trf("lesson: '{lesson}' does not load: {error}", fmt::arg("lesson", l.id), fmt::arg("error", lr.error->message)));
                l.title = lr.scenario->title.empty() ? l.id : lr.scenario->title;
                l.title_tr = lr.scenario->title_tr;
                l.chapter = c.chapters.size();
                l.number = c.lessons.size() + 1;
                chapter.lessons.push_back(c.lessons.size());
                c.lessons.push_back(std::move(l));
            }
            c.chapters.push_back(std::move(chapter));
        }
        return true;
    }

};

}  // namespace

CourseLoad parse_course(const std::string& text, const std::string& path) {
    CourseLoad out;
    yaml::Document doc;  // (the tree the parser reads: libyaml's or yaml-cpp's, sim/YamlTree.h)
    try {
        yaml::load(text, doc);
    } catch (const YAML::ParserException& e) {
        out.error = LoadError{fmt::format("{}:{}:{}: error: YAML: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg)};
        return out;
    }
    const yaml::Node root = yaml::root(doc);
    Course c;
    c.path = path;
    CourseParser p(path);
    bool ok = false;
    try {
        ok = p.parse(root, c);
    } catch (const YAML::Exception& e) {
        p.fail(Location{e.mark.line + 1, e.mark.column + 1}, e.msg);
    }
    if (!ok || p.error) {
        out.error = p.error ? *p.error : LoadError{path + ":1:1: error: " + i18n::tr("invalid course index")};
        return out;
    }
    out.course = std::move(c);
    return out;
}

CourseLoad load_course(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return CourseLoad{std::nullopt, LoadError{fmt::format("{}:1:1: error: {}", path, i18n::tr("no such file"))}};
    if (fs::file_size(path, ec) > (1u << 20)) return CourseLoad{std::nullopt, LoadError{fmt::format("{}:1:1: error: {}", path, i18n::tr("a course index is limited to 1 MB"))}};
    std::ifstream in(path, std::ios::binary);
    if (!in) return CourseLoad{std::nullopt, LoadError{fmt::format("{}:1:1: error: {}", path, i18n::tr("cannot open the file"))}};
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_course(ss.str(), path);
}

bool is_course_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    for (int i = 0; i < 64 && std::getline(in, line); ++i) {
        size_t b = 0;
        while (b < line.size() && (line[b] == ' ' || line[b] == '\t' || line[b] == '\r')) ++b;
        if (b == line.size() || line[b] == '#') continue;
        if (line.compare(b, 3, "---") == 0) continue;
        return line.compare(b, 15, "pagelab-course:") == 0;
    }
    return false;
}

std::optional<std::string> find_course_near(const std::string& path) {
    std::error_code ec;
    fs::path p(path);
    const fs::path folder = fs::is_directory(p, ec) ? p : p.parent_path();
    const fs::path index = (folder.empty() ? fs::path(".") : folder) / "course.yaml";
    if (fs::is_regular_file(index, ec)) return index.string();
    return std::nullopt;
}

}  // namespace pagelab::sim
