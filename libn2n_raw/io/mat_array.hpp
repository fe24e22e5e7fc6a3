// SPDX-License-Identifier: MIT
// Internal to io/: numeric MATLAB arrays read from MAT v5 (matio, mat_v5.cpp) or v7.3 (HDF5,
// mat_v73.cpp) files, in one common form. Not installed.
#pragma once

#include "n2n_raw/io/mat_info.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace n2n::io::detail {

enum class MatVersion { V5, V73, Unknown };

/// Arrays larger than this many elements are refused before allocating: a damaged header must
/// not make us ask for terabytes (SIDD's largest array has 2^26.3 elements).
inline constexpr std::size_t kMaxElements = std::size_t{1} << 31;

/// The MAT version from the 128-byte header (and the HDF5 signature at 512 for v7.3).
/// Throws IoError when the file cannot be read.
MatVersion mat_version(const std::filesystem::path& path);

/// A real numeric MATLAB array: `dims` in MATLAB order (rows first), `data` converted to float in
/// MATLAB's column-major order (element (i0, i1, ...) at i0 + d0·(i1 + d1·(...))).
struct MatArray {
    std::string name;
    std::vector<std::size_t> dims;
    MatClass stored_class = MatClass::Other;
    bool floating = false;  ///< single or double in the file
    std::vector<float> data;

    std::size_t numel() const;
};

/// Reads variable `name`, or with an empty name the file's only numeric variable of rank
/// `rank`. Throws FormatError (field = variable name) when it is missing, complex, sparse,
/// non-numeric or empty; IoError when the file cannot be opened.
MatArray read_mat_v5_array(const std::filesystem::path& path, const std::string& name, std::size_t rank);
MatArray read_mat_v73_array(const std::filesystem::path& path, const std::string& name, std::size_t rank);
MatArray read_mat_array(const std::filesystem::path& path, const std::string& name, std::size_t rank);

/// The top-level variables of a v5 / v7.3 file (io::read_mat_info's halves).
std::vector<MatVariableInfo> list_mat_v5_variables(const std::filesystem::path& path);
std::vector<MatVariableInfo> list_mat_v73_variables(const std::filesystem::path& path);

/// Throws FormatError (field `name`) on the first NaN or Inf in `data`.
void require_finite(const std::string& file, const MatArray& array);

}  // namespace n2n::io::detail
