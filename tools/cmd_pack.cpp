// SPDX-License-Identifier: MIT
// `n2n pack`: read one RAW file, write its packed 4-channel data and a quick-look PNG.
//
// Outputs (in OUTDIR, written atomically):
//   <stem>_packed.npy   float32 array (4, H/2, W/2): planes R, Gr, Gb, B of the mosaic normalised
//                       to [0, 1] by its black/white levels, not clipped (noise stays unbiased);
//                       sensor orientation (EXIF orientation is not applied).
//   <stem>_preview.png  8-bit sRGB at half resolution (the packed planes' size) through the simple
//                       ISP: as-shot white balance, colour matrix, metered exposure (flows/quick_look).
#include "cli_common.hpp"
#include "commands.hpp"

#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/flows/quick_look.hpp"
#include "n2n_raw/io/npy.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/pipeline/isp.hpp"

#include <fmt/format.h>
#include <memory>

namespace n2n::cli {
namespace {

struct PackOptions {
    std::string input = kDefaultCapture;
    std::string out = ".";
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

void run_pack(const PackOptions& o) {
    namespace fs = std::filesystem;
    const io::RawFrame frame = io::read_any(o.input, pack_read_options(o));
    const auto normalized = frame.normalized(bayer::Clip::None);
    const bool odd = normalized.height() % 2 || normalized.width() % 2;
    const auto packed = bayer::pack(normalized.view(), frame.meta.phase, bayer::OddSize::TrimTrailing);

    std::error_code ec;
    fs::create_directories(o.out, ec);
    if (ec) throw IoError(o.out, "output folder", ec.message());
    const std::string stem = fs::path(o.input).stem().string();
    const fs::path npy = fs::path(o.out) / (stem + "_packed.npy");
    const fs::path png = fs::path(o.out) / (stem + "_preview.png");
    io::write_npy(npy, packed);
    io::save_rgb(png, flows::quick_look(frame));

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
    cmd->add_option("-o,--out", options->out, "Output folder (created if missing)")->capture_default_str();
    add_mosaic_input_options(*cmd, options->mosaic);
    cmd->add_flag("--inset-crop", options->inset_crop, "Camera RAW: apply the maker's recommended crop");
    cmd->add_option("--metadata", options->metadata, "SIDD frame: METADATA .MAT file to take the CFA phase from");
    cmd->callback([options] { run_pack(*options); });
}

}  // namespace n2n::cli
