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
    run 0 "$pagelab" lint my-first-lesson.yaml
    stdout_has "0 warnings"
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
  *)
    echo "authoring_test.sh: no case named $case_name"
    exit 2
    ;;
esac
echo "ok: $case_name"
