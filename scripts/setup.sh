#!/usr/bin/env bash
# Installs the missing Debian packages, then configures and builds n2n_raw into build/.
# Usage: scripts/setup.sh   (env: BUILD_DIR=build, BUILD_TYPE=Release, JOBS=<cores>)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
build_type=${BUILD_TYPE:-Release}
jobs=${JOBS:-$(nproc)}

mapfile -t wanted < <(grep -v '^\s*#' "$root/scripts/debian-packages.txt" | sed '/^\s*$/d')
# A package another installed package provides counts as present (NodeSource's nodejs provides
# npm and conflicts with Debian's).
mapfile -t provided < <(dpkg-query -W -f='${db:Status-Abbrev} ${Provides}\n' 2>/dev/null |
                        sed -n 's/^ii *//p' | tr ',' '\n' | sed 's/(.*)//; s/[[:space:]]//g' | sed '/^$/d')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' && continue
  printf '%s\n' "${provided[@]}" | grep -qx -- "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "${launcher[@]}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$jobs"
