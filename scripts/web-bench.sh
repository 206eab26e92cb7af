#!/usr/bin/env bash
# Frame time of the window in the browser against the desktop window, on the same lessons at the
# same size (issue 20's budget "within 2× of the desktop window"; docs/web.md, Budgets).
#   scripts/web-bench.sh [-n FRAMES] [--rounds R] [--size WxH] [--lang L[,L...]] [--profile] [FILE...]
# Each round runs, for each file, `pagelab-ui FILE --bench-frames N --size WxH` (under xvfb-run
# when there is no display) and the page index.html?bench=N&size=WxH&lesson=… in headless
# Chromium with swiftshader (scripts/web-bench.py) — App::run_bench in both, the same code — one
# after the other, so that both share the machine's load. It prints a Markdown table: per mode
# (still, cursor moving one event per frame, mouse moving) the medians over the rounds of each
# run's median and p95 — the whole frame (wall), PageLab's own work (building the ImGui frame)
# and the renderer (ImGui::Render, the GL calls, glFinish) — and the ratio browser / desktop.
# The desktop's own and renderer figures are CPU times (its thread's, its process's), the
# browser's are wall times (wasm has no CPU clock: performance.now()), so the browser's include
# any time the machine gave to others: compare at a low load average (printed with the table).
# --profile also records a sampled CPU profile of each browser run (build-web/bench/*.cpuprofile,
# from the site linked with the wasm functions' names, build-web/site-profile/) and prints its top
# functions. --lang (en, zh, ru; a list, or the option repeated) runs both in each language: the
# desktop's --lang, the page's lang= (Chinese: the page fetches its CJK font before main()); the
# table has a row per file, language and mode. PAGELAB_WEB_GL chooses Chromium's GL flags
# (scripts/web-bench.py). Defaults: 100 frames, 3 rounds, 1280x800, English, lesson 15 and
# tests/ui/large-machine.yaml.
# The desktop binary: build/ui/pagelab-ui, or PAGELAB_DESKTOP_UI.
set -euo pipefail
cd "$(dirname "$0")/.."
n=100
rounds=3
size=1280x800
profile=false
files=()
langs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --size) size=$2; shift ;;
    --profile) profile=true ;;
    --lang) IFS=, read -r -a more <<< "$2"; langs+=("${more[@]}"); shift ;;
    -*) echo "web-bench.sh: unknown option $1" >&2; exit 2 ;;
    *) files+=("$1") ;;
  esac
  shift
