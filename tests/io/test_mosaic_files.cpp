// SPDX-License-Identifier: MIT
// Headerless uint16 dumps and 16-bit PNG mosaics: hand-made bytes, files written by Python
// (Pillow), and every way such a file can be wrong.
#include "io/io_test_util.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/npy.hpp"
#include "n2n_raw/io/read_any.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace n2n;
using bayer::BayerPhase;
using test::require_error;

TEST_CASE("headerless: little and big endian bytes give the same hand-computed DN") {
    test::TempDir dir;
    // 3 wide x 2 high: values 0x0102, 0x0304, ... row-major.
    std::vector<unsigned char> le, be;
    for (int k = 0; k < 6; ++k) {
        const int v = ((2 * k + 1) << 8) | (2 * k + 2);
        le.push_back(static_cast<unsigned char>(v & 0xFF));
        le.push_back(static_cast<unsigned char>(v >> 8));
        be.push_back(static_cast<unsigned char>(v >> 8));
        be.push_back(static_cast<unsigned char>(v & 0xFF));
    }
    test::write_bytes(dir / "le.raw", le);
    test::write_bytes(dir / "be.raw", be);
    auto spec = test::headerless_spec(3, 2, test::mosaic_spec(BayerPhase::GBRG, 12, 64.F));
    const auto a = io::read_headerless(dir / "le.raw", spec);
    spec.endian = io::Endian::Big;
    const auto b = io::read_headerless(dir / "be.raw", spec);
    REQUIRE(a.mosaic.height() == 2);
    REQUIRE(a.mosaic.width() == 3);
    CHECK(a.mosaic(0, 0) == 0x0102);
    CHECK(a.mosaic(0, 2) == 0x0506);
    CHECK(a.mosaic(1, 0) == 0x0708);
    CHECK(a.mosaic(1, 2) == 0x0B0C);
    CHECK(a.mosaic.pixels() == b.mosaic.pixels());
    CHECK(a.meta.phase == BayerPhase::GBRG);
    CHECK(a.meta.levels.white == 4095.F);
    CHECK(a.meta.levels.black[3] == 64.F);
    CHECK(a.meta.bits_per_sample == 12);
    // read_any: with a geometry, any file without PNG/MAT magic is a headerless dump.
    std::filesystem::copy_file(dir / "le.raw", dir / "le.bin");
    CHECK(io::detect_file_kind(dir / "le.bin", test::with_headerless(spec)) == io::FileKind::Headerless);
    spec.endian = io::Endian::Little;
    CHECK(io::read_any(dir / "le.bin", test::with_headerless(spec)).mosaic.pixels() == a.mosaic.pixels());
    // normalized(): (v - 64) / (4095 - 64), clipped.
    const auto n = a.normalized(bayer::Clip::None);
    CHECK(n(0, 0) == doctest::Approx((0x0102 - 64) / 4031.0));
}

TEST_CASE("headerless: wrong size, missing file and bad geometry are reported, never read") {
    test::TempDir dir;
    test::write_bytes(dir / "short.raw", std::vector<unsigned char>(11, 0));
    test::write_bytes(dir / "empty.raw", {});
    const auto spec = test::headerless_spec(3, 2);
    require_error<FormatError>([&] { io::read_headerless(dir / "short.raw", spec); }, (dir / "short.raw").string(),
                               "size");
    require_error<FormatError>([&] { io::read_headerless(dir / "empty.raw", spec); }, (dir / "empty.raw").string(),
                               "size");
    require_error<IoError>([&] { io::read_headerless(dir / "absent.raw", spec); }, (dir / "absent.raw").string(),
                           "open");
    require_error<ConfigError>([&] { io::read_headerless(dir / "short.raw", test::headerless_spec(0, 2)); },
                               (dir / "short.raw").string(), "size");
    io::HeaderlessSpec bad_bits = spec;
    bad_bits.mosaic.bits = 17;
    CHECK_THROWS_AS(io::read_headerless(dir / "short.raw", bad_bits), ConfigError);
    io::HeaderlessSpec black_above_white = spec;
    black_above_white.mosaic.black = 70000.F;
    CHECK_THROWS_AS(io::read_headerless(dir / "short.raw", black_above_white), ConfigError);
}

