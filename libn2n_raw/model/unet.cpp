// SPDX-License-Identifier: MIT
#include "n2n_raw/model/unet.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include <array>

namespace n2n::model {
namespace {

constexpr double kLeak = 0.2;

torch::nn::Conv2d conv(int in, int out, int kernel) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2).bias(true));
}
torch::nn::LeakyReLU lrelu() { return torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(kLeak)); }
torch::nn::MaxPool2d pool() { return torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)); }

// The official initialisation: kaiming_normal(fan_in) scaled by 0.1 keeps the initial output
// near zero, which the loss (no residual) tolerates better than the default init. The residual
// variant keeps the full-size kaiming weights (the 0.1 factors, compounded over ~20 layers,
// leave gradients below Adam's epsilon on low-noise raw data) and zeroes the output layer
// instead, so that it starts exactly at the identity.
void init_weights(torch::nn::Module& m, bool residual) {
    torch::NoGradGuard no_grad;
    for (auto& sub : m.modules(/*include_self=*/false)) {
        const bool is_conv = sub->as<torch::nn::Conv2d>() != nullptr;
        const bool is_deconv = sub->as<torch::nn::ConvTranspose2d>() != nullptr;
        if (!is_conv && !is_deconv) continue;
        const auto params = sub->named_parameters(false);  // owns the tensor handles below
        auto weight = params["weight"];
        torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanIn, torch::kLeakyReLU);
        if (!residual) weight.mul_(0.1);
        if (const auto* bias = params.find("bias")) bias->zero_();
    }
}

// Sum of the half-widths of the convolutions in a block, in the block's own pixels.
int conv_reach(const torch::nn::Sequential& block) {
    int reach = 0;
    for (const auto& layer : block->children())
        if (const auto* c = layer->as<torch::nn::Conv2d>()) reach += static_cast<int>((*c->options.kernel_size())[0] / 2);
    return reach;
}

}  // namespace

UNet::UNet(int in_channels, int out_channels, int features, bool residual) : residual_(residual) {
    const int f = features, f2 = 2 * features;
    for (int level = 0; level <= kLevels; ++level) {
        torch::nn::Sequential block(conv(level == 0 ? in_channels : f, f, 3), lrelu());
        if (level == 0) {
            block->push_back(conv(f, f, 3));
            block->push_back(lrelu());
        }
        if (level < kLevels) block->push_back(pool());
        enc_.push_back(register_module(fmt::format("enc{}", level), block));
    }
    // up5 sees the 48-feature bottleneck, the others the 96-feature decoder output.
    const std::array<int, kLevels> up_in{f, f2, f2, f2, f2};
    const std::array<int, kLevels> skip{f, f, f, f, in_channels};  // pool4, pool3, pool2, pool1, input
    for (int i = 0; i < kLevels; ++i) {
        const int level = kLevels - i;
        auto up = torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(up_in[i], up_in[i], 2).stride(2).bias(true));
        up_.push_back(register_module(fmt::format("up{}", level), up));
        torch::nn::Sequential dec(conv(up_in[i] + skip[i], f2, 3), lrelu(), conv(f2, f2, 3), lrelu());
        if (level == 1) {
            dec->push_back(conv(f2, f2, 1));
            dec->push_back(lrelu());
            dec->push_back(conv(f2, f2, 1));
            dec->push_back(lrelu());
            dec->push_back(conv(f2, out_channels, 1));  // linear output: no activation
        }
        dec_.push_back(register_module(fmt::format("dec{}", level), dec));
    }
    init_weights(*this, residual);
    if (residual) {
        torch::NoGradGuard no_grad;
        auto output_layer = dec_.back()->ptr(dec_.back()->size() - 1)->named_parameters(false);
        output_layer["weight"].zero_();
    }
}

Geometry UNet::geometry() const {
    // Walk the path from the input down to the bottleneck and back up, adding each layer's reach
    // at its scale: a 3×3 conv at scale s reaches s pixels, a 2× pool or up-convolution s.
    int radius = 0;
    for (int level = 0; level <= kLevels; ++level) {
        const int scale = 1 << level;
        radius += conv_reach(enc_[static_cast<std::size_t>(level)]) * scale;
        if (level < kLevels) radius += scale;  // the pool
    }
    for (int i = 0; i < kLevels; ++i) {
        const int scale = 1 << (kLevels - i - 1);  // resolution after up-sampling
        radius += scale + conv_reach(dec_[static_cast<std::size_t>(i)]) * scale;
    }
    return {1 << kLevels, radius};
}

std::optional<StagePlan> UNet::stage_plan() const {
    // Pools and up-convolutions only move whole cells when tile edges lie on the grid, so the
    // halos are the convolutions' reach in each stage.
    StagePlan plan;
    for (int level = 0; level < kHeadLevels; ++level) {
        plan.head_scales.push_back(2 << level);
        plan.halo_head += conv_reach(enc_[static_cast<std::size_t>(level)]) * (1 << level);
    }
    for (int level = kHeadLevels; level >= 1; --level)
        plan.halo_tail += conv_reach(dec_[static_cast<std::size_t>(kLevels - level)]) * (1 << (level - 1));
    return plan;
}

std::vector<torch::Tensor> UNet::head(const torch::Tensor& x) {
    std::vector<torch::Tensor> pooled;
    torch::Tensor h = x;
    for (int level = 0; level < kHeadLevels; ++level) {
        h = enc_[static_cast<std::size_t>(level)]->forward(h);
        pooled.push_back(h);
    }
    return pooled;
}

torch::Tensor UNet::body(const torch::Tensor& coarsest) {
    // Deeper encoder levels, keeping their pooled maps as skips, then the decoder back up to the
    // coarsest head scale.
    std::vector<torch::Tensor> skips{coarsest};
    torch::Tensor h = coarsest;
    for (int level = kHeadLevels; level <= kLevels; ++level) {
        h = enc_[static_cast<std::size_t>(level)]->forward(h);
        if (level < kLevels) skips.push_back(h);
    }
    skips.pop_back();  // the bottleneck's own pooled input is not a skip
    for (int i = 0; i < kLevels - kHeadLevels; ++i) {
        h = torch::cat({up_[static_cast<std::size_t>(i)]->forward(h), skips.back()}, 1);
        skips.pop_back();
        h = dec_[static_cast<std::size_t>(i)]->forward(h);
    }
    return h;
}

torch::Tensor UNet::tail(const torch::Tensor& deep, const std::vector<torch::Tensor>& skips, const torch::Tensor& x) {
    torch::Tensor h = deep;
    for (int i = kLevels - kHeadLevels; i < kLevels; ++i) {
        const int level = kLevels - i;  // 3, 2, 1
        const torch::Tensor& skip = level == 1 ? x : skips.at(static_cast<std::size_t>(level - 2));
        h = torch::cat({up_[static_cast<std::size_t>(i)]->forward(h), skip}, 1);
        h = dec_[static_cast<std::size_t>(i)]->forward(h);
    }
    return residual_ ? h + x.narrow(1, 0, h.size(1)) : h;
}

torch::Tensor UNet::forward(const torch::Tensor& x) {
    auto maps = head(x);
    const torch::Tensor coarsest = maps.back();
    maps.pop_back();
    return tail(body(coarsest), maps, x);
}

}  // namespace n2n::model
