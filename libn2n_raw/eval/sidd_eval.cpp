// SPDX-License-Identifier: MIT
#include "n2n_raw/eval/sidd_eval.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/eval/metrics.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace n2n::eval {
namespace {

std::vector<bayer::BayerPhase> phases_from_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw IoError(file.string(), "phases", "cannot open");
    std::vector<bayer::BayerPhase> out;
    const auto parse = [&](const std::string& text, std::size_t index) {
        const auto phase = bayer::BayerPhase::parse(text);
        if (!phase)
            throw FormatError(file.string(), fmt::format("phase {}", index), fmt::format("'{}' is not a Bayer phase", text));
        out.push_back(*phase);
    };
    if (file.extension() == ".json") {
        try {
            const auto j = nlohmann::json::parse(in);
            for (const auto& scene : j.at("scenes")) parse(scene.at("cfa").get<std::string>(), out.size());
        } catch (const nlohmann::json::exception& e) {
            throw FormatError(file.string(), "scenes", e.what());
        }
        return out;
    }
    std::string line;
    while (std::getline(in, line)) {
        line = line.substr(0, line.find('#'));
        std::istringstream words(line);
        std::string word;
        if (words >> word) parse(word, out.size());
    }
    return out;
}

void check_images(std::ptrdiff_t images, std::size_t available, const std::string& source) {
    if (images <= 0 || static_cast<std::size_t>(images) > available)
        throw ConfigError(source, "images",
                          fmt::format("{} images in the block file but {} phases are known", images, available));
}

}  // namespace

const std::array<EvalScene, 40>& sidd_evaluation_scenes() {
    static const std::array<EvalScene, 40> scenes{{
        {"0009_001_S6_00800_00350_3200_L", "S6"}, {"0021_001_GP_10000_05000_5500_N", "GP"},
        {"0024_001_N6_03200_01500_5500_N", "N6"}, {"0026_001_G4_00400_00160_5500_L", "G4"},
        {"0031_001_IP_01600_02000_3200_N", "IP"}, {"0037_002_GP_06400_03200_3200_L", "GP"},
        {"0041_002_IP_01600_04000_5500_L", "IP"}, {"0046_002_G4_00400_00350_3200_L", "G4"},
        {"0049_002_N6_00800_00800_5500_L", "N6"}, {"0053_002_S6_03200_02000_5500_N", "S6"},
        {"0056_003_N6_03200_04000_5500_N", "N6"}, {"0058_003_G4_00400_00500_5500_L", "G4"},
        {"0061_003_S6_00800_00500_4400_L", "S6"}, {"0067_003_GP_01600_01500_3200_L", "GP"},
        {"0071_003_IP_02000_04000_5500_L", "IP"}, {"0074_004_N6_00400_00040_3200_L", "N6"},
        {"0079_004_G4_00800_00160_3200_N", "G4"}, {"0082_004_S6_03200_00500_4400_L", "S6"},
        {"0085_004_GP_06400_02000_4400_N", "GP"}, {"0093_004_IP_01250_00250_3200_L", "IP"},
        {"0095_005_N6_00400_00200_3200_L", "N6"}, {"0100_005_G4_00800_00400_3200_N", "G4"},
        {"0103_005_S6_01600_00800_4400_L", "S6"}, {"0109_005_GP_10000_08000_4400_N", "GP"},
        {"0112_005_IP_01000_07500_5500_L", "IP"}, {"0119_006_N6_00400_00100_3200_L", "N6"},
        {"0124_006_G4_00800_00350_3200_N", "G4"}, {"0128_006_S6_03200_01600_4400_L", "S6"},
        {"0131_006_GP_01600_01250_4400_N", "GP"}, {"0141_006_IP_01600_01620_3200_L", "IP"},
        {"0143_007_N6_00800_00800_4400_N", "N6"}, {"0148_007_G4_00400_00400_4400_L", "G4"},
        {"0153_007_S6_03200_03200_5500_L", "S6"}, {"0158_007_GP_03200_03200_5500_N", "GP"},
        {"0162_007_IP_01600_01600_3200_L", "IP"}, {"0171_008_N6_03200_01600_4400_L", "N6"},
        {"0174_008_G4_00800_00800_4400_N", "G4"}, {"0176_008_S6_00400_00100_5500_L", "S6"},
        {"0183_008_GP_06400_06400_5500_N", "GP"}, {"0187_008_IP_01600_01600_3200_L", "IP"},
    }};
    return scenes;
}

std::vector<bayer::BayerPhase> block_phases(std::ptrdiff_t images, const std::filesystem::path& phases_file) {
    if (!phases_file.empty()) {
        auto phases = phases_from_file(phases_file);
        check_images(images, phases.size(), phases_file.string());
        phases.resize(static_cast<std::size_t>(images));
        return phases;
    }
    const auto& scenes = sidd_evaluation_scenes();
    check_images(images, scenes.size(), "");
    std::vector<bayer::BayerPhase> out;
    for (std::ptrdiff_t i = 0; i < images; ++i) {
        const auto phase = io::sidd_phone_phase(scenes[static_cast<std::size_t>(i)].phone);
        if (!phase) throw ConfigError("", "phone", fmt::format("no CFA phase known for phone {}", scenes[i].phone));
        out.push_back(*phase);
    }
    return out;
}

