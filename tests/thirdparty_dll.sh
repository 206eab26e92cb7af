#!/usr/bin/env bash
# The real third-party DLL test: fetches libgcc_s_dw2-1.dll into the build tree (not committed),
# puts the scenario beside it (its `pe:` path is relative to the scenario), then checks the
# scenario's expectations and compares its golden trace. Exit 77 (ctest SKIP_RETURN_CODE) when
# the DLL cannot be had.  Usage: thirdparty_dll.sh PAGELAB SOURCE_DIR BUILD_DIR
set -uo pipefail
pagelab=$1 src=$2 dest=$3/fixtures/thirdparty
"$src/tests/fixtures/thirdparty/fetch-mingw-runtime.sh" "$dest" || exit $?
cp "$src/tests/scenarios/thirdparty/libgcc-by-full-path.yaml" "$dest/" || exit 1
"$pagelab" check "$dest/libgcc-by-full-path.yaml" || exit 1
"$pagelab" trace "$dest/libgcc-by-full-path.yaml" --compare "$src/tests/scenarios/thirdparty/libgcc-by-full-path.trace"
