// SPDX-License-Identifier: MIT
// libpng reports errors by longjmp. Every function that calls setjmp below keeps only trivially
// destructible locals between setjmp and the libpng calls, so a longjmp skips no destructor; the
// error text is copied out and turned into an exception after libpng has returned.
#include "n2n_raw/io/png_file.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"

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

/// What the decoder hands back: the stored samples, or 8-bit RGB whatever the file holds.
enum class PngTarget : std::uint8_t { AsStored, Rgb8 };

/// Decoded rows, `rowbytes` bytes each, top first. Sized before png_read_image, so no allocation
/// (which may throw) happens while libpng can longjmp.
struct PngPixels {
    std::vector<png_byte> bytes;
    std::vector<png_bytep> rows;
    std::size_t rowbytes = 0;
};

// Reads the header, then (when `accept` approves it) the pixels converted to `target`. Returns
// false with state.message set on a libpng error; `accepted` says whether pixels were read.
bool decode_png(std::FILE* file, PngErrorState& state, PngTarget target, bool (*accept)(const PngHeader&),
                PngHeader& header, PngPixels& pixels, bool& accepted) {
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
    // Real images stay far below 32768 pixels a side; the limit keeps a forged header from
    // making us allocate gigabytes.
    png_set_user_limits(png, 1U << 15, 1U << 15);
    png_read_info(png, info);
    header.width = png_get_image_width(png, info);
    header.height = png_get_image_height(png, info);
    header.bit_depth = png_get_bit_depth(png, info);
    header.color_type = png_get_color_type(png, info);
    accepted = accept(header);
    if (accepted) {
        if (target == PngTarget::Rgb8) {
            if (header.color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
            if (header.color_type == PNG_COLOR_TYPE_GRAY && header.bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
            if (header.bit_depth == 16) png_set_scale_16(png);  // rounds, unlike strip_16
            if ((header.color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
            if ((header.color_type & PNG_COLOR_MASK_ALPHA) != 0) png_set_strip_alpha(png);
        }
        png_set_interlace_handling(png);
        png_read_update_info(png, info);
        pixels.rowbytes = png_get_rowbytes(png, info);
        pixels.bytes.resize(pixels.rowbytes * header.height);
        pixels.rows.resize(header.height);
        for (png_uint_32 r = 0; r < header.height; ++r) pixels.rows[r] = pixels.bytes.data() + r * pixels.rowbytes;
        png_read_image(png, pixels.rows.data());
        png_read_end(png, nullptr);
    }
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

// Opens `path` and checks the PNG signature: IoError (field "open") / FormatError ("signature").
std::unique_ptr<std::FILE, FileCloser> open_png(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.c_str(), "rb"));
    if (!f) throw IoError(file, "open", std::strerror(errno));
    unsigned char signature[8] = {};
    if (std::fread(signature, 1, 8, f.get()) != 8 || png_sig_cmp(signature, 0, 8) != 0)
        throw FormatError(file, "signature", "not a PNG file");
    std::rewind(f.get());
    return f;
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

    const auto f = open_png(path);
    PngErrorState state;
    PngHeader header;
    PngPixels pixels;
    bool accepted = false;
    const auto gray16 = [](const PngHeader& h) { return h.bit_depth == 16 && h.color_type == PNG_COLOR_TYPE_GRAY; };
    if (!decode_png(f.get(), state, PngTarget::AsStored, gray16, header, pixels, accepted))
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
    float* dst = frame.mosaic.data();
    // PNG stores 16-bit samples big-endian.
    for (std::size_t k = 0; k < frame.mosaic.pixels().size(); ++k)
        dst[k] = static_cast<float>((pixels.bytes[2 * k] << 8) | pixels.bytes[2 * k + 1]);
    return frame;
}

InterleavedRgb<std::uint8_t> read_png_rgb8(const std::filesystem::path& path) {
    const auto f = open_png(path);
    PngErrorState state;
    PngHeader header;
    PngPixels pixels;
    bool accepted = false;
    const auto any = [](const PngHeader&) { return true; };
    if (!decode_png(f.get(), state, PngTarget::Rgb8, any, header, pixels, accepted))
        throw FormatError(path.string(), "png", state.message);
    InterleavedRgb<std::uint8_t> out{header.height, header.width, std::move(pixels.bytes)};
    return out;
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

namespace {
template <class T>
void write_png_rgb(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                   const std::vector<T>& rgb, bool srgb) {
    if (height <= 0 || width <= 0 || static_cast<std::ptrdiff_t>(rgb.size()) != height * width * 3)
        throw ConfigError(path.string(), "size", fmt::format("{} samples for a {}x{} RGB image", rgb.size(), width, height));
    PngBytes png{height, width, 3, 8 * static_cast<int>(sizeof(T)), srgb, {}};
    if constexpr (sizeof(T) == 1) {
        png.bytes = rgb;
    } else {
        png.bytes.resize(rgb.size() * 2);
        for (std::size_t k = 0; k < rgb.size(); ++k) {
            png.bytes[2 * k] = static_cast<png_byte>(rgb[k] >> 8);
            png.bytes[2 * k + 1] = static_cast<png_byte>(rgb[k] & 0xFF);
        }
    }
    write_png(path, png);
}
}  // namespace

void write_png_rgb8(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                    const std::vector<std::uint8_t>& rgb, bool srgb) {
    write_png_rgb(path, height, width, rgb, srgb);
}

void write_png_rgb16(const std::filesystem::path& path, std::ptrdiff_t height, std::ptrdiff_t width,
                     const std::vector<std::uint16_t>& rgb, bool srgb) {
    write_png_rgb(path, height, width, rgb, srgb);
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
