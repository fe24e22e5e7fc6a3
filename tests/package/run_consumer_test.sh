#!/usr/bin/env bash
# Installs the built project into a scratch prefix, then configures, builds and runs the consumer
# against that prefix only. Usage: run_consumer_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
consumer_src=$2/package/consumer
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null
test -f "$scratch/prefix/lib/libn2n_raw.a" || { echo "libn2n_raw.a was not installed"; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$consumer_src" -B "$scratch/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" "${launcher[@]}" >/dev/null
cmake --build "$scratch/build" >/dev/null
"$scratch/build/consumer"
