// SPDX-License-Identifier: MIT
#include "n2n_raw/pipeline/stages.hpp"

#include "n2n_raw/error.hpp"
#include "parallel.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace n2n::pipeline {

using detail::parallel_rows;

void white_balance(ImageView<float> mosaic, bayer::BayerPhase phase, const std::array<float, 3>& gains, bool clip) {
    parallel_rows(mosaic.height(), [&](std::ptrdiff_t r0, std::ptrdiff_t r1) {
        for (std::ptrdiff_t r = r0; r < r1; ++r) {
            // Only two colours alternate along a row.
            const float g0 = gains[static_cast<int>(phase.color_at(r, 0))];
            const float g1 = gains[static_cast<int>(phase.color_at(r, 1))];
            float* row = mosaic.row(r);
            for (std::ptrdiff_t c = 0; c < mosaic.width(); ++c) {
                const float v = row[c] * ((c & 1) ? g1 : g0);
                row[c] = clip ? std::clamp(v, 0.F, 1.F) : v;
            }
        }
    });
}

std::array<float, 3> gains_from_neutral(const std::array<double, 3>& n) {
    for (double v : n)
        if (!std::isfinite(v) || v <= 0)
            throw ConfigError("", "AsShotNeutral", fmt::format("({}, {}, {}) is not three positive numbers", n[0], n[1], n[2]));
    return {static_cast<float>(n[1] / n[0]), 1.F, static_cast<float>(n[1] / n[2])};
}

std::array<float, 3> gray_world_gains(ImageView<const float> mosaic, bayer::BayerPhase phase, float saturation) {
    // Means over whole 2x2 cells so each colour is sampled at the same places.
    std::array<double, 3> sum{0, 0, 0};
    std::array<double, 3> count{0, 0, 0};
    for (std::ptrdiff_t r = 0; r + 1 < mosaic.height(); r += 2)
        for (std::ptrdiff_t c = 0; c + 1 < mosaic.width(); c += 2) {
            const float v[4] = {mosaic(r, c), mosaic(r, c + 1), mosaic(r + 1, c), mosaic(r + 1, c + 1)};
            if (std::max({v[0], v[1], v[2], v[3]}) >= saturation) continue;
            for (int k = 0; k < 4; ++k) {
                const auto color = static_cast<int>(phase.color_at(r + k / 2, c + k % 2));
                sum[color] += v[k];
                count[color] += 1;
            }
        }
    std::array<double, 3> mean{};
    for (int k = 0; k < 3; ++k) mean[k] = count[k] > 0 ? sum[k] / count[k] : 0;
    if (mean[0] <= 0 || mean[1] <= 0 || mean[2] <= 0)
        throw ConfigError("", "wb", "gray world needs unsaturated pixels with signal in every colour");
    return {static_cast<float>(mean[1] / mean[0]), 1.F, static_cast<float>(mean[1] / mean[2])};
}

void apply_matrix(RgbImage& rgb, const Matrix3& m) {
    const std::ptrdiff_t w = rgb.width();
    float mf[9];
    for (int k = 0; k < 9; ++k) mf[k] = static_cast<float>(m[k]);
    parallel_rows(rgb.height(), [&](std::ptrdiff_t r0, std::ptrdiff_t r1) {
        for (std::ptrdiff_t r = r0; r < r1; ++r) {
            float* pr = rgb.plane(0).row(r);
            float* pg = rgb.plane(1).row(r);
            float* pb = rgb.plane(2).row(r);
            for (std::ptrdiff_t c = 0; c < w; ++c) {
                const float x = pr[c], y = pg[c], z = pb[c];
                pr[c] = mf[0] * x + mf[1] * y + mf[2] * z;
                pg[c] = mf[3] * x + mf[4] * y + mf[5] * z;
                pb[c] = mf[6] * x + mf[7] * y + mf[8] * z;
            }
        }
    });
}

