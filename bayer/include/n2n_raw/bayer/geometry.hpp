// SPDX-License-Identifier: MIT
// Crops, flips and transposes of a Bayer mosaic. Each returns the pixels *and* the CFA phase
// they now have, so no caller has to remember how an odd offset or a mirror moves the pattern.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"

#include <cstdint>

namespace n2n::bayer {

/// A rectangle in mosaic pixel coordinates: origin (row, col), size height × width.
struct Rect {
    std::ptrdiff_t row = 0;
    std::ptrdiff_t col = 0;
    std::ptrdiff_t height = 0;
    std::ptrdiff_t width = 0;
};

/// A view of mosaic pixels together with the phase of its origin.
template <class T>
struct PhasedView {
    ImageView<T> pixels;
    BayerPhase phase;
};

/// An owning mosaic with its phase.
struct Mosaic {
    Image<float> pixels;
    BayerPhase phase;
};

/// Crop `rect` out of `mosaic`; the returned phase is that of the crop's origin.
/// Throws ConfigError (field "crop") when the rectangle leaves the image or is empty.
PhasedView<const float> crop(ImageView<const float> mosaic, BayerPhase phase, const Rect& rect);
PhasedView<float> crop(ImageView<float> mosaic, BayerPhase phase, const Rect& rect);

/// Largest crop whose origin has phase `target`: drops at most one leading row and column and,
/// when `even_size`, at most one trailing row and column so both sizes are even.
/// This is the crop-based phase unification (Liu et al. 2019, "Bayer pattern unification").
PhasedView<const float> align_phase(ImageView<const float> mosaic, BayerPhase phase, BayerPhase target,
                                    bool even_size = true);

/// One of the 8 symmetries of the square: first transpose (if set), then mirror left-right,
/// then mirror top-bottom. {false,false,false} is the identity.
struct Orientation {
    bool transpose = false;
    bool flip_horizontal = false;
    bool flip_vertical = false;

    /// The 8 orientations, indexed 0..7 by the bits (transpose, flip_horizontal, flip_vertical).
    static Orientation from_index(int index);
    int index() const;
    /// The orientation that undoes this one: with a transpose, the mirrors swap axes.
    Orientation inverse() const;
};

/// Phase of an image of size height × width (before the transform) after `orientation`.
BayerPhase oriented_phase(BayerPhase phase, std::ptrdiff_t height, std::ptrdiff_t width, Orientation orientation);

/// Applies `orientation` to the mosaic; the result carries its new phase. Pixels are moved,
/// never resampled, so the operation is exact and invertible.
Mosaic orient(ImageView<const float> mosaic, BayerPhase phase, Orientation orientation);

}  // namespace n2n::bayer
