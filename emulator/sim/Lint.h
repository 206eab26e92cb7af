// `pagelab lint`: what makes a lesson teach less than it could, found without running it.
// Silent steps (an operation nobody narrates), questions whose answer nothing checks, an unmap
// at an address other than the view's base (the documented contract), lessons missing from the
// course index.
#pragma once

#include <string>
#include <vector>

#include "sim/Course.h"
#include "sim/Scenario.h"

namespace pagelab::sim {

struct LintFinding {
    std::string path;
    Location loc;
    std::string message;
    std::string text() const;  // FILE:LINE:COL: warning: message
};

std::vector<LintFinding> lint_scenario(const Scenario& sc);
// Every lesson file in the index's folder is in the course.
std::vector<LintFinding> lint_course(const Course& course);

}  // namespace pagelab::sim
