#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite
# (unit tests, every lesson scenario with its expectations, golden traces, command-line tests,
# UI tests under Xvfb). With CI=true (as .ci/run sets it) or --all, also the sanitizer and fuzzer
# stages (scripts/sanitizers.sh): the suite under AddressSanitizer + UBSan, then each fuzzer for
# PAGELAB_FUZZ_SECONDS (default 60); then the WebAssembly build (scripts/web-test.sh): the wasm
# command line against every golden trace, the window's UI tests in headless Chromium.
# Extra arguments go to cmake (e.g. a compiler launcher).
#   scripts/test.sh [--all] [cmake arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
all=${CI:-false}
args=()
for a in "$@"; do
  if [ "$a" = "--all" ]; then all=true; else args+=("$a"); fi
done
stage() { echo "test.sh: $1 done at $(( $(date +%s) - start )) s"; }
scripts/build.sh ${args[@]+"${args[@]}"}
stage "build"
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure -j "$jobs"
stage "test suite"
if [ "$all" = "true" ]; then
  scripts/sanitizers.sh ${args[@]+"${args[@]}"}
  stage "sanitizers and fuzzers"
  scripts/web-test.sh
  stage "web (wasm command line and the window in headless Chromium)"
fi
echo "test.sh: finished in $(( $(date +%s) - start )) s"
