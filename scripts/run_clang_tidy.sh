#!/usr/bin/env bash
# clang-tidy (.clang-tidy's curated checks) over C++ sources, using build/compile_commands.json.
# Usage: scripts/run_clang_tidy.sh [--changed REV | --no-torch | FILE ...]
#   --changed REV   the .cpp files that differ from REV
#   --no-torch      every source of the components that do not include LibTorch (CI: ~3 min)
#   (nothing)       every library, tool and pipeline source (slow: each LibTorch file takes
#                   tens of seconds to parse)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
[ -n "$tidy" ] || { echo "run_clang_tidy: clang-tidy not found (apt-get install clang-tidy)" >&2; exit 2; }
[ -f "$build_dir/compile_commands.json" ] || { echo "run_clang_tidy: no $build_dir/compile_commands.json" >&2; exit 2; }
cd "$root"
if [ "${1:-}" = "--changed" ]; then
  rev=${2:?--changed needs a revision}
  if ! git rev-parse -q --verify "$rev^{commit}" >/dev/null; then
    echo "run_clang_tidy: $rev is not in this clone's history; nothing to compare with"; exit 0
  fi
  mapfile -t files < <(git diff --name-only --diff-filter=AM "$rev" -- '*.cpp' | grep -E '^(libn2n_raw|bayer|pipeline|tools)/' || true)
elif [ "${1:-}" = "--no-torch" ]; then
  mapfile -t files < <(git ls-files 'bayer/*.cpp' 'pipeline/*.cpp' 'libn2n_raw/core/*.cpp' 'libn2n_raw/metrics/*.cpp' \
                         'libn2n_raw/noise/*.cpp' 'libn2n_raw/classical/*.cpp' 'libn2n_raw/io/*.cpp' 'libn2n_raw/dng/*.cpp' \
                         'libn2n_raw/synth/*.cpp')
elif [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files '*.cpp' | grep -E '^(libn2n_raw|bayer|pipeline|tools)/')
fi
if [ ${#files[@]} -eq 0 ]; then echo "run_clang_tidy: no C++ source to check"; exit 0; fi
echo "run_clang_tidy: ${#files[@]} file(s) with $($tidy --version | grep -o 'version [0-9.]*')"
# GCC-only flags in the database are unknown to clang: drop their warnings, keep the checks.
# "N warnings generated" counts the suppressed diagnostics of system headers: drop that noise.
"$tidy" -p "$build_dir" --quiet --extra-arg=-Wno-unknown-warning-option "${files[@]}" \
  2> >(grep -v '^[0-9]* warnings\? generated\.$' >&2)
