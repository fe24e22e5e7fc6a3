// SPDX-License-Identifier: MIT
// The classical raw denoiser the learned ones are measured against: the generalised Anscombe
// transform with the known noise model, non-local means on the packed planes, and the exact
// unbiased inverse transform.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/noise/noise_model.hpp"

namespace n2n::classical {

/// Non-local means settings (Buades, Coll & Morel 2005).
struct NlmParams {
    int search_radius = 7;   ///< candidate pixels within ±search_radius rows and columns
    int patch_radius = 2;    ///< patches of (2·patch_radius + 1)² pixels
    /// Filtering strength h in units of the noise sigma: weight = exp(−max(d² − 2σ², 0) / (h·σ)²)
    /// with d² the mean squared patch difference over all planes.
    double h = 0.5;
    int threads = 0;  ///< 0: one per hardware core
};

/// Non-local means of a multi-plane image with white Gaussian noise of standard deviation
/// `sigma` in every plane. The weights are shared by all planes (patch distances summed over
/// them), each plane is averaged with them; the centre pixel gets the largest weight of its
/// window. Borders are mirrored. Throws ConfigError (field "nlm") for negative radii, h <= 0,
/// sigma <= 0 or an empty image.
PlanarImage<float> nlm(const PlanarImage<float>& planes, double sigma, const NlmParams& params);

/// GAT (per packed channel, with that channel's noise level) -> nlm with sigma 1 over the four
/// packed planes -> exact unbiased inverse (noise::Anscombe, clipping included) -> unpack.
/// `noisy` is a normalised mosaic in [0, 1] with even height and width; the result is in [0, 1].
Image<float> denoise_gat_nlm(ImageView<const float> noisy, bayer::BayerPhase phase, const noise::NoiseModel& model,
                             const NlmParams& params = {});

}  // namespace n2n::classical
