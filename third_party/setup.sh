#!/usr/bin/env bash
# Installs the Debian 12 packages PageLab builds and tests with, when any is missing.
# Works as root or through sudo. Usage: third_party/setup.sh [--sanitizers]
#   --sanitizers  also clang, its sanitizer and libFuzzer runtimes and llvm-symbolizer (the
#                 AddressSanitizer + UBSan test stage and the fuzzers: scripts/sanitizers.sh)
set -euo pipefail

# python3-yaml, python3-jsonschema: the test that validates the lessons against
# docs/scenario.schema.json; libxml2-utils (xmllint): the test of `pagelab check --junit`;
# gcc-mingw-w64-i686-win32-runtime: libgcc_s_dw2-1.dll, the real third-party DLL of the
# "thirdparty" test (tests/fixtures/thirdparty/fetch-mingw-runtime.sh).
pkgs=(build-essential cmake pkg-config ninja-build
      libyaml-cpp-dev libyaml-dev libcli11-dev libfmt-dev nlohmann-json3-dev
      libimgui-dev libglfw3-dev libglm-dev libgl-dev libstb-dev
      catch2 xvfb xauth mesa-utils libgl1-mesa-dri fonts-dejavu-core fonts-wqy-microhei
      python3 python3-yaml python3-jsonschema libxml2-utils gettext python3-polib
      gcc-mingw-w64-i686-win32-runtime)
for arg in "$@"; do
  case "$arg" in
    --sanitizers) pkgs+=(clang-14 libclang-rt-14-dev llvm-14) ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
