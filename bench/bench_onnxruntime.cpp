// SPDX-License-Identifier: MIT
// ONNX Runtime (CPU, npm onnxruntime-node: what darktable-style deployments run) against our
// default tiled path (frozen TorchScript, staged tiles) on the same frame, network and thread
// count, in one run. The 48-feature paper U-Net is exported with `deploy::export_onnx`; ONNX
// Runtime runs the whole frame at once (its usual use), timed by bench/ort_time.js.
// Usage: bench_onnxruntime ORT_PREFIX [MEGAPIXELS=4] [THREADS=2] [REPEATS=3]
// (ORT_PREFIX: the folder `tests/deploy/install_onnxruntime.sh` filled, e.g. build/onnxrt).
// Prints seconds (median of REPEATS after a warm-up) and mosaic MP/s for both, ort_over_ours =
// ONNX Runtime's time / ours (>= 1: ours is not slower) and max_dev between the two outputs.
#include "n2n_raw/deploy/onnx.hpp"
#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/tensor/compute.hpp"
#include "reference_runs.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

void write_floats(const std::filesystem::path& path, const torch::Tensor& t) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(t.data_ptr<float>()), static_cast<std::streamsize>(t.numel() * 4));
}

torch::Tensor read_floats(const std::filesystem::path& path, const torch::Tensor& like) {
    auto t = torch::empty_like(like);
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(t.data_ptr<float>()), static_cast<std::streamsize>(t.numel() * 4));
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: bench_onnxruntime ORT_PREFIX [MEGAPIXELS=4] [THREADS=2] [REPEATS=3]\n");
        return 2;
    }
    const std::string ort = argv[1];
    const double mp = argc > 2 ? std::atof(argv[2]) : 4.0;
    const int threads = n2n::set_threads(argc > 3 ? std::atoi(argv[3]) : 2);
    const int repeats = std::max(1, argc > 4 ? std::atoi(argv[4]) : 3);
    try {
        torch::manual_seed(0);
        const n2n::model::NetConfig config;  // the paper's 48-feature U-Net
        auto net = n2n::model::make_denoiser(config);
        net->eval();
        n2n::bench::use_plain_kaiming(*net);
        // A 4:3 packed frame with sides multiples of 32, so both run exactly the same pixels.
        const auto side = [&](double share) {
            return std::max<std::int64_t>(32, 32 * std::llround(std::sqrt(mp * 1e6 * share) / 2 / 32));
        };
        const std::int64_t h = side(3.0 / 4), w = side(4.0 / 3);
        const auto frame = (torch::rand({1, 4, 1, 1}) * 0.5 + 0.1 * torch::rand({1, 4, h, w})).contiguous();
        const double mosaic_mp = 4.0 * static_cast<double>(h * w) / 1e6;

        const auto dir = std::filesystem::temp_directory_path() / fmt::format("n2n_bench_ort_{}", ::getpid());
        std::filesystem::create_directories(dir);
        n2n::deploy::export_onnx(*net, config, dir / "unet48.onnx");
        write_floats(dir / "frame.f32", frame);

        const auto model = n2n::infer::Model::from_module(net, config, torch::kCPU, n2n::infer::Backend::Script);
        n2n::infer::TileOptions options;
        options.clip = false;  // ONNX Runtime does not clip either
        // Warm-up on the frame itself, as ort_time.js does: the TorchScript executor specialises
        // on the shapes it sees first.
        n2n::infer::denoise_packed(model, frame, options);
        std::vector<double> ours;
        torch::Tensor ours_out;
        for (int r = 0; r < repeats; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            ours_out = n2n::infer::denoise_packed(model, frame, options);
            ours.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(ours.begin(), ours.end());

        const std::string command =
            fmt::format("node {}/ort_time.js {} {} {} 1,4,{},{} {} {} {}", N2N_BENCH_DIR, ort, (dir / "unet48.onnx").string(),
                        (dir / "frame.f32").string(), h, w, threads, repeats, (dir / "ort_out.f32").string());
        FILE* pipe = ::popen(command.c_str(), "r");
        double ort_seconds = -1;
        if (pipe == nullptr || std::fscanf(pipe, "median_s %lf", &ort_seconds) != 1 || ::pclose(pipe) != 0)
            throw std::runtime_error("ONNX Runtime run failed: " + command);
        const auto ort_out = read_floats(dir / "ort_out.f32", ours_out.contiguous());
        const double max_dev = (ort_out - ours_out).abs().max().item<double>();
        std::filesystem::remove_all(dir);

        const double ours_s = ours[ours.size() / 2];
        fmt::print("frame {}x{} packed ({:.2f} MP mosaic), 48-feature U-Net, {} threads, median of {}\n", h, w,
                   mosaic_mp, threads, repeats);
        fmt::print("ours (tiled, frozen TorchScript, staged)  {:8.3f} s  {:6.3f} MP/s\n", ours_s, mosaic_mp / ours_s);
        fmt::print("ONNX Runtime {} CPU (whole frame)  {:8.3f} s  {:6.3f} MP/s\n", "onnxruntime-node", ort_seconds,
                   mosaic_mp / ort_seconds);
        fmt::print("ort_over_ours {:.3f}  max_dev {:.3g}\n", ort_seconds / ours_s, max_dev);
    } catch (const std::exception& e) {
        fmt::print(stderr, "bench_onnxruntime: {}\n", e.what());
        return 1;
    }
    return 0;
}
