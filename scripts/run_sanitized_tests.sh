#!/usr/bin/env bash
# The Sanitize flavour (cmake/N2nSanitize.cmake: GCC's ASan + UBSan, -fno-sanitize-recover=all,
# so any report fails its test) in its own build folder, then the unit and samples suites.
# Extra arguments go to ctest. Run by .ci/run.
#   env: BUILD_DIR=build-sanitize, JOBS=<cores>, CTEST_LABELS (default: unit|samples),
#        CTEST_EXCLUDE (default: slow; the slow tests train networks and would take most of
#        CI's time under ASan)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-$root/build-sanitize}
# Benchmarks are not tests; the library, the CLI and the tests are all instrumented.
BUILD_TYPE=Sanitize CMAKE_ARGS="-DN2N_WERROR=ON -DN2N_BUILD_BENCH=OFF" "$root/scripts/setup.sh"

# LibTorch, LibRaw, HDF5 and matio are not built with ASan; what they need:
# - allocator_may_return_null=1: HDF5 and matio ask malloc for absurd sizes on damaged headers
#   and handle the NULL (tests feed them such files); without it ASan aborts on the request.
# - LSan suppressions (fuzz/lsan.supp): HDF5's own small leaks on damaged files; see there.
# - detect_leaks stays on: a leak in our code fails its test.
# LibTorch itself needed nothing (tried: no leak at exit, and no ODR report, as ASan checks only
# instrumented globals), so detect_odr_violation and detect_leaks keep their defaults.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 1500 -j1 -L "${CTEST_LABELS:-unit|samples}" -LE "${CTEST_EXCLUDE:-slow}" "$@"
