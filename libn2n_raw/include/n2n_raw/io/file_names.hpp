// SPDX-License-Identifier: MIT
// What a file's name says about it: the one place extensions are compared, case-insensitively.
#pragma once

#include <filesystem>
#include <string>

namespace n2n::io {

/// The extension of `path` with its dot, lowercased: "IMG_1.CR2" -> ".cr2", "a" -> "".
std::string lowercase_extension(const std::filesystem::path& path);
/// The file name of `path`, lowercased: "0001_NOISY_RAW_010.MAT" -> "0001_noisy_raw_010.mat".
std::string lowercase_filename(const std::filesystem::path& path);

}  // namespace n2n::io
