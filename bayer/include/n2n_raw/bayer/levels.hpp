// SPDX-License-Identifier: MIT
// Black and white level: sensor digital numbers <-> normalised [0, 1] signal.
#pragma once

#include "n2n_raw/image.hpp"

#include <array>
#include <cstdint>

namespace n2n::bayer {

/// Sensor levels in digital numbers (DN). `black` holds one value per position of the 2×2 cell
/// at the mosaic's origin, row-major ((0,0), (0,1), (1,0), (1,1)) as DNG's BlackLevel with a 2×2
/// BlackLevelRepeatDim; a single black level is four equal values.
struct Levels {
    std::array<float, 4> black{0.F, 0.F, 0.F, 0.F};
    float white = 1.F;

    /// Levels of data that is already in [0, 1] (SIDD's MAT frames).
    static Levels unit() { return {}; }
    /// Black level of the pixel at (row, col).
    float black_at(std::ptrdiff_t row, std::ptrdiff_t col) const { return black[2 * (row & 1) + (col & 1)]; }
    /// Throws ConfigError (field "white level" / "black level") unless white > every black.
    void validate() const;
    /// Levels of the sub-image starting at (row_offset, col_offset): the 2×2 black pattern moves.
    Levels cropped(std::ptrdiff_t row_offset, std::ptrdiff_t col_offset) const;
};

enum class Clip : std::uint8_t {
    None,     ///< keep values below 0 and above 1 (noise statistics stay unbiased)
    ZeroOne,  ///< clamp to [0, 1]
};

/// (x − black) / (white − black) per pixel. Works on float DN or uint16 DN.
Image<float> normalize(ImageView<const float> raw, const Levels& levels, Clip clip = Clip::ZeroOne);
Image<float> normalize(ImageView<const std::uint16_t> raw, const Levels& levels, Clip clip = Clip::ZeroOne);

/// The levels to write normalised data back under as 16-bit DN: `levels` themselves when they are
/// sensor DN (white level above 1); levels of data that has no DN (white level at most 1, as the
/// unit levels of SIDD's MAT frames) scaled so that white becomes 65535, black with it.
Levels dn_levels(const Levels& levels);

/// Inverse of normalize, rounded and clamped to [0, 65535]: for writing DN back (DNG, 16-bit PNG).
Image<std::uint16_t> denormalize(ImageView<const float> normalized, const Levels& levels);

}  // namespace n2n::bayer
