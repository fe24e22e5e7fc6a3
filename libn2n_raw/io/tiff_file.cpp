// SPDX-License-Identifier: MIT
#include "n2n_raw/io/tiff_file.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/tiff_memory.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <ostream>

namespace n2n::io {

void write_tiff_rgb16(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                      const std::vector<std::uint16_t>& rgb) {
    if (height <= 0 || width <= 0 || static_cast<std::ptrdiff_t>(rgb.size()) != height * width * 3)
        throw ConfigError(path.string(), "size", fmt::format("{} samples for a {}x{} RGB image", rgb.size(), width, height));
    detail::MemoryTiff tiff(path.string());
    TIFF* t = tiff.get();
    tiff.check(TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(width)) == 1, "ImageWidth");
    tiff.check(TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(height)) == 1, "ImageLength");
    tiff.check(TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16) == 1, "BitsPerSample");
    tiff.check(TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3) == 1, "SamplesPerPixel");
    tiff.check(TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE) == 1, "Compression");
    tiff.check(TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB) == 1, "PhotometricInterpretation");
    tiff.check(TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == 1, "PlanarConfiguration");
    tiff.check(TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(std::max<std::ptrdiff_t>(1, (1 << 20) / (6 * width)))) == 1,
               "RowsPerStrip");
    std::vector<std::uint16_t> row(static_cast<std::size_t>(width) * 3);
    for (std::ptrdiff_t r = 0; r < height; ++r) {
        std::copy(rgb.begin() + r * width * 3, rgb.begin() + (r + 1) * width * 3, row.begin());
        tiff.check(TIFFWriteScanline(t, row.data(), static_cast<std::uint32_t>(r), 0) == 1, "ImageData");
    }
    tiff.check(TIFFWriteDirectory(t) == 1, "IFD0");
    const auto bytes = tiff.finish();
    write_atomically(path, [&](std::ostream& out) {
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    });
}

}  // namespace n2n::io
