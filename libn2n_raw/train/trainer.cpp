// SPDX-License-Identifier: MIT
#include "n2n_raw/train/trainer.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/train/loss.hpp"
#include "n2n_raw/train/seeding.hpp"
#include "n2n_raw/tensor/compute.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <chrono>
#include <cmath>
#include <limits>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace n2n::train {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kSamplerStream = 0x5a3b1e77ULL;  // keeps sampler seeds apart from data seeds
constexpr std::uint64_t kProbeStream = 0x9b0be5ULL;      // and the SURE probe's

const char* sampler_name(SamplerKind k) { return k == SamplerKind::Random ? "random" : "fixed"; }
const char* augment_name(Augment a) {
    return a == Augment::None ? "none" : (a == Augment::Flips ? "flips" : "flips+transpose");
}

SamplerKind sampler_from_name(const std::string& name) {
    return name == "fixed" ? SamplerKind::FixLocation : SamplerKind::Random;
}
Augment augment_from_name(const std::string& name) {
    return name == "flips" ? Augment::Flips : name == "flips+transpose" ? Augment::FlipsTranspose : Augment::None;
}

bool all_finite(model::Denoiser& net) {
    for (const auto& p : net.parameters())
        if (!torch::isfinite(p).all().item<bool>()) return false;
    return true;
}

void set_lr(torch::optim::Adam& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

}  // namespace

void apply_checkpoint_schedule(const std::string& train_state, TrainOptions& options) {
    const auto state = nlohmann::json::parse(train_state, nullptr, false);
    if (state.is_discarded() || !state.is_object())
        throw FormatError("", "train_state", "the checkpoint's training state is not a JSON object");
    const auto take = [&state](const char* key, auto& value) {
        if (state.contains(key)) value = state[key].get<std::decay_t<decltype(value)>>();
    };
    take("epochs", options.epochs);
    take("lr", options.lr);
    take("lr_step", options.lr_step);
    take("lr_factor", options.lr_factor);
    take("gamma", options.gamma);
    take("batch", options.loader.batch);
    take("patch", options.loader.patch);
    take("patches_per_frame", options.loader.patches_per_frame);
    take("seed", options.loader.seed);
    if (state.contains("sampler")) options.sampler = sampler_from_name(state["sampler"].get<std::string>());
    if (state.contains("augment")) options.loader.augment = augment_from_name(state["augment"].get<std::string>());
    if (state.contains("alignment")) options.loader.unify_by_shift = state["alignment"].get<std::string>() == "shift";
    if (state.contains("objective"))
        options.objective = state["objective"].get<std::string>() == "sure" ? Objective::Sure : Objective::Neighbor2Neighbor;
}

