// SPDX-License-Identifier: MIT
// The Neighbor2Neighbor loss on a hand-computed example, its stop-gradient, and the schedules.
#include "n2n_raw/train/loss.hpp"
#include "n2n_raw/train/sampler.hpp"

#include <doctest/doctest.h>
#include <torch/torch.h>

namespace {

// f(x) = w · x with one scalar parameter: small enough to differentiate by hand.
class Scale : public n2n::model::Denoiser {
public:
    explicit Scale(float w) { w_ = register_parameter("w", torch::full({1}, w)); }
    torch::Tensor forward(const torch::Tensor& x) override { return x * w_; }
    n2n::model::Geometry geometry() const override { return {1, 0}; }
    torch::Tensor w_;
};

}  // namespace

TEST_CASE("loss and gradient equal the hand-computed values; no gradient through f(y)") {
    // One image, one channel, 2 × 4: cells (1 2 / 5 6) and (3 4 / 7 8).
    const auto y = torch::tensor({1.F, 2.F, 3.F, 4.F, 5.F, 6.F, 7.F, 8.F}).view({1, 1, 2, 4});
    // Cell 0 takes pair (0,1): g1 = 1, g2 = 2. Cell 1 takes pair (2,3): g1 = 7, g2 = 8.
    const auto choices = torch::tensor({0, 3}, torch::kUInt8).view({1, 1, 2});
    Scale net(0.5F);
    const auto t = n2n::train::neighbor2neighbor_loss(net, y, choices, 0.3);
    // diff = (0.5 - 2, 3.5 - 8) = (-1.5, -4.5): reconstruction = (2.25 + 20.25) / 2.
    CHECK(t.reconstruction.item<double>() == doctest::Approx(11.25));
    // exp = (0.5 - 1, 3.5 - 4) = (-0.5, -0.5); diff - exp = (-1, -4): regularizer = 17 / 2.
    CHECK(t.regularizer.item<double>() == doctest::Approx(8.5));
    CHECK(t.total.item<double>() == doctest::Approx(11.25 + 0.3 * 8.5));
    t.total.backward();
    // d/dw with exp held constant: mean(2 diff g1) + 0.3 mean(2 (diff - exp) g1)
    //   = (-3 - 63) / 2 + 0.3 (-2 - 56) / 2 = -33 - 8.7. Were the gradient to flow through f(y),
    // d exp/dw = (-1, -1) would add 0.3 · mean(2 (diff - exp)) = 0.3 · (-5) = -1.5.
    CHECK(net.w_.grad().item<double>() == doctest::Approx(-41.7));
}

TEST_CASE("the same choices give the same sub-images of y and of f(y)") {
    // With f = identity the regulariser target equals g1(y) - g2(y): diff - exp = f(g1) - g1.
    const auto y = torch::rand({2, 4, 8, 8});
    auto gen = at::detail::createCPUGenerator(3);
    const auto choices = n2n::train::draw_pair_choices(2, 8, 8, n2n::train::SamplerKind::Random, gen);
    Scale identity(1.F);
    const auto t = n2n::train::neighbor2neighbor_loss(identity, y, choices, 1.0);
    CHECK(t.regularizer.item<double>() == doctest::Approx(0.0));
    CHECK(t.reconstruction.item<double>() > 0.0);
}

TEST_CASE("regulariser ramp: Lambda = epoch / n_epochs * gamma, epoch from 1") {
    CHECK(n2n::train::regularizer_weight(1, 100, 1.0) == doctest::Approx(0.01));
    CHECK(n2n::train::regularizer_weight(50, 100, 1.0) == doctest::Approx(0.5));
    CHECK(n2n::train::regularizer_weight(100, 100, 1.0) == doctest::Approx(1.0));
    CHECK(n2n::train::regularizer_weight(100, 100, 2.0) == doctest::Approx(2.0));
    CHECK(n2n::train::regularizer_weight(3, 10, 2.0) == doctest::Approx(0.6));
}

TEST_CASE("learning rate halves after epochs 20, 40, 60 and 80") {
    using n2n::train::learning_rate;
    for (int e : {1, 10, 20}) CHECK(learning_rate(e, 1e-4) == doctest::Approx(1e-4));
    for (int e : {21, 40}) CHECK(learning_rate(e, 1e-4) == doctest::Approx(5e-5));
    CHECK(learning_rate(41, 1e-4) == doctest::Approx(2.5e-5));
    CHECK(learning_rate(61, 1e-4) == doctest::Approx(1.25e-5));
    CHECK(learning_rate(80, 1e-4) == doctest::Approx(1.25e-5));
    CHECK(learning_rate(81, 1e-4) == doctest::Approx(6.25e-6));
    CHECK(learning_rate(100, 1e-4) == doctest::Approx(6.25e-6));
    CHECK(learning_rate(50, 3e-4, 0) == doctest::Approx(3e-4));  // step 0: constant
}
