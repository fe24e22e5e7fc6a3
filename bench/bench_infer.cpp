// SPDX-License-Identifier: MIT
// Full-frame inference throughput and peak memory, all cases in one run on the same frame and
// thread count (N2N_BENCH_THREADS, default every core; reported in the context as "threads"):
//   reference/python_eager  the same network in Debian's python3-torch, written as PyTorch code
//                      usually is (bench/torch_reference.py), on the frame padded to 32
//   plain_eager        the U-Net's forward on the whole (reflection-padded) packed frame, no-grad
//   tiled/<variant>    infer::denoise_packed, InferenceMode: script/staged = frozen TorchScript,
//                      full-resolution stages per tile + deep stage once (the default path);
//                      eager/full_halo = the nn module per tile with its whole receptive field;
//                      bfloat16 = the same path with the layers in bfloat16 (infer::Precision)
//   torchscript_file   the module `n2n export` writes, torch::jit::load'ed, on the whole frame
// Counters: MP_per_s (mosaic megapixels per second), vs_plain (plain_eager time / this time),
// vs_python (the Python reference's time / this time), GFLOP_per_s (2 x the network's
// multiply-adds, counted by walking its layers, over the time) and of_conv_rate (that over the
// rate of one 48 -> 48 3 x 3 convolution measured at the start: the context's conv_GFLOP_per_s),
// peak_MiB (VmHWM of a child process that runs just that case once on a 12 MP frame: the whole
// process's peak), max_dev (largest |difference| from the default tiled path's output).
// Frame size for throughput: N2N_BENCH_MP megapixels of mosaic, 4:3 (default 12: 4000 x 3000);
// for memory: N2N_BENCH_MEMORY_MP (default 12). Warm-up runs use a small frame (256 x 256).
#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/deploy/torchscript.hpp"
#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/tensor/compute.hpp"
#include "reference_runs.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

double env_or(const char* name, double fallback) {
    const char* env = std::getenv(name);
    return env != nullptr ? std::atof(env) : fallback;
}

bool g_memory_child = false;

double frame_megapixels() {
    return g_memory_child ? env_or("N2N_BENCH_MEMORY_MP", 12.0) : env_or("N2N_BENCH_MP", 12.0);
}

// The shared fixture: one network, its exported file, one packed frame.
struct Setup {
    std::shared_ptr<n2n::model::Denoiser> net;
    n2n::model::NetConfig config;
    std::filesystem::path exported;
    torch::Tensor frame;  // 1 × 4 × h × w packed, values in [0, 1]
    torch::Tensor small;  // 1 × 4 × 128 × 128 for warm-up runs
    torch::Tensor exact;  // output of the exact tiled path, to measure reduced-halo deviations
    double mosaic_mp = 0;
    double multiply_adds_per_pixel = 0;  // per packed pixel, counted from the layers
    double multiply_adds = 0;            // of one forward on the frame

    static Setup& get() {
        static Setup s = [] {
            Setup x;
            torch::manual_seed(0);
            x.net = n2n::model::make_denoiser(x.config);
            x.net->eval();
            n2n::bench::use_plain_kaiming(*x.net);
            x.exported = std::filesystem::temp_directory_path() / fmt::format("n2n_bench_{}.pt", ::getpid());
            n2n::deploy::export_torchscript(*x.net, x.config, x.exported);
            // 4:3 mosaic of the requested size, both sides even.
            const double mp = frame_megapixels();
            const auto h = static_cast<std::int64_t>(std::round(std::sqrt(mp * 1e6 * 3 / 4) / 2));
            const auto w = static_cast<std::int64_t>(std::round(std::sqrt(mp * 1e6 * 4 / 3) / 2));
            x.frame = (torch::rand({1, 4, 1, 1}) * 0.5 + 0.1 * torch::rand({1, 4, h, w})).contiguous();
            x.mosaic_mp = 4.0 * static_cast<double>(h * w) / 1e6;
            x.multiply_adds_per_pixel = n2n::bench::multiply_adds_per_packed_pixel(*x.net, x.config.in_channels);
            x.multiply_adds = x.multiply_adds_per_pixel * static_cast<double>(h * w);
            x.small = torch::rand({1, 4, 128, 128});
            return x;
        }();
        return s;
    }
    ~Setup() {
        std::error_code ignored;
        if (!exported.empty()) std::filesystem::remove(exported, ignored);
    }
};

