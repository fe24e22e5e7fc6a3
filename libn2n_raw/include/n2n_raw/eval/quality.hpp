// SPDX-License-Identifier: MIT
// The quality benchmark: noisy/clean raw pairs with their noise level, denoising methods run on
// them, and per image and per noise level PSNR, SSIM and the mean signed error in the shadows,
// all in raw space, also per camera and ISO. The pair sets are the files `n2n synth` writes
// (pairs.json beside 16-bit PNG mosaics) and SIDD Medium Raw scene folders.
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
    /// 16-bit grey PNG mosaic (DN / 65535 = normalised value) or a SIDD MAT frame (`.MAT`, in [0, 1])
    std::filesystem::path noisy;
    std::filesystem::path clean;
    bayer::BayerPhase phase;
    std::string level;             ///< noise level label, e.g. "N6:800" or "beta1=…,beta2=…"
    noise::NoiseModel model;       ///< the noise that was added
    std::uint64_t seed = 0;
    /// Camera and ISO the pair was captured with, when known (SIDD: the folder name's phone code
    /// and ISO); otherwise quality_group reads them from the level label. Default-initialised so
    /// that pairs listed without them stay valid aggregates.
    std::string camera{};
    std::optional<double> iso{};
};

/// What a pair's results are grouped by: camera and ISO, or only the level label.
struct QualityGroup {
    std::string name;            ///< "S6 ISO 100"; the level label when camera or ISO is unknown
    std::string camera;          ///< empty when unknown
    std::optional<double> iso;
};

/// The pair's group: its own camera and ISO, else those of a level label "CAMERA:ISO" or
/// "CAMERA@ISO" (as `n2n synth` writes SIDD levels and calibrations), else the level itself.
QualityGroup quality_group(const QualityPair& pair);

/// Writes a pair set's index (`pairs.json`: format "n2n-synth-pairs", version 1, paths relative
/// to the index's folder), atomically.
void write_pair_set(const std::filesystem::path& index, const std::vector<QualityPair>& pairs);

/// Reads a pair set's index; paths come back absolute. Throws IoError when unreadable,
/// FormatError naming the field when malformed.
std::vector<QualityPair> read_pair_set(const std::filesystem::path& index);

/// Reads a SIDD Medium Raw tree as pairs: `root` is one scene folder
/// (`0001_001_S6_00100_00060_3200_L`), a folder of scene folders, or one whose `Data/` holds them
/// (SIDD's archive); other folders are passed over. Each `<inst>_NOISY_RAW_<nnn>.MAT` is paired
/// with the GT and METADATA files of the same capture: name "<folder>_<nnn>", level
/// "<phone>:<ISO>", camera and ISO from the folder name, phase from the metadata's CFAPattern,
/// noise model from its NoiseProfile. Throws IoError naming a missing GT or METADATA file,
/// FormatError naming the metadata file and field (the reader's, or "NoiseProfile" when absent),
/// ConfigError when no NOISY frame is found.
std::vector<QualityPair> read_sidd_pairs(const std::filesystem::path& root);

/// Reads one side of a pair as a normalised mosaic in [0, 1]: a SIDD MAT frame (by extension,
/// any case) or a 16-bit PNG.
Image<float> read_pair_mosaic(const std::filesystem::path& file, bayer::BayerPhase phase);

/// A method under test: the denoised mosaic in [0, 1] for a pair's noisy mosaic.
struct QualityMethod {
    std::string name;  ///< column name: "noisy", "classical", "n2n", …
    std::function<Image<float>(const QualityPair& pair, ImageView<const float> noisy)> run;
};

/// One (pair, method) result.
struct QualityRow {
    std::string pair;
    std::string level;
    QualityGroup group;
    std::string method;
    QualityScores scores;
    double seconds = 0;  ///< wall time of the method on this pair (without the risk estimate's run)
    /// The blind estimate of the same PSNR from the noisy frame and its noise model alone
    /// (eval/risk_estimate.hpp), when asked for: how far a user without clean frames can trust it.
    std::optional<RiskEstimate> risk;
};

/// Per (key, method) means over the pairs of that key, and over all pairs (key "all"); the key
/// is the level label (QualityReport::summary) or the camera/ISO group (QualityReport::groups).
struct QualitySummary {
    std::string level;  ///< the key: level label or group name
    QualityGroup group;  ///< the key as a group: name = level, camera and ISO when known
    std::string method;
    int images = 0;
    QualityScores mean;
    double seconds = 0;  ///< total
    std::optional<double> risk_psnr_db;  ///< mean of the rows' risk estimates (PSNR dB), when computed
};

struct QualityReport {
    std::vector<QualityRow> rows;
    std::vector<QualitySummary> summary;  ///< per noise level
    std::vector<QualitySummary> groups;   ///< per camera and ISO
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

/// The report as a fixed-width table (per image, then per level, then per camera and ISO), as
/// JSON (keys "rows", "summary" per level, "groups" per camera and ISO) and the groups as CSV
/// (one line per group and method, header first).
std::string format_quality_table(const QualityReport& report);
std::string quality_json(const QualityReport& report);
std::string quality_groups_csv(const QualityReport& report);

}  // namespace n2n::eval
