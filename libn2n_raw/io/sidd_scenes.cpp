// SPDX-License-Identifier: MIT
#include "n2n_raw/io/sidd_scenes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>
#include <vector>

namespace n2n::io {
namespace {

// Splits at every '_' (empty parts kept, so "a__b" has three).
std::vector<std::string> underscore_parts(const std::string& text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find('_', start);
        parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return parts;
}

bool all_digits(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

constexpr std::array<std::pair<SiddFileKind, std::string_view>, 3> kKindNames{
    {{SiddFileKind::Noisy, "NOISY"}, {SiddFileKind::Gt, "GT"}, {SiddFileKind::Metadata, "METADATA"}}};

bool parse_number(const std::string& text, double& value) {
    if (text.empty()) return false;
    long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    value = static_cast<double>(v);
    return true;
}

}  // namespace

const std::array<SiddPhone, 5>& sidd_phones() {
    using bayer::BayerPhase;
    static const std::array<SiddPhone, 5> phones{{
        {"GP", "Google Pixel", BayerPhase::BGGR, {0, 0}},
        {"IP", "iPhone 7", BayerPhase::RGGB, {0, 0}},
        {"S6", "Samsung Galaxy S6 Edge", BayerPhase::GRBG, {3000, 5328}},
        {"N6", "Motorola Nexus 6", BayerPhase::BGGR, {0, 0}},
        {"G4", "LG G4", BayerPhase::BGGR, {0, 0}},
    }};
    return phones;
}

std::optional<bayer::BayerPhase> sidd_phone_phase(std::string_view phone_code) {
    const auto& phones = sidd_phones();
    const auto it = std::find_if(phones.begin(), phones.end(), [&](const SiddPhone& p) { return p.code == phone_code; });
    if (it == phones.end()) return std::nullopt;
    return it->phase;
}

std::optional<SiddSceneName> parse_sidd_scene_name(const std::string& folder_name) {
    const std::vector<std::string> parts = underscore_parts(folder_name);
    if (parts.size() != 7 || parts[6].size() != 1 || std::string("LNH").find(parts[6][0]) == std::string::npos)
        return std::nullopt;
    SiddSceneName out;
    out.instance = parts[0];
    out.scene = parts[1];
    out.phone = parts[2];
    double shutter = 0, kelvin = 0, dummy = 0;
    if (!parse_number(parts[0], dummy) || !parse_number(parts[1], dummy) || !parse_number(parts[3], out.iso) ||
        !parse_number(parts[4], shutter) || !parse_number(parts[5], kelvin) || shutter <= 0)
        return std::nullopt;
    out.exposure_time_s = 1.0 / shutter;
    out.illuminant_kelvin = static_cast<int>(kelvin);
    out.brightness = parts[6][0];
    return out;
}

std::optional<SiddFileName> parse_sidd_file_name(const std::string& file_name) {
    const auto dot = file_name.rfind('.');
    if (dot == std::string::npos) return std::nullopt;
    SiddFileName out;
    out.extension = file_name.substr(dot);
    std::string lower = out.extension;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::vector<std::string> parts = underscore_parts(file_name.substr(0, dot));
    if (lower != ".mat" || parts.size() != 4 || parts[2] != "RAW" || !all_digits(parts[0]) || !all_digits(parts[3]))
        return std::nullopt;
    const auto kind = std::find_if(kKindNames.begin(), kKindNames.end(), [&](const auto& k) { return k.second == parts[1]; });
    if (kind == kKindNames.end()) return std::nullopt;
    out.instance = parts[0];
    out.kind = kind->first;
    out.index = parts[3];
    return out;
}

std::string sidd_file_name(const SiddFileName& name) {
    const auto kind = std::find_if(kKindNames.begin(), kKindNames.end(), [&](const auto& k) { return k.first == name.kind; });
    return name.instance + "_" + std::string(kind->second) + "_RAW_" + name.index + name.extension;
}

std::vector<std::string> sidd_medium_files(const std::string& instance) {
    std::vector<std::string> out;
    for (const char* index : {"010", "011"})
        for (const auto& kind : kKindNames) out.push_back(sidd_file_name({instance, kind.first, index, ".MAT"}));
    return out;
}

const std::array<SiddEvalScene, 40>& sidd_evaluation_scenes() {
    static const std::array<SiddEvalScene, 40> scenes{{
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

}  // namespace n2n::io