struct Variant {
    n2n::infer::Backend backend;
    std::int64_t tile;
    std::int64_t halo = -1;
    bool peak = false;  ///< measure the 12 MP peak memory (a full child run: slow)
    n2n::infer::Precision precision = n2n::infer::Precision::Float32;
};

using Run = std::function<torch::Tensor(const torch::Tensor&)>;

std::map<std::string, std::function<void()>>& cases() {
    static std::map<std::string, std::function<void()>> c;
    return c;
}

// Each case builds what it needs and returns the function that is timed.
Run make_plain(const Variant&) {
    auto& s = Setup::get();
    return [&s](const torch::Tensor& x) {
        torch::NoGradGuard no_grad;
        return n2n::model::forward_padded(*s.net, x);
    };
}

Run make_tiled(const Variant& v) {
    auto& s = Setup::get();
    auto model = std::make_shared<n2n::infer::Model>(
        n2n::infer::Model::from_module(s.net, s.config, torch::kCPU, v.backend, v.precision));
    n2n::infer::TileOptions options;
    options.tile = v.tile;
    options.halo = v.halo;
    options.clip = false;  // as the other cases
    return [model, options](const torch::Tensor& x) { return n2n::infer::denoise_packed(*model, x, options); };
}

Run make_torchscript_file(const Variant&) {
    auto& s = Setup::get();
    auto module = std::make_shared<torch::jit::Module>(torch::jit::load(s.exported.string()));
    module->eval();
    return [module](const torch::Tensor& frame) {
        torch::NoGradGuard no_grad;
        namespace F = torch::nn::functional;
        const std::int64_t h = frame.size(2), w = frame.size(3);
        const auto x = F::pad(frame, F::PadFuncOptions({0, (32 - w % 32) % 32, 0, (32 - h % 32) % 32}).mode(torch::kReflect));
        return module->forward({x}).toTensor().slice(2, 0, h).slice(3, 0, w);
    };
}

double g_plain_seconds = 0;
double g_python_seconds = 0;
double g_conv_gflops = 0;

// The throughput counters every case reports, from its seconds on the frame.
void set_rate_counters(benchmark::State& state, double seconds) {
    const auto& s = Setup::get();
    const double gflops = 2 * s.multiply_adds / seconds / 1e9;
    state.counters["MP_per_s"] = s.mosaic_mp / seconds;
    state.counters["GFLOP_per_s"] = gflops;
    state.counters["of_conv_rate"] = gflops / g_conv_gflops;
    if (g_plain_seconds > 0) state.counters["vs_plain"] = g_plain_seconds / seconds;
    if (g_python_seconds > 0) state.counters["vs_python"] = g_python_seconds / seconds;
    state.SetLabel(fmt::format("{:.1f} MP mosaic", s.mosaic_mp));
}

long peak_kib_of_child(const std::string& name) {
    const std::string command = fmt::format("/proc/{}/exe --n2n-memory-case={}", ::getpid(), name);
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return -1;
    long kib = -1;
    if (std::fscanf(pipe, "VmHWM_kB %ld", &kib) != 1) kib = -1;
    ::pclose(pipe);
    return kib;
}

void run_case(benchmark::State& state, const std::string& name, Run (*factory)(const Variant&), const Variant& v) {
    auto& s = Setup::get();
    auto fn = factory(v);
    fn(s.small);  // warm-up: one-time allocations, TorchScript profiling runs
    fn(s.small);
    double seconds = 0;
    torch::Tensor out;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        out = fn(s.frame);
        const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
        seconds += dt;
        state.SetIterationTime(dt);
    }
    seconds /= static_cast<double>(state.iterations());
    if (name == "plain_eager") g_plain_seconds = seconds;
    set_rate_counters(state, seconds);
    if (name == "tiled/script/staged/tile512") s.exact = out;
    if (s.exact.defined() && name != "tiled/script/staged/tile512")
        state.counters["max_dev"] = (out - s.exact).abs().max().item<double>();
    if (v.peak && env_or("N2N_BENCH_NO_PEAK", 0) == 0) state.counters["peak_MiB"] = static_cast<double>(peak_kib_of_child(name)) / 1024.0;
}

