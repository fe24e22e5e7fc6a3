// SPDX-License-Identifier: MIT
// Demosaicing a normalised Bayer mosaic into planar linear RGB.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/pipeline/stages.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace n2n::pipeline {

enum class DemosaicMethod : std::uint8_t {
    Bilinear,  ///< average of the nearest same-colour neighbours
    Mhc,       ///< Malvar, He & Cutler 2004: bilinear plus a gradient (Laplacian) correction
};

/// "bilinear" / "mhc" (case-insensitive), nullopt otherwise.
std::optional<DemosaicMethod> parse_demosaic(std::string_view name);

/// Demosaics `mosaic` (phase of pixel (0, 0) = `phase`) into a 3 × H × W RGB image of the same
/// size. Borders are handled by mirroring about the edge pixel, which keeps the CFA phase.
/// Output values are not clipped (the gradient correction may leave [0, 1]).
/// Throws ConfigError (field "size") for mosaics smaller than 3×3.
RgbImage demosaic(ImageView<const float> mosaic, bayer::BayerPhase phase, DemosaicMethod method);

/// Samples an RGB image through the CFA: the mosaic that a sensor with `phase` would record.
Image<float> mosaic_of(const RgbImage& rgb, bayer::BayerPhase phase);

}  // namespace n2n::pipeline
