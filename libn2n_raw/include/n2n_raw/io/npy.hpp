// SPDX-License-Identifier: MIT
// Writing float32 arrays as NumPy .npy files (format 1.0, little-endian, C order).
#pragma once

#include "n2n_raw/image.hpp"

#include <filesystem>

namespace n2n::io {

/// Writes a C × H × W planar image as a float32 .npy array of shape (C, H, W), atomically.
void write_npy(const std::filesystem::path& path, const PlanarImage<float>& planes);

}  // namespace n2n::io
