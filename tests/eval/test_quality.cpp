// SPDX-License-Identifier: MIT
// The quality benchmark's scores and pair sets.
#include "n2n_raw/error.hpp"
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/eval/quality.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "support/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <fstream>

using namespace n2n;

TEST_CASE("score: PSNR, SSIM and the mean error of the darkest quarter") {
    Image<float> clean(32, 32), estimate(32, 32);
    for (std::ptrdiff_t r = 0; r < 32; ++r)
        for (std::ptrdiff_t c = 0; c < 32; ++c) {
            clean(r, c) = static_cast<float>(r * 32 + c) / 1024.F;  // values 0 .. 1023/1024, each once
            // Lift the darkest quarter (the first 8 rows) by 0.01, lower the rest by 0.002.
            estimate(r, c) = clean(r, c) + (r < 8 ? 0.01F : -0.002F);
        }
    const auto s = eval::score(estimate.view(), clean.view());
    CHECK(s.dark_mean_error == doctest::Approx(0.01).epsilon(1e-3));
    CHECK(s.psnr == doctest::Approx(metrics::psnr(estimate.view(), clean.view())));
    CHECK(s.ssim == doctest::Approx(metrics::ssim(estimate.view(), clean.view())));
    CHECK_THROWS_AS(eval::score(Image<float>(32, 30).view(), clean.view()), ConfigError);
}

TEST_CASE("pair sets round-trip and evaluate per level") {
    test::TempDir dir;
    Image<std::uint16_t> clean(16, 16), noisy(16, 16);
    for (std::ptrdiff_t r = 0; r < 16; ++r)
        for (std::ptrdiff_t c = 0; c < 16; ++c) {
            clean(r, c) = static_cast<std::uint16_t>(1000 * (r + 1));
            noisy(r, c) = static_cast<std::uint16_t>(1000 * (r + 1) + ((r + c) % 2 ? 300 : -300));
        }
    std::filesystem::create_directories(dir.path() / "sub");
    io::write_png_gray16(dir / "sub/clean.png", clean.view());
    io::write_png_gray16(dir / "sub/noisy.png", noisy.view());
    std::vector<eval::QualityPair> pairs{
        {"a", dir / "sub/noisy.png", dir / "sub/clean.png", bayer::BayerPhase::GBRG, "N6:800",
         noise::NoiseModel::uniform({0.003476, 0.000052}), 4},
        {"b", dir / "sub/noisy.png", dir / "sub/clean.png", bayer::BayerPhase::BGGR, "S6:3200",
         noise::NoiseModel::uniform({0.01993, 0.000002}), 5}};
    pairs[1].model.channels[2].beta1 = 0.5;
    eval::write_pair_set(dir / "pairs.json", pairs);
    const auto back = eval::read_pair_set(dir / "pairs.json");
    REQUIRE(back.size() == 2);
    CHECK(back[1].name == "b");
    CHECK(back[1].phase == bayer::BayerPhase::BGGR);
    CHECK(back[1].model.channels[2].beta1 == 0.5);
    CHECK(back[1].model.channels[1].beta1 == doctest::Approx(0.01993));
    CHECK(back[0].seed == 4);
    CHECK(std::filesystem::equivalent(back[0].noisy, dir / "sub/noisy.png"));

    const auto mosaic = eval::read_pair_mosaic(back[0].clean, back[0].phase);
    CHECK(mosaic(3, 5) == doctest::Approx(4000.0 / 65535.0));

    const std::vector<eval::QualityMethod> methods{
        {"identity", [](const eval::QualityPair&, ImageView<const float> x) {
             Image<float> out(x.height(), x.width());
             for (std::ptrdiff_t r = 0; r < x.height(); ++r)
                 for (std::ptrdiff_t c = 0; c < x.width(); ++c) out(r, c) = x(r, c);
             return out;
         }}};
    const auto report = eval::evaluate_quality(back, methods);
    REQUIRE(report.rows.size() == 2);
    // The error is ±300 DN everywhere: PSNR = 20·log10(65535 / 300).
    CHECK(report.rows[0].scores.psnr == doctest::Approx(20 * std::log10(65535.0 / 300.0)).epsilon(1e-4));
    REQUIRE(report.summary.size() == 3);  // two levels and "all"
    CHECK(report.summary[2].level == "all");
    CHECK(report.summary[2].images == 2);
    CHECK(eval::format_quality_table(report).find("S6:3200") != std::string::npos);
    CHECK(eval::quality_json(report).find("dark_mean_error") != std::string::npos);
    // The levels are SIDD's PHONE:ISO, so the groups are the same two and "all".
    REQUIRE(report.groups.size() == 3);
    CHECK(report.groups[1].level == "S6 ISO 3200");
    CHECK(report.groups[1].group.camera == "S6");
    CHECK(report.groups[1].group.iso == 3200);
    CHECK(report.groups[1].mean.psnr == doctest::Approx(report.rows[1].scores.psnr));
    const std::string csv = eval::quality_groups_csv(report);
    CHECK(csv.rfind("group,camera,iso,method,images,psnr_db,", 0) == 0);
    CHECK(csv.find("\nN6 ISO 800,N6,800,identity,1,") != std::string::npos);

    std::ofstream(dir / "bad.json") << R"({"format": "other", "pairs": []})";
    CHECK_THROWS_AS(eval::read_pair_set(dir / "bad.json"), FormatError);
}

TEST_CASE("quality groups: the pair's camera and ISO, a level's CAMERA:ISO or CAMERA@ISO, else the level") {
    eval::QualityPair p;
    p.level = "N6:800";
    CHECK(eval::quality_group(p).name == "N6 ISO 800");
    p.level = "Canon EOS 5D Mark II@1600";
    const auto calibration = eval::quality_group(p);
    CHECK(calibration.name == "Canon EOS 5D Mark II ISO 1600");
    CHECK(calibration.camera == "Canon EOS 5D Mark II");
    CHECK(calibration.iso == 1600);
    for (const char* level : {"beta1=0.01,beta2=0.0001", "N6:", ":800", "N6:800x", "N6:-5"}) {
        p.level = level;
        const auto g = eval::quality_group(p);
        CHECK(g.name == level);
        CHECK(g.camera.empty());
        CHECK(!g.iso);
    }
    // A pair's own camera and ISO win over its level.
    p.camera = "IP";
    p.iso = 400;
    CHECK(eval::quality_group(p).name == "IP ISO 400");
}

TEST_CASE("quality groups CSV quotes names holding commas or quotes") {
    eval::QualityReport report;
    eval::QualitySummary s;
    s.level = "Make \"X\", 1@200";
    s.method = "noisy";
    s.images = 1;
    report.groups.push_back(s);
    const std::string csv = eval::quality_groups_csv(report);
    CHECK(csv.find("\n\"Make \"\"X\"\", 1@200\",,,noisy,1,") != std::string::npos);
}
