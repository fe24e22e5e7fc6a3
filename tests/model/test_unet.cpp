// SPDX-License-Identifier: MIT
// The U-Net against the paper's hand-counted layout, its init, padding helper and checkpoints.
#include "n2n_raw/error.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/model/layer_walk.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <tuple>
#include <utility>
#include <vector>
#include <torch/torch.h>

using n2n::model::NetConfig;

namespace {

// Identity network: shows what forward_padded does to the pixels themselves.
class Identity : public n2n::model::Denoiser {
public:
    torch::Tensor forward(const torch::Tensor& x) override {
        REQUIRE(x.size(2) % 32 == 0);
        REQUIRE(x.size(3) % 32 == 0);
        return x.clone();
    }
    n2n::model::Geometry geometry() const override { return {32, 0}; }
};

}  // namespace

TEST_CASE("U-Net parameter count matches the hand count of the reference layout") {
    // 4 -> 4: encoder 1,776 + 6 x 20,784; up5 9,264; dec5 2 x 83,040; 3 x (36,960 + 124,512 + 83,040);
    // up1 36,960; dec1 86,496 + 83,040 + 2 x 9,312 + 388.
    CHECK(n2n::model::make_denoiser({})->parameter_count() == 1'260'868);
    // 3 -> 3 (sRGB): 432 fewer in the first conv, 864 fewer in dec1's first conv, 97 fewer at the end.
    CHECK(n2n::model::make_denoiser({"unet", 3, 3, 48})->parameter_count() == 1'260'868 - 432 - 864 - 97);
}

TEST_CASE("U-Net keeps the spatial size and initialises as the paper's code") {
    torch::manual_seed(3);
    auto net = n2n::model::make_denoiser({});
    const auto y = net->forward(torch::rand({2, 4, 64, 96}));
    CHECK((y.sizes() == torch::IntArrayRef({2, 4, 64, 96})));
    for (const auto& p : net->named_parameters()) {
        if (p.key().ends_with("bias")) CHECK(p.value().abs().max().item<float>() == 0.F);
    }
    // First conv: fan_in 4 * 3 * 3 = 36, kaiming std sqrt(2 / 36), scaled by 0.1.
    const auto w = net->named_parameters()["enc0.0.weight"];
    const double expected = 0.1 * std::sqrt(2.0 / 36.0);
    CHECK(w.std().item<double>() == doctest::Approx(expected).epsilon(0.08));
    // The biggest layer (dec4's 144 -> 96 conv) too: fan_in 144 * 9.
    const auto w4 = net->named_parameters()["dec4.0.weight"];
    CHECK(w4.std().item<double>() == doctest::Approx(0.1 * std::sqrt(2.0 / (144.0 * 9.0))).epsilon(0.03));
}

TEST_CASE("forward_padded pads to a multiple of 32 and crops back exactly") {
    Identity id;
    const auto x = torch::rand({1, 4, 50, 70});
    CHECK(torch::equal(n2n::model::forward_padded(id, x), x));
    const auto chw = torch::rand({4, 7, 5});  // too small to reflect: edge replication
    CHECK(torch::equal(n2n::model::forward_padded(id, chw), chw));
    auto net = n2n::model::make_denoiser({});
    torch::NoGradGuard no_grad;
    CHECK((n2n::model::forward_padded(*net, torch::rand({1, 4, 33, 40})).sizes() == torch::IntArrayRef({1, 4, 33, 40})));
}

TEST_CASE("factory and config errors") {
    CHECK_THROWS_AS(n2n::model::make_denoiser({"resnet", 4, 4, 48}), n2n::ConfigError);
    CHECK_THROWS_AS(n2n::model::make_denoiser({"unet", 0, 4, 48}), n2n::ConfigError);
    const NetConfig c{"unet", 4, 3, 16};
    CHECK(NetConfig::from_json(c.to_json()) == c);
    CHECK_THROWS_AS(NetConfig::from_json("{\"arch\": 3}"), n2n::FormatError);
}

