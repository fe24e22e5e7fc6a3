// SPDX-License-Identifier: MIT
// Mosaics in plain containers that carry no capture metadata: headerless uint16 dumps and 16-bit
// grayscale PNGs. The user states what the file cannot (CFA phase, bit depth, levels).
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/io/raw_frame.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace n2n::io {

/// What the caller knows about a mosaic whose file does not say it.
struct MosaicSpec {
    bayer::BayerPhase phase = bayer::BayerPhase::RGGB;  ///< CFA phase of pixel (0, 0)
    int bits = 16;                                      ///< meaningful bits per sample, 1..16
    float black = 0.F;                                  ///< black level in DN (all four CFA positions)
    std::optional<float> white;                         ///< white level in DN; default 2^bits − 1

    /// The levels this spec implies. Throws ConfigError (field "bits" / "white level") when invalid.
    bayer::Levels levels() const;
};

enum class Endian : std::uint8_t { Little, Big };

/// Geometry and layout of a headerless raw dump: height rows of width uint16 samples, no padding.
struct HeaderlessSpec {
    std::ptrdiff_t width = 0;   ///< pixels per row
    std::ptrdiff_t height = 0;  ///< rows
    Endian endian = Endian::Little;
    MosaicSpec mosaic;
};

/// Reads a headerless uint16 mosaic; DN are returned as float (RawFrame's sensor units).
/// The file size must be exactly 2·width·height bytes: FormatError (field "size") otherwise;
/// IoError when it cannot be read; ConfigError for a non-positive width or height.
RawFrame read_headerless(const std::filesystem::path& path, const HeaderlessSpec& spec);

/// Reads a 16-bit single-channel (grayscale) PNG mosaic, row 0 at the top. 8-bit, colour,
/// palette or alpha PNGs are rejected with FormatError (field "bit depth" / "color type"):
/// a mosaic must never be silently rescaled or converted.
RawFrame read_png_mosaic(const std::filesystem::path& path, const MosaicSpec& spec);

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

/// Writes an 8-bit RGB PNG (interleaved rows, top first) atomically (temp file + rename).
/// `rgb` holds height·width·3 bytes. Throws IoError on failure.
void write_png_rgb8(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                    const std::vector<std::uint8_t>& rgb);

/// Writes a 16-bit grayscale PNG (a mosaic in DN) atomically. Throws IoError on failure.
void write_png_gray16(const std::filesystem::path& path, ImageView<const std::uint16_t> image);

}  // namespace n2n::io
