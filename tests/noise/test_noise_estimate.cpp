// SPDX-License-Identifier: MIT
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"
#include "n2n_raw/noise/noise_model.hpp"
#include "n2n_raw/noise/residual_check.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <random>

using namespace n2n;

TEST_CASE("the HH band of a hand-made 2x2 gives the expected median") {
    // One block: a - b - c + d = 1 - 0 - 0 + 1 = 2, halved = 1 -> sigma = 1 / 0.6745.
    Image<float> m(2, 2);
    m(0, 0) = 1;
    m(1, 1) = 1;
    CHECK(noise::estimate_sigma(m.view()) == doctest::Approx(1.0 / 0.6745));
    CHECK_THROWS_AS(noise::estimate_sigma(Image<float>(1, 4).view()), ConfigError);
}

TEST_CASE("estimated sigma matches known white noise added to a smooth ramp") {
    std::mt19937 rng(7);
    for (double sigma : {0.002, 0.01, 0.05}) {
        std::normal_distribution<float> n(0.F, static_cast<float>(sigma));
        Image<float> m(512, 512);
        for (std::ptrdiff_t r = 0; r < 512; ++r)
            for (std::ptrdiff_t c = 0; c < 512; ++c)
                m(r, c) = 0.3F + 0.4F * static_cast<float>(r + c) / 1024.F + n(rng);
        const auto per_channel = noise::estimate_mosaic_sigma(m.view(), bayer::BayerPhase::RGGB);
        for (double s : per_channel) CHECK(s == doctest::Approx(sigma).epsilon(0.05).scale(0));
    }
}

TEST_CASE("the blind noise level fit recovers beta1 and beta2 of synthesised Poisson-Gaussian noise") {
    // A ramp over the whole range (every bin populated) with SIDD-like levels, clipped and quantised
    // as a sensor: the fit must find the line the noise was drawn from.
    Image<float> clean(768, 768);
    for (std::ptrdiff_t r = 0; r < 768; ++r)
        for (std::ptrdiff_t c = 0; c < 768; ++c) clean(r, c) = static_cast<float>(r * 768 + c) / (768.F * 768.F);
    for (const noise::NoiseLevel truth : {noise::NoiseLevel{0.003476, 0.000052}, noise::NoiseLevel{0.01993, 0.000002},
                                          noise::NoiseLevel{0.000228, 0.000002}}) {
        CAPTURE(truth.beta1);
        const auto noisy = noise::add_noise(clean.view(), bayer::BayerPhase::RGGB, noise::NoiseModel::uniform(truth), 3);
        const auto fit = noise::estimate_noise_model(noisy.view(), bayer::BayerPhase::RGGB).channels[0];
        CHECK(fit.beta1 == doctest::Approx(truth.beta1).epsilon(0.1).scale(0));
        // beta2 is small next to beta1 * x: judge it by the predicted noise sigma at x = 0.05.
        const double sd_fit = std::sqrt(fit.variance(0.05)), sd_true = std::sqrt(truth.variance(0.05));
        CHECK(sd_fit == doctest::Approx(sd_true).epsilon(0.1).scale(0));
    }
    CHECK_THROWS_AS(noise::estimate_noise_model(Image<float>(8, 64).view(), bayer::BayerPhase::RGGB), ConfigError);
}

TEST_CASE("residual check: removing exactly the noise reads 1 and white, a blur reads high and correlated") {
    // A textured clean mosaic (a fine sinusoid pattern), noise of a known level.
    Image<float> clean(256, 256);
    for (std::ptrdiff_t r = 0; r < 256; ++r)
        for (std::ptrdiff_t c = 0; c < 256; ++c)
            clean(r, c) = 0.4F + 0.2F * std::sin(0.3F * static_cast<float>(r)) * std::cos(0.23F * static_cast<float>(c));
    const auto level = noise::NoiseModel::uniform({0.003476, 0.000052});
    const auto noisy = noise::add_noise(clean.view(), bayer::BayerPhase::RGGB, level, 9);
    const auto ideal = noise::check_residual(noisy.view(), clean.view(), bayer::BayerPhase::RGGB, &level);
    CHECK(ideal.removed_ratio == doctest::Approx(1.0).epsilon(0.05));
    CHECK(std::abs(ideal.neighbour_correlation) < 0.03);

    // A 5x5 same-colour box blur of the noisy frame: noise gone, and much of the texture too.
    Image<float> blurred(256, 256);
    for (std::ptrdiff_t r = 0; r < 256; ++r)
        for (std::ptrdiff_t c = 0; c < 256; ++c) {
            double s = 0;
            int k = 0;
            for (std::ptrdiff_t dr = -4; dr <= 4; dr += 2)
                for (std::ptrdiff_t dc = -4; dc <= 4; dc += 2)
                    if (r + dr >= 0 && r + dr < 256 && c + dc >= 0 && c + dc < 256) s += noisy(r + dr, c + dc), ++k;
            blurred(r, c) = static_cast<float>(s / k);
        }
    const auto blur = noise::check_residual(noisy.view(), blurred.view(), bayer::BayerPhase::RGGB, &level);
    CHECK(blur.removed_ratio > 1.3);
    CHECK(blur.neighbour_correlation > 0.3);
    // Doing nothing removes nothing.
    CHECK(noise::check_residual(noisy.view(), noisy.view(), bayer::BayerPhase::RGGB, &level).removed_ratio == 0);
}

TEST_CASE("the blind noise level fit keeps texture out: edges everywhere barely move it") {
    // Cells of 5 x 7 mosaic pixels at random levels: most 2x2 packed blocks straddle an edge, whose
    // detail dwarfs the noise; the flat blocks inside the cells still tell the noise.
    std::mt19937 rng(12);
    std::uniform_real_distribution<float> level(0.05F, 0.9F);
    std::vector<float> cells(160 * 120);
    for (auto& v : cells) v = level(rng);
    Image<float> clean(768, 768);
    for (std::ptrdiff_t r = 0; r < 768; ++r)
        for (std::ptrdiff_t c = 0; c < 768; ++c) clean(r, c) = cells[static_cast<std::size_t>((r / 5) * 120 + c / 7)];
    const noise::NoiseLevel truth{0.003476, 0.000052};
    const auto noisy = noise::add_noise(clean.view(), bayer::BayerPhase::RGGB, noise::NoiseModel::uniform(truth), 4);
    const auto fit = noise::estimate_noise_model(noisy.view(), bayer::BayerPhase::RGGB).channels[0];
    MESSAGE("fitted beta1 ", fit.beta1, " beta2 ", fit.beta2, " (true ", truth.beta1, ", ", truth.beta2, ")");
    for (const double x : {0.1, 0.4, 0.8})
        CHECK(std::sqrt(fit.variance(x)) == doctest::Approx(std::sqrt(truth.variance(x))).epsilon(0.15).scale(0));
}
