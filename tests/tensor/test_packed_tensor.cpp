// SPDX-License-Identifier: MIT
#include "n2n_raw/error.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"

#include <doctest/doctest.h>
#include <torch/torch.h>

using namespace n2n;
using bayer::BayerPhase;

TEST_CASE("pack_to_tensor equals bayer::pack plane for plane, and unpack_from_tensor inverts it") {
    Image<float> m(6, 8);
    for (std::size_t k = 0; k < m.pixels().size(); ++k) m.pixels()[k] = static_cast<float>(k) * 0.5F;
    for (BayerPhase phase : bayer::kAllPhases) {
        const auto t = pack_to_tensor(m.view(), phase);
        const auto planes = bayer::pack(m.view(), phase);
        REQUIRE(t.sizes() == torch::IntArrayRef{4, 3, 4});
        for (int c = 0; c < 4; ++c)
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 4; ++j) CHECK(t[c][i][j].item<float>() == planes.plane(c)(i, j));
        // Batched, double precision input is accepted too.
        const auto back = unpack_from_tensor(t.unsqueeze(0).to(torch::kFloat64), phase);
        CHECK(back.pixels() == m.pixels());
    }
}

TEST_CASE("tensor conversions reject wrong shapes") {
    CHECK_THROWS_AS(unpack_from_tensor(torch::zeros({3, 2, 2}), BayerPhase::RGGB), ConfigError);
    CHECK_THROWS_AS(unpack_from_tensor(torch::zeros({2, 2}), BayerPhase::RGGB), ConfigError);
    CHECK_THROWS_AS(unpack_from_tensor(torch::zeros({4, 2, 2}, torch::kInt32), BayerPhase::RGGB), ConfigError);
    PlanarImage<float> p(2, 3, 4, 1.5F);
    CHECK(to_planar(to_tensor(p)).pixels() == p.pixels());
}
