// SPDX-License-Identifier: MIT
// `n2n data verify DIR`: checks a SIDD Medium Raw tree (io/sidd_verify.hpp) and lists each
// problem as "path: field: kind: detail"; exit 0 when none, 2 when any (bad input), 3 when DIR
// itself cannot be read.
// `n2n data info FILE`: what a file holds. MAT files: version and variables (name, MATLAB
// shape, class), for SIDD names the scene the folder name states, and for METADATA files the
// capture metadata. Other files (camera RAW, DNG, PNG or headerless mosaics): size, CFA phase,
// levels, camera, ISO, exposure, NoiseProfile. Text, or JSON with --json.
#include "cli_common.hpp"
#include "commands.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/mat_info.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/io/sidd.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"
#include "n2n_raw/io/sidd_verify.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

namespace n2n::cli {
namespace {

using json = nlohmann::ordered_json;  // fields in the order written

json metadata_json(const io::RawMetadata& m) {
    json j{{"camera", m.camera}, {"cfa", m.phase.name()}, {"black", m.levels.black}, {"white", m.levels.white},
           {"bits_per_sample", m.bits_per_sample}};
    if (m.iso) j["iso"] = *m.iso;
    if (m.exposure_time_s) j["exposure_time_s"] = *m.exposure_time_s;
    if (!m.noise_profile.empty()) j["noise_profile"] = m.noise_profile;
    return j;
}

json scene_json(const io::SiddSceneName& s) {
    return {{"instance", s.instance},       {"scene", s.scene},
            {"phone", s.phone},             {"iso", s.iso},
            {"exposure_time_s", s.exposure_time_s}, {"illuminant_kelvin", s.illuminant_kelvin},
            {"brightness", std::string(1, s.brightness)}};
}

json mat_json(const std::filesystem::path& path) {
    const io::MatFileInfo info = io::read_mat_info(path);
    json j{{"format", "MAT " + info.version}, {"variables", json::array()}};
    for (const auto& v : info.variables)
        j["variables"].push_back({{"name", v.name}, {"shape", v.dims}, {"class", v.matlab_class}});
    const auto file = io::parse_sidd_file_name(path.filename().string());
    if (const auto scene = io::parse_sidd_scene_name(std::filesystem::absolute(path).parent_path().filename().string()))
        j["sidd_scene"] = scene_json(*scene);
    if (file && file->kind == io::SiddFileKind::Metadata) j["metadata"] = metadata_json(io::read_sidd_metadata(path));
    return j;
}

json frame_json(const std::filesystem::path& path, const io::ReadOptions& read) {
    const io::RawFrame frame = io::read_any(path, read);
    json j{{"format", "mosaic"}, {"height", frame.mosaic.height()}, {"width", frame.mosaic.width()}};
    j.update(metadata_json(frame.meta));
    return j;
}

// The elements of a JSON array of scalars, joined by `separator`.
std::string joined(const json& array, const char* separator) {
    std::vector<std::string> parts;
    for (const auto& v : array) parts.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    return fmt::format("{}", fmt::join(parts, separator));
}

// One "key: value" line per field; arrays of scalars on one line, objects indented below their key.
void print_text(const json& j, int indent) {
    for (const auto& [key, value] : j.items()) {
        const std::string pad(static_cast<std::size_t>(indent), ' ');
        if (value.is_object()) {
            fmt::print("{}{}:\n", pad, key);
            print_text(value, indent + 2);
        } else if (value.is_array() && !value.empty() && value.front().is_object()) {
            fmt::print("{}{}:\n", pad, key);
            for (const auto& item : value) {
                std::string line;
                for (const auto& [k, v] : item.items())
                    line += "  " + (v.is_array() ? joined(v, "x") : joined(json::array({v}), ""));
                fmt::print("{} {}\n", pad, line);
            }
        } else if (value.is_array()) {
            fmt::print("{}{}: {}\n", pad, key, joined(value, " "));
        } else {
            fmt::print("{}{}: {}\n", pad, key, joined(json::array({value}), ""));
        }
    }
}

}  // namespace

void register_data(CLI::App& app) {
    auto* data = app.add_subcommand("data", "Check and describe data files: `data verify DIR`, `data info FILE`");
    data->require_subcommand(1);

    struct VerifyOptions {
        std::string root;
        bool complete = false, json = false;
    };
    auto v = std::make_shared<VerifyOptions>();
    auto* verify = data->add_subcommand(
        "verify", "Check a SIDD Medium Raw tree (scene folders, or DIR/Data): folder names, the six files of each "
                  "folder, frame container, shape and type, unreadable or truncated files, METADATA");
    verify->add_option("dir", v->root, "The tree's root")->required();
    verify->add_flag("--complete", v->complete, "Also require all 160 scene instances");
    verify->add_flag("--json", v->json, "Print the report as JSON");
    verify->footer("Exit status 0: no problem; 2: problems found (each listed); 3: DIR cannot be read.");
    verify->callback([v] {
        const auto report = io::verify_sidd_medium(v->root, {.complete = v->complete});
        if (v->json) {
            json j{{"root", report.root.string()}, {"scenes", report.scenes}, {"files", report.files},
                   {"problems", json::array()}};
            for (const auto& p : report.problems)
                j["problems"].push_back(
                    {{"kind", io::to_string(p.kind)}, {"path", p.path}, {"field", p.field}, {"detail", p.detail}});
            fmt::print("{}\n", j.dump(1));
        } else {
            for (const auto& p : report.problems)
                fmt::print("{}: {}: {}: {}\n", p.path, p.field, io::to_string(p.kind), p.detail);
            fmt::print("{}: {} scene folders, {} files checked, {} problems\n", report.root.string(), report.scenes,
                       report.files, report.problems.size());
        }
        if (!report.ok())
            throw FormatError(report.root.string(), "SIDD tree", fmt::format("{} problems (listed above)", report.problems.size()));
    });

    struct InfoOptions {
        std::string file;
        bool json = false;
        MosaicInputOptions mosaic;
    };
    auto i = std::make_shared<InfoOptions>();
    auto* info = data->add_subcommand("info", "What a raw or MAT file holds: size, CFA, levels, camera, ISO, "
                                              "NoiseProfile; MAT variables with shape and class, SIDD scene fields");
    info->add_option("file", i->file, "The file")->required()->check(CLI::ExistingFile);
    info->add_flag("--json", i->json, "Print JSON");
    add_mosaic_input_options(*info, i->mosaic);
    info->callback([i] {
        const io::ReadOptions read = read_options(i->mosaic);
        const auto kind = io::detect_file_kind(i->file, read);
        json j = kind == io::FileKind::MatV5 || kind == io::FileKind::MatV73 ? mat_json(i->file) : frame_json(i->file, read);
        j["file"] = i->file;
        if (i->json)
            fmt::print("{}\n", j.dump(1));
        else
            print_text(j, 0);
    });
}

}  // namespace n2n::cli
