// SPDX-License-Identifier: MIT
#include "n2n_raw/train/trainer.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/train/loss.hpp"
#include "n2n_raw/train/seeding.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>
#include <torch/torch.h>

namespace n2n::train {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kSamplerStream = 0x5a3b1e77ULL;  // keeps sampler seeds apart from data seeds

std::string format_duration(double seconds) {
    const auto s = static_cast<long long>(std::max(0.0, seconds));
    return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

const char* sampler_name(SamplerKind k) { return k == SamplerKind::Random ? "random" : "fixed"; }
const char* augment_name(Augment a) {
    return a == Augment::None ? "none" : (a == Augment::Flips ? "flips" : "flips+transpose");
}

nlohmann::json record_json(const EpochRecord& r) {
    nlohmann::json j{{"epoch", r.epoch},   {"loss", r.loss},     {"reconstruction", r.reconstruction},
                     {"regularizer", r.regularizer}, {"lambda", r.lambda}, {"lr", r.lr},
                     {"images_per_s", r.images_per_s}, {"seconds", r.seconds}, {"batches", r.batches},
                     {"bad_files", r.bad_files}};
    if (!r.validation.empty()) j["validation"] = r.validation;
    return j;
}

void set_lr(torch::optim::Adam& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

}  // namespace

torch::Device parse_device(const std::string& text) {
    std::optional<torch::Device> device;
    try {
        device = torch::Device(text);
    } catch (const c10::Error&) {
        throw ConfigError("", "device", fmt::format("'{}' is not a device (use cpu, cuda or cuda:N)", text));
    }
    if (device->is_cuda()) {
        if (!torch::cuda::is_available())
            throw ConfigError("", "device", fmt::format("'{}' requested but this LibTorch sees no CUDA device", text));
        if (device->has_index() && device->index() >= static_cast<int>(torch::cuda::device_count()))
            throw ConfigError("", "device", fmt::format("'{}': only {} CUDA devices", text, torch::cuda::device_count()));
    } else if (!device->is_cpu()) {
        throw ConfigError("", "device", fmt::format("'{}' is not supported (use cpu or cuda)", text));
    }
    return *device;
}

TrainResult train(FrameDataset& data, const TrainOptions& options) {
    if (options.epochs <= 0) throw ConfigError("", "epochs", fmt::format("must be positive, got {}", options.epochs));
    if (!(options.lr > 0)) throw ConfigError("", "lr", fmt::format("must be positive, got {}", options.lr));
    if (options.gamma < 0) throw ConfigError("", "gamma", fmt::format("must not be negative, got {}", options.gamma));
    if (options.val_every <= 0) throw ConfigError("", "val-every", "must be positive");
    const torch::Device device = parse_device(options.device);
    if (options.threads > 0) torch::set_num_threads(options.threads);

    LoaderOptions loader = options.loader;
    const fs::path last_path = options.out_dir.empty() ? fs::path() : options.out_dir / "checkpoint_last.pt";
    TrainResult result;
    int start_epoch = 1;
    if (options.resume) {
        if (last_path.empty() || !fs::exists(last_path))
            throw ConfigError(last_path.string(), "resume", "no checkpoint to resume from in the output folder");
        auto loaded = model::load_checkpoint(last_path, device);
        result.net = loaded.net;
        result.config = loaded.config;
        start_epoch = loaded.epoch + 1;
        // The run's seed is part of its random state: keep the checkpoint's so the resumed
        // epochs draw exactly what an uninterrupted run would have drawn.
        const auto state = nlohmann::json::parse(loaded.train_state, nullptr, false);
        if (!state.is_discarded() && state.contains("seed")) loader.seed = state["seed"].get<std::uint64_t>();
    } else {
        torch::manual_seed(loader.seed);  // network initialisation
        result.config = options.net;
        result.net = model::make_denoiser(options.net);
        result.net->to(device);
    }
    auto& net = *result.net;
    if (loader.patch % 2 != 0 || (loader.patch / 2) % net.required_multiple() != 0)
        throw ConfigError("", "patch",
                          fmt::format("patch {} must be a multiple of {}: the sub-images are half the patch and "
                                      "the network needs sides that are multiples of {}",
                                      loader.patch, 2 * net.required_multiple(), net.required_multiple()));
    const std::int64_t all_batches = batches_per_epoch(data, loader);
    const std::int64_t steps = options.max_steps_per_epoch > 0 ? std::min<std::int64_t>(all_batches, options.max_steps_per_epoch)
                                                               : all_batches;

    torch::optim::Adam optimizer(net.parameters(), torch::optim::AdamOptions(options.lr));
    if (options.resume) model::load_optimizer_state(last_path, optimizer);

    const nlohmann::json train_state{{"seed", loader.seed},
                                     {"epochs", options.epochs},
                                     {"batch", loader.batch},
                                     {"patch", loader.patch},
                                     {"patches_per_frame", loader.patches_per_frame},
                                     {"lr", options.lr},
                                     {"lr_step", options.lr_step},
                                     {"lr_factor", options.lr_factor},
                                     {"gamma", options.gamma},
                                     {"sampler", sampler_name(options.sampler)},
                                     {"augment", augment_name(loader.augment)}};
    std::ofstream log;
    if (!options.out_dir.empty()) {
        std::error_code ec;
        fs::create_directories(options.out_dir, ec);
        if (ec) throw IoError(options.out_dir.string(), "out", fmt::format("cannot create: {}", ec.message()));
        const auto log_path = options.out_dir / "train_log.jsonl";
        log.open(log_path, options.resume ? std::ios::app : std::ios::trunc);
        if (!log) throw IoError(log_path.string(), "log", "cannot open for writing");
    }

    const auto run_start = Clock::now();
    double images_done = 0;
    for (int epoch = start_epoch; epoch <= options.epochs; ++epoch) {
        const auto epoch_start = Clock::now();
        EpochRecord rec;
        rec.epoch = epoch;
        rec.lr = learning_rate(epoch, options.lr, options.lr_step, options.lr_factor);
        rec.lambda = regularizer_weight(epoch, options.epochs, options.gamma);
        set_lr(optimizer, rec.lr);
        net.train();
        BatchLoader batches(data, loader, epoch);
        double sum_loss = 0, sum_rec = 0, sum_reg = 0;
        auto last_print = Clock::now();
        for (std::int64_t step = 0; step < steps; ++step) {
            const auto y = batches.next().to(device);
            // A generator per step, seeded by (seed, epoch, step): resume needs no generator state.
            auto generator = at::detail::createCPUGenerator(
                mix_seed(loader.seed, kSamplerStream, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(step)));
            const auto choices = draw_pair_choices(y.size(0), y.size(2), y.size(3), options.sampler, generator, device);
            auto terms = neighbor2neighbor_loss(net, y, choices, rec.lambda);
            optimizer.zero_grad();
            terms.total.backward();
            optimizer.step();
            sum_loss += terms.total.item<double>();
            sum_rec += terms.reconstruction.item<double>();
            sum_reg += terms.regularizer.item<double>();
            ++rec.batches;
            images_done += static_cast<double>(y.size(0));

            const auto now = Clock::now();
            const double elapsed = std::chrono::duration<double>(now - run_start).count();
            if (options.progress && (now - last_print > std::chrono::seconds(1) || step + 1 == steps)) {
                last_print = now;
                const double ips = images_done / std::max(elapsed, 1e-9);
                const double remaining =
                    static_cast<double>((options.epochs - epoch) * steps + (steps - step - 1)) * loader.batch;
                fmt::print(stderr, "\repoch {}/{} [{}/{}] loss {:.6f} lr {:.2e} {:.1f} img/s ETA {}   ", epoch,
                           options.epochs, step + 1, steps, sum_loss / static_cast<double>(rec.batches), rec.lr, ips,
                           format_duration(remaining / std::max(ips, 1e-9)));
            }
            if (options.max_minutes > 0 && elapsed > options.max_minutes * 60) {
                result.stopped_early = true;
                break;
            }
        }
        if (options.progress) fmt::print(stderr, "\n");
        if (result.stopped_early) {
            fmt::print(stderr, "n2n: --max-minutes reached in epoch {}; its partial progress is not checkpointed\n", epoch);
            break;
        }
        const auto n = static_cast<double>(std::max<std::int64_t>(rec.batches, 1));
        rec.loss = sum_loss / n;
        rec.reconstruction = sum_rec / n;
        rec.regularizer = sum_reg / n;
        rec.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
        rec.images_per_s = static_cast<double>(rec.batches * loader.batch) / std::max(rec.seconds, 1e-9);
        rec.bad_files = data.bad_files();
        if (options.validate && (epoch % options.val_every == 0 || epoch == options.epochs)) {
            net.eval();
            torch::NoGradGuard no_grad;
            rec.validation = options.validate(net, epoch);
            net.train();
        }
        result.last_epoch = epoch;
        if (!options.out_dir.empty()) {
            model::save_checkpoint(last_path, net, result.config, &optimizer, epoch, train_state.dump());
            if (options.keep_every > 0 && epoch % options.keep_every == 0)
                model::save_checkpoint(options.out_dir / fmt::format("checkpoint_epoch_{:04}.pt", epoch), net,
                                       result.config, &optimizer, epoch, train_state.dump());
            log << record_json(rec).dump() << '\n' << std::flush;
        }
        result.history.push_back(rec);
        if (options.stop_after_epoch > 0 && epoch >= options.stop_after_epoch) break;
    }
    return result;
}

}  // namespace n2n::train
