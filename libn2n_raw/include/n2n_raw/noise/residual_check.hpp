// SPDX-License-Identifier: MIT
// Did a denoiser remove noise, or image? Without a clean reference the noise estimate of the
// output cannot tell (a blur lowers it too); the removed part, noisy − denoised, can: removed
// noise is white with the variance the noise level function predicts, removed texture is
// spatially correlated and adds variance beyond it.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/noise/noise_model.hpp"

namespace n2n::noise {

struct ResidualCheck {
    NoiseModel noise;           ///< the noise level function used (given, or the noisy frame's blind fit)
    double predicted_sigma = 0;  ///< RMS over the frame of sqrt(beta1·x̂ + beta2), x̂ the denoised value
    double removed_sigma = 0;    ///< standard deviation of noisy − denoised
    /// removed_sigma / predicted_sigma: about 1 when the noise and only the noise was removed,
    /// well below 1 when noise was left, above 1 when image content was removed too.
    double removed_ratio = 0;
    /// Correlation of the removed part with its same-colour neighbour (packed planes, horizontal
    /// and vertical, averaged): about 0 for white noise, clearly positive when texture or edges
    /// were removed (blur).
    double neighbour_correlation = 0;
};

/// Compares noisy and denoised normalised mosaics of the same size and phase. `noise`: the
/// frame's noise level function when known; empty: estimate_noise_model(noisy). Throws
/// ConfigError (field "size") for different sizes or mosaics under 16 × 16.
ResidualCheck check_residual(ImageView<const float> noisy, ImageView<const float> denoised, bayer::BayerPhase phase,
                             const NoiseModel* noise = nullptr);

}  // namespace n2n::noise
