// SPDX-License-Identifier: MIT
// A network other than the U-Net drops into inference and export unchanged: the tiler, the
// halos, the stage split and the TorchScript export read only the network's own description.
#include "n2n_raw/deploy/torchscript.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/infer/model.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <torch/script.h>
#include <torch/torch.h>

using namespace n2n;

namespace {

// One pooling level: head = 3×3 conv + pool (a map at 1/2), body = 3×3 conv at 1/2,
// tail = up-convolution, concatenation with the input, 1×1 conv. Worked by hand:
// receptive radius 1 (conv) + 1 (pool) + 2 (conv at 1/2) + 1 (up) = 5; head halo 1, tail halo 0.
class TinyNet : public model::Denoiser {
public:
    TinyNet() {
        namespace nn = torch::nn;
        conv_in_ = register_module("conv_in", nn::Conv2d(nn::Conv2dOptions(4, 6, 3).padding(1)));
        conv_mid_ = register_module("conv_mid", nn::Conv2d(nn::Conv2dOptions(6, 6, 3).padding(1)));
        up_ = register_module("up", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(6, 6, 2).stride(2)));
        conv_out_ = register_module("conv_out", nn::Conv2d(nn::Conv2dOptions(10, 4, 1)));
    }
    torch::Tensor forward(const torch::Tensor& x) override {
        const auto maps = head(x);
        return tail(body(maps.back()), {}, x);
    }
    model::Geometry geometry() const override { return {2, 5}; }
    std::optional<model::StagePlan> stage_plan() const override { return model::StagePlan{{2}, 1, 0}; }
    std::vector<torch::Tensor> head(const torch::Tensor& x) override {
        return {torch::max_pool2d(torch::tanh(conv_in_->forward(x)), 2)};
    }
    torch::Tensor body(const torch::Tensor& coarsest) override { return torch::tanh(conv_mid_->forward(coarsest)); }
    torch::Tensor tail(const torch::Tensor& deep, const std::vector<torch::Tensor>& /*skips*/,
                       const torch::Tensor& x) override {
        return conv_out_->forward(torch::cat({up_->forward(deep), x}, 1));
    }

private:
    torch::nn::Conv2d conv_in_{nullptr}, conv_mid_{nullptr}, conv_out_{nullptr};
    torch::nn::ConvTranspose2d up_{nullptr};
};

// The same layers without the stage split: only the geometry is declared.
class TinyWholeNet : public TinyNet {
public:
    std::optional<model::StagePlan> stage_plan() const override { return std::nullopt; }
};

float max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<float>(); }

}  // namespace

TEST_CASE("the tiny network's declared receptive radius bounds its measured reach") {
    torch::manual_seed(3);
    auto model = infer::Model::from_module(std::make_shared<TinyNet>(), {}, torch::kCPU);
    const std::int64_t n = 64, centre = 31;
    auto x = torch::rand({1, 4, n, n});
    const auto base = model.forward(x);
    x.index_put_({0, 0, centre, centre}, x.index({0, 0, centre, centre}) + 1.0);
    const auto where = ((model.forward(x) - base).abs().amax(1).squeeze(0) > 0).nonzero();
    REQUIRE(where.size(0) > 0);
    const auto reach = (where - centre).abs().max().item<std::int64_t>();
    MESSAGE(fmt::format("measured reach {}, declared {}", reach, model.receptive_radius()));
    CHECK(reach <= model.receptive_radius());
    CHECK(reach >= 3);  // the coarse conv really widens the reach beyond the head's 1 + 1
}

