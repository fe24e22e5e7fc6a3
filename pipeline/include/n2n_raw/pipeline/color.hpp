// SPDX-License-Identifier: MIT
// Colour maths of the DNG model: ColorMatrix1/2 (XYZ → camera) interpolated by the scene
// illuminant's correlated colour temperature, and the camera → linear sRGB matrix.
#pragma once

#include "n2n_raw/pipeline/stages.hpp"

#include <array>
#include <optional>

namespace n2n::pipeline {

/// CIE 1931 chromaticity.
struct Chromaticity {
    double x = 0;
    double y = 0;
};

inline constexpr Chromaticity kD50{0.34567, 0.35850};
inline constexpr Chromaticity kD65{0.31271, 0.32902};

/// Correlated colour temperature in kelvin of chromaticity `xy` (Robertson 1968, isotemperature
/// lines in CIE 1960 uv). Clamped to the table's range, 1667 K .. infinity (returned as 1e6 K).
double cct_from_xy(Chromaticity xy);

/// Colour temperature in kelvin of an EXIF LightSource code as the DNG SDK assumes it
/// (17 = Standard A 2856 K, 21 = D65 6504 K, ...); nullopt for unknown codes (0 = unknown, 255 = other).
std::optional<double> illuminant_temperature(int exif_light_source);

/// One calibration of the DNG colour model: XYZ → camera matrix measured under an illuminant.
struct Calibration {
    Matrix3 xyz_to_camera;
    std::optional<int> illuminant;  ///< EXIF LightSource code
};

/// Weight of matrix 1 for a scene at `cct` kelvin between calibrations at `t1` and `t2` kelvin:
/// linear in inverse temperature (mired), clamped to [0, 1] (DNG specification, chapter 6).
double inverse_mired_weight(double cct, double t1, double t2);

/// XYZ → camera matrix for a scene of chromaticity `white`: ColorMatrix1/2 blended by
/// inverse_mired_weight; only `first` when `second` is absent or either illuminant is unknown.
Matrix3 interpolate_color_matrix(Chromaticity white, const Calibration& first, const std::optional<Calibration>& second);

/// The scene white's chromaticity from the camera's AsShotNeutral, by the DNG SDK's fixed-point
/// search: start at D50, interpolate the matrix at the current estimate, map the neutral to XYZ
/// with its inverse, take its xy, repeat until it moves less than 1e-7 (at most 30 steps).
/// Throws FormatError (field "ColorMatrix") when a matrix is singular.
Chromaticity neutral_to_xy(const std::array<double, 3>& as_shot_neutral, const Calibration& first,
                           const std::optional<Calibration>& second);

/// Linear sRGB (D65) → XYZ, IEC 61966-2-1.
const Matrix3& srgb_to_xyz();

/// Camera RGB (already white balanced, so a neutral reads (1, 1, 1)) → linear sRGB, from an
/// XYZ → camera matrix: invert (xyz_to_camera · srgb_to_xyz) after normalising its rows to sum
/// to 1, so camera white maps exactly to sRGB white; each output row sums to 1.
/// Throws FormatError (field "ColorMatrix") for a singular matrix.
Matrix3 camera_to_srgb(const Matrix3& xyz_to_camera);

/// Row-major product a · b and inverse, for callers that chain matrices.
Matrix3 multiply(const Matrix3& a, const Matrix3& b);
Matrix3 inverse(const Matrix3& m);

}  // namespace n2n::pipeline
