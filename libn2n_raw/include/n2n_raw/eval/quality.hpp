// SPDX-License-Identifier: MIT
// The quality benchmark: noisy/clean raw pairs with their noise level, denoising methods run on
// them, and per image and per noise level PSNR, SSIM and the mean signed error in the shadows,
// all in raw space. The pair sets are the files `n2n synth` writes (pairs.json beside 16-bit
// PNG mosaics).
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/eval/risk_estimate.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace n2n::eval {

/// Scores of one estimate against its clean reference (both normalised mosaics in [0, 1]).
struct QualityScores {
    double psnr = 0;  ///< dB, data range 1, whole mosaic
    double ssim = 0;  ///< metrics::ssim on the mosaic
    /// Mean of (estimate − clean) over the darkest quarter of the clean pixels (those at or below
    /// the clean mosaic's 25th percentile): > 0 means lifted shadows.
    double dark_mean_error = 0;
};

/// Scores `estimate` against `clean`. Throws ConfigError (field "size") on a size mismatch.
QualityScores score(ImageView<const float> estimate, ImageView<const float> clean);

/// One noisy/clean pair of a pair set.
struct QualityPair {
    std::string name;              ///< e.g. "kodim01_N6-800"
    std::filesystem::path noisy;   ///< 16-bit grey PNG mosaic, DN / 65535 = normalised value
    std::filesystem::path clean;
    bayer::BayerPhase phase;
    std::string level;             ///< noise level label, e.g. "N6:800" or "beta1=…,beta2=…"
    noise::NoiseModel model;       ///< the noise that was added
    std::uint64_t seed = 0;
};

/// Writes a pair set's index (`pairs.json`: format "n2n-synth-pairs", version 1, paths relative
/// to the index's folder), atomically.
void write_pair_set(const std::filesystem::path& index, const std::vector<QualityPair>& pairs);

/// Reads a pair set's index; paths come back absolute. Throws IoError when unreadable,
/// FormatError naming the field when malformed.
std::vector<QualityPair> read_pair_set(const std::filesystem::path& index);

/// Reads one side of a pair as a normalised mosaic in [0, 1].
Image<float> read_pair_mosaic(const std::filesystem::path& png, bayer::BayerPhase phase);

/// A method under test: the denoised mosaic in [0, 1] for a pair's noisy mosaic.
struct QualityMethod {
    std::string name;  ///< column name: "noisy", "classical", "n2n", …
    std::function<Image<float>(const QualityPair& pair, ImageView<const float> noisy)> run;
};

/// One (pair, method) result.
struct QualityRow {
    std::string pair;
    std::string level;
    std::string method;
    QualityScores scores;
    double seconds = 0;  ///< wall time of the method on this pair (without the risk estimate's run)
    /// The blind estimate of the same PSNR from the noisy frame and its noise model alone
    /// (eval/risk_estimate.hpp), when asked for: how far a user without clean frames can trust it.
    std::optional<RiskEstimate> risk;
};

/// Per (level, method) means over the pairs of that level, and over all pairs (level "all").
struct QualitySummary {
    std::string level;
    std::string method;
    int images = 0;
    QualityScores mean;
    double seconds = 0;  ///< total
    std::optional<double> risk_psnr_db;  ///< mean of the rows' risk estimates (PSNR dB), when computed
};

struct QualityReport {
    std::vector<QualityRow> rows;
    std::vector<QualitySummary> summary;
};

struct QualityOptions {
    /// Also estimate each method's PSNR blindly by SURE with the pair's noise model (runs each
    /// method a second time, on a probed input).
    bool risk_estimate = false;
    RiskOptions risk;
};

/// Runs every method on every pair and scores it. `progress` (optional) is called after each
/// row. Methods' errors propagate.
QualityReport evaluate_quality(const std::vector<QualityPair>& pairs, const std::vector<QualityMethod>& methods,
                               const std::function<void(const QualityRow&)>& progress = {},
                               const QualityOptions& options = {});

/// The report as a fixed-width table (per image, then per level) and as JSON.
std::string format_quality_table(const QualityReport& report);
std::string quality_json(const QualityReport& report);

}  // namespace n2n::eval
