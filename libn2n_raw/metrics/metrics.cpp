// SPDX-License-Identifier: MIT
// Metrics run on the CPU in double precision: they score a few hundred thousand pixels per block,
// and evaluation numbers must not depend on the device or on float summation order.
#include "n2n_raw/metrics/metrics.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <vector>

namespace n2n::metrics {
namespace {

void check_same_size(ImageView<const float> a, ImageView<const float> b, std::ptrdiff_t min_side) {
    if (a.height() != b.height() || a.width() != b.width())
        throw ConfigError("", "size",
                          fmt::format("images differ in size: {}x{} vs {}x{}", a.height(), a.width(), b.height(), b.width()));
    if (a.height() < min_side || a.width() < min_side)
        throw ConfigError("", "size",
                          fmt::format("image {}x{} is smaller than the {}x{} window", a.height(), a.width(), min_side,
                                      min_side));
}

// Filters `plane` (h × w, row-major) with the separable kernel over the "valid" region only:
// the result is (h − 2r) × (w − 2r). SSIM averages exactly that region, so no border mode is needed.
std::vector<double> filter_valid(const std::vector<double>& plane, std::ptrdiff_t h, std::ptrdiff_t w,
                                 const std::vector<double>& kernel) {
    const auto taps = static_cast<std::ptrdiff_t>(kernel.size());
    const std::ptrdiff_t ow = w - taps + 1, oh = h - taps + 1;
    std::vector<double> horizontal(static_cast<std::size_t>(h * ow));
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < ow; ++c) {
            double s = 0;
            for (std::ptrdiff_t k = 0; k < taps; ++k) s += kernel[k] * plane[r * w + c + k];
            horizontal[r * ow + c] = s;
        }
    std::vector<double> out(static_cast<std::size_t>(oh * ow), 0.0);
    for (std::ptrdiff_t r = 0; r < oh; ++r)
        for (std::ptrdiff_t k = 0; k < taps; ++k) {
            const double wk = kernel[k];
            const double* src = &horizontal[(r + k) * ow];
            double* dst = &out[r * ow];
            for (std::ptrdiff_t c = 0; c < ow; ++c) dst[c] += wk * src[c];
        }
    return out;
}

// Sum of squared differences (in double) over the planes without a `border`-pixel frame.
struct PlaneError {
    double sum = 0;
    double count = 0;
};

PlaneError squared_error(ImageView<const float> a, ImageView<const float> b, std::ptrdiff_t border) {
    check_same_size(a, b, 1);
    PlaneError e;
    for (std::ptrdiff_t r = border; r < a.height() - border; ++r)
        for (std::ptrdiff_t c = border; c < a.width() - border; ++c) {
            const double d = static_cast<double>(a(r, c)) - b(r, c);
            e.sum += d * d;
            e.count += 1;
        }
    return e;
}

double to_psnr(const PlaneError& e, double data_range) {
    if (e.count == 0) throw ConfigError("", "border", "no pixel left to compare inside the border");
    if (e.sum == 0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(data_range * data_range * e.count / e.sum);
}

}  // namespace

double psnr(ImageView<const float> estimate, ImageView<const float> reference, double data_range,
            std::ptrdiff_t border) {
    const PlaneError e = squared_error(estimate, reference, border);
    return to_psnr(e, data_range);
}

double psnr(const PlanarImage<float>& estimate, const PlanarImage<float>& reference, double data_range,
            std::ptrdiff_t border) {
    if (estimate.channels() != reference.channels())
        throw ConfigError("", "channels", fmt::format("PSNR of images with {} and {} channels", estimate.channels(),
                                                      reference.channels()));
    PlaneError total;
    for (std::ptrdiff_t ch = 0; ch < estimate.channels(); ++ch) {
        const PlaneError e = squared_error(estimate.plane(ch), reference.plane(ch), border);
        total.sum += e.sum;
        total.count += e.count;
    }
    return to_psnr(total, data_range);
}

double ssim(ImageView<const float> estimate, ImageView<const float> reference, const SsimOptions& options) {
    if (options.radius < 0 || options.sigma <= 0 || options.data_range <= 0)
        throw ConfigError("", "ssim", "radius must be >= 0, sigma and data range > 0");
    const std::ptrdiff_t taps = 2 * options.radius + 1;
    check_same_size(estimate, reference, taps);
    std::vector<double> kernel(static_cast<std::size_t>(taps));
    double norm = 0;
    for (std::ptrdiff_t k = 0; k < taps; ++k) {
        const double x = static_cast<double>(k - options.radius);
        kernel[k] = std::exp(-0.5 * x * x / (options.sigma * options.sigma));
        norm += kernel[k];
    }
    for (double& v : kernel) v /= norm;

    const std::ptrdiff_t h = estimate.height(), w = estimate.width();
    const auto n = static_cast<std::size_t>(h * w);
    std::vector<double> x(n), y(n), xx(n), yy(n), xy(n);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c) {
            const std::size_t i = r * w + c;
            x[i] = estimate(r, c);
            y[i] = reference(r, c);
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
    const auto ux = filter_valid(x, h, w, kernel), uy = filter_valid(y, h, w, kernel);
    const auto uxx = filter_valid(xx, h, w, kernel), uyy = filter_valid(yy, h, w, kernel);
    const auto uxy = filter_valid(xy, h, w, kernel);
    const double c1 = std::pow(options.k1 * options.data_range, 2), c2 = std::pow(options.k2 * options.data_range, 2);
    double sum = 0;
    for (std::size_t i = 0; i < ux.size(); ++i) {
        const double vx = uxx[i] - ux[i] * ux[i], vy = uyy[i] - uy[i] * uy[i], vxy = uxy[i] - ux[i] * uy[i];
        sum += ((2 * ux[i] * uy[i] + c1) * (2 * vxy + c2)) /
               ((ux[i] * ux[i] + uy[i] * uy[i] + c1) * (vx + vy + c2));
    }
    return sum / static_cast<double>(ux.size());
}

}  // namespace n2n::metrics
