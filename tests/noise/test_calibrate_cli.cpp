// SPDX-License-Identifier: MIT
// `n2n calibrate` end to end on DNG bursts written by our writer (camera, exposure and CFA phase
// in the files, read back through LibRaw): the JSON it writes holds the level the noise was drawn
// with; frames of another exposure, size or phase are refused by name with exit status 2; the
// file feeds --noise-json of another command. The ISO comes back from the DNGs' EXIF IFD, where
// LibRaw reads it.
#include "n2n_raw/dng/dng_writer.hpp"
#include "n2n_raw/noise/noise_model.hpp"
#include "support/process.hpp"
#include "support/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace n2n;
using bayer::BayerPhase;

namespace {

std::string cli() { return N2N_CLI; }

constexpr float kBlack = 512.F, kWhite = 16383.F;

// Frame k of a burst of a ramp scene (rows h, columns w) in 14-bit DN with noise of `level`.
void write_frame(const std::filesystem::path& path, std::ptrdiff_t h, std::ptrdiff_t w, noise::NoiseLevel level,
                 std::uint64_t seed, double exposure_s, BayerPhase phase, float gain = 1.F,
                 const std::string& model = "Cam", double iso = 800) {
    Image<float> clean(h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c)
            clean(r, c) = gain * (0.02F + 0.7F * static_cast<float>(r * w + c) / static_cast<float>(h * w));
    const auto noisy = noise::add_noise(clean.view(), phase, noise::NoiseModel::uniform(level), seed);
    io::RawFrame frame;
    frame.mosaic = Image<float>(h, w);
    for (std::size_t i = 0; i < noisy.pixels().size(); ++i)
        frame.mosaic.pixels()[i] = std::round(kBlack + noisy.pixels()[i] * (kWhite - kBlack));
    frame.meta.camera = "Test " + model;
    frame.meta.make = "Test";
    frame.meta.model = model;
    frame.meta.phase = phase;
    frame.meta.levels.black.fill(kBlack);
    frame.meta.levels.white = kWhite;
    frame.meta.bits_per_sample = 14;
    frame.meta.iso = iso;
    frame.meta.exposure_time_s = exposure_s;
    dng::write_dng(path, frame);
}

// Runs a command; returns its exit status and combined output.
std::pair<int, std::string> run_capturing(const std::string& command) {
    const std::string out = test::capture(command + " 2>&1; echo \"rc=$?\"");
    const auto at = out.rfind("rc=");
    REQUIRE(at != std::string::npos);
    return {std::stoi(out.substr(at + 3)), out.substr(0, at)};
}

constexpr double kShutter = 1.0 / 60;

// Writes `frames` frames frame00.dng, ... of one burst into `dir`; returns them as arguments.
std::string write_burst(const test::TempDir& dir, int frames, std::ptrdiff_t size, noise::NoiseLevel level,
                        std::uint64_t seed) {
    std::string args;
    for (int k = 0; k < frames; ++k) {
        const auto path = dir / fmt::format("frame{:02}.dng", k);
        write_frame(path, size, size, level, seed + static_cast<std::uint64_t>(k), kShutter, BayerPhase::RGGB);
        args += fmt::format(" {}", path.string());
    }
    return args;
}

}  // namespace

