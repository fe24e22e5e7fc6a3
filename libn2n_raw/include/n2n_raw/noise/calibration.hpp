// SPDX-License-Identifier: MIT
// Measuring a sensor's noise level function var = beta1·x + beta2 (normalised units, [0, 1] of
// white − black) from captures made for it: a burst of a static scene, flat-field and dark
// frames, or one frame (the blind fit of noise_estimate.hpp); and the calibration file (JSON,
// one entry per camera and ISO) that `n2n calibrate` writes and every noise-level option reads.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace n2n::noise {

/// Per-pixel temporal statistics of a stack of frames of one static scene, accumulated one frame
/// at a time (Welford, in double), so a long burst never has to be held in memory.
class TemporalStats {
public:
    /// Adds one normalised mosaic (keep values outside [0, 1]: clipping hides variance). Throws
    /// ConfigError (field "size") when it differs in size from the first.
    void add(ImageView<const float> frame);
    std::size_t frames() const { return n_; }
    std::ptrdiff_t height() const { return height_; }
    std::ptrdiff_t width() const { return width_; }
    /// Mean over the frames at mosaic pixel i (row-major).
    double mean(std::size_t i) const { return mean_[i]; }
    /// Unbiased variance over the frames (n − 1 in the denominator); needs at least 2 frames.
    double variance(std::size_t i) const { return m2_[i] / static_cast<double>(n_ - 1); }
    /// The per-pixel means as a mosaic.
    Image<float> mean_image() const;
    /// The per-pixel unbiased variances as a mosaic (zeros with fewer than 2 frames).
    Image<float> variance_image() const;

private:
    std::size_t n_ = 0;
    std::ptrdiff_t height_ = 0, width_ = 0;
    std::vector<double> mean_, m2_;
};

/// One point of a noise level function measurement: mean intensity and noise variance there.
struct VariancePoint {
    double x = 0;         ///< mean normalised intensity
    double variance = 0;  ///< noise variance measured at x
    double samples = 0;   ///< independent variance samples behind it (pixels × (frames − 1))
};

/// A fitted line and how well the points follow it.
struct LevelFit {
    NoiseLevel level;
    /// RMS over the points used of (measured − fitted) / fitted variance.
    double residual = 0;
    int points = 0;        ///< points (bins or flat levels) in the fit
    bool clamped = false;  ///< beta1 or beta2 came out below its floor (0, quantisation) and was set to it
};

/// Pooled over the four packed channels, and per channel R, Gr, Gb, B.
struct Calibration {
    LevelFit pooled;
    std::array<LevelFit, 4> channels;
    std::size_t frames = 0;  ///< frames used (burst, or flats + darks)
    /// The model to denoise or synthesise with: the per-channel levels.
    NoiseModel model() const;
};

struct CalibrationOptions {
    /// Equal-count intensity bins per channel for a burst.
    int bins = 48;
    /// A bin (or flat level) is left out when its mean is within this many noise sigmas of 0 or
    /// of white: clipping there bends the variance.
    double clip_sigmas = 3.0;
};

/// The weighted least-squares line variance = beta1·x + beta2 through the points (weights: the
/// inverse variance of each point's estimate, 2·v² / samples, with v the fitted line; refitted
/// three times, then once more without points beyond 5 robust sigmas of the relative residual).
/// Throws ConfigError (field "intensity range") with fewer than 2 usable points, naming `what`.
LevelFit fit_noise_line(std::vector<VariancePoint> points, const std::string& what);

/// The binned points of one packed channel (`channel` 0..3) or of all (`channel` = -1) from a
/// burst's temporal statistics: pixels sorted by their mean into equal-count bins; per bin the
/// mean of the per-pixel means and a median of means of the per-pixel variances (16 groups:
/// unbiased for chi-square variances, unlike a plain median, yet immune to hot pixels and
/// movement); bins near 0 and white left out (CalibrationOptions::clip_sigmas).
std::vector<VariancePoint> burst_points(const TemporalStats& stats, bayer::BayerPhase phase, int channel,
                                        const CalibrationOptions& options = {});

/// Noise level function of a burst (at least 4 frames of a static scene, normalised, same phase):
/// burst_points per channel and pooled, each fitted by fit_noise_line. Throws ConfigError (field
/// "frames") with fewer than 4 frames.
Calibration calibrate_burst(const TemporalStats& stats, bayer::BayerPhase phase, const CalibrationOptions& options = {});

/// One flat-field or dark level: the frames taken at it (same exposure), normalised.
struct FlatLevel {
    std::string name;  ///< for messages: the first file
    std::vector<ImageView<const float>> frames;
};

/// From dark frames (no light: their variance is beta2) and flat fields at several levels (their
/// variance minus beta2, over their mean above the darks' mean, is beta1; at least one level
/// clear of clipping). A level of 2 or more frames uses the per-pixel temporal variance (fixed
/// pattern and vignetting cancel); a single frame its spatial variance around its mean (median
/// of means over the plane), which includes the sensor's fixed pattern. Throws ConfigError
/// (field "--dark" / "--flat") when either is missing or unusable.
Calibration calibrate_flat_dark(const std::vector<FlatLevel>& flats, const std::vector<FlatLevel>& darks,
                                bayer::BayerPhase phase, const CalibrationOptions& options = {});

/// One frame: the blind fit noise::estimate_noise_model (one level for all channels).
Calibration calibrate_single(ImageView<const float> mosaic, bayer::BayerPhase phase);

/// One entry of a calibration file.
struct CalibrationEntry {
    std::string camera;  ///< "Make Model" as the frames state it (may be empty: unknown)
    int iso = 0;         ///< 0: unknown
    std::string method;  ///< "burst", "flat-dark" or "single-frame"
    std::vector<std::string> files;
    Calibration fit;
};

/// The calibration file's text (JSON: {"format": "n2n-noise-calibration", "version": 1,
/// "entries": [...]}, each entry with camera, iso, method, frames, files, beta1, beta2,
/// residual, points and per channel R/Gr/Gb/B the same).
std::string calibration_json(const std::vector<CalibrationEntry>& entries);

/// Reads a calibration file. Throws IoError when unreadable, FormatError naming the entry and
/// field when malformed or when a level is invalid.
std::vector<CalibrationEntry> read_calibration(const std::filesystem::path& path);

/// The entry for `camera` (case-insensitive) and `iso`; the only entry when the file has one;
/// otherwise ConfigError (field `field`) listing the entries.
const CalibrationEntry& find_calibration(const std::vector<CalibrationEntry>& entries, std::string_view camera,
                                         int iso, const std::string& file, const std::string& field);

}  // namespace n2n::noise
