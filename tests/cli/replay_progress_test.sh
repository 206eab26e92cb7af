#!/usr/bin/env bash
# `pagelab replay` shows a progress line on a terminal and nothing extra otherwise (issue 19):
#   replay_progress_test.sh PAGELAB CASE
# A terminal is made with script(1) (util-linux); PAGELAB_PROGRESS_MS=0 refreshes the line at every
# chunk of accesses, so a short trace shows it too.
set -u
pagelab=$1
case_name=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "FAIL: $*"; exit 1; }
# 300,000 accesses over 2048 pages (about 4.6 chunks of 65,536): "HEXADDR R|W" lines.
awk 'BEGIN { x = 12345; for (i = 0; i < 300000; i++) { x = (x * 1103515245 + 12345) % 2147483648;
       printf "%08X %s\n", 65536 + (x % 2048) * 4096 + (i % 1024) * 4, (x % 3 == 0) ? "W" : "R" } }' > t.rw
args=(replay t.rw --frames 64 --policy clock --no-timing)

case "$case_name" in
  nothing-extra-when-not-a-terminal)
    "$pagelab" "${args[@]}" >plain.out 2>plain.err || fail "replay failed"
    [ ! -s plain.err ] || fail "standard error is not empty: $(cat plain.err)"
    grep -q '^accesses: 300000$' plain.out || fail "the figures are missing: $(cat plain.out)"
    # The same figures as on a terminal, where only standard error gains the progress line.
    PAGELAB_PROGRESS_MS=0 script -qec "$pagelab ${args[*]} 2>/dev/null" /dev/null | tr -d '\r' > tty.out
    cmp -s plain.out tty.out || fail "standard output differs from the terminal run's: $(diff plain.out tty.out)"
    ;;
  progress-on-a-terminal)
    PAGELAB_PROGRESS_MS=0 script -qec "$pagelab ${args[*]} >/dev/null" /dev/null > tty.err
    grep -aq 'replay: 66 K of 300 K accesses (21%), ' tty.err || fail "no progress line: $(od -c tty.err | head)"
    grep -aq 'about .* left' tty.err || fail "no time left: $(od -c tty.err | head)"
    # The line is erased at the end: the last bytes are a carriage return and erase-to-end-of-line.
    [ "$(tail -c 4 tty.err | od -An -c | tr -s ' ')" = " \r 033 [ K" ] || fail "the progress line is not erased: $(tail -c 20 tty.err | od -c)"
    ;;
  *) fail "unknown case $case_name" ;;
esac
echo "ok"
