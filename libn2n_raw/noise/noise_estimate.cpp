// SPDX-License-Identifier: MIT
#include "n2n_raw/noise/noise_estimate.hpp"

#include "line_fit.hpp"

#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/error.hpp"

#include <fmt/format.h>

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

namespace {

struct Block {
    float mean;
    float detail;     ///< |HH|
    float structure;  ///< LH² + HL²: horizontal and vertical detail
};

struct Bin {
    double x;         ///< median block mean
    double variance;  ///< (median |HH| / 0.6745)²
    double weight;    ///< blocks in the bin
};

// Weighted least squares of variance = beta1·x + beta2 over the bins.
NoiseLevel fit_line(const std::vector<Bin>& bins) {
    detail::LineSums sums;
    for (const Bin& b : bins) sums.add(b.x, b.variance, b.weight);
    return detail::solve_line(sums);
}

}  // namespace

NoiseModel estimate_noise_model(ImageView<const float> mosaic, bayer::BayerPhase phase) {
    if (mosaic.height() < 16 || mosaic.width() < 16)
        throw ConfigError("", "mosaic", fmt::format("noise level fitting needs at least 16x16 pixels, got {}x{}",
                                                    mosaic.height(), mosaic.width()));
    const auto packed = bayer::pack(mosaic, phase, bayer::OddSize::TrimTrailing);
    std::vector<Block> blocks;
    for (int c = 0; c < 4; ++c) {
        const auto plane = packed.plane(c);
        for (std::ptrdiff_t i = 0; i + 1 < plane.height(); i += 2) {
            const float* top = plane.row(i);
            const float* bottom = plane.row(i + 1);
            for (std::ptrdiff_t j = 0; j + 1 < plane.width(); j += 2) {
                const float a = top[j], b = top[j + 1], d0 = bottom[j], d1 = bottom[j + 1];
                const float lh = (a + b - d0 - d1) * 0.5F, hl = (a - b + d0 - d1) * 0.5F;
                blocks.push_back({(a + b + d0 + d1) * 0.25F, std::abs(a - b - d0 + d1) * 0.5F, lh * lh + hl * hl});
            }
        }
    }
    std::sort(blocks.begin(), blocks.end(), [](const Block& l, const Block& r) { return l.mean < r.mean; });
    // Bins of equal count along the sorted means: every bin's robust estimate has the same
    // statistical weight, and the bins follow where the image has its values.
    constexpr std::size_t kBins = 24;
    const std::size_t per_bin = std::max<std::size_t>(blocks.size() / kBins, 1);
    std::vector<Bin> bins;
    std::vector<float> details;
    for (std::size_t start = 0; start + per_bin <= blocks.size(); start += per_bin) {
        // Texture inflates the detail band. The four Haar coefficients of white noise are
        // independent, so keeping the blocks with the least horizontal and vertical detail
        // rejects texture without biasing the diagonal detail's noise distribution.
        std::vector<Block> bin(blocks.begin() + static_cast<std::ptrdiff_t>(start),
                               blocks.begin() + static_cast<std::ptrdiff_t>(start + per_bin));
        auto flattest = bin.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(bin.size() / 4, 1));
        std::nth_element(bin.begin(), flattest, bin.end(),
                         [](const Block& l, const Block& r) { return l.structure < r.structure; });
        details.clear();
        for (auto it = bin.begin(); it != flattest; ++it) details.push_back(it->detail);
        auto middle = details.begin() + static_cast<std::ptrdiff_t>(details.size() / 2);
        std::nth_element(details.begin(), middle, details.end());
        const double sigma = static_cast<double>(*middle) / 0.6745;
        bins.push_back({static_cast<double>(blocks[start + per_bin / 2].mean), sigma * sigma,
                        static_cast<double>(per_bin)});
    }
    // Clipping at 0 and 1 hides variance: keep bins at least 2 sigma inside the range (the first
    // fit, over the bins not near saturation, tells sigma).
    const auto inside = [&](const NoiseLevel& guess) {
        std::vector<Bin> kept;
        for (const Bin& b : bins) {
            const double sd = std::sqrt(std::max(guess.variance(b.x), 0.0));
            if (b.x > 2 * sd && b.x < 1 - 2 * sd && b.x < 0.95) kept.push_back(b);
        }
        return kept;
    };
    std::vector<Bin> kept;
    for (const Bin& b : bins)
        if (b.x < 0.95) kept.push_back(b);
    if (kept.empty()) kept = bins;
    NoiseLevel level = fit_line(kept);
    for (int pass = 0; pass < 2; ++pass) {
        auto next = inside(level);
        if (next.size() >= 2) level = fit_line(next);
    }
    constexpr double kQuantisation = 1.0 / (65535.0 * 65535.0);
    level.beta2 = std::max(level.beta2, kQuantisation);
    return NoiseModel::uniform(level);
}

}  // namespace n2n::noise
