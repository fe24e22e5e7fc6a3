// SPDX-License-Identifier: MIT
// Readers against real files written by others: ../shared/data raw dumps and PNG, the real SIDD
// metadata sample, and Debian's Canon CR2 compared pixel for pixel with dcraw.
#include "io/io_test_util.hpp"
#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/io/read_any.hpp"

#include <algorithm>
#include <cstdio>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>

using namespace n2n;
using bayer::BayerPhase;

TEST_CASE("headerless samples: documented bit depths hold, and the other byte order breaks them") {
    struct Sample {
        const char* path;
        std::ptrdiff_t width, height;
        int bits;
        BayerPhase phase;
    };
    for (const Sample& s :
         {Sample{"raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw", 768, 512, 14, BayerPhase::RGGB},
          Sample{"raw/fast-openisp-test-raw/test.RAW", 1920, 1080, 10, BayerPhase::RGGB},
          Sample{"raw/infinite-isp-colorchecker/ColorCheckerRAW_1920x1080_12bit_BGGR.raw", 1920, 1080, 12,
                 BayerPhase::BGGR}}) {
        CAPTURE(s.path);
        const auto path = test::shared_file(s.path);
        if (!path) continue;
        auto spec = test::headerless_spec(s.width, s.height, test::mosaic_spec(s.phase, s.bits));
        const auto f = io::read_headerless(*path, spec);
        const float max_le = *std::max_element(f.mosaic.pixels().begin(), f.mosaic.pixels().end());
        CHECK(max_le <= static_cast<float>((1 << s.bits) - 1));
        CHECK(max_le > static_cast<float>((1 << (s.bits - 2))));  // uses its range
        spec.endian = io::Endian::Big;
        const auto g = io::read_headerless(*path, spec);
        CHECK(*std::max_element(g.mosaic.pixels().begin(), g.mosaic.pixels().end()) >
              static_cast<float>((1 << s.bits) - 1));
        // read_any with the same geometry dispatches to the headerless reader.
        spec.endian = io::Endian::Little;
        CHECK(io::read_any(*path, test::with_headerless(spec)).mosaic.pixels() == f.mosaic.pixels());
        // Wrong geometry: the size check names the file.
        spec.width += 2;
        CHECK_THROWS_AS(io::read_headerless(*path, spec), FormatError);
    }
}

TEST_CASE("png sample: Halide's bayer_small.png equals Pillow's decoding") {
    const auto path = test::shared_file("raw/halide-bayer-small/bayer_small.png");
    if (!path) return;
    test::TempDir dir;
    const auto script = dir / "dump.py";
    std::ofstream(script) << "import sys, numpy as np\nfrom PIL import Image\n"
                             "a = np.array(Image.open(sys.argv[1])).astype('<u2')\n"
                             "assert a.ndim == 2\nopen(sys.argv[2], 'w').write('%d %d' % a.shape)\n"
                             "a.tofile(sys.argv[3])\n";
    if (!test::run_python(fmt::format("{} {} {} {}", script.string(), path->string(), (dir / "shape").string(),
                                      (dir / "pixels.u16").string())))
        return;
    std::ptrdiff_t h = 0, w = 0;
    std::ifstream(dir / "shape") >> h >> w;
    CHECK(h == 344);
    CHECK(w == 256);
    const auto spec = test::mosaic_spec(BayerPhase::GRBG, 10, 25.F, 1023.F);
    const auto f = io::read_any(*path, test::with_png(spec));
    REQUIRE(f.mosaic.height() == h);
    REQUIRE(f.mosaic.width() == w);
    // Independent plain read of Pillow's little-endian dump.
    std::ifstream in(dir / "pixels.u16", std::ios::binary);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(2 * h * w));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::size_t mismatches = 0;
    for (std::size_t k = 0; k < f.mosaic.pixels().size(); ++k)
        mismatches += f.mosaic.pixels()[k] != static_cast<float>(bytes[2 * k] | (bytes[2 * k + 1] << 8));
    CHECK(mismatches == 0);
    CHECK(f.meta.levels.black[2] == 25.F);
    CHECK_THROWS_AS(io::read_any(*path), ConfigError);  // a PNG mosaic needs its phase
}

