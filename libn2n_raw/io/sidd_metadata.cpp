// SPDX-License-Identifier: MIT
// The `metadata` struct of SIDD's `<inst>_METADATA_RAW_<nnn>.MAT` files (MAT v5, via matio).
#include "mat_v5.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace n2n::io {

using detail::char_field;
using detail::numeric_data;

RawMetadata read_sidd_metadata(const std::filesystem::path& path) {
    const std::string file = path.string();
    auto mat = detail::open_v5(path);
    const detail::MatVar md = detail::read_variable(mat.get(), "metadata");
    if (!md) throw FormatError(file, "metadata", fmt::format("no such variable: {}", detail::matio_message()));
    if (md->class_type != MAT_C_STRUCT || detail::numel_of(md.get()) < 1 || !detail::struct_holds(md.get(), 1))
        throw FormatError(file, "metadata", "is not a struct");

    const auto field = [&](const char* name) { return detail::struct_field(md.get(), name, 0); };
    const auto numbers = [&](const char* name) -> std::vector<double> {
        const matvar_t* v = field(name);
        if (!v || !detail::is_numeric(v)) return {};
        return numeric_data<double>(file, name, v);
    };
    RawMetadata m;
    m.source = file;
    const std::string make = char_field(field("Make")), model = char_field(field("Model"));
    m.camera = make.empty() ? model : model.empty() ? make : make + " " + model;

    // UnknownTags: a struct array with fields ID and Value.
    std::optional<std::array<int, 4>> cfa;
    if (matvar_t* tags = field("UnknownTags"); tags && tags->class_type == MAT_C_STRUCT) {
        const std::size_t n = detail::numel_of(tags);
        if (!detail::struct_holds(tags, n)) throw FormatError(file, "UnknownTags", "damaged struct array");
        for (std::size_t k = 0; k < n; ++k) {
            const matvar_t* id_var = detail::struct_field(tags, "ID", k);
            const matvar_t* value_var = detail::struct_field(tags, "Value", k);
            if (!id_var || !value_var || !detail::is_numeric(id_var) || !detail::is_numeric(value_var)) continue;
            const auto id = numeric_data<double>(file, "UnknownTags.ID", id_var);
            if (id.size() != 1) continue;
            const auto value = numeric_data<double>(file, "UnknownTags.Value", value_var);
            if (id[0] == 33421 && !(value.size() == 2 && value[0] == 2 && value[1] == 2))
                throw FormatError(file, "CFARepeatPatternDim", "the CFA does not repeat every 2x2 pixels");
            if (id[0] == 33422) {
                if (value.size() != 4)
                    throw FormatError(file, "CFAPattern", fmt::format("{} values, expected 4", value.size()));
                cfa = std::array<int, 4>{static_cast<int>(value[0]), static_cast<int>(value[1]),
                                         static_cast<int>(value[2]), static_cast<int>(value[3])};
            }
            if (id[0] == 51041) {
                if (const auto problem = noise_profile_problem(value)) throw FormatError(file, "NoiseProfile", *problem);
                m.noise_profile = value;
            }
        }
    }
    if (!cfa) throw FormatError(file, "CFAPattern", "UnknownTags has no CFAPattern (tag 33422)");
    const auto phase = bayer::BayerPhase::from_cfa_pattern(*cfa);
    if (!phase)
        throw FormatError(
            file, "CFAPattern",
            fmt::format("[{} {} {} {}] is not a Bayer pattern", (*cfa)[0], (*cfa)[1], (*cfa)[2], (*cfa)[3]));
    m.phase = *phase;

    const auto white = numbers("WhiteLevel");
    if (white.size() != 1) throw FormatError(file, "WhiteLevel", "missing or not a scalar");
    const auto black = numbers("BlackLevel");
    if (black.size() == 1) {
        m.levels.black.fill(static_cast<float>(black[0]));
    } else if (black.size() == 4) {
        // With BlackLevelRepeatDim [2 2] the four values are row-major over the 2x2 cell.
        for (int k = 0; k < 4; ++k) m.levels.black[k] = static_cast<float>(black[k]);
    } else if (!black.empty()) {
        throw FormatError(file, "BlackLevel", fmt::format("{} values; expected 1 or 4", black.size()));
    }
    m.levels.white = static_cast<float>(white[0]);
    try {
        m.levels.validate();
    } catch (const ConfigError& e) {
        throw FormatError(file, e.field(), e.detail());
    }
    m.bits_per_sample = std::max(1, static_cast<int>(std::ceil(std::log2(white[0] + 1))));

    if (const auto n = numbers("AsShotNeutral"); n.size() == 3)
        m.as_shot_neutral = std::array<double, 3>{n[0], n[1], n[2]};
    const auto matrix = [&](const char* name) -> std::optional<Matrix3> {
        const auto v = numbers(name);
        if (v.size() != 9) return std::nullopt;
        Matrix3 out{};
        std::copy(v.begin(), v.end(), out.begin());  // DNG order: row-major
        return out;
    };
    m.color_matrix1 = matrix("ColorMatrix1");
    m.color_matrix2 = matrix("ColorMatrix2");
    if (const auto v = numbers("CalibrationIlluminant1"); v.size() == 1)
        m.calibration_illuminant1 = static_cast<int>(v[0]);
    if (const auto v = numbers("CalibrationIlluminant2"); v.size() == 1)
        m.calibration_illuminant2 = static_cast<int>(v[0]);
    if (const auto v = numbers("ISOSpeedRatings"); !v.empty()) m.iso = v[0];
    if (const auto v = numbers("ExposureTime"); v.size() == 1) m.exposure_time_s = v[0];
    if (const auto v = numbers("Orientation"); v.size() == 1 && v[0] >= 1 && v[0] <= 8)
        m.orientation = static_cast<int>(v[0]);
    return m;
}

}  // namespace n2n::io
