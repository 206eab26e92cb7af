#!/usr/bin/env bash
# The authoring and test-report commands (issue 21): `pagelab new`, `check --junit/--tap/-j/--filter`,
# grading with `check --expect-from`, `run --watch`. One case per ctest:
#   authoring_test.sh PAGELAB SOURCE_DIR CASE [PYTHON3]
# Each case works in a fresh temporary folder and fails with a message saying what went wrong.
set -u
pagelab=$1
src=$2
case_name=$3
python=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

fail() { echo "FAIL: $*"; echo "--- stdout:"; cat out.txt 2>/dev/null; echo "--- stderr:"; cat err.txt 2>/dev/null; exit 1; }
# run EXPECTED_EXIT CMD...: runs the command with stdout/stderr in out.txt/err.txt.
run() {
  local want=$1; shift
  "$@" >out.txt 2>err.txt
  local got=$?
  [ "$got" -eq "$want" ] || fail "exit code $got, expected $want: $*"
}
stdout_has() { grep -qF -- "$1" out.txt || fail "stdout lacks: $1"; }
stderr_has() { grep -qF -- "$1" err.txt || fail "stderr lacks: $1"; }
# The yaml-language-server schema a file declares, resolved from the file's folder.
declared_schema() {
  local line
  line=$(head -1 "$1")
  case "$line" in
    "# yaml-language-server: \$schema="*) (cd "$(dirname "$1")" && realpath -e "${line#*\$schema=}") ;;
    *) return 1 ;;
  esac
}