std::vector<std::string> block_phones(std::ptrdiff_t images, const std::filesystem::path& phases_file) {
    if (!phases_file.empty()) {
        check_images(images, phases_from_file(phases_file).size(), phases_file.string());
        return std::vector<std::string>(static_cast<std::size_t>(images), "?");
    }
    const auto& scenes = sidd_evaluation_scenes();
    check_images(images, scenes.size(), "");
    std::vector<std::string> out;
    for (std::ptrdiff_t i = 0; i < images; ++i) out.emplace_back(scenes[static_cast<std::size_t>(i)].phone);
    return out;
}

ValidationReport score_blocks(const io::SiddBlocks& estimate, const io::SiddBlocks& reference,
                              const std::vector<std::string>& phones) {
    if (estimate.images != reference.images || estimate.blocks != reference.blocks ||
        estimate.height != reference.height || estimate.width != reference.width)
        throw ConfigError("", "blocks",
                          fmt::format("block files differ in layout: {}x{}x{}x{} vs {}x{}x{}x{}", estimate.images,
                                      estimate.blocks, estimate.height, estimate.width, reference.images,
                                      reference.blocks, reference.height, reference.width));
    if (phones.size() != static_cast<std::size_t>(estimate.images))
        throw ConfigError("", "phones", fmt::format("{} phones for {} images", phones.size(), estimate.images));
    ValidationReport report;
    report.phones = phones;
    std::vector<std::pair<std::string, Score>> sums;
    for (std::ptrdiff_t i = 0; i < estimate.images; ++i) {
        Score image;
        for (std::ptrdiff_t b = 0; b < estimate.blocks; ++b) {
            const double p = psnr(estimate.block(i, b), reference.block(i, b));
            image.psnr += p;
            image.ssim += ssim(estimate.block(i, b), reference.block(i, b));
            ++image.blocks;
        }
        auto it = std::find_if(sums.begin(), sums.end(), [&](const auto& s) { return s.first == phones[i]; });
        if (it == sums.end()) it = sums.insert(sums.end(), {phones[i], Score{}});
        for (Score* s : {&it->second, &report.overall}) {
            s->psnr += image.psnr;
            s->ssim += image.ssim;
            s->blocks += image.blocks;
        }
        image.psnr /= static_cast<double>(image.blocks);
        image.ssim /= static_cast<double>(image.blocks);
        report.per_image.push_back(image);
    }
    for (auto& [phone, s] : sums) {
        s.psnr /= static_cast<double>(s.blocks);
        s.ssim /= static_cast<double>(s.blocks);
    }
    report.per_phone = std::move(sums);
    report.overall.psnr /= static_cast<double>(report.overall.blocks);
    report.overall.ssim /= static_cast<double>(report.overall.blocks);
    return report;
}

std::string report_table(const ValidationReport& report) {
    std::string out = fmt::format("{:>5}  {:<5}  {:>9}  {:>7}\n", "image", "phone", "PSNR dB", "SSIM");
    for (std::size_t i = 0; i < report.per_image.size(); ++i)
        out += fmt::format("{:>5}  {:<5}  {:>9.4f}  {:>7.5f}\n", i, report.phones[i], report.per_image[i].psnr,
                           report.per_image[i].ssim);
    out += "\nper phone:\n";
    for (const auto& [phone, s] : report.per_phone)
        out += fmt::format("       {:<5}  {:>9.4f}  {:>7.5f}  ({} blocks)\n", phone, s.psnr, s.ssim, s.blocks);
    out += fmt::format("overall       {:>9.4f}  {:>7.5f}  ({} blocks)\n", report.overall.psnr, report.overall.ssim,
                       report.overall.blocks);
    return out;
}

std::string report_json(const ValidationReport& report, const std::string& extra_json_fields) {
    const auto score = [](const Score& s) {
        // JSON has no infinity: a perfect block (PSNR = inf) is reported as null.
        return nlohmann::json{{"psnr", std::isfinite(s.psnr) ? nlohmann::json(s.psnr) : nlohmann::json()},
                              {"ssim", s.ssim},
                              {"blocks", s.blocks}};
    };
    nlohmann::json j = extra_json_fields.empty() ? nlohmann::json::object() : nlohmann::json::parse(extra_json_fields);
    j["overall"] = score(report.overall);
    for (const auto& [phone, s] : report.per_phone) j["per_phone"][phone] = score(s);
    j["per_image"] = nlohmann::json::array();
    for (std::size_t i = 0; i < report.per_image.size(); ++i) {
        auto entry = score(report.per_image[i]);
        entry["index"] = i;
        entry["phone"] = report.phones[i];
        j["per_image"].push_back(entry);
    }
    return j.dump(1);
}

}  // namespace n2n::eval
