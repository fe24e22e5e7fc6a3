// SPDX-License-Identifier: MIT
// Writing a Bayer mosaic as a DNG (1.4) that LibRaw, dcraw and raw developers open: IFD 0 with
// the uncompressed 16-bit CFA image and the colour and noise metadata of io::RawMetadata, and an
// EXIF IFD with the capture settings.
#pragma once

#include "n2n_raw/image.hpp"
#include "n2n_raw/io/raw_frame.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace n2n::dng {

struct DngOptions {
    /// DNG NoiseReductionApplied: 0 = none, 1 = full; absent = not written (unknown).
    std::optional<double> noise_reduction_applied;
    /// UniqueCameraModel; empty: RawMetadata::camera, or "n2n_raw" when that is empty too.
    std::string unique_camera_model;
    std::string software = "n2n_raw";
};

/// The DNG file bytes of `mosaic` (sensor DN, row 0 = top as read out, pixel (0, 0) of CFA phase
/// meta.phase). Written: CFARepeatPatternDim/CFAPattern, BlackLevelRepeatDim 2×2 + BlackLevel
/// (meta.levels.black), WhiteLevel, AsShotNeutral, ColorMatrix1/2 and CalibrationIlluminant1/2
/// when known, Orientation, UniqueCameraModel, DNGVersion 1.4, NoiseReductionApplied when set,
/// NoiseProfile (51041) when meta.noise_profile is not empty, and the capture EXIF (ISO,
/// exposure time, f-number, focal length, DateTimeOriginal) both in an EXIF IFD (34665, where
/// dcraw and LibRaw read them) and in IFD 0 (TIFF/EP). `name` only labels error messages.
/// Throws ConfigError for levels outside 0..65535, an empty mosaic or a malformed noise profile
/// (field "NoiseProfile"), IoError with libtiff's message when encoding fails.
std::vector<std::uint8_t> encode_dng(ImageView<const std::uint16_t> mosaic, const io::RawMetadata& meta,
                                     const DngOptions& options = {}, const std::string& name = "DNG");

/// encode_dng written to `path` atomically (temp file in the same folder, then rename).
void write_dng(const std::filesystem::path& path, ImageView<const std::uint16_t> mosaic, const io::RawMetadata& meta,
               const DngOptions& options = {});

/// A RawFrame as DNG. Frames in sensor DN (white level above 1) are rounded to integers as they
/// are; frames with unit levels (SIDD's normalised [0, 1] data) are scaled to 16 bits, levels
/// included. Values are clamped to 0..65535.
void write_dng(const std::filesystem::path& path, const io::RawFrame& frame, const DngOptions& options = {});

}  // namespace n2n::dng
