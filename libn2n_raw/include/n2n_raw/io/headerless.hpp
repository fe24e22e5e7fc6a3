// SPDX-License-Identifier: MIT
// Headerless uint16 mosaic dumps: the user states the geometry, byte order and levels.
#pragma once

#include "n2n_raw/io/mosaic_spec.hpp"
#include "n2n_raw/io/raw_frame.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace n2n::io {

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

}  // namespace n2n::io
