// SPDX-License-Identifier: MIT
// The ISP stages on hand-made images whose answers are known exactly.
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/pipeline/color.hpp"
#include "n2n_raw/pipeline/demosaic.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/pipeline/side_by_side.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace n2n;
using namespace n2n::pipeline;
using bayer::BayerPhase;

namespace {
RgbImage linear_scene(std::ptrdiff_t h, std::ptrdiff_t w) {
    RgbImage rgb(3, h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c) {
            rgb.plane(0)(r, c) = 0.1F + 0.01F * r + 0.005F * c;
            rgb.plane(1)(r, c) = 0.6F - 0.004F * r + 0.002F * c;
            rgb.plane(2)(r, c) = 0.3F + 0.003F * r - 0.001F * c;
        }
    return rgb;
}
double max_abs_diff(const RgbImage& a, const RgbImage& b, std::ptrdiff_t border) {
    double worst = 0;
    for (int ch = 0; ch < 3; ++ch)
        for (std::ptrdiff_t r = border; r < a.height() - border; ++r)
            for (std::ptrdiff_t c = border; c < a.width() - border; ++c)
                worst = std::max(worst, std::abs(static_cast<double>(a.plane(ch)(r, c)) - b.plane(ch)(r, c)));
    return worst;
}
}  // namespace

TEST_CASE("white balance multiplies each CFA colour and clips") {
    for (BayerPhase phase : bayer::kAllPhases) {
        Image<float> m(4, 6, 0.4F);
        white_balance(m.view(), phase, {2.F, 1.F, 3.F});
        for (std::ptrdiff_t r = 0; r < 4; ++r)
            for (std::ptrdiff_t c = 0; c < 6; ++c) {
                const auto color = phase.color_at(r, c);
                const float expected = color == bayer::CfaColor::Red ? 0.8F : color == bayer::CfaColor::Green ? 0.4F : 1.F;
                CHECK(m(r, c) == doctest::Approx(expected));
            }
    }
    const auto g = gains_from_neutral({0.5, 1.0, 0.8});
    CHECK(g[0] == doctest::Approx(2));
    CHECK(g[1] == 1);
    CHECK(g[2] == doctest::Approx(1.25));
    CHECK_THROWS_AS(gains_from_neutral({0, 1, 1}), ConfigError);
}

TEST_CASE("gray world recovers the gains of a uniform coloured scene") {
    RgbImage rgb(3, 8, 8);
    std::fill(rgb.plane(0).data(), rgb.plane(0).data() + 64, 0.2F);
    std::fill(rgb.plane(1).data(), rgb.plane(1).data() + 64, 0.4F);
    std::fill(rgb.plane(2).data(), rgb.plane(2).data() + 64, 0.1F);
    const auto m = mosaic_of(rgb, BayerPhase::GBRG);
    const auto g = gray_world_gains(m.view(), BayerPhase::GBRG);
    CHECK(g[0] == doctest::Approx(2));
    CHECK(g[2] == doctest::Approx(4));
}

TEST_CASE("both demosaics are exact on constant and linear scenes, every phase") {
    const RgbImage scene = linear_scene(12, 14);
    for (BayerPhase phase : bayer::kAllPhases)
        for (DemosaicMethod method : {DemosaicMethod::Bilinear, DemosaicMethod::Mhc}) {
            CAPTURE(phase.name());
            CAPTURE(static_cast<int>(method));
            const auto mosaic = mosaic_of(scene, phase);
            const RgbImage out = demosaic(mosaic.view(), phase, method);
            // Mirroring bends a ramp at the border, so only the interior is exact.
            CHECK(max_abs_diff(out, scene, 2) < 1e-5);
            RgbImage flat(3, 5, 7, 0.25F);
            CHECK(max_abs_diff(demosaic(mosaic_of(flat, phase).view(), phase, method), flat, 0) < 1e-6);
        }
    CHECK(parse_demosaic("MHC") == DemosaicMethod::Mhc);
    CHECK_FALSE(parse_demosaic("vng").has_value());
    CHECK_THROWS_AS(demosaic(Image<float>(2, 2).view(), BayerPhase::RGGB, DemosaicMethod::Mhc), ConfigError);
}

