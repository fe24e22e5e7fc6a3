// SPDX-License-Identifier: MIT
// Blind noise level estimate of a raw capture, for before/after summaries without a clean image.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <array>

namespace n2n::noise {

/// Standard deviation of white noise in one plane, by Donoho's robust estimator:
/// median(|HH|) / 0.6745 over the finest diagonal Haar detail band HH = (a − b − c + d) / 2 of
/// each 2×2 block. Image structure barely reaches that band, so the estimate tracks the noise.
/// Units: those of the plane. Throws ConfigError for planes smaller than 2×2.
double estimate_sigma(ImageView<const float> plane);

/// Per packed channel (R, Gr, Gb, B) noise sigma of a normalised mosaic (same-colour neighbours
/// only: the estimator runs on the packed planes).
std::array<double, 4> estimate_mosaic_sigma(ImageView<const float> mosaic, bayer::BayerPhase phase);

/// Blind fit of the noise level function var = beta1·x + beta2 of a normalised mosaic, for
/// captures whose metadata carries no noise profile. Every 2×2 block of each packed plane gives
/// a local mean and its finest diagonal detail; the blocks are binned by mean, each bin's noise
/// variance is Donoho's robust estimate, and a weighted least-squares line through the bins
/// (shadows near the clipping floor and highlights near saturation left out, where clipping
/// hides variance) gives beta1 and beta2. Raw noise is the same function of the normalised
/// value in all four channels (one gain per sensor), so one fit serves them all. Within each
/// bin only the quarter of blocks with the least horizontal/vertical detail counts: noise's Haar
/// coefficients are independent, so this keeps texture out without biasing the noise. beta2 is
/// kept at least (1 / 65535)² (quantisation).
/// Throws ConfigError (field "mosaic") for mosaics smaller than 16 × 16.
NoiseModel estimate_noise_model(ImageView<const float> mosaic, bayer::BayerPhase phase);

}  // namespace n2n::noise
