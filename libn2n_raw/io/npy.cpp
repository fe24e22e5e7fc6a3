// SPDX-License-Identifier: MIT
#include "n2n_raw/io/npy.hpp"

#include "n2n_raw/io/atomic_file.hpp"

#include "n2n_raw/error.hpp"

#include <bit>
#include <cstring>
#include <fmt/format.h>
#include <fstream>

namespace n2n::io {

void write_npy(const std::filesystem::path& path, const PlanarImage<float>& planes) {
    static_assert(std::endian::native == std::endian::little, "the .npy writer assumes a little-endian host");
    std::string header = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}, {}), }}",
                                     planes.channels(), planes.height(), planes.width());
    // NPY 1.0: magic (6) + version (2) + header length (2) + header, padded with spaces and
    // ended by '\n' so the data starts at a multiple of 64 bytes.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');
    write_atomically(path, [&](std::ostream& out) {
        const char magic[8] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0};
        out.write(magic, 8);
        const auto len = static_cast<std::uint16_t>(header.size());
        const char len_bytes[2] = {static_cast<char>(len & 0xFF), static_cast<char>(len >> 8)};
        out.write(len_bytes, 2);
        out.write(header.data(), static_cast<std::streamsize>(header.size()));
        out.write(reinterpret_cast<const char*>(planes.data()),
                  static_cast<std::streamsize>(planes.pixels().size() * sizeof(float)));
    });
}

}  // namespace n2n::io
