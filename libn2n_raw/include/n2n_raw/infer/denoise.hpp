// SPDX-License-Identifier: MIT
// Denoising raw mosaics of any size and CFA phase, tiled so memory stays bounded on full frames.
//
// Tiling works on the packed image (so every tile origin is an even mosaic offset and keeps the
// CFA phase). The packed image is first padded by reflection to multiples of 32 exactly as an
// untiled run would be; it is then cut into core tiles whose origins are multiples of 32 (the
// 5 pooling grids of every tile line up with the untiled run's), each run with `halo` packed
// pixels of real context on every side, and only the core is kept. With halo >= the network's
// receptive radius the result equals the untiled run up to float rounding.
// Networks with stages (Model::has_stages: our U-Net as TorchScript) are tiled per stage instead:
// the full-resolution encoder and decoder levels per tile with a halo of 8 and 16 pixels (their
// receptive radii), the 1/8-scale-and-below part once on the whole frame; equally exact.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/infer/model.hpp"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace n2n::infer {

struct TileOptions {
    /// Core tile side in packed pixels (rounded up to a multiple of 32); 0: never tile.
    std::int64_t tile = 512;
    /// Context on each side of a core tile in packed pixels (rounded up to a multiple of 32, or
    /// of 8 for staged networks); negative: what makes the result exact (Model::kStageHaloA/C
    /// for staged networks, else the model's receptive radius).
    std::int64_t halo = -1;
    /// Clamp the output to [0, 1] (the range of the normalised input).
    bool clip = true;
};

/// Denoises a packed batch N × 4 × H × W (or 4 × H × W) of any H, W on any device: pad, run
/// (tiled when larger than one tile), crop. Returns the same shape on the input's device.
/// Throws ConfigError (field "input") for a wrong rank or channel count.
torch::Tensor denoise_packed(const Model& model, const torch::Tensor& packed, const TileOptions& options = {});

/// Denoises a normalised mosaic (row-major, any size ≥ 2 × 2, phase of pixel (0, 0)) and returns
/// a mosaic of the same size, phase and range. An odd last row/column is denoised using a copy
/// of the same-colour row/column two before it, then dropped.
Image<float> denoise_mosaic(const Model& model, ImageView<const float> mosaic, bayer::BayerPhase phase,
                            const TileOptions& options = {});

/// Called after each image with (images done, images in all).
using Progress = std::function<void(std::ptrdiff_t, std::ptrdiff_t)>;

}  // namespace n2n::infer
