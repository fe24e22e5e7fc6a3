// SPDX-License-Identifier: MIT
// What every reader returns: the mosaic plus what is known about how it was captured.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/color_matrix.hpp"
#include "n2n_raw/image.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace n2n::io {

/// Capture metadata. Unknown values are std::nullopt, never a made-up default.
struct RawMetadata {
    std::string source;                ///< file the frame came from
    std::string camera;                ///< "Make Model", as the file states it
    std::string make;                  ///< EXIF Make (empty: unknown)
    std::string model;                 ///< EXIF Model (empty: unknown)
    bayer::BayerPhase phase;           ///< CFA phase of mosaic pixel (0, 0)
    bayer::Levels levels;              ///< black/white level in the units of the mosaic
    int bits_per_sample = 16;          ///< meaningful bits of the DN (informational)
    std::optional<std::array<double, 3>> as_shot_neutral;  ///< camera RGB of a neutral (DNG AsShotNeutral)
    std::optional<Matrix3> color_matrix1;                  ///< XYZ -> camera (DNG ColorMatrix1)
    std::optional<Matrix3> color_matrix2;                  ///< XYZ -> camera (DNG ColorMatrix2)
    std::optional<int> calibration_illuminant1;            ///< EXIF LightSource code (21 = D65, 17 = Std A)
    std::optional<int> calibration_illuminant2;
    std::optional<double> iso;
    std::optional<double> exposure_time_s;
    std::optional<double> f_number;
    std::optional<double> focal_length_mm;
    std::string capture_time;          ///< "YYYY:MM:DD HH:MM:SS" in the camera's local time; empty: unknown
    int orientation = 1;                                   ///< EXIF/TIFF Orientation, 1 = as stored
    /// DNG NoiseProfile (tag 51041) as the file states it: (S, O) pairs, variance = S·x + O for x
    /// normalised to [0, 1] by the levels; one pair for all CFA planes or one each for R, G, B.
    /// Empty if absent. Readers refuse malformed ones (noise_profile_problem).
    std::vector<double> noise_profile;
};

/// Why `pairs` is not a usable DNG NoiseProfile of a 3-colour CFA, or nothing when it is: 2 or 6
/// values, all finite and non-negative, no pair all zero (noise::NoiseModel's own rule, so that
/// a profile a reader accepts always becomes a model). Readers throw FormatError, writers
/// ConfigError, each with field "NoiseProfile" and this text.
std::optional<std::string> noise_profile_problem(const std::vector<double>& pairs);

/// A mosaic in the units of `meta.levels`: sensor DN stored as float for camera RAW, or already
/// normalised values in [0, 1] with unit levels for SIDD's MAT frames. Row 0 is the top row as
/// the sensor reads out (no orientation applied).
struct RawFrame {
    Image<float> mosaic;
    RawMetadata meta;

    /// The mosaic normalised to [0, 1] by meta.levels (clip controls values outside).
    Image<float> normalized(bayer::Clip clip = bayer::Clip::ZeroOne) const;
};

/// What frames of one burst, or of one calibration set, must share.
struct SameCapture {
    bool exposure = true;  ///< flat fields at several levels may differ in exposure time
};

/// Refuses `other` unless it matches `first` in size, CFA phase, ISO and (when asked) exposure
/// time: ConfigError naming other's file and the field ("size", "CFA phase", "ISO", "exposure"),
/// with both values. A value one frame states and the other does not counts as different.
void require_same_capture(const RawFrame& first, const RawFrame& other, SameCapture what = {});

}  // namespace n2n::io
