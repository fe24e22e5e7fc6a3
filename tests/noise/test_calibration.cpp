// SPDX-License-Identifier: MIT
// Noise calibration against noise of known level: bursts, flats + darks and single frames must
// give back the beta1/beta2 the noise was drawn with; the file round trip; frames of different
// captures refused by name.
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/raw_frame.hpp"
#include "n2n_raw/noise/calibration.hpp"
#include "n2n_raw/noise/noise_model.hpp"
#include "support/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>

using namespace n2n;
using bayer::BayerPhase;

namespace {

// A smooth scene: a ramp over [0.02, 0.95] (every intensity bin populated, little near clipping).
Image<float> ramp_scene(std::ptrdiff_t h, std::ptrdiff_t w) {
    Image<float> m(h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c)
            m(r, c) = 0.02F + 0.93F * static_cast<float>(r * w + c) / static_cast<float>(h * w);
    return m;
}

noise::TemporalStats burst_of(const Image<float>& scene, const noise::NoiseModel& model, int frames) {
    noise::TemporalStats stats;
    for (int k = 0; k < frames; ++k)
        stats.add(noise::add_noise(scene.view(), BayerPhase::RGGB, model, 100 + static_cast<std::uint64_t>(k)).view());
    return stats;
}

// Unclipped Poisson-Gaussian (Gaussian approximation) noise of a known level, for darks whose
// negative half clipping would hide.
Image<float> unclipped_frame(const Image<float>& clean, const noise::NoiseLevel& level, std::uint64_t seed) {
    Image<float> out(clean.height(), clean.width());
    for (std::size_t i = 0; i < clean.pixels().size(); ++i) {
        const double x = clean.pixels()[i];
        out.pixels()[i] = static_cast<float>(x + std::sqrt(level.variance(x)) * noise::counter_normal(seed, i));
    }
    return out;
}

}  // namespace

TEST_CASE("temporal statistics: hand-computed mean and unbiased variance") {
    noise::TemporalStats stats;
    for (float v : {1.F, 2.F, 3.F, 4.F}) stats.add(Image<float>(2, 2, v).view());
    CHECK(stats.frames() == 4);
    CHECK(stats.mean(3) == doctest::Approx(2.5));
    // sum of (v - 2.5)^2 = 5, over n - 1 = 3.
    CHECK(stats.variance(0) == doctest::Approx(5.0 / 3.0));
    CHECK(stats.variance_image()(1, 1) == doctest::Approx(5.0 / 3.0));
    CHECK_THROWS_AS(stats.add(Image<float>(2, 4, 0.F).view()), ConfigError);
}

TEST_CASE("line fit: exact points give the line, a far-off point is left out") {
    std::vector<noise::VariancePoint> points;
    for (int k = 1; k <= 10; ++k) {
        const double x = 0.1 * k;
        points.push_back({x, 2e-3 * x + 3e-5, 1e5});
    }
    auto fit = noise::fit_noise_line(points, "test");
    CHECK(fit.level.beta1 == doctest::Approx(2e-3).epsilon(1e-9));
    CHECK(fit.level.beta2 == doctest::Approx(3e-5).epsilon(1e-9));
    CHECK(fit.residual < 1e-9);
    points[4].variance *= 3;  // a bin of moving pixels
    fit = noise::fit_noise_line(points, "test");
    CHECK(fit.points == 9);
    CHECK(fit.level.beta1 == doctest::Approx(2e-3).epsilon(1e-6));
    CHECK_THROWS_AS(noise::fit_noise_line({points[0]}, "test"), ConfigError);
}

