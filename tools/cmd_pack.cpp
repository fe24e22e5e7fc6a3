// SPDX-License-Identifier: MIT
// `n2n pack`: read one RAW file, write its packed 4-channel data and a quick-look PNG.
//
// Outputs (in OUTDIR, written atomically):
//   <stem>_packed.npy   float32 array (4, H/2, W/2): planes R, Gr, Gb, B of the mosaic normalised
//                       to [0, 1] by its black/white levels, not clipped (noise stays unbiased);
//                       sensor orientation (EXIF orientation is not applied).
//   <stem>_preview.png  8-bit RGB at half resolution: R, mean(Gr, Gb), B, divided by the as-shot
//                       neutral when known, auto-exposed, gamma 1/2.2.
#include "cli_common.hpp"
#include "commands.hpp"

#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/npy.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/read_any.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <memory>

namespace n2n::cli {
namespace {

struct PackOptions {
    std::string input = kDefaultCapture;
    std::string outdir = ".";
    MosaicInputOptions mosaic;
    bool inset_crop = false;
    std::string metadata;
};

io::ReadOptions pack_read_options(const PackOptions& o) {
    io::ReadOptions r = read_options(o.mosaic);
    r.camera.inset_crop = o.inset_crop;
    r.sidd.metadata = o.metadata;
    return r;
}

// Half-resolution RGB quick look from the packed planes.
std::vector<std::uint8_t> quick_look(const PlanarImage<float>& packed, const io::RawMetadata& meta) {
    const std::ptrdiff_t h = packed.height(), w = packed.width();
    std::array<float, 3> gain{1.F, 1.F, 1.F};
    if (meta.as_shot_neutral)
        for (int c = 0; c < 3; ++c)
            if ((*meta.as_shot_neutral)[c] > 0) gain[c] = static_cast<float>(1.0 / (*meta.as_shot_neutral)[c]);
    std::vector<float> rgb(static_cast<std::size_t>(h * w * 3));
    for (std::ptrdiff_t i = 0; i < h; ++i)
        for (std::ptrdiff_t j = 0; j < w; ++j) {
            float* px = &rgb[static_cast<std::size_t>((i * w + j) * 3)];
            px[0] = packed.plane(0)(i, j) * gain[0];
            px[1] = 0.5F * (packed.plane(1)(i, j) + packed.plane(2)(i, j)) * gain[1];
            px[2] = packed.plane(3)(i, j) * gain[2];
        }
    // Linear raw is dark: map the 99th percentile to white (at most 16x gain).
    std::vector<float> sample;
    for (std::size_t k = 0; k < rgb.size(); k += 7) sample.push_back(rgb[k]);
    const auto nth = sample.begin() + static_cast<std::ptrdiff_t>(sample.size() * 99 / 100);
    std::nth_element(sample.begin(), nth, sample.end());
    const float scale = std::clamp(*nth > 0 ? 1.F / *nth : 16.F, 1.F, 16.F);
    std::vector<std::uint8_t> out(rgb.size());
    for (std::size_t k = 0; k < rgb.size(); ++k)
        out[k] =
            static_cast<std::uint8_t>(std::lround(255.F * std::pow(std::clamp(rgb[k] * scale, 0.F, 1.F), 1.F / 2.2F)));
    return out;
}

void run_pack(const PackOptions& o) {
    namespace fs = std::filesystem;
    const io::RawFrame frame = io::read_any(o.input, pack_read_options(o));
    const auto normalized = frame.normalized(bayer::Clip::None);
    const bool odd = normalized.height() % 2 || normalized.width() % 2;
    const auto packed = bayer::pack(normalized.view(), frame.meta.phase, bayer::OddSize::TrimTrailing);

    std::error_code ec;
    fs::create_directories(o.outdir, ec);
    if (ec) throw IoError(o.outdir, "-o", ec.message());
    const std::string stem = fs::path(o.input).stem().string();
    const fs::path npy = fs::path(o.outdir) / (stem + "_packed.npy");
    const fs::path png = fs::path(o.outdir) / (stem + "_preview.png");
    io::write_npy(npy, packed);
    io::write_png_rgb8(png, packed.height(), packed.width(), quick_look(packed, frame.meta));

    const auto& m = frame.meta;
    fmt::print("{}: {} {}x{} {} black {}/{}/{}/{} white {} -> {} (4x{}x{} float32){}, {}\n", o.input,
               m.camera.empty() ? std::string("unknown camera") : m.camera, frame.mosaic.width(), frame.mosaic.height(),
               m.phase.name(), m.levels.black[0], m.levels.black[1], m.levels.black[2], m.levels.black[3],
               m.levels.white, npy.string(), packed.height(), packed.width(),
               odd ? " (odd trailing row/column dropped)" : "", png.string());
}

}  // namespace

void register_pack(CLI::App& app) {
    auto options = std::make_shared<PackOptions>();
    CLI::App* cmd = app.add_subcommand(
        "pack", "Read a RAW file (camera RAW, SIDD MAT, 16-bit PNG or headerless dump) and write its packed "
                "4-channel data (.npy, planes R Gr Gb B, normalised) plus a quick-look PNG");
    cmd->add_option("input", options->input, "Input file")->capture_default_str();
    cmd->add_option("-o,--outdir", options->outdir, "Output folder (created if missing)")->capture_default_str();
    add_mosaic_input_options(*cmd, options->mosaic);
    cmd->add_flag("--inset-crop", options->inset_crop, "Camera RAW: apply the maker's recommended crop");
    cmd->add_option("--metadata", options->metadata, "SIDD frame: METADATA .MAT file to take the CFA phase from");
    cmd->callback([options] { run_pack(*options); });
}

}  // namespace n2n::cli
