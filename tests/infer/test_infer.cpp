// SPDX-License-Identifier: MIT
// Inference: phase/size handling with a stand-in network whose answer is known per CFA colour,
// tiled == untiled with the real U-Net on a real raw crop, the receptive radius the tiler relies
// on, and the TorchScript export (equal outputs, loads back, states its contract).
#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/deploy/torchscript.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/noise/noise_model.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <array>

using namespace n2n;
using bayer::BayerPhase;

namespace {

// Stand-in network: multiplies packed channel k by scale[k], so every mosaic pixel's expected
// output follows from its CFA colour alone.
class ChannelScale : public model::Denoiser {
public:
    explicit ChannelScale(std::array<float, 4> s) : scale_(torch::tensor({s[0], s[1], s[2], s[3]})) {}
    torch::Tensor forward(const torch::Tensor& x) override {
        CHECK(x.size(2) % 32 == 0);
        CHECK(x.size(3) % 32 == 0);
        return x * scale_.to(x.device()).view({1, 4, 1, 1});
    }
    model::Geometry geometry() const override { return {32, 0}; }

private:
    torch::Tensor scale_;
};

// A module that hands back its own input, as a loaded TorchScript file may.
class Identity : public model::Denoiser {
public:
    torch::Tensor forward(const torch::Tensor& x) override { return x; }
    model::Geometry geometry() const override { return {32, 0}; }
};

// The U-Net with kaiming weights at full scale (no × 0.1): far context then really reaches the
// output, so a tiler that cut it off would be caught.
std::shared_ptr<model::Denoiser> strong_unet(std::uint64_t seed) {
    torch::manual_seed(seed);
    auto net = model::make_denoiser(model::NetConfig{});
    torch::NoGradGuard no_grad;
    for (auto& p : net->named_parameters()) {
        if (p.key().ends_with("weight")) torch::nn::init::kaiming_normal_(p.value(), 0.2, torch::kFanIn, torch::kLeakyReLU);
        else p.value().uniform_(-0.05, 0.05);
    }
    return net;
}

Image<float> colorchecker_crop(const std::filesystem::path& file, bayer::Rect rect, BayerPhase& phase) {
    io::HeaderlessSpec spec;
    spec.width = 1920;
    spec.height = 1080;
    spec.mosaic.phase = BayerPhase::BGGR;
    spec.mosaic.bits = 12;
    const auto frame = io::read_headerless(file, spec);
    const auto normalized = frame.normalized();
    const auto crop = bayer::crop(normalized.view(), frame.meta.phase, rect);
    phase = crop.phase;
    Image<float> out(rect.height, rect.width);
    for (std::ptrdiff_t r = 0; r < rect.height; ++r)
        for (std::ptrdiff_t c = 0; c < rect.width; ++c) out(r, c) = crop.pixels(r, c);
    return out;
}

}  // namespace

TEST_CASE("denoise_mosaic keeps size, phase and range for every phase and odd sizes") {
    const std::array<float, 4> scale{0.5F, 0.25F, 0.75F, 2.0F};
    auto model = infer::Model::from_module(std::make_shared<ChannelScale>(scale), {}, torch::kCPU);
    for (const auto phase : bayer::kAllPhases)
        for (const auto& [h, w] : {std::pair{6, 8}, std::pair{7, 9}, std::pair{70, 33}}) {
            Image<float> mosaic(h, w);
            for (int r = 0; r < h; ++r)
                for (int c = 0; c < w; ++c) mosaic(r, c) = static_cast<float>((r * 31 + c * 17) % 97) / 97.F;
            for (const bool clip : {true, false}) {
                infer::TileOptions options;
                options.clip = clip;
                options.tile = 32;  // tiny tiles: the tiled path runs even here
                const auto out = infer::denoise_mosaic(model, mosaic.view(), phase, options);
                REQUIRE(out.height() == h);
                REQUIRE(out.width() == w);
                bool all_ok = true;
                for (int r = 0; r < h; ++r)
                    for (int c = 0; c < w; ++c) {
                        float expected = mosaic(r, c) * scale[static_cast<int>(phase.channel_at(r, c))];
                        if (clip) expected = std::min(expected, 1.F);
                        all_ok = all_ok && std::abs(out(r, c) - expected) < 1e-6F;
                    }
                CHECK_MESSAGE(all_ok, fmt::format("phase {} size {}x{} clip {}", phase.name(), h, w, clip));
            }
        }
    CHECK_THROWS_AS(infer::denoise_packed(model, torch::zeros({3, 8, 8})), ConfigError);
}

