// SPDX-License-Identifier: MIT
// The raw noise model: SIDD's NLF table, synthesis statistics, the generalised Anscombe
// transform's variance and its exact unbiased inverse.
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/anscombe.hpp"
#include "n2n_raw/noise/noise_model.hpp"
#include "support/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>

using namespace n2n;

namespace {

struct Moments {
    double mean = 0;
    double variance = 0;
};

template <class F>
Moments moments_of(const Image<float>& image, F&& f) {
    double s = 0, s2 = 0;
    for (float v : image.pixels()) {
        const double x = f(v);
        s += x;
        s2 += x * x;
    }
    const double n = static_cast<double>(image.pixels().size());
    return {s / n, s2 / n - (s / n) * (s / n)};
}

// Levels spanning SIDD's table: GP ISO 100 (read-noise dominated) to S6 ISO 3200 (shot noise).
const noise::NoiseLevel kLevels[] = {{0.000228, 0.000002}, {0.000723, 0.000003}, {0.003476, 0.000052},
                                     {0.019930, 0.000002}};

}  // namespace

TEST_CASE("the NLF table reader parses SIDD's format and finds levels") {
    test::TempDir dir;
    {
        std::ofstream f(dir / "nlf.txt");
        f << "cam_iso,beta1,beta2\nN6_00800,0.003476,0.000052\nS6_03200,0.019930,0.000002\n";
    }
    const auto table = noise::read_nlf_table(dir / "nlf.txt");
    REQUIRE(table.size() == 2);
    CHECK(table[0].phone == "N6");
    CHECK(table[0].iso == 800);
    const auto& s6 = noise::find_nlf(table, "s6", 3200);
    CHECK(s6.level.beta1 == doctest::Approx(0.019930).scale(0));
    CHECK(s6.level.beta2 == doctest::Approx(0.000002).scale(0));
    CHECK_THROWS_AS(noise::find_nlf(table, "GP", 100), ConfigError);
    CHECK(noise::parse_level_name("N6:800") == std::pair<std::string, int>{"N6", 800});
    CHECK(noise::parse_level_name("ip_01600") == std::pair<std::string, int>{"IP", 1600});
    CHECK_THROWS_AS(noise::parse_level_name("N6"), ConfigError);
    {
        std::ofstream f(dir / "bad.txt");
        f << "cam_iso,beta1,beta2\nN6_00800,abc,0.1\n";
    }
    CHECK_THROWS_AS(noise::read_nlf_table(dir / "bad.txt"), FormatError);
}

TEST_CASE("the shared SIDD NLF table holds the five phones") {
    const auto file = test::shared_file("sidd/noise-level-functions/cam_iso_nlf.txt");
    if (!file) return;
    const auto table = noise::read_nlf_table(*file);
    CHECK(table.size() == 15);
    CHECK(noise::find_nlf(table, "N6", 800).level.beta1 == doctest::Approx(0.003476).scale(0));
    for (const char* phone : {"GP", "IP", "S6", "N6", "G4"}) CHECK_NOTHROW(noise::find_nlf(table, phone, 100));
}

TEST_CASE("generated noise on a flat patch has variance beta1*x + beta2 within 5 %") {
    for (const auto& level : kLevels)
        for (float x : {0.1F, 0.3F, 0.5F}) {
            const Image<float> flat(256, 256, x);
            const Image<float> noisy = noise::add_noise(flat.view(), bayer::BayerPhase::RGGB,
                                                        noise::NoiseModel::uniform(level), 11);
            const Moments m = moments_of(noisy, [](float v) { return static_cast<double>(v); });
            const double expected = level.variance(x);
            INFO(fmt::format("beta1 {} beta2 {} x {}: variance {} expected {}", level.beta1, level.beta2, x,
                             m.variance, expected));
            CHECK(std::abs(m.variance / expected - 1) < 0.05);
            CHECK(std::abs(m.mean - x) < 3 * std::sqrt(expected / 65536.0) + 1e-5);
        }
}

