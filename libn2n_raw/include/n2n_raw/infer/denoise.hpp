// SPDX-License-Identifier: MIT
// Denoising raw mosaics of any size and CFA phase, tiled so memory stays bounded on full frames.
//
// Tiling works on the packed image (so every tile origin is an even mosaic offset and keeps the
// CFA phase). The packed image is first padded by reflection to multiples of 32 exactly as an
// untiled run would be (to the network's own multiple, 32 for the U-Net); it is then cut into core
// tiles whose origins are multiples of it (the pooling grids of every tile line up with the
// untiled run's), each run with `halo` packed pixels of real context on every side, and only the
// core is kept. With halo >= the network's receptive radius the result equals the untiled run up
// to float rounding.
// Models with a stage plan (Model::stage_plan: the TorchScript forms of networks that declare
// one) are tiled per stage instead: the head and tail per tile with the small halos the plan
// states (8 and 16 packed pixels for the U-Net), the body once on the whole frame; equally exact.
// Everything here reads the network's own description; no network is named.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace n2n::infer {

struct TileOptions {
    /// Core tile side in packed pixels (rounded up to the network's multiple); 0: never tile.
    std::int64_t tile = 512;
    /// Context on each side of a core tile in packed pixels (rounded up to the network's multiple,
    /// or to the stage grid for staged models); negative: what makes the result exact (the stage
    /// plan's halos for staged models, else the network's receptive radius).
    std::int64_t halo = -1;
    /// Clamp the output to [0, 1] (the range of the normalised input).
    bool clip = true;
    /// For noise-conditioned models (Model::input() == "gat"): the capture's noise level function
    /// (metadata, calibration); empty: estimated blindly from each frame (noise/noise_estimate.hpp).
    /// Ignored by raw-input models.
    std::optional<noise::NoiseModel> noise;
    /// denoise_mosaic only: average over this many orientations of the mosaic (1, 2, 4 or 8:
    /// mirrors, then transposes; Bayer-preserving, each pass re-aligned to RGGB and turned back).
    /// A self-ensemble: n times the time for a lower-variance estimate.
    int ensemble = 1;
};

/// The smallest TileOptions::halo with which tiled output equals untiled output (what a
/// negative halo uses): the stage plan's larger halo for staged models, else the receptive radius.
std::int64_t exact_halo(const Model& model);

/// Denoises a packed batch N × 4 × H × W (or 4 × H × W) of any H, W on any device: pad, run
/// (tiled when larger than one tile), crop. Returns the same shape on the input's device.
/// Noise-conditioned models get the stabilised domain's input and inverse around that.
/// Throws ConfigError for a wrong rank or channel count (field "input"), a tile that is not 0 or
/// a multiple of the network's multiple ("tile") or a halo below -1 ("halo"); NumericError when
/// the network's output is not finite (a broken model must not reach a file).
torch::Tensor denoise_packed(const Model& model, const torch::Tensor& packed, const TileOptions& options = {});

/// How a mosaic of any CFA phase reaches the network, which sees packed R, Gr, Gb, B.
enum class PhaseAlignment : std::uint8_t {
    /// Route each 2×2 cell's pixels to their colour's plane (bayer/pack.hpp). Cheap, but for a
    /// non-RGGB phase the four planes' sub-pixel offsets are mirrored relative to RGGB.
    Reorder,
    /// Bayer unification (Liu et al. 2019): a mirrored row and/or column on top/left makes the
    /// frame RGGB, so the planes keep RGGB's geometry; removed again after denoising. The default,
    /// as in training (train::LoaderOptions::unify_by_shift).
    Shift,
};

/// Denoises a normalised mosaic (row-major, any size ≥ 2 × 2, phase of pixel (0, 0)) and returns
/// a mosaic of the same size, phase and range. An odd last row/column is denoised using a copy
/// of the same-colour row/column two before it (reflection), then dropped.
/// Throws ConfigError (field "ensemble") for an orientation count other than 1, 2, 4, 8.
Image<float> denoise_mosaic(const Model& model, ImageView<const float> mosaic, bayer::BayerPhase phase,
                            const TileOptions& options = {}, PhaseAlignment alignment = PhaseAlignment::Shift);

}  // namespace n2n::infer