// Stand-in network that answers each red pixel with the Gr plane's value at the same packed
// position: in RGGB geometry that is the red pixel's right-hand neighbour.
class RedFromGr : public model::Denoiser {
public:
    torch::Tensor forward(const torch::Tensor& x) override {
        auto y = x.clone();
        y.select(1, 0).copy_(x.select(1, 1));
        return y;
    }
    model::Geometry geometry() const override { return {32, 0}; }
};

TEST_CASE("phase alignment by shift keeps RGGB's sub-pixel geometry for every phase") {
    auto model = infer::Model::from_module(std::make_shared<RedFromGr>(), {}, torch::kCPU);
    const int h = 10, w = 12;
    Image<float> mosaic(h, w);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) mosaic(r, c) = static_cast<float>(r * w + c) / (h * w);  // all distinct
    const int reds = h * w / 4;
    for (const auto phase : bayer::kAllPhases)
        for (const auto alignment : {infer::PhaseAlignment::Shift, infer::PhaseAlignment::Reorder}) {
            const auto out = infer::denoise_mosaic(model, mosaic.view(), phase, {}, alignment);
            int from_right = 0, from_left = 0;
            bool others_unchanged = true;
            for (int r = 0; r < h; ++r)
                for (int c = 0; c < w; ++c) {
                    if (phase.color_at(r, c) != bayer::CfaColor::Red) {
                        others_unchanged = others_unchanged && out(r, c) == mosaic(r, c);
                        continue;
                    }
                    if (c + 1 < w && out(r, c) == mosaic(r, c + 1)) ++from_right;
                    if (c > 0 && out(r, c) == mosaic(r, c - 1)) ++from_left;
                }
            const auto label = fmt::format("phase {} {}", phase.name(),
                                           alignment == infer::PhaseAlignment::Shift ? "shift" : "reorder");
            CHECK_MESSAGE(others_unchanged, label);
            // Red in odd columns (GRBG, BGGR) also sits in the last column, whose right-hand
            // neighbour is the mirrored left-hand one.
            const bool odd_red_columns = phase.col_shift() == 1;
            if (alignment == infer::PhaseAlignment::Shift) {
                CHECK_MESSAGE(from_right == (odd_red_columns ? reds - h / 2 : reds), label);
                CHECK_MESSAGE(from_left == (odd_red_columns ? h / 2 : 0), label);
            } else {  // reordering mirrors the geometry of those phases: red takes its left neighbour
                CHECK_MESSAGE(from_right == (odd_red_columns ? 0 : reds), label);
                CHECK_MESSAGE(from_left == (odd_red_columns ? reds : 0), label);
            }
        }
}

TEST_CASE("clipping never writes into the caller's tensor, even when the module returns its input") {
    auto model = infer::Model::from_module(std::make_shared<Identity>(), {}, torch::kCPU);
    // 32 x 32 float32 on the CPU: no padding and no copy, so the module sees the caller's tensor.
    const torch::Tensor packed = torch::full({4, 32, 32}, 2.0F);
    infer::TileOptions options;
    options.tile = 0;
    const torch::Tensor out = infer::denoise_packed(model, packed, options);
    CHECK(out.max().item<float>() == 1.0F);
    CHECK(packed.min().item<float>() == 2.0F);
}

TEST_CASE("the untiled path equals model::forward_padded") {
    auto net = strong_unet(3);
    auto model = infer::Model::from_module(net, {}, torch::kCPU);
    const auto x = torch::rand({2, 4, 40, 70});
    infer::TileOptions untiled;
    untiled.tile = 0;
    untiled.clip = false;
    const auto ours = infer::denoise_packed(model, x, untiled);
    torch::NoGradGuard no_grad;
    const auto reference = model::forward_padded(*net, x);
    CHECK(ours.sizes() == reference.sizes());
    CHECK((ours - reference).abs().max().item<float>() < 1e-5F);
}

