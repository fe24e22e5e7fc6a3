// SPDX-License-Identifier: MIT
// Burst references against a known clean scene: the error falls as 1/sqrt(N); moved and outlier
// frames are rejected by name; small shifts are aligned.
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/burst_reference.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace n2n;

namespace {

// A textured scene in [0.2, 0.8] (no clipping), as a function so that a moved frame can be
// computed exactly: content at (r, c) of a frame moved by (dr, dc) mosaic pixels is scene(r - dr, c - dc).
float scene_at(std::ptrdiff_t r, std::ptrdiff_t c) {
    const double x = static_cast<double>(c), y = static_cast<double>(r);
    return static_cast<float>(0.5 + 0.2 * std::sin(0.21 * x + 0.05 * y) + 0.1 * std::cos(0.17 * y - 0.03 * x));
}

Image<float> scene(std::ptrdiff_t h, std::ptrdiff_t w, std::ptrdiff_t dr = 0, std::ptrdiff_t dc = 0) {
    Image<float> m(h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c) m(r, c) = scene_at(r - dr, c - dc);
    return m;
}

const noise::NoiseModel kNoise = noise::NoiseModel::uniform({1e-3, 1e-5});

Image<float> noisy(const Image<float>& clean, std::uint64_t seed) {
    return noise::add_noise(clean.view(), bayer::BayerPhase::RGGB, kNoise, seed);
}

double rms_error(const Image<float>& a, const Image<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.pixels().size(); ++i) {
        const double d = static_cast<double>(a.pixels()[i]) - b.pixels()[i];
        s += d * d;
    }
    return std::sqrt(s / static_cast<double>(a.pixels().size()));
}

noise::BurstReference reference_of(const std::vector<Image<float>>& frames, const noise::ReferenceOptions& options = {}) {
    std::vector<ImageView<const float>> views;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < frames.size(); ++k) {
        views.push_back(frames[k].view());
        names.push_back(fmt::format("f{:02}", k));
    }
    return noise::build_reference(views, names, options);
}

}  // namespace

TEST_CASE("reference error falls as 1/sqrt(N)") {
    const Image<float> clean = scene(256, 256);
    std::vector<Image<float>> frames;
    for (std::uint64_t k = 0; k < 16; ++k) frames.push_back(noisy(clean, 50 + k));
    const std::vector<Image<float>> four(frames.begin(), frames.begin() + 4);
    const auto r4 = reference_of(four), r16 = reference_of(frames);
    const double e1 = rms_error(frames[0], clean), e4 = rms_error(r4.mean, clean), e16 = rms_error(r16.mean, clean);
    MESSAGE(fmt::format("RMS error vs clean: 1 frame {:.3e}, N=4 {:.3e}, N=16 {:.3e}; ratio 4/16 = {:.3f}; "
                        "reported residual sigma N=4 {:.3e}, N=16 {:.3e}",
                        e1, e4, e16, e4 / e16, r4.residual_sigma, r16.residual_sigma));
    CHECK(r4.used == 4);
    CHECK(r16.used == 16);
    CHECK(e4 / e16 == doctest::Approx(2.0).epsilon(0.15));
    CHECK(e1 / e4 == doctest::Approx(2.0).epsilon(0.15));
    // The reported residual is the error the reference has.
    CHECK(r16.residual_sigma == doctest::Approx(e16).epsilon(0.15));
    CHECK(r4.residual_sigma == doctest::Approx(e4).epsilon(0.15));
    // The variance map is the noise variance: beta1 * x + beta2 on average.
    double var = 0, expected = 0;
    for (std::size_t i = 0; i < clean.pixels().size(); ++i) {
        var += r16.variance.pixels()[i];
        expected += kNoise.channels[0].variance(clean.pixels()[i]);
    }
    CHECK(var / expected == doctest::Approx(1.0).epsilon(0.05));
}

TEST_CASE("a frame moved beyond the search and a much brighter frame are rejected by name") {
    const Image<float> clean = scene(256, 256);
    std::vector<Image<float>> frames;
    for (std::uint64_t k = 0; k < 8; ++k) frames.push_back(noisy(clean, 80 + k));
    frames[3] = noisy(scene(256, 256, 10, -6), 200);  // moved 5 and 3 packed pixels
    Image<float> bright = scene(256, 256);
    for (float& v : bright.pixels()) v += 0.1F;
    frames[5] = noisy(bright, 201);

    for (int search : {0, 2}) {
        CAPTURE(search);
        noise::ReferenceOptions options;
        options.search = search;
        const auto ref = reference_of(frames, options);
        CHECK(ref.used == 6);
        CHECK(ref.frames[3].name == "f03");
        CHECK_FALSE(ref.frames[3].used);
        CHECK_FALSE(ref.frames[5].used);
        CHECK(ref.frames[5].reason.find("outlier") != std::string::npos);
        // With a search it may be caught at the search's edge ("moved beyond") or as an outlier.
        CHECK_FALSE(ref.frames[3].reason.empty());
        for (std::size_t k : {0, 1, 2, 4, 6, 7}) CHECK(ref.frames[k].used);
        // The reference is that of the six good frames: about sigma / sqrt(6).
        CHECK(rms_error(ref.mean, clean) < 1.2 * rms_error(frames[0], clean) / std::sqrt(6.0));
    }
}

TEST_CASE("with alignment, a frame shifted by 1-2 packed pixels is aligned and kept") {
    const Image<float> clean = scene(256, 256);
    std::vector<Image<float>> frames;
    for (std::uint64_t k = 0; k < 6; ++k) frames.push_back(noisy(clean, 300 + k));
    frames[2] = noisy(scene(256, 256, 2, -4), 400);  // content moved down 1, left 2 packed pixels
    noise::ReferenceOptions options;
    options.search = 3;
    const auto ref = reference_of(frames, options);
    CHECK(ref.used == 6);
    CHECK(ref.frames[2].used);
    // frame(r + 2 * 1, c + 2 * (-2)) lines up with frame 0.
    CHECK(ref.frames[2].shift_rows == 1);
    CHECK(ref.frames[2].shift_cols == -2);
    for (std::size_t k : {0, 1, 3, 4, 5}) CHECK(ref.frames[k].shift_rows == 0);
    // Away from the border the shifted frame adds as much as any: error about sigma / sqrt(6).
    const auto interior = [](const Image<float>& m) { return m.view().sub(8, 8, 240, 240); };
    double s = 0;
    const auto a = interior(ref.mean), b = interior(clean);
    for (std::ptrdiff_t r = 0; r < a.height(); ++r)
        for (std::ptrdiff_t c = 0; c < a.width(); ++c) s += (a(r, c) - b(r, c)) * (a(r, c) - b(r, c));
    const double err = std::sqrt(s / static_cast<double>(a.height() * a.width()));
    CHECK(err < 1.15 * rms_error(frames[0], clean) / std::sqrt(6.0));

    // Without alignment the same frame is an outlier.
    const auto unaligned = reference_of(frames);
    CHECK_FALSE(unaligned.frames[2].used);
    CHECK_THROWS_AS(reference_of({frames[0]}), ConfigError);
}
