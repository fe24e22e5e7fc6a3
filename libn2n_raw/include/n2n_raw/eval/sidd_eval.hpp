// SPDX-License-Identifier: MIT
// SIDD Validation/Benchmark bookkeeping: which phone (hence CFA phase) each image of the block
// files comes from, and the per-image / per-phone / overall score report.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace n2n::eval {

/// One of the 40 evaluation scene instances (image index i of the block files is entry i).
struct EvalScene {
    const char* folder;  ///< SIDD folder name, e.g. "0009_001_S6_00800_00350_3200_L"
    const char* phone;   ///< GP, IP, S6, N6 or G4
};

/// The 40 scenes in block-file order (also in data_manifests/sidd_validation_scenes.json; the
/// order is that of public SIDD benchmark scripts, not stated inside SIDD's files).
const std::array<EvalScene, 40>& sidd_evaluation_scenes();

/// CFA phase of each image of a block file with `images` images: the scene list when there are
/// 40, else (e.g. small test files) the first `images` scenes. `phases_file`, if given, overrides:
/// a text file with one phase name per line (RGGB/GRBG/GBRG/BGGR, '#' comments) or a JSON file
/// with "scenes": [{"cfa": ...}, ...]. Throws ConfigError/FormatError naming the file.
std::vector<bayer::BayerPhase> block_phases(std::ptrdiff_t images, const std::filesystem::path& phases_file = {});

/// Phone code of each image (same rules; "?" from a phases file, which names no phones).
std::vector<std::string> block_phones(std::ptrdiff_t images, const std::filesystem::path& phases_file = {});

/// Mean PSNR (dB, data range 1) and SSIM over a set of blocks.
struct Score {
    double psnr = 0;
    double ssim = 0;
    std::ptrdiff_t blocks = 0;
};

/// Scores of a denoised block file against the clean one.
struct ValidationReport {
    std::vector<Score> per_image;                       ///< index = image
    std::vector<std::pair<std::string, Score>> per_phone;  ///< phones in first-seen order
    Score overall;                                      ///< mean over all blocks
    std::vector<std::string> phones;                    ///< phone of each image
};

/// PSNR/SSIM of every block (unpacked mosaic, MATLAB orientation) averaged per image, per phone
/// and overall (means over blocks, as SIDD averages). Throws ConfigError on a layout mismatch.
ValidationReport score_blocks(const io::SiddBlocks& estimate, const io::SiddBlocks& reference,
                              const std::vector<std::string>& phones);

/// Human-readable table and JSON of a report (JSON: {"overall": {...}, "per_phone": {...},
/// "per_image": [{"index", "phone", "psnr", "ssim", "blocks"}, ...]}).
std::string report_table(const ValidationReport& report);
std::string report_json(const ValidationReport& report, const std::string& extra_json_fields = "");

}  // namespace n2n::eval
