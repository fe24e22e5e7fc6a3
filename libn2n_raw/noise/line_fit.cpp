// SPDX-License-Identifier: MIT
#include "line_fit.hpp"

namespace n2n::noise {

namespace detail {

NoiseLevel solve_line(const LineSums& s, bool* clamped) {
    const double det = s.sw * s.sxx - s.sx * s.sx;
    NoiseLevel level;
    const bool determined = det > 1e-18 * s.sw * s.sw;
    if (determined) {
        level.beta1 = (s.sw * s.sxy - s.sx * s.sy) / det;
        level.beta2 = (s.sy - level.beta1 * s.sx) / s.sw;
    }
    bool fixed = false;
    if (!determined || level.beta1 < 0) level = {0.0, s.sy / s.sw}, fixed = true;
    if (level.beta2 < 0) level = {s.sxx > 0 ? s.sxy / s.sxx : 0.0, 0.0}, fixed = true;
    if (clamped != nullptr) *clamped = fixed;
    return level;
}

}  // namespace detail

}  // namespace n2n::noise
