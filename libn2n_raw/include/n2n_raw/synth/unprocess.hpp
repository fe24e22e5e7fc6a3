// SPDX-License-Identifier: MIT
// Unprocessing (Brooks et al. 2019, "Unprocessing images for learned raw denoising"): a clean
// sRGB photograph -> the linear raw mosaic that the project's ISP (pipeline/isp.hpp) renders
// back to it. Each step inverts exactly what pipeline::render applies, in reverse order.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/pipeline/stages.hpp"

#include <array>
#include <string_view>

namespace n2n::synth {

/// The camera a photograph is unprocessed to.
struct Camera {
    n2n::Matrix3 xyz_to_camera = n2n::kIdentity3;  ///< DNG ColorMatrix (XYZ -> camera RGB)
    std::array<float, 3> wb_gains{1.F, 1.F, 1.F};           ///< R, G, B white balance gains the ISP applies

    /// The Nikon D750 of the shared sample crop (ColorMatrix of LibRaw's table, daylight gains
    /// R 1.949, B 1.344), the default of `n2n synth`.
    static Camera nikon_d750();
};

struct UnprocessParams {
    Camera camera = Camera::nikon_d750();
    bayer::BayerPhase phase = bayer::BayerPhase::RGGB;  ///< CFA phase of mosaic pixel (0, 0)
    pipeline::Transfer transfer = pipeline::Transfer::Srgb;
    pipeline::ToneCurve tone = pipeline::ToneCurve::None;
};

/// The ISP settings that render the unprocessed mosaic back (unit levels, the camera's gains and
/// colour matrix, no exposure change, MHC demosaic, the same transfer and tone curve).
pipeline::IspParams isp_params(const UnprocessParams& params);

/// Inverse of pipeline::encode_transfer followed by the tone curve: encoded value in [0, 1] ->
/// linear light in [0, 1].
float decode_transfer(float encoded, pipeline::Transfer transfer, pipeline::ToneCurve tone = pipeline::ToneCurve::None);

/// The first steps of unprocess: photograph -> white-balanced camera RGB at every pixel (inverse
/// tone and transfer curves, inverse camera -> sRGB matrix), before the inverse white balance
/// and the CFA. Not clipped.
pipeline::RgbImage unprocess_to_camera_rgb(const pipeline::RgbImage& srgb, const UnprocessParams& params);

/// Photograph (planar RGB, encoded values in [0, 1]) -> normalised mosaic in [0, 1] of the same
/// size: inverse tone curve and transfer curve, inverse camera -> sRGB matrix, inverse white
/// balance, sampling through the CFA of `params.phase`. Values the sensor could not record
/// (negative, or above the white level after the inverse gains) are clipped to [0, 1].
/// Throws ConfigError (field "channels") unless the image has 3 channels.
Image<float> unprocess(const pipeline::RgbImage& srgb, const UnprocessParams& params);

}  // namespace n2n::synth
