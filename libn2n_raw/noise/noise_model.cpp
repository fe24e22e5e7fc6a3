// SPDX-License-Identifier: MIT
#include "n2n_raw/noise/noise_model.hpp"

#include "n2n_raw/error.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <numbers>
#include <sstream>

namespace n2n::noise {

std::optional<NoiseModel> NoiseModel::from_dng_noise_profile(const std::vector<double>& pairs) {
    NoiseModel m;
    const auto level = [&](std::size_t k) { return NoiseLevel{pairs[2 * k], pairs[2 * k + 1]}; };
    if (pairs.size() == 2) m = uniform(level(0));
    else if (pairs.size() == 6) m = {{level(0), level(1), level(1), level(2)}};
    else return std::nullopt;
    try {
        m.validate();
    } catch (const ConfigError&) {
        return std::nullopt;
    }
    return m;
}

void NoiseModel::validate() const {
    for (const NoiseLevel& l : channels) {
        if (!std::isfinite(l.beta1) || l.beta1 < 0)
            throw ConfigError("", "beta1", fmt::format("{} is not a non-negative number", l.beta1));
        if (!std::isfinite(l.beta2) || l.beta2 < 0)
            throw ConfigError("", "beta2", fmt::format("{} is not a non-negative number", l.beta2));
        if (l.beta1 == 0 && l.beta2 == 0) throw ConfigError("", "beta1", "beta1 and beta2 are both zero: no noise");
    }
}

namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    return out;
}

bool parse_double(const std::string& text, double& out) {
    char* stop = nullptr;
    out = std::strtod(text.c_str(), &stop);
    return !text.empty() && *stop == '\0' && std::isfinite(out);
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

}  // namespace

std::vector<NlfEntry> read_nlf_table(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw IoError(path.string(), "", "cannot open the NLF table");
    std::vector<NlfEntry> table;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.starts_with("cam_iso")) continue;
        std::stringstream fields(line);
        std::string key, b1, b2;
        std::getline(fields, key, ',');
        std::getline(fields, b1, ',');
        std::getline(fields, b2, ',');
        NlfEntry e;
        const auto underscore = key.find('_');
        double iso = 0;
        if (underscore == std::string::npos || !parse_double(key.substr(underscore + 1), iso) ||
            !parse_double(b1, e.level.beta1) || !parse_double(b2, e.level.beta2))
            throw FormatError(path.string(), fmt::format("line {}", number),
                              fmt::format("'{}' is not PHONE_ISO,beta1,beta2", line));
        e.phone = upper(key.substr(0, underscore));
        e.iso = static_cast<int>(iso);
        table.push_back(e);
    }
    if (table.empty()) throw FormatError(path.string(), "cam_iso", "the NLF table has no entries");
    return table;
}

const NlfEntry& find_nlf(const std::vector<NlfEntry>& table, std::string_view phone, int iso) {
    const std::string want = upper(phone);
    for (const NlfEntry& e : table)
        if (e.phone == want && e.iso == iso) return e;
    std::string known;
    for (const NlfEntry& e : table) known += fmt::format("{}{}:{}", known.empty() ? "" : ", ", e.phone, e.iso);
    throw ConfigError("", "level", fmt::format("no NLF for {}:{} (the table has {})", want, iso, known));
}

std::pair<std::string, int> parse_level_name(std::string_view text) {
    const auto sep = text.find_first_of(":_");
    double iso = 0;
    if (sep == std::string_view::npos || sep == 0 || !parse_double(std::string(text.substr(sep + 1)), iso) || iso <= 0)
        throw ConfigError("", "level", fmt::format("'{}' is not PHONE:ISO (e.g. N6:800)", text));
    return {upper(text.substr(0, sep)), static_cast<int>(iso)};
}

double counter_normal(std::uint64_t seed, std::uint64_t index) {
    const std::uint64_t a = splitmix64(seed ^ splitmix64(2 * index));
    const std::uint64_t b = splitmix64(seed ^ splitmix64(2 * index + 1));
    // 53-bit uniforms; u1 in (0, 1] so the logarithm is finite.
    const double u1 = (static_cast<double>(a >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = static_cast<double>(b >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

Image<float> add_noise(ImageView<const float> clean, bayer::BayerPhase phase, const NoiseModel& model,
                       std::uint64_t seed) {
    model.validate();
    Image<float> out(clean.height(), clean.width());
    const auto width = static_cast<std::uint64_t>(clean.width());
    for (std::ptrdiff_t r = 0; r < clean.height(); ++r)
        for (std::ptrdiff_t c = 0; c < clean.width(); ++c) {
            const NoiseLevel& level = model.channels[static_cast<std::size_t>(phase.channel_at(r, c))];
            const double x = clean(r, c);
            const auto index = static_cast<std::uint64_t>(r) * width + static_cast<std::uint64_t>(c);
            const double y = x + std::sqrt(level.variance(x)) * counter_normal(seed, index);
            out(r, c) = static_cast<float>(std::round(std::clamp(y, 0.0, 1.0) * 65535.0) / 65535.0);
        }
    return out;
}

}  // namespace n2n::noise
