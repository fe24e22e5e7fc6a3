// SPDX-License-Identifier: MIT
// Image quality metrics, the one home of PSNR and SSIM for evaluation, the ISP's checks and
// report figures: on one plane (e.g. an unpacked 256 × 256 mosaic block in [0, 1]) or over all
// planes of an image.
#pragma once

#include "n2n_raw/image.hpp"

namespace n2n::metrics {

/// Peak signal-to-noise ratio in dB: 10·log10(data_range² / MSE), MSE over all pixels of the two
/// equally sized planes (same (row, col) frame) but a `border`-pixel frame. +infinity when the
/// planes are identical. Accumulates in double. Throws ConfigError (field "size") on a size
/// mismatch or empty planes, (field "border") when the border leaves no pixel.
double psnr(ImageView<const float> estimate, ImageView<const float> reference, double data_range = 1.0,
            std::ptrdiff_t border = 0);
/// The same with the MSE over every plane of two images with equal channel counts (e.g. RGB).
double psnr(const PlanarImage<float>& estimate, const PlanarImage<float>& reference, double data_range = 1.0,
            std::ptrdiff_t border = 0);

/// Parameters of the structural similarity index (Wang et al. 2004).
struct SsimOptions {
    double data_range = 1.0;  ///< dynamic range of the values (1 for normalised raw)
    double sigma = 1.5;       ///< Gaussian window standard deviation, in pixels
    int radius = 5;           ///< window half-size in pixels: an 11 × 11 window for sigma 1.5
    double k1 = 0.01;
    double k2 = 0.03;
};

/// Mean SSIM with a Gaussian window and population (co)variances, averaged over every pixel
/// whose whole window lies inside the image, i.e. excluding a `radius`-pixel border: the form of
/// scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5,
/// use_sample_covariance=False, data_range=1). Symmetric in its arguments.
/// Throws ConfigError (field "size") on a size mismatch or a plane smaller than the window.
double ssim(ImageView<const float> estimate, ImageView<const float> reference, const SsimOptions& options = {});

}  // namespace n2n::metrics
