// SPDX-License-Identifier: MIT
// `n2n demo`: the whole mission on real captures. Trains Neighbor2Neighbor on the given noisy
// RAW files alone (no clean reference), for a bounded time, then denoises each full frame and
// writes the denoised DNG, before/after PNGs and a summary.
#include "cli_common.hpp"
#include "commands.hpp"
#include "option_checks.hpp"
#include "selection_cli.hpp"
#include "train_progress.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/eval/risk_estimate.hpp"
#include "n2n_raw/flows/before_after.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/flows/denoise_frame.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/noise/residual_check.hpp"
#include "n2n_raw/train/schedule.hpp"
#include "n2n_raw/train/trainer.hpp"

#include <chrono>
#include <optional>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace n2n::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct DemoOptions {
    std::vector<std::string> inputs;
    std::string out_dir = "out";
    double minutes = 3.0;
    int patch = 64;
    int batch = 4;
    int features = 16;
    bool residual = true;
    std::string init;           ///< starting model; empty: the shipped one (starting_model_path)
    bool from_scratch = false;  ///< the paper's way: a fresh network, raw input
    double fine_tune_lr = 0;          ///< 0: per objective (1e-4 for sure, 2.5e-4 for n2n)
    std::string objective = "n2n";  ///< of the fine-tune (n2n | sure); training from scratch is Neighbor2Neighbor
    std::optional<double> ev;  ///< render exposure in stops; empty: auto_exposure_ev
    ComputeOptions compute;
};

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }


double mean_of(const std::array<double, 4>& v) { return (v[0] + v[1] + v[2] + v[3]) / 4.0; }

// SURE on a centre crop (two more runs of the network there; the whole frame would double the
// denoise time): the estimated PSNR of the noisy and the denoised crop, with the frame's noise
// level function. The frame was clipped to [0, 1] when it was normalised.
std::pair<double, double> estimated_psnr(const infer::Model& model, const flows::DenoisedFrame& frame,
                                         const noise::NoiseModel& noise) {
    constexpr std::ptrdiff_t kSide = 1024;
    const auto h = std::min<std::ptrdiff_t>(kSide, frame.noisy.height() & ~std::ptrdiff_t{1});
    const auto w = std::min<std::ptrdiff_t>(kSide, frame.noisy.width() & ~std::ptrdiff_t{1});
    const auto r0 = ((frame.noisy.height() - h) / 2) & ~std::ptrdiff_t{1};
    const auto c0 = ((frame.noisy.width() - w) / 2) & ~std::ptrdiff_t{1};
    const auto crop = frame.noisy.view().sub(r0, c0, h, w);
    eval::RiskOptions risk;
    risk.clip_low = 0.0;
    risk.clip_high = 1.0;
    const eval::MosaicDenoiser identity = [](ImageView<const float> y) {
        Image<float> out(y.height(), y.width());
        for (std::ptrdiff_t r = 0; r < y.height(); ++r) std::copy(y.row(r), y.row(r) + y.width(), out.view().row(r));
        return out;
    };
    const eval::MosaicDenoiser network = [&](ImageView<const float> y) {
        infer::TileOptions tiles;
        tiles.noise = noise;
        return infer::denoise_mosaic(model, y, frame.meta.phase, tiles);
    };
    return {eval::estimate_risk(identity, crop, frame.meta.phase, noise, risk).psnr_db,
            eval::estimate_risk(network, crop, frame.meta.phase, noise, risk).psnr_db};
}

