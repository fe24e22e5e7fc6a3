// SPDX-License-Identifier: MIT
// `n2n render`: a RAW mosaic through the simple ISP to an 8/16-bit PNG or 16-bit TIFF, or a
// report figure (noisy | denoised | clean) with PSNR captions.
//
//   n2n render IMG.CR2 -o img.png [--out-bits 16] [--demosaic bilinear|mhc] [--wb as-shot|gray-world|R,G,B]
//   n2n render noisy.dng -o figure.png --side-by-side denoised.dng [clean.dng]
#include "cli_common.hpp"
#include "commands.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/pipeline/side_by_side.hpp"

#include <chrono>
#include <fmt/format.h>
#include <iostream>
#include <memory>

namespace n2n::cli {
namespace {

struct RenderOptions {
    std::string input;
    std::string output;
    int out_bits = 8;
    std::string demosaic = "mhc";
    std::string wb = "as-shot";
    std::string tone = "none";
    std::string transfer = "srgb";
    double ev = 0;
    std::vector<std::string> side_by_side;
    MosaicInputOptions mosaic;
};

pipeline::IspParams isp_params(const RenderOptions& o, const io::RawMetadata& meta) {
    pipeline::IspParams p = pipeline::params_from_metadata(meta);
    const auto method = pipeline::parse_demosaic(o.demosaic);
    if (!method) throw ConfigError("", "--demosaic", fmt::format("\"{}\" is not bilinear or mhc", o.demosaic));
    p.demosaic = *method;
    p.white_balance = pipeline::WhiteBalance::parse(o.wb);
    p.exposure_ev = o.ev;
    if (o.tone == "smoothstep") p.tone = pipeline::ToneCurve::Smoothstep;
    else if (o.tone != "none") throw ConfigError("", "--tone", fmt::format("\"{}\" is not none or smoothstep", o.tone));
    if (o.transfer == "gamma2.2") p.transfer = pipeline::Transfer::Gamma22;
    else if (o.transfer == "linear") p.transfer = pipeline::Transfer::Linear;
    else if (o.transfer != "srgb") throw ConfigError("", "--curve", fmt::format("\"{}\" is not srgb, gamma2.2 or linear", o.transfer));
    return p;
}

void run(const RenderOptions& o) {
    using Clock = std::chrono::steady_clock;
    const auto seconds = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    auto t0 = Clock::now();
    const io::ReadOptions ro = read_options(o.mosaic);
    const io::RawFrame frame = io::read_any(o.input, ro);
    const pipeline::IspParams params = isp_params(o, frame.meta);
    if (o.side_by_side.empty()) {
        const double read_s = seconds(t0);
        t0 = Clock::now();
        const pipeline::RgbImage rgb = pipeline::render(frame.mosaic.view(), params);
        const double render_s = seconds(t0);
        t0 = Clock::now();
        io::save_rgb(o.output, rgb, o.out_bits);
        std::cout << fmt::format("{}: {}x{} -> {} (read {:.2f} s, ISP {:.2f} s, write {:.2f} s)\n", o.input,
                                 frame.mosaic.width(), frame.mosaic.height(), o.output, read_s, render_s, seconds(t0));
        return;
    }
    const io::RawFrame denoised = io::read_any(o.side_by_side[0], ro);
    std::unique_ptr<io::RawFrame> clean;
    if (o.side_by_side.size() > 1) clean = std::make_unique<io::RawFrame>(io::read_any(o.side_by_side[1], ro));
    const auto figure = pipeline::comparison_figure(frame, denoised, clean.get(), params);
    io::save_rgb(o.output, figure.image, o.out_bits);
    std::cout << fmt::format("figure written to {}", o.output);
    if (figure.psnr_noisy)
        std::cout << fmt::format(" (raw PSNR vs clean: noisy {:.2f} dB, denoised {:.2f} dB)", *figure.psnr_noisy,
                                 *figure.psnr_denoised);
    std::cout << '\n';
}

}  // namespace

void register_render(CLI::App& app) {
    auto options = std::make_shared<RenderOptions>();
    CLI::App* cmd = app.add_subcommand("render", "Render a RAW mosaic to sRGB (PNG/TIFF), or a noisy|denoised|clean figure");
    cmd->add_option("input", options->input, "RAW file (camera RAW, DNG, headerless .raw, 16-bit PNG mosaic, SIDD MAT)")
        ->required();
    cmd->add_option("-o,--output", options->output, "Output .png (8 or 16 bits) or .tif (16 bits)")->required();
    cmd->add_option("--out-bits", options->out_bits, "Bits per output sample")->check(CLI::IsMember({8, 16}))->capture_default_str();
    cmd->add_option("--demosaic", options->demosaic, "bilinear or mhc (Malvar-He-Cutler)")->capture_default_str();
    cmd->add_option("--wb", options->wb, "as-shot, gray-world or gains R,G,B")->capture_default_str();
    cmd->add_option("--ev", options->ev, "Exposure adjustment in stops")
        ->check(CLI::Range(-pipeline::kMaxExposureEv, pipeline::kMaxExposureEv))
        ->capture_default_str();
    cmd->add_option("--tone", options->tone, "Tone curve after the transfer curve: none or smoothstep")->capture_default_str();
    cmd->add_option("--curve", options->transfer, "Transfer curve: srgb, gamma2.2 or linear")->capture_default_str();
    cmd->add_option("--side-by-side", options->side_by_side,
                    "DENOISED [CLEAN]: write INPUT (noisy) | DENOISED | CLEAN with PSNR captions")
        ->expected(1, 2);
    add_mosaic_input_options(*cmd, options->mosaic);
    cmd->callback([options] { run(*options); });
}

}  // namespace n2n::cli
