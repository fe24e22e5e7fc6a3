// SPDX-License-Identifier: MIT
// SIDD frames and block files on top of the common MatArray form (column-major, MATLAB dims).
#include "n2n_raw/io/sidd.hpp"
#include "mat_array.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/mat_v73.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"

#include <array>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <vector>

namespace n2n::io {
namespace {

// The METADATA file of a NOISY or GT frame's capture, by SIDD's naming; empty for other names.
std::filesystem::path sibling_metadata(const std::filesystem::path& frame) {
    auto name = parse_sidd_file_name(frame.filename().string());
    if (!name || name->kind == SiddFileKind::Metadata) return {};
    name->kind = SiddFileKind::Metadata;
    return frame.parent_path() / sidd_file_name(*name);
}

}  // namespace

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

std::vector<bayer::Rect> read_benchmark_block_positions(const std::filesystem::path& path) {
    const std::string file = path.string();
    detail::MatArray a;
    // Prefer the name SIDD uses; fall back to the file's only matrix.
    try {
        a = detail::read_mat_array(path, "BenchmarkBlocks32", 2);
    } catch (const FormatError& e) {
        if (e.field() != "BenchmarkBlocks32") throw;
        a = detail::read_mat_array(path, "", 2);
    }
    if (a.dims.size() != 2 || a.dims[1] != 4 || a.dims[0] == 0)
        throw FormatError(file, a.name,
                          fmt::format("shape {}; expected K x 4 [row col height width]", fmt::join(a.dims, "x")));
    detail::require_finite(file, a);
    const std::size_t k_rows = a.dims[0];
    std::vector<bayer::Rect> out(k_rows);
    for (std::size_t k = 0; k < k_rows; ++k) {
        std::array<std::ptrdiff_t, 4> v{};
        for (std::size_t j = 0; j < 4; ++j) {
            const float x = a.data[k + k_rows * j];  // column-major
            if (x != std::floor(x) || x < 1)
                throw FormatError(file, a.name,
                                  fmt::format("row {} column {}: {} is not a positive integer", k + 1, j + 1, x));
            v[j] = static_cast<std::ptrdiff_t>(x);
        }
        out[k] = bayer::Rect{v[0] - 1, v[1] - 1, v[2], v[3]};
    }
    return out;
}

void write_sidd_frame(const std::filesystem::path& path, ImageView<const float> mosaic) {
    if (mosaic.height() <= 0 || mosaic.width() <= 0) throw ConfigError(path.string(), "x", "empty mosaic");
    write_file_atomically(path, [&](const std::filesystem::path& tmp) {
        MatV73Writer mat(tmp, path.string());
        mat.write_single("x", mosaic);
        mat.close();
    });
}

}  // namespace n2n::io
