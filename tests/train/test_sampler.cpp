// SPDX-License-Identifier: MIT
// The neighbour sub-sampler: statistics of the draws, mosaic geometry of the pairs, and the
// fast path against the straightforward (official-code style) implementation.
#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"
#include "n2n_raw/train/sampler.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <doctest/doctest.h>
#include <torch/torch.h>

using namespace n2n::train;

namespace {
at::Generator generator(std::uint64_t seed) { return at::detail::createCPUGenerator(seed); }
}  // namespace

TEST_CASE("each of the 8 pairs is equally likely (chi-square, 7 degrees of freedom)") {
    auto gen = generator(11);
    const auto choices = draw_pair_choices(16, 128, 128, SamplerKind::Random, gen);
    CHECK((choices.sizes() == torch::IntArrayRef({16, 64, 64})));
    CHECK((choices.scalar_type() == torch::kUInt8));
    const auto counts = torch::bincount(choices.to(torch::kInt64).reshape({-1}), {}, 8).to(torch::kDouble);
    const double expected = static_cast<double>(choices.numel()) / 8.0;
    const double chi2 = ((counts - expected).square() / expected).sum().item<double>();
    MESSAGE("chi-square of the pair counts over " << choices.numel() << " cells: " << chi2);
    CHECK(chi2 < 24.32);  // 99.9 % quantile of chi-square(7)
    // Each image gets its own draw.
    CHECK_FALSE(torch::equal(choices[0], choices[1]));
}

TEST_CASE("g1 and g2 are same-colour mosaic pixels two apart, horizontally or vertically") {
    for (const auto phase : n2n::bayer::kAllPhases) {
        // Mosaics holding their own row and column numbers, packed like training data.
        const std::ptrdiff_t h = 32, w = 48;
        n2n::Image<float> rows(h, w), cols(h, w);
        for (std::ptrdiff_t r = 0; r < h; ++r)
            for (std::ptrdiff_t c = 0; c < w; ++c) rows(r, c) = static_cast<float>(r), cols(r, c) = static_cast<float>(c);
        const auto pr = n2n::pack_to_tensor(rows.view(), phase).unsqueeze(0);
        const auto pc = n2n::pack_to_tensor(cols.view(), phase).unsqueeze(0);
        auto gen = generator(5);
        const auto choices = draw_pair_choices(1, h / 2, w / 2, SamplerKind::Random, gen);
        const auto r = subsample(pr, choices), c = subsample(pc, choices);
        const auto dr = (r.g2 - r.g1).abs(), dc = (c.g2 - c.g1).abs();
        // Exactly one of the offsets is 2, the other 0: never equal, never diagonal.
        CHECK(torch::equal(dr + dc, torch::full_like(dr, 2.F)));
        CHECK(torch::equal(dr * dc, torch::zeros_like(dr)));
        // And each sampled pixel really has its channel's colour in the mosaic.
        const auto r1 = r.g1.to(torch::kInt64), c1 = c.g1.to(torch::kInt64);
        const auto r2 = r.g2.to(torch::kInt64), c2 = c.g2.to(torch::kInt64);
        bool colours_ok = true;
        for (int ch = 0; ch < 4; ++ch)
            for (int i = 0; i < h / 4; ++i)
                for (int j = 0; j < w / 4; ++j) {
                    colours_ok &= static_cast<int>(phase.channel_at(r1[0][ch][i][j].item<std::int64_t>(),
                                                                    c1[0][ch][i][j].item<std::int64_t>())) == ch;
                    colours_ok &= static_cast<int>(phase.channel_at(r2[0][ch][i][j].item<std::int64_t>(),
                                                                    c2[0][ch][i][j].item<std::int64_t>())) == ch;
                }
        CHECK(colours_ok);
    }
}

