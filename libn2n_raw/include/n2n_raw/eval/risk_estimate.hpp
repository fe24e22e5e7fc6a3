// SPDX-License-Identifier: MIT
// How far is a denoised image from the clean one, without the clean one? Stein's unbiased risk
// estimate (SURE; Stein 1981) gives the mean squared error of any denoiser f from the noisy
// image y and the noise variance alone:
//   MSE ≈ mean (f(y) − y)² − mean var(y) + 2 · mean var · ∂f_i/∂y_i,
// the divergence by one seeded Monte-Carlo probe b (Ramani, Blu & Unser 2008):
//   ∂f_i/∂y_i ≈ b_i · (f(y + ε∘b) − f(y))_i / ε_i.
// It needs nothing from inside f (two calls of it), so the classical filter, a network and a
// TorchScript export are measured alike. A blur shows up: what it removes beyond the noise
// raises (f − y)² and nothing cancels it. Noise is taken as independent per pixel with the
// given variance; for raw sensors var = beta1·x + beta2 per channel, whose mean over the
// image is estimated without bias by beta1·y + beta2.
//
// Sensor data is clipped (SIDD's and our synthetic pairs at 0 and 1; every raw file at white),
// and at the 40–50 dB of good raw denoisers the MSE is about 1 % of the noise variance, so the
// clip matters: with clip limits given, the noise term is the second moment of the clipped noise
// (y − x = s·clip(n, −a, b), a and b the distances to the limits in noise sigmas s), and values
// lying on a limit add no divergence (a clipped input does not move under the probe).
//
// x is unknown; the variances are taken at a pilot every method shares: the 3 × 3 same-plane
// mean of y, with the clip's upward bias undone (the signal whose clipped mean it is). Taken at
// the method's own estimate instead, a method that lifts photon-limited blacks (SIDD's S6 at ISO
// 3200: beta2 = 2e-6 against beta1 = 0.02, the variance doubles at x = 1e-4) raised its own
// noise weights there and was scored up to 4.8 dB too well. tests/test_risk_estimate.cpp
// measures the error.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace n2n::eval {

struct RiskEstimate {
    double mse = 0;             ///< the estimate of mean (f(y) − x)² over all values
    double psnr_db = 0;         ///< 10·log10(1 / mse), data range 1 (infinity when mse <= 0)
    double residual = 0;        ///< mean (f(y) − y)²: what the denoiser removed, squared
    double noise_variance = 0;  ///< mean noise variance: the noisy input's own MSE
    double divergence = 0;      ///< mean var_i · ∂f_i/∂y_i
};

struct RiskOptions {
    std::uint64_t seed = 1;  ///< the probe's seed: the same probe makes estimates comparable
    /// Probe step ε_i as a fraction of the pixel's noise standard deviation: small enough to
    /// measure the local slope, large enough for float32 differences.
    double step = 0.01;
    /// Where the data was clipped (normalised values; empty: not clipped on that side). SIDD and
    /// `n2n synth` pairs: 0 and 1; raw captures as our readers give them: 1 only (white).
    std::optional<double> clip_low, clip_high;
    /// Leave this many values at each end of the last two dimensions out of the means (they are
    /// still denoised: context for the rest, as inside a full frame).
    std::int64_t border = 0;
};

/// A denoiser as a black box: a tensor in, the same-shaped estimate out.
using TensorDenoiser = std::function<torch::Tensor(const torch::Tensor&)>;
/// The noise variance at each element of an image of the same shape (e.g. beta1·x + beta2).
using VarianceMap = std::function<torch::Tensor(const torch::Tensor&)>;

/// SURE of `denoise` at `noisy` (any shape, float32, any device). `variance` is evaluated at
/// `noisy` for the noise term and at the estimate for the divergence weights and the probe
/// step. Throws ConfigError (field "size") when the estimate's shape differs from the input's.
RiskEstimate estimate_risk(const TensorDenoiser& denoise, const torch::Tensor& noisy, const VarianceMap& variance,
                           const RiskOptions& options = {});

/// The variance map of packed raw tensors (… × 4 × H × W, channels R, Gr, Gb, B): beta1_c·x + beta2_c.
VarianceMap packed_variance(const noise::NoiseModel& model);

/// A denoiser of normalised mosaics (the form of eval::QualityMethod and of the classical filter).
using MosaicDenoiser = std::function<Image<float>(ImageView<const float>)>;

/// SURE of a mosaic denoiser at `noisy` (phase of pixel (0, 0) = `phase`, even sides), with the
/// mosaic's noise level function.
RiskEstimate estimate_risk(const MosaicDenoiser& denoise, ImageView<const float> noisy, bayer::BayerPhase phase,
                           const noise::NoiseModel& model, const RiskOptions& options = {});

}  // namespace n2n::eval
