// SPDX-License-Identifier: MIT
#include "n2n_raw/train/loss.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/train/sampler.hpp"

#include <cmath>
#include <fmt/format.h>
#include <torch/torch.h>

namespace n2n::train {

LossTerms neighbor2neighbor_loss(model::Denoiser& net, const torch::Tensor& noisy, const torch::Tensor& choices,
                                 double lambda) {
    torch::Tensor expected;
    {
        // Stop-gradient: f(y) only supplies a target for the regulariser.
        torch::NoGradGuard no_grad;
        const auto full = net.forward(noisy);
        const auto sub = subsample(full, choices);
        expected = sub.g1 - sub.g2;
    }
    const auto sub = subsample(noisy, choices);
    const auto prediction = net.forward(sub.g1);
    const auto diff = prediction - sub.g2.narrow(1, 0, prediction.size(1));
    LossTerms t;
    t.reconstruction = diff.square().mean();
    t.regularizer = (diff - expected).square().mean();
    t.total = t.reconstruction + lambda * t.regularizer;
    return t;
}

LossTerms supervised_loss(model::Denoiser& net, const torch::Tensor& input, const torch::Tensor& target) {
    LossTerms t;
    t.reconstruction = (net.forward(input) - target).square().mean();
    t.regularizer = torch::zeros({}, t.reconstruction.options());
    t.total = t.reconstruction;
    return t;
}

LossTerms sure_loss(model::Denoiser& net, const torch::Tensor& stabilised, const torch::Tensor& probe) {
    if (stabilised.dim() != 4 || stabilised.size(1) != 8)
        throw ConfigError("", "input",
                          "the SURE objective needs the 8-plane noise-conditioned input (--input gat): its noise "
                          "level must be known");
    const auto data = stabilised.narrow(1, 0, 4);
    const auto sigma = stabilised.narrow(1, 4, 4);
    const auto eps = 0.01 * sigma;
    const auto f = net.forward(stabilised);
    const auto f_probe = net.forward(torch::cat({data + eps * probe, sigma}, 1));
    // A clipped sample is exactly 0 in this domain and does not move under the probe; real raw
    // keeps its noise below black (negative values), which does move.
    const auto moving = (data != 0).to(data.scalar_type());
    LossTerms t;
    t.reconstruction = (f - data).square().mean();
    t.regularizer = 2 * (sigma.square() * probe * (f_probe - f) / eps * moving).mean();
    t.total = t.reconstruction + t.regularizer;
    return t;
}

double regularizer_weight(int epoch, int n_epochs, double gamma) {
    if (n_epochs <= 0) throw ConfigError("", "epochs", fmt::format("must be positive, got {}", n_epochs));
    return static_cast<double>(epoch) / static_cast<double>(n_epochs) * gamma;
}

double learning_rate(int epoch, double base_lr, int step_epochs, double factor) {
    if (step_epochs <= 0) return base_lr;
    const int steps = std::max(0, (epoch - 1) / step_epochs);
    return base_lr * std::pow(factor, steps);
}

}  // namespace n2n::train
