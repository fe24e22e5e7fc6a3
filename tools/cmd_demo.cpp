// SPDX-License-Identifier: MIT
// `n2n demo`: the whole mission on real captures. Trains Neighbor2Neighbor on the given noisy
// RAW files alone (no clean reference), for a bounded time, then denoises each full frame and
// writes the denoised DNG, before/after PNGs and a summary.
#include "cli_common.hpp"
#include "commands.hpp"

#include "n2n_raw/dng/dng_writer.hpp"
#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/pipeline/side_by_side.hpp"
#include "n2n_raw/train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
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
    std::optional<double> ev;  ///< render exposure in stops; empty: auto_exposure_ev
    ComputeOptions compute;
};

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<std::filesystem::path> collect_inputs(const std::vector<std::string>& inputs) {
    std::vector<std::filesystem::path> files;
    for (const auto& in : inputs) {
        if (std::filesystem::is_directory(in)) {
            const auto found = train::FrameDataset::scan(train::DatasetKind::RawFolder, in);
            for (std::size_t i = 0; i < found.size(); ++i) files.push_back(found.file(i));
        } else {
            if (!std::filesystem::exists(in)) throw IoError(in, "input", "no such file or folder");
            files.emplace_back(in);
        }
    }
    return files;
}

// Seconds of one training step on this machine, so that the epoch count (and with it the
// paper's lr halvings and Λ ramp) fits the time budget instead of being cut off mid-schedule.
double probe_step_seconds(const DemoOptions& o, const torch::Device& device) {
    model::NetConfig config;
    config.features = o.features;
    config.residual = o.residual;
    auto net = model::make_denoiser(config);
    net->to(device);
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-4));
    const auto x = torch::rand({o.batch, 4, o.patch / 2, o.patch / 2}, device);
    std::vector<double> times;
    for (int k = 0; k < 6; ++k) {
        const auto t0 = Clock::now();
        adam.zero_grad();
        // Forward at half size (g1), plus the no-grad full-size pass of the regulariser.
        {
            torch::NoGradGuard no_grad;
            net->forward(torch::rand({o.batch, 4, o.patch, o.patch}, device));
        }
        net->forward(x).square().mean().backward();
        adam.step();
        if (device.is_cuda()) torch::cuda::synchronize();
        if (k >= 2) times.push_back(seconds_since(t0));  // the first steps pay for allocations
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

double mean_of(const std::array<double, 4>& v) { return (v[0] + v[1] + v[2] + v[3]) / 4.0; }

// The centre `side` × `side` pixels (or less) of a rendered image: a 1:1 view where noise shows.
pipeline::RgbImage centre_crop(const pipeline::RgbImage& rgb, std::ptrdiff_t side) {
    const std::ptrdiff_t h = std::min(side, rgb.height()), w = std::min(side, rgb.width());
    const std::ptrdiff_t top = (rgb.height() - h) / 2, left = (rgb.width() - w) / 2;
    pipeline::RgbImage out(3, h, w);
    for (std::ptrdiff_t ch = 0; ch < 3; ++ch)
        for (std::ptrdiff_t r = 0; r < h; ++r)
            for (std::ptrdiff_t c = 0; c < w; ++c) out.plane(ch)(r, c) = rgb.plane(ch)(top + r, left + c);
    return out;
}

nlohmann::json denoise_and_report(const infer::Model& model, const std::filesystem::path& file, const DemoOptions& o) {
    const std::filesystem::path out_dir = o.out_dir;
    const io::RawFrame frame = io::read_any(file);
    const auto noisy = frame.normalized(bayer::Clip::ZeroOne);
    const auto t_denoise = Clock::now();
    const auto denoised = infer::denoise_mosaic(model, noisy.view(), frame.meta.phase);
    const double denoise_seconds = seconds_since(t_denoise);
    const double megapixels = static_cast<double>(noisy.height() * noisy.width()) / 1e6;

    const auto stem = file.stem().string();
    dng::DngOptions dng_options;
    dng_options.noise_reduction_applied = 1.0;
    dng::write_dng(out_dir / (stem + "_denoised.dng"), bayer::denormalize(denoised.view(), frame.meta.levels).view(),
                   frame.meta, dng_options);

    // Both renders share the ISP parameters, gains and exposure resolved once on the noisy frame,
    // so the pictures differ only by their pixels.
    auto isp = pipeline::params_from_metadata(frame.meta);
    isp.levels = bayer::Levels::unit();
    isp.white_balance = {pipeline::WhiteBalance::Mode::Gains, pipeline::resolve_gains(isp, noisy.view())};
    isp.exposure_ev = o.ev ? *o.ev : pipeline::auto_exposure_ev(noisy.view(), isp);
    const auto before = pipeline::render(noisy.view(), isp);
    const auto after = pipeline::render(denoised.view(), isp);
    io::save_rgb(out_dir / (stem + "_noisy.png"), before);
    io::save_rgb(out_dir / (stem + "_denoised.png"), after);

    const auto sigma_before = noise::estimate_mosaic_sigma(noisy.view(), frame.meta.phase);
    const auto sigma_after = noise::estimate_mosaic_sigma(denoised.view(), frame.meta.phase);
    const auto crop_before = centre_crop(before, 768), crop_after = centre_crop(after, 768);
    io::save_rgb(out_dir / (stem + "_side_by_side.png"),
                       pipeline::side_by_side({{&crop_before, fmt::format("noisy  sigma {:.5f}", mean_of(sigma_before))},
                                               {&crop_after, fmt::format("n2n  sigma {:.5f}", mean_of(sigma_after))}}));
    fmt::print("{}: {:.1f} MP denoised in {:.1f} s ({:.2f} MP/s); noise sigma {:.5f} -> {:.5f} (of white); "
               "rendered at {:+.2f} EV\n",
               file.string(), megapixels, denoise_seconds, megapixels / denoise_seconds, mean_of(sigma_before),
               mean_of(sigma_after), isp.exposure_ev);
    return {{"file", file.string()},
            {"camera", frame.meta.camera},
            {"phase", std::string(frame.meta.phase.name())},
            {"megapixels", megapixels},
            {"denoise_seconds", denoise_seconds},
            {"megapixels_per_second", megapixels / denoise_seconds},
            {"noise_sigma_before", sigma_before},
            {"noise_sigma_after", sigma_after},
            {"render_exposure_ev", isp.exposure_ev},
            {"outputs", {stem + "_denoised.dng", stem + "_noisy.png", stem + "_denoised.png", stem + "_side_by_side.png"}}};
}

void run_demo(const DemoOptions& o) {
    const auto t_start = Clock::now();
    apply_threads(o.compute);
    const torch::Device device = train::parse_device(o.compute.device);
    auto files = collect_inputs(o.inputs.empty() ? std::vector<std::string>{kDefaultCapture} : o.inputs);
    const std::filesystem::path out_dir = o.out_dir;
    std::filesystem::create_directories(out_dir);

    const double step_s = probe_step_seconds(o, device);
    train::TrainOptions topt;
    topt.net.features = o.features;
    topt.net.residual = o.residual;
    topt.loader.batch = o.batch;
    topt.loader.patch = o.patch;
    topt.loader.workers = 1;
    topt.loader.augment = train::Augment::Flips;
    // About 8 steps per epoch in all, whatever the number of captures.
    const int n_files = static_cast<int>(files.size());
    topt.loader.patches_per_frame = std::max(1, (8 * o.batch + n_files - 1) / n_files);
    const double steps_per_epoch = std::floor(static_cast<double>(n_files * topt.loader.patches_per_frame) / o.batch);
    topt.epochs = std::max(2, static_cast<int>(o.minutes * 60.0 / (step_s * steps_per_epoch * 1.15)));
    topt.lr = 2e-3;  // minutes, not SIDD's 100 epochs: a larger first step than the paper's 1e-4, then 5 halvings
    topt.lr_step = std::max(1, topt.epochs / 5);
    topt.max_minutes = o.minutes * 1.5;  // hard stop if the probe was optimistic
    topt.device = o.compute.device;
    topt.out_dir = out_dir / "training";
    fmt::print("n2n demo: {} capture(s); one step {:.2f} s -> {} epochs of {} steps (~{:.1f} min) on {}\n",
               files.size(), step_s, topt.epochs, static_cast<int>(steps_per_epoch), o.minutes, device.str());

    train::FrameDataset data(files);
    const auto t_train = Clock::now();
    const auto trained = train::train(data, topt);
    const double train_seconds = seconds_since(t_train);
    const auto model = infer::Model::from_module(trained.net, trained.config, device, infer::Backend::Script);

    nlohmann::json summary{{"training_seconds", train_seconds},
                           {"epochs", trained.last_epoch},
                           {"stopped_early", trained.stopped_early},
                           {"final_loss", trained.history.empty() ? 0.0 : trained.history.back().loss},
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
        ->capture_default_str();
    cmd->add_option("--batch", options->batch, "Training batch size")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--features", options->features, "U-Net encoder width (the paper's is 48; smaller trains faster)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_flag("--residual,!--no-residual", options->residual,
                  "Residual U-Net (output = input + correction; default), or the paper's plain U-Net");
    cmd->add_option("--ev", options->ev, "Exposure of the PNG renders in stops (default: metered to 18 % grey)");
    add_compute_options(*cmd, options->compute);
    cmd->callback([options] { run_demo(*options); });
}

}  // namespace n2n::cli