nlohmann::json denoise_and_report(const infer::Model& model, const std::filesystem::path& file, const DemoOptions& o) {
    const auto frame = flows::denoise_frame(model, io::read_any(file));
    const auto stem = file.stem().string();
    const auto dng = flows::write_outputs(o.out_dir, stem + "_denoised", frame, {.png16 = false, .npy = false, .dng = true});
    const auto pictures = flows::write_before_after(o.out_dir, stem, frame, o.ev);
    const double mp = frame.megapixels();
    const auto removed = noise::check_residual(frame.noisy.view(), frame.denoised.view(), frame.meta.phase);
    const auto [psnr_noisy, psnr_denoised] = estimated_psnr(model, frame, removed.noise);
    fmt::print("{}: {:.1f} MP denoised in {:.1f} s ({:.2f} MP/s); noise sigma {:.5f} -> {:.5f} (of white); "
               "rendered at {:+.2f} EV\n",
               file.string(), mp, frame.seconds, mp / frame.seconds, mean_of(pictures.sigma_before),
               mean_of(pictures.sigma_after), pictures.exposure_ev);
    // The output's noise estimate falls under a blur too; the removed part tells them apart.
    fmt::print("  removed: sigma {:.5f} against {:.5f} predicted by the fitted noise level function (ratio {:.2f}; "
               "~1 = the noise, > 1 = image too), neighbour correlation {:+.3f} (~0 = white noise, > 0.1 = texture "
               "or edges removed)\n",
               removed.removed_sigma, removed.predicted_sigma, removed.removed_ratio, removed.neighbour_correlation);
    // Stein's estimate of the error against the unknown clean frame: a blur scores low here.
    fmt::print("  estimated PSNR (SURE, no clean frame; centre crop): noisy {:.2f} dB -> denoised {:.2f} dB ({:+.2f} dB)\n",
               psnr_noisy, psnr_denoised, psnr_denoised - psnr_noisy);
    nlohmann::json outputs = nlohmann::json::array();
    for (const auto* files : {&dng, &pictures.files})
        for (const auto& path : *files) outputs.push_back(path.filename().string());
    return {{"file", file.string()},
            {"camera", frame.meta.camera},
            {"phase", std::string(frame.meta.phase.name())},
            {"megapixels", mp},
            {"denoise_seconds", frame.seconds},
            {"megapixels_per_second", mp / frame.seconds},
            {"noise_sigma_before", pictures.sigma_before},
            {"noise_sigma_after", pictures.sigma_after},
            {"noise_level_function", {{"beta1", removed.noise.channels[0].beta1}, {"beta2", removed.noise.channels[0].beta2},
                                      {"source", "blind fit of the noisy frame"}}},
            {"removed", {{"sigma", removed.removed_sigma},
                         {"predicted_sigma", removed.predicted_sigma},
                         {"ratio", removed.removed_ratio},
                         {"neighbour_correlation", removed.neighbour_correlation}}},
            {"estimated_psnr_db", {{"noisy", psnr_noisy}, {"denoised", psnr_denoised},
                                   {"method", "Stein's unbiased risk estimate, centre crop up to 1024 x 1024, clipped at 0 and 1"}}},
            {"render_exposure_ev", pictures.exposure_ev},
            {"outputs", outputs}};
}

void run_demo(const DemoOptions& o) {
    const auto t_start = Clock::now();
    const torch::Device device = apply_compute(o.compute);
    auto files = input_files(o.inputs.empty() ? std::vector<std::string>{kDefaultCapture} : o.inputs);
    const std::filesystem::path out_dir = o.out_dir;
    std::filesystem::create_directories(out_dir);

    train::TrainOptions topt;
    topt.net.features = o.features;
    topt.net.residual = o.residual;
    if (!o.from_scratch) {
        // Fine-tune the starting model (trained on synthetic pairs) on these captures.
        topt.init_from = o.init.empty() ? starting_model_path() : std::filesystem::path(o.init);
        topt.net = model::load_checkpoint(topt.init_from).config;
        fmt::print("n2n demo: starting from {}\n", topt.init_from.string());
    }
    train::DatasetOptions dataset_options;
    dataset_options.on_skip = [progress = progress_printer()](const train::SkippedFile& skipped) { progress(skipped); };
    train::FrameDataset data(files, dataset_options);
    topt.loader.batch = o.batch;
    topt.loader.patch = o.patch;
    // The kept network is the best by SURE, the starting model included: a fine-tune that blurs
    // these captures is not used. Its checks are paid for out of the budget.
    const SelectionSetup setup;
    const auto selection = prepare_selection(data, topt.loader, topt.net, device, setup);
    // Neighbor2Neighbor by default (bench/quality: +2.5 dB over the start on the real CR2, while
    // the SURE objective's checks all fell below the start; the same SURE selection guards
    // both); from scratch the raw-input network has no noise level for SURE.
    topt.objective = !o.from_scratch && o.objective == "sure" ? train::Objective::Sure : train::Objective::Neighbor2Neighbor;
    const double step_s = train::probe_step_seconds(topt.net, o.batch, o.patch, device, topt.objective);
    const int checks = selection.affordable_checks(o.minutes, setup.checks);
    auto plan = train::plan_time_budget(step_s, std::max(0.5 * o.minutes, selection.training_minutes(o.minutes, checks)),
                                        static_cast<int>(files.size()), o.batch);
    if (!o.from_scratch)  // a trained network needs small steps
        plan.lr = o.fine_tune_lr > 0 ? o.fine_tune_lr : topt.objective == train::Objective::Sure ? 1e-4 : 2.5e-4;
    topt.loader.workers = 1;
    topt.loader.augment = train::Augment::Flips;
    topt.loader.patches_per_frame = plan.patches_per_frame;
    topt.epochs = plan.epochs;
    topt.lr = plan.lr;
    topt.lr_step = plan.lr_step;
    topt.max_minutes = plan.max_minutes;
    topt.device = o.compute.device;
    install_selection(topt, selection, checks);
    topt.on_event = progress_printer();
    fmt::print("n2n demo: {} capture(s); {} one step {:.3f} s -> {} epochs of {} steps (~{:.1f} min) on {}\n",
               files.size(), topt.objective == train::Objective::Sure ? "SURE" : "Neighbor2Neighbor", step_s,
               plan.epochs, plan.steps_per_epoch, o.minutes, device.str());

    // The demo's training folder is part of its output, which a rerun replaces.
    train::TrainingFolder training(out_dir / "training", 0, train::ExistingRun::Overwrite);
    const auto t_train = Clock::now();
    const auto trained = train::train(data, topt, &training);
    const double train_seconds = seconds_since(t_train);
    if (trained.last_epoch == 0 && o.from_scratch)
        throw ConfigError("", "--minutes",
                          fmt::format("{} min ended before the first epoch finished: the network is untrained, so "
                                      "nothing was denoised; give more minutes",
                                      o.minutes));
    const auto kept_path = train::TrainingFolder::best_checkpoint(out_dir / "training");
    const auto kept = model::load_checkpoint(kept_path, device);
    const auto model = infer::Model::from_module(kept.net, kept.config, device, infer::Backend::Script);
    const auto sure_db = [](const train::Metrics& m) {
        return m.count(train::kSurePsnr) > 0 ? m.at(train::kSurePsnr) : std::nan("");
    };
    fmt::print("n2n demo: kept epoch {} of {} by SURE on the training crops ({:.2f} dB; the {} network {:.2f} dB){}\n",
               trained.best_epoch, trained.last_epoch, sure_db(trained.best_validation),
               o.from_scratch ? "initial" : "starting", sure_db(trained.start_validation),
               trained.best_epoch == 0 ? ": fine-tuning did not improve on it" : "");

    nlohmann::json summary{{"training_seconds", train_seconds},
                           {"epochs", trained.last_epoch},
                           {"stopped_early", trained.stopped_early},
                           {"final_loss", trained.history.empty() ? 0.0 : trained.history.back().loss},
                           {"kept_epoch", trained.best_epoch},
                           {"kept_checkpoint", kept_path.string()},
                           {"selection", {{"method", "Stein's unbiased risk estimate on fixed training crops"},
                                          {"start_psnr_db", sure_db(trained.start_validation)},
                                          {"kept_psnr_db", sure_db(trained.best_validation)}}},
                           {"objective", topt.objective == train::Objective::Sure ? "sure" : "neighbor2neighbor"},
                           {"net", nlohmann::json::parse(trained.config.to_json())},
                           {"device", device.str()},
                           {"threads", torch::get_num_threads()},
                           {"frames", nlohmann::json::array()}};
    for (const auto& file : files) summary["frames"].push_back(denoise_and_report(model, file, o));
    summary["total_seconds"] = seconds_since(t_start);
    io::write_atomically(out_dir / "summary.json", [&](std::ostream& out) { out << summary.dump(2) << '\n'; });
    fmt::print("n2n demo: done in {:.0f} s; wrote {}\n", seconds_since(t_start), (out_dir / "summary.json").string());
}

}  // namespace

