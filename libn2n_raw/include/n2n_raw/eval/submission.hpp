// SPDX-License-Identifier: MIT
// SIDD Benchmark submission files: what SIDD's MATLAB kit saves (SubmitRaw.mat, MAT v7.3), the
// 4-D float32 array the Python kits save (MAT v5), and the Kaggle CSV. All files are written
// atomically (temporary file in the same folder, then renamed).
#pragma once

#include "n2n_raw/io/sidd.hpp"

#include <filesystem>
#include <string>

namespace n2n::eval {

/// The `OptionalData` struct of the MATLAB kit (free text, may be empty).
struct SubmissionInfo {
    std::string method_name;
    std::string authors;
    std::string paper_title;
    std::string venue;
    std::string machine_specs;
};

/// TimeMPRaw as SIDD defines it: seconds of denoising per megapixel, a megapixel being 1024²
/// samples, for `seconds` spent on all of `blocks`' images × blocks × height × width samples.
double seconds_per_megapixel(double seconds, const io::SiddBlocks& blocks);

/// SubmitRaw.mat as `save(..., '-v7.3')` in SIDD's MATLAB kit writes it: a 512-byte MATLAB
/// header then HDF5 with `DenoisedBlocksRaw` (images × blocks cell of single height × width,
/// each cell a reference into `#refs#`), `TimeMPRaw` (double scalar) and `OptionalData` (struct
/// of char fields MethodName, Authors, PaperTitle, Venue, MachineSpecs). Arrays are stored
/// column-major as MATLAB does (a MATLAB R × C array is an HDF5 [C][R] dataset), so MATLAB sees
/// block (row, col) exactly as `denoised.block(i, b)(row, col)`. Throws IoError on failure.
void write_submission_mat_v73(const std::filesystem::path& path, const io::SiddBlocks& denoised,
                              double time_mp_raw, const SubmissionInfo& info);

/// The Python kits' variant: MAT v5 with `DenoisedBlocksRaw` an images × blocks × height × width
/// single array (MATLAB indexing) and `TimeMPRaw` a double scalar. Throws IoError on failure.
void write_submission_mat_v5(const std::filesystem::path& path, const io::SiddBlocks& denoised, double time_mp_raw);

/// The Kaggle CSV: header `ID,BLOCK`, one row per block, ID = image · blocks + block (0-based,
/// image-major), BLOCK = base64 of the block's bytes in the input's element type
/// (`denoised.stored_class`: single → float32, double → float64, uint8/uint16 rounded and
/// clamped), little-endian, row-major height × width. Throws IoError on failure.
void write_submission_csv(const std::filesystem::path& path, const io::SiddBlocks& denoised);

/// Standard base64 (RFC 4648, with '=' padding) of `size` bytes.
std::string base64_encode(const void* data, std::size_t size);

}  // namespace n2n::eval
