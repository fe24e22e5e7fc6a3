// SPDX-License-Identifier: MIT
// The random neighbour sub-sampler of Neighbor2Neighbor on packed raw tensors.
//
// Each 2×2 cell of a packed plane holds four positions k = 2·row + col:
//      0 1
//      2 3
// and one of 8 ordered pairs of horizontal or vertical neighbours is chosen per cell:
//   choice   0      1      2      3      4      5      6      7
//   pair   (0,1)  (0,2)  (1,3)  (2,3)  (1,0)  (2,0)  (3,1)  (3,2)      first → g1, second → g2
// The choice is made per image and per cell, and is the same for all channels. On a packed
// tensor neighbouring positions are same-colour mosaic pixels two apart, as the paper's author
// states for raw. The choices are an explicit tensor so the very same draw can be applied to
// the noisy batch y and to the network output f(y).
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <array>
#include <cstdint>
#include <utility>

namespace n2n::train {

/// The 8 ordered neighbour pairs, indexed by choice value.
inline constexpr std::array<std::array<int, 2>, 8> kNeighborPairs{
    {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {1, 0}, {2, 0}, {3, 1}, {3, 2}}};

enum class SamplerKind : std::uint8_t {
    Random,       ///< the paper's sampler: an independent choice in every cell
    FixLocation,  ///< paper Table 4 ablation: one choice per image, used in all its cells
};

/// Draws choices for a batch of `n` images of height × width (both even): a uint8 tensor
/// n × height/2 × width/2 with values 0..7, on `device`. Random numbers always come from the
/// CPU generator `generator`, so a seed gives the same draw on every device.
/// Throws ConfigError (field "size") for odd or non-positive sizes.
torch::Tensor draw_pair_choices(std::int64_t n, std::int64_t height, std::int64_t width, SamplerKind kind,
                                at::Generator& generator, const torch::Device& device = torch::kCPU);

/// The two sub-images: g1 and g2, each N × C × H/2 × W/2.
struct SubImages {
    torch::Tensor g1;
    torch::Tensor g2;
};

/// Applies `choices` (from draw_pair_choices) to x (N × C × H × W). The fast path: a single
/// parallel pass on CPU float32, a gather with precomputed indices on other devices/dtypes.
SubImages subsample(const torch::Tensor& x, const torch::Tensor& choices);

/// The same result computed the straightforward way (as the official code does): per-channel
/// space-to-depth with unfold, boolean masks over the 4 cell positions, masked_select. Kept as
/// the reference for tests and the benchmark.
SubImages subsample_reference(const torch::Tensor& x, const torch::Tensor& choices);

/// Flat indices into the H × W plane (row-major, packed-plane coordinates) of the g1 and g2
/// pixels of every cell: two int64 tensors N × H/2 × W/2. For inspection and tests.
std::pair<torch::Tensor, torch::Tensor> pair_indices(const torch::Tensor& choices, std::int64_t width);

}  // namespace n2n::train
