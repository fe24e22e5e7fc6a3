// SPDX-License-Identifier: MIT
// The SIDD dataset's MATLAB files: per-frame metadata (MAT v5), NOISY/GT frames (MAT v7.3 =
// HDF5), Validation/Benchmark block files and the Benchmark block positions.
//
// All arrays are returned in MATLAB orientation: row = first MATLAB index = image height.
#pragma once

#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/io/raw_frame.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace n2n::io {

/// Reads a `<inst>_METADATA_RAW_<nnn>.MAT` file (MAT v5, struct `metadata` made by imfinfo of
/// the original DNG). The phase comes from CFAPattern (UnknownTags ID 33422, 0 = R, 1 = G,
/// 2 = B); levels from BlackLevel (with BlackLevelRepeatDim) and WhiteLevel, in DN of the DNG.
/// Throws FormatError naming the field when a required one (CFAPattern, WhiteLevel) is missing
/// or malformed.
RawMetadata read_sidd_metadata(const std::filesystem::path& path);

struct SiddFrameOptions {
    /// METADATA file to take the phase and capture metadata from. Empty: the sibling
    /// `<inst>_METADATA_RAW_<nnn>.MAT` if it exists, else the phone code of the folder name.
    std::filesystem::path metadata;
};

/// Reads a NOISY or GT frame (MAT v7.3/HDF5 dataset `x`, or a MAT v5 variable `x`), returning
/// the mosaic in MATLAB orientation with unit levels (SIDD frames are already in [0, 1]).
/// Throws FormatError naming "x" for a missing dataset, a rank other than 2, an empty or
/// non-floating array or a NaN/Inf sample, and naming "CFA" when no phase can be found.
RawFrame read_sidd_frame(const std::filesystem::path& path, const SiddFrameOptions& options = {});

/// Writes a mosaic in [0, 1] as SIDD stores its NOISY/GT frames: MAT v7.3 (HDF5) with one single
/// precision matrix `x` in MATLAB orientation (rows = image height), so that read_sidd_frame and
/// SIDD's own tools read it back. Written atomically. Throws ConfigError for an empty mosaic,
/// IoError when matio cannot write the file.
void write_sidd_frame(const std::filesystem::path& path, ImageView<const float> mosaic);

/// Element type a MAT array was stored with (the submission writer answers in the same type).
enum class MatClass : std::uint8_t { Single, Double, UInt8, UInt16, Other };

/// SIDD block file contents: images × blocks × height × width samples, row-major in that
/// order, each block in MATLAB orientation. Values are the stored values converted to float.
struct SiddBlocks {
    std::ptrdiff_t images = 0;
    std::ptrdiff_t blocks = 0;
    std::ptrdiff_t height = 0;
    std::ptrdiff_t width = 0;
    MatClass stored_class = MatClass::Single;
    std::vector<float> data;

    /// Block b of image i (0-based), height × width, stride = width elements.
    ImageView<const float> block(std::ptrdiff_t i, std::ptrdiff_t b) const;
    ImageView<float> block(std::ptrdiff_t i, std::ptrdiff_t b);
};

/// Reads a Validation/Benchmark block file (MAT v5 or v7.3), variable `variable`
/// (e.g. "ValidationNoisyBlocksRaw"); empty `variable`: the file's only 4-D numeric variable.
/// Accepts any N × B × H × W. Throws FormatError naming the variable for a missing, non-4-D,
/// empty, non-numeric or NaN/Inf-holding array.
SiddBlocks read_sidd_blocks(const std::filesystem::path& path, const std::string& variable = {});

/// Reads `BenchmarkBlocks32.mat` (variable BenchmarkBlocks32 or the file's only numeric
/// matrix): K × 4 rows [row col height width], 1-based in the file, returned 0-based.
/// Throws FormatError for another shape, non-integral or non-positive values.
std::vector<bayer::Rect> read_benchmark_block_positions(const std::filesystem::path& path);

}  // namespace n2n::io
