// SPDX-License-Identifier: MIT
// `n2n train`: self-supervised Neighbor2Neighbor training on noisy raw captures only.
//
// Outputs (in --out, a train::TrainingFolder): checkpoint_last.pt after every epoch (--resume
// continues from it), checkpoint_epoch_NNNN.pt every --keep-every epochs, train_log.jsonl.
#include "cli_common.hpp"
#include "commands.hpp"
#include "train_progress.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/train/trainer.hpp"

#include <fmt/format.h>
#include <torch/utils.h>
#include <memory>

namespace n2n::cli {
namespace {

struct TrainCliOptions {
    std::string data;
    std::string list;
    std::string kind = "raw-folder";
    std::string out;
    int epochs = 100;
    int features = 48;
    bool residual = false;
    int batch = 4;
    double lr = 1e-4;
    int lr_step = 20;
    double gamma = 1.0;
    int patch = 256;
    int patches_per_frame = 1;
    int workers = 2;
    bool resume = false;
    std::uint64_t seed = 0;
    std::string augment = "none";
    std::string sampler = "random";
    double minutes = 0;
    int keep_every = 0;
    std::string on_bad_file = "skip";
    double cache_gb = 2.0;
    MosaicInputOptions mosaic;
    ComputeOptions compute;
};


void run_train(const TrainCliOptions& o) {
    if (o.data.empty() == o.list.empty())
        throw ConfigError("", "--data/--list", "give exactly one of --data FOLDER or --list FILE");
    const auto progress = progress_printer();
    train::DatasetOptions dataset_options;
    dataset_options.read = read_options(o.mosaic);
    dataset_options.bad_files = o.on_bad_file == "stop" ? train::BadFilePolicy::Stop : train::BadFilePolicy::Skip;
    dataset_options.cache_bytes = static_cast<std::size_t>(o.cache_gb * 1024.0 * 1024.0 * 1024.0);
    dataset_options.on_skip = [progress](const train::SkippedFile& skipped) { progress(skipped); };
    const auto kind = !o.list.empty()          ? train::DatasetKind::ListFile
                      : o.kind == "sidd-medium" ? train::DatasetKind::SiddMedium
                                                : train::DatasetKind::RawFolder;
    auto data = train::FrameDataset::scan(kind, o.list.empty() ? o.data : o.list, dataset_options);

    train::TrainOptions t;
    t.epochs = o.epochs;
    t.net.features = o.features;
    t.net.residual = o.residual;
    t.lr = o.lr;
    t.lr_step = o.lr_step;
    t.gamma = o.gamma;
    t.loader.batch = o.batch;
    t.loader.patch = o.patch;
    t.loader.patches_per_frame = o.patches_per_frame;
    t.loader.workers = o.workers;
    t.loader.seed = o.seed;
    t.loader.augment = o.augment == "flips" ? train::Augment::Flips
                       : o.augment == "flips+transpose" ? train::Augment::FlipsTranspose
                                                        : train::Augment::None;
    t.sampler = o.sampler == "fixed" ? train::SamplerKind::FixLocation : train::SamplerKind::Random;
    t.device = o.compute.device;
    if (o.resume) t.resume_from = train::TrainingFolder::last_checkpoint(o.out);
    t.max_minutes = o.minutes;
    t.on_event = progress;
    apply_compute(o.compute);
    train::TrainingFolder folder(o.out, o.keep_every, o.resume);
    fmt::print(stderr, "n2n train: {} frames, {} batches of {} per epoch, device {}, {} CPU threads\n", data.size(),
               train::batches_per_epoch(data, t.loader), o.batch, o.compute.device, torch::get_num_threads());
    const auto result = train::train(data, t, &folder);
    fmt::print("trained to epoch {}{}; checkpoint: {}\n", result.last_epoch,
               result.stopped_early ? " (stopped by --minutes)" : "",
               train::TrainingFolder::last_checkpoint(o.out).string());
    if (data.bad_files() > 0) fmt::print("{} unreadable or too small files were skipped\n", data.bad_files());
}

}  // namespace

void register_train(CLI::App& app) {
    auto o = std::make_shared<TrainCliOptions>();
    auto* cmd = app.add_subcommand("train", "Train a raw denoiser from noisy captures only (Neighbor2Neighbor)");
    cmd->footer(R"(
How it works: each noisy frame is normalised by its black/white levels, cut into random square
patches at even mosaic offsets (so the Bayer phase is kept), packed into 4 planes R, Gr, Gb, B
(mixed CFA phases are unified this way), and a U-Net learns to predict one sub-sampled copy of the
noise from a neighbouring one. No clean images are needed.

Examples:
  n2n train --data ~/captures -o runs/phone1                    your own RAW files (DNG, CR2, NEF, ...)
  n2n train --data SIDD_Medium_Raw/Data --kind sidd-medium -o runs/sidd
  n2n train --data dumps --width 4000 --height 3000 --phase GRBG --bits 10 --black 64 -o runs/dumps
  n2n train -o runs/phone1 --data ~/captures --resume           continue after an interruption

Patch sizes are in packed pixels: --patch 256 takes 512 x 512 mosaic crops; it must be a multiple
of 64 and every frame must be at least 2 x patch on each side (smaller frames are skipped).
Files that cannot be read are skipped with a warning (or stop the run with --on-bad-file stop).)");
    cmd->add_option("--data", o->data, "Folder of noisy raw frames (searched recursively)");
    cmd->add_option("--list", o->list, "Text file listing frames, one path per line (# comments)");
    cmd->add_option("--kind", o->kind, "Layout of --data: raw-folder (any camera RAW) or sidd-medium")
        ->check(CLI::IsMember({"raw-folder", "sidd-medium"}))
        ->capture_default_str();
    cmd->add_option("-o,--out", o->out, "Output folder for checkpoints and the log")->required();
    cmd->add_option("--epochs", o->epochs, "Training epochs")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--features", o->features, "U-Net encoder width (paper: 48; ignored on --resume)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_flag("--residual", o->residual,
                  "Predict the correction (output = input + U-Net): converges in far fewer steps; not the paper's net");
    cmd->add_option("--batch", o->batch, "Patches per batch")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--lr", o->lr, "Adam learning rate (paper: 1e-4 for raw)")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--lr-step", o->lr_step, "Halve the learning rate every N epochs (0 = never)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--gamma", o->gamma, "Regulariser weight at the last epoch (paper: 1 for raw)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--patch", o->patch, "Patch side in packed pixels (multiple of 64)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--patches-per-frame", o->patches_per_frame, "Patches taken from each frame per epoch")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    add_compute_options(*cmd, o->compute);
    cmd->add_option("--workers", o->workers, "Data loading threads (0 = load on the training thread)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_flag("--resume", o->resume, "Continue from <out>/checkpoint_last.pt exactly where it stopped");
    cmd->add_option("--seed", o->seed, "Seed of every random choice (crops, flips, sub-sampling, init)")
        ->capture_default_str();
    cmd->add_option("--augment", o->augment,
                    "Bayer-preserving augmentation: none, flips, flips+transpose (transpose swaps Gr/Gb filters)")
        ->check(CLI::IsMember({"none", "flips", "flips+transpose"}))
        ->capture_default_str();
    cmd->add_option("--sampler", o->sampler, "Neighbour sub-sampler: random (paper) or fixed (ablation)")
        ->check(CLI::IsMember({"random", "fixed"}))
        ->capture_default_str();
    cmd->add_option("--minutes", o->minutes, "Stop after this much wall time, in minutes (0 = no limit)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--keep-every", o->keep_every, "Also keep checkpoint_epoch_NNNN.pt every N epochs (0 = no)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--on-bad-file", o->on_bad_file, "Unreadable file: skip (warn and count) or stop")
        ->check(CLI::IsMember({"skip", "stop"}))
        ->capture_default_str();
    cmd->add_option("--cache-gb", o->cache_gb, "Memory for decoded frames, GiB")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    add_mosaic_input_options(*cmd, o->mosaic);
    cmd->callback([o] { run_train(*o); });
}

}  // namespace n2n::cli