done
[ ${#files[@]} -gt 0 ] || files=(scenarios/15-*.yaml tests/ui/large-machine.yaml)
[ ${#langs[@]} -gt 0 ] || langs=(en)
for l in "${langs[@]}"; do
  case "$l" in en|zh|ru) ;; *) echo "web-bench.sh: --lang wants en, zh or ru, not '$l'" >&2; exit 2 ;; esac
done
desktop=${PAGELAB_DESKTOP_UI:-build/ui/pagelab-ui}
[ -x "$desktop" ] || { echo "web-bench.sh: no desktop window at $desktop (scripts/build.sh, or PAGELAB_DESKTOP_UI=…)" >&2; exit 2; }
site=build-web/site
if $profile; then
  # (emscripten's JS optimiser finds Debian's acorn through NODE_PATH, as in scripts/web.sh.)
  NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH} cmake --build build-web --target pagelab-web-profile > /dev/null
  site=build-web/site-profile
  [ -d "$site/fonts" ] || ln -s ../site/fonts "$site/fonts"
fi
[ -f "$site/pagelab-web.js" ] || { echo "web-bench.sh: no $site/pagelab-web.js: scripts/web.sh --build-only first" >&2; exit 2; }
run=()
[ -n "${DISPLAY:-}" ] || run=(xvfb-run -a -s "-screen 0 1920x1080x24")
# PAGELAB_WEB_GL="--use-angle=gl --ignore-gpu-blocklist": WebGL through the system's OpenGL (Mesa's
# llvmpipe, the desktop window's renderer, on an X display) instead of SwiftShader.
web_run=()
[ -z "${PAGELAB_WEB_GL:-}" ] || web_run=(${run[@]+"${run[@]}"})
out=build-web/bench
mkdir -p "$out"
rm -f "$out"/*.txt

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/index.html" > /dev/null 2>&1 && break
  sleep 0.1
done

for r in $(seq "$rounds"); do
  for lang in "${langs[@]}"; do
  for f in "${files[@]}"; do
    stem=$(basename "$f" .yaml)
    name=$stem-$lang
    case "$f" in
      scenarios/*) which="lesson=$stem" ;;
      *) which="path=/$f" ;;  # preloaded at the same path (ui/web/CMakeLists.txt)
    esac
    echo "load $(cut -d' ' -f1 /proc/loadavg)" > "$out/desktop-$name-$r.txt"
    "${run[@]}" "$desktop" "$f" --lang "$lang" --bench-frames "$n" --size "$size" >> "$out/desktop-$name-$r.txt" 2>&1 ||
      echo "web-bench.sh: the desktop run of $f in $lang failed (round $r)" >&2
    echo "load $(cut -d' ' -f1 /proc/loadavg)" > "$out/browser-$name-$r.txt"
    prof=()
    $profile && prof=(--profile "$out/browser-$name-$r.cpuprofile" --top 25)
    ${web_run[@]+"${web_run[@]}"} /usr/bin/python3 scripts/web-bench.py "http://127.0.0.1:$port/index.html?bench=$n&size=$size&lang=$lang&$which" \
      ${prof[@]+"${prof[@]}"} >> "$out/browser-$name-$r.txt" 2>&1 ||
      echo "web-bench.sh: the browser run of $f in $lang failed (round $r)" >&2
  done
  done
done

/usr/bin/python3 - "$out" "$n" "$size" "$rounds" "${langs[*]}" "${files[@]}" <<'EOF'
import pathlib, re, statistics, sys
out, n, size, rounds, files = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[6:]
langs = sys.argv[5].split()
line = re.compile(r"bench: (still|cursor moving|mouse moving) +median ([0-9.]+) ms/frame \(p95 ([0-9.]+)\); "
                  r"own ([0-9.]+) ms \(p95 ([0-9.]+)\), renderer ([0-9.]+) ms \(p95 ([0-9.]+)\), CPU ([0-9.]+) ms \(p95 ([0-9.]+)\)")
loads = []
def runs(kind, name):
    got = []
    for r in range(1, rounds + 1):
        p = out / f"{kind}-{name}-{r}.txt"
        if not p.exists():
            continue
        text = p.read_text()
        loads.extend(float(x) for x in re.findall(r"^load ([0-9.]+)", text, re.M))
        got.append({m[1]: [float(x) for x in m.groups()[1:]] for m in line.finditer(text)})
    return got
def med(rs, mode, k):
    v = [r[mode][k] for r in rs if mode in r]
    return statistics.median(v) if v else float("nan")
print(f"{n} frames per mode, {size}, {rounds} rounds: medians over the rounds of each run's median (p95)\n")
print("| file | lang | mode | desktop frame ms | browser frame ms | ratio | desktop own ms | browser own ms | ratio | desktop renderer ms | browser renderer ms | desktop process CPU ms |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for f, lang in ((f, lang) for f in files for lang in langs):
    name = f"{pathlib.Path(f).stem}-{lang}"
    d, b = runs("desktop", name), runs("browser", name)
    for mode in ("still", "cursor moving", "mouse moving"):
        cell = lambda rs, k: f"{med(rs, mode, k):.2f} ({med(rs, mode, k + 1):.2f})"
        ratio = lambda k: f"{med(b, mode, k) / med(d, mode, k):.2f}×" if med(d, mode, k) > 0 else "–"
        print(f"| {pathlib.Path(f).stem} | {lang} | {mode} | {cell(d, 0)} | {cell(b, 0)} | {ratio(0)} | {cell(d, 2)} | {cell(b, 2)} | {ratio(2)} "
              f"| {cell(d, 4)} | {cell(b, 4)} | {cell(d, 6)} |")
cpu = re.compile(r"^cpu: .*?gpu-process ([0-9.]+) ms/frame, renderer ([0-9.]+) ms/frame", re.M)
for f, lang in ((f, lang) for f in files for lang in langs):
    name = f"{pathlib.Path(f).stem}-{lang}"
    got = [cpu.search((out / f"browser-{name}-{r}.txt").read_text()) for r in range(1, rounds + 1)
           if (out / f"browser-{name}-{r}.txt").exists()]
    got = [m for m in got if m]
    if got:
        print(f"\n{name}: the browser's processes' CPU per frame (start-up included), median over the rounds: "
              f"GPU process {statistics.median(float(m[1]) for m in got):.1f} ms, "
              f"renderer process {statistics.median(float(m[2]) for m in got):.1f} ms")
if loads:
    print(f"\nload average (1 min) at the runs' starts: {min(loads):.2f}–{max(loads):.2f}")
EOF
if $profile; then
  for p in "$out"/browser-*-1.txt; do
    echo
    echo "$(basename "$p" .txt):"
    sed -n '/^profile:/,$p' "$p"
  done
fi