TEST_CASE("sidd metadata sample: Samsung S6 is GRBG, white 1023, AsShotNeutral [0.5527 1 0.4844]") {
    const auto path = test::shared_file("sidd/metadata-sample/0001_METADATA_RAW_010.MAT");
    if (!path) return;
    const auto m = io::read_sidd_metadata(*path);
    CHECK(m.phase == BayerPhase::GRBG);
    CHECK(m.levels.white == 1023.F);
    CHECK(m.levels.black == std::array<float, 4>{0.F, 0.F, 0.F, 0.F});
    CHECK(m.bits_per_sample == 10);
    REQUIRE(m.as_shot_neutral);
    CHECK((*m.as_shot_neutral)[0] == doctest::Approx(0.5527).epsilon(1e-3));
    CHECK((*m.as_shot_neutral)[1] == 1.0);
    CHECK((*m.as_shot_neutral)[2] == doctest::Approx(0.4844).epsilon(1e-3));
    REQUIRE(m.color_matrix1);
    REQUIRE(m.color_matrix2);
    CHECK((*m.color_matrix1)[0] == doctest::Approx(0.6640625));
    CHECK((*m.color_matrix1)[1] == doctest::Approx(-0.04589844));
    CHECK((*m.color_matrix1)[3] == doctest::Approx(-0.54296875));  // row-major: row 1 starts at index 3
    CHECK((*m.color_matrix2)[0] == doctest::Approx(1.23828125));
    CHECK(m.calibration_illuminant1 == 21);
    CHECK(m.calibration_illuminant2 == 17);
    CHECK(m.iso == 100.0);
    CHECK(*m.exposure_time_s == doctest::Approx(1.0 / 60));
    CHECK(m.orientation == 3);
    CHECK(m.camera == "samsung SM-G925I");
    REQUIRE(m.noise_profile.size() == 6);
    CHECK(m.noise_profile[0] == doctest::Approx(0.00047946).epsilon(1e-3));
}

namespace {
// dcraw's PGM (P5, 16-bit big-endian) as an image.
Image<std::uint16_t> read_pgm16(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string magic;
    int w = 0, h = 0, maxval = 0;
    in >> magic >> w >> h >> maxval;
    in.get();
    REQUIRE(magic == "P5");
    REQUIRE(maxval == 65535);
    Image<std::uint16_t> img(h, w);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(2 * w * h));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(in.gcount() == static_cast<std::streamsize>(bytes.size()));
    for (std::size_t k = 0; k < img.pixels().size(); ++k)
        img.pixels()[k] = static_cast<std::uint16_t>((bytes[2 * k] << 8) | bytes[2 * k + 1]);
    return img;
}
const char* kCr2 = "/usr/share/doc/rawtran/IMG_5952.CR2";
}  // namespace

