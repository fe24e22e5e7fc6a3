// SPDX-License-Identifier: MIT
// Running a model over SIDD block files: each image's blocks reach the network packed in the
// canonical R, Gr, Gb, B order whatever the image's CFA phase, for even and odd block sizes.
#include "n2n_raw/error.hpp"
#include "n2n_raw/eval/block_denoising.hpp"

#include <doctest/doctest.h>
#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <utility>
#include <vector>

using namespace n2n;
using bayer::BayerPhase;

namespace {

// Halves packed channel 0 (red) and keeps the others: its effect on a mosaic tells which pixels
// the batching routed to the red plane.
class HalveRed : public model::Denoiser {
public:
    torch::Tensor forward(const torch::Tensor& x) override {
        auto y = x.clone();
        y.select(1, 0).mul_(0.5);
        return y;
    }
    n2n::model::Geometry geometry() const override { return {32, 0}; }
};

io::SiddBlocks blocks_of(std::ptrdiff_t images, std::ptrdiff_t blocks, std::ptrdiff_t h, std::ptrdiff_t w) {
    io::SiddBlocks b;
    b.images = images;
    b.blocks = blocks;
    b.height = h;
    b.width = w;
    b.data.resize(static_cast<std::size_t>(images * blocks * h * w));
    for (std::size_t k = 0; k < b.data.size(); ++k) b.data[k] = 0.2F + 0.5F * static_cast<float>(k % 97) / 97.F;
    return b;
}

}  // namespace

TEST_CASE("eval::denoise_blocks batches each image in its own phase (even and odd blocks)") {
    const auto model =
        infer::Model::from_module(std::make_shared<HalveRed>(), model::NetConfig{}, torch::kCPU, infer::Backend::Eager);
    const std::vector<BayerPhase> phases{BayerPhase::RGGB, BayerPhase::BGGR, BayerPhase::GRBG};
    for (const auto& [h, w] : {std::pair<std::ptrdiff_t, std::ptrdiff_t>{8, 12}, {7, 9}}) {
        CAPTURE(h);
        const auto noisy = blocks_of(3, 2, h, w);
        std::vector<std::ptrdiff_t> progress;
        const auto out = eval::denoise_blocks(model, noisy, phases, {},
                                              [&](std::ptrdiff_t done, std::ptrdiff_t total) {
                                                  CHECK(total == 3);
                                                  progress.push_back(done);
                                              });
        CHECK(progress == std::vector<std::ptrdiff_t>{1, 2, 3});
        CHECK(out.seconds > 0);
        REQUIRE(out.blocks.data.size() == noisy.data.size());
        CHECK(out.blocks.images == 3);
        CHECK(out.blocks.height == h);
        int mismatches = 0;
        for (std::ptrdiff_t i = 0; i < 3; ++i)
            for (std::ptrdiff_t b = 0; b < 2; ++b)
                for (std::ptrdiff_t r = 0; r < h; ++r)
                    for (std::ptrdiff_t c = 0; c < w; ++c) {
                        const float in = noisy.block(i, b)(r, c);
                        const bool red = phases[static_cast<std::size_t>(i)].color_at(r, c) == bayer::CfaColor::Red;
                        const float expected = red ? 0.5F * in : in;
                        mismatches += std::abs(out.blocks.block(i, b)(r, c) - expected) > 1e-6F ? 1 : 0;
                    }
        CHECK(mismatches == 0);
    }
    CHECK_THROWS_AS(eval::denoise_blocks(model, blocks_of(2, 1, 4, 4), phases), ConfigError);
}
