// SPDX-License-Identifier: MIT
#include "n2n_raw/io/sidd_scenes.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace n2n::io {
namespace {

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
        {"GP", "Google Pixel", BayerPhase::BGGR},
        {"IP", "iPhone 7", BayerPhase::RGGB},
        {"S6", "Samsung Galaxy S6 Edge", BayerPhase::GRBG},
        {"N6", "Motorola Nexus 6", BayerPhase::BGGR},
        {"G4", "LG G4", BayerPhase::BGGR},
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
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = folder_name.find('_', start);
        parts.push_back(folder_name.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
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
