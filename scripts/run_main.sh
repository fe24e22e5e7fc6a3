#!/usr/bin/env bash
# The main job, end to end: installs dependencies, builds, then runs `n2n demo`: trains
# Neighbor2Neighbor on the noisy capture(s) alone for a bounded time (MINUTES, default 3) on the
# CPU, denoises each full frame and writes the denoised DNG, before/after PNGs and summary.json.
# Default input: the Canon EOS 30D CR2 from Debian's rawtran-doc.
# Usage: scripts/run_main.sh [RAW_FILE_OR_FOLDER ...]   (env: OUT_DIR=out, MINUTES=3, DEVICE=cpu)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
n2n="${BUILD_DIR:-$root/build}/tools/n2n"
"$n2n" demo "$@" -o "${OUT_DIR:-$root/out}" --minutes "${MINUTES:-3}" --device "${DEVICE:-cpu}"