TEST_CASE("the U-Net's receptive radius is what the tiler assumes") {
    auto net = strong_unet(5);
    auto model = infer::Model::from_module(net, {}, torch::kCPU);
    const std::int64_t n = 448, centre = 224;
    auto x = torch::rand({1, 4, n, n});
    const auto base = model.forward(x);
    x.index_put_({0, torch::indexing::Slice(), centre, centre}, x.index({0, torch::indexing::Slice(), centre, centre}) + 1.0);
    const auto changed = (model.forward(x) - base).abs().amax(1).squeeze(0) > 0;
    const auto where = changed.nonzero();
    REQUIRE(where.size(0) > 0);
    const auto reach = (where - centre).abs().max().item<std::int64_t>();
    MESSAGE(fmt::format("measured reach {} packed pixels, model says {}", reach, model.receptive_radius()));
    CHECK(reach <= model.receptive_radius());
    CHECK(reach > 96);  // deep context matters: a small halo would not be exact
}

TEST_CASE("tiled inference equals untiled inference on a real raw crop" * doctest::test_suite("samples")) {
    const auto file = test::shared_file("raw/infinite-isp-colorchecker/ColorCheckerRAW_1920x1080_12bit_BGGR.raw");
    if (!file) return;
    BayerPhase phase;
    // Odd origin (phase changes) and a size that is no multiple of 64 (packed padding needed).
    const auto mosaic = colorchecker_crop(*file, {11, 203, 840, 1100}, phase);
    CHECK(phase == BayerPhase(BayerPhase::BGGR).cropped(11, 203));
    auto model = infer::Model::from_module(strong_unet(11), {}, torch::kCPU);
    infer::TileOptions untiled;
    untiled.tile = 0;
    untiled.clip = false;
    const auto reference = infer::denoise_mosaic(model, mosaic.view(), phase, untiled);
    const auto max_diff = [&](const Image<float>& a) {
        float d = 0;
        for (std::size_t k = 0; k < a.pixels().size(); ++k) d = std::max(d, std::abs(a.pixels()[k] - reference.pixels()[k]));
        return d;
    };
    float scale = 0;
    for (const float v : reference.pixels()) scale = std::max(scale, std::abs(v));
    infer::TileOptions tiled = untiled;
    tiled.tile = 192;  // 3 × 3 tiles of the padded 416 × 576 packed image: every kind of edge
    const auto exact = infer::denoise_mosaic(model, mosaic.view(), phase, tiled);
    tiled.halo = 0;
    const auto no_halo = infer::denoise_mosaic(model, mosaic.view(), phase, tiled);
    MESSAGE(fmt::format("max |output| {:.3g}; tiled with default halo: max diff {:.3g}; no halo: {:.3g}", scale,
                        max_diff(exact), max_diff(no_halo)));
    CHECK(max_diff(exact) < 1e-5F);
    CHECK(max_diff(no_halo) > 1e-3F);  // the comparison has teeth

    // The staged tiler (TorchScript U-Net): stages A and C per tile with a 32-pixel halo, the
    // deep part once; it must match the eager untiled run too.
    auto script = infer::Model::from_module(strong_unet(11), {}, torch::kCPU, infer::Backend::Script);
    REQUIRE(script.has_stages());
    infer::TileOptions staged = untiled;
    staged.tile = 192;
    const auto staged_exact = infer::denoise_mosaic(script, mosaic.view(), phase, staged);
    staged.halo = 8;  // enough for stage A, less than stage C's radius of 16: must show
    const auto staged_short_halo = infer::denoise_mosaic(script, mosaic.view(), phase, staged);
    MESSAGE(fmt::format("staged tiler: default halo max diff {:.3g}; halo 8: {:.3g}", max_diff(staged_exact),
                        max_diff(staged_short_halo)));
    CHECK(max_diff(staged_exact) < 1e-5F);
    CHECK(max_diff(staged_short_halo) > 1e-4F);
}

