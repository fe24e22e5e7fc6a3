// SPDX-License-Identifier: MIT
// A trained denoiser ready for inference, whichever form it comes in: our checkpoint (run
// eagerly or as a frozen TorchScript graph traced from it) or an exported TorchScript file.
// Every form describes its own geometry and stages (model/denoiser.hpp), which the tiler reads.
//
// Input contract of every form: packed raw N × 4 × H × W float32, channels R, Gr, Gb, B
// (bayer/pack.hpp canonical order), values normalised to [0, 1], H and W multiples of
// geometry().multiple.
#pragma once

#include "n2n_raw/model/denoiser.hpp"

#include <torch/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torch::jit {
struct Module;
}

namespace n2n::infer {

/// How a checkpoint's network is run.
enum class Backend : std::uint8_t {
    Eager,   ///< the torch::nn module as trained
    Script,  ///< the network traced into TorchScript and frozen (weights as constants)
};

/// The number format the network's layers compute in. Inputs, outputs and the residual
/// connection stay float32 (model/layer_walk.hpp casts at each layer), so a residual network's
/// identity part is exact whichever is chosen.
enum class Precision : std::uint8_t {
    Float32,   ///< the reference
    BFloat16,  ///< weights and maps in bfloat16: oneDNN's AMX / AVX512-BF16 kernels on CPUs that have them
};

/// A network in eval mode on one device. Cheap to copy (shared state); not for concurrent use.
class Model {
public:
    /// Reads our checkpoint (model/checkpoint.hpp) onto `device`. Throws IoError/FormatError.
    static Model from_checkpoint(const std::filesystem::path& path, const torch::Device& device,
                                 Backend backend = Backend::Eager, Precision precision = Precision::Float32);
    /// Reads a TorchScript file that `n2n export` wrote onto `device`; `optimize`: freeze it. Throws IoError (unreadable) or FormatError (no forward
    /// method, or no geometry attributes).
    static Model from_torchscript(const std::filesystem::path& path, const torch::Device& device, bool optimize = true);
    /// A checkpoint or a TorchScript file, told apart by content. A TorchScript file runs in the
    /// precision it was exported in: other precisions throw ConfigError (field "precision").
    static Model load(const std::filesystem::path& path, const torch::Device& device, Backend backend = Backend::Eager,
                      Precision precision = Precision::Float32);
    /// Wraps a network already in memory (moved to `device`, set to eval mode).
    static Model from_module(std::shared_ptr<model::Denoiser> net, const model::NetConfig& config,
                             const torch::Device& device, Backend backend = Backend::Eager,
                             Precision precision = Precision::Float32);

    /// Runs the network on a packed batch (N × 4 × H × W, H and W multiples of required_multiple(),
    /// float32, on device()). Runs under InferenceMode; returns N × 4 × H × W on device().
    torch::Tensor forward(const torch::Tensor& packed) const;

    const torch::Device& device() const { return device_; }
    /// The network's own geometry (multiple, receptive radius in packed pixels).
    const model::Geometry& geometry() const { return geometry_; }
    int required_multiple() const { return geometry_.multiple; }
    int receptive_radius() const { return geometry_.receptive_radius; }
    /// The network's input domain, model::NetConfig::input: "raw" or "gat" (noise-conditioned,
    /// tensor/stabilised_domain.hpp; denoise_packed applies the transform and its inverse).
    const std::string& input() const { return input_; }
    bool noise_conditioned() const { return input_ == "gat"; }
    /// The network's stage split, for the TorchScript forms of networks that have one (the eager
    /// form is the reference path: the tiler runs it whole per tile).
    const std::optional<model::StagePlan>& stage_plan() const { return stages_; }
    bool has_stages() const { return stages_.has_value(); }
    /// A description for logs ("checkpoint eager", "torchscript frozen", ...).
    const std::string& description() const { return description_; }

    /// The stages of stage_plan() (see model::Denoiser::head/body/tail), under InferenceMode.
    std::vector<torch::Tensor> head(const torch::Tensor& x) const;
    torch::Tensor body(const torch::Tensor& coarsest) const;
    torch::Tensor tail(const torch::Tensor& deep, const std::vector<torch::Tensor>& skips, const torch::Tensor& x) const;

private:
    explicit Model(const torch::Device& device) : device_(device) {}
    torch::Tensor network_input(const torch::Tensor& t) const;  ///< the packed frame (or tile)
    torch::Tensor stage_map(const torch::Tensor& t) const;      ///< a head/body map between stages
    void require_stages() const;  ///< throws ConfigError (field "stages") without a stage plan
    torch::Device device_;
    std::shared_ptr<model::Denoiser> eager_;
    std::shared_ptr<torch::jit::Module> script_;
    model::Geometry geometry_;
    std::optional<model::StagePlan> stages_;
    std::string description_;
    std::string input_ = "raw";
};

}  // namespace n2n::infer
