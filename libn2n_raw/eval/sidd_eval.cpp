// SPDX-License-Identifier: MIT
#include "n2n_raw/eval/sidd_eval.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"

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

std::vector<bayer::BayerPhase> block_phases(std::ptrdiff_t images, const std::filesystem::path& phases_file) {
    if (!phases_file.empty()) {
        auto phases = phases_from_file(phases_file);
        check_images(images, phases.size(), phases_file.string());
        phases.resize(static_cast<std::size_t>(images));
        return phases;
    }
    const auto& scenes = io::sidd_evaluation_scenes();
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
    const auto& scenes = io::sidd_evaluation_scenes();
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
            const double p = metrics::psnr(estimate.block(i, b), reference.block(i, b));
            image.psnr += p;
            image.ssim += metrics::ssim(estimate.block(i, b), reference.block(i, b));
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