void clip(RgbImage& rgb, float lo, float hi) {
    float* p = rgb.data();
    const auto n = static_cast<std::ptrdiff_t>(rgb.pixels().size());
    for (std::ptrdiff_t k = 0; k < n; ++k) p[k] = std::clamp(p[k], lo, hi);
}

bayer::Orientation exif_orientation(int exif) {
    // EXIF 1..8 as (transpose, then mirror left-right, then mirror top-bottom).
    switch (exif) {
        case 1: return {false, false, false};
        case 2: return {false, true, false};
        case 3: return {false, true, true};
        case 4: return {false, false, true};
        case 5: return {true, false, false};
        case 6: return {true, true, false};   // rotate 90° clockwise
        case 7: return {true, true, true};
        case 8: return {true, false, true};   // rotate 90° counter-clockwise
        default: throw ConfigError("", "orientation", fmt::format("EXIF orientation {} is not in 1..8", exif));
    }
}

RgbImage orient(const RgbImage& rgb, int exif) {
    const bayer::Orientation o = exif_orientation(exif);
    if (o.index() == 0) return rgb;
    const std::ptrdiff_t h = o.transpose ? rgb.width() : rgb.height();
    const std::ptrdiff_t w = o.transpose ? rgb.height() : rgb.width();
    RgbImage out(rgb.channels(), h, w);
    for (std::ptrdiff_t ch = 0; ch < rgb.channels(); ++ch) {
        // bayer::orient moves pixels exactly; the phase it reports is meaningless for RGB planes.
        const auto moved = bayer::orient(rgb.plane(ch), bayer::BayerPhase::RGGB, o);
        std::copy(moved.pixels.pixels().begin(), moved.pixels.pixels().end(), out.plane(ch).data());
    }
    return out;
}

float encode_transfer(float linear, Transfer transfer) {
    const double x = std::clamp(static_cast<double>(linear), 0.0, 1.0);
    switch (transfer) {
        case Transfer::Srgb: return static_cast<float>(x <= 0.0031308 ? 12.92 * x : 1.055 * std::pow(x, 1 / 2.4) - 0.055);
        case Transfer::Gamma22: return static_cast<float>(std::pow(x, 1 / 2.2));
        case Transfer::Linear: return static_cast<float>(x);
    }
    return static_cast<float>(x);
}

void apply_transfer(RgbImage& rgb, Transfer transfer, ToneCurve tone) {
    // A table with linear interpolation: 16384 segments keep the error below 1/65535 even where
    // x^(1/2.4) is steepest, and cost far less than a pow per sample.
    constexpr int kSegments = 16384;
    std::vector<float> table(kSegments + 2);
    for (int k = 0; k <= kSegments; ++k) {
        float y = encode_transfer(static_cast<float>(k) / kSegments, transfer);
        if (tone == ToneCurve::Smoothstep) y = y * y * (3.F - 2.F * y);
        table[static_cast<std::size_t>(k)] = y;
    }
    table[kSegments + 1] = table[kSegments];
    float* p = rgb.data();
    const auto n = static_cast<std::ptrdiff_t>(rgb.pixels().size());
    const std::ptrdiff_t rows = rgb.channels() * rgb.height();
    const std::ptrdiff_t per_row = rows > 0 ? n / rows : 0;
    parallel_rows(rows, [&](std::ptrdiff_t r0, std::ptrdiff_t r1) {
        for (std::ptrdiff_t k = r0 * per_row; k < r1 * per_row; ++k) {
            const float x = std::clamp(p[k], 0.F, 1.F) * kSegments;
            const int i = static_cast<int>(x);
            const float f = x - static_cast<float>(i);
            p[k] = table[static_cast<std::size_t>(i)] + f * (table[static_cast<std::size_t>(i) + 1] - table[static_cast<std::size_t>(i)]);
        }
    });
}

}  // namespace n2n::pipeline
