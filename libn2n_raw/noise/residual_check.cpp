// SPDX-License-Identifier: MIT
#include "n2n_raw/noise/residual_check.hpp"

#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"

#include <cmath>
#include <fmt/format.h>

namespace n2n::noise {

ResidualCheck check_residual(ImageView<const float> noisy, ImageView<const float> denoised, bayer::BayerPhase phase,
                             const NoiseModel* noise) {
    if (noisy.height() != denoised.height() || noisy.width() != denoised.width())
        throw ConfigError("", "size", fmt::format("noisy {}x{} and denoised {}x{} differ", noisy.height(), noisy.width(),
                                                  denoised.height(), denoised.width()));
    ResidualCheck check;
    check.noise = noise != nullptr ? *noise : estimate_noise_model(noisy, phase);
    const auto n = bayer::pack(noisy, phase, bayer::OddSize::TrimTrailing);
    const auto d = bayer::pack(denoised, phase, bayer::OddSize::TrimTrailing);
    double predicted = 0, sum = 0, sum_sq = 0, count = 0;
    double lag_products = 0, lag_count = 0;
    for (int c = 0; c < 4; ++c) {
        const auto np = n.plane(c), dp = d.plane(c);
        const NoiseLevel& level = check.noise.channels[static_cast<std::size_t>(c)];
        const std::ptrdiff_t h = np.height(), w = np.width();
        double plane_sum = 0;
        for (std::ptrdiff_t r = 0; r < h; ++r)
            for (std::ptrdiff_t k = 0; k < w; ++k) plane_sum += static_cast<double>(np(r, k)) - dp(r, k);
        const double plane_mean = plane_sum / static_cast<double>(h * w);
        const auto residual = [&](std::ptrdiff_t r, std::ptrdiff_t k) {
            return static_cast<double>(np(r, k)) - dp(r, k) - plane_mean;
        };
        for (std::ptrdiff_t r = 0; r < h; ++r)
            for (std::ptrdiff_t k = 0; k < w; ++k) {
                const double e = residual(r, k);
                predicted += level.variance(dp(r, k));
                sum += e;
                sum_sq += e * e;
                count += 1;
                if (k + 1 < w) lag_products += e * residual(r, k + 1), lag_count += 1;
                if (r + 1 < h) lag_products += e * residual(r + 1, k), lag_count += 1;
            }
    }
    const double variance = sum_sq / count - (sum / count) * (sum / count);
    check.predicted_sigma = std::sqrt(predicted / count);
    check.removed_sigma = std::sqrt(std::max(variance, 0.0));
    check.removed_ratio = check.predicted_sigma > 0 ? check.removed_sigma / check.predicted_sigma : 0.0;
    check.neighbour_correlation = variance > 0 ? (lag_products / lag_count) / variance : 0.0;
    return check;
}

}  // namespace n2n::noise
