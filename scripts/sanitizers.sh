#!/usr/bin/env bash
# CI stages 2 and 3 (scripts/test.sh runs them with CI=true or --all):
#   2. the whole test suite built with AddressSanitizer + UndefinedBehaviorSanitizer (clang, the
#      window off: it needs a display and its GL driver is not instrumented); any report fails
#      the test that made it (-fno-sanitize-recover, halt_on_error, leaks detected at exit);
#   3. both libFuzzer targets for a fixed budget each (PAGELAB_FUZZ_SECONDS, default 60) from the
#      committed corpus (tests/fuzz/corpus/) and the seeds (lessons, PE fixtures); a crash, a leak,
#      a broken invariant, an input slower than 20 s or bigger than 3 GB fails the stage, and the
#      input is left in build-asan/fuzz-findings/.
# Usage: scripts/sanitizers.sh [extra cmake arguments, e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache]
set -euo pipefail
cd "$(dirname "$0")/.."
third_party/setup.sh --sanitizers
jobs=$(nproc 2>/dev/null || echo 2)
seconds=${PAGELAB_FUZZ_SECONDS:-60}
build=build-asan

echo "== sanitizers: AddressSanitizer + UBSan build ($build)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DPAGELAB_UI=OFF -DPAGELAB_SANITIZE=ON -DPAGELAB_FUZZ=ON "$@" >/dev/null
cmake --build "$build" -j "$jobs"

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)}
echo "== sanitizers: the test suite"
ctest --test-dir "$build" --output-on-failure -j "$jobs"

echo "== fuzzers: ${seconds} s each"
findings=$build/fuzz-findings
rm -rf "$findings" "$build/fuzz-work"
mkdir -p "$findings" "$build/fuzz-work/pe" "$build/fuzz-work/scenario"
# (libFuzzer writes new inputs into the first folder: a scratch copy, so the committed corpus
# only grows by hand, with -merge=1 — see tests/fuzz/corpus/README.md.)
"$build/tests/fuzz/fuzz_pe_image" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 \
    -artifact_prefix="$findings/pe-" -print_final_stats=1 \
    "$build/fuzz-work/pe" tests/fuzz/corpus/pe tests/fixtures/pe
"$build/tests/fuzz/fuzz_scenario" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=16384 \
    -artifact_prefix="$findings/scenario-" -print_final_stats=1 \
    "$build/fuzz-work/scenario" tests/fuzz/corpus/scenario scenarios
echo "sanitizers.sh: the sanitizer suite and both fuzzers passed"
