// SPDX-License-Identifier: MIT
// End to end on a real sensor capture: the Nikon D750 crop (../shared/data/raw) with extra
// synthetic heteroscedastic noise. A short CPU training run must lower the loss, and the
// trained U-Net must bring the noisy frame closer to the original capture (PSNR).
#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"
#include "n2n_raw/train/trainer.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <random>
#include <torch/torch.h>

namespace {

constexpr std::ptrdiff_t kWidth = 768, kHeight = 512;

// Reads the headerless little-endian uint16 dump directly: independent of the io/ readers.
n2n::Image<float> read_d750(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(2 * kWidth * kHeight));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(in.gcount() == static_cast<std::streamsize>(bytes.size()));
    n2n::Image<float> dn(kHeight, kWidth);
    for (std::size_t i = 0; i < dn.pixels().size(); ++i)
        dn.pixels()[i] = static_cast<float>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
    return dn;
}

double psnr(const n2n::Image<float>& a, const n2n::Image<float>& b) { return n2n::metrics::psnr(a.view(), b.view()); }

}  // namespace

TEST_CASE("training on a real D750 capture with added noise lowers the loss and raises PSNR") {
    const auto file = n2n::test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    if (!file) return;
    const auto phase = n2n::bayer::BayerPhase::RGGB;
    n2n::bayer::Levels levels;
    levels.black = {600.F, 600.F, 600.F, 600.F};
    levels.white = 15520.F;
    const auto clean = n2n::bayer::normalize(read_d750(*file).view(), levels, n2n::bayer::Clip::ZeroOne);

    // Heteroscedastic Gaussian noise, var = a x + b (shot + read), clearly visible at these levels.
    const double a = 0.01, b = 0.0005;
    n2n::Image<float> noisy(kHeight, kWidth);
    std::mt19937 rng(2024);
    std::normal_distribution<float> normal(0.F, 1.F);
    for (std::size_t i = 0; i < clean.pixels().size(); ++i) {
        const double x = clean.pixels()[i];
        noisy.pixels()[i] = static_cast<float>(x + std::sqrt(a * x + b) * normal(rng));
    }
    const double psnr_noisy = psnr(noisy, clean);

    std::vector<std::filesystem::path> files{*file};
    n2n::train::FrameDataset data(files, {}, [&](const std::filesystem::path&) { return n2n::bayer::Mosaic{noisy, phase}; });
    // One LibTorch thread: on a loaded 2-core machine OpenMP teams of 2 stall at every barrier.
    torch::set_num_threads(1);
    n2n::train::TrainOptions o;
    // The paper's U-Net layout at 16 features instead of 48 (9x fewer operations) so that a
    // 2-core CPU makes enough steps in about a minute; the layer structure is the same.
    o.net = {"unet", 4, 4, 16};
    o.epochs = 250;
    o.lr = 2e-3;  // a short run: a larger step than the paper's 1e-4 for 100 epochs of SIDD
    o.lr_step = 0;
    o.gamma = 1.0;
    o.loader.batch = 4;
    o.loader.patch = 64;  // packed 64 x 64 = mosaic 128 x 128 crops
    o.loader.patches_per_frame = 8;
    o.loader.workers = 1;
    o.loader.seed = 1;
    o.max_minutes = 1.5;
    const auto result = n2n::train::train(data, o);
    REQUIRE(result.history.size() >= 3);
    const double first = result.history.front().loss;
    const double last = result.history.back().loss;
    MESSAGE("epochs " << result.history.size() << ", loss first " << first << " last " << last
                      << ", images/s " << result.history.back().images_per_s);
    CHECK(last < first);

    auto& net = *result.net;
    net.eval();
    torch::NoGradGuard no_grad;
    const auto packed = n2n::pack_to_tensor(noisy.view(), phase).unsqueeze(0);
    const auto denoised = n2n::unpack_from_tensor(n2n::model::forward_padded(net, packed), phase);
    const double psnr_denoised = psnr(denoised, clean);
    MESSAGE("PSNR vs the original capture: noisy " << psnr_noisy << " dB, denoised " << psnr_denoised << " dB");
    CHECK(psnr_denoised > psnr_noisy + 1.0);
}
