// SPDX-License-Identifier: MIT
#include "mat_array.hpp"

#include "n2n_raw/error.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>

namespace n2n::io::detail {

MatVersion mat_version(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string(), "open", std::strerror(errno));
    char header[128] = {};
    in.read(header, 128);
    if (in.gcount() != 128 || std::memcmp(header, "MATLAB", 6) != 0) return MatVersion::Unknown;
    // Bytes 124..125 hold the version: 0x0100 for v5, 0x0200 for v7.3 (either byte order).
    const unsigned v = static_cast<unsigned char>(header[124]) | (static_cast<unsigned char>(header[125]) << 8);
    if (v == 0x0200 || v == 0x0002) {
        char sig[8] = {};
        in.seekg(512);
        in.read(sig, 8);
        return (in.gcount() == 8 && std::memcmp(sig, "\x89HDF\r\n\x1a\n", 8) == 0) ? MatVersion::V73
                                                                                   : MatVersion::Unknown;
    }
    return (v == 0x0100 || v == 0x0001) ? MatVersion::V5 : MatVersion::Unknown;
}

std::size_t MatArray::numel() const {
    std::size_t n = 1;
    for (auto d : dims) {
        if (d != 0 && n > SIZE_MAX / d) return SIZE_MAX;
        n *= d;
    }
    return n;
}

void require_finite(const std::string& file, const MatArray& array) {
    for (std::size_t k = 0; k < array.data.size(); ++k)
        if (!std::isfinite(array.data[k])) {
            // MATLAB's 1-based subscripts of the column-major index.
            std::vector<std::size_t> sub;
            std::size_t rest = k;
            for (const auto d : array.dims) {
                sub.push_back(rest % d + 1);
                rest /= d;
            }
            throw FormatError(file, array.name, fmt::format("element ({}) is {}", fmt::join(sub, ", "), array.data[k]));
        }
}

MatArray read_mat_array(const std::filesystem::path& path, const std::string& name, std::size_t rank) {
    switch (mat_version(path)) {
    case MatVersion::V5:
        return read_mat_v5_array(path, name, rank);
    case MatVersion::V73:
        return read_mat_v73_array(path, name, rank);
    default:
        throw FormatError(path.string(), "header", "not a MATLAB v5 or v7.3 MAT file");
    }
}

}  // namespace n2n::io::detail

namespace n2n::io {

MatFileInfo read_mat_info(const std::filesystem::path& path) {
    switch (detail::mat_version(path)) {
    case detail::MatVersion::V5:
        return {"v5", detail::list_mat_v5_variables(path)};
    case detail::MatVersion::V73:
        return {"v7.3", detail::list_mat_v73_variables(path)};
    default:
        throw FormatError(path.string(), "header", "not a MATLAB v5 or v7.3 MAT file");
    }
}

}  // namespace n2n::io
