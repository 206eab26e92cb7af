#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite
# (unit tests, every lesson scenario with its expectations, golden traces, UI tests under Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure -j "$jobs"
echo "test.sh: finished in $(( $(date +%s) - start )) s"