TEST_CASE("headerless: a geometry whose byte count overflows is refused, not wrapped to the file size") {
    // libFuzzer's find (fuzz_regressions/headerless/): 2^62 x 2 samples need 2^64 bytes, which
    // wraps to 0 in 64 bits and so "matched" an empty file; the reader then sized a frame of 2^63
    // pixels (signed overflow, then bad_alloc).
    test::TempDir dir;
    test::write_bytes(dir / "empty.raw", {});
    const auto huge = test::headerless_spec(std::ptrdiff_t{1} << 62, 2);
    require_error<FormatError>([&] { io::read_headerless(dir / "empty.raw", huge); }, (dir / "empty.raw").string(),
                               "size");
    // The largest geometry that does not overflow is still checked against the real size.
    const auto big = test::headerless_spec(std::ptrdiff_t{1} << 31, std::ptrdiff_t{1} << 31);
    require_error<FormatError>([&] { io::read_headerless(dir / "empty.raw", big); }, (dir / "empty.raw").string(),
                               "size");
}

namespace {
// Python (Pillow + numpy) writes PNGs of several kinds and a headerless LE dump of the 16-bit one.
const char* kPngWriter = R"PY(
import sys, numpy as np
from PIL import Image
out = sys.argv[1]
r, c = np.meshgrid(np.arange(5), np.arange(7), indexing="ij")
a = (r * 1000 + c * 7 + 3).astype(np.uint16)   # 5 high x 7 wide, odd sizes on purpose
Image.fromarray(a, mode="I;16").save(out + "/gray16.png")
a.astype("<u2").tofile(out + "/gray16.u16")
Image.fromarray((a % 256).astype(np.uint8), mode="L").save(out + "/gray8.png")
Image.fromarray(np.zeros((5, 7, 3), np.uint8), mode="RGB").save(out + "/rgb8.png")
Image.fromarray((a % 256).astype(np.uint8), mode="L").convert("P").save(out + "/palette.png")
data = open(out + "/gray16.png", "rb").read()
open(out + "/truncated.png", "wb").write(data[: len(data) - 30])
bad = bytearray(data); bad[60] ^= 0xFF
open(out + "/corrupt.png", "wb").write(bytes(bad))
open(out + "/text.png", "w").write("not a png at all")
)PY";

bool write_png_fixtures(const test::TempDir& dir) {
    const auto script = dir / "write_pngs.py";
    std::ofstream(script) << kPngWriter;
    return test::run_python(script.string() + " " + dir.path().string());
}
}  // namespace

TEST_CASE("png: a 16-bit grayscale PNG written by Pillow reads back pixel for pixel") {
    test::TempDir dir;
    if (!write_png_fixtures(dir)) return;
    const auto frame = io::read_png_mosaic(dir / "gray16.png", test::mosaic_spec(BayerPhase::GRBG, 14, 10.F));
    REQUIRE(frame.mosaic.height() == 5);
    REQUIRE(frame.mosaic.width() == 7);
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 7; ++c) CHECK(frame.mosaic(r, c) == static_cast<float>(r * 1000 + c * 7 + 3));
    CHECK(frame.meta.phase == BayerPhase::GRBG);
    CHECK(frame.meta.levels.white == 16383.F);
    // The same pixels through the headerless reader of Python's dump.
    const auto dump = io::read_headerless(dir / "gray16.u16", test::headerless_spec(7, 5));
    CHECK(dump.mosaic.pixels() == frame.mosaic.pixels());
    // The PNG signature wins over a headerless geometry given by mistake.
    auto options = test::with_png(test::mosaic_spec(BayerPhase::GRBG, 14, 10.F));
    options.headerless = test::headerless_spec(7, 5);
    CHECK(io::detect_file_kind(dir / "gray16.png", options) == io::FileKind::Png);
    CHECK(io::read_any(dir / "gray16.png", options).mosaic.pixels() == frame.mosaic.pixels());
}

