// SPDX-License-Identifier: MIT
// The SIDD facts n2n_raw needs, in one place: the five phones and their CFA phase, the scene
// folder name format, and the 40 evaluation scene instances of the Validation/Benchmark block
// files. data_manifests/sidd_*.json is the independent record; a test checks these against it.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace n2n::io {

/// One SIDD phone: folder code, camera and CFA phase in MATLAB orientation (rows = height).
struct SiddPhone {
    std::string_view code;    ///< GP, IP, S6, N6 or G4
    std::string_view camera;  ///< e.g. "Samsung Galaxy S6 Edge"
    bayer::BayerPhase phase;
    std::array<std::ptrdiff_t, 2> frame;  ///< rows × columns of its Medium frames; {0, 0}: not known
};

/// The five SIDD phones.
const std::array<SiddPhone, 5>& sidd_phones();

/// CFA phase of a SIDD phone by its folder code (GP, IP, S6, N6, G4), MATLAB orientation;
/// nullopt for another code.
std::optional<bayer::BayerPhase> sidd_phone_phase(std::string_view phone_code);

/// What a SIDD scene folder name
/// `<instance>_<scene>_<phone>_<ISO>_<shutter>_<illuminant>_<brightness>`
/// (`0001_001_S6_00100_00060_3200_L`) tells.
struct SiddSceneName {
    std::string instance;  ///< "0001"
    std::string scene;     ///< "001"
    std::string phone;     ///< "S6"
    double iso = 0;
    double exposure_time_s = 0;  ///< 1 / shutter denominator
    int illuminant_kelvin = 0;
    char brightness = 'N';  ///< L, N or H
};

/// Parses a SIDD scene folder name; nullopt when it does not have that form.
std::optional<SiddSceneName> parse_sidd_scene_name(const std::string& folder_name);

/// The three files of one capture in a SIDD Medium scene folder.
enum class SiddFileKind { Noisy, Gt, Metadata };

/// What a SIDD Medium file name `<instance>_<KIND>_RAW_<index>.MAT`
/// (`0001_NOISY_RAW_010.MAT`, KIND = NOISY, GT or METADATA) tells.
struct SiddFileName {
    std::string instance;   ///< "0001"
    SiddFileKind kind = SiddFileKind::Noisy;
    std::string index;      ///< "010"
    std::string extension;  ///< ".MAT" as spelt in the name (matched case-insensitively)
};

/// Parses a SIDD Medium file name; nullopt when it does not have that form.
std::optional<SiddFileName> parse_sidd_file_name(const std::string& file_name);

/// The name `name` describes (the inverse of parse_sidd_file_name).
std::string sidd_file_name(const SiddFileName& name);

/// SIDD Medium Raw: scene instances of the whole set, and the files each scene folder holds in
/// the manifest's order (for captures 010 and 011: NOISY, GT, METADATA).
inline constexpr std::size_t kSiddMediumSceneInstances = 160;
std::vector<std::string> sidd_medium_files(const std::string& instance);

/// One of the 40 evaluation scene instances (image index i of the block files is entry i).
struct SiddEvalScene {
    const char* folder;  ///< SIDD folder name, e.g. "0009_001_S6_00800_00350_3200_L"
    const char* phone;   ///< GP, IP, S6, N6 or G4
};

/// The 40 scenes in block-file order (the order of public SIDD benchmark scripts; SIDD's block
/// files do not state it).
const std::array<SiddEvalScene, 40>& sidd_evaluation_scenes();

}  // namespace n2n::io
