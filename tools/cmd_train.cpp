// SPDX-License-Identifier: MIT
// `n2n train`: self-supervised Neighbor2Neighbor training on noisy raw captures only.
//
// Outputs (in --out, a train::TrainingFolder): checkpoint_last.pt after every epoch (--resume
// continues from it), checkpoint_best.pt (--select sure), checkpoint_epoch_NNNN.pt every
// --keep-every epochs, train_log.jsonl.
#include "cli_common.hpp"
#include "commands.hpp"
#include "option_checks.hpp"
#include "selection_cli.hpp"
#include "train_progress.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/tensor/stabilised_domain.hpp"
#include "n2n_raw/train/data_parallel.hpp"
#include "n2n_raw/train/schedule.hpp"
#include "n2n_raw/train/trainer.hpp"

#include <fmt/format.h>
#include <torch/utils.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <functional>
#include <memory>
#include <vector>

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
    std::string input = "raw";
    std::string init;
    bool supervised = false;
    NoiseLevelOptions noise;
    int batch = 4;
    double lr = 1e-4;
    int lr_step = 20;
    double gamma = 1.0;
    int patch = 256;
    int patches_per_frame = 1;
    int workers = 2;
    std::string resume;  ///< "" (a new run), "always" (--resume) or "auto" (resume when a checkpoint exists)
    bool overwrite = false;
    bool override_schedule = false;
    std::uint64_t seed = 0;
    std::string augment = "none";
    std::string sampler = "random";
    std::string alignment = "shift";
    double minutes = 0;
    double budget_minutes = 0;
    std::int64_t budget_steps = 0;
    int keep_every = 0;
    std::string on_bad_file = "skip";
    double cache_gb = 2.0;
    std::string select = "sure";
    std::string objective = "n2n";
    int select_checks = 12;
    MosaicInputOptions mosaic;
    ComputeOptions compute;
    // Data-parallel training: torchrun's environment, or these (which win over it).
    int rank = -1;
    int world_size = 0;
    std::string master_addr;
    int master_port = 0;
    double dist_timeout_s = 120;
};

// The process group this run joins: none for one process; else from torchrun's environment
// (RANK, WORLD_SIZE, ...) with any option given on the command line replacing its value.
std::shared_ptr<train::DataParallel> join_process_group(const TrainCliOptions& o) {
    auto group = train::process_group_from_env().value_or(train::ProcessGroupOptions{});
    if (o.world_size > 0) group.world_size = o.world_size;
    if (o.rank >= 0) group.rank = o.rank;
    if (!o.master_addr.empty()) group.master_addr = o.master_addr;
    if (o.master_port > 0) group.master_port = o.master_port;
    group.timeout_s = o.dist_timeout_s;
    if (group.world_size <= 1) return nullptr;
    if (group.rank >= group.world_size)
        throw ConfigError("", "--rank", fmt::format("rank {} is not in a world of {}", group.rank, group.world_size));
    auto joined = std::make_shared<train::DataParallel>(group);
    fmt::print(stderr, "n2n train: rank {} of {} joined the process group at {}:{} (backend {})\n", joined->rank(),
               joined->world_size(), group.master_addr, group.master_port, joined->backend());
    return joined;
}


// The schedule flags that a resume takes from the checkpoint: how each is shown, and how a
// given one is carried over the stored schedule.
struct ScheduleFlag {
    const char* name;
    std::function<std::string(const train::TrainOptions&)> value;
    std::function<void(const train::TrainOptions& from, train::TrainOptions& to)> copy;
};

