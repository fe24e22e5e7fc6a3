// SPDX-License-Identifier: MIT
// Stein's unbiased risk estimate against the true error: on a real mosaic with known synthetic
// noise, for the identity, a blur, the classical filter and the shipped network, the estimate
// from the noisy frame alone must agree with the MSE against the clean frame and rank them alike.
#include "n2n_raw/classical/nlm.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/eval/risk_estimate.hpp"
#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/metrics/metrics.hpp"
#include "support/test_data.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace n2n;
using bayer::BayerPhase;

namespace {

// A 3 × 3 box over same-colour samples: removes noise and detail alike.
Image<float> same_colour_blur(ImageView<const float> m) {
    Image<float> out(m.height(), m.width());
    for (std::ptrdiff_t r = 0; r < m.height(); ++r)
        for (std::ptrdiff_t c = 0; c < m.width(); ++c) {
            double sum = 0;
            int n = 0;
            for (int dr = -2; dr <= 2; dr += 2)
                for (int dc = -2; dc <= 2; dc += 2) {
                    const auto rr = r + dr, cc = c + dc;
                    if (rr < 0 || cc < 0 || rr >= m.height() || cc >= m.width()) continue;
                    sum += m(rr, cc);
                    ++n;
                }
            out(r, c) = static_cast<float>(sum / n);
        }
    return out;
}

Image<float> copy(ImageView<const float> m) {
    Image<float> out(m.height(), m.width());
    for (std::ptrdiff_t r = 0; r < m.height(); ++r) std::copy(m.row(r), m.row(r) + m.width(), out.view().row(r));
    return out;
}

double mse(ImageView<const float> a, ImageView<const float> b) {
    double s = 0;
    for (std::ptrdiff_t r = 0; r < a.height(); ++r)
        for (std::ptrdiff_t c = 0; c < a.width(); ++c) s += std::pow(static_cast<double>(a(r, c)) - b(r, c), 2);
    return s / static_cast<double>(a.height() * a.width());
}

// Gaussian heteroscedastic noise, neither clipped nor quantised: SURE's own assumptions.
Image<float> add_gaussian(ImageView<const float> clean, const noise::NoiseModel& model, std::uint64_t seed) {
    Image<float> out(clean.height(), clean.width());
    for (std::ptrdiff_t r = 0; r < clean.height(); ++r)
        for (std::ptrdiff_t c = 0; c < clean.width(); ++c) {
            const auto ch = static_cast<std::size_t>((r % 2) * 2 + (c % 2));  // RGGB: R, Gr, Gb, B
            const double sd = std::sqrt(model.channels[ch].variance(clean(r, c)));
            out(r, c) = static_cast<float>(clean(r, c) + sd * noise::counter_normal(seed, static_cast<std::uint64_t>(r * clean.width() + c)));
        }
    return out;
}

}  // namespace

