// SPDX-License-Identifier: MIT
// The full ISP (render: levels, WB, demosaic, colour matrix, clip, orientation, sRGB curve) on a
// 12 MP mosaic (4000 x 3000, 14-bit DN). Each iteration also times, in the same run, a reference
// pass: the bilinear-demosaic render and a plain memcpy of the mosaic. Counters:
//   seconds      wall time of one MHC render (goal < 1 s on 2 cores)
//   vs_bilinear  bilinear render time / MHC render time (what the edge-aware method costs)
//   vs_memcpy    memcpy time / render time
#include "n2n_raw/pipeline/isp.hpp"
#include "bench_frames.hpp"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstring>

namespace {
using Clock = std::chrono::steady_clock;
using n2n::bench::kHeight;
using n2n::bench::kWidth;

n2n::pipeline::IspParams params(n2n::pipeline::DemosaicMethod method, int orientation) {
    n2n::io::RawMetadata meta;
    meta.phase = n2n::bayer::BayerPhase::RGGB;
    meta.levels.black = {600, 600, 600, 600};
    meta.levels.white = 15520;
    meta.as_shot_neutral = std::array<double, 3>{1 / 1.949, 1.0, 1 / 1.344};
    meta.color_matrix1 = n2n::Matrix3{0.9020, -0.2890, -0.0715, -0.4535, 1.2436, 0.2348, -0.0934, 0.1919, 0.7086};
    meta.calibration_illuminant1 = 21;
    meta.orientation = orientation;
    auto p = n2n::pipeline::params_from_metadata(meta);
    p.demosaic = method;
    return p;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void BM_render_12mp(benchmark::State& state) {
    const auto mosaic = n2n::bench::uniform_mosaic(600.F, 15520.F);
    const int orientation = static_cast<int>(state.range(0));
    const auto mhc = params(n2n::pipeline::DemosaicMethod::Mhc, orientation);
    const auto bilinear = params(n2n::pipeline::DemosaicMethod::Bilinear, orientation);
    std::vector<float> copy(mosaic.pixels().size());
    double ours = 0, reference = 0, copying = 0;
    for (auto _ : state) {
        auto t0 = Clock::now();
        std::memcpy(copy.data(), mosaic.data(), copy.size() * sizeof(float));
        benchmark::ClobberMemory();
        copying += seconds_since(t0);
        t0 = Clock::now();
        auto ref = n2n::pipeline::render(mosaic.view(), bilinear);
        benchmark::DoNotOptimize(ref.data());
        reference += seconds_since(t0);
        t0 = Clock::now();
        auto out = n2n::pipeline::render(mosaic.view(), mhc);
        benchmark::DoNotOptimize(out.data());
        const double s = seconds_since(t0);
        ours += s;
        state.SetIterationTime(s);
    }
    const auto n = static_cast<double>(state.iterations());
    state.counters["seconds"] = ours / n;
    state.counters["vs_bilinear"] = reference / ours;
    state.counters["vs_memcpy"] = copying / ours;
    state.counters["MP_per_s"] = static_cast<double>(kHeight * kWidth) / 1e6 * n / ours;
}

}  // namespace

// Arg: EXIF orientation (1 = none, 6 = rotated, which adds a transposing copy).
BENCHMARK(BM_render_12mp)->Arg(1)->Arg(6)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

BENCHMARK_MAIN();
