// SPDX-License-Identifier: MIT
// Packing a Bayer mosaic into four half-resolution planes, and back.
//
// Every 2×2 cell (rows 2i..2i+1, columns 2j..2j+1) of an H×W mosaic becomes pixel (i, j) of four
// planes, always in the canonical order R, Gr, Gb, B whatever the mosaic's phase:
//
//   GRBG mosaic            packed (4 × H/2 × W/2)
//   Gr R  Gr R   ->   plane 0 (R):  the R  of each cell
//   B  Gb B  Gb       plane 1 (Gr): the Gr of each cell
//                     plane 2 (Gb): the Gb of each cell
//                     plane 3 (B):  the B  of each cell
//
// So phases are unified by reordering inside each cell: no row or column is lost and unpack()
// restores the mosaic exactly. (Within a cell the planes' sample positions differ by phase; a
// network that must also see RGGB geometry can crop with align_phase() in geometry.hpp first.)
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"

#include <array>

namespace n2n::bayer {

/// What to do with a mosaic whose height or width is odd (no whole 2×2 cell at the end).
enum class OddSize : std::uint8_t {
    Reject,        ///< throw ConfigError naming the dimension (default: never lose data silently)
    TrimTrailing,  ///< ignore the last row and/or column; the phase is unchanged
};

using PackedPlanes = std::array<ImageView<float>, kPackedChannels>;
using ConstPackedPlanes = std::array<ImageView<const float>, kPackedChannels>;

/// Height and width of the packed planes for a mosaic of the given size (after the odd rule).
std::array<std::ptrdiff_t, 2> packed_size(std::ptrdiff_t height, std::ptrdiff_t width, OddSize odd = OddSize::Reject);

/// Packs into caller-owned planes (for example the memory of a tensor); each plane must be
/// exactly packed_size(). Throws ConfigError on odd size with OddSize::Reject or a size mismatch.
void pack_into(ImageView<const float> mosaic, BayerPhase phase, const PackedPlanes& planes,
               OddSize odd = OddSize::Reject);
/// Packs into a new 4×H/2×W/2 planar image.
PlanarImage<float> pack(ImageView<const float> mosaic, BayerPhase phase, OddSize odd = OddSize::Reject);

/// Writes the four planes back into a 2·h × 2·w mosaic of the given phase.
void unpack_into(const ConstPackedPlanes& planes, BayerPhase phase, ImageView<float> mosaic);
Image<float> unpack(const PlanarImage<float>& packed, BayerPhase phase);

/// The four plane views of a planar image with exactly four channels.
PackedPlanes planes_of(PlanarImage<float>& packed);
ConstPackedPlanes planes_of(const PlanarImage<float>& packed);

}  // namespace n2n::bayer