void register_demo(CLI::App& app) {
    auto options = std::make_shared<DemoOptions>();
    auto* cmd = app.add_subcommand(
        "demo", "Train Neighbor2Neighbor on the given noisy RAW captures only, for a bounded time, then denoise "
                "each full frame: writes <name>_denoised.dng, before/after/side-by-side PNGs and summary.json");
    cmd->add_option("inputs", options->inputs,
                    fmt::format("RAW files or folders (any LibRaw format; default: {})", kDefaultCapture));
    cmd->add_option("-o,--out", options->out_dir, "Output folder")->capture_default_str();
    cmd->add_option("--minutes", options->minutes, "Training time budget in minutes")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--patch", options->patch, "Training patch side in packed pixels (multiple of 64; the mosaic crop is twice that)")
        ->check(positive_multiple_of(64))
        ->capture_default_str();
    cmd->add_option("--batch", options->batch, "Training batch size")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--features", options->features, "U-Net encoder width (the paper's is 48; smaller trains faster)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_flag("--residual,!--no-residual", options->residual,
                  "Residual U-Net (output = input + correction; default), or the paper's plain U-Net");
    cmd->add_option("--init", options->init,
                    "Starting model to fine-tune (default: the one shipped with n2n, trained on synthetic pairs)")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--from-scratch", options->from_scratch,
                  "Train a fresh raw-input U-Net instead of fine-tuning the starting model (--features, --residual)");
    cmd->add_option("--objective", options->objective,
                    "Fine-tuning loss: n2n (Neighbor2Neighbor, gamma 1; default) or sure (Stein's unbiased risk "
                    "estimate with the capture's noise level function); --from-scratch always uses n2n. Either way "
                    "SURE on fixed crops picks the epoch kept")
        ->check(CLI::IsMember({"sure", "n2n"}))
        ->capture_default_str();
    cmd->add_option("--fine-tune-lr", options->fine_tune_lr,
                    "First learning rate when fine-tuning, halved 5 times (default: 1e-4 for sure, 2.5e-4 for n2n)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--ev", options->ev, "Exposure of the PNG renders in stops (default: metered to 18 % grey)")
        ->check(CLI::Range(-pipeline::kMaxExposureEv, pipeline::kMaxExposureEv));
    add_compute_options(*cmd, options->compute);
    cmd->callback([options] { run_demo(*options); });
}

}  // namespace n2n::cli