TEST_CASE("noise synthesis is deterministic, per channel, clipped and quantised to 16 bits") {
    const Image<float> flat(64, 64, 0.02F);
    noise::NoiseModel model = noise::NoiseModel::uniform({0.001, 0.00001});
    model.channels[3] = {0.02, 0.0001};  // a much noisier blue plane
    const auto a = noise::add_noise(flat.view(), bayer::BayerPhase::GRBG, model, 5);
    const auto b = noise::add_noise(flat.view(), bayer::BayerPhase::GRBG, model, 5);
    const auto c = noise::add_noise(flat.view(), bayer::BayerPhase::GRBG, model, 6);
    CHECK(a.pixels() == b.pixels());
    CHECK(a.pixels() != c.pixels());
    double blue = 0, red = 0;
    for (std::ptrdiff_t r = 0; r < 64; ++r)
        for (std::ptrdiff_t col = 0; col < 64; ++col) {
            const float v = a(r, col);
            CHECK_MESSAGE(v >= 0.F, "clipped at 0");
            CHECK(std::abs(v * 65535.F - std::round(v * 65535.F)) < 1e-2F);
            const double e = (v - 0.02) * (v - 0.02);
            const auto ch = bayer::BayerPhase(bayer::BayerPhase::GRBG).channel_at(r, col);
            if (ch == bayer::PackedChannel::B) blue += e;
            if (ch == bayer::PackedChannel::R) red += e;
        }
    CHECK(blue > 5 * red);
    CHECK_THROWS_AS(noise::add_noise(flat.view(), bayer::BayerPhase::RGGB, noise::NoiseModel::uniform({0, 0}), 1),
                    ConfigError);
}

TEST_CASE("the GAT gives unit noise variance over a range of levels and signals") {
    for (const auto& level : kLevels) {
        const noise::Anscombe gat(level);
        for (float x : {0.05F, 0.2F, 0.5F, 0.7F}) {
            // The GAT stabilises where the signal is worth >= 20 "photons" (x / beta1) and the
            // clipping at 0 and 1 is more than 3 sigma away; below that no transform can.
            const double sd = std::sqrt(level.variance(x));
            if (x / level.beta1 < 20 || x < 3 * sd || x + 3 * sd > 1) continue;
            const Image<float> flat(256, 256, x);
            const Image<float> noisy = noise::add_noise(flat.view(), bayer::BayerPhase::RGGB,
                                                        noise::NoiseModel::uniform(level), 3);
            const Moments m = moments_of(noisy, [&](float v) { return gat.forward(v); });
            INFO(fmt::format("beta1 {} beta2 {} x {}: GAT variance {}", level.beta1, level.beta2, x, m.variance));
            CHECK(std::abs(m.variance - 1) < 0.06);
        }
    }
}

TEST_CASE("the exact unbiased inverse returns the clean level from the mean of the transformed data") {
    for (const auto& level : kLevels) {
        const noise::Anscombe gat(level);
        // Dark levels included: there the clipping at 0 biases a plain algebraic inverse.
        for (float x : {0.0F, 0.002F, 0.01F, 0.1F, 0.5F, 0.9F}) {
            const Image<float> flat(256, 256, x);
            const Image<float> noisy = noise::add_noise(flat.view(), bayer::BayerPhase::RGGB,
                                                        noise::NoiseModel::uniform(level), 9);
            const Moments m = moments_of(noisy, [&](float v) { return gat.forward(v); });
            const double back = gat.inverse(m.mean);
            // Tolerance: the Monte-Carlo error of the mean of 65536 samples (unit variance), mapped back.
            const double slope = std::sqrt(level.variance(x));
            INFO(fmt::format("beta1 {} x {}: inverse {} ", level.beta1, x, back));
            CHECK(std::abs(back - x) < 4 * slope / 256.0 + 1e-5);
            CHECK(gat.inverse(gat.expected_forward(x)) == doctest::Approx(x).epsilon(1e-3).scale(1e-6));
        }
        // f is concave, so E[f(y) | x] < f(x) (Jensen): the exact inverse of f(x) lies above x,
        // where the algebraic inverse would return x itself.
        CHECK(gat.inverse(gat.forward(0.5)) > 0.5);
    }
}

TEST_CASE("DNG NoiseProfile pairs become a noise model: one pair, or R, G, B with G for both greens") {
    const auto one = noise::NoiseModel::from_dng_noise_profile({0.003, 1e-5});
    REQUIRE(one.has_value());
    for (const auto& l : one->channels) CHECK(l.beta1 == 0.003);
    const auto three = noise::NoiseModel::from_dng_noise_profile({0.001, 1e-6, 0.002, 2e-6, 0.004, 4e-6});
    REQUIRE(three.has_value());
    CHECK(three->channels[0].beta1 == 0.001);
    CHECK(three->channels[1].beta2 == 2e-6);
    CHECK(three->channels[2].beta1 == 0.002);
    CHECK(three->channels[3].beta1 == 0.004);
    CHECK_FALSE(noise::NoiseModel::from_dng_noise_profile({}).has_value());
    CHECK_FALSE(noise::NoiseModel::from_dng_noise_profile({0.1, 0.2, 0.3}).has_value());
    CHECK_FALSE(noise::NoiseModel::from_dng_noise_profile({-0.1, 0.2}).has_value());
}
