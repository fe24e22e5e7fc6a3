// SPDX-License-Identifier: MIT
// The simple ISP, composed in one place (render): the steps SIDD's own figures use.
//
//   mosaic (DN) -> normalise (black/white) -> white balance + clip -> orientation
//               -> demosaic -> camera RGB -> linear sRGB (colour matrix) -> clip
//               -> transfer curve (+ tone curve)
//
// Computation only: io::save_rgb writes the result to a file.
//
// The orientation is applied to the white-balanced mosaic (bayer::orient moves pixels and
// reports the new CFA phase) rather than to the RGB result: both demosaics are symmetric under
// the 8 symmetries of the square, so the image is the same, and one plane moves instead of three.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/io/raw_frame.hpp"
#include "n2n_raw/pipeline/demosaic.hpp"
#include "n2n_raw/pipeline/stages.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace n2n::pipeline {

/// How the white balance gains are chosen.
struct WhiteBalance {
    enum class Mode : std::uint8_t {
        AsShot,     ///< from RawMetadata::as_shot_neutral (gray world when the file has none)
        GrayWorld,  ///< from the frame's mean colour
        Gains,      ///< `gains` as given
    };
    Mode mode = Mode::AsShot;
    std::array<float, 3> gains{1.F, 1.F, 1.F};  ///< R, G, B multipliers (mode Gains)

    /// "as-shot", "gray-world" or "R,G,B" (three positive numbers). Throws ConfigError (field "wb").
    static WhiteBalance parse(std::string_view text);
};

/// The largest exposure adjustment render accepts, in stops (2^16: far beyond any real use).
inline constexpr double kMaxExposureEv = 16.0;

/// Everything render() needs; make one with params_from_metadata and change what you want.
struct IspParams {
    bayer::BayerPhase phase;                       ///< CFA phase of mosaic pixel (0, 0)
    bayer::Levels levels;                          ///< black/white level in the mosaic's units
    WhiteBalance white_balance;
    std::optional<std::array<double, 3>> as_shot_neutral;  ///< used by WhiteBalance::Mode::AsShot
    Matrix3 camera_to_srgb = kIdentity3;           ///< white-balanced camera RGB -> linear sRGB
    double exposure_ev = 0;                        ///< brightening in stops (2^ev), applied with the matrix;
                                                   ///< |ev| <= kMaxExposureEv, else render throws ConfigError
    DemosaicMethod demosaic = DemosaicMethod::Mhc;
    int orientation = 1;                           ///< EXIF Orientation applied before the curve
    Transfer transfer = Transfer::Srgb;
    ToneCurve tone = ToneCurve::None;
};

/// ISP parameters from a reader's metadata: phase, levels, orientation, AsShotNeutral and the
/// camera -> sRGB matrix from ColorMatrix1/2 interpolated at the white that AsShotNeutral implies
/// (neutral_to_xy); the single matrix when there is one; identity when the file has none.
IspParams params_from_metadata(const io::RawMetadata& meta);

/// The gains render() uses for `params` on this normalised mosaic (resolves AsShot/GrayWorld).
std::array<float, 3> resolve_gains(const IspParams& params, ImageView<const float> normalized_mosaic);

/// Average metering: the exposure in stops that brings the frame's mean linear sRGB luminance
/// (after `params`' white balance and colour matrix, before any exposure) to 18 % grey, clamped
/// to [-3, +4]. For quick looks at under-exposed captures; 0 for an all-black frame.
double auto_exposure_ev(ImageView<const float> mosaic, const IspParams& params);

/// Renders a mosaic in the units of params.levels to an encoded RGB image in [0, 1] (display
/// orientation). The whole chain is in this one function.
RgbImage render(ImageView<const float> mosaic, const IspParams& params);

/// Same, stopping before the transfer curve and orientation: linear sRGB in [0, 1], stored
/// orientation (for comparisons with other renderers in linear light).
RgbImage render_linear(ImageView<const float> mosaic, const IspParams& params);

}  // namespace n2n::pipeline