TEST_CASE("burst calibration recovers known beta1 and beta2 within 5 %") {
    const Image<float> scene = ramp_scene(512, 512);
    for (const noise::NoiseLevel truth : {noise::NoiseLevel{1e-3, 1e-5}, noise::NoiseLevel{2e-4, 2e-6}}) {
        CAPTURE(truth.beta1);
        const auto cal = noise::calibrate_burst(burst_of(scene, noise::NoiseModel::uniform(truth), 32), BayerPhase::RGGB);
        MESSAGE(fmt::format("true beta1 {:.4e} beta2 {:.4e}; burst pooled {:.4e} {:.4e}, residual {:.4f}", truth.beta1,
                            truth.beta2, cal.pooled.level.beta1, cal.pooled.level.beta2, cal.pooled.residual));
        CHECK(cal.frames == 32);
        CHECK(cal.pooled.level.beta1 == doctest::Approx(truth.beta1).epsilon(0.05));
        CHECK(cal.pooled.level.beta2 == doctest::Approx(truth.beta2).epsilon(0.05));
        CHECK(cal.pooled.residual < 0.05);
        for (const auto& ch : cal.channels) {
            CHECK(ch.level.beta1 == doctest::Approx(truth.beta1).epsilon(0.05));
            CHECK(ch.level.beta2 == doctest::Approx(truth.beta2).epsilon(0.05));
        }
    }
}

TEST_CASE("burst calibration tells CFA channels with different gains apart") {
    const Image<float> scene = ramp_scene(512, 512);
    noise::NoiseModel truth;
    truth.channels = {{{2e-3, 2e-5}, {1e-3, 1e-5}, {1e-3, 1e-5}, {1.5e-3, 4e-5}}};
    const auto cal = noise::calibrate_burst(burst_of(scene, truth, 32), BayerPhase::RGGB);
    for (std::size_t c = 0; c < 4; ++c) {
        CAPTURE(c);
        MESSAGE(fmt::format("channel {}: true {:.4e} {:.4e}, fit {:.4e} {:.4e}", c, truth.channels[c].beta1,
                            truth.channels[c].beta2, cal.channels[c].level.beta1, cal.channels[c].level.beta2));
        CHECK(cal.channels[c].level.beta1 == doctest::Approx(truth.channels[c].beta1).epsilon(0.05));
        CHECK(cal.channels[c].level.beta2 == doctest::Approx(truth.channels[c].beta2).epsilon(0.05));
    }
    CHECK(cal.model().channels[0].beta1 == cal.channels[0].level.beta1);
    // Too short a burst is refused.
    CHECK_THROWS_AS(noise::calibrate_burst(burst_of(scene, truth, 3), BayerPhase::RGGB), ConfigError);
}

TEST_CASE("flat-field + dark calibration recovers known beta1 and beta2 within 5 %, fixed pattern included") {
    const noise::NoiseLevel truth{1e-3, 1e-5};
    // Flats with 1 % pixel-to-pixel gain differences (PRNU) and vignetting: temporal variance of
    // each level's frames cancels both.
    std::vector<Image<float>> store;
    std::vector<noise::FlatLevel> flats, darks;
    std::uint64_t seed = 1;
    for (double level : {0.1, 0.3, 0.6}) {
        Image<float> clean(256, 256);
        for (std::ptrdiff_t r = 0; r < 256; ++r)
            for (std::ptrdiff_t c = 0; c < 256; ++c) {
                const double prnu = 1 + 0.01 * noise::counter_normal(999, static_cast<std::uint64_t>(r * 256 + c));
                const double vignette = 1 - 0.2 * ((r - 128.0) * (r - 128.0) + (c - 128.0) * (c - 128.0)) / (128.0 * 128.0);
                clean(r, c) = static_cast<float>(level * prnu * vignette);
            }
        noise::FlatLevel l{fmt::format("flat {}", level), {}};
        for (int k = 0; k < 4; ++k) store.push_back(unclipped_frame(clean, truth, seed++));
        flats.push_back(std::move(l));
    }
    for (int k = 0; k < 8; ++k) store.push_back(unclipped_frame(Image<float>(256, 256, 0.F), truth, seed++));
    for (std::size_t l = 0; l < 3; ++l)
        for (std::size_t k = 0; k < 4; ++k) flats[l].frames.push_back(store[4 * l + k].view());
    darks.push_back({"dark", {}});
    for (std::size_t k = 12; k < 20; ++k) darks[0].frames.push_back(store[k].view());
    const auto cal = noise::calibrate_flat_dark(flats, darks, BayerPhase::RGGB);
    MESSAGE(fmt::format("flat-dark: beta1 {:.4e} beta2 {:.4e} (true 1e-3, 1e-5), residual {:.4f}",
                        cal.pooled.level.beta1, cal.pooled.level.beta2, cal.pooled.residual));
    CHECK(cal.frames == 20);
    CHECK(cal.pooled.points == 3);
    CHECK(cal.pooled.level.beta1 == doctest::Approx(truth.beta1).epsilon(0.05));
    CHECK(cal.pooled.level.beta2 == doctest::Approx(truth.beta2).epsilon(0.05));
    for (const auto& ch : cal.channels) {
        CHECK(ch.level.beta1 == doctest::Approx(truth.beta1).epsilon(0.05));
        CHECK(ch.level.beta2 == doctest::Approx(truth.beta2).epsilon(0.05));
    }
    CHECK_THROWS_AS(noise::calibrate_flat_dark(flats, {}, BayerPhase::RGGB), ConfigError);
    CHECK_THROWS_AS(noise::calibrate_flat_dark({}, darks, BayerPhase::RGGB), ConfigError);
}

