#!/usr/bin/env bash
# PageLab in the browser (docs/web.md): installs what is missing, builds the window and the
# command line to WebAssembly into build-web/, and serves build-web/site/ on http://127.0.0.1:8080.
#   scripts/web.sh [--build-only] [--port N] [extra cmake arguments]
# build-web/site/ is plain static files (index.html, pagelab-web.js/.wasm/.data): copy it to any
# web server. build-web/emulator/pagelab.js is the command line for Node (node pagelab.js trace F).
# Debian 12's emscripten (3.1.6) compiles; Dear ImGui 1.86 and yaml-cpp 0.7 come from Debian's
# source packages, fetched with apt's own lists folder in build-web/apt (the system's package
# lists are not touched) and unpacked in build-web/src — never in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
serve=true
port=${PAGELAB_WEB_PORT:-8080}
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) serve=false ;;
    --port) port=$2; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
build=build-web
start=$(date +%s)

# 1. Debian packages: the desktop build's (header-only libraries, gettext), emscripten and the
#    JS parser its optimiser needs, dpkg-dev to unpack source packages, fontTools and the
#    WenQuanYi Micro Hei font for the Chinese font subset.
third_party/setup.sh
pkgs=(emscripten node-acorn dpkg-dev python3-fonttools fonts-wqy-microhei)
command -v node >/dev/null || pkgs+=(nodejs)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "web.sh: installing missing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; }
fi
# Node from another vendor than Debian does not look in Debian's module folder for acorn.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

# 2. The source packages, the same versions as the installed -dev packages when the archive still
#    has them.
mkdir -p "$build/src"
if [ ! -d "$build/src/imgui" ] || [ ! -d "$build/src/yaml-cpp" ]; then
  apt_dir=$root/$build/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
  echo "web.sh: fetching Debian's source packages of imgui and yaml-cpp into $build/src"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$build/src" && apt-get "${apt_opts[@]}" source --download-only -qq imgui yaml-cpp)
  for pkg in imgui yaml-cpp; do
    rm -rf "$build/src/$pkg"
    dsc=$(ls "$build/src/${pkg}"_*.dsc | tail -1)
    dpkg-source --no-check -x "$dsc" "$build/src/$pkg" >/dev/null
  done
fi

# 3. Configure and build. Debian's emscripten ships its system libraries prebuilt (a frozen cache),
#    so nothing is compiled into a cache here.
jobs=${PAGELAB_WEB_JOBS:-$(nproc 2>/dev/null || echo 2)}
# ccache (when installed) caches emscripten's clang calls too: a rebuild costs seconds.
if [ -z "${EM_COMPILER_WRAPPER:-}" ] && command -v ccache > /dev/null; then export EM_COMPILER_WRAPPER=ccache; fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  emcmake cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    ${args[@]+"${args[@]}"} >/dev/null
fi
cmake --build "$build" -j "$jobs"
echo "web.sh: built in $(( $(date +%s) - start )) s: $build/site/ (the page), $build/emulator/pagelab.js (the command line)"

$serve || exit 0
# 4. Serve: any static file server will do; this one is Python's, on the loopback interface only.
echo "web.sh: PageLab is at http://127.0.0.1:$port/ (Ctrl+C stops the server)"
exec /usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory "$build/site"