TEST_CASE("TorchScript export: same output, loads back, states its contract") {
    test::TempDir dir;
    torch::manual_seed(1);
    auto net = model::make_denoiser(model::NetConfig{});
    const model::NetConfig config;
    const auto x = torch::rand({2, 4, 64, 96});
    torch::Tensor eager;
    {
        torch::NoGradGuard no_grad;
        net->eval();
        eager = net->forward(x);
    }
    deploy::export_torchscript(*net, config, dir / "model.pt");
    auto loaded = torch::jit::load((dir / "model.pt").string());
    {
        torch::NoGradGuard no_grad;
        const auto scripted = loaded.forward({x}).toTensor();
        CHECK((scripted - eager).abs().max().item<float>() < 1e-5F);
    }
    CHECK(loaded.attr("input_contract").toStringRef() == deploy::input_contract(net->geometry()));
    CHECK(loaded.run_method("contract").toStringRef() == deploy::input_contract(net->geometry()));

    // Every route to a runnable model gives the same numbers.
    model::save_checkpoint(dir / "ckpt.pt", *net, config, nullptr, 3);
    for (const auto& [path, backend] : {std::pair{dir / "ckpt.pt", infer::Backend::Eager},
                                        std::pair{dir / "ckpt.pt", infer::Backend::Script},
                                        std::pair{dir / "model.pt", infer::Backend::Eager},
                                        std::pair{dir / "model.pt", infer::Backend::Script}}) {
        auto model = infer::Model::load(path, torch::kCPU, backend);
        // The caller's layout does not matter: the network brings the input to its own.
        for (const auto format : {torch::MemoryFormat::Contiguous, torch::MemoryFormat::ChannelsLast}) {
            const auto y = model.forward(x.contiguous(format));
            CHECK(y.is_contiguous());
            CHECK_MESSAGE((y - eager).abs().max().item<float>() < 1e-5F,
                          fmt::format("{} via {}, input {}", path.filename().string(), model.description(),
                                      format == torch::MemoryFormat::ChannelsLast ? "channels-last" : "NCHW"));
        }
    }
    CHECK_THROWS_AS(infer::Model::load(dir / "missing.pt", torch::kCPU), IoError);
}

TEST_CASE("bfloat16 precision: the layers round, the input and the residual connection do not") {
    test::TempDir dir;
    model::NetConfig config;
    config.features = 16;
    config.residual = true;
    torch::manual_seed(5);
    const auto x = torch::rand({1, 4, 64, 96});
    for (const auto backend : {infer::Backend::Eager, infer::Backend::Script}) {
        CAPTURE(static_cast<int>(backend));
        // At its start the residual U-Net is the identity (zero output layer): exact in bfloat16
        // too, which rounding the input (8-bit mantissa: steps of 2^-9 near 1) would break.
        auto identity = model::make_denoiser(config);
        const auto start = infer::Model::from_module(identity, config, torch::kCPU, backend, infer::Precision::BFloat16);
        CHECK(torch::equal(start.forward(x), x));
        CHECK(start.description().find("bfloat16") != std::string::npos);

        // A trained-like network: close to float32, but not equal (the layers do round).
        auto net = model::make_denoiser(config);
        {
            torch::NoGradGuard no_grad;
            for (auto& p : net->parameters()) p.add_(torch::randn_like(p) * 0.02);
        }
        const auto reference = infer::Model::from_module(net, config, torch::kCPU, backend).forward(x);
        const auto rounded = infer::Model::from_module(net, config, torch::kCPU, backend, infer::Precision::BFloat16);
        for (const auto& p : net->parameters()) CHECK((p.scalar_type() == torch::kFloat32));  // the caller's net is kept
        const auto y = rounded.forward(x);
        CHECK((y.scalar_type() == torch::kFloat32));
        const float correction = (reference - x).abs().max().item<float>();
        const float deviation = (y - reference).abs().max().item<float>();
        MESSAGE("bfloat16 max |deviation| ", deviation, " for a correction up to ", correction);
        CHECK(deviation > 0.F);
        CHECK(deviation < 0.05F * correction);
    }
    // An exported module's precision is fixed at export.
    auto net = model::make_denoiser(config);
    deploy::export_torchscript(*net, config, dir / "model.pt");
    CHECK_THROWS_WITH_AS(infer::Model::load(dir / "model.pt", torch::kCPU, infer::Backend::Script, infer::Precision::BFloat16),
                         doctest::Contains("precision"), ConfigError);
    CHECK_NOTHROW(infer::Model::load(dir / "model.pt", torch::kCPU, infer::Backend::Script));
}

