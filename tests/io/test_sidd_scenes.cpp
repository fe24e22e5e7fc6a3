// SPDX-License-Identifier: MIT
// The one C++ home of the SIDD tables (io/sidd_scenes.hpp) against the data manifests, the
// independent record: phones and their CFA, the 40 evaluation scenes in order, and the scene
// folder name format. A change on either side without the other fails here.
#include "n2n_raw/io/sidd_scenes.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace n2n;
using bayer::BayerPhase;

namespace {
nlohmann::json manifest(const std::string& name) {
    std::ifstream in(std::string(N2N_TEST_SOURCE_DIR) + "/../data_manifests/" + name);
    REQUIRE(in);
    return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("sidd phones: codes, cameras and CFA phases are sidd_raw.json's") {
    const auto raw = manifest("sidd_raw.json");
    const auto& listed = raw.at("phones");
    const auto& phones = io::sidd_phones();
    REQUIRE(listed.size() == phones.size());
    for (const auto& phone : phones) {
        const std::string code(phone.code);
        REQUIRE(listed.contains(code));
        CHECK(listed[code].at("camera").get<std::string>() == phone.camera);
        CHECK(*BayerPhase::parse(listed[code].at("cfa").get<std::string>()) == phone.phase);
        CHECK(io::sidd_phone_phase(code) == phone.phase);
    }
    // The scene manifest's own phone -> CFA map says the same.
    const auto scenes = manifest("sidd_validation_scenes.json");
    REQUIRE(scenes.at("cfa").size() == phones.size());
    for (const auto& [code, cfa] : scenes.at("cfa").items())
        CHECK(io::sidd_phone_phase(code) == BayerPhase::parse(cfa.get<std::string>()));
    CHECK_FALSE(io::sidd_phone_phase("XX"));
}

TEST_CASE("sidd evaluation scenes: the 40 folders, in block-file order, are the manifests'") {
    const auto scenes_json = manifest("sidd_validation_scenes.json").at("scenes");
    const auto instances = manifest("sidd_raw.json").at("validation").at("scene_instances_in_order");
    const auto& scenes = io::sidd_evaluation_scenes();
    REQUIRE(scenes_json.size() == scenes.size());
    REQUIRE(instances.size() == scenes.size());
    std::set<std::string> distinct;
    for (std::size_t i = 0; i < scenes.size(); ++i) {
        const auto& m = scenes_json[i];
        CHECK(m.at("index").get<std::size_t>() == i);
        CHECK(m.at("folder").get<std::string>() == scenes[i].folder);
        CHECK(m.at("phone").get<std::string>() == scenes[i].phone);
        CHECK(instances[i].get<std::string>() == m.at("instance").get<std::string>());
        // The folder name itself says the instance and the phone.
        const auto parsed = io::parse_sidd_scene_name(scenes[i].folder);
        REQUIRE(parsed);
        CHECK(parsed->instance == m.at("instance").get<std::string>());
        CHECK(parsed->phone == scenes[i].phone);
        CHECK(io::sidd_phone_phase(parsed->phone) == BayerPhase::parse(m.at("cfa").get<std::string>()));
        distinct.insert(parsed->instance);
    }
    CHECK(distinct.size() == scenes.size());
}

TEST_CASE("sidd scene names: the parser accepts the manifest's folder pattern and reads its fields") {
    const std::regex pattern(manifest("sidd_raw.json").at("medium").at("folder_pattern").get<std::string>());
    for (const auto& scene : io::sidd_evaluation_scenes()) {
        std::smatch m;
        const std::string folder = scene.folder;
        REQUIRE(std::regex_match(folder, m, pattern));
        const auto parsed = io::parse_sidd_scene_name(folder);
        REQUIRE(parsed);
        // Fields in the manifest's order: instance, scene, phone, iso, shutter, kelvin, brightness.
        CHECK(parsed->instance == m[1].str());
        CHECK(parsed->scene == m[2].str());
        CHECK(parsed->phone == m[3].str());
        CHECK(parsed->iso == std::stod(m[4].str()));
        CHECK(parsed->exposure_time_s == doctest::Approx(1.0 / std::stod(m[5].str())));
        CHECK(parsed->illuminant_kelvin == std::stoi(m[6].str()));
        CHECK(parsed->brightness == m[7].str()[0]);
    }
    // Names outside the pattern are refused.
    CHECK_FALSE(io::parse_sidd_scene_name("0001_001_S6_00100_00060_3200_X"));
    CHECK_FALSE(io::parse_sidd_scene_name("0001_001_S6_00100_00060_3200"));
    CHECK_FALSE(io::parse_sidd_scene_name("not_a_scene"));
}

TEST_CASE("sidd medium files: names, scene count and known frame shapes are sidd_raw.json's") {
    const auto raw = manifest("sidd_raw.json");
    const auto& medium = raw.at("medium");
    CHECK(medium.at("scene_instances").get<std::size_t>() == io::kSiddMediumSceneInstances);
    std::vector<std::string> listed;
    for (const auto& pattern : medium.at("files_per_folder")) {
        std::string name = pattern.get<std::string>();
        name.replace(name.find("{instance}"), 10, "0042");
        listed.push_back(name);
    }
    CHECK(io::sidd_medium_files("0042") == listed);
    for (const auto& phone : io::sidd_phones()) {
        const auto& entry = raw.at("phones").at(std::string(phone.code));
        const std::array<std::ptrdiff_t, 2> frame =
            entry.contains("frame") ? entry.at("frame").get<std::array<std::ptrdiff_t, 2>>() : std::array<std::ptrdiff_t, 2>{};
        INFO(phone.code);
        CHECK(frame == phone.frame);
    }
}

TEST_CASE("sidd file names: parsed, rebuilt, and other names refused") {
    const auto name = io::parse_sidd_file_name("0007_METADATA_RAW_011.mat");
    REQUIRE(name);
    CHECK(name->instance == "0007");
    CHECK(name->kind == io::SiddFileKind::Metadata);
    CHECK(name->index == "011");
    CHECK(io::sidd_file_name(*name) == "0007_METADATA_RAW_011.mat");
    CHECK(io::parse_sidd_file_name("0007_GT_RAW_010.MAT")->kind == io::SiddFileKind::Gt);
    for (const char* other : {"0007_NOISY_SRGB_010.MAT", "0007_NOISY_RAW_010.PNG", "x_GT_RAW_010.MAT",
                              "0007_GT_RAW_010", "0007_CLEAN_RAW_010.MAT", "frame.MAT"})
        CHECK_FALSE(io::parse_sidd_file_name(other));
}
