#!/usr/bin/env bash
# Command-line behaviours that need files, exit codes and standard streams (issue 13): writing golden
# traces safely, comparing them, full disks, devices, memory limits. One case per ctest:
#   cli_test.sh PAGELAB SOURCE_DIR CASE
# Each case works in a fresh temporary folder and fails with a message saying what went wrong.
set -u
pagelab=$1
src=$2
case_name=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
lesson=$src/scenarios/01-demand-zero.yaml
cp "$lesson" s.yaml

fail() { echo "FAIL: $*"; echo "--- stdout:"; cat out.txt 2>/dev/null; echo "--- stderr:"; cat err.txt 2>/dev/null; exit 1; }
# run EXPECTED_EXIT CMD...: runs the command with stdout/stderr in out.txt/err.txt.
run() {
  local want=$1; shift
  "$@" >out.txt 2>err.txt
  local got=$?
  [ "$got" -eq "$want" ] || fail "exit code $got, expected $want: $*"
}
stderr_has() { grep -qF -- "$1" err.txt || fail "stderr lacks: $1"; }
no_temp_files() { ! ls -a "$1" | grep -q '\.tmp-' || fail "a temporary file was left in $1"; }

case "$case_name" in
  bless-refuses-the-scenario)
    cp s.yaml keep.yaml
    run 2 "$pagelab" trace s.yaml --bless s.yaml
    stderr_has "is the scenario file itself; refusing to overwrite it"
    cmp -s s.yaml keep.yaml || fail "the scenario was changed"
    ;;
  bless-refuses-a-file-pagelab-did-not-write)
    printf 'my notes\n' > user.txt
    PAGELAB_BLESS=1 run 2 "$pagelab" trace s.yaml --compare user.txt
    stderr_has "user.txt exists and is not a golden trace written by PageLab; refusing to overwrite it"
    [ "$(cat user.txt)" = "my notes" ] || fail "user.txt was changed"
    cp "$src/scenarios/03-reserve-vs-commit.yaml" other.yaml
    run 2 "$pagelab" trace s.yaml --bless other.yaml
    stderr_has "other.yaml exists and is not a golden trace written by PageLab"
    cmp -s other.yaml "$src/scenarios/03-reserve-vs-commit.yaml" || fail "another scenario was changed"
    ;;
  bless-refuses-devices-folders-and-missing-folders)
    run 2 "$pagelab" trace s.yaml --bless /dev/full
    stderr_has "/dev/full is not a regular file; refusing to write a golden trace there"
    mkdir d
    run 2 "$pagelab" trace s.yaml --bless d
    stderr_has "cannot write d: it is a folder"
    run 2 "$pagelab" trace s.yaml --bless no/such/folder.trace
    stderr_has "cannot write no/such/folder.trace: the folder no/such does not exist"
    [ ! -e no ] || fail "a folder was created"
    ;;
  bless-replaces-a-golden-trace-atomically)
    printf '# PageLab trace, format 1\nold\n' > g.trace
    chmod 640 g.trace
    run 0 "$pagelab" trace s.yaml --bless g.trace
    stderr_has "wrote g.trace"
    "$pagelab" trace s.yaml > want.trace || fail "trace failed"
    cmp -s g.trace want.trace || fail "the golden file is not the trace"
    [ "$(stat -c %a g.trace)" = 640 ] || fail "the golden file's mode changed to $(stat -c %a g.trace)"
    no_temp_files .
    # A new golden file (JSON) in an existing folder, and PAGELAB_BLESS=1 with --compare.
    run 0 "$pagelab" trace s.yaml --format json --bless new.json
    "$pagelab" trace s.yaml --format json | cmp -s - new.json || fail "the new JSON golden file differs"
    printf '# PageLab trace, format 1\nold\n' > g2.trace
    PAGELAB_BLESS=1 run 0 "$pagelab" trace s.yaml --compare g2.trace
    cmp -s g2.trace want.trace || fail "PAGELAB_BLESS=1 did not rewrite the golden file"
    # A golden file behind a symbolic link: the file is replaced, the link stays a link.
    printf '# PageLab trace, format 1\nold\n' > real.trace
    ln -s real.trace link.trace
    run 0 "$pagelab" trace s.yaml --bless link.trace
    [ -L link.trace ] || fail "the link was replaced by a file"
    cmp -s real.trace want.trace || fail "the linked file was not rewritten"
    no_temp_files .
    ;;
  bless-reports-a-failed-write)
    # A folder that cannot take new files: the temporary file cannot be made (not as root, who may).
    if [ "$(id -u)" -eq 0 ]; then
      # As root: a file system that is full is the usual failure; a too-long name stands in for it.
      long=$(printf 'x%.0s' $(seq 300))
      run 2 "$pagelab" trace s.yaml --bless "$long.trace"
      stderr_has "cannot write $long.trace"
    else
      mkdir ro && chmod 555 ro
      run 2 "$pagelab" trace s.yaml --bless ro/g.trace
      stderr_has "cannot write ro/g.trace: Permission denied"
    fi
    no_temp_files .
    ;;
  compare-equal-different-missing)
    "$pagelab" trace s.yaml > g.trace || fail "trace failed"
    run 0 "$pagelab" trace s.yaml --compare g.trace
    sed -i '5s/.*/changed line/' g.trace
    run 1 "$pagelab" trace s.yaml --compare g.trace
    stderr_has "g.trace:5: trace differs from the golden file"
    stderr_has "  expected: changed line"
    "$pagelab" trace s.yaml | head -n -1 > short.trace
    run 1 "$pagelab" trace s.yaml --compare short.trace
    stderr_has "expected: <end of file>"
    "$pagelab" trace s.yaml > long.trace && echo extra >> long.trace
    run 1 "$pagelab" trace s.yaml --compare long.trace
    stderr_has "actual:   <end of file>"
    "$pagelab" trace s.yaml | head -c -1 > nonl.trace
    run 1 "$pagelab" trace s.yaml --compare nonl.trace
    stderr_has "nonl.trace: trace differs from the golden file (line endings)"
    run 1 "$pagelab" trace s.yaml --compare missing.trace
    stderr_has "missing.trace: error: cannot read the golden trace (write it with --bless)"
    ;;
  output-to-a-full-disk-is-an-error)
    for cmd in "trace s.yaml" "trace s.yaml --format json" "run s.yaml" "state s.yaml --at 3"; do
      # shellcheck disable=SC2086
      $pagelab $cmd > /dev/full 2>err.txt
      code=$?
      [ "$code" -eq 2 ] || fail "'$cmd > /dev/full' exited with $code, expected 2"
      stderr_has "No space left on device"
    done
    ;;
  out-of-memory-is-an-error-not-an-abort)
    cat > big.yaml <<'YAML'