const std::vector<ScheduleFlag>& schedule_flags() {
    using T = train::TrainOptions;
    static const std::vector<ScheduleFlag> flags{
        {"--epochs", [](const T& t) { return std::to_string(t.epochs); }, [](const T& f, T& t) { t.epochs = f.epochs; }},
        {"--lr", [](const T& t) { return fmt::format("{:g}", t.lr); }, [](const T& f, T& t) { t.lr = f.lr; }},
        {"--lr-step", [](const T& t) { return std::to_string(t.lr_step); },
         [](const T& f, T& t) { t.lr_step = f.lr_step; }},
        {"--gamma", [](const T& t) { return fmt::format("{:g}", t.gamma); }, [](const T& f, T& t) { t.gamma = f.gamma; }},
        {"--batch", [](const T& t) { return std::to_string(t.loader.batch); },
         [](const T& f, T& t) { t.loader.batch = f.loader.batch; }},
        {"--patch", [](const T& t) { return std::to_string(t.loader.patch); },
         [](const T& f, T& t) { t.loader.patch = f.loader.patch; }},
        {"--patches-per-frame", [](const T& t) { return std::to_string(t.loader.patches_per_frame); },
         [](const T& f, T& t) { t.loader.patches_per_frame = f.loader.patches_per_frame; }},
        {"--sampler", [](const T& t) { return t.sampler == train::SamplerKind::Random ? "random" : "fixed"; },
         [](const T& f, T& t) { t.sampler = f.sampler; }},
        {"--augment", [](const T& t) { return std::to_string(static_cast<int>(t.loader.augment)); },
         [](const T& f, T& t) { t.loader.augment = f.loader.augment; }},
        {"--alignment", [](const T& t) { return t.loader.unify_by_shift ? "shift" : "reorder"; },
         [](const T& f, T& t) { t.loader.unify_by_shift = f.loader.unify_by_shift; }},
        {"--objective", [](const T& t) { return t.objective == train::Objective::Sure ? "sure" : "n2n"; },
         [](const T& f, T& t) { t.objective = f.objective; }},
    };
    return flags;
}

// A resume continues the checkpoint's run: its stored schedule replaces the options. A schedule
// flag given on the command line that disagrees is an error, unless --override-schedule says it
// is meant; then the given flags (only those) replace the stored values. The seed is always the
// checkpoint's (the trainer keeps it).
void resume_schedule(const CLI::App& cmd, train::TrainOptions& t, const std::filesystem::path& checkpoint,
                     bool override_schedule) {
    train::TrainOptions stored = t;
    train::apply_checkpoint_schedule(model::load_checkpoint(checkpoint).train_state, stored);
    std::vector<const ScheduleFlag*> conflicts;
    for (const auto& flag : schedule_flags())
        if (cmd.count(flag.name) > 0 && flag.value(t) != flag.value(stored)) conflicts.push_back(&flag);
    if (!conflicts.empty() && !override_schedule) {
        std::vector<std::string> described;
        for (const auto* flag : conflicts)
            described.push_back(fmt::format("{} {} (the run has {})", flag->name, flag->value(t), flag->value(stored)));
        throw ConfigError(checkpoint.string(), conflicts.front()->name,
                          fmt::format("--resume continues the stored schedule, but {} differ: drop them, or add "
                                      "--override-schedule to change the run",
                                      fmt::join(described, ", ")));
    }
    for (const auto* flag : conflicts) flag->copy(t, stored);
    t = stored;
    t.resume_keeps_schedule = false;  // t is the schedule now: stored values plus any override
}

