// SPDX-License-Identifier: MIT
// Renders real captures and compares them with an independent renderer of the same raw data:
// dcraw with matching options (-w camera WB, -o 1 sRGB, -q 0 bilinear, -4 linear 16-bit), the
// comparison itself done by tifffile + scikit-image (compare_renders.py). The colour checker
// capture must give neutral grey patches. Set N2N_RENDER_OUT=<folder> to keep the PNGs to look at.
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/dng/dng_writer.hpp"
#include "n2n_raw/io/camera_raw.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/io/sidd.hpp"
#include "n2n_raw/pipeline/color.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "support/process.hpp"
#include "support/test_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <memory>
#include <sstream>

using namespace n2n;
using namespace n2n::pipeline;
using bayer::BayerPhase;

namespace {

using test::capture;

bool tools_present() { return test::require_tool("/usr/bin/dcraw", "dcraw") && test::require_tool("/usr/bin/python3", "python3-skimage"); }

struct Comparison {
    double psnr = 0;
    double delta_e = 0;
};

// Our linear render vs dcraw's, optionally cropped ("top,left,height,width") to align them.
Comparison compare(const std::filesystem::path& ours, const std::filesystem::path& reference,
                   const std::string& crop_ours = "0,0,100000,100000", const std::string& crop_reference = "0,0,100000,100000") {
    const std::string out =
        capture(fmt::format("{} {}/pipeline/compare_renders.py '{}' '{}' {} {} 4", test::python(), N2N_TEST_SOURCE_DIR,
                            ours.string(), reference.string(), crop_ours, crop_reference));
    Comparison c;
    REQUIRE_MESSAGE(std::sscanf(out.c_str(), "psnr=%lf deltaE=%lf", &c.psnr, &c.delta_e) == 2, out);
    MESSAGE(out);
    return c;
}

// Keeps a display render for a person to look at when N2N_RENDER_OUT is set.
void keep(const std::string& name, ImageView<const float> mosaic, const IspParams& params) {
    const char* dir = std::getenv("N2N_RENDER_OUT");
    if (!dir || !*dir) return;
    std::filesystem::create_directories(dir);
    io::save_rgb(std::filesystem::path(dir) / (name + ".png"), render(mosaic, params), 8);
}

io::RawFrame d750(const std::string& phase_name, BayerPhase phase) {
    const auto file = test::shared_file(fmt::format("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_{}.raw", phase_name));
    if (!file) return {};
    io::RawFrame frame = io::read_headerless(*file, {768, 512, io::Endian::Little, {phase, 14, 600.F, 15520.F}});
    // The sample's metadata (SOURCES.txt): WB gains R 1.949 / B 1.344, LibRaw's D750 matrix.
    frame.meta.as_shot_neutral = std::array<double, 3>{1 / 1.949, 1.0, 1 / 1.344};
    frame.meta.color_matrix1 = Matrix3{0.9020, -0.2890, -0.0715, -0.4535, 1.2436, 0.2348, -0.0934, 0.1919, 0.7086};
    frame.meta.calibration_illuminant1 = 21;
    frame.meta.camera = "Nikon D750";
    return frame;
}

// CIELAB (D65 white) of a linear sRGB colour.
std::array<double, 3> lab_of(const std::array<double, 3>& rgb) {
    const double x = 0.4124564 * rgb[0] + 0.3575761 * rgb[1] + 0.1804375 * rgb[2];
    const double y = 0.2126729 * rgb[0] + 0.7151522 * rgb[1] + 0.0721750 * rgb[2];
    const double z = 0.0193339 * rgb[0] + 0.1191920 * rgb[1] + 0.9503041 * rgb[2];
    const auto f = [](double t) { return t > 216.0 / 24389 ? std::cbrt(t) : (24389.0 / 27 * t + 16) / 116; };
    const double fx = f(x / 0.95047), fy = f(y), fz = f(z / 1.08883);
    return {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
}

std::array<double, 3> mean_rgb(const RgbImage& rgb, std::ptrdiff_t row, std::ptrdiff_t col, std::ptrdiff_t half) {
    std::array<double, 3> sum{0, 0, 0};
    for (int ch = 0; ch < 3; ++ch)
        for (std::ptrdiff_t r = row - half; r < row + half; ++r)
            for (std::ptrdiff_t c = col - half; c < col + half; ++c) sum[static_cast<std::size_t>(ch)] += rgb.plane(ch)(r, c);
    for (double& s : sum) s /= static_cast<double>(4 * half * half);
    return sum;
}

}  // namespace

TEST_CASE("D750 crop: our render vs dcraw on the same mosaic (via our DNG)") {
    const io::RawFrame frame = d750("rggb", BayerPhase::RGGB);
    if (frame.mosaic.empty() || !tools_present()) return;
    test::TempDir dir;
    dng::write_dng(dir / "d750.dng", frame, {});
    REQUIRE(test::run(fmt::format("/usr/bin/dcraw -w -o 1 -q 0 -4 -T -t 0 -c '{}' > '{}'", (dir / "d750.dng").string(),
                                  (dir / "dcraw.tiff").string())) == 0);
    IspParams p = params_from_metadata(frame.meta);
    p.demosaic = DemosaicMethod::Bilinear;
    io::save_rgb(dir / "ours_bilinear.tif", render_linear(frame.mosaic.view(), p), 16);
    const Comparison bilinear = compare(dir / "ours_bilinear.tif", dir / "dcraw.tiff");
    CHECK(bilinear.delta_e < 1.0);
    CHECK(bilinear.psnr > 40.0);
    p.demosaic = DemosaicMethod::Mhc;
    io::save_rgb(dir / "ours_mhc.tif", render_linear(frame.mosaic.view(), p), 16);
    const Comparison mhc = compare(dir / "ours_mhc.tif", dir / "dcraw.tiff");
    CHECK(mhc.delta_e < 3.0);  // a different demosaic, same colour pipeline
    keep("d750_rggb_mhc", frame.mosaic.view(), p);
    if (const char* out = std::getenv("N2N_RENDER_OUT"); out && *out)
        std::filesystem::copy_file(dir / "d750.dng", std::filesystem::path(out) / "d750.dng",
                                   std::filesystem::copy_options::overwrite_existing);
}

TEST_CASE("D750 crop: the four CFA phase variants render alike") {
    const io::RawFrame reference = d750("rggb", BayerPhase::RGGB);
    if (reference.mosaic.empty()) return;
    const RgbImage base = render_linear(reference.mosaic.view(), params_from_metadata(reference.meta));
    for (auto [name, phase] : {std::pair{"bggr", BayerPhase::BGGR}, std::pair{"gbrg", BayerPhase::GBRG},
                               std::pair{"grbg", BayerPhase::GRBG}}) {
        const io::RawFrame frame = d750(name, phase);
        const RgbImage other = render_linear(frame.mosaic.view(), params_from_metadata(frame.meta));
        // The author made the variants by moving values inside each 2x2 cell, so the renders
        // differ by sub-pixel shifts (about 30 dB); decoding with a wrong phase swaps colours.
        const double db = metrics::psnr(base, other, 1.0, 4);
        IspParams wrong = params_from_metadata(frame.meta);
        wrong.phase = BayerPhase::RGGB;
        const double wrong_db = metrics::psnr(base, render_linear(frame.mosaic.view(), wrong), 1.0, 4);
        MESSAGE(fmt::format("rggb vs {}: {:.2f} dB (decoded as RGGB: {:.2f} dB)", name, db, wrong_db));
        CHECK(db > 28.0);
        CHECK(wrong_db < db - 6.0);
        keep(fmt::format("d750_{}_mhc", name), frame.mosaic.view(), params_from_metadata(frame.meta));
    }
}

TEST_CASE("Canon CR2: our render vs dcraw on the camera file") {
    const auto file = test::system_file("/usr/share/doc/rawtran/IMG_5952.CR2", "rawtran-doc");
    if (!file || !tools_present()) return;
    const io::RawFrame frame = io::read_camera_raw(*file);
    test::TempDir dir;
    // Align LibRaw's visible area with dcraw's: find where our mosaic sits in dcraw -D's.
    REQUIRE(test::run(fmt::format("/usr/bin/dcraw -D -4 -t 0 -c '{}' > '{}'", file->string(), (dir / "d.pgm").string())) == 0);
    const std::string offset = capture(fmt::format(
        "{} -c \"import numpy as np, sys; d = open('{}', 'rb').read(); hdr = d.split(maxsplit=4); "
        "w, h = int(hdr[1]), int(hdr[2]); a = np.frombuffer(hdr[4][-2*w*h:], '>u2').reshape(h, w); "
        "print(w, h)\"",
        test::python(), (dir / "d.pgm").string()));
    int dw = 0, dh = 0;
    REQUIRE(std::sscanf(offset.c_str(), "%d %d", &dw, &dh) == 2);
    IspParams p = params_from_metadata(frame.meta);
    p.demosaic = DemosaicMethod::Bilinear;
    const RgbImage ours = render_linear(frame.mosaic.view(), p);
    io::save_rgb(dir / "ours.tif", ours, 16);
    REQUIRE(test::run(fmt::format("/usr/bin/dcraw -w -o 1 -q 0 -4 -T -t 0 -c '{}' > '{}'", file->string(),
                                  (dir / "dcraw.tiff").string())) == 0);
    // Our frame's top-left in dcraw's frame: search the small margin difference exactly on the mosaic.
    std::ptrdiff_t top = -1, left = -1;
    {
        std::FILE* f = std::fopen((dir / "d.pgm").string().c_str(), "rb");
        REQUIRE(f);
        char magic[3] = {};
        int w = 0, h = 0, maxval = 0;
        REQUIRE(std::fscanf(f, "%2s %d %d %d", magic, &w, &h, &maxval) == 4);
        std::fgetc(f);
        std::vector<unsigned char> bytes(static_cast<std::size_t>(2 * w * h));
        REQUIRE(std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size());
        std::fclose(f);
        const auto at = [&](std::ptrdiff_t r, std::ptrdiff_t c) {
            const std::size_t k = static_cast<std::size_t>(2 * (r * w + c));
            return static_cast<float>((bytes[k] << 8) | bytes[k + 1]);
        };
        for (std::ptrdiff_t dy = 0; dy <= h - frame.mosaic.height() && top < 0; ++dy)
            for (std::ptrdiff_t dx = 0; dx <= w - frame.mosaic.width(); ++dx) {
                bool same = true;
                for (std::ptrdiff_t r = 0; r < 64 && same; r += 7)
                    for (std::ptrdiff_t c = 0; c < 64 && same; c += 5) same = at(r + dy, c + dx) == frame.mosaic(r, c);
                if (same) {
                    top = dy;
                    left = dx;
                    break;
                }
            }
    }
    REQUIRE_MESSAGE(top >= 0, "our mosaic was not found inside dcraw's");
    MESSAGE(fmt::format("LibRaw area {}x{} at ({}, {}) of dcraw's {}x{}", frame.mosaic.width(), frame.mosaic.height(), top,
                        left, dw, dh));
    const Comparison c = compare(dir / "ours.tif", dir / "dcraw.tiff", "0,0,100000,100000",
                                 fmt::format("{},{},{},{}", top, left, frame.mosaic.height(), frame.mosaic.width()));
    CHECK(c.delta_e < 1.5);
    CHECK(c.psnr > 35.0);
    p.demosaic = DemosaicMethod::Mhc;
    keep("canon_img5952_mhc", frame.mosaic.view(), p);
}

TEST_CASE("colour checker: grey patches come out neutral") {
    const auto file = test::shared_file("raw/infinite-isp-colorchecker/ColorCheckerRAW_1920x1080_12bit_BGGR.raw");
    if (!file) return;
    const io::RawFrame frame = io::read_headerless(*file, {1920, 1080, io::Endian::Little, {BayerPhase::BGGR, 12, 0.F, {}}});
    // Grey row of the chart (located on preview_halfres.png), white to black, centres in full-res pixels.
    const std::ptrdiff_t row = 862;
    const std::ptrdiff_t cols[6] = {586, 720, 856, 998, 1142, 1280};
    IspParams p = params_from_metadata(frame.meta);  // no WB, no matrix in a headerless file
    SUBCASE("white balance on the middle grey patch keeps the others neutral") {
        // Gains from patch 4 (neutral 5) measured on an unbalanced render.
        p.white_balance = {WhiteBalance::Mode::Gains, {1.F, 1.F, 1.F}};
        const RgbImage raw_rgb = render_linear(frame.mosaic.view(), p);
        const auto grey = mean_rgb(raw_rgb, row, cols[3], 15);
        p.white_balance.gains = {static_cast<float>(grey[1] / grey[0]), 1.F, static_cast<float>(grey[1] / grey[2])};
    }
    SUBCASE("gray world") { p.white_balance = {WhiteBalance::Mode::GrayWorld, {}}; }
    const RgbImage rgb = render_linear(frame.mosaic.view(), p);
    double worst = 0;
    for (int k = 0; k < 5; ++k) {  // the black patch is too dark for a stable hue
        const auto lab = lab_of(mean_rgb(rgb, row, cols[k], 15));
        MESSAGE(fmt::format("grey patch {}: L* {:.1f} a* {:.2f} b* {:.2f}", k + 1, lab[0], lab[1], lab[2]));
        worst = std::max({worst, std::abs(lab[1]), std::abs(lab[2])});
    }
    CHECK(worst < (p.white_balance.mode == WhiteBalance::Mode::GrayWorld ? 3.0 : 1.5));
    keep(p.white_balance.mode == WhiteBalance::Mode::GrayWorld ? "colorchecker_grayworld" : "colorchecker_patchwb",
         frame.mosaic.view(), p);
}

TEST_CASE("Halide dog: gray-world render vs dcraw -a on the same mosaic") {
    const auto file = test::shared_file("raw/halide-bayer-small/bayer_small.png");
    if (!file || !tools_present()) return;
    io::RawFrame frame = io::read_png_mosaic(*file, {BayerPhase::GRBG, 10, 25.F, 1023.F});
    test::TempDir dir;
    dng::write_dng(dir / "dog.dng", frame, {});
    REQUIRE(test::run(fmt::format("/usr/bin/dcraw -a -o 0 -q 0 -4 -T -t 0 -c '{}' > '{}'", (dir / "dog.dng").string(),
                                  (dir / "dcraw.tiff").string())) == 0);
    IspParams p = params_from_metadata(frame.meta);
    p.white_balance = {WhiteBalance::Mode::GrayWorld, {}};
    p.demosaic = DemosaicMethod::Bilinear;
    io::save_rgb(dir / "ours.tif", render_linear(frame.mosaic.view(), p), 16);
    const Comparison c = compare(dir / "ours.tif", dir / "dcraw.tiff");
    CHECK(c.delta_e < 2.0);
    p.demosaic = DemosaicMethod::Mhc;
    keep("halide_dog_grayworld_mhc", frame.mosaic.view(), p);
}

TEST_CASE("real SIDD metadata (Galaxy S6, two calibrations): the scene white and the blended matrix") {
    const auto file = test::shared_file("sidd/metadata-sample/0001_METADATA_RAW_010.MAT");
    if (!file) return;
    const io::RawMetadata meta = io::read_sidd_metadata(*file);
    REQUIRE(meta.color_matrix1.has_value());
    REQUIRE(meta.color_matrix2.has_value());
    REQUIRE(meta.as_shot_neutral.has_value());
    const Calibration first{*meta.color_matrix1, meta.calibration_illuminant1};
    const Calibration second{*meta.color_matrix2, meta.calibration_illuminant2};
    const Chromaticity white = neutral_to_xy(*meta.as_shot_neutral, first, second);
    const double cct = cct_from_xy(white);
    const double w = inverse_mired_weight(cct, *illuminant_temperature(*meta.calibration_illuminant1),
                                          *illuminant_temperature(*meta.calibration_illuminant2));
    MESSAGE(fmt::format("illuminants {} / {}, neutral ({:.4f}, {:.4f}, {:.4f}) -> xy ({:.4f}, {:.4f}), {:.0f} K, "
                        "weight of matrix 1 {:.3f}",
                        *meta.calibration_illuminant1, *meta.calibration_illuminant2, (*meta.as_shot_neutral)[0],
                        (*meta.as_shot_neutral)[1], (*meta.as_shot_neutral)[2], white.x, white.y, cct, w));
    // The scene folder says 3200 K lighting (0001_001_S6_00100_00060_3200_L).
    CHECK(cct > 2500);
    CHECK(cct < 4500);
    // The white found is a fixed point: the blended matrix maps it back onto the neutral's direction.
    const Matrix3 cm = interpolate_color_matrix(white, first, second);
    const std::array<double, 3> xyz{white.x / white.y, 1.0, (1 - white.x - white.y) / white.y};
    std::array<double, 3> cam{};
    for (int r = 0; r < 3; ++r) cam[r] = cm[3 * r] * xyz[0] + cm[3 * r + 1] * xyz[1] + cm[3 * r + 2] * xyz[2];
    for (int k = 0; k < 3; ++k)
        CHECK(cam[k] / cam[1] == doctest::Approx((*meta.as_shot_neutral)[k] / (*meta.as_shot_neutral)[1]).epsilon(1e-4));
    const IspParams p = params_from_metadata(meta);
    for (int r = 0; r < 3; ++r)
        CHECK(p.camera_to_srgb[3 * r] + p.camera_to_srgb[3 * r + 1] + p.camera_to_srgb[3 * r + 2] == doctest::Approx(1));
}