TEST_CASE("risk estimate: agrees with the true MSE on a real mosaic, for denoisers and for a blur") {
    const auto file = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    if (!file) return;
    const io::RawFrame frame = io::read_headerless(*file, {768, 512, io::Endian::Little, {BayerPhase::RGGB, 14, 600.F, 15520.F}});
    const Image<float> clean = frame.normalized();
    const auto model_path = std::filesystem::path(N2N_TEST_SOURCE_DIR) / "../models/start_gat_unet16.pt";
    const auto net = infer::Model::load(model_path, torch::kCPU);
    const auto level = noise::NoiseModel::uniform({0.01, 2e-5});  // about SIDD's S6 at ISO 1600

    // Every method's estimate within 0.5 dB of the truth, and the methods in the truth's order.
    const auto check_all = [&](ImageView<const float> noisy, ImageView<const float> truth_frame, const noise::NoiseModel& model,
                               bool clipped) {
        const std::vector<std::pair<std::string, eval::MosaicDenoiser>> methods{
            {"identity", [](ImageView<const float> y) { return copy(y); }},
            {"blur", [](ImageView<const float> y) { return same_colour_blur(y); }},
            // Lifted blacks: a method's own estimate must not set its noise weights (a lifted
            // shadow would raise them and be scored better for it).
            {"blur, blacks lifted", [](ImageView<const float> y) {
                 Image<float> out = same_colour_blur(y);
                 for (float& v : out.pixels()) v = std::max(v, 0.01F);  // 1 % of white
                 return out;
             }},
            {"classical", [&](ImageView<const float> y) { return classical::denoise_gat_nlm(y, BayerPhase::RGGB, model); }},
            {"network", [&](ImageView<const float> y) {
                 infer::TileOptions tiles;
                 tiles.noise = model;
                 return infer::denoise_mosaic(net, y, BayerPhase::RGGB, tiles);
             }}};
        eval::RiskOptions options;
        if (clipped) {
            options.clip_low = 0;
            options.clip_high = 1;
        }
        std::vector<std::pair<double, double>> truth_and_estimate;
        for (const auto& [name, run] : methods) {
            const auto estimate = eval::estimate_risk(run, noisy, BayerPhase::RGGB, model, options);
            const double truth = -10 * std::log10(mse(run(noisy).view(), truth_frame));
            MESSAGE(fmt::format("{}: SURE {:.2f} dB, true {:.2f} dB", name, estimate.psnr_db, truth));
            CHECK(std::abs(estimate.psnr_db - truth) < 0.5);
            truth_and_estimate.emplace_back(truth, estimate.psnr_db);
        }
        for (std::size_t a = 0; a < methods.size(); ++a)
            for (std::size_t b = a + 1; b < methods.size(); ++b) {
                INFO(methods[a].first, " vs ", methods[b].first);
                CHECK((truth_and_estimate[a].first < truth_and_estimate[b].first) ==
                      (truth_and_estimate[a].second < truth_and_estimate[b].second));
            }
    };
    SUBCASE("Gaussian noise, not clipped") {
        const Image<float> noisy = add_gaussian(clean.view(), level, 5);
        check_all(noisy.view(), clean.view(), level, false);
    }
    SUBCASE("sensor noise, clipped at 0 and 1 and quantised: the clip-aware estimate") {
        const Image<float> noisy = noise::add_noise(clean.view(), BayerPhase::RGGB, level, 5);
        check_all(noisy.view(), clean.view(), level, true);
    }
    SUBCASE("photon-limited shadows: a quarter of the frame black, SIDD's S6 at ISO 3200 (beta2 ≪ beta1·x)") {
        // Where read noise is tiny, the variance near black doubles within 1e-4 of signal: taken
        // at a method's own estimate, a method that lifts the shadows scored up to 4.8 dB too well.
        std::vector<float> values = clean.pixels();
        std::nth_element(values.begin(), values.begin() + values.size() / 4, values.end());
        const float black = values[values.size() / 4];
        Image<float> dark(clean.height(), clean.width());
        for (std::ptrdiff_t r = 0; r < clean.height(); ++r)
            for (std::ptrdiff_t c = 0; c < clean.width(); ++c) dark(r, c) = std::max(clean(r, c) - black, 0.F) / (1 - black);
        const auto s6_3200 = noise::NoiseModel::uniform({0.01993, 2e-6});
        const Image<float> noisy = noise::add_noise(dark.view(), BayerPhase::RGGB, s6_3200, 7);
        check_all(noisy.view(), dark.view(), s6_3200, true);
    }
}

TEST_CASE("risk estimate: the identity's estimate is the noise variance; a border is left out; bad input refused") {
    Image<float> flat(64, 64, 0.5F);
    const auto model = noise::NoiseModel::uniform({0.01, 1e-4});
    const eval::MosaicDenoiser identity = [](ImageView<const float> y) { return copy(y); };
    // f(y) = y: no residual and divergence 1, so the estimate is the mean variance, up to the
    // one probe's mean square b² (4096 values: standard deviation 2.2 %, twice that in the estimate).
    const auto r = eval::estimate_risk(identity, flat.view(), BayerPhase::RGGB, model);
    CHECK(r.residual == 0);
    CHECK(r.noise_variance == doctest::Approx(0.01 * 0.5 + 1e-4).epsilon(1e-6));
    CHECK(r.mse == doctest::Approx(0.01 * 0.5 + 1e-4).epsilon(0.1));
    // A denoiser that returns a wrong shape, or a border that leaves nothing, is refused.
    const eval::MosaicDenoiser cropping = [](ImageView<const float> y) { return copy(y.sub(0, 0, 32, 32)); };
    CHECK_THROWS_AS(eval::estimate_risk(cropping, flat.view(), BayerPhase::RGGB, model), ConfigError);
    eval::RiskOptions options;
    options.border = 16;  // packed: 32 × 32 planes
    CHECK_THROWS_AS(eval::estimate_risk(identity, flat.view(), BayerPhase::RGGB, model, options), ConfigError);
    options.border = 4;
    // Left-out values: a denoiser that is wrong only near the edge scores as exact inside.
    const eval::TensorDenoiser edge_only = [](const torch::Tensor& y) {
        auto f = y.clone();
        f.narrow(-1, 0, 2).add_(0.1);
        return f;
    };
    const auto inner = eval::estimate_risk(edge_only, torch::full({4, 32, 32}, 0.5F), eval::packed_variance(model), options);
    CHECK(inner.residual == 0);
}
