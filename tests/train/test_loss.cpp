// SPDX-License-Identifier: MIT
// The Neighbor2Neighbor loss on a hand-computed example, its stop-gradient, and the schedules.
#include "n2n_raw/error.hpp"
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

namespace {

// f(z) = w · (the 4 data planes of an 8-plane noise-conditioned input).
class ScaleData : public n2n::model::Denoiser {
public:
    explicit ScaleData(float w) { w_ = register_parameter("w", torch::full({1}, w)); }
    torch::Tensor forward(const torch::Tensor& x) override { return x.narrow(1, 0, 4) * w_; }
    n2n::model::Geometry geometry() const override { return {1, 0}; }
    torch::Tensor w_;
};

torch::Tensor with_sigma(const torch::Tensor& data, float sigma) {
    return torch::cat({data, torch::full_like(data, sigma)}, 1);
}

}  // namespace

TEST_CASE("SURE loss: hand-computed value and gradient; clipped values add no divergence") {
    // Data planes all 0.5 but one value on the clip (0); sigma 0.1; probe 1 everywhere, so the
    // finite difference of the linear f is exactly w.
    auto data = torch::full({1, 4, 2, 2}, 0.5F);
    data[0][0][0][0] = 0.F;
    ScaleData net(0.8F);
    const auto t = n2n::train::sure_loss(net, with_sigma(data, 0.1F), torch::ones({1, 4, 2, 2}));
    // residual: 15 values of (0.4 - 0.5)² and one 0, over 16; divergence: 2 σ² w over the 15 moving values.
    CHECK(t.reconstruction.item<double>() == doctest::Approx(15 * 0.01 / 16).epsilon(1e-5));
    CHECK(t.regularizer.item<double>() == doctest::Approx(2 * 0.01 * 0.8 * 15 / 16).epsilon(1e-4));
    t.total.backward();
    // d/dw: mean(2 (w z − z) z) + 2 σ² · 15/16 = 2 · (−0.1 · 0.5) · 15/16 + 0.02 · 15/16.
    CHECK(net.w_.grad().item<double>() == doctest::Approx((-0.1 + 0.02) * 15 / 16).epsilon(1e-3));
    // Raw input (4 planes) has no noise level to use.
    CHECK_THROWS_AS(n2n::train::sure_loss(net, data, torch::ones({1, 4, 2, 2})), n2n::ConfigError);
}

TEST_CASE("SURE loss: minimising it on noisy data alone finds the MSE-optimal shrinkage the clean data defines") {
    torch::manual_seed(3);
    const float sigma = 0.2F;
    const auto clean = torch::rand({8, 4, 32, 32}) * 0.6 + 0.2;
    const auto noisy = clean + sigma * torch::randn_like(clean);
    // The best w for w · z against the clean x: sum(x z) / sum(z²).
    const double optimum = ((clean * noisy).sum() / noisy.square().sum()).item<double>();
    ScaleData net(1.0F);
    torch::optim::SGD sgd(net.parameters(), torch::optim::SGDOptions(0.5));
    for (int step = 0; step < 400; ++step) {
        sgd.zero_grad();
        n2n::train::sure_loss(net, with_sigma(noisy, sigma), torch::randn_like(noisy)).total.backward();
        sgd.step();
    }
    CHECK(net.w_.item<double>() == doctest::Approx(optimum).epsilon(0.01));
    CHECK(optimum < 0.9);  // a real shrinkage, far from the identity it started at
}
