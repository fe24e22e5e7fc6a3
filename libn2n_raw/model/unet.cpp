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

UNet::UNet(int in_channels, int out_channels, int features, bool residual)
    : residual_(residual), out_channels_(out_channels) {
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

std::vector<Flow> UNet::head_walk(LayerVisitor& v, const Flow& x) {
    std::vector<Flow> pooled;
    Flow h = x;
    for (int level = 0; level < kHeadLevels; ++level) {
        h = v.sequential(h, enc_[static_cast<std::size_t>(level)]);
        pooled.push_back(h);
    }
    return pooled;
}

Flow UNet::body_walk(LayerVisitor& v, const Flow& coarsest) {
    // Deeper encoder levels, keeping their pooled maps as skips, then the decoder back up to the
    // coarsest head scale.
    std::vector<Flow> skips{coarsest};
    Flow h = coarsest;
    for (int level = kHeadLevels; level <= kLevels; ++level) {
        h = v.sequential(h, enc_[static_cast<std::size_t>(level)]);
        if (level < kLevels) skips.push_back(h);
    }
    skips.pop_back();  // the bottleneck's own pooled input is not a skip
    for (int i = 0; i < kLevels - kHeadLevels; ++i) {
        h = v.concat(v.conv_transpose(h, *up_[static_cast<std::size_t>(i)]), skips.back());
        skips.pop_back();
        h = v.sequential(h, dec_[static_cast<std::size_t>(i)]);
    }
    return h;
}

Flow UNet::tail_walk(LayerVisitor& v, const Flow& deep, const std::vector<Flow>& skips, const Flow& x) {
    Flow h = deep;
    for (int i = kLevels - kHeadLevels; i < kLevels; ++i) {
        const int level = kLevels - i;  // 3, 2, 1
        const Flow& skip = level == 1 ? x : skips.at(static_cast<std::size_t>(level - 2));
        h = v.concat(v.conv_transpose(h, *up_[static_cast<std::size_t>(i)]), skip);
        h = v.sequential(h, dec_[static_cast<std::size_t>(i)]);
    }
    return residual_ ? v.add_leading(h, x, out_channels_) : h;
}

std::optional<Flow> UNet::walk(LayerVisitor& v, const Flow& x) {
    auto maps = head_walk(v, x);
    const Flow coarsest = maps.back();
    maps.pop_back();
    return tail_walk(v, body_walk(v, coarsest), maps, x);
}

// The stages and forward() are the walks above, computing. Outputs are returned in the
// standard layout; the maps between stages stay in the layers' own (channels-last).
std::vector<torch::Tensor> UNet::head(const torch::Tensor& x) {
    TensorVisitor v;
    std::vector<torch::Tensor> maps;
    for (auto& m : head_walk(v, {x, {}})) maps.push_back(std::move(m.tensor));
    return maps;
}

torch::Tensor UNet::body(const torch::Tensor& coarsest) {
    TensorVisitor v;
    return body_walk(v, {coarsest, {}}).tensor;
}

torch::Tensor UNet::tail(const torch::Tensor& deep, const std::vector<torch::Tensor>& skips, const torch::Tensor& x) {
    TensorVisitor v;
    std::vector<Flow> skip_flows;
    for (const auto& s : skips) skip_flows.push_back({s, {}});
    return tail_walk(v, {deep, {}}, skip_flows, {x, {}}).tensor.contiguous();
}

torch::Tensor UNet::forward(const torch::Tensor& x) {
    TensorVisitor v;
    return walk(v, {x, {}})->tensor.contiguous();  // the layers compute channels-last
}

}  // namespace n2n::model
