// SPDX-License-Identifier: MIT
#include "n2n_raw/io/headerless.hpp"

#include "n2n_raw/error.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <limits>

namespace n2n::io {

RawFrame read_headerless(const std::filesystem::path& path, const HeaderlessSpec& spec) {
    const std::string file = path.string();
    if (spec.width <= 0 || spec.height <= 0)
        throw ConfigError(file, "size",
                          fmt::format("width {} and height {} must be positive", spec.width, spec.height));
    RawFrame frame;
    frame.meta.source = file;
    frame.meta.phase = spec.mosaic.phase;
    frame.meta.levels = spec.mosaic.levels();
    frame.meta.bits_per_sample = spec.mosaic.bits;

    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw IoError(file, "open", ec.message());
    // A stated geometry whose byte count overflows must not wrap around to the file's size.
    const auto width = static_cast<std::uintmax_t>(spec.width), height = static_cast<std::uintmax_t>(spec.height);
    if (width > std::numeric_limits<std::uintmax_t>::max() / 2U / height)
        throw FormatError(file, "size",
                          fmt::format("{} bytes, but {}x{} uint16 samples need more bytes than any file holds", size,
                                      spec.width, spec.height));
    const auto expected = width * height * 2U;
    if (size != expected)
        throw FormatError(file, "size",
                          fmt::format("{} bytes, but {}x{} uint16 samples need exactly {} bytes", size, spec.width,
                                      spec.height, expected));

    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(file, "open", std::strerror(errno));
    std::vector<unsigned char> bytes(static_cast<std::size_t>(expected));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (in.gcount() != static_cast<std::streamsize>(bytes.size()))
        throw IoError(file, "read", fmt::format("short read: {} of {} bytes", in.gcount(), bytes.size()));

    frame.mosaic = Image<float>(spec.height, spec.width);
    // Explicit byte order: the result is the same on any host.
    const int hi = spec.endian == Endian::Little ? 1 : 0;
    const int lo = 1 - hi;
    float* dst = frame.mosaic.data();
    for (std::size_t k = 0; k < frame.mosaic.pixels().size(); ++k)
        dst[k] = static_cast<float>((bytes[2 * k + hi] << 8) | bytes[2 * k + lo]);
    return frame;
}

}  // namespace n2n::io
