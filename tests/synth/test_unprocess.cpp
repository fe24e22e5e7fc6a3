// SPDX-License-Identifier: MIT
// Unprocessing inverts the project's ISP: photograph -> raw -> pipeline::render -> photograph.
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/synth/unprocess.hpp"
#include "support/test_data.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <span>

using namespace n2n;

TEST_CASE("decode_transfer inverts the ISP's transfer and tone curves") {
    using pipeline::ToneCurve;
    using pipeline::Transfer;
    for (Transfer t : {Transfer::Srgb, Transfer::Gamma22, Transfer::Linear})
        for (ToneCurve tone : {ToneCurve::None, ToneCurve::Smoothstep})
            for (float x : {0.F, 0.001F, 0.003F, 0.01F, 0.2F, 0.5F, 0.9F, 1.F}) {
                float y = pipeline::encode_transfer(x, t);
                if (tone == ToneCurve::Smoothstep) y = y * y * (3.F - 2.F * y);
                CHECK(synth::decode_transfer(y, t, tone) == doctest::Approx(x).epsilon(1e-4).scale(1e-6));
            }
}

TEST_CASE("a flat colour unprocesses to the camera's raw values and renders back exactly") {
    // Flat areas demosaic exactly, so only the colour chain is tested here, in every phase.
    for (bayer::BayerPhase phase : bayer::kAllPhases) {
        synth::UnprocessParams params;
        params.phase = phase;
        pipeline::RgbImage photo(3, 16, 16);
        const float colour[3] = {0.6F, 0.45F, 0.3F};
        for (int ch = 0; ch < 3; ++ch)
            for (float& v : std::span(photo.plane(ch).data(), 256)) v = colour[ch];
        const Image<float> raw = synth::unprocess(photo, params);
        // Red is darker than green in raw (the white balance gain is > 1), as on real sensors.
        const auto [rr, rc] = phase.position_of(bayer::PackedChannel::R);
        const auto [gr, gc] = phase.position_of(bayer::PackedChannel::Gr);
        CHECK(raw(rr, rc) < raw(gr, gc));
        const pipeline::RgbImage back = pipeline::render(raw.view(), synth::isp_params(params));
        for (int ch = 0; ch < 3; ++ch) CHECK(back.plane(ch)(8, 8) == doctest::Approx(colour[ch]).epsilon(1e-3));
    }
}

namespace {

// Kodak image k as planar RGB in [0, 1], or nothing (with a MESSAGE) when the set is absent.
std::optional<pipeline::RgbImage> kodak(int k) {
    const auto file = test::shared_file(fmt::format("clean/kodak24/kodim{:02d}.png", k));
    if (!file) return std::nullopt;
    const auto png = io::read_png_rgb8(*file);
    return io::from_rgb8(png.samples, png.height, png.width);
}

}  // namespace

TEST_CASE("Kodak24: unprocessing inverts every ISP stage but the demosaic at >= 40 dB") {
    // The ISP's own stage functions applied to the full camera RGB (white balance gains and their
    // clip, colour matrix, clip, transfer curve): what render() does, with an exact demosaic.
    double sum = 0;
    int n = 0;
    for (int k = 1; k <= 24; ++k) {
        const auto photo = kodak(k);
        if (!photo) return;
        const synth::UnprocessParams params;
        pipeline::RgbImage rgb = synth::unprocess_to_camera_rgb(*photo, params);
        const pipeline::IspParams isp = synth::isp_params(params);
        // The sensor records cam / gain in [0, 1]; the ISP multiplies back and clips to [0, 1].
        for (int ch = 0; ch < 3; ++ch) {
            const float g = params.camera.wb_gains[static_cast<std::size_t>(ch)];
            for (float& v : std::span(rgb.plane(ch).data(), static_cast<std::size_t>(rgb.height() * rgb.width())))
                v = std::clamp(std::clamp(v / g, 0.F, 1.F) * g, 0.F, 1.F);
        }
        pipeline::apply_matrix(rgb, isp.camera_to_srgb);
        pipeline::clip(rgb);
        pipeline::apply_transfer(rgb, isp.transfer, isp.tone);
        const double p = metrics::psnr(rgb, *photo);
        sum += p;
        ++n;
        CHECK(p >= 35.0);  // saturated colours outside the camera's gamut are clipped
    }
    MESSAGE(fmt::format("Kodak24 mean PSNR of the inverted colour chain: {:.2f} dB", sum / n));
    CHECK(sum / n >= 40.0);
}

TEST_CASE("Kodak24: unprocess -> the whole ISP (MHC demosaic included) returns the photograph") {
    // Full resolution, so the CFA drops 2/3 of the samples and the demosaic's errors are then
    // amplified by the camera -> sRGB matrix (D750: rows with coefficients near ±1): measured
    // 30.1 dB mean over all four phases, limited by demosaicking, not by the inversion.
    double sum = 0;
    int n = 0;
    for (int k = 1; k <= 24; ++k) {
        const auto photo = kodak(k);
        if (!photo) return;
        synth::UnprocessParams params;
        params.phase = bayer::kAllPhases[static_cast<std::size_t>(k % 4)];
        const Image<float> raw = synth::unprocess(*photo, params);
        const pipeline::RgbImage back = pipeline::render(raw.view(), synth::isp_params(params));
        const double p = metrics::psnr(back, *photo, 1.0, 4);
        MESSAGE(fmt::format("kodim{:02d} ({}): {:.2f} dB", k, params.phase.name(), p));
        sum += p;
        ++n;
    }
    MESSAGE(fmt::format("Kodak24 mean round-trip PSNR {:.2f} dB", sum / n));
    CHECK(sum / n >= 29.5);
}
