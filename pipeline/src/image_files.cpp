// SPDX-License-Identifier: MIT
// libpng reports errors by longjmp: encode_rows keeps only trivially destructible locals between
// setjmp and the libpng calls, copies the message out, and the caller throws after it returns.
#include "n2n_raw/pipeline/image_files.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/npy.hpp"

#include <csetjmp>
#include <cstdio>
#include <fmt/format.h>
#include <ostream>
#include <png.h>

namespace n2n::pipeline {
namespace {

struct PngError {
    char message[256] = {};
};

[[noreturn]] void on_error(png_structp png, png_const_charp msg) {
    auto* state = static_cast<PngError*>(png_get_error_ptr(png));
    std::snprintf(state->message, sizeof state->message, "%s", msg);
    png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}
void on_write(png_structp png, png_bytep data, png_size_t n) {
    static_cast<std::ostream*>(png_get_io_ptr(png))->write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n));
}
void on_flush(png_structp png) { static_cast<std::ostream*>(png_get_io_ptr(png))->flush(); }

bool encode_rows(std::ostream& out, PngError& state, png_uint_32 width, png_uint_32 height, int bit_depth,
                 png_bytep* rows) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (!png) {
        std::snprintf(state.message, sizeof state.message, "out of memory");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : nullptr);
        return false;
    }
    png_set_write_fn(png, &out, on_write, on_flush);
    png_set_IHDR(png, info, width, height, bit_depth, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    // The samples are sRGB-encoded: say so, so no viewer treats 16-bit data as linear.
    png_set_sRGB_gAMA_and_cHRM(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    // Speed over size: libpng's default (all five filters tried per row, zlib level 6) takes
    // seconds on a 12 MP frame; one filter and a fast zlib level cost ~10 % in size.
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level(png, 2);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

}  // namespace

namespace {
template <class T>
void write_png_rgb(const std::filesystem::path& path, const InterleavedRgb<T>& image) {
    if (image.height <= 0 || image.width <= 0 ||
        static_cast<std::ptrdiff_t>(image.samples.size()) != image.height * image.width * 3)
        throw ConfigError(path.string(), "size",
                          fmt::format("{} samples for a {}x{} RGB image", image.samples.size(), image.width, image.height));
    // PNG stores 16-bit samples big-endian.
    const auto rowbytes = static_cast<std::size_t>(image.width) * 3 * sizeof(T);
    std::vector<png_byte> bytes(rowbytes * static_cast<std::size_t>(image.height));
    for (std::size_t k = 0; k < image.samples.size(); ++k) {
        if constexpr (sizeof(T) == 2) {
            bytes[2 * k] = static_cast<png_byte>(image.samples[k] >> 8);
            bytes[2 * k + 1] = static_cast<png_byte>(image.samples[k] & 0xFF);
        } else {
            bytes[k] = image.samples[k];
        }
    }
    std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
    for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = bytes.data() + r * rowbytes;
    io::write_atomically(path, [&](std::ostream& out) {
        PngError state;
        if (!encode_rows(out, state, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height),
                         8 * static_cast<int>(sizeof(T)), rows.data()))
            throw IoError(path.string(), "png", state.message);
    });
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