TEST_CASE("network descriptions a damaged checkpoint may hold are refused, not cast or allocated") {
    // Found with fuzz/fuzz_net_config (inputs in tests/io/fuzz_regressions/net_config/).
    const auto refused = [](const std::string& json, const std::string& words) {
        CAPTURE(json);
        try {
            (void)n2n::model::make_denoiser(NetConfig::from_json(json));
            FAIL("accepted");
        } catch (const n2n::Error& e) {
            CHECK(e.field() == "net");
            CHECK(std::string(e.what()).find(words) != std::string::npos);
        }
    };
    // 1e20 as int was undefined behaviour; 2^32 + 4 became 4 features without a word.
    refused(R"({"arch":"unet","in_channels":1e20,"out_channels":4})", "in_channels");
    refused(R"({"arch":"unet","in_channels":4,"out_channels":4,"features":4294967300})", "features");
    refused(R"({"arch":"unet","in_channels":4,"out_channels":4,"features":2.5})", "features");
    refused(R"({"arch":"unet","out_channels":4})", "in_channels");
    // A million features asked LibTorch for 36 TB (an uncaught c10::Error); 20000 for 14 GB.
    refused(R"({"arch":"unet","in_channels":4,"out_channels":4,"features":1000000})", "512 features");
    refused(R"({"arch":"unet","in_channels":4,"out_channels":4,"features":20000})", "512 features");
    refused(R"({"arch":"unet","in_channels":100000,"out_channels":4})", "64 planes");
    // The largest allowed sizes still build.
    CHECK(n2n::model::make_denoiser({"unet", 64, 64, 8}) != nullptr);
}

TEST_CASE("checkpoint round trip: network, optimizer, epoch, train state") {
    n2n::test::TempDir dir;
    torch::manual_seed(1);
    const NetConfig config{"unet", 4, 4, 8};
    auto net = n2n::model::make_denoiser(config);
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
    const auto x = torch::rand({1, 4, 32, 32});
    net->forward(x).square().mean().backward();
    opt.step();
    const auto path = dir / "ck.pt";
    n2n::model::save_checkpoint(path, *net, config, &opt, 7, R"({"seed":5})");
    // Atomic write: only the final file remains.
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);

    auto loaded = n2n::model::load_checkpoint(path);
    CHECK(loaded.config == config);
    CHECK(loaded.epoch == 7);
    CHECK(loaded.train_state == R"({"seed":5})");
    {
        torch::NoGradGuard no_grad;
        CHECK(torch::equal(loaded.net->forward(x), net->forward(x)));
    }
    // A restored Adam (moments and step count) takes exactly the step the original takes.
    torch::optim::Adam opt2(loaded.net->parameters(), torch::optim::AdamOptions(1e-3));
    n2n::model::load_optimizer_state(path, opt2);
    for (auto* pair : {&opt, &opt2}) pair->zero_grad();
    net->forward(x).square().mean().backward();
    loaded.net->forward(x).square().mean().backward();
    opt.step();
    opt2.step();
    torch::NoGradGuard no_grad;
    CHECK(torch::equal(loaded.net->forward(x), net->forward(x)));

    n2n::model::save_checkpoint(dir / "weights.pt", *net, config, nullptr, 7);
    CHECK_THROWS_AS(n2n::model::load_optimizer_state(dir / "weights.pt", opt2), n2n::FormatError);
    CHECK_THROWS_AS(n2n::model::load_checkpoint(dir / "missing.pt"), n2n::IoError);
    {
        std::ofstream junk(dir / "junk.pt");
        junk << "not a checkpoint";
    }
    CHECK_THROWS_AS(n2n::model::load_checkpoint(dir / "junk.pt"), n2n::FormatError);
}

