// SPDX-License-Identifier: MIT
// `n2n submit`: denoise SIDD's BenchmarkNoisyBlocksRaw.mat and write every submission format.
#include "commands.hpp"
#include "infer_cli.hpp"

#include "n2n_raw/eval/block_denoising.hpp"
#include "n2n_raw/eval/sidd_eval.hpp"
#include "n2n_raw/eval/submission.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <ATen/Parallel.h>

namespace n2n::cli {

void register_submit(CLI::App& app) {
    struct Options {
        NoisyBlocksOptions noisy;
        std::string out = ".";
        eval::SubmissionInfo info{"Neighbor2Neighbor (raw, n2n_raw)", "", "Neighbor2Neighbor: Self-Supervised Denoising from Single Noisy Images", "CVPR 2021", ""};
        ModelOptions model;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "submit",
        "Denoise BenchmarkNoisyBlocksRaw.mat and write SubmitRaw.mat (MAT v7.3 as SIDD's MATLAB kit: cell of single "
        "blocks, TimeMPRaw, OptionalData), SubmitRaw_v5.mat (4-D float32 array, as the Python kits) and SubmitRaw.csv "
        "(Kaggle: ID,BLOCK base64). TimeMPRaw is the measured denoising time in seconds per 1024^2 samples.");
    add_noisy_blocks_options(*cmd, o->noisy, "BenchmarkNoisyBlocksRaw.mat");
    cmd->add_option("-o,--out", o->out, "Output folder (created if missing)")->capture_default_str();
    cmd->add_option("--method-name", o->info.method_name, "OptionalData.MethodName")->capture_default_str();
    cmd->add_option("--authors", o->info.authors, "OptionalData.Authors");
    cmd->add_option("--paper-title", o->info.paper_title, "OptionalData.PaperTitle")->capture_default_str();
    cmd->add_option("--venue", o->info.venue, "OptionalData.Venue")->capture_default_str();
    cmd->add_option("--machine-specs", o->info.machine_specs, "OptionalData.MachineSpecs (default: device and threads)");
    add_model_options(*cmd, o->model);
    cmd->callback([o] {
        const auto noisy = io::read_sidd_blocks(o->noisy.path, o->noisy.variable);
        const auto phases = eval::block_phases(noisy.images, o->noisy.phases);
        auto model = load_model(o->model);
        const auto result = eval::denoise_blocks(model, noisy, phases, tile_options(o->model, model), print_block_progress);
        const auto& denoised = result.blocks;
        const double seconds = result.seconds;
        std::cerr << '\n';
        const double time_mp = eval::seconds_per_megapixel(seconds, noisy);
        auto info = o->info;
        if (info.machine_specs.empty())
            info.machine_specs = fmt::format("{}, {} threads, n2n_raw {}", model.device().str(), at::get_num_threads(),
                                             model.description());
        const std::filesystem::path dir = o->out;
        std::filesystem::create_directories(dir);
        eval::write_submission_mat_v73(dir / "SubmitRaw.mat", denoised, time_mp, info);
        eval::write_submission_mat_v5(dir / "SubmitRaw_v5.mat", denoised, time_mp);
        eval::write_submission_csv(dir / "SubmitRaw.csv", denoised);
        fmt::print("denoised {} blocks in {:.2f} s ({:.4f} s per megapixel)\nwrote {}, {}, {}\n",
                   noisy.images * noisy.blocks, seconds, time_mp, (dir / "SubmitRaw.mat").string(),
                   (dir / "SubmitRaw_v5.mat").string(), (dir / "SubmitRaw.csv").string());
    });
}

}  // namespace n2n::cli
