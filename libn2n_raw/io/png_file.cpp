// SPDX-License-Identifier: MIT
// libpng reports errors by longjmp. Every function that calls setjmp below keeps only trivially
// destructible locals between setjmp and the libpng calls, so a longjmp skips no destructor; the
// error text is copied out and turned into an exception after libpng has returned.
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/mosaic_files.hpp"
#include "n2n_raw/io/npy.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <png.h>

namespace n2n::io {
namespace {

struct PngErrorState {
    char message[256] = {};
};

[[noreturn]] void on_png_error(png_structp png, png_const_charp msg) {
    auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
    std::snprintf(state->message, sizeof state->message, "%s", msg);
    png_longjmp(png, 1);
}
void on_png_warning(png_structp, png_const_charp) {}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

/// Header of a PNG file as libpng reads it.
struct PngHeader {
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
};

// Reads the header, then (when `accept` approves it) the 16-bit samples into `samples`, which the
// caller has not sized yet. Returns false with state.message set on a libpng error.
template <class Accept>
bool read_png_gray16(std::FILE* file, PngErrorState& state, PngHeader& header, std::vector<std::uint16_t>& samples,
                     std::vector<png_bytep>& rows, std::vector<png_byte>& bytes, Accept&& accept, bool& accepted) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_png_error, on_png_warning);
    if (!png) {
        std::snprintf(state.message, sizeof state.message, "out of memory");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
        return false;
    }
    png_init_io(png, file);
    // Real mosaics stay far below 32768 pixels a side; the limit keeps a forged header from
    // making us allocate gigabytes.
    png_set_user_limits(png, 1U << 15, 1U << 15);
    png_read_info(png, info);
    header.width = png_get_image_width(png, info);
    header.height = png_get_image_height(png, info);
    header.bit_depth = png_get_bit_depth(png, info);
    header.color_type = png_get_color_type(png, info);
    accepted = accept(header);
    if (accepted) {
        png_set_interlace_handling(png);
        png_read_update_info(png, info);
        const std::size_t rowbytes = png_get_rowbytes(png, info);
        // Sized here, before any longjmp can happen in png_read_image (allocation may throw, which
        // is fine: nothing of libpng is mid-call).
        bytes.resize(rowbytes * header.height);
        rows.resize(header.height);
        for (png_uint_32 r = 0; r < header.height; ++r) rows[r] = bytes.data() + r * rowbytes;
        png_read_image(png, rows.data());
        png_read_end(png, nullptr);
        samples.resize(static_cast<std::size_t>(header.width) * header.height);
        // PNG stores 16-bit samples big-endian.
        for (std::size_t k = 0; k < samples.size(); ++k)
            samples[k] = static_cast<std::uint16_t>((bytes[2 * k] << 8) | bytes[2 * k + 1]);
    }
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

void ostream_write(png_structp png, png_bytep data, png_size_t length) {
    auto* out = static_cast<std::ostream*>(png_get_io_ptr(png));
    out->write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(length));
}
void ostream_flush(png_structp png) { static_cast<std::ostream*>(png_get_io_ptr(png))->flush(); }

// Encodes rows (already in PNG byte order) to `out`; returns false with state.message on error.
bool encode_png(std::ostream& out, PngErrorState& state, const PngBytes& image, const std::vector<png_bytep>& rows) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_png_error, on_png_warning);
    if (!png) {
        std::snprintf(state.message, sizeof state.message, "out of memory");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : nullptr);
        return false;
    }
    png_set_write_fn(png, &out, ostream_write, ostream_flush);
    png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height),
                 image.bit_depth, image.channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // Display-encoded samples say so, so that no viewer treats 16-bit data as linear.
    if (image.srgb) png_set_sRGB_gAMA_and_cHRM(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    // Speed over size: all five filters tried per row at zlib level 6 take seconds on 12 MP;
    // one filter and a fast level cost ~10 % in size.
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level(png, 2);
    png_write_info(png, info);
    png_write_image(png, const_cast<png_bytepp>(rows.data()));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

}  // namespace

