// SPDX-License-Identifier: MIT
// What a MATLAB MAT file (v5 or v7.3) holds, without reading its data: the variables' names,
// dimensions and classes, as `whos` lists them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace n2n::io {

struct MatVariableInfo {
    std::string name;
    std::vector<std::size_t> dims;  ///< MATLAB order: rows first
    std::string matlab_class;       ///< "single", "double", "uint16", "struct", "cell", "char", ...
};

struct MatFileInfo {
    std::string version;  ///< "v5" or "v7.3"
    std::vector<MatVariableInfo> variables;
};

/// Lists the top-level variables of a MAT file (v7.3: the HDF5 root's datasets and groups, not
/// MATLAB's internal `#refs#`). Throws IoError when the file cannot be opened, FormatError
/// (field "header", or "HDF5" for a damaged v7.3 file) when it is not a readable MAT file.
MatFileInfo read_mat_info(const std::filesystem::path& path);

}  // namespace n2n::io
