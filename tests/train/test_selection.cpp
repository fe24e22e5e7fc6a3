// SPDX-License-Identifier: MIT
// Keeping the best epoch without clean frames: a pair set read as training data carries each
// frame's known noise; the selection crops of noisy and clean frames line up (same seed), so the
// SURE score of a network can be checked against its true error on exactly the scored pixels.
#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/eval/quality.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/tensor/stabilised_domain.hpp"
#include "n2n_raw/train/selection.hpp"
#include "support/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <torch/torch.h>

using namespace n2n;
using bayer::BayerPhase;
namespace fs = std::filesystem;

namespace {

void write_mosaic(const fs::path& path, ImageView<const float> mosaic) {
    bayer::Levels sixteen_bits;
    sixteen_bits.white = 65535.F;
    io::write_png_gray16(path, bayer::denormalize(mosaic, sixteen_bits).view());
}

}  // namespace

TEST_CASE("selection: pair-set frames keep their noise; SURE on the crops tracks the true error and ranks") {
    const auto file = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    if (!file) return;
    const io::RawFrame frame =
        io::read_headerless(*file, {768, 512, io::Endian::Little, {BayerPhase::RGGB, 14, 600.F, 15520.F}});
    const Image<float> clean = frame.normalized();
    test::TempDir dir;
    // Two frames at two noise levels (SIDD's N6 ISO 800 and S6 ISO 3200).
    const std::vector<noise::NoiseModel> levels{noise::NoiseModel::uniform({0.003476, 5.2e-5}),
                                                noise::NoiseModel::uniform({0.01993, 2.0e-6})};
    std::vector<eval::QualityPair> pairs;
    write_mosaic(dir / "clean.png", clean.view());
    for (std::size_t k = 0; k < levels.size(); ++k) {
        const auto noisy_path = dir / fmt::format("noisy_{}.png", k);
        write_mosaic(noisy_path, noise::add_noise(clean.view(), BayerPhase::RGGB, levels[k], 11 + k).view());
        pairs.push_back({fmt::format("d750_{}", k), noisy_path, dir / "clean.png", BayerPhase::RGGB, "test", levels[k], 11 + k});
    }
    eval::write_pair_set(dir / "pairs.json", pairs);

    auto noisy_set = train::FrameDataset::scan(train::DatasetKind::PairSet, dir / "pairs.json");
    REQUIRE(noisy_set.size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
        const auto m = noisy_set.noise_model(k, *noisy_set.frame(k));
        CHECK(m.channels[2].beta1 == levels[k].channels[2].beta1);  // the stated model, not a blind fit
        CHECK(m.channels[2].beta2 == levels[k].channels[2].beta2);
    }
    // The clean side as a dataset of its own, in the same order: the same seeded crops.
    train::FrameDataset clean_set({dir / "clean.png", dir / "clean.png"}, {}, [](const fs::path& p) {
        return bayer::Mosaic{eval::read_pair_mosaic(p, BayerPhase::RGGB), BayerPhase::RGGB};
    });
    train::LoaderOptions loader;
    loader.seed = 3;
    const auto noisy_crops = train::make_selection_set(noisy_set, loader, 6, 128, 24);
    const auto clean_crops = train::make_selection_set(clean_set, loader, 6, 128, 24);
    CHECK(noisy_crops.risk.clip_low.has_value());  // 16-bit pair files are clipped at 0
    CHECK(noisy_crops.risk.border == 24);
    REQUIRE(noisy_crops.noise.size() == 6);

    const auto start = model::load_checkpoint(fs::path(N2N_TEST_SOURCE_DIR) / "../models/start_gat_unet16.pt");
    // The truth on the scored pixels: each crop denoised with its noise model, the inner part compared.
    const auto true_psnr = [&](model::Denoiser& net) {
        torch::NoGradGuard no_grad;
        double sum = 0;
        for (std::int64_t i = 0; i < 6; ++i) {
            const StabilisedDomain domain(noisy_crops.noise[static_cast<std::size_t>(i)]);
            const auto out = domain.decode(model::forward_padded(net, domain.encode(noisy_crops.packed[i].unsqueeze(0))));
            const auto err = (out.squeeze(0) - clean_crops.packed[i]).narrow(-2, 24, 80).narrow(-1, 24, 80);
            sum += err.square().mean().item<double>();
        }
        return -10 * std::log10(sum / 6);
    };
    const auto estimated = train::score_selection(*start.net, start.config, noisy_crops, torch::kCPU);
    const double truth = true_psnr(*start.net);
    INFO(fmt::format("start: SURE {:.2f} dB, true {:.2f} dB", estimated.at(train::kSurePsnr), truth));
    CHECK(std::abs(estimated.at(train::kSurePsnr) - truth) < 0.5);
    CHECK(estimated.at(train::kSureMse) == doctest::Approx(std::pow(10, -estimated.at(train::kSurePsnr) / 10)));

    // A damaged copy (weights shrunk by 3 %) must score worse by SURE as by the truth.
    const auto damaged = model::load_checkpoint(fs::path(N2N_TEST_SOURCE_DIR) / "../models/start_gat_unet16.pt");
    {
        torch::NoGradGuard no_grad;
        for (auto& p : damaged.net->parameters()) p.mul_(0.97);
    }
    const auto estimated_damaged = train::score_selection(*damaged.net, damaged.config, noisy_crops, torch::kCPU);
    const double truth_damaged = true_psnr(*damaged.net);
    INFO(fmt::format("damaged: SURE {:.2f} dB, true {:.2f} dB", estimated_damaged.at(train::kSurePsnr), truth_damaged));
    REQUIRE(truth_damaged < truth - 0.3);
    CHECK(estimated_damaged.at(train::kSurePsnr) < estimated.at(train::kSurePsnr));
    CHECK_THROWS_AS(train::make_selection_set(noisy_set, loader, 6, 64, 32), ConfigError);  // margin leaves nothing
}
