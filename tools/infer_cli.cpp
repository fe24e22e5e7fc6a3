// SPDX-License-Identifier: MIT
#include "infer_cli.hpp"

#include "option_checks.hpp"
#include "train_progress.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>
#include <iostream>

namespace n2n::cli {

void add_model_options(CLI::App& cmd, ModelOptions& options) {
    cmd.add_option("--model,-m", options.path, "Trained model: an n2n checkpoint or an exported TorchScript file")
        ->required()
        ->check(CLI::ExistingFile);
    cmd.add_option("--backend", options.backend,
                   "eager: run the network as trained; script: a frozen TorchScript graph")
        ->check(CLI::IsMember({"eager", "script"}))
        ->capture_default_str();
    cmd.add_option("--tile", options.tile, "Core tile side in packed pixels (multiple of 32; 0 = whole frame at once)")
        ->check(zero_or_multiple_of(32))
        ->capture_default_str();
    cmd.add_option("--halo", options.halo,
                   "Context around each tile in packed pixels (-1 = what makes tiled equal untiled; larger values are "
                   "allowed, smaller ones are refused since they show seams)")
        ->check(CLI::Range(-1, 1 << 20))
        ->capture_default_str();
    add_ensemble_option(cmd, options.ensemble);
    add_precision_option(cmd, options.precision);
    add_compute_options(cmd, options.compute);
}

void add_precision_option(CLI::App& cmd, std::string& precision) {
    cmd.add_option("--precision", precision,
                   "Number format of the network's layers: float32 (the reference) or bfloat16 (about 2.5x faster on "
                   "CPUs with AMX/AVX512-BF16; input, output and the residual stay float32; checkpoints only)")
        ->check(CLI::IsMember({"float32", "bfloat16"}))
        ->capture_default_str();
}

void add_ensemble_option(CLI::App& cmd, int& ensemble) {
    cmd.add_option("--ensemble", ensemble,
                   "Average the model over this many orientations of each frame (1, 2, 4 or 8: mirrors, then "
                   "transposes; Bayer-preserving): that many times the time for a cleaner estimate")
        ->check(CLI::IsMember({1, 2, 4, 8}))
        ->capture_default_str();
}

infer::Model load_model(const ModelOptions& options) {
    const torch::Device device = apply_compute(options.compute);
    auto model = infer::Model::load(options.path, device,
                                    options.backend == "eager" ? infer::Backend::Eager : infer::Backend::Script,
                                    options.precision == "bfloat16" ? infer::Precision::BFloat16 : infer::Precision::Float32);
    return model;
}

infer::TileOptions tile_options(const ModelOptions& options, const infer::Model& model) {
    if (options.halo >= 0 && options.halo < infer::exact_halo(model))
        throw ConfigError(options.path, "--halo",
                          fmt::format("{} packed pixels is less than the {} this network needs: tiles would show seams "
                                      "(give -1 for the exact halo, or a larger one)",
                                      options.halo, infer::exact_halo(model)));
    infer::TileOptions t;
    t.tile = options.tile;
    t.halo = options.halo;
    t.ensemble = options.ensemble;
    return t;
}

void add_noisy_blocks_options(CLI::App& cmd, NoisyBlocksOptions& options, const std::string& file_name) {
    cmd.add_option("--noisy", options.path, file_name)->required()->check(CLI::ExistingFile);
    cmd.add_option("--noisy-var", options.variable, "Variable in --noisy (default: its only 4-D array)");
    cmd.add_option("--phases", options.phases,
                   "CFA phase per image: a text file (one of RGGB/GRBG/GBRG/BGGR per line) or a JSON scene list")
        ->check(CLI::ExistingFile);
}

void print_block_progress(std::ptrdiff_t done, std::ptrdiff_t total) {
    if (quiet()) return;
    std::cerr << fmt::format("\rdenoised {}/{} images", done, total) << std::flush;
}

}  // namespace n2n::cli
