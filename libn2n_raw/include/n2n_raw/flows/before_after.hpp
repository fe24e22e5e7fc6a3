// SPDX-License-Identifier: MIT
// Before/after pictures of a denoised frame: both renders share one set of ISP parameters, so
// they differ only by their pixels, plus a 1:1 side-by-side crop captioned with the noise level.
#pragma once

#include "n2n_raw/flows/denoise_frame.hpp"
#include "n2n_raw/pipeline/stages.hpp"

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace n2n::flows {

/// The `side` × `side` pixels (or fewer) at the centre of an image: a 1:1 view where noise shows.
pipeline::RgbImage centre_crop(const pipeline::RgbImage& rgb, std::ptrdiff_t side);

/// What write_before_after measured and wrote.
struct BeforeAfter {
    std::array<double, 4> sigma_before{};  ///< blind noise σ per packed channel (R, Gr, Gb, B), of white
    std::array<double, 4> sigma_after{};
    double exposure_ev = 0;                ///< exposure both renders used, stops
    std::vector<std::filesystem::path> files;  ///< <stem>_noisy.png, <stem>_denoised.png, <stem>_side_by_side.png
};

/// Renders the noisy and the denoised mosaic with normalized_render_params, white balance gains
/// and exposure (`ev`, or metered to 18 % grey when empty) resolved once on the noisy mosaic;
/// writes both 8-bit PNGs and a side-by-side of their centre `crop` pixels into `dir`.
BeforeAfter write_before_after(const std::filesystem::path& dir, const std::string& stem, const DenoisedFrame& frame,
                               std::optional<double> ev = std::nullopt, std::ptrdiff_t crop = 768);

}  // namespace n2n::flows
