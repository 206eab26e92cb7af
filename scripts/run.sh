#!/usr/bin/env bash
# README command 1: install what is missing, build, and open PageLab on the default lesson.
# Until the window exists this runs the headless CLI's narrated transcript of that lesson.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
lesson=scenarios/01-demand-zero.yaml
if [ -x build/ui/pagelab-ui ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec build/ui/pagelab-ui "$lesson"
fi
exec build/emulator/pagelab run "$lesson"
