#!/usr/bin/env python3
"""Reads a JUnit report of `pagelab check --junit` back and checks it against what the run was
meant to find (tests/cli/authoring_test.sh):

  read_junit.py REPORT.xml EXPECTED...

Each EXPECTED is `NAME=passed`, `NAME=error` or `NAME=failed:N` (N failures), where NAME is the end
of a test case's file attribute. Also checks the totals, every failure's text (FILE:LINE:COL,
expected, actual) and that no other test case is in the report. Only the standard library.
"""
import re
import sys
import xml.etree.ElementTree as ET


def main(argv):
    root = ET.parse(argv[1]).getroot()
    want = {}
    for spec in argv[2:]:
        name, state = spec.split("=", 1)
        want[name] = state
    problems = []
    assert root.tag == "testsuites", root.tag
    cases = []
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.findall("testsuite"):
        suite_cases = suite.findall("testcase")
        if int(suite.get("tests")) != len(suite_cases):
            problems.append(f"suite {suite.get('name')}: tests={suite.get('tests')} but {len(suite_cases)} test cases")
        n_fail = sum(1 for c in suite_cases if c.find("failure") is not None and c.find("error") is None)
        n_err = sum(1 for c in suite_cases if c.find("error") is not None)
        if int(suite.get("failures")) != n_fail or int(suite.get("errors")) != n_err:
            problems.append(f"suite {suite.get('name')}: failures/errors {suite.get('failures')}/{suite.get('errors')}, counted {n_fail}/{n_err}")
        totals["tests"] += len(suite_cases)
        totals["failures"] += n_fail
        totals["errors"] += n_err
        cases += suite_cases
    for key, value in totals.items():
        if int(root.get(key)) != value:
            problems.append(f"testsuites {key}={root.get(key)}, counted {value}")
    seen = set()
    for case in cases:
        path = case.get("file")
        match = [n for n in want if path.endswith(n)]
        if len(match) != 1:
            problems.append(f"unexpected test case {path}")
            continue
        name = match[0]
        seen.add(name)
        state = want[name]
        failures = case.findall("failure")
        errors = case.findall("error")
        if state == "passed" and (failures or errors):
            problems.append(f"{name}: expected to pass, has {len(failures)} failures, {len(errors)} errors")
        elif state == "error":
            if len(errors) != 1 or not re.search(r":\d+:\d+: error: ", errors[0].get("message", "")):
                problems.append(f"{name}: expected one error with FILE:LINE:COL: error:")
        elif state.startswith("failed:"):
            n = int(state.split(":")[1])
            if len(failures) != n:
                problems.append(f"{name}: expected {n} failures, got {len(failures)}")
            for f in failures:
                text = f.text or ""
                if not re.match(r"^\S+:\d+:\d+: ", text) or "\nexpected: " not in text or "\nactual: " not in text:
                    problems.append(f"{name}: a failure without FILE:LINE:COL, expected and actual: {text!r}")
                if not f.get("message"):
                    problems.append(f"{name}: a failure without a message")
    for name in want:
        if name not in seen:
            problems.append(f"no test case for {name}")
    for p in problems:
        print("FAIL:", p)
    print(f"read back {len(cases)} test cases, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
