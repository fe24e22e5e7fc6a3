// SPDX-License-Identifier: MIT
// Running a model over SIDD's Validation/Benchmark block files: block batching belongs to the
// evaluation of that data set, not to inference (infer/ knows mosaics and tensors only).
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <cstddef>
#include <functional>
#include <vector>

namespace n2n::eval {

/// Called after each image with (images done, images in all).
using BlockProgress = std::function<void(std::ptrdiff_t, std::ptrdiff_t)>;

/// A denoised block file and the wall time the denoising took.
struct DenoisedBlocks {
    io::SiddBlocks blocks;  ///< same layout and stored class as the input
    double seconds = 0;     ///< model time for all blocks (SIDD's TimeMPRaw is derived from it)
};

/// Denoises every block of a SIDD block file (values in [0, 1]); image i's blocks have CFA phase
/// `phases[i]` and run as one packed batch, so every phone's blocks reach the network in the
/// canonical R, Gr, Gb, B order (blocks of odd size go one by one through infer::denoise_mosaic).
/// Throws ConfigError (field "phases") when there is not one phase per image.
DenoisedBlocks denoise_blocks(const infer::Model& model, const io::SiddBlocks& noisy,
                              const std::vector<bayer::BayerPhase>& phases, const infer::TileOptions& options = {},
                              const BlockProgress& progress = {});

}  // namespace n2n::eval