TrainResult train(FrameDataset& data, const TrainOptions& given, TrainingSink* sink) {
    TrainOptions options = given;  // a resume replaces the schedule with the checkpoint's
    if (options.epochs <= 0) throw ConfigError("", "epochs", fmt::format("must be positive, got {}", options.epochs));
    if (!(options.lr > 0)) throw ConfigError("", "lr", fmt::format("must be positive, got {}", options.lr));
    if (options.gamma < 0) throw ConfigError("", "gamma", fmt::format("must not be negative, got {}", options.gamma));
    if (options.val_every <= 0) throw ConfigError("", "validation interval", "must be positive");
    const torch::Device device = parse_device(options.device);
    if (options.threads > 0) set_threads(options.threads);
    const auto notify = [&](TrainEvent event) {
        if (options.on_event) options.on_event(event);
    };

    const bool resume = !options.resume_from.empty();
    const fs::path last_path = options.resume_from;
    TrainResult result;
    int start_epoch = 1;
    std::string resumed_state;  // the checkpoint's train_state, read once with it
    if (resume) {
        if (!fs::exists(last_path))
            throw ConfigError(last_path.string(), "resume checkpoint", "no checkpoint to resume from");
        auto loaded = model::load_checkpoint(last_path, device);
        resumed_state = loaded.train_state;
        result.net = loaded.net;
        result.config = loaded.config;
        start_epoch = loaded.epoch + 1;
        // The run's seed is part of its random state: always the checkpoint's, so the resumed
        // epochs draw exactly what an uninterrupted run would have drawn.
        TrainOptions stored = options;
        apply_checkpoint_schedule(loaded.train_state, stored);
        if (options.resume_keeps_schedule) options = stored;
        options.loader.seed = stored.loader.seed;
    } else if (!options.init_from.empty()) {
        auto loaded = model::load_checkpoint(options.init_from, device);
        result.net = loaded.net;
        result.config = loaded.config;
    } else {
        torch::manual_seed(options.loader.seed);  // network initialisation
        result.config = options.net;
        result.net = model::make_denoiser(options.net);
        result.net->to(device);
    }
    result.last_epoch = start_epoch - 1;
    LoaderOptions& loader = options.loader;
    loader.stabilised = result.config.noise_conditioned();
    auto& net = *result.net;
    if (loader.patch % 2 != 0 || (loader.patch / 2) % net.required_multiple() != 0)
        throw ConfigError("", "patch",
                          fmt::format("patch {} must be a multiple of {}: the sub-images are half the patch and "
                                      "the network needs sides that are multiples of {}",
                                      loader.patch, 2 * net.required_multiple(), net.required_multiple()));
    DataParallel* const parallel = options.data_parallel.get();
    std::int64_t share = loader.batch, first_row = 0;
    if (parallel != nullptr) {
        if (loader.batch % parallel->world_size() != 0)
            throw ConfigError("", "batch",
                              fmt::format("the global batch {} must be a multiple of the world size {}", loader.batch,
                                          parallel->world_size()));
        share = loader.batch / parallel->world_size();
        first_row = share * parallel->rank();
        // One starting point for all: rank 0's weights (a fresh run's ranks agree anyway; this
        // also covers a caller that built the network differently per rank).
        std::vector<torch::Tensor> state = net.parameters();
        for (const auto& b : net.buffers()) state.push_back(b);
        parallel->broadcast_from_rank0(state);
    }
    // This rank's rows of a global batch (all of them in one process).
    const auto my_share = [&](const torch::Tensor& t) {
        return parallel != nullptr && t.size(0) == loader.batch ? t.narrow(0, first_row, share) : t;
    };
    const std::int64_t all_batches = batches_per_epoch(data, loader);
    const std::int64_t steps = options.max_steps_per_epoch > 0 ? std::min<std::int64_t>(all_batches, options.max_steps_per_epoch)
                                                               : all_batches;

    torch::optim::Adam optimizer(net.parameters(), torch::optim::AdamOptions(options.lr));
    if (resume) model::load_optimizer_state(last_path, optimizer);

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
                                     {"augment", augment_name(loader.augment)},
                                     {"alignment", loader.unify_by_shift ? "shift" : "reorder"},
                                     {"objective", !loader.synthetic_noise.empty() ? "supervised-synthetic"
                                                   : options.objective == Objective::Sure ? "sure"
                                                                                                        : "neighbor2neighbor"},
                                     {"init", options.init_from.string()}};
    if (options.keep_best && !options.validate)
        throw ConfigError("", "keep_best", "keeping the best epoch needs a validation hook");
    const auto metric_of = [&](const Metrics& m) {
        const auto it = m.find(options.best_metric);
        if (it == m.end())
            throw ConfigError("", "best_metric", fmt::format("the validation returned no \"{}\"", options.best_metric));
        return it->second;
    };
    double best_score = std::numeric_limits<double>::infinity();
    // The checkpoints carry the best so far, so a resumed run keeps comparing against it.
    const auto state_with_best = [&](nlohmann::json state) {
        if (options.keep_best) {
            state["best_epoch"] = result.best_epoch;
            state["best_score"] = best_score;
        }
        return state;
    };
    if (options.keep_best) {
        const auto stored = resume ? nlohmann::json::parse(resumed_state, nullptr, false) : nlohmann::json();
        if (stored.is_object() && stored.contains("best_epoch") && stored.contains("best_score")) {
            result.best_epoch = stored["best_epoch"].get<int>();
            best_score = stored["best_score"].get<double>();
        } else {
            net.eval();
            {
                torch::NoGradGuard no_grad;
                result.best_validation = options.validate(net, result.config, start_epoch - 1);
            }
            net.train();
            result.best_epoch = start_epoch - 1;
            result.start_validation = result.best_validation;
            best_score = metric_of(result.best_validation);
            if (sink != nullptr) sink->save_best(net, result.config, result.best_epoch, state_with_best(train_state).dump());
        }
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
        notify(EpochStarted{epoch, options.epochs, steps, rec.lr, rec.lambda});
        net.train();
        BatchLoader batches(data, loader, epoch);
        double sum_loss = 0, sum_rec = 0, sum_reg = 0;
        for (std::int64_t step = 0; step < steps; ++step) {
            const Batch batch = batches.next();
            const auto y_all = batch.input.to(device);
            const auto y = my_share(y_all);
            LossTerms terms;
            if (batch.target.defined()) {
                terms = supervised_loss(net, y, my_share(batch.target.to(device)));
            } else if (options.objective == Objective::Sure) {
                // The probe, like the sub-sampler's choices, comes from (seed, epoch, step).
                auto generator = at::detail::createCPUGenerator(mix_seed(
                    loader.seed, kProbeStream, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(step)));
                const auto probe = torch::randn({y_all.size(0), 4, y_all.size(2), y_all.size(3)}, generator);
                terms = sure_loss(net, y, my_share(probe.to(device)));
            } else {
                // A generator per step, seeded by (seed, epoch, step): resume needs no generator state.
                // The whole batch's choices are drawn, so every rank's share matches one process.
                auto generator = at::detail::createCPUGenerator(mix_seed(
                    loader.seed, kSamplerStream, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(step)));
                const auto choices =
                    draw_pair_choices(y_all.size(0), y_all.size(2), y_all.size(3), options.sampler, generator, device);
                terms = neighbor2neighbor_loss(net, y, my_share(choices), rec.lambda);
            }
            double loss = terms.total.item<double>();
            double reconstruction = terms.reconstruction.item<double>(), regularizer = terms.regularizer.item<double>();
            if (parallel != nullptr) {
                // The global batch's loss is the mean of the equal shares' means; every rank sees the
                // same value, so a non-finite loss stops all of them at the same step.
                const auto sums = parallel->sum({loss, reconstruction, regularizer});
                const double w = parallel->world_size();
                loss = sums[0] / w;
                reconstruction = sums[1] / w;
                regularizer = sums[2] / w;
            }
            if (!std::isfinite(loss))
                throw NumericError("", "loss",
                                   fmt::format("training diverged at epoch {}, step {} of {}: the loss is {} (lr {:g}, "
                                               "Λ {:g}); the last checkpoint (epoch {}) is kept; lower --lr",
                                               epoch, step + 1, steps, loss, rec.lr, rec.lambda, epoch - 1));
            optimizer.zero_grad();
            terms.total.backward();
            if (parallel != nullptr) parallel->average_gradients(net.parameters());
            optimizer.step();
            sum_loss += loss;
            sum_rec += reconstruction;
            sum_reg += regularizer;
            ++rec.batches;
            images_done += static_cast<double>(y_all.size(0));

            const double elapsed = std::chrono::duration<double>(Clock::now() - run_start).count();
            const double ips = images_done / std::max(elapsed, 1e-9);
            const double images_left =
                static_cast<double>((options.epochs - epoch) * steps + (steps - step - 1)) * loader.batch;
            notify(StepDone{epoch, options.epochs, step + 1, steps, sum_loss / static_cast<double>(rec.batches), rec.lr,
                            ips, images_left / std::max(ips, 1e-9)});
            bool out_of_time = options.max_minutes > 0 && elapsed > options.max_minutes * 60;
            // Ranks stop together: one rank's clock running out is everyone's last step.
            if (parallel != nullptr && options.max_minutes > 0) out_of_time = parallel->sum({out_of_time ? 1.0 : 0.0})[0] > 0;
            if (out_of_time) {
                result.stopped_early = true;
                break;
            }
        }
        if (result.stopped_early) {
            notify(TimeLimitReached{epoch, options.max_minutes});
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
            rec.validation = options.validate(net, result.config, epoch);
            net.train();
        }
        if (!all_finite(net))
            throw NumericError("", "weights",
                               fmt::format("training diverged in epoch {}: the weights are no longer finite (lr {:g}); "
                                           "the last checkpoint (epoch {}) is kept; lower --lr",
                                           epoch, rec.lr, epoch - 1));
        result.last_epoch = epoch;
        const bool improved = options.keep_best && !rec.validation.empty() && metric_of(rec.validation) < best_score;
        if (improved) {
            best_score = metric_of(rec.validation);
            result.best_epoch = epoch;
            result.best_validation = rec.validation;
        }
        if (sink != nullptr) {
            if (improved) sink->save_best(net, result.config, epoch, state_with_best(train_state).dump());
            // The epoch's log line travels in its checkpoint: a kill between the two writes
            // cannot drop the epoch from the log (TrainingFolder restores it on resume).
            auto state = state_with_best(train_state);
            state[TrainingFolder::kEpochRecordKey] = TrainingFolder::log_line(rec);
            sink->save_checkpoint(net, result.config, optimizer, epoch, state.dump());
            sink->append_log(rec);
        }
        notify(EpochFinished{rec, options.epochs});
        result.history.push_back(rec);
        if (options.stop_after_epoch > 0 && epoch >= options.stop_after_epoch) break;
    }
    return result;
}

}  // namespace n2n::train
