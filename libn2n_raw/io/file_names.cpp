// SPDX-License-Identifier: MIT
#include "n2n_raw/io/file_names.hpp"

#include <algorithm>
#include <cctype>

namespace n2n::io {

namespace {
std::string lowercase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return s;
}
}  // namespace

std::string lowercase_extension(const std::filesystem::path& path) { return lowercase(path.extension().string()); }

std::string lowercase_filename(const std::filesystem::path& path) { return lowercase(path.filename().string()); }

}  // namespace n2n::io
