// SPDX-License-Identifier: MIT
// One entry point for every supported mosaic file.
#pragma once

#include "n2n_raw/io/camera_raw.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <filesystem>
#include <optional>

namespace n2n::io {

struct ReadOptions {
    std::optional<HeaderlessSpec> headerless;  ///< set: files without PNG/MAT magic are headerless dumps
    std::optional<MosaicSpec> png;             ///< required for PNG mosaics (the phase is not in the file)
    CameraRawOptions camera;
    SiddFrameOptions sidd;
};

/// The kinds of file read_any tells apart.
enum class FileKind : std::uint8_t { Headerless, Png, MatV5, MatV73, CameraRaw };

/// Decides by magic bytes first (PNG signature, "MATLAB 5.0"/"MATLAB 7.3" header); any other
/// file is a headerless dump when options.headerless is set, else left to LibRaw.
/// Throws IoError when the file cannot be opened.
FileKind detect_file_kind(const std::filesystem::path& path, const ReadOptions& options = {});

/// Reads any supported mosaic: headerless dump, 16-bit PNG, SIDD MAT frame (v5 or v7.3) or
/// camera RAW. Throws ConfigError when the file needs information the options lack (headerless
/// geometry, PNG phase), else the reader's own errors.
RawFrame read_any(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace n2n::io
