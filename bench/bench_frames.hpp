// SPDX-License-Identifier: MIT
// The 12 MP frame the benchmarks share, so their figures describe the same workload.
#pragma once

#include "n2n_raw/image.hpp"

#include <cstddef>
#include <random>

namespace n2n::bench {

constexpr std::ptrdiff_t kHeight = 3000, kWidth = 4000;

/// A 4000×3000 mosaic of uniform noise in [lo, hi) (fixed seed: every run times the same data).
inline Image<float> uniform_mosaic(float lo, float hi) {
    Image<float> m(kHeight, kWidth);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(lo, hi);
    for (float& v : m.pixels()) v = u(rng);
    return m;
}

}  // namespace n2n::bench
