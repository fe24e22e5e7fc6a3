// SPDX-License-Identifier: MIT
// The image → scene → phone → CFA phase mapping of the SIDD block files, and score averaging.
#include "n2n_raw/error.hpp"
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/eval/sidd_eval.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace n2n;
using bayer::BayerPhase;

TEST_CASE("the built-in scene list is the data manifest and reference.md's 40 ids") {
    std::ifstream in(std::string(N2N_TEST_SOURCE_DIR) + "/../data_manifests/sidd_validation_scenes.json");
    REQUIRE(in);
    const auto manifest = nlohmann::json::parse(in);
    const auto& scenes = io::sidd_evaluation_scenes();
    REQUIRE(manifest.at("scenes").size() == scenes.size());
    const char* ids[] = {"0009", "0021", "0024", "0026", "0031", "0037", "0041", "0046", "0049", "0053",
                         "0056", "0058", "0061", "0067", "0071", "0074", "0079", "0082", "0085", "0093",
                         "0095", "0100", "0103", "0109", "0112", "0119", "0124", "0128", "0131", "0141",
                         "0143", "0148", "0153", "0158", "0162", "0171", "0174", "0176", "0183", "0187"};
    const auto phases = eval::block_phases(40);
    for (std::size_t i = 0; i < scenes.size(); ++i) {
        const auto& m = manifest["scenes"][i];
        CHECK(m.at("folder").get<std::string>() == scenes[i].folder);
        CHECK(m.at("phone").get<std::string>() == scenes[i].phone);
        CHECK(std::string(scenes[i].folder).substr(0, 4) == ids[i]);
        CHECK(std::string(scenes[i].folder).substr(9, 2) == scenes[i].phone);
        CHECK(phases[i] == *BayerPhase::parse(m.at("cfa").get<std::string>()));
    }
    // Spot checks against reference.md's phone table.
    CHECK(phases[0] == BayerPhase::GRBG);  // 0009 S6
    CHECK(phases[1] == BayerPhase::BGGR);  // 0021 GP
    CHECK(phases[4] == BayerPhase::RGGB);  // 0031 IP
    CHECK_THROWS_AS(eval::block_phases(41), ConfigError);
}

TEST_CASE("a phases file overrides the scene list") {
    test::TempDir dir;
    std::ofstream(dir / "p.txt") << "# two images\nrggb\n  GBRG  # second\n";
    const auto phases = eval::block_phases(2, dir / "p.txt");
    CHECK(phases == std::vector<BayerPhase>{BayerPhase::RGGB, BayerPhase::GBRG});
    CHECK(eval::block_phones(2, dir / "p.txt") == std::vector<std::string>{"?", "?"});
    CHECK_THROWS_AS(eval::block_phases(3, dir / "p.txt"), ConfigError);
    std::ofstream(dir / "bad.txt") << "RGGB\nXTRANS\n";
    CHECK_THROWS_AS(eval::block_phases(2, dir / "bad.txt"), FormatError);
}

TEST_CASE("scores average over blocks per image, per phone and overall") {
    io::SiddBlocks ref, est;
    for (auto* b : {&ref, &est}) {
        b->images = 3;
        b->blocks = 2;
        b->height = b->width = 12;
        b->data.assign(3 * 2 * 144, 0.5F);
    }
    // Image i block k: a uniform error e = 0.01·(i + 1)·(k + 1) → PSNR = −20·log10(e).
    for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 2; ++k)
            for (int p = 0; p < 144; ++p) est.data[static_cast<std::size_t>((i * 2 + k) * 144 + p)] += 0.01F * (i + 1) * (k + 1);
    const auto report = eval::score_blocks(est, ref, {"S6", "GP", "S6"});
    const auto psnr_of = [&](int i, int k) { return metrics::psnr(est.block(i, k), ref.block(i, k)); };
    CHECK(psnr_of(0, 0) == doctest::Approx(40.0).epsilon(1e-4));
    CHECK(report.per_image[1].psnr == doctest::Approx((psnr_of(1, 0) + psnr_of(1, 1)) / 2));
    REQUIRE(report.per_phone.size() == 2);
    CHECK(report.per_phone[0].first == "S6");
    CHECK(report.per_phone[0].second.blocks == 4);
    CHECK(report.per_phone[0].second.psnr ==
          doctest::Approx((psnr_of(0, 0) + psnr_of(0, 1) + psnr_of(2, 0) + psnr_of(2, 1)) / 4));
    CHECK(report.overall.blocks == 6);
    const auto json = nlohmann::json::parse(eval::report_json(report));
    CHECK(json["per_image"].size() == 3);
    CHECK(json["per_phone"]["GP"]["blocks"] == 2);
    CHECK(eval::report_table(report).find("overall") != std::string::npos);
}
