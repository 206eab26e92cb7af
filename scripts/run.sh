#!/usr/bin/env bash
# README command 1: install what is missing, build, and open PageLab on the default lesson.
# The window (build/ui/pagelab-ui, docs/ui.md) needs a display; without one (or when the build
# was configured with -DPAGELAB_UI=OFF) this prints the lesson's narrated transcript instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
lesson=scenarios/01-demand-zero.yaml
if [ -x build/ui/pagelab-ui ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec build/ui/pagelab-ui "$lesson"
fi
exec build/emulator/pagelab run "$lesson"
