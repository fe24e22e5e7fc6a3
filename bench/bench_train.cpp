// SPDX-License-Identifier: MIT
// Training costs on packed raw batches of 4 × 4 × 256 × 256, in one run:
//  * BM_subsampler: the fast neighbour sub-sampler (draw + both sub-images) against the
//    straightforward unfold/mask version of the official code, timed in the same iterations.
//    Counter `speedup` = reference time / fast time (goal >= 5).
//  * BM_train_step: one full U-Net training step split into data (crop + pack of the batch,
//    built synchronously here; the trainer prefetches it on worker threads), sampler (draw and
//    sub-images of y and f(y)), network (forward of f(y), forward + backward of f(g1(y)), loss)
//    and optimizer (Adam step). Counters: the fraction of each, `overhead` = (data + sampler) /
//    step (goal <= 0.10), images_per_s, vs_python (the same step of the same network in Debian's
//    python3-torch, bench/torch_reference.py, at the same threads: its time / ours),
//    GFLOP_per_s (2 x multiply-adds of the batch's forward plus three forward-equivalents of the
//    quarter-size sub-images: forward + backward) and of_conv_rate (that over the rate of one
//    48 -> 48 3 x 3 convolution measured at the same threads).
#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/train/dataset.hpp"
#include "n2n_raw/train/loss.hpp"
#include "n2n_raw/train/sampler.hpp"
#include "reference_runs.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>
#include <chrono>
#include <random>
#include <thread>
#include <torch/torch.h>

namespace {
using Clock = std::chrono::steady_clock;
double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
constexpr std::int64_t kBatch = 4, kSide = 256;

// The benchmark argument is the LibTorch thread count (1 and all cores are both reported: on a
// shared, loaded machine one thread is often faster than an OpenMP team that keeps stalling).
void set_threads(const benchmark::State& state) { torch::set_num_threads(static_cast<int>(state.range(0))); }
int cores() { return static_cast<int>(std::max(1U, std::thread::hardware_concurrency())); }

void BM_subsampler(benchmark::State& state) {
    set_threads(state);
    const auto x = torch::rand({kBatch, 4, kSide, kSide});
    auto gen = at::detail::createCPUGenerator(1);
    double fast = 0, reference = 0;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        {
            const auto choices = n2n::train::draw_pair_choices(kBatch, kSide, kSide, n2n::train::SamplerKind::Random, gen);
            auto s = n2n::train::subsample_reference(x, choices);
            benchmark::DoNotOptimize(s.g1.data_ptr());
        }
        const auto t1 = Clock::now();
        {
            const auto choices = n2n::train::draw_pair_choices(kBatch, kSide, kSide, n2n::train::SamplerKind::Random, gen);
            auto s = n2n::train::subsample(x, choices);
            benchmark::DoNotOptimize(s.g1.data_ptr());
        }
        const auto t2 = Clock::now();
        reference += seconds(t0, t1);
        fast += seconds(t1, t2);
        state.SetIterationTime(seconds(t1, t2));
    }
    const auto n = static_cast<double>(state.iterations());
    state.counters["fast_ms"] = 1e3 * fast / n;
    state.counters["reference_ms"] = 1e3 * reference / n;
    state.counters["speedup"] = reference / fast;
}
BENCHMARK(BM_subsampler)->Arg(1)->Arg(cores())->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_train_step(benchmark::State& state) {
    set_threads(state);
    // Four synthetic noisy 1024 × 1024 frames of mixed phases stand in for decoded captures.
    std::vector<std::filesystem::path> files{"RGGB", "GRBG", "GBRG", "BGGR"};
    n2n::train::FrameDataset data(files, {}, [](const std::filesystem::path& p) {
        n2n::Image<float> m(1024, 1024);
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(0.F, 1.F);
        for (float& v : m.pixels()) v = u(rng);
        return n2n::bayer::Mosaic{m, n2n::bayer::BayerPhase::parse(p.string()).value()};
    });
    n2n::train::LoaderOptions lo;
    lo.batch = kBatch;
    lo.patch = kSide;
    lo.patches_per_frame = 1;
    lo.workers = 0;
    torch::manual_seed(0);
    auto net = n2n::model::make_denoiser({});
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-4));
    auto gen = at::detail::createCPUGenerator(3);
    double t_data = 0, t_sampler = 0, t_net = 0, t_opt = 0;
    std::int64_t index = 0;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        const auto y = n2n::train::make_batch(data, lo, static_cast<int>(++index), 0).input;  // new crops each epoch
        const auto t1 = Clock::now();
        const auto choices = n2n::train::draw_pair_choices(kBatch, kSide, kSide, n2n::train::SamplerKind::Random, gen);
        const auto sub = n2n::train::subsample(y, choices);
        const auto t2 = Clock::now();
        torch::Tensor full;
        {
            torch::NoGradGuard no_grad;
            full = net->forward(y);
        }
        const auto t3 = Clock::now();
        const auto fsub = n2n::train::subsample(full, choices);
        const auto t4 = Clock::now();
        const auto diff = net->forward(sub.g1) - sub.g2;
        const auto loss = diff.square().mean() + 0.5 * (diff - (fsub.g1 - fsub.g2)).square().mean();
        opt.zero_grad();
        loss.backward();
        const auto t5 = Clock::now();
        opt.step();
        const auto t6 = Clock::now();
        t_data += seconds(t0, t1);
        t_sampler += seconds(t1, t2) + seconds(t3, t4);
        t_net += seconds(t2, t3) + seconds(t4, t5);
        t_opt += seconds(t5, t6);
        state.SetIterationTime(seconds(t0, t6));
    }
    const double total = t_data + t_sampler + t_net + t_opt;
    const auto n = static_cast<double>(state.iterations());
    state.counters["step_s"] = total / n;
    state.counters["data_frac"] = t_data / total;
    state.counters["sampler_frac"] = t_sampler / total;
    state.counters["network_frac"] = t_net / total;
    state.counters["optimizer_frac"] = t_opt / total;
    state.counters["overhead"] = (t_data + t_sampler) / total;
    state.counters["images_per_s"] = static_cast<double>(kBatch) * n / total;
    const double flops = 2 * n2n::bench::multiply_adds_per_packed_pixel(*net, 4) * kBatch * kSide * kSide * (1 + 3.0 / 4);
    state.counters["GFLOP_per_s"] = flops / (total / n) / 1e9;
    state.counters["of_conv_rate"] = flops / (total / n) / 1e9 / n2n::bench::convolution_gflops();
    const double python = n2n::bench::python_reference_seconds(
        fmt::format("train --batch {} --side {} --threads {} --repeats 3", kBatch, kSide, state.range(0)));
    if (!std::isfinite(python)) {
        state.SkipWithError("bench/torch_reference.py failed (is python3-torch installed?)");
        return;
    }
    state.counters["python_step_s"] = python;
    state.counters["vs_python"] = python / (total / n);
}
BENCHMARK(BM_train_step)->Arg(1)->Arg(cores())->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
