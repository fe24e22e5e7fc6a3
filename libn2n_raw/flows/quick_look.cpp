// SPDX-License-Identifier: MIT
#include "n2n_raw/flows/quick_look.hpp"

#include "n2n_raw/pipeline/isp.hpp"

namespace n2n::flows {

pipeline::RgbImage quick_look(const io::RawFrame& frame) {
    pipeline::IspParams isp = pipeline::params_from_metadata(frame.meta);
    isp.demosaic = pipeline::DemosaicMethod::Bilinear;
    isp.orientation = 1;  // the preview sits beside the packed planes, which keep the sensor's orientation
    isp.exposure_ev = pipeline::auto_exposure_ev(frame.mosaic.view(), isp);
    const pipeline::RgbImage full = pipeline::render(frame.mosaic.view(), isp);
    const std::ptrdiff_t h = full.height() / 2, w = full.width() / 2;
    pipeline::RgbImage half(3, h, w);
    for (std::ptrdiff_t ch = 0; ch < 3; ++ch) {
        const auto src = full.plane(ch);
        auto dst = half.plane(ch);
        for (std::ptrdiff_t r = 0; r < h; ++r)
            for (std::ptrdiff_t c = 0; c < w; ++c)
                dst(r, c) = 0.25F * (src(2 * r, 2 * c) + src(2 * r, 2 * c + 1) + src(2 * r + 1, 2 * c) +
                                     src(2 * r + 1, 2 * c + 1));
    }
    return half;
}

}  // namespace n2n::flows