TEST_CASE("n2n calibrate: a DNG burst gives the known level; other captures are refused by name") {
    test::TempDir dir;
    const noise::NoiseLevel truth{1e-3, 1e-5};
    const std::string burst = write_burst(dir, 24, 384, truth, 10);
    const auto json_path = dir / "cal.json";
    const auto [rc, out] = run_capturing(fmt::format("{} calibrate{} -o {}", cli(), burst, json_path.string()));
    MESSAGE(out);
    REQUIRE(rc == 0);
    std::ifstream in(json_path);
    const auto doc = nlohmann::json::parse(in);
    REQUIRE(doc["entries"].size() == 1);
    const auto& e = doc["entries"][0];
    CHECK(e["camera"] == "Test Cam");
    CHECK(e["iso"] == 800);
    CHECK(e["method"] == "burst");
    CHECK(e["frames"] == 24);
    CHECK(e["files"].size() == 24);
    CHECK(e["beta1"].get<double>() == doctest::Approx(truth.beta1).epsilon(0.05));
    CHECK(e["beta2"].get<double>() == doctest::Approx(truth.beta2).epsilon(0.05));
    for (const char* ch : {"R", "Gr", "Gb", "B"}) {
        CAPTURE(ch);
        CHECK(e["channels"][ch]["beta1"].get<double>() == doctest::Approx(truth.beta1).epsilon(0.08));
    }

    // One frame of another exposure, size, phase or ISO: exit 2, the message names that file and field.
    write_frame(dir / "slow.dng", 384, 384, truth, 99, 1.0 / 30, BayerPhase::RGGB);
    write_frame(dir / "iso1600.dng", 384, 384, truth, 99, kShutter, BayerPhase::RGGB, 1.F, "Cam", 1600);
    write_frame(dir / "small.dng", 256, 384, truth, 99, kShutter, BayerPhase::RGGB);
    write_frame(dir / "grbg.dng", 384, 384, truth, 99, kShutter, BayerPhase::GRBG);
    const auto bad_out = dir / "bad.json";
    for (const auto& [name, field] : std::vector<std::pair<std::string, std::string>>{
             {"slow.dng", "exposure"}, {"small.dng", "size"}, {"grbg.dng", "CFA phase"}, {"iso1600.dng", "ISO"}}) {
        CAPTURE(name);
        const auto [bad_rc, bad_text] = run_capturing(
            fmt::format("{} calibrate {} {} {} {} -o {}", cli(), (dir / "frame00.dng").string(),
                        (dir / "frame01.dng").string(), (dir / "frame02.dng").string(), (dir / name).string(),
                        bad_out.string()));
        CHECK(bad_rc == 2);
        CHECK(bad_text.find(name) != std::string::npos);
        CHECK(bad_text.find(field) != std::string::npos);
        CHECK(!std::filesystem::exists(bad_out));
    }

    // Single frame of another camera; --merge keeps the burst's entry.
    write_frame(dir / "other.dng", 384, 384, truth, 98, kShutter, BayerPhase::RGGB, 1.F, "Other");
    const auto [single_rc, single_text] = run_capturing(
        fmt::format("{} calibrate {} -o {} --merge", cli(), (dir / "other.dng").string(), json_path.string()));
    MESSAGE(single_text);
    REQUIRE(single_rc == 0);
    std::ifstream in2(json_path);
    const auto merged = nlohmann::json::parse(in2);
    REQUIRE(merged["entries"].size() == 2);
    CHECK(merged["entries"][1]["method"] == "single-frame");
    CHECK(merged["entries"][1]["camera"] == "Test Other");
    CHECK(merged["entries"][1]["beta1"].get<double>() == doctest::Approx(truth.beta1).epsilon(0.15));

    // The file as another command's noise level: synth adds every entry (two levels, two pairs).
    const auto [synth_rc, synth_text] = run_capturing(fmt::format(
        "{} synth {} -o {} --noise-json {}", cli(), (dir / "frame00.dng").string(), (dir / "synth").string(),
        json_path.string()));
    MESSAGE(synth_text);
    REQUIRE(synth_rc == 0);
    std::ifstream pairs_in(dir / "synth" / "pairs.json");
    const std::string pairs((std::istreambuf_iterator<char>(pairs_in)), std::istreambuf_iterator<char>());
    CHECK(pairs.find("Test Cam@800") != std::string::npos);
    CHECK(pairs.find("Test Other@800") != std::string::npos);
    // A malformed calibration file is bad input (2), naming the file.
    {
        std::ofstream(dir / "broken.json") << "{\"format\": \"n2n-noise-calibration\", \"entries\": [{}]}";
    }
    const auto [broken_rc, broken_text] = run_capturing(fmt::format(
        "{} synth {} -o {} --noise-json {}", cli(), (dir / "frame00.dng").string(), (dir / "synth2").string(),
        (dir / "broken.json").string()));
    CHECK(broken_rc == 2);
    CHECK(broken_text.find("broken.json") != std::string::npos);
    CHECK(broken_text.find("entries[0].beta1") != std::string::npos);
}

TEST_CASE("n2n reference: a DNG burst with a brighter frame; the frame is rejected and named") {
    test::TempDir dir;
    const noise::NoiseLevel level{1e-3, 1e-5};
    const std::string burst = write_burst(dir, 6, 128, level, 20);
    write_frame(dir / "bright.dng", 128, 128, level, 40, kShutter, BayerPhase::RGGB, 1.3F);
    const auto out = dir / "ref";
    const auto [rc, text] = run_capturing(fmt::format("{} reference{} {} -o {}", cli(), burst,
                                                      (dir / "bright.dng").string(), out.string()));
    MESSAGE(text);
    REQUIRE(rc == 0);
    std::ifstream in(out / "reference.json");
    const auto report = nlohmann::json::parse(in);
    CHECK(report["frames_total"] == 7);
    CHECK(report["frames_used"] == 6);
    const auto& last = report["frames"][6];
    CHECK(last["file"].get<std::string>().find("bright.dng") != std::string::npos);
    CHECK(last["used"] == false);
    CHECK(last["reason"].get<std::string>().find("outlier") != std::string::npos);
    // Six frames of sigma at most sqrt(1e-3 * 0.72 + 1e-5): the residual is below that over sqrt(6).
    CHECK(report["residual_sigma"].get<double>() < std::sqrt(level.variance(0.72)) / std::sqrt(6.0));
    CHECK(report["residual_sigma"].get<double>() > std::sqrt(level.variance(0.02)) / std::sqrt(6.0));
    for (const char* f : {"reference.png", "reference.npy", "variance.npy"}) CHECK(std::filesystem::exists(out / f));
    // A frame of another exposure is refused by name, exit 2.
    write_frame(dir / "slow.dng", 128, 128, level, 41, 1.0 / 15, BayerPhase::RGGB);
    const auto [bad_rc, bad_text] = run_capturing(
        fmt::format("{} reference{} {} -o {}", cli(), burst, (dir / "slow.dng").string(), (dir / "ref2").string()));
    CHECK(bad_rc == 2);
    CHECK(bad_text.find("slow.dng") != std::string::npos);
    CHECK(bad_text.find("exposure") != std::string::npos);
}