TEST_CASE("EXIF orientations 1..8 on a 2x3 image") {
    RgbImage rgb(3, 2, 3);
    for (int k = 0; k < 6; ++k) rgb.plane(0).data()[k] = static_cast<float>(k);  // [[0 1 2] [3 4 5]]
    const std::vector<std::vector<float>> expected = {
        {0, 1, 2, 3, 4, 5},  // 1: as stored (2x3)
        {2, 1, 0, 5, 4, 3},  // 2: mirrored left-right
        {5, 4, 3, 2, 1, 0},  // 3: rotated 180
        {3, 4, 5, 0, 1, 2},  // 4: mirrored top-bottom
        {0, 3, 1, 4, 2, 5},  // 5: transposed (3x2)
        {3, 0, 4, 1, 5, 2},  // 6: rotated 90 clockwise
        {5, 2, 4, 1, 3, 0},  // 7: transverse
        {2, 5, 1, 4, 0, 3},  // 8: rotated 90 counter-clockwise
    };
    for (int exif = 1; exif <= 8; ++exif) {
        CAPTURE(exif);
        const RgbImage out = orient(rgb, exif);
        CHECK(out.height() == (exif >= 5 ? 3 : 2));
        const std::vector<float> got(out.plane(0).data(), out.plane(0).data() + 6);
        CHECK(got == expected[static_cast<std::size_t>(exif - 1)]);
    }
    CHECK_THROWS_AS(orient(rgb, 9), ConfigError);
}

TEST_CASE("sRGB transfer curve, its table, and the tone curve") {
    CHECK(encode_transfer(0.F, Transfer::Srgb) == 0.F);
    CHECK(encode_transfer(0.0031308F, Transfer::Srgb) == doctest::Approx(0.040449936).epsilon(1e-5));
    CHECK(encode_transfer(0.18F, Transfer::Srgb) == doctest::Approx(0.461356).epsilon(1e-5));
    CHECK(encode_transfer(1.F, Transfer::Srgb) == doctest::Approx(1.F));
    CHECK(encode_transfer(0.5F, Transfer::Gamma22) == doctest::Approx(std::pow(0.5, 1 / 2.2)));
    RgbImage ramp(3, 1, 20000);
    for (std::ptrdiff_t k = 0; k < 60000; ++k) ramp.data()[k] = static_cast<float>(k % 20000) / 19999.F;
    RgbImage encoded = ramp;
    apply_transfer(encoded, Transfer::Srgb);
    double worst = 0;
    for (std::ptrdiff_t k = 0; k < 60000; ++k)
        worst = std::max(worst, std::abs(static_cast<double>(encoded.data()[k]) - encode_transfer(ramp.data()[k], Transfer::Srgb)));
    CHECK(worst < 0.5 / 65535);
    RgbImage tone(3, 1, 2);
    tone.plane(0)(0, 0) = 0.25F;
    tone.plane(0)(0, 1) = 0.5F;
    apply_transfer(tone, Transfer::Linear, ToneCurve::Smoothstep);
    CHECK(tone.plane(0)(0, 0) == doctest::Approx(0.15625));
    CHECK(tone.plane(0)(0, 1) == doctest::Approx(0.5));
}

TEST_CASE("render takes a grey card in DN back to its linear value") {
    // DN of a grey of linear value v seen through a camera with sRGB primaries and channel
    // sensitivities = AsShotNeutral, black 64 on a 2x2 pattern, white 4000.
    const std::array<double, 3> neutral{0.5, 1.0, 0.7};
    const float v = 0.3F;
    io::RawMetadata meta;
    meta.phase = BayerPhase::GRBG;
    meta.levels.black = {60, 64, 66, 70};
    meta.levels.white = 4000;
    meta.as_shot_neutral = neutral;
    meta.color_matrix1 = multiply({0.5, 0, 0, 0, 1, 0, 0, 0, 0.7}, inverse(srgb_to_xyz()));
    meta.calibration_illuminant1 = 21;
    meta.orientation = 6;
    Image<float> mosaic(10, 16);
    for (std::ptrdiff_t r = 0; r < 10; ++r)
        for (std::ptrdiff_t c = 0; c < 16; ++c) {
            const float black = meta.levels.black_at(r, c);
            mosaic(r, c) = black + (meta.levels.white - black) * v * static_cast<float>(neutral[static_cast<int>(meta.phase.color_at(r, c))]);
        }
    IspParams p = params_from_metadata(meta);
    const RgbImage linear = render_linear(mosaic.view(), p);
    CHECK(linear.height() == 10);
    for (float x : linear.pixels()) CHECK(x == doctest::Approx(v).epsilon(1e-4));
    const RgbImage display = render(mosaic.view(), p);
    CHECK(display.height() == 16);  // orientation 6 turns it upright
    for (float x : display.pixels()) CHECK(x == doctest::Approx(encode_transfer(v, Transfer::Srgb)).epsilon(1e-4));

    // Average metering brings the grey card to 18 %: log2(0.18 / 0.3) stops.
    const double ev = auto_exposure_ev(mosaic.view(), p);
    CHECK(ev == doctest::Approx(std::log2(0.18 / 0.3)).epsilon(1e-4));
    p.exposure_ev = ev;
    const RgbImage metered = render_linear(mosaic.view(), p);
    for (float x : metered.pixels()) CHECK(x == doctest::Approx(0.18).epsilon(1e-4));
    // A black frame has no exposure to meter.
    Image<float> black(4, 4);
    for (std::ptrdiff_t r = 0; r < 4; ++r)
        for (std::ptrdiff_t c = 0; c < 4; ++c) black(r, c) = meta.levels.black_at(r, c);
    CHECK(auto_exposure_ev(black.view(), p) == 0.0);
}

