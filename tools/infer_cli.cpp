// SPDX-License-Identifier: MIT
#include "infer_cli.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/types.h>

namespace n2n::cli {

void add_model_options(CLI::App& cmd, ModelOptions& options) {
    cmd.add_option("--model,-m", options.path, "Trained model: an n2n checkpoint or an exported TorchScript file")
        ->required()
        ->check(CLI::ExistingFile);
    cmd.add_option("--backend", options.backend,
                   "eager: run the network as trained; script: a frozen, inference-optimised TorchScript graph")
        ->check(CLI::IsMember({"eager", "script"}))
        ->capture_default_str();
    cmd.add_option("--tile", options.tile, "Core tile side in packed pixels (multiple of 32; 0 = whole frame at once)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd.add_option("--halo", options.halo,
                   "Context around each tile in packed pixels (-1 = the network's receptive radius: tiled equals "
                   "untiled)")
        ->capture_default_str();
    cmd.add_flag("--channels-last", options.channels_last, "Feed the network channels-last tensors");
    add_compute_options(cmd, options.compute);
}

infer::Model load_model(const ModelOptions& options) {
    apply_threads(options.compute);
    torch::Device device(torch::kCPU);
    try {
        device = torch::Device(options.compute.device);
    } catch (const c10::Error&) {
        throw ConfigError("", "--device", fmt::format("'{}' is not a device (cpu, cuda, cuda:N)", options.compute.device));
    }
    if (device.is_cuda() && !torch::cuda::is_available())
        throw ConfigError("", "--device", "CUDA was requested but no CUDA device is available");
    auto model = infer::Model::load(options.path, device,
                                    options.backend == "eager" ? infer::Backend::Eager : infer::Backend::Script);
    model.set_channels_last(options.channels_last);
    return model;
}

infer::TileOptions tile_options(const ModelOptions& options) {
    infer::TileOptions t;
    t.tile = options.tile;
    t.halo = options.halo;
    return t;
}

}  // namespace n2n::cli
