// SPDX-License-Identifier: MIT
// Writing MATLAB v7.3 MAT files the way MATLAB's `save -v7.3` does: a 512-byte user block with
// MATLAB's text header, then HDF5 whose datasets carry MATLAB_class attributes. MATLAB stores
// arrays column-major and HDF5 describes them row-major, so a MATLAB R × C array is an HDF5
// [C][R] dataset; the functions here take row-major images and do that transpose. Every v7.3
// file n2n_raw reads or writes goes through io/mat_v73.cpp (HDF5's C API).
#pragma once

#include "n2n_raw/image.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace n2n::io {

/// An open v7.3 file being written. Create it on a temporary path (write_file_atomically),
/// add variables, then close(). Every failure throws IoError naming `label` and the variable.
class MatV73Writer {
public:
    /// Creates (truncates) `path` with MATLAB's 512-byte user block. `label` is the file name
    /// errors report (the final target, not the temporary file).
    MatV73Writer(const std::filesystem::path& path, std::string label);
    ~MatV73Writer();
    MatV73Writer(const MatV73Writer&) = delete;
    MatV73Writer& operator=(const MatV73Writer&) = delete;

    /// `name` = a single-precision height × width matrix (MATLAB rows = image rows).
    void write_single(const std::string& name, ImageView<const float> matrix);

    /// `name` = a 1 × 1 double.
    void write_double_scalar(const std::string& name, double value);

    /// `name` = a rows × cols cell array whose cell (i, j) is the single matrix `cell(i, j)`;
    /// the cells are datasets under `#refs#`, referenced as MATLAB does.
    void write_single_cell(const std::string& name, std::ptrdiff_t rows, std::ptrdiff_t cols,
                           const std::function<ImageView<const float>(std::ptrdiff_t, std::ptrdiff_t)>& cell);

    /// `name` = a 1 × 1 struct of char fields (UTF-8 in, MATLAB's UTF-16 stored), in this order.
    void write_char_struct(const std::string& name, const std::vector<std::pair<std::string, std::string>>& fields);

    /// Flushes and closes the HDF5 file, then writes MATLAB's header into the user block.
    void close();

private:
    std::filesystem::path path_;
    std::string label_;
    std::int64_t file_ = -1;  ///< hid_t of the open file; -1 once closed
    std::size_t refs_ = 0;    ///< datasets written under #refs# so far
};

}  // namespace n2n::io
