#!/usr/bin/env bash
# Builds the libFuzzer targets (Clang 16, ASan + UBSan, every object instrumented) into
# build-fuzz/, seeds a corpus per target from real files, the test fixtures and files written by
# the project's own writers (n2n_fuzz_seeds, built by the normal build in build/), then runs the
# targets one after another for SECONDS each and prints executions per target. Crashing inputs
# land in build-fuzz/artifacts/; a fixed one goes to tests/io/fuzz_regressions/<target>/.
# Usage: fuzz/run_fuzzers.sh [SECONDS] [TARGET...]   (default 240 s, all targets)
#   env: BUILD_DIR=build-fuzz, SEED_BUILD_DIR=build, JOBS=<cores>, N2N_SHARED_DIR=../shared
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-240}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(camera_raw mat_v73 mat_v5 png headerless checkpoint net_config json)
build_dir=${BUILD_DIR:-$root/build-fuzz}
seed_build_dir=${SEED_BUILD_DIR:-$root/build}
shared=${N2N_SHARED_DIR:-$root/../shared}
jobs=${JOBS:-$(nproc)}

"$root/scripts/install_packages.sh" "$root/scripts/debian-packages.txt" "$root/fuzz/debian-packages.txt"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 with assertions on (no NDEBUG): an assert that fires is a finding too. OpenMP (LibTorch's
# CMake package asks for it) is GCC's libgomp, the runtime Debian's LibTorch itself links.
gomp=$(gcc -print-file-name=libgomp.so)
CC=clang-16 CXX=clang++-16 cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Fuzz \
  "-DCMAKE_C_FLAGS_FUZZ=-O1 -g" "-DCMAKE_CXX_FLAGS_FUZZ=-O1 -g" -DN2N_BUILD_FUZZERS=ON \
  -DOpenMP_C_FLAGS=-fopenmp=libgomp -DOpenMP_CXX_FLAGS=-fopenmp=libgomp -DOpenMP_C_LIB_NAMES=gomp \
  -DOpenMP_CXX_LIB_NAMES=gomp "-DOpenMP_gomp_LIBRARY=$gomp" \
  -DN2N_BUILD_TESTS=OFF -DN2N_BUILD_BENCH=OFF -DN2N_BUILD_TOOLS=OFF "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j"$jobs" --target fuzzers
[ -f "$seed_build_dir/CMakeCache.txt" ] || cmake -S "$root" -B "$seed_build_dir" "${launcher[@]}" >/dev/null
cmake --build "$seed_build_dir" -j"$jobs" --target n2n_fuzz_seeds

# Seeds, rebuilt each run (the corpora under corpus/ keep what libFuzzer found). The fixture
# writers need Debian's python (h5py, scipy), as the tests do.
seeds=$build_dir/seeds
rm -rf "$seeds"
mkdir -p "$seeds/headerless" "$seeds/fixtures/sidd" "$seeds/fixtures/dng"
"$seed_build_dir/fuzz/n2n_fuzz_seeds" "$seeds"
/usr/bin/python3 "$root/tests/io/fixtures/make_sidd_fixtures.py" "$seeds/fixtures/sidd" >/dev/null
/usr/bin/python3 "$root/tests/io/fixtures/make_dng_fixtures.py" "$seeds/fixtures/dng" >/dev/null
cp "$seeds"/fixtures/dng/*.dng "$seeds/camera_raw/"
# A prefix of a real CR2 holds its TIFF/EXIF structure and the start of the lossless JPEG.
[ -f /usr/share/doc/rawtran/IMG_5952.CR2 ] && head -c 65536 /usr/share/doc/rawtran/IMG_5952.CR2 >"$seeds/camera_raw/IMG_5952_head.CR2"
while IFS= read -r -d '' mat; do
  # v7.3 files (HDF5 signature at 512) go to the v7.3 target without their user block.
  name=$(echo "${mat#"$seeds"/fixtures/sidd/}" | tr '/' '_')
  if [ "$(tail -c +513 "$mat" | head -c 4 | od -An -c | tr -d ' ')" = "211HDF" ]; then
    tail -c +513 "$mat" >"$seeds/mat_v73/$name.h5"
  else
    cp "$mat" "$seeds/mat_v5/$name"
  fi
done < <(find "$seeds/fixtures/sidd" -iname '*.mat' -print0)
# Past finds seed their own target again.
for dir in "$root"/tests/io/fuzz_regressions/*/; do
  mkdir -p "$seeds/$(basename "$dir")"
  cp "$dir"* "$seeds/$(basename "$dir")/"
done
cp "$shared"/data/raw/halide-bayer-small/*.mat "$seeds/mat_v5/" 2>/dev/null || true
cp "$shared"/data/raw/halide-bayer-small/bayer_small.png /usr/share/doc/rawtran/IMG_5952_R.png "$seeds/png/" 2>/dev/null || true
# Headerless: the first 16 KiB of each real dump (the geometry comes from the input's tail).
for f in "$shared"/data/raw/*/*.raw "$shared"/data/raw/*/*.RAW; do
  [ -f "$f" ] && head -c 16384 "$f" >"$seeds/headerless/$(basename "$f")"
done
cp "$root"/data_manifests/*.json "$seeds/json/"
rm -rf "$seeds/fixtures"

# Input size limits: enough for every seed, small enough to keep the executions fast.
declare -A max_len=([camera_raw]=65536 [mat_v73]=16384 [mat_v5]=16384 [png]=131072 [headerless]=16384
                    [checkpoint]=65536 [net_config]=4096 [json]=16384)
# allocator_may_return_null: HDF5 and matio ask malloc for absurd sizes on damaged headers and
# handle the NULL; ASan would report that as a crash. A huge allocation in our own code still
# shows: operator new throws bad_alloc, which no reader may let escape.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp}
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || true)}
export TMPDIR=${TMPDIR:-/dev/shm}
summary=$build_dir/fuzz_summary.txt
: >"$summary"
failed=0
for t in "${targets[@]}"; do
  corpus=$build_dir/corpus/$t
  mkdir -p "$corpus" "$build_dir/artifacts"
  log=$build_dir/fuzz_$t.log
  echo "run_fuzzers: fuzz_$t for ${seconds}s"
  set +e
  # -fork=1 -ignore_crashes=1: a crash is saved to artifacts/ and counted, and the run goes on
  # (a crash inside LibRaw cannot be fixed here and would end the camera_raw run at once).
  # -malloc_limit_mb above -rss_limit_mb: matio and HDF5 make single multi-GB requests for tiny
  # damaged files that they never touch (the RSS limit still catches memory really used).
  "$build_dir/fuzz/fuzz_$t" -fork=1 -ignore_crashes=1 -max_total_time="$seconds" -max_len="${max_len[$t]}" \
    -timeout=20 -rss_limit_mb=4096 -malloc_limit_mb=65536 -artifact_prefix="$build_dir/artifacts/${t}-" \
    "$corpus" "$seeds/$t" >"$log" 2>&1
  rc=$?
  set -e
  # Fork mode's progress lines: "#EXECS: cov: ... exec/s: R oom/timeout/crash: O/T/C time: Ss ...".
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
  execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
  rate=$(( ${execs:-0} / seconds ))  # the line's own exec/s is the last job's only
  problems=$(echo "$last" | sed -n 's/.*oom\/timeout\/crash: \([0-9/]*\).*/\1/p')
  result=ok
  if [ $rc -ne 0 ] || { [ -n "$problems" ] && [ "$problems" != "0/0/0" ]; }; then
    result="FOUND oom/timeout/crash ${problems:-?} (exit $rc, see $log and artifacts/)"
    failed=1
  fi
  printf '%-12s %6ss %10s execs %6s exec/s  corpus %5s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" \
    "$(find "$corpus" -type f | wc -l)" "$result" | tee -a "$summary"
done
exit $failed