pagelab: 1
files:
  - {path: 'C:\A.TXT', size: 64 MB, text: "a"}
  - {path: 'C:\B.TXT', size: 64 MB, text: "b"}
  - {path: 'C:\C.TXT', size: 64 MB, text: "c"}
  - {path: 'C:\D.TXT', size: 64 MB, text: "d"}
steps: []
YAML
    # 256 MB of emulated disk (within the disk budget) in a process limited to 192 MB of address
    # space: the host refuses memory, and that is an error with exit code 2, not an abort.
    (ulimit -v 196608; exec "$pagelab" run --no-changes big.yaml) >out.txt 2>err.txt
    code=$?
    [ "$code" -eq 2 ] || fail "exit code $code, expected 2"
    stderr_has "big.yaml:1:1: error: out of memory"
    ;;
  replay-refuses-devices)
    run 2 "$pagelab" replay /dev/zero --frames 4 --policy fifo
    stderr_has "/dev/zero: error: cannot read file (not a regular file"
    ;;
  replay-a-million-frames-stays-small)
    printf '10000 R\n20000 W\n30000 R\n' > small.rw
    (ulimit -v 1048576; exec "$pagelab" replay small.rw --frames 1000000 --policy ws --no-timing) >out.txt 2>err.txt
    code=$?
    [ "$code" -eq 0 ] || fail "exit code $code, expected 0 within 1 GB of address space"
    grep -q "^accesses: 3$" out.txt || fail "no accesses line"
    ;;
  *)
    echo "cli_test.sh: unknown case $case_name"; exit 2 ;;
esac
echo "ok: $case_name"
