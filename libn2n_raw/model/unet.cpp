// SPDX-License-Identifier: MIT
#include "n2n_raw/error.hpp"
#include "n2n_raw/model/denoiser.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

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

}  // namespace

std::string NetConfig::to_json() const {
    return nlohmann::json{{"arch", arch}, {"in_channels", in_channels}, {"out_channels", out_channels},
                          {"features", features}, {"residual", residual}}
        .dump();
}

NetConfig NetConfig::from_json(const std::string& text) {
    try {
        const auto j = nlohmann::json::parse(text);
        NetConfig c;
        c.arch = j.at("arch").get<std::string>();
        c.in_channels = j.at("in_channels").get<int>();
        c.out_channels = j.at("out_channels").get<int>();
        c.features = j.value("features", 48);
        c.residual = j.value("residual", false);  // absent in checkpoints written before the option
        return c;
    } catch (const nlohmann::json::exception& e) {
        throw FormatError("", "net", fmt::format("bad network description '{}': {}", text, e.what()));
    }
}

std::int64_t Denoiser::parameter_count() const {
    std::int64_t n = 0;
    for (const auto& p : parameters()) n += p.numel();
    return n;
}

UNet::UNet(int in_channels, int out_channels, int features, bool residual) : residual_(residual) {
    const int f = features, f2 = 2 * features;
    enc0_ = register_module("enc0", torch::nn::Sequential(conv(in_channels, f, 3), lrelu(), conv(f, f, 3), lrelu(), pool()));
    enc1_ = register_module("enc1", torch::nn::Sequential(conv(f, f, 3), lrelu(), pool()));
    enc2_ = register_module("enc2", torch::nn::Sequential(conv(f, f, 3), lrelu(), pool()));
    enc3_ = register_module("enc3", torch::nn::Sequential(conv(f, f, 3), lrelu(), pool()));
    enc4_ = register_module("enc4", torch::nn::Sequential(conv(f, f, 3), lrelu(), pool()));
    enc5_ = register_module("enc5", torch::nn::Sequential(conv(f, f, 3), lrelu()));
    // up5 sees the 48-feature bottleneck, the others the 96-feature decoder output.
    const std::array<int, 5> up_in{f, f2, f2, f2, f2};
    const std::array<int, 5> skip{f, f, f, f, in_channels};  // pool4, pool3, pool2, pool1, input
    for (int i = 0; i < 5; ++i) {
        const int level = 5 - i;
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
        auto head = dec_.back()->ptr(dec_.back()->size() - 1)->named_parameters(false);
        head["weight"].zero_();
    }
}

torch::Tensor UNet::forward(const torch::Tensor& x) {
    const auto p1 = enc0_->forward(x);
    const auto p2 = enc1_->forward(p1);
    const auto p3 = enc2_->forward(p2);
    const auto p4 = enc3_->forward(p3);
    auto h = enc5_->forward(enc4_->forward(p4));
    const std::array<const torch::Tensor*, 5> skips{&p4, &p3, &p2, &p1, &x};
    for (std::size_t i = 0; i < 5; ++i) {
        h = torch::cat({up_[i]->forward(h), *skips[i]}, 1);
        h = dec_[i]->forward(h);
    }
    return residual_ ? h + x : h;
}

std::vector<std::string> available_architectures() { return {"unet"}; }

std::shared_ptr<Denoiser> make_denoiser(const NetConfig& config) {
    if (config.in_channels <= 0 || config.out_channels <= 0 || config.features <= 0)
        throw ConfigError("", "net", fmt::format("channel counts must be positive: {}", config.to_json()));
    if (config.residual && config.in_channels != config.out_channels)
        throw ConfigError("", "residual", fmt::format("a residual network maps C channels to C: {}", config.to_json()));
    if (config.arch == "unet")
        return std::make_shared<UNet>(config.in_channels, config.out_channels, config.features, config.residual);
    throw ConfigError("", "arch", fmt::format("unknown network '{}' (available: unet)", config.arch));
}

torch::Tensor forward_padded(Denoiser& net, const torch::Tensor& input) {
    const bool batched = input.dim() == 4;
    if (!batched && input.dim() != 3)
        throw ConfigError("", "input", fmt::format("expected N x C x H x W or C x H x W, got {} dimensions", input.dim()));
    torch::Tensor x = batched ? input : input.unsqueeze(0);
    const std::int64_t h = x.size(2), w = x.size(3), m = net.required_multiple();
    const std::int64_t pad_h = (m - h % m) % m, pad_w = (m - w % m) % m;
    if (pad_h != 0 || pad_w != 0) {
        namespace F = torch::nn::functional;
        // Reflection needs pad < size; tiny images fall back to repeating the edge.
        const bool can_reflect = pad_h < h && pad_w < w;
        auto pad = F::PadFuncOptions({0, pad_w, 0, pad_h});
        if (can_reflect) {
            pad.mode(torch::kReflect);
        } else {
            pad.mode(torch::kReplicate);
        }
        x = F::pad(x, pad);
    }
    torch::Tensor y = net.forward(x);
    y = y.slice(2, 0, h).slice(3, 0, w);
    return batched ? y : y.squeeze(0);
}

}  // namespace n2n::model
