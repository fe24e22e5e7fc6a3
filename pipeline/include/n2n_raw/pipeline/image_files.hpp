// SPDX-License-Identifier: MIT
// RGB image files the ISP writes and the tests read: 8/16-bit PNG writing tuned for speed on
// 12 MP frames (one row filter, fast zlib level, sRGB chunk), and PNG reading.
// (16-bit TIFF is dng::write_tiff_rgb16.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace n2n::pipeline {

/// Interleaved RGB pixels, row-major, top row first.
template <class T>
struct InterleavedRgb {
    std::ptrdiff_t height = 0;
    std::ptrdiff_t width = 0;
    std::vector<T> samples;  ///< height · width · 3
};

/// Writes a 16-bit / 8-bit RGB PNG (sRGB-encoded samples) atomically (temp file + rename).
/// Throws IoError on failure, ConfigError (field "size") when the sample count does not match.
void write_png_rgb16(const std::filesystem::path& path, const InterleavedRgb<std::uint16_t>& image);
void write_png_rgb8(const std::filesystem::path& path, const InterleavedRgb<std::uint8_t>& image);

/// Reads any PNG as 8-bit RGB (grey is replicated, alpha dropped, 16-bit rounded). Throws
/// IoError when unreadable and FormatError when not a PNG.
InterleavedRgb<std::uint8_t> read_png_rgb8(const std::filesystem::path& path);

}  // namespace n2n::pipeline
