#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds, runs every ctest test (unit, samples, slow,
# package). Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cd "${BUILD_DIR:-$root/build}"
ctest --output-on-failure --timeout 1500 -j1 "$@"