TEST_CASE("single-frame calibration: the blind fit, within 10 % of beta1 and of sigma at x = 0.05") {
    const noise::NoiseLevel truth{1e-3, 1e-5};
    const Image<float> scene = ramp_scene(768, 768);
    const auto noisy = noise::add_noise(scene.view(), BayerPhase::RGGB, noise::NoiseModel::uniform(truth), 5);
    const auto cal = noise::calibrate_single(noisy.view(), BayerPhase::RGGB);
    MESSAGE(fmt::format("single frame: beta1 {:.4e} beta2 {:.4e} (true 1e-3, 1e-5)", cal.pooled.level.beta1,
                        cal.pooled.level.beta2));
    CHECK(cal.frames == 1);
    CHECK(cal.pooled.level.beta1 == doctest::Approx(truth.beta1).epsilon(0.1));
    CHECK(std::sqrt(cal.pooled.level.variance(0.05)) == doctest::Approx(std::sqrt(truth.variance(0.05))).epsilon(0.1));
    CHECK(std::isnan(cal.pooled.residual));
}

TEST_CASE("real capture: single-frame and burst methods agree" * doctest::test_suite("samples")) {
    // The D750 crop as the scene. Its own noise is the same in every frame of a burst made from
    // it, so the burst sees only the noise added: that is the level the single-frame fit finds
    // on the capture itself. A burst frame then holds both: about twice the variance.
    const auto file = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    if (!file) return;
    io::HeaderlessSpec spec;
    spec.width = 768;
    spec.height = 512;
    spec.mosaic.bits = 14;
    spec.mosaic.black = 600;
    spec.mosaic.white = 15520;
    const Image<float> scene = io::read_headerless(*file, spec).normalized();
    const auto own = noise::calibrate_single(scene.view(), BayerPhase::RGGB).pooled.level;
    const auto burst = noise::calibrate_burst(burst_of(scene, noise::NoiseModel::uniform(own), 24), BayerPhase::RGGB);
    const auto frame = noise::add_noise(scene.view(), BayerPhase::RGGB, noise::NoiseModel::uniform(own), 7);
    const auto single = noise::calibrate_single(frame.view(), BayerPhase::RGGB).pooled.level;
    MESSAGE(fmt::format("D750 crop: single frame beta1 {:.4e} beta2 {:.4e}; burst of it {:.4e} {:.4e} (residual {:.4f}); "
                        "single on a burst frame {:.4e} {:.4e}",
                        own.beta1, own.beta2, burst.pooled.level.beta1, burst.pooled.level.beta2, burst.pooled.residual,
                        single.beta1, single.beta2));
    // Compared as noise sigma where the capture has its values (x = 0.05 and 0.2): beta2 alone
    // is small against beta1 * x there.
    for (double x : {0.05, 0.2}) {
        CAPTURE(x);
        CHECK(std::sqrt(burst.pooled.level.variance(x)) == doctest::Approx(std::sqrt(own.variance(x))).epsilon(0.05));
        CHECK(std::sqrt(single.variance(x)) == doctest::Approx(std::sqrt(2 * own.variance(x))).epsilon(0.15));
    }
    CHECK(burst.pooled.level.beta1 == doctest::Approx(own.beta1).epsilon(0.05));
}

