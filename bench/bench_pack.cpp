// SPDX-License-Identifier: MIT
// Pack and unpack of a 12 MP mosaic (4000 x 3000 float32), each timed against memcpy of the same
// bytes in the same iteration. Counter `vs_memcpy` = memcpy time / our time (goal >= 0.5).
#include "n2n_raw/bayer/pack.hpp"
#include "bench_frames.hpp"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstring>

namespace {
using Clock = std::chrono::steady_clock;
using n2n::bench::kHeight;
using n2n::bench::kWidth;

template <class Op>
void run_against_memcpy(benchmark::State& state, Op op, std::size_t bytes) {
    std::vector<char> src(bytes, 1), dst(bytes);
    double ours = 0, reference = 0;
    for (auto _ : state) {
        auto t0 = Clock::now();
        std::memcpy(dst.data(), src.data(), bytes);
        benchmark::ClobberMemory();
        auto t1 = Clock::now();
        op();
        benchmark::ClobberMemory();
        auto t2 = Clock::now();
        const double op_seconds = std::chrono::duration<double>(t2 - t1).count();
        reference += std::chrono::duration<double>(t1 - t0).count();
        ours += op_seconds;
        state.SetIterationTime(op_seconds);
    }
    state.counters["vs_memcpy"] = reference / ours;
    state.counters["MB_per_s"] = benchmark::Counter(static_cast<double>(bytes) * static_cast<double>(state.iterations()) / 1e6 / ours);
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}

void BM_pack_12mp(benchmark::State& state) {
    const auto mosaic = n2n::bench::uniform_mosaic(0.F, 1.F);
    n2n::PlanarImage<float> packed(4, kHeight / 2, kWidth / 2);
    const auto planes = n2n::bayer::planes_of(packed);
    run_against_memcpy(
        state, [&] { n2n::bayer::pack_into(mosaic.view(), n2n::bayer::BayerPhase::GRBG, planes); },
        mosaic.pixels().size() * sizeof(float));
}

void BM_unpack_12mp(benchmark::State& state) {
    const auto mosaic = n2n::bench::uniform_mosaic(0.F, 1.F);
    const auto packed = n2n::bayer::pack(mosaic.view(), n2n::bayer::BayerPhase::GRBG);
    n2n::Image<float> out(kHeight, kWidth);
    run_against_memcpy(
        state,
        [&] { n2n::bayer::unpack_into(n2n::bayer::planes_of(packed), n2n::bayer::BayerPhase::GRBG, out.view()); },
        mosaic.pixels().size() * sizeof(float));
}
}  // namespace

BENCHMARK(BM_pack_12mp)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_unpack_12mp)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK_MAIN();