TEST_CASE("tiling, halos and stages follow the tiny network's own description") {
    torch::manual_seed(4);
    auto net = std::make_shared<TinyNet>();
    const auto x = torch::rand({2, 4, 90, 134});  // no multiple of the tile: every kind of edge
    infer::TileOptions untiled;
    untiled.tile = 0;
    untiled.clip = false;
    auto eager = infer::Model::from_module(net, {}, torch::kCPU);
    CHECK(eager.required_multiple() == 2);
    CHECK_FALSE(eager.has_stages());  // the eager form is tiled whole
    const auto reference = infer::denoise_packed(eager, x, untiled);
    CHECK(reference.sizes() == x.sizes());

    infer::TileOptions tiled = untiled;
    tiled.tile = 32;
    CHECK(max_abs_diff(infer::denoise_packed(eager, x, tiled), reference) < 1e-5F);
    tiled.halo = 2;  // below the radius of 5: must show
    CHECK(max_abs_diff(infer::denoise_packed(eager, x, tiled), reference) > 1e-4F);

    // The traced form runs the stages: head halo 1 and tail halo 0, rounded up to the grid of 2.
    auto script = infer::Model::from_module(net, {}, torch::kCPU, infer::Backend::Script);
    REQUIRE(script.has_stages());
    CHECK(*script.stage_plan() == model::StagePlan{{2}, 1, 0});
    infer::TileOptions staged = untiled;
    staged.tile = 32;
    CHECK(max_abs_diff(infer::denoise_packed(script, x, staged), reference) < 1e-5F);
    staged.halo = 0;  // the head's 3×3 conv needs one pixel of context: must show
    CHECK(max_abs_diff(infer::denoise_packed(script, x, staged), reference) > 1e-4F);
}

TEST_CASE("the TorchScript export of another network describes itself and loads back") {
    test::TempDir dir;
    torch::manual_seed(5);
    auto net = std::make_shared<TinyNet>();
    const auto x = torch::rand({1, 4, 24, 40});
    net->eval();
    torch::Tensor eager;
    {
        torch::NoGradGuard no_grad;
        eager = net->forward(x);
    }
    deploy::export_torchscript(*net, {}, dir / "tiny.pt");
    const auto module = torch::jit::load((dir / "tiny.pt").string());
    const auto description = deploy::describe(module, "tiny.pt");
    CHECK(description.geometry.multiple == 2);
    CHECK(description.geometry.receptive_radius == 5);
    REQUIRE(description.stages.has_value());
    CHECK(*description.stages == model::StagePlan{{2}, 1, 0});
    CHECK(module.attr("input_contract").toStringRef() == deploy::input_contract(net->geometry()));
    CHECK(deploy::input_contract(net->geometry()).find("multiples of 2;") != std::string::npos);

    const auto loaded = infer::Model::load(dir / "tiny.pt", torch::kCPU);
    CHECK(loaded.has_stages());
    CHECK(max_abs_diff(loaded.forward(x), eager) < 1e-5F);
    // The traced graph is not tied to the tracing size.
    const auto other = torch::rand({3, 4, 10, 18});
    torch::NoGradGuard no_grad;
    CHECK(max_abs_diff(loaded.forward(other), net->forward(other)) < 1e-5F);

    // Without a stage split the export has no stage methods and the loader tiles it whole.
    auto whole = std::make_shared<TinyWholeNet>();
    deploy::export_torchscript(*whole, {}, dir / "whole.pt");
    const auto whole_model = infer::Model::load(dir / "whole.pt", torch::kCPU);
    CHECK_FALSE(whole_model.has_stages());
    CHECK(whole_model.receptive_radius() == 5);

    // A TorchScript file that does not describe itself is refused, naming the attribute.
    torch::jit::Module bare("Bare");
    bare.define("def forward(self, x: Tensor) -> Tensor:\n    return x\n");
    bare.save((dir / "bare.pt").string());
    try {
        (void)infer::Model::load(dir / "bare.pt", torch::kCPU);
        FAIL("a module without geometry attributes was accepted");
    } catch (const FormatError& e) {
        CHECK(std::string(e.what()).find("n2n_multiple") != std::string::npos);
        CHECK(std::string(e.what()).find("bare.pt") != std::string::npos);
    }
}
