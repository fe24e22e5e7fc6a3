// SPDX-License-Identifier: MIT
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/noise_model.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"
#include "n2n_raw/tensor/stabilised_domain.hpp"

#include <doctest/doctest.h>
#include <torch/torch.h>

using namespace n2n;

namespace {
const noise::NoiseModel kN6 = noise::NoiseModel::uniform({0.003476, 0.000052});  // SIDD N6 ISO 800
}

TEST_CASE("stabilised domain: noise of the stated sigma at every signal level, level planes hold it") {
    const StabilisedDomain domain(kN6);
    // 16 flat packed patches from dark to bright, with the noise the model describes.
    for (const float x : {0.02F, 0.1F, 0.3F, 0.6F, 0.9F}) {
        CAPTURE(x);
        Image<float> flat(256, 256);
        for (std::ptrdiff_t r = 0; r < 256; ++r)
            for (std::ptrdiff_t c = 0; c < 256; ++c) flat(r, c) = x;
        const auto noisy = noise::add_noise(flat.view(), bayer::BayerPhase::RGGB, kN6, 11);
        const auto z = domain.encode(pack_to_tensor(noisy.view(), bayer::BayerPhase::RGGB));
        REQUIRE(z.sizes() == torch::IntArrayRef{8, 128, 128});
        const double sd = z.slice(0, 0, 4).std().item<double>();
        CHECK(sd == doctest::Approx(domain.sigma()[0]).epsilon(0.05).scale(0));
        CHECK(z[5].min().item<double>() == doctest::Approx(domain.sigma()[1]).scale(0));
        CHECK(z[5].max().item<double>() == doctest::Approx(domain.sigma()[1]).scale(0));
        // The mean of z is E[z | x]; decode maps it back to x (unbiased inverse), dark pixels included.
        const auto mean = z.slice(0, 0, 4).mean({1, 2}, /*keepdim=*/true).expand({4, 128, 128});
        CHECK(domain.decode(mean)[0][0][0].item<double>() == doctest::Approx(x).epsilon(0.01).scale(0));
        // The supervised target of a clean patch is that same expectation.
        const auto target = domain.expected(pack_to_tensor(flat.view(), bayer::BayerPhase::RGGB));
        CHECK(target[2][3][4].item<double>() == doctest::Approx(mean[2][0][0].item<double>()).epsilon(0.01).scale(0));
    }
}

TEST_CASE("stabilised domain: z spans [0, 1] on clean values, decode inverts expected, shapes and errors") {
    const StabilisedDomain domain(kN6);
    const auto clean = torch::linspace(0.0, 1.0, 4 * 8 * 8).reshape({1, 4, 8, 8});
    const auto z = domain.expected(clean);
    CHECK(z.sizes() == clean.sizes());
    CHECK(z.min().item<double>() > -0.05);
    CHECK(z.max().item<double>() < 1.05);
    CHECK(torch::allclose(domain.decode(z), clean, 0, 2e-4));
    CHECK(domain.encode(clean).sizes() == torch::IntArrayRef{1, 8, 8, 8});
    CHECK_THROWS_AS(domain.encode(torch::zeros({3, 8, 8})), ConfigError);
    CHECK_THROWS_AS(StabilisedDomain(noise::NoiseModel::uniform({0, 0})), ConfigError);
}
