// The course index (scenarios/course.yaml): the lessons in the order a teacher presents them,
// grouped into chapters, each with a one-line goal and its prerequisites. `pagelab course`
// lists it, `pagelab lint` checks it against the lesson files, and the window's lesson picker
// reads it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/Scenario.h"

namespace pagelab::sim {

struct CourseLesson {
    Location loc;
    std::string id;                     // the lesson file's name without .yaml: "01-demand-zero"
    std::string path;                   // the lesson file, as found from the index's folder
    std::string title;                  // the lesson's own title (read from the lesson file)
    Translations title_tr;
    std::string goal;                   // one line: what the learner can do afterwards
    Translations goal_tr;
    std::vector<std::string> requires_; // ids of lessons to take first (earlier in the course)
    size_t chapter = 0;                 // index into Course::chapters
    size_t number = 0;                  // 1-based position in the course
};

struct CourseChapter {
    Location loc;
    std::string title;
    std::string goal;
    Translations title_tr, goal_tr;
    std::vector<size_t> lessons;  // indices into Course::lessons
};

struct Course {
    std::string path;
    std::string title;
    std::string summary;
    Translations title_tr, summary_tr;
    std::vector<CourseChapter> chapters;
    std::vector<CourseLesson> lessons;  // in course order

    const CourseLesson* find(const std::string& id) const;
};

struct CourseLoad {
    std::optional<Course> course;
    std::optional<LoadError> error;  // FILE:LINE:COL: error: …
};

// Reads and validates an index: keys, chapters, lessons whose files exist and load as
// scenarios (their titles are taken from them), prerequisites that name earlier lessons, no
// lesson twice.
CourseLoad load_course(const std::string& path);
CourseLoad parse_course(const std::string& text, const std::string& path);

// Whether a YAML file is a course index (its first key is `pagelab-course`), not a scenario.
bool is_course_file(const std::string& path);

// Where the lessons are: the index beside the given lesson or folder (scenarios/course.yaml).
std::optional<std::string> find_course_near(const std::string& path);

}  // namespace pagelab::sim