namespace {

// Stand-ins for noise-conditioned networks (8 planes in, 4 out): the data planes unchanged, or
// each data plane replaced by its mean (the ideal denoiser of a flat patch).
class DataPlanes : public model::Denoiser {
public:
    explicit DataPlanes(bool average) : average_(average) {}
    torch::Tensor forward(const torch::Tensor& x) override {
        CHECK(x.size(1) == 8);
        const auto z = x.slice(1, 0, 4);
        return average_ ? z.mean({2, 3}, true).expand_as(z).contiguous() : z;
    }
    model::Geometry geometry() const override { return {32, 0}; }

private:
    bool average_;
};

model::NetConfig gat_config() {
    model::NetConfig config;
    config.input = "gat";
    config.in_channels = 8;
    return config;
}

}  // namespace

TEST_CASE("noise-conditioned models: transform, network and exact unbiased inverse around the tiler") {
    const auto n6 = noise::NoiseModel::uniform({0.003476, 0.000052});
    for (const float x : {0.004F, 0.3F}) {
        CAPTURE(x);
        Image<float> flat(192, 192);
        for (std::ptrdiff_t r = 0; r < 192; ++r)
            for (std::ptrdiff_t c = 0; c < 192; ++c) flat(r, c) = x;
        const auto noisy = noise::add_noise(flat.view(), BayerPhase::RGGB, n6, 5);
        const auto packed = pack_to_tensor(noisy.view(), BayerPhase::RGGB);
        infer::TileOptions known;
        known.noise = n6;
        known.tile = 0;  // the mean stand-in needs the whole patch at once
        const auto mean_model = infer::Model::from_module(std::make_shared<DataPlanes>(true), gat_config(), torch::kCPU);
        const auto denoised = infer::denoise_packed(mean_model, packed, known);
        // Clipping at 0 lifts the noisy mean in the shadows; the inverse takes that bias out.
        CHECK(denoised.mean().item<double>() == doctest::Approx(x).epsilon(0.05).scale(0));
        if (x < 0.01F) CHECK(packed.mean().item<double>() > 1.3 * x);
    }
    // Identity on the data planes: the output is the input again, through tiles, with a known or a
    // blindly estimated noise model: decode(encode(y)) = y + the transform's bias, which the
    // unbiased inverse removes from expectations, not single samples (about beta1 / 4 here), as
    // long as no sample reaches the clipping at 1.
    Image<float> ramp(256, 320);
    for (std::ptrdiff_t r = 0; r < 256; ++r)
        for (std::ptrdiff_t c = 0; c < 320; ++c) ramp(r, c) = 0.2F + 0.4F * static_cast<float>(c) / 320.F;
    const auto noisy = noise::add_noise(ramp.view(), BayerPhase::RGGB, n6, 6);
    const auto packed = pack_to_tensor(noisy.view(), BayerPhase::RGGB);
    const auto identity = infer::Model::from_module(std::make_shared<DataPlanes>(false), gat_config(), torch::kCPU);
    infer::TileOptions tiled;
    tiled.tile = 64;
    const auto blind = infer::denoise_packed(identity, packed, tiled);
    tiled.noise = n6;
    const auto known = infer::denoise_packed(identity, packed, tiled);
    CHECK((known - packed).mean().item<double>() == doctest::Approx(0.00087).epsilon(0.1).scale(0));
    CHECK((known - packed).abs().max().item<double>() < 2e-3);
    CHECK((blind - packed).abs().max().item<double>() < 3e-3);
}

namespace {

std::filesystem::path shipped_model() {
    return std::filesystem::path(N2N_TEST_SOURCE_DIR) / "../models/start_gat_unet16.pt";
}

float max_difference(ImageView<const float> a, ImageView<const float> b) {
    float worst = 0;
    for (std::ptrdiff_t r = 0; r < a.height(); ++r)
        for (std::ptrdiff_t c = 0; c < a.width(); ++c) worst = std::max(worst, std::abs(a(r, c) - b(r, c)));
    return worst;
}

}  // namespace

