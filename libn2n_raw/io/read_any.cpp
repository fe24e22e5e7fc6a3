// SPDX-License-Identifier: MIT
#include "n2n_raw/io/read_any.hpp"

#include "n2n_raw/io/file_names.hpp"

#include "mat_array.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/png_file.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <fstream>

namespace n2n::io {
namespace {
bool has_raw_extension(const std::filesystem::path& path) { return lowercase_extension(path) == ".raw"; }
}  // namespace

FileKind detect_file_kind(const std::filesystem::path& path, const ReadOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string(), "open", std::strerror(errno));
    char head[8] = {};
    in.read(head, 8);
    if (in.gcount() == 8 && std::memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0) return FileKind::Png;
    if (in.gcount() >= 6 && std::memcmp(head, "MATLAB", 6) == 0) {
        switch (detail::mat_version(path)) {
        case detail::MatVersion::V5:
            return FileKind::MatV5;
        case detail::MatVersion::V73:
            return FileKind::MatV73;
        default:
            throw FormatError(path.string(), "header", "MATLAB header of an unsupported MAT version");
        }
    }
    // Headerless dumps have no magic: the user's geometry decides, whatever the extension
    // (.raw is also Panasonic's RAW extension, so without a spec LibRaw gets its chance).
    if (options.headerless) return FileKind::Headerless;
    return FileKind::CameraRaw;
}

namespace {

// A wrong --bits or --white (10 given for 14-bit data) puts most samples above white; a few
// hot or saturated pixels above it are normal, so only a clear excess is refused.
constexpr double kMaxFractionAboveWhite = 0.01;

void check_white_level(const RawFrame& frame) {
    const float white = frame.meta.levels.white;
    const auto view = frame.mosaic.view();
    std::ptrdiff_t above = 0;
    float highest = white;
    for (std::ptrdiff_t r = 0; r < view.height(); ++r) {
        const float* row = view.row(r);
        for (std::ptrdiff_t c = 0; c < view.width(); ++c)
            if (row[c] > white) {
                ++above;
                highest = std::max(highest, row[c]);
            }
    }
    const auto total = static_cast<double>(view.height() * view.width());
    if (total > 0 && static_cast<double>(above) > kMaxFractionAboveWhite * total)
        throw FormatError(frame.meta.source, "white level",
                          fmt::format("{} of {} samples ({:.1f} %) are above the white level {} (highest {}): the bit "
                                      "depth or white level is wrong (check --bits / --white)",
                                      above, view.height() * view.width(), 100.0 * static_cast<double>(above) / total,
                                      white, highest));
}

RawFrame read_by_kind(const std::filesystem::path& path, const ReadOptions& options) {
    const std::string file = path.string();
    switch (detect_file_kind(path, options)) {
    case FileKind::Headerless:
        return read_headerless(path, *options.headerless);
    case FileKind::Png:
        if (!options.png)
            throw ConfigError(file, "phase",
                              "a PNG mosaic does not state its CFA phase, bit depth or levels: give them");
        return read_png_mosaic(path, *options.png);
    case FileKind::MatV5:
    case FileKind::MatV73:
        return read_sidd_frame(path, options.sidd);
    case FileKind::CameraRaw:
        break;
    }
    try {
        return read_camera_raw(path, options.camera);
    } catch (const FormatError& e) {
        if (!has_raw_extension(path) || e.field() == "CFA") throw;
        throw ConfigError(file, "width",
                          fmt::format("LibRaw cannot read it ({}); a headerless .raw dump needs its width, height, "
                                      "phase and bit depth",
                                      e.detail()));
    }
}

}  // namespace

RawFrame read_any(const std::filesystem::path& path, const ReadOptions& options) {
    RawFrame frame = read_by_kind(path, options);
    if (frame.meta.source.empty()) frame.meta.source = path.string();
    check_white_level(frame);
    return frame;
}

}  // namespace n2n::io
