// SPDX-License-Identifier: MIT
// What the network benchmarks put beside their own figures, measured in the same run: the same
// network in Debian's python3-torch (bench/torch_reference.py), the machine's convolution rate
// (the distance to the limit), and the network's multiply-adds (to turn seconds into GFLOP/s).
#pragma once

#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/model/layer_walk.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#ifndef N2N_BENCH_DIR
#error "N2N_BENCH_DIR must name the bench/ source folder (where torch_reference.py is)"
#endif

namespace n2n::bench {

/// Seconds the Python reference reports for `arguments` (see torch_reference.py), or NaN when it
/// could not run (the caller reports that as the benchmark's error).
inline double python_reference_seconds(const std::string& arguments) {
    const std::string command = fmt::format("/usr/bin/python3 {}/torch_reference.py {}", N2N_BENCH_DIR, arguments);
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return std::numeric_limits<double>::quiet_NaN();
    std::string output;  // read to the end: closing early would break the child's pipe
    std::array<char, 256> chunk{};
    while (std::fgets(chunk.data(), static_cast<int>(chunk.size()), pipe) != nullptr) output += chunk.data();
    if (::pclose(pipe) != 0) return std::numeric_limits<double>::quiet_NaN();
    double seconds = std::numeric_limits<double>::quiet_NaN();
    if (std::sscanf(output.c_str(), "{\"seconds\": %lf", &seconds) != 1) return std::numeric_limits<double>::quiet_NaN();
    return seconds;
}

/// Undoes the paper's 0.1 scaling of the initial weights (which leaves a fresh U-Net's outputs
/// near 1e-20): with O(1) activations the differences between two runtimes are measurable.
inline void use_plain_kaiming(model::Denoiser& net) {
    torch::NoGradGuard no_grad;
    for (auto& p : net.named_parameters())
        if (p.key().ends_with("weight")) p.value().mul_(10);
}

/// GFLOP/s of one 48 -> 48 3 x 3 convolution on a 1 x 48 x 512 x 512 map, the better of the
/// NCHW and channels-last layouts (best of 5): the rate a network of such layers could reach
/// with the current thread count.
inline double convolution_gflops() {
    torch::NoGradGuard no_grad;
    const auto w = torch::randn({48, 48, 3, 3}) * 0.05, b = torch::zeros({48});
    double best = 0;
    for (const auto format : {torch::MemoryFormat::Contiguous, torch::MemoryFormat::ChannelsLast}) {
        const auto x = torch::rand({1, 48, 512, 512}).contiguous(format);
        (void)torch::conv2d(x, w, b, 1, 1);  // warm-up: oneDNN builds its kernel
        for (int i = 0; i < 5; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            const auto y = torch::conv2d(x, w, b, 1, 1);
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            best = std::max(best, 2.0 * 48 * 48 * 9 * 512 * 512 / s / 1e9);
        }
    }
    return best;
}

/// Counts the multiply-adds of every convolution a network's walk runs (computing on a small
/// input with TensorVisitor alongside).
class CostVisitor final : public model::LayerVisitor {
public:
    double multiply_adds = 0;
    model::Flow conv(const model::Flow& x, torch::nn::Conv2dImpl& layer) override {
        auto y = compute_.conv(x, layer);
        const auto k = *layer.options.kernel_size();
        multiply_adds += static_cast<double>(y.tensor.numel() * x.tensor.size(1) * k[0] * k[1]);
        return y;
    }
    model::Flow conv_transpose(const model::Flow& x, torch::nn::ConvTranspose2dImpl& layer) override {
        auto y = compute_.conv_transpose(x, layer);
        const auto k = *layer.options.kernel_size(), s = *layer.options.stride();
        multiply_adds += static_cast<double>(y.tensor.numel() * x.tensor.size(1) * k[0] * k[1]) /
                         static_cast<double>(s[0] * s[1]);
        return y;
    }
    model::Flow leaky_relu(const model::Flow& x, torch::nn::LeakyReLUImpl& l) override { return compute_.leaky_relu(x, l); }
    model::Flow max_pool(const model::Flow& x, torch::nn::MaxPool2dImpl& l) override { return compute_.max_pool(x, l); }
    model::Flow concat(const model::Flow& a, const model::Flow& b) override { return compute_.concat(a, b); }
    model::Flow add_leading(const model::Flow& a, const model::Flow& b, std::int64_t c) override {
        return compute_.add_leading(a, b, c);
    }

private:
    model::TensorVisitor compute_;
};

/// Multiply-adds per packed pixel of `net`'s forward (networks with a walk), from a 64 x 64 input.
inline double multiply_adds_per_packed_pixel(model::Denoiser& net, int in_channels) {
    torch::NoGradGuard no_grad;
    CostVisitor cost;
    const std::int64_t side = std::max(64, net.required_multiple());
    if (!net.walk(cost, {torch::zeros({1, in_channels, side, side}), {}}))
        return std::numeric_limits<double>::quiet_NaN();
    return cost.multiply_adds / static_cast<double>(side * side);
}

}  // namespace n2n::bench
