// SPDX-License-Identifier: MIT
// `n2n denoise FILES... --model M -o DIR`: denoise whole mosaics (camera RAW, SIDD MAT frames,
// 16-bit PNG or headerless mosaics) with the tiled inference path.
//
// Outputs per input (in DIR, written atomically):
//   <stem>_denoised.png  16-bit grey mosaic, same size and CFA phase as the input, in the input's
//                        DN (normalised values mapped back through its black/white levels; SIDD
//                        frames, which have no DN, use the full 0..65535)
//   <stem>_denoised.npy  float32 (1, H, W): the denoised mosaic normalised to [0, 1]
//   <stem>_denoised.mat  with --mat: MAT v7.3 single matrix `x` in [0, 1], as SIDD's frames
//   <stem>_denoised.dng  with --dng: Bayer DNG in the input's DN and metadata
//   <stem>_denoised_srgb.png  with --render: the simple ISP's 8-bit sRGB rendering
#include "commands.hpp"
#include "exit_codes.hpp"
#include "infer_cli.hpp"
#include "train_progress.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/flows/denoise_frame.hpp"
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
        std::string list;
        std::string out = ".";
        MosaicInputOptions mosaic;
        bool no_png = false, no_npy = false, mat = false, dng = false, render = false;
        ModelOptions model;
        NoiseLevelOptions noise;  ///< only --noise-json: a calibrated camera's level
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("denoise",
                                   "Denoise raw mosaics (camera RAW, SIDD MAT frame, 16-bit PNG, headerless .raw); "
                                   "writes <stem>_denoised.png (16-bit mosaic in the input's DN) and "
                                   "<stem>_denoised.npy (float32 1 x H x W in [0, 1])");
    cmd->add_option("files", o->inputs, "Input mosaics, or folders of them (searched recursively)")
        ->check(CLI::ExistingPath);
    cmd->add_option("--list", o->list, "Text file listing inputs, one path per line (# comments)")
        ->check(CLI::ExistingFile);
    cmd->footer("A file that cannot be read or denoised is reported and skipped; the others go on, and the exit "
                "status is then 1 (2 or 3 when no file could be denoised).");
    cmd->add_option("-o,--out", o->out, "Output folder (created if missing)")->capture_default_str();
    add_mosaic_input_options(*cmd, o->mosaic);
    cmd->add_flag("--no-png", o->no_png, "Do not write the 16-bit PNG");
    cmd->add_flag("--no-npy", o->no_npy, "Do not write the .npy");
    cmd->add_flag("--mat", o->mat, "Also write <stem>_denoised.mat (MAT v7.3, single `x` in [0, 1], as SIDD's frames)");
    cmd->add_flag("--dng", o->dng, "Also write <stem>_denoised.dng (input's DN, CFA and colour metadata)");
    cmd->add_flag("--render", o->render, "Also write <stem>_denoised_srgb.png through the simple ISP (as `n2n render`)");
    add_model_options(*cmd, o->model);
    cmd->add_option("--noise-json", o->noise.noise_json,
                    "Noise-conditioned models: calibration file from `n2n calibrate` (the entry of each frame's camera "
                    "and ISO, or its only entry); it beats the file's NoiseProfile and the blind fit")
        ->check(CLI::ExistingFile);
    cmd->callback([o] {
        const auto inputs = input_files(o->inputs, o->list);
        if (inputs.empty()) throw ConfigError("", "files", "no input: give files, folders or --list");
        const auto stem = [](const std::filesystem::path& p) { return p.stem().string() + "_denoised"; };
        require_distinct_stems(inputs, stem);
        const io::ReadOptions read = read_options(o->mosaic);
        auto model = load_model(o->model);
        const auto tiles = tile_options(o->model, model);
        if (!o->noise.noise_json.empty() && !model.noise_conditioned())
            std::cerr << "n2n denoise: warning: --noise-json is ignored: the model is not noise-conditioned\n";
        const std::filesystem::path dir = o->out;
        std::filesystem::create_directories(dir);
        const std::size_t total = inputs.size();
        BatchFailures failures;
        for (std::size_t k = 0; k < total; ++k) {
            const std::filesystem::path& input = inputs[k];
            const auto start = std::chrono::steady_clock::now();
            try {
                const auto frame = io::read_any(input, read);
                infer::TileOptions frame_tiles = tiles;
                std::string noise_label;
                if (!o->noise.noise_json.empty() && model.noise_conditioned()) {
                    const auto [label, level] = noise_levels(o->noise, &frame.meta).front();
                    frame_tiles.noise = level;
                    noise_label = fmt::format("calibration {} beta1={:.4g} beta2={:.4g}", label,
                                              level.channels[0].beta1, level.channels[0].beta2);
                }
                const auto denoised = flows::denoise_frame(model, frame, frame_tiles);
                if (noise_label.empty()) noise_label = denoised.noise_source;
                flows::write_outputs(dir, stem(input), denoised,
                                     {.png16 = !o->no_png, .npy = !o->no_npy, .mat = o->mat, .dng = o->dng,
                                      .render = o->render});
                const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                if (!quiet())
                    std::cerr << fmt::format("[{}/{}] {} ({}x{} {}) -> {} in {:.1f} s{}\n", k + 1, total,
                                             input.string(), frame.mosaic.height(), frame.mosaic.width(),
                                             frame.meta.phase.name(), (dir / stem(input)).string(), seconds,
                                             noise_label.empty() ? "" : ", noise: " + noise_label);
            } catch (const NumericError&) {
                throw;  // a broken model fails every file alike: stop at once
            } catch (const Error& e) {
                std::cerr << fmt::format("[{}/{}] {}: skipped: {}\n", k + 1, total, input.string(), e.what());
                failures.add(std::current_exception());
            }
        }
        failures.finish(total);
    });
}

}  // namespace n2n::cli