void run_train(const CLI::App& cmd, const TrainCliOptions& o) {
    if (o.data.empty() == o.list.empty())
        throw ConfigError("", "--data/--list", "give exactly one of --data FOLDER or --list FILE");
    const auto parallel = join_process_group(o);
    const bool writer = parallel == nullptr || parallel->rank() == 0;  // rank 0 alone writes and reports
    if (!writer) set_quiet(true);
    const auto progress = progress_printer();
    train::DatasetOptions dataset_options;
    dataset_options.read = read_options(o.mosaic);
    dataset_options.bad_files = o.on_bad_file == "stop" ? train::BadFilePolicy::Stop : train::BadFilePolicy::Skip;
    dataset_options.cache_bytes = static_cast<std::size_t>(o.cache_gb * 1024.0 * 1024.0 * 1024.0);
    dataset_options.on_skip = [progress](const train::SkippedFile& skipped) { progress(skipped); };
    const auto levels = noise_levels(o.noise);
    if (o.supervised && levels.empty())
        throw ConfigError("", "--supervised", "needs the noise to synthesise: --level PHONE:ISO (or all) or --beta1/--beta2");
    if (!o.supervised && levels.size() > 1)
        throw ConfigError("", "--level", "noisy frames have one noise level function: give one --level or --beta1/--beta2");
    if (!o.supervised && levels.size() == 1) dataset_options.noise = levels.front().second;
    const auto kind = !o.list.empty()          ? train::DatasetKind::ListFile
                      : o.kind == "sidd-medium" ? train::DatasetKind::SiddMedium
                      : o.kind == "pairs"       ? train::DatasetKind::PairSet
                                                : train::DatasetKind::RawFolder;
    auto data = train::FrameDataset::scan(kind, o.list.empty() ? o.data : o.list, dataset_options);

    train::TrainOptions t;
    t.epochs = o.epochs;
    t.net.features = o.features;
    t.net.residual = o.residual;
    t.net.input = o.input;
    if (t.net.noise_conditioned()) t.net.in_channels = kStabilisedChannels;
    t.init_from = o.init;
    if (o.supervised)
        for (const auto& [label, model] : levels) t.loader.synthetic_noise.push_back(model);
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
    t.loader.unify_by_shift = o.alignment == "shift";
    t.sampler = o.sampler == "fixed" ? train::SamplerKind::FixLocation : train::SamplerKind::Random;
    t.objective = o.objective == "sure" ? train::Objective::Sure : train::Objective::Neighbor2Neighbor;
    t.device = o.compute.device;
    const auto last = train::TrainingFolder::last_checkpoint(o.out);
    const bool resume = o.resume == "always" || (o.resume == "auto" && std::filesystem::exists(last));
    if (resume) {
        if (o.overwrite) throw ConfigError("", "--overwrite", "--resume continues a run, --overwrite replaces it: give one");
        if (!std::filesystem::exists(last)) throw ConfigError(last.string(), "--resume", "no checkpoint to resume from");
        resume_schedule(cmd, t, last, o.override_schedule);
        t.resume_from = last;
    }
    t.max_minutes = o.minutes;
    // The network this run trains: the checkpoint's when it resumes or starts from one (read once).
    const model::NetConfig trained_net = !t.resume_from.empty() ? model::load_checkpoint(t.resume_from).config
                                         : !t.init_from.empty()  ? model::load_checkpoint(t.init_from).config
                                                                 : t.net;
    std::optional<PreparedSelection> selection;
    // Supervised runs read clean frames: there is no noisy frame for SURE to score on.
    if (o.select == "sure" && !o.supervised) {
        selection = prepare_selection(data, t.loader, trained_net, apply_compute(o.compute));
        fmt::print(stderr, "n2n train: keeping the best epoch by SURE on {} crops of {} (one check {:.2f} s)\n",
                   selection->set->packed.size(0), selection->set->packed.size(-1), selection->seconds_per_check);
    }
    // A time budget checks as often as a tenth of it allows, up to --select-checks.
    const int checks = selection && o.budget_minutes > 0 ? selection->affordable_checks(o.budget_minutes, o.select_checks)
                                                         : o.select_checks;
    if (o.budget_minutes > 0) {
        // Fit the whole schedule (5 lr halvings, the Λ ramp) into the budget from a measured step.
        double step_s = train::probe_step_seconds(trained_net, o.batch, o.patch, apply_compute(o.compute), t.objective);
        // Every rank must plan the same schedule: the ranks' mean probe decides.
        if (parallel) step_s = parallel->sum({step_s})[0] / parallel->world_size();
        const double training_minutes =
            selection ? selection->training_minutes(o.budget_minutes, checks) : o.budget_minutes;
        if (training_minutes <= 0)
            throw ConfigError("", "--budget-minutes", "the SURE checks alone take the budget: give more minutes or --select none");
        const auto plan = train::plan_time_budget(step_s, training_minutes, static_cast<int>(data.size()), o.batch);
        t.epochs = plan.epochs;
        t.lr_step = plan.lr_step;
        t.loader.patches_per_frame = plan.patches_per_frame;
        t.max_minutes = o.budget_minutes;  // a hard stop at the budget: benchmark columns get equal time
        fmt::print(stderr, "n2n train: one step {:.3f} s -> {} epochs of {} steps, lr halved every {} epochs\n", step_s,
                   plan.epochs, plan.steps_per_epoch, plan.lr_step);
    }
    if (o.budget_steps > 0) {
        if (o.budget_minutes > 0) throw ConfigError("", "--budget-steps", "give --budget-steps or --budget-minutes, not both");
        const auto plan = train::plan_step_budget(o.budget_steps, static_cast<int>(data.size()), o.batch);
        t.epochs = plan.epochs;
        t.lr_step = plan.lr_step;
        t.loader.patches_per_frame = plan.patches_per_frame;
        fmt::print(stderr, "n2n train: {} steps -> {} epochs of {} steps, lr halved every {} epochs\n", o.budget_steps,
                   plan.epochs, plan.steps_per_epoch, plan.lr_step);
    }
    // After every schedule choice: the check interval follows the final epoch count.
    if (selection) install_selection(t, *selection, checks);
    t.on_event = progress;
    t.data_parallel = parallel;
    apply_compute(o.compute);
    std::optional<train::TrainingFolder> folder;
    if (writer)
        folder.emplace(o.out, o.keep_every,
                       resume        ? train::ExistingRun::Resume
                       : o.overwrite ? train::ExistingRun::Overwrite
                                     : train::ExistingRun::Refuse);
    fmt::print(stderr, "n2n train: {} frames, {} batches of {} per epoch{}, device {}, {} CPU threads\n", data.size(),
               train::batches_per_epoch(data, t.loader), o.batch,
               parallel ? fmt::format(" ({} per rank)", o.batch / parallel->world_size()) : std::string(),
               o.compute.device, torch::get_num_threads());
    const auto started = std::chrono::steady_clock::now();
    const auto result = train::train(data, t, folder ? &*folder : nullptr);
    if (parallel) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // Each rank states its communication share and a digest of its weights: equal digests
        // mean bit-identical parameters on every rank.
        fmt::print("rank {}: {:.2f} s of {:.2f} s in collectives ({:.1f} %); parameters digest {:08x}\n",
                   parallel->rank(), parallel->communication_seconds(), seconds,
                   100.0 * parallel->communication_seconds() / std::max(seconds, 1e-9),
                   model::parameters_digest(*result.net));
    }
    if (!writer) return;
    if (resume && result.history.empty() && !result.stopped_early)
        fmt::print("the run had already finished at epoch {}; checkpoint: {}\n", result.last_epoch, last.string());
    else
        fmt::print("trained to epoch {}{}; checkpoint: {}\n", result.last_epoch,
                   result.stopped_early ? " (stopped by --minutes)" : "", last.string());
    if (result.best_epoch >= 0) {
        const auto db = [](const train::Metrics& m) {
            return m.count(train::kSurePsnr) > 0 ? fmt::format("{:.2f} dB", m.at(train::kSurePsnr)) : std::string("-");
        };
        fmt::print("best epoch by SURE: {} (estimated PSNR {}; the {} network: {}); checkpoint: {}\n", result.best_epoch,
                   db(result.best_validation), t.init_from.empty() ? "initial" : "starting", db(result.start_validation),
                   train::TrainingFolder::best_checkpoint(o.out).string());
    }
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
    cmd->add_option("--kind", o->kind,
                    "Layout of --data: raw-folder (any camera RAW), sidd-medium, or pairs (an `n2n synth` pairs.json: "
                    "its noisy frames, each with the noise level function it states)")
        ->check(CLI::IsMember({"raw-folder", "sidd-medium", "pairs"}))
        ->capture_default_str();
    cmd->add_option("-o,--out", o->out, "Output folder for checkpoints and the log")->required();
    cmd->add_option("--epochs", o->epochs, "Training epochs")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--features", o->features, "U-Net encoder width (paper: 48; ignored on --resume)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_flag("--residual", o->residual,
                  "Predict the correction (output = input + U-Net): converges in far fewer steps; not the paper's net");
    cmd->add_option("--input", o->input,
                    "Network input: raw (the paper's 4 packed planes) or gat (noise-conditioned: variance-stabilised "
                    "planes plus noise-level maps, one network for every camera and ISO; ignored with --init/--resume)")
        ->check(CLI::IsMember({"raw", "gat"}))
        ->capture_default_str();
    cmd->add_option("--init", o->init, "Start from this checkpoint's network and weights (fine-tune a starting model)")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--supervised", o->supervised,
                  "Supervised (Noise2Clean) on synthetic pairs: --data holds CLEAN mosaics, noise of --level is added "
                  "per patch; the N2C bound for benchmarks and the way starting models are made");
    add_noise_level_options(*cmd, o->noise,
                            "with --supervised, the levels drawn per patch; otherwise the frames' own (default: a blind "
                            "estimate per frame), used by --input gat");
    cmd->add_option("--batch", o->batch, "Patches per batch")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--lr", o->lr, "Adam learning rate (paper: 1e-4 for raw)")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--lr-step", o->lr_step, "Halve the learning rate every N epochs (0 = never)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--gamma", o->gamma, "Regulariser weight at the last epoch (paper: 1 for raw)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--patch", o->patch, "Patch side in packed pixels (multiple of 64)")
        ->check(positive_multiple_of(64))
        ->capture_default_str();
    cmd->add_option("--patches-per-frame", o->patches_per_frame, "Patches taken from each frame per epoch")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    add_compute_options(*cmd, o->compute);
    cmd->add_option("--workers", o->workers, "Data loading threads (0 = load on the training thread)")
        ->check(CLI::Range(0, 64))
        ->capture_default_str();
    cmd->add_option("--resume", o->resume,
                    "Continue from <out>/checkpoint_last.pt exactly where it stopped, with its stored schedule; "
                    "`--resume auto`: resume when the checkpoint exists, else start (for requeued jobs)")
        ->expected(0, 1)
        ->default_str("always")
        ->check(CLI::IsMember({"always", "auto"}));
    cmd->add_flag("--overwrite", o->overwrite, "Replace a run already in --out (without it, an existing run is refused)");
    cmd->add_flag("--override-schedule", o->override_schedule,
                  "With --resume: use the schedule flags given here instead of the checkpoint's");
    cmd->add_option("--seed", o->seed, "Seed of every random choice (crops, flips, sub-sampling, init; a resume keeps the checkpoint's)")
        ->capture_default_str();
    cmd->add_option("--augment", o->augment,
                    "Bayer-preserving augmentation: none, flips, flips+transpose (transpose swaps Gr/Gb filters)")
        ->check(CLI::IsMember({"none", "flips", "flips+transpose"}))
        ->capture_default_str();
    cmd->add_option("--alignment", o->alignment,
                    "CFA phases: shift (crop each patch to start on R: Bayer unification) or reorder (pack by colour)")
        ->check(CLI::IsMember({"shift", "reorder"}))
        ->capture_default_str();
    cmd->add_option("--sampler", o->sampler, "Neighbour sub-sampler: random (paper) or fixed (ablation)")
        ->check(CLI::IsMember({"random", "fixed"}))
        ->capture_default_str();
    cmd->add_option("--minutes", o->minutes, "Stop after this much wall time, in minutes (0 = no limit)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--budget-minutes", o->budget_minutes,
                    "Plan the run for this wall time: measure one step, then choose --epochs, --lr-step and "
                    "--patches-per-frame so the whole schedule fits, and stop at the budget")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--objective", o->objective,
                    "Loss on noisy frames: n2n (Neighbor2Neighbor, the paper) or sure (Stein's unbiased risk estimate "
                    "with the frames' noise level function; noise-conditioned networks, --input gat or --init of one)")
        ->check(CLI::IsMember({"n2n", "sure"}))
        ->capture_default_str();
    cmd->add_option("--select", o->select,
                    "Keep the best epoch as checkpoint_best.pt: sure (Stein's unbiased risk estimate of the raw-space "
                    "MSE on fixed crops of the training frames, with their noise level function; the starting network "
                    "counts as epoch 0) or none; supervised runs have no noisy frames to score and keep none")
        ->check(CLI::IsMember({"sure", "none"}))
        ->capture_default_str();
    cmd->add_option("--select-checks", o->select_checks, "How many SURE checks over the run (their time counts in the budget)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd->add_option("--budget-steps", o->budget_steps,
                    "Fit the same schedule (5 lr halvings, the Λ ramp) into this many steps instead of minutes, "
                    "without a time limit: a busy machine then changes the run's duration, not its result")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
    cmd->add_option("--keep-every", o->keep_every, "Also keep checkpoint_epoch_NNNN.pt every N epochs (0 = no)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--on-bad-file", o->on_bad_file, "Unreadable file: skip (warn and count) or stop")
        ->check(CLI::IsMember({"skip", "stop"}))
        ->capture_default_str();
    cmd->add_option("--cache-gb", o->cache_gb, "Memory for decoded frames, GiB")
        ->check(CLI::Range(0.001, 1048576.0))
        ->capture_default_str();
    add_mosaic_input_options(*cmd, o->mosaic);
    auto* dist = cmd->add_option_group("data-parallel",
                                       "Several processes or machines (launched by torchrun, or set by hand; "
                                       "these win over torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)");
    dist->add_option("--rank", o->rank, "This process's rank")->check(CLI::Range(0, 1 << 20));
    dist->add_option("--world-size", o->world_size, "Number of processes in the group")->check(CLI::Range(1, 1 << 20));
    dist->add_option("--master-addr", o->master_addr, "Address of rank 0 (its TCP store)");
    dist->add_option("--master-port", o->master_port, "Port of rank 0's store")->check(CLI::Range(1, 65535));
    dist->add_option("--dist-timeout", o->dist_timeout_s,
                     "Seconds a collective may wait for the other ranks before the run fails (a rank died or hangs)")
        ->check(CLI::Range(1.0, 86400.0))
        ->capture_default_str();
    cmd->callback([cmd, o] { run_train(*cmd, *o); });
}

}  // namespace n2n::cli
