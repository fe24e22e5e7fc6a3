// SPDX-License-Identifier: MIT
#include "n2n_raw/noise/noise_estimate.hpp"

#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/error.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace n2n::noise {

double estimate_sigma(ImageView<const float> plane) {
    const std::ptrdiff_t h = plane.height() / 2, w = plane.width() / 2;
    if (h < 1 || w < 1) throw ConfigError("", "plane", "noise estimation needs at least 2x2 pixels");
    std::vector<float> detail;
    detail.reserve(static_cast<std::size_t>(h * w));
    for (std::ptrdiff_t i = 0; i < h; ++i) {
        const float* top = plane.row(2 * i);
        const float* bottom = plane.row(2 * i + 1);
        for (std::ptrdiff_t j = 0; j < w; ++j)
            detail.push_back(std::abs(top[2 * j] - top[2 * j + 1] - bottom[2 * j] + bottom[2 * j + 1]) * 0.5F);
    }
    auto middle = detail.begin() + static_cast<std::ptrdiff_t>(detail.size() / 2);
    std::nth_element(detail.begin(), middle, detail.end());
    return static_cast<double>(*middle) / 0.6745;
}

std::array<double, 4> estimate_mosaic_sigma(ImageView<const float> mosaic, bayer::BayerPhase phase) {
    const auto packed = bayer::pack(mosaic, phase, bayer::OddSize::TrimTrailing);
    std::array<double, 4> sigma{};
    for (int c = 0; c < 4; ++c) sigma[static_cast<std::size_t>(c)] = estimate_sigma(packed.plane(c));
    return sigma;
}

}  // namespace n2n::noise
