// SPDX-License-Identifier: MIT
// SIDD frames and block files on top of the common MatArray form (column-major, MATLAB dims).
#include "n2n_raw/io/sidd.hpp"
#include "mat_detail.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"

#include <array>
#include <charconv>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <matio.h>
#include <vector>

namespace n2n::io {
namespace {

// Replaces the `_NOISY_` / `_GT_` part of a SIDD file name by `_METADATA_`; empty if neither.
std::filesystem::path sibling_metadata(const std::filesystem::path& frame) {
    std::string name = frame.filename().string();
    for (const std::string kind : {"_NOISY_", "_GT_"}) {
        if (const auto at = name.find(kind); at != std::string::npos) {
            name.replace(at, kind.size(), "_METADATA_");
            return frame.parent_path() / name;
        }
    }
    return {};
}

bool parse_number(const std::string& text, double& value) {
    if (text.empty()) return false;
    long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    value = static_cast<double>(v);
    return true;
}

}  // namespace

std::optional<bayer::BayerPhase> sidd_phone_phase(const std::string& phone_code) {
    using bayer::BayerPhase;
    if (phone_code == "GP" || phone_code == "N6" || phone_code == "G4") return BayerPhase::BGGR;
    if (phone_code == "IP") return BayerPhase::RGGB;
    if (phone_code == "S6") return BayerPhase::GRBG;
    return std::nullopt;
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

RawFrame read_sidd_frame(const std::filesystem::path& path, const SiddFrameOptions& options) {
    const std::string file = path.string();
    detail::MatArray x = detail::read_mat_array(path, "x", 2);
    if (x.dims.size() != 2)
        throw FormatError(file, "x", fmt::format("shape {}: a frame must be a 2-D matrix", fmt::join(x.dims, "x")));
    if (!x.floating) throw FormatError(file, "x", "is stored as integers; SIDD frames are floating point in [0, 1]");
    detail::require_finite(file, x);

    RawFrame frame;
    const auto rows = static_cast<std::ptrdiff_t>(x.dims[0]), cols = static_cast<std::ptrdiff_t>(x.dims[1]);
    frame.mosaic = Image<float>(rows, cols);
    for (std::ptrdiff_t c = 0; c < cols; ++c) {
        const float* src = x.data.data() + c * rows;  // MATLAB column c
        for (std::ptrdiff_t r = 0; r < rows; ++r) frame.mosaic(r, c) = src[r];
    }
    x.data = {};

    std::filesystem::path metadata = options.metadata;
    if (metadata.empty()) {
        const auto sibling = sibling_metadata(path);
        std::error_code ec;
        if (!sibling.empty() && std::filesystem::exists(sibling, ec)) metadata = sibling;
    }
    if (!metadata.empty()) {
        frame.meta = read_sidd_metadata(metadata);
        frame.meta.levels = bayer::Levels::unit();  // the frame is already normalised
    } else {
        const std::string folder = std::filesystem::absolute(path).parent_path().filename().string();
        const auto scene = parse_sidd_scene_name(folder);
        const auto phase = scene ? sidd_phone_phase(scene->phone) : std::nullopt;
        if (!phase)
            throw FormatError(
                file, "CFA",
                fmt::format("no METADATA file beside it and folder name \"{}\" names no known SIDD phone", folder));
        frame.meta.phase = *phase;
        frame.meta.camera = scene->phone;
        frame.meta.iso = scene->iso;
        frame.meta.exposure_time_s = scene->exposure_time_s;
    }
    frame.meta.source = file;
    return frame;
}

ImageView<const float> SiddBlocks::block(std::ptrdiff_t i, std::ptrdiff_t b) const {
    return {data.data() + (i * blocks + b) * height * width, height, width};
}
ImageView<float> SiddBlocks::block(std::ptrdiff_t i, std::ptrdiff_t b) {
    return {data.data() + (i * blocks + b) * height * width, height, width};
}

SiddBlocks read_sidd_blocks(const std::filesystem::path& path, const std::string& variable) {
    const std::string file = path.string();
    detail::MatArray a = detail::read_mat_array(path, variable, 4);
    if (a.dims.size() != 4)
        throw FormatError(file, a.name,
                          fmt::format("shape {}: expected images x blocks x height x width", fmt::join(a.dims, "x")));
    detail::require_finite(file, a);
    SiddBlocks out;
    out.images = static_cast<std::ptrdiff_t>(a.dims[0]);
    out.blocks = static_cast<std::ptrdiff_t>(a.dims[1]);
    out.height = static_cast<std::ptrdiff_t>(a.dims[2]);
    out.width = static_cast<std::ptrdiff_t>(a.dims[3]);
    out.stored_class = a.stored_class;
    out.data.resize(a.data.size());
    // Column-major (n, b, h, w) -> row-major; reads are sequential, writes strided.
    const std::ptrdiff_t N = out.images, B = out.blocks, H = out.height, W = out.width;
    const float* src = a.data.data();
    for (std::ptrdiff_t w = 0; w < W; ++w)
        for (std::ptrdiff_t h = 0; h < H; ++h)
            for (std::ptrdiff_t b = 0; b < B; ++b)
                for (std::ptrdiff_t n = 0; n < N; ++n)
                    out.data[static_cast<std::size_t>(((n * B + b) * H + h) * W + w)] = *src++;
    return out;
}

void write_sidd_frame(const std::filesystem::path& path, ImageView<const float> mosaic) {
    if (mosaic.height() <= 0 || mosaic.width() <= 0) throw ConfigError(path.string(), "x", "empty mosaic");
    // MATLAB stores column-major: element (r, c) at r + height * c.
    std::vector<float> column_major(static_cast<std::size_t>(mosaic.height() * mosaic.width()));
    for (std::ptrdiff_t r = 0; r < mosaic.height(); ++r)
        for (std::ptrdiff_t c = 0; c < mosaic.width(); ++c)
            column_major[static_cast<std::size_t>(r + mosaic.height() * c)] = mosaic(r, c);
    write_file_atomically(path, [&](const std::filesystem::path& tmp) {
        mat_t* mat = Mat_CreateVer(tmp.c_str(), nullptr, MAT_FT_MAT73);
        if (mat == nullptr) throw IoError(path.string(), "x", "matio cannot create a MAT v7.3 file here");
        std::array<std::size_t, 2> dims{static_cast<std::size_t>(mosaic.height()), static_cast<std::size_t>(mosaic.width())};
        matvar_t* var = Mat_VarCreate("x", MAT_C_SINGLE, MAT_T_SINGLE, 2, dims.data(), column_major.data(), MAT_F_DONT_COPY_DATA);
        const int status = var == nullptr ? 1 : Mat_VarWrite(mat, var, MAT_COMPRESSION_NONE);
        Mat_VarFree(var);
        Mat_Close(mat);
        if (status != 0) throw IoError(path.string(), "x", "matio failed to write the matrix");
    });
}

}  // namespace n2n::io
