#!/usr/bin/env bash
# CI stage 4 (scripts/test.sh runs it with CI=true or --all): PageLab built to WebAssembly.
#   1. the command line under Node (build-web/emulator/pagelab.js, the real file system) traces
#      every lesson byte for byte as its golden trace, and every malformed input of
#      tests/scenarios/bad/ ends with FILE:LINE:COL: error: and exit code 2, and `run --lang zh|ru`
#      prints the golden transcripts of tests/i18n/transcripts/ (the native build's output);
#   2. the window in headless Chromium (swiftshader's WebGL 2), served from 127.0.0.1: built-in UI
#      tests run inside the page (?test=NAME), their outcome read back from the page's DOM
#      (#results); a lesson opened by a link (?lesson=…&at=…) shows its title (#status, which the
#      program fills from the session it draws) and a screenshot whose lesson title (and whole
#      window) matches the desktop window's screenshot of the same moment; the page's own features
#      (scripts/web-page-test.py); no uncaught JS error, no WebGL error, in the page's console
#      of any of these runs, the page test's included (scripts/web-console-check.py, which a page
#      with injected errors must fail, opened by either kind of run).
# Usage: scripts/web-test.sh [--cli-only] [--no-build]
#   PAGELAB_WEB_UI_TESTS="a b c" chooses the UI tests (default below).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
cli_only=false
build=true
for a in "$@"; do
  case "$a" in
    --cli-only) cli_only=true ;;
    --no-build) build=false ;;
    *) echo "web-test.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done
$build && scripts/web.sh --build-only
stage() { echo "web-test.sh: $1 done at $(( $(date +%s) - start )) s"; }
out=build-web/test-out
rm -rf "$out"
mkdir -p "$out"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. The command line on wasm32 (each file is one Node process, the slow part: as many at a time
#    as there are cores).
jobs=$(nproc 2>/dev/null || echo 2)
golden_check() {  # LESSON.trace -> nothing, or what differs
  local lesson=${1%.trace}.yaml tmp
  tmp=$(mktemp)
  if ! node build-web/emulator/pagelab.js trace "$lesson" > "$tmp" 2>&1; then
    echo "FAIL: node pagelab.js trace $lesson exited non-zero: $(head -c 300 "$tmp")"
  elif ! cmp -s "$tmp" "$1"; then
    echo "FAIL: node pagelab.js trace $lesson differs from $1:"
    diff "$1" "$tmp" | head -10
  fi
  rm -f "$tmp"
}
bad_check() {  # BAD.yaml -> nothing, or why it is not rejected as it must be
  local code=0 tmp
  tmp=$(mktemp)
  node build-web/emulator/pagelab.js check "$1" > "$tmp" 2>&1 || code=$?
  if [ "$code" -ne 2 ] || ! grep -Eq "^$1:[0-9]+:[0-9]+: error: " "$tmp"; then
    echo "FAIL: node pagelab.js check $1: exit $code, wanted 2 and '$1:LINE:COL: error: ...'"
    head -3 "$tmp"
  fi
  rm -f "$tmp"
}
transcript_check() {  # tests/i18n/transcripts/LESSON.LANG.txt -> nothing, or what differs
  local name lang lesson tmp
  name=$(basename "$1" .txt)
  lang=${name##*.}
  lesson=scenarios/${name%.*}.yaml
  tmp=$(mktemp)
  if ! node build-web/emulator/pagelab.js run --lang "$lang" --detail events "$lesson" > "$tmp" 2>&1; then
    echo "FAIL: node pagelab.js run --lang $lang $lesson exited non-zero: $(head -c 300 "$tmp")"
  elif ! cmp -s "$tmp" "$1"; then
    echo "FAIL: node pagelab.js run --lang $lang $lesson differs from $1:"
    diff "$1" "$tmp" | head -10
  fi
  rm -f "$tmp"
}
export -f golden_check bad_check transcript_check
n=$(ls scenarios/*.trace | wc -l)
b=$(ls tests/scenarios/bad/*.yaml | wc -l)
[ "$n" -gt 0 ] || fail "no golden traces found"
ls scenarios/*.trace | xargs -P "$jobs" -n 1 bash -c 'golden_check "$0"' > "$out/cli.txt"
ls tests/scenarios/bad/*.yaml | xargs -P "$jobs" -n 1 bash -c 'bad_check "$0"' >> "$out/cli.txt"
# In Chinese and Russian: the golden transcripts the native build is checked against (ctest's
# "transcript:" tests), so the browser build's catalogue lookup (JSON, not musl's gettext:
# docs/web.md) gives the native build's words and plural forms.
t=$(ls tests/i18n/transcripts/*.txt | wc -l)
ls tests/i18n/transcripts/*.txt | xargs -P "$jobs" -n 1 bash -c 'transcript_check "$0"' >> "$out/cli.txt"
cat "$out/cli.txt"
failures=$((failures + $(grep -c '^FAIL' "$out/cli.txt" || true)))
echo "web-test.sh: wasm CLI: $n lessons traced and compared with their golden traces," \
     "$b malformed inputs checked for FILE:LINE:COL errors and exit code 2," \
     "$t Chinese and Russian transcripts compared with their golden transcripts"
stage "wasm command line"
if $cli_only; then
  [ "$failures" -eq 0 ] || { echo "web-test.sh: $failures failures"; exit 1; }
  exit 0
fi

# 2. The window in headless Chromium.
missing=()
command -v chromium > /dev/null || missing+=(chromium)
/usr/bin/python3 -c 'import PIL' 2> /dev/null || missing+=(python3-pil)
command -v curl > /dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The server's folder: the site's files (links to build-web/site/, which stays what a teacher
# copies) and one page of the console check's own test, with errors injected (below).
www=$out/www
mkdir -p "$www"
for f in build-web/site/*; do ln -s "$PWD/$f" "$www/"; done
inject='<script>addEventListener("load", () => setTimeout(() => {
  const gl = document.getElementById("canvas").getContext("webgl2");
  if (gl) gl.bindTexture(0x1234, null);  /* WebGL: INVALID_ENUM, reported to the page */
  throw new Error("pagelab-injected-error");
}, 1500));</script>'
/usr/bin/python3 -c 'import sys; page = open(sys.argv[1]).read(); tag = "<script async src=\"pagelab-web.js\"></script>"
assert tag in page; open(sys.argv[2], "w").write(page.replace(tag, sys.argv[3] + "\n" + tag))' \
  build-web/site/index.html "$www/injected-error.html" "$inject"
/usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory "$www" > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/index.html" >/dev/null 2>&1 && break
  sleep 0.1
done
site="http://127.0.0.1:$port/index.html"
# A fresh profile per run (local storage starts empty); console messages go to stderr, which
# goes to $console (the console check below).
console=$out/console.log
chrome() {
  local profile
  profile=$(mktemp -d "$out/profile.XXXXXX")
  timeout 120 chromium --headless=new --no-sandbox --use-gl=swiftshader --enable-unsafe-swiftshader \
    --user-data-dir="$profile" --no-first-run --disable-gpu-watchdog --window-size=1280,800 \
    --enable-logging=stderr --v=0 "$@" 2>> "$console"
}
# The outcome written into <pre id="results" data-state="…">.
state_of() { sed -n 's/.*<pre id="results"[^>]*data-state="\([a-z]*\)".*/\1/p' "$1" | head -1; }

tests=${PAGELAB_WEB_UI_TESTS:-step-controls load-error classroom quiz course-picker pte-select large-map language}
for t in $tests; do
  t0=$(date +%s%N)
  chrome --virtual-time-budget=120000 --dump-dom "$site?test=$t" > "$out/test-$t.html" || true
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  state=$(state_of "$out/test-$t.html")
  line=$(sed -n 's/.*\(ui test [^<]*\)/\1/p' "$out/test-$t.html" | grep -m1 "checks" || true)
  if [ "$state" = "passed" ]; then
    echo "web-test.sh: browser: $line (${ms} ms)"
  else
    fail "browser UI test $t: state '${state:-none}' (${ms} ms)"
    sed -n '/<pre id="log"/,/<\/pre>/p' "$out/test-$t.html" | grep -E "FAIL|fail|error" | head -10 || true
  fi
done

# The page around the window: links to a moment, Open file, settings in local storage, the
# browser's shortcuts left alone, the canvas in device pixels (DevTools protocol, real time).
# Its browser's log goes to its own file, console-checked below like the --dump-dom runs' (it
# opens a bad scenario on purpose: the refusal is shown in the window, not an error of the page's).
page_console=$out/console-page-test.log
if ! /usr/bin/python3 scripts/web-page-test.py "$site" --console "$page_console" > "$out/page-test.txt" 2>&1; then
  fail "the page's own features:"
fi
grep -v '^ok' "$out/page-test.txt" || true

# A link to a moment: the lesson's title in the page's status and drawn in the window.
lesson=08-hard-and-soft-faults
title=$(awk '/^title:/ { t = 1; next } t && /^  en:/ { sub(/^  en: */, ""); print; exit }' "scenarios/$lesson.yaml")
chrome --virtual-time-budget=8000 --dump-dom "$site?lesson=$lesson&at=3&classroom=1" > "$out/lesson.html" || true
status=$(sed -n 's/.*<div id="status"[^>]*>\([^<]*\)<.*/\1/p' "$out/lesson.html" | head -1)
if [ -z "$title" ] || [ "$status" != "$title" ]; then
  fail "?lesson=$lesson: the page shows '$status', the lesson's title is '$title'"