case "$case_name" in
  new-writes-a-lesson-that-checks-and-lints)
    run 0 "$pagelab" new my-first-lesson
    stdout_has "Wrote my-first-lesson.yaml"
    [ -f my-first-lesson.yaml ] || fail "no my-first-lesson.yaml"
    grep -q "^title: 'My first lesson'$" my-first-lesson.yaml || fail "the title is not made from the file name"
    run 0 "$pagelab" check my-first-lesson.yaml
    stdout_has "1 passed, 0 failed"
    # The skeleton is English: lint's only warnings are the translations still to write (issue 17).
    run 1 "$pagelab" lint --lang en my-first-lesson.yaml
    stdout_has "my-first-lesson.yaml:3:8: warning: the title has no Chinese (zh) translation"
    grep "warning:" out.txt | grep -qv "translation: it falls back to English" && fail "lint warns about more than translations"
    run 0 "$pagelab" quiz my-first-lesson.yaml --answers b
    # Outside a checkout it names the schema this build came with.
    [ "$(declared_schema my-first-lesson.yaml)" = "$(realpath "$src/docs/scenario.schema.json")" ] ||
      fail "the first line does not name docs/scenario.schema.json: $(head -1 my-first-lesson.yaml)"
    if [ -n "$python" ]; then
      "$python" "$src/tests/schema/validate.py" valid "$src/docs/scenario.schema.json" my-first-lesson.yaml >out.txt 2>err.txt
      rc=$?
      [ $rc -eq 0 ] || [ $rc -eq 77 ] || fail "the skeleton does not validate against the schema"
    fi
    # Inside a checkout (a docs/ above it), the schema next to it, relatively.
    mkdir -p course/docs course/lessons
    cp "$src/docs/scenario.schema.json" course/docs/
    run 0 "$pagelab" new course/lessons/07-paging-out --title "Paging out: the modified list"
    [ "$(head -1 course/lessons/07-paging-out.yaml)" = '# yaml-language-server: $schema=../docs/scenario.schema.json' ] ||
      fail "not the relative schema: $(head -1 course/lessons/07-paging-out.yaml)"
    grep -q "^title: 'Paging out: the modified list'$" course/lessons/07-paging-out.yaml || fail "--title is not the title"
    run 0 "$pagelab" check course/lessons/07-paging-out.yaml
    ;;
  new-refuses-to-overwrite)
    printf 'my notes\n' > notes.yaml
    run 2 "$pagelab" new notes
    stderr_has "notes.yaml exists; \`pagelab new\` never overwrites a file"
    [ "$(cat notes.yaml)" = "my notes" ] || fail "notes.yaml was changed"
    run 0 "$pagelab" new lesson.yaml
    cp lesson.yaml before.yaml
    run 2 "$pagelab" new lesson.yaml
    cmp -s lesson.yaml before.yaml || fail "a lesson was rewritten"
    run 2 "$pagelab" new no/such/folder/lesson
    stderr_has "the folder no/such/folder does not exist"
    ;;
  check-junit-report)
    reports=$src/tests/scenarios/reports
    run 2 "$pagelab" check "$src/scenarios/01-demand-zero.yaml" "$reports" "$src/tests/scenarios/bad/unknown-key.yaml" --junit r.xml
    stdout_has "1 passed, 2 failed"
    [ -f r.xml ] || fail "no report written"
    if command -v xmllint >/dev/null; then
      xmllint --noout --schema "$src/tests/reports/junit.xsd" r.xml >out.txt 2>err.txt || fail "the report is not valid JUnit XML"
    elif [ "${CI:-}" = "true" ]; then
      fail "xmllint is missing (libxml2-utils: third_party/setup.sh)"
    fi
    if [ -n "$python" ]; then
      "$python" "$src/tests/reports/read_junit.py" r.xml 01-demand-zero.yaml=passed two-failures.yaml=failed:2 unknown-key.yaml=error \
        >out.txt 2>err.txt || fail "the report does not read back as the run"
    fi
    grep -qF 'name="tests/scenarios/reports/two-failures.yaml: Two failures &lt;&amp;&gt; one file"' r.xml ||
      grep -qF 'Two failures &lt;&amp;&gt; one file' r.xml || fail "the title is not escaped"
    # Its own report is replaced; anyone else's file is not.
    run 0 "$pagelab" check "$src/scenarios/01-demand-zero.yaml" --junit r.xml
    grep -q 'tests="1"' r.xml || fail "the report was not replaced"
    printf 'my notes\n' > notes.xml
    run 2 "$pagelab" check "$src/scenarios/01-demand-zero.yaml" --junit notes.xml
    stderr_has "notes.xml exists and is not a JUnit report written by PageLab; refusing to overwrite it"
    [ "$(cat notes.xml)" = "my notes" ] || fail "notes.xml was changed"
    ;;
  check-tap-report)
    run 2 "$pagelab" check "$src/scenarios/01-demand-zero.yaml" "$src/tests/scenarios/reports" "$src/tests/scenarios/bad/unknown-key.yaml" --tap
    [ "$(head -1 out.txt)" = "TAP version 13" ] || fail "no TAP version line"
    grep -qx "ok 1 - .*01-demand-zero.yaml: Demand-zero pages and the first touch" out.txt || fail "test point 1"
    grep -qx "not ok 2 - .*two-failures.yaml: Two failures <&> one file" out.txt || fail "test point 2"
    grep -qx "not ok 3 - .*unknown-key.yaml" out.txt || fail "test point 3"
    grep -qx "1..3" out.txt || fail "no plan"
    grep -qx "# 1 passed, 2 failed" out.txt || fail "no summary"
    [ "$(grep -c '^  ---$' out.txt)" = 2 ] && [ "$(grep -c '^  \.\.\.$' out.txt)" = 2 ] || fail "not one YAML block per failed point"
    grep -qF "      expected: '2'" out.txt && grep -qF "      actual: '1'" out.txt || fail "no expected/actual in the diagnostics"
    grep -qF "  message: '" out.txt && grep -qF "unknown-key.yaml:8:5: error: unknown key ''adress''" out.txt ||
      fail "the load error is not in the diagnostics"
    # Every line is TAP: a version, a plan, a test point, a diagnostic (indented) or a comment.
    ! grep -vE '^(TAP version 13|1\.\.[0-9]+|(not )?ok [0-9]+ - .*|  .*|# .*)$' out.txt || fail "a line that is not TAP"
    if [ -n "$python" ]; then
      # Each diagnostic block is YAML.
      awk '/^  ---$/{b=1; next} /^  \.\.\.$/{b=0; print "---"; next} b{print}' out.txt > blocks.yaml
      "$python" -c 'import sys, yaml; docs = [d for d in yaml.safe_load_all(open("blocks.yaml")) if d]; assert len(docs) == 2, docs' \
        || fail "a diagnostic block is not YAML"
    fi
    ;;
  check-in-parallel-keeps-the-order)
    run 1 "$pagelab" check "$src/scenarios" "$src/tests/scenarios/reports" "$src/tests/scenarios/grading" --junit one.xml
    mv out.txt one.txt
    for j in 2 3 0; do
      run 1 "$pagelab" check "$src/scenarios" "$src/tests/scenarios/reports" "$src/tests/scenarios/grading" -j $j --junit many.xml
      cmp -s out.txt one.txt || { diff one.txt out.txt | head; fail "-j $j prints another report than -j 1"; }
      cmp -s many.xml one.xml || fail "-j $j writes another JUnit report than -j 1"
    done
    grep -q "44 passed, 1 failed" one.txt || fail "not every file was checked"
    ;;
  check-filter-selects-by-path-or-title)
    run 0 "$pagelab" check "$src/scenarios" --filter belady
    stdout_has "2 passed, 0 failed"
    # The title: lesson 22's is "Two instances of AppInst share code and copy data on write".
    run 0 "$pagelab" check "$src/scenarios" --filter "SHARE CODE AND COPY"
    stdout_has "1 passed, 0 failed"
    run 1 "$pagelab" check "$src/scenarios" "$src/tests/scenarios/reports" --filter "two failures" --tap
    grep -qx "not ok 1 - .*two-failures.yaml: Two failures <&> one file" out.txt || fail "the title filter"
    grep -qx "1..1" out.txt || fail "only the one selected file is a test point"
    run 2 "$pagelab" check "$src/scenarios" --filter no-such-lesson
    stderr_has "--filter 'no-such-lesson' selects none of the"
    ;;
  grade-right-and-wrong-students)
    g=$src/tests/scenarios/grading
    run 0 "$pagelab" check --expect-from "$g/key.yaml" "$g/student-right.yaml"
    stdout_has "student-right.yaml: 12 of 12 expectations hold, 1 of 1 answer right"
    stdout_has "1 passed, 0 failed"
    run 1 "$pagelab" check --expect-from "$g/key.yaml" "$g/student-wrong.yaml"
    stdout_has "student-wrong.yaml: 5 of 12 expectations hold, 0 of 1 answer right"
    stdout_has "student-wrong.yaml:12:5: step 2 'commit': expectation counters.commit_charge failed: expected 3, got 2 (the key's"
    stdout_has "student-wrong.yaml:20:5: step 3 'touch': wrong answer: expected b) a demand-zero fault, got a) none"
    stdout_has "student-wrong.yaml:20:5: step 3 'touch': expectation pte.dirty failed: expected true, got false"
    stdout_has "student-wrong.yaml:20:5: the end: expectation pte.present failed: expected false, got true"
    stdout_has "  ok    step 3 'touch': fault = demand-zero"
    # A class at once, with a report for the CI server.
    mkdir class && cp "$g"/student-*.yaml class/
    run 1 "$pagelab" check --expect-from "$g/key.yaml" class -j 2 --junit grades.xml
    if [ -n "$python" ]; then
      "$python" "$src/tests/reports/read_junit.py" grades.xml student-right.yaml=passed student-wrong.yaml=failed:8 >out.txt 2>err.txt ||
        fail "the grades do not read back"
    fi
    # The key's own run passes, as a lesson's does.
    run 0 "$pagelab" check "$g/key.yaml"
    # A key must grade something: labelled steps with expectations, or closing expectations.
    printf 'pagelab: 1\nsteps:\n  - {say: A starts., do: create_process, as: A, expect: {result: ok}}\n' > nothing.yaml
    run 2 "$pagelab" check --expect-from nothing.yaml "$g/student-right.yaml"
    stderr_has "nothing.yaml:1:1: error: the key grades nothing"
    ;;
  run-watch-reloads-shows-errors-in-place-and-recovers)
    cp "$src/scenarios/01-demand-zero.yaml" s.yaml
    "$pagelab" run --watch s.yaml --watch-limit 3 >out.txt 2>err.txt &
    pid=$!
    # wait_for TEXT FILE: up to 15 s for the watcher to print it.
    wait_for() { for _ in $(seq 150); do grep -qF -- "$1" "$2" && return 0; sleep 0.1; done; kill $pid 2>/dev/null; fail "no '$1' in $2"; }
    wait_for "Watching s.yaml" out.txt
    # 1. Narration changes: the steps run as before.
    sed -i 's/^  en: Demand-zero pages and the first touch$/  en: Demand-zero pages, edited/' s.yaml
    wait_for "== Demand-zero pages, edited ==" out.txt
    wait_for "(steps 1-" out.txt
    # 2. A typo: the error as an editor shows it, the last good run stands.
    sed -i '0,/do: read/s//do: rread/' s.yaml
    wait_for "error: unknown operation 'rread'" err.txt
    wait_for "(the last good run above stands" err.txt
    line=$(grep -n "do: rread" s.yaml | head -1 | cut -d: -f1)
    grep -qE "s\.yaml:$line:[0-9]+: error: unknown operation 'rread'" err.txt || fail "no FILE:LINE:COL for line $line"
    grep -qE "^ +$line \| +do: rread$" err.txt || fail "the offending line is not shown"
    grep -qE "^ +\| +\^$" err.txt || fail "no caret under the column"
    # 3. Fixed: it runs again.
    sed -i 's/do: rread/do: read/' s.yaml
    for _ in $(seq 150); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    kill -0 $pid 2>/dev/null && { kill $pid; fail "--watch-limit 3 did not stop after three reloads"; }
    wait $pid
    rc=$?
    [ $rc -eq 0 ] || fail "exit code $rc after the fixed run, expected 0"
    [ "$(grep -c '^== Demand-zero pages, edited ==$' out.txt)" = 2 ] || fail "the fixed file was not run again"
    [ "$(grep -c ' changed: running it again ---$' out.txt)" = 3 ] || fail "not three reloads"
    ;;
  *)
    echo "authoring_test.sh: no case named $case_name"
    exit 2
    ;;
esac
echo "ok: $case_name"
