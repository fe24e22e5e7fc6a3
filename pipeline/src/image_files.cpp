// SPDX-License-Identifier: MIT
// Encoding goes through io::write_png (the one PNG encoder); reading uses libpng's simplified API.
#include "n2n_raw/pipeline/image_files.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/mosaic_files.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <ostream>
#include <png.h>

namespace n2n::pipeline {

namespace {
template <class T>
void write_png_rgb(const std::filesystem::path& path, const InterleavedRgb<T>& image) {
    if (image.height <= 0 || image.width <= 0 ||
        static_cast<std::ptrdiff_t>(image.samples.size()) != image.height * image.width * 3)
        throw ConfigError(path.string(), "size",
                          fmt::format("{} samples for a {}x{} RGB image", image.samples.size(), image.width, image.height));
    // PNG stores 16-bit samples big-endian.
    io::PngBytes png{image.height, image.width, 3, 8 * static_cast<int>(sizeof(T)), /*srgb=*/true, {}};
    auto& bytes = png.bytes;
    bytes.resize(image.samples.size() * sizeof(T));
    for (std::size_t k = 0; k < image.samples.size(); ++k) {
        if constexpr (sizeof(T) == 2) {
            bytes[2 * k] = static_cast<png_byte>(image.samples[k] >> 8);
            bytes[2 * k + 1] = static_cast<png_byte>(image.samples[k] & 0xFF);
        } else {
            bytes[k] = image.samples[k];
        }
    }
    io::write_png(path, png);
}
}  // namespace

void write_png_rgb16(const std::filesystem::path& path, const InterleavedRgb<std::uint16_t>& image) {
    write_png_rgb(path, image);
}
void write_png_rgb8(const std::filesystem::path& path, const InterleavedRgb<std::uint8_t>& image) {
    write_png_rgb(path, image);
}

InterleavedRgb<std::uint8_t> read_png_rgb8(const std::filesystem::path& path) {
    // libpng's simplified API converts any PNG to 8-bit RGB and reports errors without longjmp.
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!std::filesystem::exists(path)) throw IoError(path.string(), "open", "no such file");
    if (!png_image_begin_read_from_file(&image, path.string().c_str()))
        throw FormatError(path.string(), "png", image.message);
    image.format = PNG_FORMAT_RGB;
    InterleavedRgb<std::uint8_t> out{image.height, image.width, {}};
    out.samples.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, out.samples.data(), 0, nullptr)) {
        const std::string message = image.message;
        png_image_free(&image);
        throw FormatError(path.string(), "png", message);
    }
    return out;
}

}  // namespace n2n::pipeline
