// SPDX-License-Identifier: MIT
// Unprocessing inverts the project's ISP: photograph -> raw -> pipeline::render -> photograph.
#include "n2n_raw/pipeline/image_files.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/synth/unprocess.hpp"
#include "support/test_data.hpp"

#include <cmath>
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

TEST_CASE("Kodak24: unprocess -> the ISP returns the photograph at >= 40 dB") {
    double sum = 0;
    int n = 0;
    for (int k = 1; k <= 24; ++k) {
        const auto file = test::shared_file(fmt::format("clean/kodak24/kodim{:02d}.png", k));
        if (!file) return;
        const auto png = pipeline::read_png_rgb8(*file);
        const pipeline::RgbImage photo = pipeline::from_rgb8(png.samples, png.height, png.width);
        synth::UnprocessParams params;
        params.phase = bayer::kAllPhases[static_cast<std::size_t>(k % 4)];
        const Image<float> raw = synth::unprocess(photo, params);
        const pipeline::RgbImage back = pipeline::render(raw.view(), synth::isp_params(params));
        const double p = pipeline::psnr(back, photo, 4);
        MESSAGE(fmt::format("kodim{:02d} ({}): {:.2f} dB", k, params.phase.name(), p));
        sum += p;
        ++n;
    }
    MESSAGE(fmt::format("Kodak24 mean round-trip PSNR {:.2f} dB", sum / n));
    CHECK(sum / n >= 40.0);
}