TEST_CASE("frames of different captures are refused, naming the file and field") {
    io::RawFrame a;
    a.mosaic = Image<float>(4, 4, 0.F);
    a.meta.source = "a.dng";
    a.meta.iso = 800;
    a.meta.exposure_time_s = 1.0 / 60;
    io::RawFrame b = a;
    b.meta.source = "b.dng";
    CHECK_NOTHROW(io::require_same_capture(a, b));
    const auto refused = [&](const io::RawFrame& f, const std::string& field, io::SameCapture what = {}) {
        try {
            io::require_same_capture(a, f, what);
            return false;
        } catch (const ConfigError& e) {
            CHECK(e.file() == "b.dng");
            CHECK(std::string(e.what()).find("a.dng") != std::string::npos);
            return e.field() == field;
        }
    };
    io::RawFrame other = b;
    other.meta.iso = 1600;
    CHECK(refused(other, "ISO"));
    other = b;
    other.meta.iso.reset();
    CHECK(refused(other, "ISO"));
    other = b;
    other.meta.phase = BayerPhase::GRBG;
    CHECK(refused(other, "CFA phase"));
    other = b;
    other.mosaic = Image<float>(4, 6, 0.F);
    CHECK(refused(other, "size"));
    other = b;
    other.meta.exposure_time_s = 1.0 / 30;
    CHECK(refused(other, "exposure"));
    CHECK_NOTHROW(io::require_same_capture(a, other, {.exposure = false}));
    other.meta.exposure_time_s = 0.0166667;  // 1/60 as another file may round it
    CHECK_NOTHROW(io::require_same_capture(a, other));
}

TEST_CASE("calibration file: round trip, lookup by camera and ISO, malformed files named") {
    test::TempDir dir;
    noise::CalibrationEntry e1{"Nikon D750", 800, "burst", {"a.nef"}, {}};
    e1.fit.pooled.level = {1e-3, 1e-5};
    e1.fit.pooled.residual = 0.01;
    e1.fit.frames = 16;
    for (std::size_t c = 0; c < 4; ++c) e1.fit.channels[c].level = {1e-3 * static_cast<double>(c + 1), 2e-5};
    noise::CalibrationEntry e2 = e1;
    e2.iso = 3200;
    e2.fit.pooled.level = {4e-3, 4e-5};
    const auto path = dir / "cal.json";
    {
        std::ofstream(path) << noise::calibration_json({e1, e2});
    }
    const auto back = noise::read_calibration(path);
    REQUIRE(back.size() == 2);
    CHECK(back[0].camera == "Nikon D750");
    CHECK(back[0].fit.pooled.level.beta1 == 1e-3);
    CHECK(back[0].fit.channels[3].level.beta1 == 4e-3);
    CHECK(back[0].fit.pooled.residual == 0.01);
    CHECK(back[1].fit.frames == 16);
    CHECK(&noise::find_calibration(back, "nikon d750", 3200, path.string(), "--noise-json") == &back[1]);
    CHECK_THROWS_AS(noise::find_calibration(back, "Canon", 800, path.string(), "--noise-json"), ConfigError);
    const std::vector<noise::CalibrationEntry> one{back[0]};
    CHECK(&noise::find_calibration(one, "Canon", 100, path.string(), "--noise-json") == &one[0]);

    const auto refused_field = [&](const std::string& text) {
        {
            std::ofstream(dir / "bad.json") << text;
        }
        try {
            noise::read_calibration(dir / "bad.json");
        } catch (const FormatError& e) {
            return e.field();
        }
        return std::string("accepted");
    };
    CHECK(refused_field("{") == "JSON");
    CHECK(refused_field(R"({"format": "other", "entries": []})") == "format");
    CHECK(refused_field(R"({"format": "n2n-noise-calibration", "entries": [{"beta1": 1e-3}]})") == "entries[0].beta2");
    CHECK(refused_field(R"({"format": "n2n-noise-calibration", "entries": [{"beta1": -1, "beta2": 1e-5}]})") ==
          "entries[0].beta1");
    CHECK(refused_field(R"({"format": "n2n-noise-calibration", "entries": [{"beta1": 1e-3, "beta2": 1e-5,
        "channels": {"R": {"beta1": 1e-3}}}]})") == "entries[0].channels.R.beta2");
    CHECK_THROWS_AS(noise::read_calibration(dir / "missing.json"), IoError);
}
