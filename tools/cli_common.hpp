// SPDX-License-Identifier: MIT
// Small helpers shared by the sub-commands: input options, device selection, thread count.
#pragma once

#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <CLI/CLI.hpp>
#include <torch/types.h>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace n2n::cli {

/// The capture used when a command gets no input: a Canon EOS 30D CR2 from Debian's rawtran-doc.
inline constexpr const char* kDefaultCapture = "/usr/share/doc/rawtran/IMG_5952.CR2";

/// The starting model shipped with n2n (models/ of the source tree, or share/n2n_raw/models/ of
/// an installation; $N2N_MODEL_DIR first). Throws IoError naming the places searched.
std::filesystem::path starting_model_path();

/// The files named by `inputs` (files, or folders searched recursively, side files such as
/// METADATA skipped) and by the lines of `list_file` when given, in order. Throws IoError naming
/// a missing input.
std::vector<std::filesystem::path> input_files(const std::vector<std::string>& inputs, const std::string& list_file = {});

/// Refuses inputs whose outputs would share a name (a/x.png and b/x.png both give x_denoised):
/// ConfigError naming both files. `stem` maps an input to its output stem.
void require_distinct_stems(const std::vector<std::filesystem::path>& files,
                            const std::function<std::string(const std::filesystem::path&)>& stem);

/// Options every compute-heavy sub-command takes.
struct ComputeOptions {
    std::string device = "cpu";  ///< "cpu", "cuda" or "cuda:N"
    int threads = 0;             ///< 0: one per hardware core
};

/// What headerless dumps and 16-bit PNG mosaics do not say about themselves.
struct MosaicInputOptions {
    std::ptrdiff_t width = 0;   ///< headerless: pixels per row
    std::ptrdiff_t height = 0;  ///< headerless: rows
    std::string phase;          ///< CFA phase of pixel (0, 0); empty: not a PNG mosaic
    int bits = 16;              ///< meaningful bits per sample
    float black = 0.F;          ///< DN
    float white = -1.F;         ///< DN; < 0: 2^bits - 1
    bool big_endian = false;    ///< headerless sample order
};

/// Adds --width, --height, --phase, --bits, --black, --white and --big-endian in an option group.
void add_mosaic_input_options(CLI::App& cmd, MosaicInputOptions& options);

/// The reader options these imply. Throws ConfigError (field "--phase") for an unknown phase.
io::ReadOptions read_options(const MosaicInputOptions& options);

/// Reads one frame of a burst or calibration set (its source set to `file`): the first frame read
/// becomes `first`, every later one must match it (io::require_same_capture: ConfigError naming
/// the file and the field).
io::RawFrame read_same_capture(const std::filesystem::path& file, const io::ReadOptions& read,
                               std::optional<io::RawFrame>& first, io::SameCapture what = {});

/// Noise level functions named on the command line: SIDD table entries or the user's own values.
struct NoiseLevelOptions {
    std::vector<std::string> levels;  ///< "N6:800", ..., or "all" (every entry of the table)
    std::string nlf;                  ///< SIDD's cam_iso_nlf.txt
    double beta1 = -1;                ///< < 0: not given
    double beta2 = -1;
    std::string noise_json;           ///< an `n2n calibrate` file
};

/// Adds --level, --nlf, --beta1, --beta2 and --noise-json; `purpose` says what the levels are for.
void add_noise_level_options(CLI::App& cmd, NoiseLevelOptions& options, const std::string& purpose);

/// The levels given, each with its label ("N6:800", "b1=...,b2=...", "CAMERA@ISO"); empty when
/// none was given. --noise-json gives its entry for `frame`'s camera and ISO (or its only entry)
/// when a frame is given, else every entry, each with its per-channel levels. Throws
/// ConfigError naming the option for --level without --nlf or invalid values, and the
/// calibration file's own errors (noise::read_calibration, noise::find_calibration).
std::vector<std::pair<std::string, noise::NoiseModel>> noise_levels(const NoiseLevelOptions& options,
                                                                    const io::RawMetadata* frame = nullptr);

/// Adds --device and --threads to a sub-command.
void add_compute_options(CLI::App& cmd, ComputeOptions& options);

/// Applies the thread count to LibTorch (n2n::set_threads) and returns the device it names
/// (n2n::parse_device).
torch::Device apply_compute(const ComputeOptions& options);

}  // namespace n2n::cli
