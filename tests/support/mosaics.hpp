// SPDX-License-Identifier: MIT
// Synthetic mosaics shared by the tests.
#pragma once

#include "n2n_raw/image.hpp"

#include <cstddef>

namespace n2n::test {

/// Mosaic whose value encodes its own position: v = 1000*row + col (exact in float), so any
/// pixel that lands in the wrong place shows where it came from.
inline Image<float> coordinate_mosaic(std::ptrdiff_t h, std::ptrdiff_t w) {
    Image<float> m(h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c) m(r, c) = static_cast<float>(1000 * r + c);
    return m;
}

}  // namespace n2n::test