TEST_CASE("png: 8-bit, colour, palette, truncated, corrupt and non-PNG files are rejected") {
    test::TempDir dir;
    if (!write_png_fixtures(dir)) return;
    const io::MosaicSpec spec;
    const auto f = [&](const char* name) { return (dir / name).string(); };
    require_error<FormatError>([&] { io::read_png_mosaic(f("gray8.png"), spec); }, f("gray8.png"), "bit depth");
    require_error<FormatError>([&] { io::read_png_mosaic(f("rgb8.png"), spec); }, f("rgb8.png"), "color type");
    require_error<FormatError>([&] { io::read_png_mosaic(f("palette.png"), spec); }, f("palette.png"), "color type");
    require_error<FormatError>([&] { io::read_png_mosaic(f("truncated.png"), spec); }, f("truncated.png"), "png");
    require_error<FormatError>([&] { io::read_png_mosaic(f("corrupt.png"), spec); }, f("corrupt.png"), "png");
    require_error<FormatError>([&] { io::read_png_mosaic(f("text.png"), spec); }, f("text.png"), "signature");
    require_error<IoError>([&] { io::read_png_mosaic(f("absent.png"), spec); }, f("absent.png"), "open");
}

TEST_CASE("png writers: Pillow reads back what write_png_gray16 / write_png_rgb8 wrote") {
    test::TempDir dir;
    Image<std::uint16_t> img(3, 5);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 5; ++c) img(r, c) = static_cast<std::uint16_t>(r * 20000 + c * 301 + 1);
    io::write_png_gray16(dir / "g16.png", img.view());
    std::vector<std::uint8_t> rgb(3 * 5 * 3);
    for (std::size_t k = 0; k < rgb.size(); ++k) rgb[k] = static_cast<std::uint8_t>(k * 5);
    io::write_png_rgb8(dir / "rgb.png", 3, 5, rgb);
    const auto check = dir / "check.py";
    std::ofstream(check) << R"PY(
import sys, numpy as np
from PIL import Image
d = sys.argv[1]
g = np.array(Image.open(d + "/g16.png")).astype(np.int64)
r, c = np.meshgrid(np.arange(3), np.arange(5), indexing="ij")
assert g.shape == (3, 5), g.shape
assert (g == r * 20000 + c * 301 + 1).all(), g
im = Image.open(d + "/rgb.png"); assert im.mode == "RGB", im.mode
x = np.array(im)
assert x.shape == (3, 5, 3) and (x.reshape(-1) == (np.arange(45) * 5) % 256).all(), x
)PY";
    CHECK(test::run_python(check.string() + " " + dir.path().string()));
    // No temporary files are left behind by the atomic writes.
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 3);
    CHECK_THROWS_AS(io::write_png_rgb8(dir / "no_such_dir" / "x.png", 3, 5, rgb), IoError);
}

TEST_CASE("npy: numpy reads the float32 (C, H, W) array write_npy wrote") {
    test::TempDir dir;
    PlanarImage<float> p(4, 3, 5);
    for (std::size_t k = 0; k < p.pixels().size(); ++k) p.pixels()[k] = static_cast<float>(k) * 0.25F - 3.F;
    io::write_npy(dir / "a.npy", p);
    const auto check = dir / "check.py";
    std::ofstream(check) << R"PY(
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.dtype == np.float32 and a.shape == (4, 3, 5), (a.dtype, a.shape)
assert (a.reshape(-1) == np.arange(60, dtype=np.float32) * 0.25 - 3).all()
)PY";
    CHECK(test::run_python(check.string() + " " + (dir / "a.npy").string()));
}
