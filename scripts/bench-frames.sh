#!/usr/bin/env bash
# Frame time of the window over every lesson and the large machine (docs/ui.md, Performance):
# runs `pagelab-ui FILE --bench-frames N --size WxH` for each file and size and prints a Markdown
# table: the wall time per frame (median / p95) standing still, with the event cursor moving one
# event per frame and with the mouse moving over the window, and the CPU time of PageLab's own
# code (building the ImGui frame) and of the renderer (ImGui render + GL draw + swap), medians.
# With several binaries (--ui A,B) each file is run with each in turn, so that a before/after
# comparison shares the machine's load.
#   scripts/bench-frames.sh [-n N] [--sizes 1920x1080,1280x800] [--ui BIN[,BIN...]] [FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
n=30
sizes=1920x1080,1280x800
uis=build/ui/pagelab-ui
files=()
while [ $# -gt 0 ]; do
    case "$1" in
        -n) n=$2; shift 2 ;;
        --sizes) sizes=$2; shift 2 ;;
        --ui) uis=$2; shift 2 ;;
        *) files+=("$1"); shift ;;
    esac
done
[ ${#files[@]} -gt 0 ] || files=(scenarios/[0-9]*.yaml tests/ui/large-machine.yaml)
run=()
[ -n "${DISPLAY:-}" ] || run=(xvfb-run -a -s "-screen 0 1920x1080x24")
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| file | size | binary | still ms (p95) | cursor moving ms (p95) | mouse moving ms (p95) | own CPU ms (worst median, p95) | renderer CPU ms (worst median) | load |"
echo "|---|---|---|---|---|---|---|---|---|"
IFS=, read -r -a size_list <<< "$sizes"
IFS=, read -r -a ui_list <<< "$uis"
for f in "${files[@]}"; do
    for s in "${size_list[@]}"; do
        for ui in "${ui_list[@]}"; do
            out=$("${run[@]}" "$ui" "$f" --bench-frames "$n" --size "$s" 2>&1) || { echo "| $(basename "$f") | $s | $ui | failed | | | | | |"; continue; }
            echo "$out" | awk -v file="$(basename "$f" .yaml)" -v size="$s" -v ui="$ui" '
                /^bench: load average/ { load = $4 }
                /^bench: (still|cursor moving|mouse moving) / {
                    mode = ($2 == "still") ? "still" : ($2 == "cursor" ? "events" : "mouse")
                    line = $0
                    match(line, /median [0-9.]+/); wall[mode] = substr(line, RSTART + 7, RLENGTH - 7)
                    match(line, /\(p95 [0-9.]+\)/); p95[mode] = substr(line, RSTART + 5, RLENGTH - 6)
                    match(line, /own [0-9.]+ ms \(p95 [0-9.]+/); split(substr(line, RSTART, RLENGTH), o, /[ (]+/)
                    if (o[2] + 0 > own + 0) { own = o[2]; own95 = o[5] }
                    match(line, /renderer [0-9.]+/); r = substr(line, RSTART + 9, RLENGTH - 9)
                    if (r + 0 > rend + 0) rend = r
                }
                END {
                    printf "| %s | %s | %s | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s | %s |\n", file, size, ui,
                           wall["still"], p95["still"], wall["events"], p95["events"], wall["mouse"], p95["mouse"], own, own95, rend, load
                }'
        done
    done
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
