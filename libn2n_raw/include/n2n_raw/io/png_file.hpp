// SPDX-License-Identifier: MIT
// PNG files, through libpng's classic API only: reading a 16-bit grayscale mosaic or any PNG as
// 8-bit RGB, and the one PNG encoder (grey or RGB, 8 or 16 bits), written atomically.
#pragma once

#include "n2n_raw/image.hpp"
#include "n2n_raw/io/mosaic_spec.hpp"
#include "n2n_raw/io/raw_frame.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace n2n::io {

/// Interleaved RGB pixels, row-major, top row first.
template <class T>
struct InterleavedRgb {
    std::ptrdiff_t height = 0;
    std::ptrdiff_t width = 0;
    std::vector<T> samples;  ///< height · width · 3
};

/// Reads a 16-bit single-channel (grayscale) PNG mosaic, row 0 at the top. 8-bit, colour,
/// palette or alpha PNGs are rejected with FormatError (field "bit depth" / "color type"):
/// a mosaic must never be silently rescaled or converted.
RawFrame read_png_mosaic(const std::filesystem::path& path, const MosaicSpec& spec);

/// Reads any PNG as 8-bit RGB (palette expanded, grey replicated, alpha dropped, 16-bit samples
/// rounded to 8). Throws IoError when unreadable and FormatError when not a valid PNG.
InterleavedRgb<std::uint8_t> read_png_rgb8(const std::filesystem::path& path);

/// Samples ready for a PNG file: rows top first, channels interleaved, 16-bit samples as two
/// big-endian bytes (PNG's byte order).
struct PngBytes {
    std::ptrdiff_t height = 0;
    std::ptrdiff_t width = 0;
    int channels = 1;   ///< 1 (grey) or 3 (RGB)
    int bit_depth = 8;  ///< 8 or 16
    bool srgb = false;  ///< add the sRGB chunk (display-encoded colour)
    std::vector<std::uint8_t> bytes;
};

/// The one PNG encoder of the project, written atomically and tuned for speed on 12 MP frames
/// (one row filter, fast zlib level: libpng's defaults take seconds). Throws ConfigError (field
/// "size") when the byte count does not match, IoError on failure.
void write_png(const std::filesystem::path& path, const PngBytes& image);

/// Writes interleaved 8-bit RGB (`rgb` holds height·width·3 samples, top row first) atomically.
/// `srgb` adds the sRGB chunk (rendered, display-encoded images). Throws ConfigError (field
/// "size") when the sample count does not match, IoError on failure.
void write_png_rgb8(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                    const std::vector<std::uint8_t>& rgb, bool srgb = false);

/// Same with 16-bit samples.
void write_png_rgb16(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                     const std::vector<std::uint16_t>& rgb, bool srgb = false);

/// Writes a 16-bit grayscale PNG (a mosaic in DN) atomically. Throws IoError on failure.
void write_png_gray16(const std::filesystem::path& path, ImageView<const std::uint16_t> image);

}  // namespace n2n::io
