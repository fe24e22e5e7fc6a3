// SPDX-License-Identifier: MIT
// `n2n denoise FILES... --model M -o DIR`: denoise whole mosaics (camera RAW, SIDD MAT frames,
// 16-bit PNG or headerless mosaics) with the tiled inference path.
//
// Outputs per input (in DIR, written atomically):
//   <stem>_denoised.png  16-bit grey mosaic, same size and CFA phase as the input, in the input's
//                        DN (normalised values mapped back through its black/white levels; SIDD
//                        frames, which have no DN, are scaled to 0..65535)
//   <stem>_denoised.npy  float32 (1, H, W): the denoised mosaic normalised to [0, 1]
#include "commands.hpp"
#include "infer_cli.hpp"

#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/mosaic_files.hpp"
#include "n2n_raw/io/npy.hpp"
#include "n2n_raw/io/read_any.hpp"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <memory>

namespace n2n::cli {

void register_denoise(CLI::App& app) {
    struct Options {
        std::vector<std::string> inputs;
        std::string out = ".";
        std::ptrdiff_t width = 0, height = 0;
        std::string phase;
        int bits = 16;
        float black = 0.F, white = -1.F;
        bool no_png = false, no_npy = false;
        ModelOptions model;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("denoise",
                                   "Denoise raw mosaics (camera RAW, SIDD MAT frame, 16-bit PNG, headerless .raw); "
                                   "writes <stem>_denoised.png (16-bit mosaic in the input's DN) and "
                                   "<stem>_denoised.npy (float32 1 x H x W in [0, 1])");
    cmd->add_option("files", o->inputs, "Input mosaics")->required()->check(CLI::ExistingFile);
    cmd->add_option("-o,--out", o->out, "Output folder (created if missing)")->capture_default_str();
    cmd->add_option("--width", o->width, "Headerless .raw: pixels per row");
    cmd->add_option("--height", o->height, "Headerless .raw: rows");
    cmd->add_option("--phase", o->phase, "PNG / headerless: CFA phase of pixel (0, 0) (RGGB, GRBG, GBRG, BGGR)");
    cmd->add_option("--bits", o->bits, "PNG / headerless: meaningful bits per sample")->capture_default_str();
    cmd->add_option("--black", o->black, "PNG / headerless: black level in DN")->capture_default_str();
    cmd->add_option("--white", o->white, "PNG / headerless: white level in DN (default 2^bits - 1)");
    cmd->add_flag("--no-png", o->no_png, "Do not write the 16-bit PNG");
    cmd->add_flag("--no-npy", o->no_npy, "Do not write the .npy");
    add_model_options(*cmd, o->model);
    cmd->callback([o] {
        io::ReadOptions read;
        io::MosaicSpec spec;
        if (!o->phase.empty()) {
            const auto phase = bayer::BayerPhase::parse(o->phase);
            if (!phase) throw ConfigError("", "--phase", fmt::format("'{}' is not RGGB, GRBG, GBRG or BGGR", o->phase));
            spec.phase = *phase;
            read.png = spec;
        }
        spec.bits = o->bits;
        spec.black = o->black;
        if (o->white >= 0) spec.white = o->white;
        if (!o->phase.empty()) read.png = spec;
        if (o->width > 0 || o->height > 0) read.headerless = io::HeaderlessSpec{o->width, o->height, io::Endian::Little, spec};

        auto model = load_model(o->model);
        const auto tiles = tile_options(o->model);
        const std::filesystem::path dir = o->out;
        std::filesystem::create_directories(dir);
        const std::size_t total = o->inputs.size();
        for (std::size_t k = 0; k < total; ++k) {
            const std::filesystem::path input = o->inputs[k];
            const auto start = std::chrono::steady_clock::now();
            const auto frame = io::read_any(input, read);
            const auto normalized = frame.normalized(bayer::Clip::ZeroOne);
            const auto denoised = infer::denoise_mosaic(model, normalized.view(), frame.meta.phase, tiles);
            const std::string stem = input.stem().string() + "_denoised";
            if (!o->no_png) {
                // SIDD frames are already normalised (unit levels): no DN to return to, use 16 bits.
                bayer::Levels levels = frame.meta.levels;
                if (levels.white == 1.F && levels.black == std::array<float, 4>{}) levels.white = 65535.F;
                io::write_png_gray16(dir / (stem + ".png"), bayer::denormalize(denoised.view(), levels).view());
            }
            if (!o->no_npy) {
                PlanarImage<float> planes(1, denoised.height(), denoised.width());
                std::copy(denoised.pixels().begin(), denoised.pixels().end(), planes.pixels().begin());
                io::write_npy(dir / (stem + ".npy"), planes);
            }
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::cerr << fmt::format("[{}/{}] {} ({}x{} {}) -> {} in {:.1f} s\n", k + 1, total, input.string(),
                                     frame.mosaic.height(), frame.mosaic.width(), frame.meta.phase.name(),
                                     (dir / stem).string(), seconds);
        }
    });
}

}  // namespace n2n::cli
