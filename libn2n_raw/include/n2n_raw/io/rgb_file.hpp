// SPDX-License-Identifier: MIT
// Rendered RGB images (planar float, R G B, display-encoded values in [0, 1]) as files: the
// quantisation to 8/16-bit samples and the writer that picks PNG or TIFF by extension.
#pragma once

#include "n2n_raw/image.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace n2n::io {

/// Interleaved 8-bit RGB (row-major, R G B per pixel) of an encoded 3-plane image in [0, 1], rounded.
std::vector<std::uint8_t> to_rgb8(const PlanarImage<float>& rgb);
/// Interleaved 16-bit RGB of an encoded 3-plane image in [0, 1], rounded to 0..65535.
std::vector<std::uint16_t> to_rgb16(const PlanarImage<float>& rgb);
/// Planar float RGB in [0, 1] from interleaved 8-bit RGB of height × width pixels. Throws
/// ConfigError (field "size") when the sample count does not match.
PlanarImage<float> from_rgb8(const std::vector<std::uint8_t>& rgb, std::ptrdiff_t height, std::ptrdiff_t width);

/// Writes an encoded 3-plane RGB image by extension, atomically: .png (8 or 16 bits, with the
/// sRGB chunk) or .tif/.tiff (16 bits). Throws ConfigError (field "channels") for another plane
/// count and (field "output") for other extensions or bit depths; IoError on failure.
void save_rgb(const std::filesystem::path& path, const PlanarImage<float>& rgb, int bits = 8);

}  // namespace n2n::io
