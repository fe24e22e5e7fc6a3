// SPDX-License-Identifier: MIT
// `n2n validate`: PSNR/SSIM of a model on the SIDD Validation block files, per image, per phone
// and overall, in raw space (unpacked mosaic blocks in [0, 1]).
#include "commands.hpp"
#include "infer_cli.hpp"

#include "n2n_raw/eval/block_denoising.hpp"
#include "n2n_raw/eval/sidd_eval.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

namespace n2n::cli {

void register_validate(CLI::App& app) {
    struct Options {
        NoisyBlocksOptions noisy;
        std::string gt, json, gt_var;
        ModelOptions model;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "validate",
        "Denoise SIDD Validation blocks and report PSNR (data range 1) and SSIM (Gaussian 11x11, sigma 1.5) per "
        "image, per phone and overall. Image i is taken from the i-th of SIDD's 40 evaluation scenes, whose phone "
        "gives the CFA phase (data_manifests/sidd_validation_scenes.json); --phases overrides.");
    add_noisy_blocks_options(*cmd, o->noisy, "ValidationNoisyBlocksRaw.mat");
    cmd->add_option("--gt", o->gt, "ValidationGtBlocksRaw.mat")->required()->check(CLI::ExistingFile);
    cmd->add_option("--gt-var", o->gt_var, "Variable in --gt (default: its only 4-D array)");
    cmd->add_option("--json", o->json, "Also write the report as JSON (atomically)");
    add_model_options(*cmd, o->model);
    cmd->callback([o] {
        const auto noisy = io::read_sidd_blocks(o->noisy.path, o->noisy.variable);
        const auto gt = io::read_sidd_blocks(o->gt, o->gt_var);
        const auto phases = eval::block_phases(noisy.images, o->noisy.phases);
        const auto phones = eval::block_phones(noisy.images, o->noisy.phases);
        auto model = load_model(o->model);
        std::cerr << fmt::format("model: {} on {}\n", model.description(), model.device().str());
        const auto denoised = eval::denoise_blocks(model, noisy, phases, tile_options(o->model, model), print_block_progress);
        const double seconds = denoised.seconds;
        std::cerr << '\n';
        const auto report = eval::score_blocks(denoised.blocks, gt, phones);
        const auto input = eval::score_blocks(noisy, gt, phones);
        std::cout << eval::report_table(report);
        std::cout << fmt::format("noisy input   {:>9.4f}  {:>7.5f}\ndenoising time {:.2f} s\n", input.overall.psnr,
                                 input.overall.ssim, seconds);
        if (!o->json.empty()) {
            const nlohmann::json extra{{"model", o->model.path},
                                       {"noisy", o->noisy.path},
                                       {"gt", o->gt},
                                       {"seconds", seconds},
                                       {"input", {{"psnr", input.overall.psnr}, {"ssim", input.overall.ssim}}}};
            const std::string text = eval::report_json(report, extra.dump());
            io::write_atomically(o->json, [&](std::ostream& out) { out << text << '\n'; });
        }
    });
}

}  // namespace n2n::cli
