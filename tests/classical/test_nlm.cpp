// SPDX-License-Identifier: MIT
// The classical baseline: non-local means and GAT + NLM + exact unbiased inverse on raw mosaics.
#include "n2n_raw/classical/nlm.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace n2n;

namespace {

// A test card: flat steps (where NLM finds many similar patches), a ramp and dark corner.
Image<float> card(std::ptrdiff_t h, std::ptrdiff_t w) {
    Image<float> m(h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c) {
            const float step = 0.1F + 0.2F * static_cast<float>((c / 32 + r / 48) % 4);
            m(r, c) = r < h / 4 && c < w / 4 ? 0.01F : step + 0.1F * static_cast<float>(r) / static_cast<float>(h);
        }
    return m;
}

}  // namespace

TEST_CASE("non-local means reduces white noise on a flat plane and keeps the mean") {
    PlanarImage<float> planes(2, 64, 64);
    for (std::ptrdiff_t ch = 0; ch < 2; ++ch)
        for (std::ptrdiff_t r = 0; r < 64; ++r)
            for (std::ptrdiff_t c = 0; c < 64; ++c)
                planes.plane(ch)(r, c) = 5.F + static_cast<float>(noise::counter_normal(7, static_cast<std::uint64_t>((ch * 64 + r) * 64 + c)));
    classical::NlmParams p;
    p.search_radius = 5;
    p.patch_radius = 2;
    p.threads = 2;
    const auto out = classical::nlm(planes, 1.0, p);
    double s = 0, s2 = 0;
    for (float v : out.pixels()) {
        s += v;
        s2 += (v - 5.0) * (v - 5.0);
    }
    const double n = static_cast<double>(out.pixels().size());
    CHECK(std::abs(s / n - 5.0) < 0.05);
    CHECK(s2 / n < 0.1);  // input variance 1
    p.threads = 1;
    CHECK(classical::nlm(planes, 1.0, p).pixels() == out.pixels());  // threads do not change the result
    p.h = 0;
    CHECK_THROWS_AS(classical::nlm(planes, 1.0, p), ConfigError);
}

TEST_CASE("GAT + NLM + exact inverse gains several dB on a noisy mosaic without lifting the shadows") {
    const Image<float> clean = card(128, 192);
    for (const noise::NoiseLevel level : {noise::NoiseLevel{0.003476, 0.000052}, noise::NoiseLevel{0.01993, 0.000002}}) {
        for (bayer::BayerPhase phase : {bayer::BayerPhase::RGGB, bayer::BayerPhase::GBRG}) {
            const auto model = noise::NoiseModel::uniform(level);
            const Image<float> noisy = noise::add_noise(clean.view(), phase, model, 21);
            const Image<float> out = classical::denoise_gat_nlm(noisy.view(), phase, model);
            const double before = metrics::psnr(noisy.view(), clean.view());
            const double after = metrics::psnr(out.view(), clean.view());
            MESSAGE(fmt::format("beta1 {} {}: noisy {:.2f} dB, GAT+NLM {:.2f} dB", level.beta1, phase.name(), before, after));
            CHECK(after > before + 6.0);
            // The dark corner (clean 0.01, noise clipped at 0) comes back unbiased.
            double dark = 0;
            for (std::ptrdiff_t r = 4; r < 28; ++r)
                for (std::ptrdiff_t c = 4; c < 44; ++c) dark += out(r, c) - 0.01;
            CHECK(std::abs(dark / (24 * 40)) < 0.002);
        }
    }
}
