#include "cli/TestReports.h"

#include <fmt/format.h>

namespace pagelab::cli {

namespace {

// XML 1.0 text or attribute: the five entities, and control characters (which XML 1.0 cannot
// hold at all) as '?'. The scenario text is valid UTF-8 (checked when it loads), so the rest
// passes through.
std::string xml(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\n': out += "&#10;"; break;
            case '\t': out += "&#9;"; break;
            default: out += (uint8_t(c) < 0x20) ? '?' : c;
        }
    }
    return out;
}

// A single-quoted YAML scalar, one line.
std::string yq(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "''";
        else if (c == '\n' || c == '\r') out += ' ';
        else out += c;
    }
    return out + "'";
}

// A TAP description may not hold '#' unescaped (it starts a directive).
std::string tap_text(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '#') out += "\\#";
        else if (c == '\n' || c == '\r') out += ' ';
        else out += c;
    }
    return out;
}

std::string name_of(const FileOutcome& f) { return f.title.empty() ? f.path : f.path + ": " + f.title; }

std::string short_message(const CheckFailure& c) {
    std::string where = c.step ? fmt::format("step {}", c.step) : std::string();
    if (!c.label.empty()) where += (where.empty() ? "" : " ") + fmt::format("'{}'", c.label);
    return fmt::format("{}{}{}: expected {}, got {}", where, where.empty() ? "" : ", ", c.what, c.expected, c.actual);
}

}  // namespace

void tap_header(std::ostream& out) { out << "TAP version 13\n"; }

void tap_point(std::ostream& out, size_t number, const FileOutcome& f) {
    out << fmt::format("{} {} - {}\n", f.passed() ? "ok" : "not ok", number, tap_text(name_of(f)));
    if (f.passed()) return;
    out << "  ---\n";
    if (f.error) {
        out << "  message: " << yq(*f.error) << "\n";
        out << "  severity: error\n";
    } else {
        out << "  message: " << yq(fmt::format("{} of {} checks failed", f.failures.size(), f.checks)) << "\n";
        out << "  severity: fail\n";
        out << "  failures:\n";
        for (const CheckFailure& c : f.failures) {
            out << "    - at: " << yq(c.at) << "\n";
            if (c.step) out << "      step: " << c.step << "\n";
            if (!c.label.empty()) out << "      label: " << yq(c.label) << "\n";
            out << "      expectation: " << yq(c.what) << "\n";
            if (!c.key_at.empty()) out << "      key: " << yq(c.key_at) << "\n";
            out << "      expected: " << yq(c.expected) << "\n";
            out << "      actual: " << yq(c.actual) << "\n";
        }
    }
    out << "  ...\n";
}

void tap_footer(std::ostream& out, size_t count, const std::string& summary) { out << fmt::format("1..{}\n# {}\n", count, summary); }

void write_junit(std::ostream& out, const std::vector<const FileOutcome*>& files, const std::string& name) {
    size_t failures = 0, errors = 0;
    for (const FileOutcome* f : files) {
        if (f->error) ++errors;
        else if (!f->failures.empty()) ++failures;
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << kJunitMarker << ": one test case per scenario, a failure per failed expectation, an error per file that does not load. -->\n";
    out << fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", xml(name), files.size(), failures, errors);
    for (size_t i = 0; i < files.size();) {
        // One suite per path argument, in the order given.
        size_t end = i;
        size_t suite_failures = 0, suite_errors = 0;
        while (end < files.size() && files[end]->suite == files[i]->suite) {
            if (files[end]->error) ++suite_errors;
            else if (!files[end]->failures.empty()) ++suite_failures;
            ++end;
        }
        out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">\n", xml(files[i]->suite),
                           end - i, suite_failures, suite_errors);
        for (; i < end; ++i) {
            const FileOutcome& f = *files[i];
            out << fmt::format("    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" assertions=\"{}\"", xml(name_of(f)), xml(f.suite),
                               xml(f.path), f.checks);
            if (f.passed()) {
                out << "/>\n";
                continue;
            }
            out << ">\n";
            if (f.error) out << fmt::format("      <error message=\"{}\" type=\"load-error\">{}</error>\n", xml(*f.error), xml(*f.error));
            for (const CheckFailure& c : f.failures)
                out << fmt::format("      <failure message=\"{}\" type=\"{}\">{}&#10;expected: {}&#10;actual: {}</failure>\n",
                                   xml(short_message(c)), c.what == "answer" ? "answer" : "expectation", xml(c.text), xml(c.expected),
                                   xml(c.actual));
            // The text report, when it says more than the failures (a grade's passed items).
            std::string failure_lines;
            for (const CheckFailure& c : f.failures) failure_lines += c.text + "\n";
            if (!f.out.empty() && f.out != failure_lines) out << fmt::format("      <system-out>{}</system-out>\n", xml(f.out));
            out << "    </testcase>\n";
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
}

}  // namespace pagelab::cli
