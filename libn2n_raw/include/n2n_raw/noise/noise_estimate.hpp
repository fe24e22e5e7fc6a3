// SPDX-License-Identifier: MIT
// Blind noise level estimate of a raw capture, for before/after summaries without a clean image.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"

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

}  // namespace n2n::noise
