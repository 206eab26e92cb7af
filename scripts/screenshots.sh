#!/usr/bin/env bash
# Regenerates the screenshots of docs/ui.md into docs/images/ with pagelab-ui --screenshot,
# on a virtual display (Xvfb) unless one is given in DISPLAY. The renders are deterministic: the
# same build and scenarios give the same PNGs.
#   scripts/screenshots.sh [BUILD_DIR]     (default: build; builds pagelab-ui if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [ ! -x "$build/ui/pagelab-ui" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target pagelab-ui
fi
ui="$build/ui/pagelab-ui"
# The window speaks LANG's language unless told (--lang): the docs' English shots stay English.
export LC_ALL=C.UTF-8 LANG=C.UTF-8
out=docs/images
mkdir -p "$out"

shot() {  # shot NAME ARGS...: one screenshot, on Xvfb when there is no display
  local name=$1; shift
  # pagelab-ui replaces only PNGs it wrote itself; regenerating the docs' images replaces them all.
  rm -f "$out/$name.png"
  if [ -n "${DISPLAY:-}" ] && [ -z "${PAGELAB_SCREENSHOTS_XVFB:-}" ]; then
    "$ui" "$@" --screenshot "$out/$name.png" >/dev/null
  else
    xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" "$ui" "$@" --screenshot "$out/$name.png" >/dev/null
  fi
  printf '%-16s %7d bytes\n' "$name.png" "$(wc -c <"$out/$name.png")"
}

# The whole window at 1280x800: a trimmed working set, its pages in transition on the modified list.
shot overview scenarios/08-hard-and-soft-faults.yaml --at 7 --process A --address data+0x1000 --size 1280x800
# The address space: arenas on the strip, every region visible, the table sized to its rows.
shot address-space scenarios/15-create-process-appinst.yaml --at 3 --size 1280x800 --crop "Address space"
shot address-space-95 scenarios/26-second-instance-win95.yaml --at 5 --size 1920x1080 --classroom --crop "Address space"
# The TLB panel on a hit (lesson 02, the same page read again).
shot tlb scenarios/02-tlb-and-cr3-switch.yaml --at 6 --size 1280x800 --crop "TLB"
# Page directory and page table grids with the decoder of the PTE the step wrote.
shot page-tables scenarios/01-demand-zero.yaml --at 5 --size 1600x1000 --crop "Page tables,Entry decoder"
# The translation walk of the last access, stopped in the middle of the fault.
shot walk scenarios/01-demand-zero.yaml --at-event 10 --size 1600x1000 --tab walk --crop "Translation walk"
# A frame's window: an image page shared by two processes and the section's prototype PTE.
shot frame scenarios/22-two-instances-copy-on-write.yaml --at 5 --size 1600x1000 --frame 5 --crop frame
# Two instances of one EXE: code shared, the written data page split by copy-on-write.
shot side-by-side scenarios/22-two-instances-copy-on-write.yaml --at 5 --size 1600x1000 --tab side --crop "Side by side"
# Mapped files: two views in A and one in B share the file page's frame (x3); ReadFile sees it.
shot mapped-files scenarios/31-coherence-of-views-and-read-file.yaml --at 13 --size 1280x800
# Classroom mode: large type, no side columns.
shot classroom scenarios/01-demand-zero.yaml --at 3 --size 1280x800 --classroom
# Classroom mode stepping by event: the event's sentence in the lesson panel, the zoomed grids.
shot classroom-event scenarios/15-create-process-appinst.yaml --at-event 30 --single-event --size 1920x1080 --classroom
shot classroom-event-zh scenarios/15-create-process-appinst.yaml --at-event 12 --single-event --size 1280x800 --classroom --lang zh
# The quiz: lesson 22 stopped before step 3, its question on screen (nothing of the step shown yet).
shot quiz scenarios/22-two-instances-copy-on-write.yaml --at 2 --ask --size 1280x800
# The same kind of moment projected: classroom mode at 1920x1080, the question the largest text.
shot quiz-classroom scenarios/10-replacement-clock.yaml --at 10 --answers 4 --ask --size 1920x1080 --classroom
# After a wrong answer: the verdict, the right answer and why, above the step's narration.
shot quiz-answered scenarios/22-two-instances-copy-on-write.yaml --at 5 --answers b,0xA --size 1280x800 --crop Lesson
# The window in Chinese and in Russian (issue 17): lesson 15's CreateProcess, the same moment.
shot lang-zh scenarios/15-create-process-appinst.yaml --at 4 --size 1280x800 --lang zh
shot lang-ru scenarios/15-create-process-appinst.yaml --at 4 --size 1280x800 --lang ru
# Projected: classroom mode at 1920x1080, a question in Chinese; the lesson column in Russian.
shot lang-zh-classroom scenarios/10-replacement-clock.yaml --at 10 --answers 4 --ask --size 1920x1080 --classroom --lang zh --crop Lesson
shot lang-ru-classroom scenarios/22-two-instances-copy-on-write.yaml --at 5 --answers b,0xA --size 1920x1080 --classroom --lang ru --crop Lesson
# The lesson picker: the course by chapter, each lesson's goal and prerequisites.
shot picker scenarios/01-demand-zero.yaml --picker --size 1280x800
# A million frames: one texture, not a million rectangles.
shot large-machine tests/ui/large-machine.yaml --at 7 --size 1600x1000 --crop "Physical memory"
