// SPDX-License-Identifier: MIT
// Fixtures for onnx_runtime_test.sh (ONNX Runtime against LibTorch on real raw):
//   onnx_fixture checkpoint OUT.pt FEATURES plain|residual SEED
//       a U-Net whose every layer has full-scale random weights and biases, so that its output is
//       of order one and every layer moves it (the trained-from-init weights are near zero or, for
//       the residual net, leave the output equal to the input);
//   onnx_fixture reference CKPT RAW OUT_PREFIX JOBS.jsonl ONNX SIZE...
//       the shared D750 crop (768x512 RGGB, 14 bit) packed and normalised, 8-plane encoded for a
//       noise-conditioned checkpoint, cut into crops SIZE = HxW or HxWxN (N crops at different
//       places); per size writes the input and LibTorch's output of the checkpoint as raw
//       float32 files and appends one job line for ort_compare.js.
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"
#include "n2n_raw/tensor/stabilised_domain.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

using namespace n2n;

namespace {

void write_floats(const std::string& path, const torch::Tensor& t) {
    const auto c = t.to(torch::kFloat).contiguous();
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(c.data_ptr<float>()), static_cast<std::streamsize>(c.numel() * 4));
    if (!out) throw std::runtime_error("cannot write " + path);
}

int make_checkpoint(const std::string& out, int features, bool residual, int seed) {
    const model::NetConfig config{"unet", 4, 4, features, residual, "raw"};
    auto net = model::make_denoiser(config);
    torch::manual_seed(static_cast<std::uint64_t>(seed));
    torch::NoGradGuard no_grad;
    for (auto& p : net->named_parameters(true)) {
        if (p.key().ends_with("weight"))
            torch::nn::init::kaiming_normal_(p.value(), 0.2, torch::kFanIn, torch::kLeakyReLU);
        else
            p.value().uniform_(-0.1, 0.1);
    }
    model::save_checkpoint(out, *net, config, nullptr, 1);
    return 0;
}

int make_reference(const std::vector<std::string>& a) {
    const auto& [ckpt, raw, prefix, jobs, onnx] = std::tie(a[0], a[1], a[2], a[3], a[4]);
    const auto loaded = model::load_checkpoint(ckpt, torch::kCPU);
    const io::HeaderlessSpec spec{768, 512, io::Endian::Little, {bayer::BayerPhase::RGGB, 14, 600.F, 15520.F}};
    const auto frame = io::read_headerless(raw, spec);
    torch::Tensor packed = pack_to_tensor(frame.normalized().view(), frame.meta.phase).unsqueeze(0);  // 1x4x256x384
    if (loaded.config.noise_conditioned())  // a D750-like level at moderate ISO
        packed = StabilisedDomain(noise::NoiseModel::uniform({1.2e-4, 5.2e-7})).encode(packed);
    std::ofstream out(jobs, std::ios::app);
    torch::NoGradGuard no_grad;
    for (std::size_t k = 5; k < a.size(); ++k) {
        int h = 0, w = 0, n = 1;
        if (std::sscanf(a[k].c_str(), "%dx%dx%d", &h, &w, &n) < 2) throw std::runtime_error("bad size " + a[k]);
        std::vector<torch::Tensor> crops;
        for (int i = 0; i < n; ++i) {  // crops at different places of the frame
            const std::int64_t top = (packed.size(2) - h) * (i + 1) / (n + 1), left = (packed.size(3) - w) * i / n;
            crops.push_back(packed.slice(2, top, top + h).slice(3, left, left + w));
        }
        const auto x = torch::cat(crops, 0).contiguous();
        const auto y = loaded.net->forward(x);
        const std::string stem = fmt::format("{}_{}", prefix, a[k]);
        write_floats(stem + ".in.f32", x);
        write_floats(stem + ".torch.f32", y);
        out << nlohmann::json{{"model", onnx}, {"input", stem + ".in.f32"}, {"expected", stem + ".torch.f32"},
                              {"shape", x.sizes().vec()}, {"out_shape", y.sizes().vec()}, {"name", stem}}
                   .dump()
            << '\n';
    }
    return out ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 5 && args[0] == "checkpoint")
            return make_checkpoint(args[1], std::stoi(args[2]), args[3] == "residual", std::stoi(args[4]));
        if (args.size() >= 7 && args[0] == "reference") return make_reference({args.begin() + 1, args.end()});
    } catch (const std::exception& e) {
        fmt::print(stderr, "onnx_fixture: {}\n", e.what());
        return 1;
    }
    fmt::print(stderr, "usage: onnx_fixture checkpoint OUT FEATURES plain|residual SEED | "
                       "reference CKPT RAW PREFIX JOBS ONNX SIZE...\n");
    return 2;
}
