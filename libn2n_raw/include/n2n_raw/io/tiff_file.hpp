// SPDX-License-Identifier: MIT
// 16-bit RGB TIFF files for rendered images (the DNG writer lives in dng/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace n2n::io {

/// Writes interleaved 16-bit RGB (height · width · 3 samples, top row first) as an uncompressed
/// TIFF, atomically. Throws ConfigError (field "size") on a size mismatch, IoError on failure.
void write_tiff_rgb16(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                      const std::vector<std::uint16_t>& rgb);

}  // namespace n2n::io
