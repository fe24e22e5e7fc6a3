// SPDX-License-Identifier: MIT
// Our PNG/TIFF writers read back sample for sample by independent readers in Debian's python (a
// minimal zlib-based PNG decoder, png_samples.py, and tifffile); our PNG reader on the 8-bit file.
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>

using namespace n2n;
using namespace n2n::io;
using RgbImage = n2n::PlanarImage<float>;

namespace {
// Python reads `image` with `reader` ("png": our test's own minimal decoder, "tifffile") and
// writes its samples as raw little-endian uint16 to `dump`.
std::vector<std::uint16_t> read_back(const std::filesystem::path& image, const std::filesystem::path& dump,
                                     const std::string& reader) {
    const int rc =
        reader == "png"
            ? test::run(fmt::format("{} {}/io/png_samples.py '{}' '{}'", test::python(), N2N_TEST_SOURCE_DIR,
                                    image.string(), dump.string()))
            : test::run(fmt::format("{} -c \"import numpy as np, tifffile; a = tifffile.imread('{}'); "
                                    "open('{}', 'wb').write(np.ascontiguousarray(a).astype('<u2').tobytes())\"",
                                    test::python(), image.string(), dump.string()));
    REQUIRE(rc == 0);
    std::ifstream in(dump, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::uint16_t> out(bytes.size() / 2);
    for (std::size_t k = 0; k < out.size(); ++k)
        out[k] = static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[2 * k]) |
                                            (static_cast<unsigned char>(bytes[2 * k + 1]) << 8));
    return out;
}
}  // namespace

TEST_CASE("8/16-bit PNG and 16-bit TIFF written by us, read by imageio and tifffile") {
    if (!test::require_tool("/usr/bin/python3", "python3")) return;
    RgbImage rgb(3, 5, 7);
    for (std::size_t k = 0; k < rgb.pixels().size(); ++k) rgb.pixels()[k] = static_cast<float>(k) / 104.F;
    test::TempDir dir;
    save_rgb(dir / "a16.png", rgb, 16);
    save_rgb(dir / "a8.png", rgb, 8);
    save_rgb(dir / "a16.tif", rgb, 16);
    const auto s16 = to_rgb16(rgb);
    const auto s8 = to_rgb8(rgb);
    CHECK(read_back(dir / "a16.png", dir / "d1", "png") == s16);
    CHECK(read_back(dir / "a16.tif", dir / "d2", "tifffile") == s16);
    const auto back8 = read_back(dir / "a8.png", dir / "d3", "png");
    CHECK(std::vector<std::uint16_t>(s8.begin(), s8.end()) == back8);
    // And our reader on the 8-bit file.
    const auto mine = read_png_rgb8(dir / "a8.png");
    CHECK(mine.height == 5);
    CHECK(mine.width == 7);
    CHECK(mine.samples == s8);
    CHECK_THROWS_AS(save_rgb(dir / "a.jpg", rgb, 8), ConfigError);
    CHECK_THROWS_AS(save_rgb(dir / "a8.tif", rgb, 8), ConfigError);
    CHECK_THROWS_AS(read_png_rgb8(dir / "missing.png"), IoError);
    CHECK_THROWS_AS(read_png_rgb8(dir / "a16.tif"), FormatError);
}