TEST_CASE("self-ensemble: equivariant under the orientations it averages; Gr/Gb noise levels follow a transpose") {
    const auto net = infer::Model::load(shipped_model(), torch::kCPU);
    // Four different noise levels, so a transpose that left Gr's level on Gb's pixels would show.
    noise::NoiseModel levels{{noise::NoiseLevel{0.004, 2e-5}, noise::NoiseLevel{0.001, 1e-5},
                              noise::NoiseLevel{0.02, 2e-4}, noise::NoiseLevel{0.008, 5e-5}}};
    Image<float> clean(64, 96);
    for (std::ptrdiff_t r = 0; r < 64; ++r)
        for (std::ptrdiff_t c = 0; c < 96; ++c)
            clean(r, c) = 0.1F + 0.004F * static_cast<float>(c) + 0.2F * static_cast<float>((r / 5 + c / 7) % 3 == 0);
    const auto noisy = noise::add_noise(clean.view(), BayerPhase::RGGB, levels, 3);
    for (const BayerPhase phase : {BayerPhase(BayerPhase::RGGB), BayerPhase(BayerPhase::GBRG)})
        for (const int n : {1, 4, 8}) {
            infer::TileOptions options;
            options.noise = levels;
            options.ensemble = n;
            const auto base = infer::denoise_mosaic(net, noisy.view(), phase, options);
            float worst = 0;
            for (int k = 1; k < std::max(n, 4); ++k) {  // a single pass is checked against the mirrors
                const auto o = bayer::Orientation::from_index(k);
                const auto turned = bayer::orient(noisy.view(), phase, o);
                infer::TileOptions turned_options = options;
                if (o.transpose) std::swap(turned_options.noise->channels[1], turned_options.noise->channels[2]);
                const auto out = infer::denoise_mosaic(net, turned.pixels.view(), turned.phase, turned_options);
                worst = std::max(worst, max_difference(out.view(), bayer::orient(base.view(), phase, o).pixels.view()));
            }
            CAPTURE(phase.name());
            CAPTURE(n);
            if (n == 1) CHECK(worst > 1e-3F);  // the network alone is not symmetric: the check can tell
            else CHECK(worst < 2e-5F);
        }
    infer::TileOptions three;
    three.ensemble = 3;
    CHECK_THROWS_AS(infer::denoise_mosaic(net, noisy.view(), BayerPhase::RGGB, three), ConfigError);
}

TEST_CASE("self-ensemble: averaging 8 orientations is closer to the clean frame on a real mosaic" *
          doctest::test_suite("samples")) {
    const auto file = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    if (!file) return;
    const auto frame =
        io::read_headerless(*file, {768, 512, io::Endian::Little, {BayerPhase::RGGB, 14, 600.F, 15520.F}});
    const auto clean = frame.normalized();
    const auto s6_1600 = noise::NoiseModel::uniform({0.01, 2e-5});
    const auto noisy = noise::add_noise(clean.view(), BayerPhase::RGGB, s6_1600, 9);
    const auto net = infer::Model::load(shipped_model(), torch::kCPU);
    const auto psnr = [&](int n) {
        infer::TileOptions options;
        options.noise = s6_1600;
        options.ensemble = n;
        const auto out = infer::denoise_mosaic(net, noisy.view(), BayerPhase::RGGB, options);
        double sum = 0;
        for (std::ptrdiff_t r = 0; r < clean.height(); ++r)
            for (std::ptrdiff_t c = 0; c < clean.width(); ++c) sum += std::pow(double(out(r, c)) - clean(r, c), 2);
        return -10 * std::log10(sum / static_cast<double>(clean.height() * clean.width()));
    };
    const double single = psnr(1), averaged = psnr(8);
    MESSAGE(fmt::format("D750 crop at S6:1600-like noise: one pass {:.2f} dB, 8 orientations {:.2f} dB", single, averaged));
    CHECK(averaged > single + 0.05);
}
