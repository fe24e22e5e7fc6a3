// SPDX-License-Identifier: MIT
// The weighted least-squares line var = beta1·x + beta2 that the blind fit and the calibration
// both solve (private to noise/).
#pragma once

#include "n2n_raw/noise/noise_model.hpp"

#include <cstddef>

namespace n2n::noise::detail {

/// Running sums of a weighted line fit.
struct LineSums {
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    void add(double x, double y, double w) {
        sw += w;
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        sxy += w * x * y;
    }
};

/// The line through the sums, keeping the physically possible part: a negative (or undetermined)
/// slope means no measurable shot noise, a negative intercept no measurable read noise, and the
/// other term is then refitted alone. `clamped` (optional) tells whether that happened.
NoiseLevel solve_line(const LineSums& s, bool* clamped = nullptr);

}  // namespace n2n::noise::detail