fi
first=$(sed -n 's/.*data-first-frame-ms="\([0-9]*\)".*/\1/p' "$out/lesson.html" | head -1)
echo "web-test.sh: browser: ?lesson=$lesson&at=3 shows \"$status\"; first frame ${first:-?} ms after navigation start"
# The screenshot (without the page's own buttons): the window drawn, and when the desktop window
# is built (build/, CI's first stage), the same picture as its screenshot of the same moment.
chrome --virtual-time-budget=8000 --screenshot="$out/lesson.png" "$site?lesson=$lesson&at=3&bare=1" > /dev/null || true
desktop=()
if [ -x build/ui/pagelab-ui ] && command -v xvfb-run > /dev/null; then
  xvfb-run -a -s "-screen 0 1920x1080x24" build/ui/pagelab-ui "scenarios/$lesson.yaml" --at 3 --size 1280x800 \
    --screenshot "$out/lesson-desktop.png" > /dev/null && desktop=("$out/lesson-desktop.png")
else
  echo "web-test.sh: (no build/ui/pagelab-ui: the screenshot is not compared with the desktop window's)"
fi
if ! /usr/bin/python3 scripts/web-screenshot-check.py "$out/lesson.png" ${desktop[@]+"${desktop[@]}"}; then
  fail "the screenshot $out/lesson.png does not show the window as the desktop draws it"
fi

# The console: no uncaught exception, no WebGL error, no abort — of the page. Chromium's stderr
# holds the page's console and Chromium's own log; a GL error of a command of Chromium's own (as
# "GL ERROR: CopySharedImage: unknown mailbox", once while a browser started) is listed, not
# counted (scripts/web-console-check.py says how the two are told apart).
if ! /usr/bin/python3 scripts/web-console-check.py "$console" > "$out/console-errors.txt"; then
  fail "errors in the page's console:"
  grep "page error" "$out/console-errors.txt" | head -10
fi
grep "Chromium's own" "$out/console-errors.txt" | head -3 || true
# The page test's browser (DevTools protocol, web-page-test.py --console): its log must hold the
# page's console (else the check below would pass on nothing), and no error of the page's.
if ! grep -q 'CONSOLE.*pagelab: first frame' "$page_console" 2> /dev/null; then
  fail "the page test's log $page_console holds none of the page's console"
elif ! /usr/bin/python3 scripts/web-console-check.py "$page_console" > "$out/console-page-test-errors.txt"; then
  fail "errors in the page's console during the page test (scripts/web-page-test.py):"
  grep "page error" "$out/console-page-test-errors.txt" | head -10
else
  echo "web-test.sh: console check: no page error during the page test ($(grep -c 'CONSOLE' "$page_console") console lines)"
fi
# The check's own test: its classification of lines of both kinds, and a page with an uncaught
# exception and a WebGL error injected must fail it.
if ! /usr/bin/python3 scripts/web-console-check.py --self-test > "$out/console-self-test.txt"; then
  fail "the console check misclassifies lines:"
  cat "$out/console-self-test.txt"
fi
# An injected page's console (a log file) must fail the check, and fail it for the injected
# errors themselves: $1 the log, $2 who opened the page (for the messages).
expect_injected_errors() {
  if /usr/bin/python3 scripts/web-console-check.py "$1" > /dev/null ||
     ! /usr/bin/python3 scripts/web-console-check.py "$1" --expect-error "Uncaught Error: pagelab-injected-error" \
       --expect-error "WebGL: INVALID_ENUM" > "${1%.log}.txt"; then
    fail "the console check passes $2 on a page with an injected JS error and WebGL error:"
    cat "${1%.log}.txt"
  else
    echo "web-test.sh: console check: a page with an injected uncaught exception and WebGL error, opened by $2, fails it"
  fi
}
injected="http://127.0.0.1:$port/injected-error.html?lesson=01-demand-zero&bare=1"
console=$out/console-injected.log
chrome --virtual-time-budget=8000 --dump-dom "$injected" > "$out/injected.html" || true
expect_injected_errors "$console" "Chromium --dump-dom"
# … and the page test's browser records such errors too: the same injected page opened through it.
/usr/bin/python3 scripts/web-page-test.py --open-only "$injected" --console "$out/console-injected-page-test.log" > /dev/null 2>&1 || true
expect_injected_errors "$out/console-injected-page-test.log" "the page test's browser (--console)"
if grep -l 'data-state="error"' "$out"/*.html | grep -v injected.html > /dev/null 2>&1; then
  fail "a page reported an error: $(grep -l 'data-state="error"' "$out"/*.html | grep -v injected.html | tr '\n' ' ')"
fi
rm -rf "$out"/profile.*
stage "browser"
if [ "$failures" -gt 0 ]; then
  echo "web-test.sh: $failures failures (details in $out/)"
  exit 1
fi
echo "web-test.sh: passed in $(( $(date +%s) - start )) s"
