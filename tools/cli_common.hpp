// SPDX-License-Identifier: MIT
// Small helpers shared by the sub-commands: device selection, thread count, atomic output.
#pragma once

#include "n2n_raw/io/read_any.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

namespace n2n::cli {

/// The capture used when a command gets no input: a Canon EOS 30D CR2 from Debian's rawtran-doc.
inline constexpr const char* kDefaultCapture = "/usr/share/doc/rawtran/IMG_5952.CR2";

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

/// Adds --width, --height, --phase, --black, --white, --big-endian and `bits_flag` (the bits per
/// sample: "--bits", or "--raw-bits" where --bits means the output) in an option group.
void add_mosaic_input_options(CLI::App& cmd, MosaicInputOptions& options, const std::string& bits_flag = "--bits");

/// The reader options these imply. Throws ConfigError (field "--phase") for an unknown phase.
io::ReadOptions read_options(const MosaicInputOptions& options);

/// Adds --device and --threads to a sub-command.
void add_compute_options(CLI::App& cmd, ComputeOptions& options);

/// Applies the thread count to LibTorch (OpenMP defaults to 1 thread on some machines).
void apply_threads(const ComputeOptions& options);

}  // namespace n2n::cli
