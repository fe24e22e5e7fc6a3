// SPDX-License-Identifier: MIT
// Options shared by the sub-commands that run a trained model (denoise, validate, submit).
#pragma once

#include "cli_common.hpp"

#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/infer/model.hpp"

#include <CLI/CLI.hpp>
#include <string>

namespace n2n::cli {

struct ModelOptions {
    std::string path;                 ///< checkpoint or exported TorchScript file
    std::string backend = "script";   ///< eager | script (frozen TorchScript graph)
    std::int64_t tile = 512;          ///< core tile side, packed pixels (0: never tile)
    std::int64_t halo = -1;           ///< context per side, packed pixels (-1: receptive radius, exact)
    int ensemble = 1;                 ///< orientations averaged (infer::TileOptions::ensemble)
    std::string precision = "float32";  ///< float32 | bfloat16 (infer::Precision)
    ComputeOptions compute;
};

/// Adds --model (required), --backend, --tile, --halo, --ensemble, --precision, --device, --threads.
void add_model_options(CLI::App& cmd, ModelOptions& options);

/// Adds --ensemble (1, 2, 4 or 8 orientations averaged).
void add_ensemble_option(CLI::App& cmd, int& ensemble);

/// Adds --precision (float32 | bfloat16, infer::Precision).
void add_precision_option(CLI::App& cmd, std::string& precision);

/// Applies the thread count and loads the model on the chosen device (ConfigError field "device").
infer::Model load_model(const ModelOptions& options);

/// The tiling of --tile/--halo for `model`. Throws ConfigError (field "--halo") for a halo below
/// the network's exact one: tiles would show seams.
infer::TileOptions tile_options(const ModelOptions& options, const infer::Model& model);

/// A SIDD block file to denoise and where the CFA phase of each image comes from.
struct NoisyBlocksOptions {
    std::string path;      ///< e.g. ValidationNoisyBlocksRaw.mat
    std::string variable;  ///< empty: the file's only 4-D array
    std::string phases;    ///< empty: SIDD's evaluation scene list (eval::block_phases)
};

/// Adds --noisy (required; `file_name` names the expected file), --noisy-var and --phases.
void add_noisy_blocks_options(CLI::App& cmd, NoisyBlocksOptions& options, const std::string& file_name);

/// Shows "denoised i/n images" on one stderr line (a block-file run's progress).
void print_block_progress(std::ptrdiff_t done, std::ptrdiff_t total);

}  // namespace n2n::cli
