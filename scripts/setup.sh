#!/usr/bin/env bash
# Installs the missing Debian packages, then configures and builds n2n_raw into build/.
# Usage: scripts/setup.sh   (env: BUILD_DIR=build, BUILD_TYPE=Release, JOBS=<cores>)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
build_type=${BUILD_TYPE:-Release}
jobs=${JOBS:-$(nproc)}

"$root/scripts/install_packages.sh" "$root/scripts/debian-packages.txt"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "${launcher[@]}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$jobs"