TEST_CASE("residual U-Net: starts at the identity, learns, and survives JSON and TorchScript") {
    torch::manual_seed(5);
    NetConfig config;
    config.features = 8;
    config.residual = true;
    auto net = n2n::model::make_denoiser(config);
    const auto x = torch::rand({2, 4, 64, 64});
    CHECK(torch::equal(net->forward(x), x));  // zeroed output layer: exactly the input
    // The residual branch keeps full-size kaiming weights (fan_in 36, no 0.1 factor).
    const auto w = net->named_parameters()["enc0.0.weight"];
    CHECK(w.std().item<double>() == doctest::Approx(std::sqrt(2.0 / 36.0)).epsilon(0.15));

    // One Adam step on a denoising target moves the output off the identity.
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
    torch::nn::functional::mse_loss(net->forward(x), x * 0.5).backward();
    adam.step();
    CHECK(!torch::equal(net->forward(x), x));

    CHECK(NetConfig::from_json(config.to_json()) == config);
    CHECK_FALSE(NetConfig::from_json(R"({"arch":"unet","in_channels":4,"out_channels":4,"features":8})").residual);
    NetConfig mismatched = config;
    mismatched.in_channels = 3;  // the residual adds the first out_channels inputs: needs in >= out
    CHECK_THROWS_AS(n2n::model::make_denoiser(mismatched), n2n::ConfigError);

    // The frozen TorchScript graph (export and the Script backend) adds the input back too.
    net->eval();
    torch::NoGradGuard no_grad;
    const auto eager = net->forward(x);
    const auto scripted =
        n2n::infer::Model::from_module(net, config, torch::kCPU, n2n::infer::Backend::Script).forward(x);
    CHECK(torch::allclose(scripted, eager, 1e-5, 1e-5));
}

TEST_CASE("noise-conditioned U-Net: 8 planes in, 4 out, identity on the data planes at start, described on export") {
    torch::manual_seed(6);
    NetConfig config;
    config.features = 8;
    config.residual = true;
    config.input = "gat";
    config.in_channels = 8;
    auto net = n2n::model::make_denoiser(config);
    const auto x = torch::rand({1, 8, 64, 64});
    CHECK(torch::equal(net->forward(x), x.slice(1, 0, 4)));
    CHECK(NetConfig::from_json(config.to_json()) == config);
    CHECK(NetConfig::from_json(R"({"arch":"unet","in_channels":4,"out_channels":4})").input == "raw");
    NetConfig wrong = config;
    wrong.in_channels = 4;
    CHECK_THROWS_AS(n2n::model::make_denoiser(wrong), n2n::ConfigError);
    wrong = config;
    wrong.input = "vst";
    CHECK_THROWS_AS(n2n::model::make_denoiser(wrong), n2n::ConfigError);
    const auto model = n2n::infer::Model::from_module(net, config, torch::kCPU, n2n::infer::Backend::Script);
    CHECK(model.input() == "gat");
}

namespace {

// The layers as LibTorch's own modules compute them (standard layout, out of place): the
// reference for the computing walk, which rewrites the up-sampling and changes the layout.
class ModuleVisitor final : public n2n::model::LayerVisitor {
public:
    using Flow = n2n::model::Flow;
    Flow conv(const Flow& x, torch::nn::Conv2dImpl& l) override { return {l.forward(x.tensor), {}}; }
    Flow conv_transpose(const Flow& x, torch::nn::ConvTranspose2dImpl& l) override { return {l.forward(x.tensor), {}}; }
    Flow leaky_relu(const Flow& x, torch::nn::LeakyReLUImpl& l) override { return {l.forward(x.tensor), {}}; }
    Flow max_pool(const Flow& x, torch::nn::MaxPool2dImpl& l) override { return {l.forward(x.tensor), {}}; }
    Flow concat(const Flow& a, const Flow& b) override { return {torch::cat({a.tensor, b.tensor}, 1), {}}; }
    Flow add_leading(const Flow& a, const Flow& b, std::int64_t c) override {
        return {a.tensor + b.tensor.narrow(1, 0, c), {}};
    }
};

// Value and parameter gradients of sum(net(x) * probe).
std::pair<torch::Tensor, std::vector<torch::Tensor>> value_and_grads(n2n::model::Denoiser& net, const torch::Tensor& y,
                                                                     const torch::Tensor& probe) {
    net.zero_grad();
    (y * probe).sum().backward();
    std::vector<torch::Tensor> grads;
    for (const auto& p : net.parameters()) grads.push_back(p.grad().clone());
    return {y.detach(), grads};
}

}  // namespace

