// SPDX-License-Identifier: MIT
#include "n2n_raw/synth/unprocess.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/pipeline/color.hpp"
#include "n2n_raw/pipeline/demosaic.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace n2n::synth {

Camera Camera::nikon_d750() {
    return {{0.9020, -0.2890, -0.0715, -0.4535, 1.2436, 0.2348, -0.0934, 0.1919, 0.7086}, {1.949F, 1.F, 1.344F}};
}

pipeline::IspParams isp_params(const UnprocessParams& params) {
    pipeline::IspParams isp;
    isp.phase = params.phase;
    isp.levels = bayer::Levels::unit();
    isp.white_balance = {pipeline::WhiteBalance::Mode::Gains, params.camera.wb_gains};
    isp.camera_to_srgb = pipeline::camera_to_srgb(params.camera.xyz_to_camera);
    isp.demosaic = pipeline::DemosaicMethod::Mhc;
    isp.transfer = params.transfer;
    isp.tone = params.tone;
    return isp;
}

float decode_transfer(float encoded, pipeline::Transfer transfer, pipeline::ToneCurve tone) {
    double y = std::clamp(static_cast<double>(encoded), 0.0, 1.0);
    // Smoothstep 3x² − 2x³ is inverted in closed form (Brooks et al. 2019, eq. 1).
    if (tone == pipeline::ToneCurve::Smoothstep) y = 0.5 - std::sin(std::asin(1.0 - 2.0 * y) / 3.0);
    switch (transfer) {
        case pipeline::Transfer::Srgb:
            // The inverse of the encoder's two pieces; 12.92 · 0.0031308 = 0.04045 is their seam.
            return static_cast<float>(y <= 12.92 * 0.0031308 ? y / 12.92 : std::pow((y + 0.055) / 1.055, 2.4));
        case pipeline::Transfer::Gamma22: return static_cast<float>(std::pow(y, 2.2));
        case pipeline::Transfer::Linear: return static_cast<float>(y);
    }
    return static_cast<float>(y);
}

pipeline::RgbImage unprocess_to_camera_rgb(const pipeline::RgbImage& srgb, const UnprocessParams& params) {
    if (srgb.channels() != 3) throw ConfigError("", "channels", "unprocessing needs an RGB image");
    pipeline::RgbImage rgb = srgb;
    for (float& v : rgb.pixels()) v = decode_transfer(v, params.transfer, params.tone);
    // render(): linear sRGB = camera_to_srgb · (white-balanced camera RGB).
    pipeline::apply_matrix(rgb, pipeline::inverse(pipeline::camera_to_srgb(params.camera.xyz_to_camera)));
    return rgb;
}

Image<float> unprocess(const pipeline::RgbImage& srgb, const UnprocessParams& params) {
    const pipeline::RgbImage rgb = unprocess_to_camera_rgb(srgb, params);
    Image<float> mosaic = pipeline::mosaic_of(rgb, params.phase);
    // render(): white balance multiplies each CFA colour by its gain.
    std::array<float, 3> inverse_gains{};
    for (std::size_t k = 0; k < 3; ++k) inverse_gains[k] = 1.F / params.camera.wb_gains[k];
    pipeline::white_balance(mosaic.view(), params.phase, inverse_gains, true);
    return mosaic;
}

}  // namespace n2n::synth
