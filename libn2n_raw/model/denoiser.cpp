// SPDX-License-Identifier: MIT
#include "n2n_raw/model/denoiser.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/model/unet.hpp"

#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <torch/nn/functional/padding.h>

namespace n2n::model {
namespace {

// Beyond any network this project trains (48 features, 4 or 8 planes) by an order of magnitude,
// and small enough that the largest allowed U-Net still fits in memory: a damaged or forged
// checkpoint must not make the factory ask for terabytes or overflow 2 * features.
constexpr int kMaxFeatures = 512;
constexpr int kMaxChannels = 64;

// An int-valued key. get<int>() would cast 1e20 (undefined behaviour) or 2^32 + 4 (wraps to 4)
// without a word.
int int_field(const nlohmann::json& j, const char* key, int fallback, bool required) {
    if (!j.contains(key)) {
        if (required) throw FormatError("", "net", fmt::format("no \"{}\"", key));
        return fallback;
    }
    const nlohmann::json& v = j.at(key);
    if (v.is_number_integer()) {
        // Integers above INT64_MAX are stored unsigned; compare in the matching type.
        const bool fits = v.is_number_unsigned()
                              ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())
                              : v.get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                                    v.get<std::int64_t>() <= std::numeric_limits<int>::max();
        if (fits) return static_cast<int>(v.get<std::int64_t>());
    }
    throw FormatError("", "net", fmt::format("\"{}\": {} is not an integer in the range of int", key, v.dump()));
}

[[noreturn]] void no_stages() {
    throw ConfigError("", "stages", "this network has no stage split (stage_plan() is empty)");
}

}  // namespace

std::string NetConfig::to_json() const {
    return nlohmann::json{{"arch", arch}, {"in_channels", in_channels}, {"out_channels", out_channels},
                          {"features", features}, {"residual", residual}, {"input", input}}
        .dump();
}

NetConfig NetConfig::from_json(const std::string& text) {
    try {
        const auto j = nlohmann::json::parse(text);
        NetConfig c;
        c.arch = j.at("arch").get<std::string>();
        c.in_channels = int_field(j, "in_channels", 0, true);
        c.out_channels = int_field(j, "out_channels", 0, true);
        c.features = int_field(j, "features", 48, false);
        c.residual = j.value("residual", false);  // absent in checkpoints written before the option
        c.input = j.value("input", std::string("raw"));
        return c;
    } catch (const nlohmann::json::exception& e) {
        throw FormatError("", "net", fmt::format("bad network description '{}': {}", text, e.what()));
    }
}

std::vector<torch::Tensor> Denoiser::head(const torch::Tensor& /*x*/) { no_stages(); }
torch::Tensor Denoiser::body(const torch::Tensor& /*coarsest*/) { no_stages(); }
torch::Tensor Denoiser::tail(const torch::Tensor& /*deep*/, const std::vector<torch::Tensor>& /*skips*/,
                             const torch::Tensor& /*x*/) {
    no_stages();
}

std::optional<Flow> Denoiser::walk(LayerVisitor& /*visitor*/, const Flow& /*x*/) { return std::nullopt; }

std::int64_t Denoiser::parameter_count() const {
    std::int64_t n = 0;
    for (const auto& p : parameters()) n += p.numel();
    return n;
}

std::vector<std::string> available_architectures() { return {"unet"}; }

std::shared_ptr<Denoiser> make_denoiser(const NetConfig& config) {
    if (config.in_channels <= 0 || config.out_channels <= 0 || config.features <= 0)
        throw ConfigError("", "net", fmt::format("channel counts must be positive: {}", config.to_json()));
    if (config.in_channels > kMaxChannels || config.out_channels > kMaxChannels || config.features > kMaxFeatures)
        throw ConfigError("", "net",
                          fmt::format("at most {} planes in and out and {} features: {}", kMaxChannels, kMaxFeatures,
                                      config.to_json()));
    if (config.residual && config.in_channels < config.out_channels)
        throw ConfigError("", "residual",
                          fmt::format("a residual network adds its first out_channels inputs: {}", config.to_json()));
    if (config.input != "raw" && config.input != "gat")
        throw ConfigError("", "input", fmt::format("unknown input domain '{}' (raw or gat)", config.input));
    if (config.noise_conditioned() && (config.in_channels != 8 || config.out_channels != 4))
        throw ConfigError("", "input", fmt::format("the gat domain has 8 input and 4 output planes: {}", config.to_json()));
    if (config.arch == "unet")
        return std::make_shared<UNet>(config.in_channels, config.out_channels, config.features, config.residual);
    throw ConfigError("", "arch", fmt::format("unknown network '{}' (available: unet)", config.arch));
}

torch::Tensor pad_to_multiple(const torch::Tensor& x, std::int64_t multiple) {
    const std::int64_t h = x.size(2), w = x.size(3);
    const std::int64_t pad_h = (multiple - h % multiple) % multiple, pad_w = (multiple - w % multiple) % multiple;
    if (pad_h == 0 && pad_w == 0) return x;
    namespace F = torch::nn::functional;
    // Reflection needs pad < size; tiny images fall back to repeating the edge.
    F::PadFuncOptions::mode_t mode = torch::kReflect;
    if (pad_h >= h || pad_w >= w) mode = torch::kReplicate;
    return F::pad(x, F::PadFuncOptions({0, pad_w, 0, pad_h}).mode(mode));
}

torch::Tensor forward_padded(Denoiser& net, const torch::Tensor& input) {
    const bool batched = input.dim() == 4;
    if (!batched && input.dim() != 3)
        throw ConfigError("", "input", fmt::format("expected N x C x H x W or C x H x W, got {} dimensions", input.dim()));
    const torch::Tensor x = batched ? input : input.unsqueeze(0);
    const std::int64_t h = x.size(2), w = x.size(3);
    torch::Tensor y = net.forward(pad_to_multiple(x, net.required_multiple()));
    y = y.slice(2, 0, h).slice(3, 0, w);
    return batched ? y : y.squeeze(0);
}

}  // namespace n2n::model