void register_case(const std::string& name, Run (*factory)(const Variant&), const Variant& v) {
    cases()[name] = [factory, v] { factory(v)(Setup::get().frame); };
    benchmark::RegisterBenchmark(name.c_str(), [name, factory, v](benchmark::State& st) { run_case(st, name, factory, v); })
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kSecond);
}

// The Python reference once on the frame (its sides padded to the network's multiple, as
// plain_eager pads them).
void run_python_reference(benchmark::State& state) {
    auto& s = Setup::get();
    const auto up = [](std::int64_t v) { return (v + 31) / 32 * 32; };
    double seconds = 0;
    for (auto _ : state) {
        seconds = n2n::bench::python_reference_seconds(fmt::format("infer --height {} --width {} --threads {}",
                                                                   up(s.frame.size(2)), up(s.frame.size(3)),
                                                                   at::get_num_threads()));
        if (!std::isfinite(seconds)) {
            state.SkipWithError("bench/torch_reference.py failed (is python3-torch installed?)");
            return;
        }
        state.SetIterationTime(seconds);
    }
    set_rate_counters(state, seconds);  // before g_python_seconds: no ratio to itself
    g_python_seconds = seconds;
}

}  // namespace

int main(int argc, char** argv) {
    using n2n::infer::Backend;
    const bool all = env_or("N2N_BENCH_ALL", 0) != 0;  // also the slower variants
    const int threads = n2n::set_threads(static_cast<int>(env_or("N2N_BENCH_THREADS", 0)));
    benchmark::RegisterBenchmark("reference/python_eager", run_python_reference)
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kSecond);
    register_case("plain_eager", make_plain, Variant{Backend::Eager, 0, -1, true});
    // The default path: frozen TorchScript, staged tiles (exact), then the alternatives.
    register_case("tiled/script/staged/tile512", make_tiled, Variant{Backend::Script, 512, -1, true});
    register_case("tiled/script/staged/bfloat16/tile512", make_tiled,
                  Variant{Backend::Script, 512, -1, true, n2n::infer::Precision::BFloat16});
    if (all) {  // tile sizes and the full-halo eager tiler
        for (const int tile : {640, 768, 1024})
            register_case(fmt::format("tiled/script/staged/tile{}", tile), make_tiled, Variant{Backend::Script, tile, -1, true});
        register_case("tiled/eager/full_halo/tile512", make_tiled, Variant{Backend::Eager, 512, -1});
    }
    register_case("torchscript_file", make_torchscript_file, Variant{Backend::Eager, 0, -1, true});

    // Child mode: run one case once and report this process's peak resident memory.
    const std::string flag = "--n2n-memory-case=";
    if (argc == 2 && std::string(argv[1]).rfind(flag, 0) == 0) {
        g_memory_child = true;
        const std::string name = std::string(argv[1]).substr(flag.size());
        if (!cases().count(name)) return 2;
        cases()[name]();
        std::ifstream status("/proc/self/status");
        std::string line;
        while (std::getline(status, line))
            if (line.rfind("VmHWM:", 0) == 0) std::printf("VmHWM_kB %ld\n", std::atol(line.c_str() + 6));
        return 0;
    }
    benchmark::Initialize(&argc, argv);
    g_conv_gflops = n2n::bench::convolution_gflops();
    benchmark::AddCustomContext("threads", std::to_string(threads));
    benchmark::AddCustomContext("conv_GFLOP_per_s", fmt::format("{:.1f}", g_conv_gflops));
    benchmark::AddCustomContext("MAC_per_packed_pixel", fmt::format("{:.0f}", Setup::get().multiply_adds_per_pixel));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
