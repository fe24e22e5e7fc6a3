// SPDX-License-Identifier: MIT
#include "n2n_raw/io/rgb_file.hpp"

#include "n2n_raw/io/file_names.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/tiff_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <string>

namespace n2n::io {
namespace {
template <class T>
std::vector<T> interleave(const PlanarImage<float>& rgb, float scale) {
    const std::ptrdiff_t hw = rgb.height() * rgb.width();
    std::vector<T> out(static_cast<std::size_t>(hw * 3));
    const float* planes[3] = {rgb.plane(0).data(), rgb.plane(1).data(), rgb.plane(2).data()};
    for (std::ptrdiff_t k = 0; k < hw; ++k)
        for (int ch = 0; ch < 3; ++ch)
            out[static_cast<std::size_t>(3 * k + ch)] =
                static_cast<T>(std::lround(std::clamp(planes[ch][k], 0.F, 1.F) * scale));
    return out;
}
}  // namespace

std::vector<std::uint8_t> to_rgb8(const PlanarImage<float>& rgb) { return interleave<std::uint8_t>(rgb, 255.F); }
std::vector<std::uint16_t> to_rgb16(const PlanarImage<float>& rgb) { return interleave<std::uint16_t>(rgb, 65535.F); }

PlanarImage<float> from_rgb8(const std::vector<std::uint8_t>& rgb, std::ptrdiff_t height, std::ptrdiff_t width) {
    if (static_cast<std::ptrdiff_t>(rgb.size()) != height * width * 3)
        throw ConfigError("", "size", fmt::format("{} bytes for a {}x{} RGB image", rgb.size(), width, height));
    PlanarImage<float> out(3, height, width);
    for (std::ptrdiff_t k = 0; k < height * width; ++k)
        for (int ch = 0; ch < 3; ++ch) out.plane(ch).data()[k] = rgb[static_cast<std::size_t>(3 * k + ch)] / 255.F;
    return out;
}

void save_rgb(const std::filesystem::path& path, const PlanarImage<float>& rgb, int bits) {
    if (rgb.channels() != 3) throw ConfigError(path.string(), "channels", "an RGB image has 3 channels");
    const std::string ext = lowercase_extension(path);
    if (ext == ".png" && bits == 8) {
        write_png_rgb8(path, rgb.height(), rgb.width(), to_rgb8(rgb), /*srgb=*/true);
    } else if (ext == ".png" && bits == 16) {
        write_png_rgb16(path, rgb.height(), rgb.width(), to_rgb16(rgb), /*srgb=*/true);
    } else if ((ext == ".tif" || ext == ".tiff") && bits == 16) {
        write_tiff_rgb16(path, rgb.height(), rgb.width(), to_rgb16(rgb));
    } else {
        throw ConfigError(path.string(), "output",
                          fmt::format("cannot write {}-bit '{}': use .png (8 or 16 bits) or .tif (16 bits)", bits, ext));
    }
}

}  // namespace n2n::io
