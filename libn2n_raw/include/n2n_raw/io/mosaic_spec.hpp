// SPDX-License-Identifier: MIT
// What the caller states about a mosaic whose file carries no capture metadata (headerless
// dumps, grayscale PNGs): CFA phase, bit depth and levels.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/bayer/levels.hpp"

#include <optional>

namespace n2n::io {

/// What the caller knows about a mosaic whose file does not say it.
struct MosaicSpec {
    bayer::BayerPhase phase = bayer::BayerPhase::RGGB;  ///< CFA phase of pixel (0, 0)
    int bits = 16;                                      ///< meaningful bits per sample, 1..16
    float black = 0.F;                                  ///< black level in DN (all four CFA positions)
    std::optional<float> white;                         ///< white level in DN; default 2^bits − 1

    /// The levels this spec implies. Throws ConfigError (field "bits" / "white level") when invalid.
    bayer::Levels levels() const;
};

}  // namespace n2n::io
