// SPDX-License-Identifier: MIT
// The bridge between mosaics (bayer/) and LibTorch tensors: packed 4-channel float32 tensors in
// the canonical R, Gr, Gb, B order, on any device.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/image.hpp"

#include <torch/types.h>

namespace n2n {

/// Packs a mosaic into a new 4 × H/2 × W/2 float32 CPU tensor (no batch axis).
torch::Tensor pack_to_tensor(ImageView<const float> mosaic, bayer::BayerPhase phase,
                             bayer::OddSize odd = bayer::OddSize::Reject);

/// Packs a mosaic into `dst`, an existing CPU float32 contiguous 4 × H/2 × W/2 tensor (a slice of a
/// batch, say), without an intermediate copy. Throws ConfigError (field "packed tensor") when `dst`
/// has another shape, dtype, device or layout.
void pack_into_tensor(ImageView<const float> mosaic, bayer::BayerPhase phase, torch::Tensor& dst,
                      bayer::OddSize odd = bayer::OddSize::Reject);

/// Unpacks a 4 × h × w (or 1 × 4 × h × w) tensor, on any device and of any floating dtype, into
/// a 2h × 2w mosaic of the given phase.
Image<float> unpack_from_tensor(const torch::Tensor& packed, bayer::BayerPhase phase);

/// Copies a planar image into a new C × H × W float32 CPU tensor, and back.
torch::Tensor to_tensor(const PlanarImage<float>& planes);
PlanarImage<float> to_planar(const torch::Tensor& chw);

}  // namespace n2n