RawFrame read_png_mosaic(const std::filesystem::path& path, const MosaicSpec& spec) {
    const std::string file = path.string();
    RawFrame frame;
    frame.meta.source = file;
    frame.meta.phase = spec.phase;
    frame.meta.levels = spec.levels();
    frame.meta.bits_per_sample = spec.bits;

    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.c_str(), "rb"));
    if (!f) throw IoError(file, "open", std::strerror(errno));
    unsigned char signature[8] = {};
    if (std::fread(signature, 1, 8, f.get()) != 8 || png_sig_cmp(signature, 0, 8) != 0)
        throw FormatError(file, "signature", "not a PNG file");
    std::rewind(f.get());

    PngErrorState state;
    PngHeader header;
    std::vector<std::uint16_t> samples;
    std::vector<png_bytep> rows;
    std::vector<png_byte> bytes;
    bool accepted = false;
    const auto accept = [](const PngHeader& h) { return h.bit_depth == 16 && h.color_type == PNG_COLOR_TYPE_GRAY; };
    if (!read_png_gray16(f.get(), state, header, samples, rows, bytes, accept, accepted))
        throw FormatError(file, "png", state.message);
    if (header.color_type != PNG_COLOR_TYPE_GRAY)
        throw FormatError(file, "color type",
                          fmt::format("PNG colour type {} is not single-channel grayscale; a Bayer mosaic PNG must be "
                                      "16-bit grayscale",
                                      header.color_type));
    if (header.bit_depth != 16)
        throw FormatError(file, "bit depth",
                          fmt::format("{}-bit PNG; a Bayer mosaic PNG must be 16-bit grayscale", header.bit_depth));
    frame.mosaic = Image<float>(header.height, header.width);
    for (std::size_t k = 0; k < samples.size(); ++k) frame.mosaic.pixels()[k] = samples[k];
    return frame;
}

void write_png(const std::filesystem::path& path, const PngBytes& image) {
    const bool layout_ok = (image.channels == 1 || image.channels == 3) && (image.bit_depth == 8 || image.bit_depth == 16);
    if (!layout_ok) throw ConfigError(path.string(), "png", fmt::format("{} channels of {} bits", image.channels, image.bit_depth));
    const auto rowbytes = static_cast<std::size_t>(image.width * image.channels * image.bit_depth / 8);
    if (image.height <= 0 || image.width <= 0 || image.bytes.size() != rowbytes * static_cast<std::size_t>(image.height))
        throw ConfigError(path.string(), "size",
                          fmt::format("{} bytes for a {}x{} PNG of {} channels", image.bytes.size(), image.width,
                                      image.height, image.channels));
    std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
    for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = const_cast<png_bytep>(image.bytes.data()) + r * rowbytes;
    write_atomically(path, [&](std::ostream& out) {
        PngErrorState state;
        if (!encode_png(out, state, image, rows)) throw IoError(path.string(), "png", state.message);
    });
}

void write_png_rgb8(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                    const std::vector<std::uint8_t>& rgb) {
    write_png(path, {height, width, 3, 8, false, rgb});
}

void write_png_gray16(const std::filesystem::path& path, ImageView<const std::uint16_t> image) {
    PngBytes png{image.height(), image.width(), 1, 16, false, {}};
    auto& bytes = png.bytes;
    bytes.resize(static_cast<std::size_t>(image.height() * image.width()) * 2);
    std::size_t k = 0;
    for (std::ptrdiff_t r = 0; r < image.height(); ++r)
        for (std::ptrdiff_t c = 0; c < image.width(); ++c) {
            bytes[k++] = static_cast<png_byte>(image(r, c) >> 8);
            bytes[k++] = static_cast<png_byte>(image(r, c) & 0xFF);
        }
    write_png(path, png);
}

}  // namespace n2n::io
