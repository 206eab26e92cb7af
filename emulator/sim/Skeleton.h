// `pagelab new`: the skeleton of a lesson — a machine, a narrated step, an expectation and a
// question — that passes `pagelab check` and `pagelab lint` as written, so an author starts from
// a file that works and changes it one step at a time.
#pragma once

#include <string>

namespace pagelab::sim {

struct SkeletonOptions {
    std::string title;        // empty: made from the file name ("07-my-lesson" -> "My lesson")
    std::string schema_path;  // the $schema of the yaml-language-server comment; empty: no comment
};

// The lesson's text.
std::string lesson_skeleton(const SkeletonOptions& options);
// "07-my-lesson.yaml" -> "My lesson".
std::string title_from_file_name(const std::string& path);

}  // namespace pagelab::sim