TEST_CASE("camera raw: Canon 30D CR2 equals dcraw -D -4 pixel for pixel, with its metadata") {
    const auto cr2 = test::system_file(kCr2, "rawtran-doc");
    if (!cr2) return;
    if (!test::require_tool("dcraw", "dcraw")) return;
    test::TempDir dir;
    REQUIRE(test::run(fmt::format("dcraw -D -4 -c '{}' > '{}'", cr2->string(), (dir / "d.pgm").string())) == 0);
    const auto ref = read_pgm16(dir / "d.pgm");
    const auto f = io::read_camera_raw(*cr2);
    MESSAGE("LibRaw visible area " << f.mosaic.width() << "x" << f.mosaic.height() << ", dcraw -D " << ref.width()
                                   << "x" << ref.height());
    REQUIRE(f.mosaic.height() == ref.height());
    REQUIRE(f.mosaic.width() == ref.width());
    std::size_t mismatches = 0;
    for (std::size_t k = 0; k < ref.pixels().size(); ++k) mismatches += f.mosaic.pixels()[k] != ref.pixels()[k];
    CHECK(mismatches == 0);

    const auto& m = f.meta;
    CHECK(m.camera == "Canon EOS 30D");
    CHECK(m.phase == BayerPhase::RGGB);  // dcraw -i: "Filter pattern: RG/GB"
    for (float b : m.levels.black) CHECK((b >= 126.F && b <= 129.F));
    CHECK(m.levels.white > 3000.F);
    CHECK(m.levels.white <= 4095.F);
    CHECK(m.bits_per_sample == 12);
    CHECK(m.iso == 640.0);
    CHECK(*m.exposure_time_s == doctest::Approx(1.0 / 400));
    CHECK(m.orientation == 1);
    REQUIRE(m.as_shot_neutral);  // camera multipliers 2226 1024 1485
    CHECK((*m.as_shot_neutral)[0] == doctest::Approx(1024.0 / 2226.0));
    CHECK((*m.as_shot_neutral)[2] == doctest::Approx(1024.0 / 1485.0));
    REQUIRE(m.color_matrix1);  // raw-identify: XYZ->CamRGB 0.6257 -0.0303 -0.1000 / -0.7880 ...
    CHECK((*m.color_matrix1)[0] == doctest::Approx(0.6257).epsilon(1e-3));
    CHECK((*m.color_matrix1)[3] == doctest::Approx(-0.7880).epsilon(1e-3));
    CHECK(m.calibration_illuminant1 == 21);
    // Black level from the masked pixels: the visible black must be near the image's minimum.
    const float min_v = *std::min_element(f.mosaic.pixels().begin(), f.mosaic.pixels().end());
    CHECK(min_v >= 64.F);

    // The maker's inset crop: same pixels as dcraw's at the crop offset, phase moved with it.
    const auto inset = io::read_camera_raw(*cr2, {.inset_crop = true});
    CHECK(inset.mosaic.width() == 3504);
    CHECK(inset.mosaic.height() == 2336);
    // Find the offset: the crop must sit inside the visible area.
    const std::ptrdiff_t dr = 19 - (f.mosaic.height() == 2348 ? 12 : 0), dc = 84 - (f.mosaic.width() == 3522 ? 74 : 0);
    MESSAGE("inset crop offset in the visible area (" << dr << ", " << dc << "), phase " << inset.meta.phase.name());
    CHECK(inset.meta.phase == BayerPhase(BayerPhase::RGGB).cropped(dr, dc));
    mismatches = 0;
    for (std::ptrdiff_t r = 0; r < inset.mosaic.height(); ++r)
        for (std::ptrdiff_t c = 0; c < inset.mosaic.width(); ++c)
            mismatches += inset.mosaic(r, c) != ref(r + dr, c + dc);
    CHECK(mismatches == 0);
    CHECK(inset.meta.levels.black == m.levels.cropped(dr, dc).black);

    // read_any dispatches a CR2 to LibRaw.
    CHECK(io::detect_file_kind(*cr2) == io::FileKind::CameraRaw);
}

TEST_CASE("camera raw: truncated, corrupt, non-raw and missing files give the error family") {
    const auto cr2 = test::system_file(kCr2, "rawtran-doc");
    if (!cr2) return;
    test::TempDir dir;
    std::ifstream in(*cr2, std::ios::binary);
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Truncations at several depths (header, IFDs, inside the compressed data): FormatError, never
    // a frame with LibRaw's zero-filled remainder.
    for (std::size_t keep : {std::size_t{16}, std::size_t{4096}, bytes.size() / 3, bytes.size() - 1000}) {
        CAPTURE(keep);
        const auto p = dir / fmt::format("cut{}.CR2", keep);
        test::write_bytes(p,
                          std::vector<unsigned char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(keep)));
        try {
            io::read_camera_raw(p);
            FAIL("a truncated file was read without error");
        } catch (const FormatError& e) {
            CHECK(e.file() == p.string());
            MESSAGE(std::string(e.what()));
        }
    }
    auto corrupt = bytes;
    for (std::size_t k = 200; k < 600; ++k) corrupt[k] ^= 0x5A;
    test::write_bytes(dir / "corrupt.CR2", corrupt);
    // Damaged header bytes: LibRaw may still find the image; whatever happens, no crash and
    // only our error family.
    try {
        const auto f = io::read_camera_raw(dir / "corrupt.CR2");
        MESSAGE("corrupt header still decoded: " << f.mosaic.width() << "x" << f.mosaic.height());
    } catch (const Error& e) {
        MESSAGE(std::string(e.what()));
    }
    test::write_bytes(dir / "text.CR2", {'h', 'e', 'l', 'l', 'o'});
    test::require_error<FormatError>([&] { io::read_camera_raw(dir / "text.CR2"); }, (dir / "text.CR2").string(),
                                     "libraw_open_file");
    test::require_error<IoError>([&] { io::read_camera_raw(dir / "none.CR2"); }, (dir / "none.CR2").string(), "open");
    // A .raw that LibRaw does not know and no geometry: the user is told what is missing.
    test::write_bytes(dir / "dump.raw", std::vector<unsigned char>(64, 7));
    test::require_error<ConfigError>([&] { io::read_any(dir / "dump.raw"); }, (dir / "dump.raw").string(), "width");
    CHECK(io::read_any(dir / "dump.raw", test::with_headerless(test::headerless_spec(8, 4))).mosaic(3, 7) == 0x0707);
}
