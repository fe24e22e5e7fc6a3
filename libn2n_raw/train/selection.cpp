// SPDX-License-Identifier: MIT
#include "n2n_raw/train/selection.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/tensor/compute.hpp"
#include "n2n_raw/tensor/stabilised_domain.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <torch/torch.h>

namespace n2n::train {

SelectionSet make_selection_set(FrameDataset& data, const LoaderOptions& loader, int crops, int side, int margin) {
    if (crops <= 0 || side <= 0 || margin < 0 || 2 * margin >= side)
        throw ConfigError("", "selection set",
                          fmt::format("needs positive crops and a side beyond twice the margin, got {} crops of {} "
                                      "with margin {}",
                                      crops, side, margin));
    LoaderOptions o = loader;
    o.batch = crops;
    o.patch = side;
    o.patches_per_frame = (crops + static_cast<int>(data.size()) - 1) / static_cast<int>(data.size());
    o.augment = Augment::None;
    o.stabilised = false;
    o.synthetic_noise.clear();
    o.noise_models = true;
    o.seed = loader.seed ^ 0x5e1ec7ULL;  // crops of their own, not the first training batch
    Batch batch = make_batch(data, o, 0, 0);
    SelectionSet set{batch.input, std::move(batch.noise), {}};
    set.risk.seed = o.seed;
    set.risk.border = margin;
    const double low = set.packed.min().item<double>(), high = set.packed.max().item<double>();
    if (low >= 0 && (set.packed == 0).any().item<bool>()) set.risk.clip_low = 0.0;
    if (high <= 1 && (set.packed == 1).any().item<bool>()) set.risk.clip_high = 1.0;
    return set;
}

Metrics score_selection(model::Denoiser& net, const model::NetConfig& config, const SelectionSet& set,
                        const torch::Device& device) {
    torch::NoGradGuard no_grad;
    double sum = 0;
    const auto k = set.packed.size(0);
    for (std::int64_t i = 0; i < k; ++i) {
        const noise::NoiseModel& noise = set.noise[static_cast<std::size_t>(i)];
        const std::optional<StabilisedDomain> domain =
            config.noise_conditioned() ? std::optional<StabilisedDomain>(noise) : std::nullopt;
        const eval::TensorDenoiser run = [&](const torch::Tensor& packed) {
            const auto x = packed.unsqueeze(0).to(device);
            const auto out = domain ? domain->decode(model::forward_padded(net, domain->encode(x)))
                                    : model::forward_padded(net, x);
            return out.squeeze(0).to(torch::kCPU);
        };
        sum += eval::estimate_risk(run, set.packed[i], eval::packed_variance(noise), set.risk).mse;
    }
    const double mse = sum / static_cast<double>(k);
    return {{kSureMse, mse}, {kSurePsnr, mse > 0 ? -10 * std::log10(mse) : std::numeric_limits<double>::infinity()}};
}

void keep_best_by_sure(TrainOptions& options, std::shared_ptr<const SelectionSet> set, int every) {
    if (every <= 0) throw ConfigError("", "selection interval", fmt::format("must be positive, got {}", every));
    const torch::Device device = parse_device(options.device);
    options.val_every = every;
    options.keep_best = true;
    options.best_metric = kSureMse;
    options.validate = [set = std::move(set), device](model::Denoiser& net, const model::NetConfig& config, int) {
        return score_selection(net, config, *set, device);
    };
}

double probe_selection_seconds(const model::NetConfig& config, const SelectionSet& set, const torch::Device& device) {
    auto net = model::make_denoiser(config);
    net->to(device);
    net->eval();
    const auto t0 = std::chrono::steady_clock::now();
    score_selection(*net, config, set, device);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace n2n::train
