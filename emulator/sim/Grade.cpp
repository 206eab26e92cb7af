#include "sim/Grade.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/Quiz.h"
#include "sim/Session.h"

namespace pagelab::sim {

namespace {

// The key's closing steps: `say` steps without a label after its last operation, with expectations.
std::vector<size_t> closing_steps(const Scenario& key) {
    size_t first = 0;
    for (size_t i = 0; i < key.steps.size(); ++i)
        if (key.steps[i].op != Op::Pause) first = i + 1;
    std::vector<size_t> out;
    for (size_t i = first; i < key.steps.size(); ++i)
        if (key.steps[i].label.empty() && !key.steps[i].expects.empty()) out.push_back(i);
    return out;
}

bool grades(const Step& s) { return !s.label.empty() && (!s.expects.empty() || s.ask); }

// The names the student's file binds (`as:` of steps other than create_process) and the processes
// it creates.
struct StudentNames {
    std::set<std::string> bound, processes;
};
StudentNames names_of(const Scenario& sc) {
    StudentNames n;
    for (const Step& s : sc.steps)
        if (const Arg* as = s.arg("as")) (s.op == Op::CreateProcess ? n.processes : n.bound).insert(as->text);
    return n;
}

// The first name or process an expectation uses that the student's file never binds or creates.
std::optional<std::string> missing_name(const Expectation& e, const StudentNames& names) {
    auto check = [&](const std::map<std::string, Arg>& fields) -> std::optional<std::string> {
        for (const auto& [key, a] : fields) {
            if (a.type == ArgType::Process && !names.processes.count(a.text))
                return fmt::format("the student's file creates no process '{}'", a.text);
            if ((a.type == ArgType::Address || a.type == ArgType::Value) && !a.address.name.empty() && !names.bound.count(a.address.name))
                return fmt::format("the student's file binds no name '{}' (as: {})", a.address.name, a.address.name);
        }
        return std::nullopt;
    };
    if (auto m = check(e.fields)) return m;
    for (const auto& f : e.pair)
        if (auto m = check(f)) return m;
    return std::nullopt;
}

// The student's answer to the key's question, as the key's question reads it.
std::optional<Answer> students_answer(const Question& key, const Question& student) {
    std::string why;
    if (student.has_choices()) return parse_answer(key, student.choices[student.answer], why);
    if (key.has_choices()) return std::nullopt;
    return Answer{std::nullopt, student.number};
}

}  // namespace

std::optional<LoadError> check_key(const Scenario& key) {
    for (const Step& s : key.steps)
        if (grades(s)) return std::nullopt;
    if (!closing_steps(key).empty()) return std::nullopt;
    return LoadError{fmt::format("{}:1:1: error: the key grades nothing: give a `label:` to the steps whose expectations (or "
                                 "questions) grade the student's steps of the same label, or end it with `say` steps whose "
                                 "expectations check how the student's run ends (docs/authoring.md)",
                                 key.path)};
}

namespace {

// The student's answer to the key's question of the step labelled like k.
GradeItem grade_answer(const Step& k, const Scenario& student, size_t s) {
    GradeItem it;
    it.label = k.label;
    it.key_loc = k.ask->loc;
    it.student_step = s;
    it.student_loc = student.steps[s].loc;
    it.what = "answer";
    it.answer = true;
    it.expected = right_answer_text(*k.ask);
    if (!student.steps[s].ask) {
        it.actual = "no answer (the step has no ask:)";
    } else {
        const auto a = students_answer(*k.ask, *student.steps[s].ask);
        it.actual = a ? answer_text(*k.ask, *a) : right_answer_text(*student.steps[s].ask) + " (not one of the key's choices)";
        it.passed = a && is_right(*k.ask, *a);
    }
    return it;
}

// Runs the student's steps with the key's expectations attached; one item per check.
std::vector<GradeItem> run_checks(Scenario merged, const Scenario& student) {
    std::vector<GradeItem> items;
    const Session session(std::move(merged));
    for (size_t s = 0; s < session.step_count(); ++s) {
        const bool is_end = s >= student.steps.size();
        for (const CheckResult& c : session.result(s).checks) {
            GradeItem it;
            it.key_loc = c.expectation->loc;
            if (!is_end) {
                it.label = student.steps[s].label;
                it.student_step = s;
                it.student_loc = student.steps[s].loc;
            }
            it.what = c.what;
            it.expected = c.expected;
            it.actual = c.actual;
            it.passed = c.passed;
            items.push_back(std::move(it));
        }
    }
    return items;
}

// Sorts the items in the key's order (a report reads like the key) and counts them.
void tally(Grade& g) {
    std::stable_sort(g.items.begin(), g.items.end(), [](const GradeItem& a, const GradeItem& b) {
        return a.key_loc.line != b.key_loc.line ? a.key_loc.line < b.key_loc.line : a.key_loc.column < b.key_loc.column;
    });
    for (const GradeItem& it : g.items) {
        if (it.answer) {
            ++g.answers;
            g.answers_right += it.passed ? 1 : 0;
        } else {
            ++g.expectations;
            g.expectations_held += it.passed ? 1 : 0;
        }
    }
}

}  // namespace

Grade grade(const Scenario& key, const Scenario& student) {
    Grade g;
    std::map<std::string, size_t> by_label;
    for (size_t i = 0; i < student.steps.size(); ++i)
        if (!student.steps[i].label.empty()) by_label.emplace(student.steps[i].label, i);
    const StudentNames names = names_of(student);

    Scenario merged = student;
    for (Step& s : merged.steps) s.expects.clear();
    std::vector<GradeItem> early;  // found without running: a missing label or name
    auto fail_now = [&](const std::string& label, Location at, const std::string& what, std::string expected, std::string actual,
                        std::optional<size_t> step, bool answer = false) {
        GradeItem it;
        it.answer = answer;
        it.label = label;
        it.key_loc = at;
        it.student_step = step;
        if (step) it.student_loc = student.steps[*step].loc;
        it.what = what;
        it.expected = std::move(expected);
        it.actual = std::move(actual);
        early.push_back(std::move(it));
    };
    auto attach = [&](const std::string& label, const Expectation& e, std::vector<Expectation>& into, std::optional<size_t> step) {
        if (auto missing = missing_name(e, names)) fail_now(label, e.loc, expect_kind_name(e.kind), "to be checked", *missing, step);
        else into.push_back(e);
    };

    std::vector<GradeItem> answers;
    for (const Step& k : key.steps) {
        if (!grades(k)) continue;
        const auto found = by_label.find(k.label);
        if (found == by_label.end()) {
            const std::string none = fmt::format("no step labelled '{}' in {}", k.label, student.path);
            for (const Expectation& e : k.expects) fail_now(k.label, e.loc, expect_kind_name(e.kind), "a step labelled '" + k.label + "'", none, std::nullopt);
            if (k.ask) fail_now(k.label, k.ask->loc, "answer", right_answer_text(*k.ask), none, std::nullopt, true);
            continue;
        }
        const size_t s = found->second;
        for (const Expectation& e : k.expects) attach(k.label, e, merged.steps[s].expects, s);
        if (k.ask) answers.push_back(grade_answer(k, student, s));
    }
    // The key's closing expectations: a pause after the student's last step.
    const auto closing = closing_steps(key);
    if (!closing.empty()) {
        Step end;
        end.op = Op::Pause;
        end.say = "(the key's closing expectations)";
        for (size_t i : closing)
            for (const Expectation& e : key.steps[i].expects) attach("", e, end.expects, std::nullopt);
        merged.steps.push_back(std::move(end));
    }

    g.items = run_checks(std::move(merged), student);
    for (auto& it : early) g.items.push_back(std::move(it));
    for (auto& it : answers) g.items.push_back(std::move(it));
    tally(g);
    return g;
}

}  // namespace pagelab::sim