TEST_CASE("the computing walk equals LibTorch's own modules: values and gradients") {
    using n2n::model::TensorVisitor;
    torch::manual_seed(11);
    SUBCASE("transposed convolutions: block up-sampling rewritten, others as the module") {
        for (const auto& [k, s, p] : {std::tuple{2, 2, 0}, std::tuple{3, 3, 0}, std::tuple{3, 2, 1}}) {
            torch::nn::ConvTranspose2d up(torch::nn::ConvTranspose2dOptions(6, 5, k).stride(s).padding(p));
            torch::NoGradGuard no_grad;
            up->bias.uniform_(-1, 1);  // the library initialises biases to 0: a swapped bias would hide
            const auto x = torch::randn({2, 6, 7, 9});
            TensorVisitor v;
            const auto ours = v.conv_transpose({x, {}}, *up).tensor;
            const auto theirs = up->forward(x);
            REQUIRE(ours.sizes() == theirs.sizes());
            CHECK_MESSAGE((ours - theirs).abs().max().item<float>() < 1e-5F, "kernel ", k, " stride ", s);
        }
    }
    SUBCASE("convolution + activation in place leaves its input alone") {
        torch::nn::Conv2d c(torch::nn::Conv2dOptions(3, 4, 3).padding(1));
        torch::nn::LeakyReLU a(torch::nn::LeakyReLUOptions().negative_slope(0.2));
        torch::NoGradGuard no_grad;
        const auto x = torch::randn({1, 3, 8, 8});
        const auto before = x.clone();
        TensorVisitor v;
        const auto y = v.conv_leaky_relu({x, {}}, *c, *a).tensor;
        CHECK(torch::equal(x, before));
        CHECK((y - a->forward(c->forward(x))).abs().max().item<float>() < 1e-6F);
    }
    SUBCASE("whole U-Nets, plain and residual, with gradients for training") {
        for (const bool residual : {false, true}) {
            NetConfig config;
            config.features = 8;
            config.residual = residual;
            auto net = n2n::model::make_denoiser(config);
            {
                torch::NoGradGuard no_grad;  // non-zero biases and output layer: every path counts
                for (auto& p : net->parameters()) p.add_(torch::randn_like(p) * 0.05);
            }
            const auto x = torch::rand({2, 4, 64, 96});
            const auto probe = torch::randn({2, 4, 64, 96});
            const auto [ours, ours_grads] = value_and_grads(*net, net->forward(x), probe);
            ModuleVisitor reference;
            const auto [theirs, their_grads] = value_and_grads(*net, net->walk(reference, {x, {}})->tensor, probe);
            CHECK(ours.is_contiguous());
            CHECK_MESSAGE((ours - theirs).abs().max().item<float>() < 1e-5F, "residual ", residual);
            REQUIRE(ours_grads.size() == their_grads.size());
            float worst = 0;
            for (std::size_t i = 0; i < ours_grads.size(); ++i)
                worst = std::max(worst, ((ours_grads[i] - their_grads[i]).abs().max() /
                                         (their_grads[i].abs().max() + 1e-12)).item<float>());
            CHECK_MESSAGE(worst < 1e-4F, "largest relative gradient difference ", worst, ", residual ", residual);
        }
    }
}
