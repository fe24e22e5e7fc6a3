// SPDX-License-Identifier: MIT
// Writing float32 arrays as NumPy .npy files (format 1.0, little-endian, C order), and a small
// helper that makes any output file appear atomically.
#pragma once

#include "n2n_raw/image.hpp"

#include <filesystem>
#include <functional>
#include <ostream>

namespace n2n::io {

/// Writes `path` by calling `write` on a temporary file in the same folder, then renaming it
/// over `path`: readers never see a half-written file. Throws IoError (field "write") on failure;
/// the temporary file is removed.
void write_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

/// Writes a C × H × W planar image as a float32 .npy array of shape (C, H, W), atomically.
void write_npy(const std::filesystem::path& path, const PlanarImage<float>& planes);

}  // namespace n2n::io
