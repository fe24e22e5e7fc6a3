// SPDX-License-Identifier: MIT
#include "n2n_raw/flows/before_after.hpp"

#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/pipeline/side_by_side.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace n2n::flows {
namespace {

double mean_of(const std::array<double, 4>& v) { return (v[0] + v[1] + v[2] + v[3]) / 4.0; }

}  // namespace

pipeline::RgbImage centre_crop(const pipeline::RgbImage& rgb, std::ptrdiff_t side) {
    const std::ptrdiff_t h = std::min(side, rgb.height()), w = std::min(side, rgb.width());
    const std::ptrdiff_t top = (rgb.height() - h) / 2, left = (rgb.width() - w) / 2;
    pipeline::RgbImage out(3, h, w);
    for (std::ptrdiff_t ch = 0; ch < 3; ++ch)
        for (std::ptrdiff_t r = 0; r < h; ++r)
            for (std::ptrdiff_t c = 0; c < w; ++c) out.plane(ch)(r, c) = rgb.plane(ch)(top + r, left + c);
    return out;
}

BeforeAfter write_before_after(const std::filesystem::path& dir, const std::string& stem, const DenoisedFrame& frame,
                               std::optional<double> ev, std::ptrdiff_t crop) {
    auto isp = normalized_render_params(frame.meta);
    isp.white_balance = {pipeline::WhiteBalance::Mode::Gains, pipeline::resolve_gains(isp, frame.noisy.view())};
    isp.exposure_ev = ev ? *ev : pipeline::auto_exposure_ev(frame.noisy.view(), isp);
    const auto before = pipeline::render(frame.noisy.view(), isp);
    const auto after = pipeline::render(frame.denoised.view(), isp);

    BeforeAfter out;
    out.exposure_ev = isp.exposure_ev;
    out.sigma_before = noise::estimate_mosaic_sigma(frame.noisy.view(), frame.meta.phase);
    out.sigma_after = noise::estimate_mosaic_sigma(frame.denoised.view(), frame.meta.phase);
    out.files = {dir / (stem + "_noisy.png"), dir / (stem + "_denoised.png"), dir / (stem + "_side_by_side.png")};
    io::save_rgb(out.files[0], before);
    io::save_rgb(out.files[1], after);
    const auto crop_before = centre_crop(before, crop), crop_after = centre_crop(after, crop);
    io::save_rgb(out.files[2],
                       pipeline::side_by_side({{&crop_before, fmt::format("noisy  sigma {:.5f}", mean_of(out.sigma_before))},
                                               {&crop_after, fmt::format("n2n  sigma {:.5f}", mean_of(out.sigma_after))}}));
    return out;
}

}  // namespace n2n::flows
