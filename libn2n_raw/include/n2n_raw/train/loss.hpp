// SPDX-License-Identifier: MIT
// The Neighbor2Neighbor objective and the recipe's schedules, as functions of the epoch.
#pragma once

#include "n2n_raw/model/denoiser.hpp"

#include <torch/types.h>

#include <cstdint>

namespace n2n::train {

/// What noisy frames are trained with: Neighbor2Neighbor (the paper), or Stein's unbiased risk
/// estimate (sure_loss; noise-conditioned networks only). Synthetic pairs are always supervised.
enum class Objective : std::uint8_t { Neighbor2Neighbor, Sure };

/// The terms of one loss evaluation (0-d tensors; `total` carries the gradient).
struct LossTerms {
    torch::Tensor total;           ///< reconstruction + lambda · regularizer
    torch::Tensor reconstruction;  ///< mean((f(g1(y)) − g2(y))²)
    torch::Tensor regularizer;     ///< mean((f(g1(y)) − g2(y) − (g1(f(y)) − g2(f(y))))²)
};

/// L = mean(diff²) + lambda · mean((diff − exp)²) with diff = f(g1(y)) − g2(y) and
/// exp = g1(f(y)) − g2(f(y)). f(y) is computed under NoGradGuard (the paper's stop-gradient),
/// so gradients reach the network only through f(g1(y)). `choices` from draw_pair_choices.
/// For noise-conditioned inputs (8 planes) the targets are the sub-images' first 4 planes: the
/// noisy data; the noise-level planes are constant and only feed the network.
LossTerms neighbor2neighbor_loss(model::Denoiser& net, const torch::Tensor& noisy, const torch::Tensor& choices,
                                 double lambda);

/// Supervised (Noise2Clean) objective on synthetic pairs: mean((f(input) − target)²), in the
/// returned `reconstruction` and `total` (the regulariser is 0).
LossTerms supervised_loss(model::Denoiser& net, const torch::Tensor& input, const torch::Tensor& target);

/// Stein's unbiased risk estimate as a training objective on noise-conditioned inputs (8 planes:
/// the stabilised data, whose noise is Gaussian with the standard deviation the 4 level planes
/// hold): mean((f(z) − z)²) + 2 · mean(σ² · b · (f(z + ε∘b) − f(z)) / ε) with ε = 0.01 σ and the
/// probe b standard normal. Up to the constant mean σ² it is the MSE against the noise-free
/// planes, so no clean target and no neighbour is needed; the gradient runs through both passes.
/// Values exactly 0 (clipped at black) add no divergence. `reconstruction` is the first term,
/// `regularizer` the divergence term. Throws ConfigError (field "input") for other inputs.
LossTerms sure_loss(model::Denoiser& net, const torch::Tensor& stabilised, const torch::Tensor& probe);

/// The regulariser weight Λ = (epoch / n_epochs) · gamma, epoch counted from 1 (the linear ramp;
/// gamma = 1 for real raw, 2 for synthetic sRGB in the paper).
double regularizer_weight(int epoch, int n_epochs, double gamma);

/// Learning rate of a 1-based epoch: base_lr · factor^floor((epoch − 1) / step_epochs), i.e. the
/// paper's MultiStep schedule (halved after epochs 20, 40, 60, 80 with step 20, factor 0.5).
double learning_rate(int epoch, double base_lr, int step_epochs = 20, double factor = 0.5);

}  // namespace n2n::train