TEST_CASE("the same choice applies to every channel, and f(y) can reuse it") {
    auto gen = generator(2);
    const auto base = torch::rand({3, 1, 16, 24});
    const auto offsets = torch::arange(4, torch::kFloat32).mul(10.F).view({1, 4, 1, 1});
    const auto x = base + offsets;  // channel c = base + 10 c
    const auto choices = draw_pair_choices(3, 16, 24, SamplerKind::Random, gen);
    const auto s = subsample(x, choices);
    for (int ch = 1; ch < 4; ++ch) {
        CHECK(torch::allclose(s.g1.select(1, ch) - 10.F * ch, s.g1.select(1, 0), 0, 1e-5));
        CHECK(torch::allclose(s.g2.select(1, ch) - 10.F * ch, s.g2.select(1, 0), 0, 1e-5));
    }
    // The published indices describe the same selection.
    const auto [i1, i2] = pair_indices(choices, 24);
    CHECK(torch::equal(s.g1.reshape({3, 4, -1}), x.reshape({3, 4, -1}).gather(2, i1.reshape({3, 1, -1}).expand({3, 4, -1}))));
    CHECK(torch::equal(s.g2.reshape({3, 4, -1}), x.reshape({3, 4, -1}).gather(2, i2.reshape({3, 1, -1}).expand({3, 4, -1}))));
    CHECK_FALSE(torch::equal(i1, i2));
}

TEST_CASE("a seed reproduces the draw") {
    auto a = generator(42), b = generator(42), c = generator(43);
    const auto ca = draw_pair_choices(2, 64, 64, SamplerKind::Random, a);
    CHECK(torch::equal(ca, draw_pair_choices(2, 64, 64, SamplerKind::Random, b)));
    CHECK_FALSE(torch::equal(ca, draw_pair_choices(2, 64, 64, SamplerKind::Random, c)));
}

TEST_CASE("fast sampler equals the straightforward unfold/mask reference for the same draws") {
    auto gen = generator(9);
    const auto x = torch::rand({3, 4, 32, 48});
    const auto choices = draw_pair_choices(3, 32, 48, SamplerKind::Random, gen);
    const auto fast = subsample(x, choices), ref = subsample_reference(x, choices);
    CHECK(torch::equal(fast.g1, ref.g1));
    CHECK(torch::equal(fast.g2, ref.g2));
    // The device-generic gather path (taken here for double) agrees as well.
    const auto xd = x.to(torch::kDouble);
    const auto gather = subsample(xd, choices);
    CHECK(torch::equal(gather.g1, ref.g1.to(torch::kDouble)));
    CHECK(torch::equal(gather.g2, ref.g2.to(torch::kDouble)));
    // A non-contiguous input is handled.
    const auto xt = torch::rand({3, 4, 48, 32}).transpose(2, 3);
    CHECK(torch::equal(subsample(xt, choices).g1, subsample_reference(xt.contiguous(), choices).g1));
}

TEST_CASE("fix-location sampler: one pair for the whole image, all 8 pairs possible") {
    auto gen = generator(4);
    const auto choices = draw_pair_choices(64, 16, 16, SamplerKind::FixLocation, gen);
    std::set<int> seen;
    for (int n = 0; n < 64; ++n) {
        CHECK(torch::equal(choices[n], torch::full_like(choices[n], choices[n][0][0].item<int>())));
        seen.insert(choices[n][0][0].item<int>());
    }
    CHECK(seen.size() == 8);
}

TEST_CASE("bad sizes are configuration errors") {
    auto gen = generator(1);
    CHECK_THROWS_AS(draw_pair_choices(1, 15, 16, SamplerKind::Random, gen), n2n::ConfigError);
    const auto choices = draw_pair_choices(1, 16, 16, SamplerKind::Random, gen);
    CHECK_THROWS_AS(subsample(torch::rand({1, 4, 16, 18}), choices), n2n::ConfigError);
    CHECK_THROWS_AS(subsample(torch::rand({4, 16, 16}), choices), n2n::ConfigError);
}