TEST_CASE("white balance option parsing") {
    CHECK(WhiteBalance::parse("as-shot").mode == WhiteBalance::Mode::AsShot);
    CHECK(WhiteBalance::parse("Gray-World").mode == WhiteBalance::Mode::GrayWorld);
    const auto wb = WhiteBalance::parse("2,1,1.5");
    CHECK(wb.mode == WhiteBalance::Mode::Gains);
    CHECK(wb.gains[2] == doctest::Approx(1.5));
    CHECK_THROWS_AS(WhiteBalance::parse("2,1"), ConfigError);
    CHECK_THROWS_AS(WhiteBalance::parse("2,-1,1"), ConfigError);
}

TEST_CASE("psnr by hand") {
    Image<float> a(4, 4, 0.F), b(4, 4, 0.1F);
    CHECK(metrics::psnr(a.view(), b.view()) == doctest::Approx(20));
    CHECK(std::isinf(metrics::psnr(a.view(), a.view())));
}

TEST_CASE("side by side layout and the bitmap font") {
    RgbImage left(3, 30, 20, 0.5F), right(3, 24, 10, 0.25F);
    const RgbImage fig = side_by_side({{&left, "A"}, {&right, "1.5 DB"}}, 8);
    CHECK(fig.width() == 38);
    CHECK(fig.height() > 30);
    CHECK(fig.plane(1)(29, 19) == 0.5F);
    CHECK(fig.plane(1)(0, 28) == 0.25F);
    CHECK(fig.plane(1)(0, 21) == 0.F);  // the gap
    // Glyph "1" at scale 1: its stem is column 2, rows 0..6; row 6 is the full foot 01110.
    RgbImage canvas(3, 9, 7, 0.F);
    draw_text(canvas, "1", 1, 1, 1, {1.F, 0.F, 0.F});
    for (int r = 0; r < 7; ++r) CHECK(canvas.plane(0)(1 + r, 1 + 2) == 1.F);
    CHECK(canvas.plane(0)(7, 1 + 1) == 1.F);
    CHECK(canvas.plane(0)(7, 1 + 0) == 0.F);
    CHECK(canvas.plane(1)(1 + 3, 1 + 2) == 0.F);
    CHECK(text_width("ABC", 2) == 34);
}

TEST_CASE("orienting the mosaic before demosaicing equals orienting the RGB result") {
    // render() turns the mosaic upright before demosaicing; both kernels are symmetric under
    // the 8 symmetries of the square, so this must match rotating the finished image.
    Image<float> mosaic(12, 18);
    std::uint32_t state = 12345;
    for (float& v : mosaic.pixels()) {
        state = state * 1664525U + 1013904223U;
        v = 100.F + static_cast<float>(state >> 20);
    }
    for (BayerPhase phase : bayer::kAllPhases)
        for (DemosaicMethod method : {DemosaicMethod::Bilinear, DemosaicMethod::Mhc})
            for (int exif = 1; exif <= 8; ++exif) {
                CAPTURE(exif);
                IspParams p;
                p.phase = phase;
                p.levels.black = {90, 95, 100, 98};
                p.levels.white = 5000;
                p.white_balance = {WhiteBalance::Mode::Gains, {1.5F, 1.F, 1.2F}};
                p.demosaic = method;
                p.camera_to_srgb = {1.5, -0.3, -0.2, -0.2, 1.4, -0.2, 0.0, -0.5, 1.5};
                const RgbImage stored = render(mosaic.view(), p);
                p.orientation = exif;
                const RgbImage upright = render(mosaic.view(), p);
                CHECK(max_abs_diff(upright, orient(stored, exif), 0) < 1e-5);
            }
}
