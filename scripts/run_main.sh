#!/usr/bin/env bash
# The main job, end to end: installs dependencies, builds, then runs `n2n` on a real RAW capture
# (default: the Canon EOS 30D CR2 from Debian's rawtran-doc) and writes the results to out/.
# Usage: scripts/run_main.sh [RAW_FILE_OR_FOLDER ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
n2n="${BUILD_DIR:-$root/build}/tools/n2n"
out=${OUT_DIR:-$root/out}
if [ $# -eq 0 ]; then
  set -- /usr/share/doc/rawtran/IMG_5952.CR2
fi
"$n2n" pack "$@" -o "$out"
