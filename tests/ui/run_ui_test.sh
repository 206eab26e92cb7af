#!/usr/bin/env bash
# Runs one pagelab-ui invocation on a private virtual display (Xvfb), for ctest.
#   run_ui_test.sh [--expect-png FILE] [--expect-exit N] -- PAGELAB-UI [ARGS...]
# Exit 77 (ctest: skipped) when xvfb-run is missing. Each test gets its own display number,
# derived from its arguments, so parallel ctest jobs do not race for the same one (the known
# weakness of xvfb-run -a); a display that turns out to be taken is retried on another number.
set -u
expect_png=""
expect_exit=0
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    --expect-png) expect_png=$2; shift 2 ;;
    --expect-exit) expect_exit=$2; shift 2 ;;
    *) echo "run_ui_test.sh: unknown option $1"; exit 2 ;;
  esac
done
[ "${1:-}" = "--" ] && shift
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "SKIPPED: xvfb-run is not installed (Debian: apt-get install xvfb xauth libgl1-mesa-dri);"
  echo "         the UI tests need a virtual display. third_party/setup.sh installs it."
  exit 77
fi
[ -n "$expect_png" ] && rm -f "$expect_png"
base=$(( $(printf '%s' "$*" | cksum | cut -d' ' -f1) % 500 + 200 ))
out=$(mktemp)
rcfile=$(mktemp)
trap 'rm -f "$out" "$rcfile"' EXIT
rc=1
for attempt in 0 1 2 3 4 5; do
  num=$(( base + attempt * 37 ))
  [ -e "/tmp/.X${num}-lock" ] && continue
  : >"$rcfile"
  # The window's own exit code is written to a file: xvfb-run's exit code is the command's only
  # when xvfb-run's clean-up succeeds, and that clean-up once failed in CI ("problem while cleaning
  # up temporary directory", exit 5) after the window had exited with the expected 2.
  xvfb-run -n "$num" -s "-screen 0 1600x1000x24 -nolisten tcp" \
    sh -c '"$@"; echo $? >"$0"' "$rcfile" "$@" >"$out" 2>&1
  xrc=$?
  if grep -q "Xvfb failed to start" "$out"; then continue; fi
  rc=$(cat "$rcfile")
  if [ -z "$rc" ]; then
    rc=$xrc   # the window never ran: xvfb-run's own failure
  elif [ "$xrc" -ne "$rc" ]; then
    echo "run_ui_test.sh: note: xvfb-run exited $xrc, the window $rc; the window's code counts"
  fi
  break
done
cat "$out"
if [ "$rc" -ne "$expect_exit" ]; then
  echo "FAIL: exit code $rc, expected $expect_exit"
  [ "$rc" -eq 0 ] && exit 1
  exit "$rc"
fi
if [ -n "$expect_png" ]; then
  [ -f "$expect_png" ] || { echo "FAIL: $expect_png was not written"; exit 1; }
  sig=$(head -c 8 "$expect_png" | od -An -tx1 | tr -d ' \n')
  [ "$sig" = "89504e470d0a1a0a" ] || { echo "FAIL: $expect_png is not a PNG"; exit 1; }
  size=$(wc -c <"$expect_png")
  [ "$size" -gt 20000 ] || { echo "FAIL: $expect_png is only $size bytes: nothing drawn?"; exit 1; }
  echo "ok: $expect_png is a PNG of $size bytes"
fi
exit 0
