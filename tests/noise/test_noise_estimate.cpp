// SPDX-License-Identifier: MIT
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"

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
        for (double s : per_channel) CHECK(s == doctest::Approx(sigma).epsilon(0.05));
    }
}
