// SPDX-License-Identifier: MIT
// Checks a SIDD Medium Raw tree against what SIDD holds (io/sidd_scenes.hpp, checked against
// data_manifests/sidd_raw.json): scene folder names that parse, the six files of each folder,
// NOISY/GT frames as MAT v7.3 single or double 2-D `x` read in full (so truncation shows), the
// frame pairs of one capture of the same shape (and the phone's known shape), METADATA files
// readable with their CFAPattern and WhiteLevel.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace n2n::io {

/// One thing wrong in the tree.
struct SiddProblem {
    enum class Kind { Missing, Extra, FolderName, Unreadable, Type, Shape, Duplicate, Count };
    Kind kind = Kind::Unreadable;
    std::string path;    ///< the file or folder at fault (the root for Count)
    std::string field;   ///< what in it: "x", "CFA", "WhiteLevel", "folder name", "file" ...
    std::string detail;  ///< what is wrong, in words
};

/// "missing", "extra", "folder name", "unreadable", "type", "shape", "duplicate", "count".
const char* to_string(SiddProblem::Kind kind);

struct SiddVerifyOptions {
    bool complete = false;  ///< also require all 160 scene instances
};

struct SiddVerifyReport {
    std::filesystem::path root;  ///< the folder holding the scene folders
    std::size_t scenes = 0;      ///< scene folders whose name parsed
    std::size_t files = 0;       ///< expected files found and checked
    std::vector<SiddProblem> problems;
    bool ok() const { return problems.empty(); }
};

/// Verifies the SIDD Medium tree at `root`: its scene folders, or those of `root`/Data (SIDD's
/// archive layout). Problems are collected, never thrown; files at the top level are ignored.
/// Throws IoError when `root` is not a readable folder.
SiddVerifyReport verify_sidd_medium(const std::filesystem::path& root, const SiddVerifyOptions& options = {});

}  // namespace n2n::io
