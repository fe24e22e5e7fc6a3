// SPDX-License-Identifier: MIT
// The per-pixel stages of the simple ISP, each a small function over the shared image types.
// Mosaics are Image<float>/ImageView<float> normalised to [0, 1]; RGB images are planar
// PlanarImage<float> with 3 channels in the order R, G, B.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/color_matrix.hpp"
#include "n2n_raw/image.hpp"

#include <array>
#include <cstdint>

namespace n2n::pipeline {

/// Planar RGB image, 3 × height × width, channels R, G, B.
using RgbImage = PlanarImage<float>;

/// Multiplies every mosaic pixel by the gain of its CFA colour (`gains` = R, G, B; both greens
/// use G) in place, then clamps to [0, 1] when `clip` is set. Coordinates relative to `phase`.
void white_balance(ImageView<float> mosaic, bayer::BayerPhase phase, const std::array<float, 3>& gains,
                   bool clip = true);

/// White-balance gains (R, G, B) that make `as_shot_neutral` (camera RGB of a neutral) neutral:
/// 1 / neutral, normalised so the green gain is 1. Throws ConfigError (field "AsShotNeutral")
/// for non-positive or non-finite values.
std::array<float, 3> gains_from_neutral(const std::array<double, 3>& as_shot_neutral);

/// Gray-world gains (R, G, B) from a normalised mosaic: mean(G)/mean(R), 1, mean(G)/mean(B),
/// ignoring pixels at or above `saturation` in any sample (they carry no colour information).
std::array<float, 3> gray_world_gains(ImageView<const float> mosaic, bayer::BayerPhase phase,
                                      float saturation = 0.98F);

/// rgb ← M · rgb for every pixel (e.g. camera RGB → linear sRGB), in place.
void apply_matrix(RgbImage& rgb, const Matrix3& m);

/// Clamps every sample to [lo, hi], in place.
void clip(RgbImage& rgb, float lo = 0.F, float hi = 1.F);

/// The geometric transform that displays an image stored with EXIF/TIFF Orientation `exif`
/// (1..8) upright. Throws ConfigError (field "orientation") outside 1..8.
bayer::Orientation exif_orientation(int exif);

/// Applies EXIF Orientation `exif` (1..8): the result is the image as it should be displayed.
RgbImage orient(const RgbImage& rgb, int exif);

/// Optional global tone curve applied after the transfer curve.
enum class ToneCurve : std::uint8_t {
    None,
    Smoothstep,  ///< 3x² − 2x³, the S-curve of Brooks et al. 2019 ("Unprocessing images")
};

/// Output transfer curve from linear light to encoded values, both in [0, 1].
enum class Transfer : std::uint8_t {
    Srgb,     ///< IEC 61966-2-1 piecewise curve (linear toe below 0.0031308, then 1.055·x^(1/2.4) − 0.055)
    Gamma22,  ///< x^(1/2.2), as SIDD's simple-camera-pipeline does
    Linear,   ///< identity (for comparisons in linear light)
};

/// The encoding of one linear value in [0, 1] (exact formula; the image stage uses a table).
float encode_transfer(float linear, Transfer transfer);

/// Applies the transfer curve, then the tone curve, to every sample (inputs clamped to [0, 1]).
void apply_transfer(RgbImage& rgb, Transfer transfer, ToneCurve tone = ToneCurve::None);

}  // namespace n2n::pipeline
