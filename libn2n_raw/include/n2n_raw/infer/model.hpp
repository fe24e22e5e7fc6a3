// SPDX-License-Identifier: MIT
// A trained denoiser ready for inference, whichever form it comes in: our checkpoint (run
// eagerly or as a frozen TorchScript graph built from its weights) or an exported TorchScript file.
//
// Input contract of every form: packed raw N × 4 × H × W float32, channels R, Gr, Gb, B
// (bayer/pack.hpp canonical order), values normalised to [0, 1], H and W multiples of 32.
#pragma once

#include "n2n_raw/model/denoiser.hpp"

#include <torch/types.h>

#include <array>
#include <filesystem>
#include <memory>
#include <string>

namespace torch::jit {
struct Module;
}

namespace n2n::infer {

/// The input contract of the networks and of exported TorchScript modules, in words.
inline constexpr const char* kInputContract =
    "input: float32 tensor N x 4 x H x W, packed Bayer raw in canonical channel order R, Gr, Gb, B "
    "(RGGB-canonical), values normalised to [0, 1] by black/white level, H and W multiples of 32; "
    "output: the denoised tensor, same shape and order";

/// How a checkpoint's network is run.
enum class Backend : std::uint8_t {
    Eager,   ///< the torch::nn module as trained
    Script,  ///< a TorchScript graph built from its weights, frozen and optimised for inference
};

/// A network in eval mode on one device. Cheap to copy (shared state); not for concurrent use.
class Model {
public:
    /// Reads our checkpoint (model/checkpoint.hpp) onto `device`. Throws IoError/FormatError.
    static Model from_checkpoint(const std::filesystem::path& path, const torch::Device& device,
                                 Backend backend = Backend::Eager);
    /// Reads a TorchScript file (torch::jit::load) onto `device`; `optimize`: freeze and apply
    /// optimize_for_inference. Throws IoError (unreadable) or FormatError (no forward method).
    static Model from_torchscript(const std::filesystem::path& path, const torch::Device& device, bool optimize = true);
    /// A checkpoint or a TorchScript file, told apart by content.
    static Model load(const std::filesystem::path& path, const torch::Device& device, Backend backend = Backend::Eager);
    /// Wraps a network already in memory (moved to `device`, set to eval mode).
    static Model from_module(std::shared_ptr<model::Denoiser> net, const model::NetConfig& config,
                             const torch::Device& device, Backend backend = Backend::Eager);

    /// Runs the network on a packed batch (N × 4 × H × W, H and W multiples of required_multiple(),
    /// float32, on device()). Runs under InferenceMode; returns N × 4 × H × W on device().
    torch::Tensor forward(const torch::Tensor& packed) const;

    const torch::Device& device() const { return device_; }
    /// H and W of forward()'s input must be multiples of this (5 poolings: 32).
    int required_multiple() const { return 32; }
    /// Network input half-width of influence, in packed pixels: an output pixel depends only on
    /// inputs at most this far away. An upper bound derived from the paper's U-Net (3×3 convs and
    /// 2× pools/up-convs over 5 levels: 95 down + 93 up); tests/infer measures a reach of 157.
    /// TorchScript files of other networks are assumed to be no wider.
    int receptive_radius() const { return 188; }
    /// A description for logs ("checkpoint eager", "torchscript frozen", ...).
    const std::string& description() const { return description_; }
    /// Use channels-last memory format for the input (faster for some CPU/GPU kernels).
    void set_channels_last(bool on) { channels_last_ = on; }

    /// True when the network can run in the three stages below (our U-Net as TorchScript: the
    /// Script backend or an exported file). The tiler then runs stages A and C per tile with a
    /// halo of 8 and 16 pixels and stage B once on the whole 1/8-scale frame, which is exact and much cheaper
    /// than tiling the whole network with its 188-pixel receptive radius.
    bool has_stages() const;
    /// Encoder levels 0..2: x (N × 4 × H × W) → pooled features p1, p2, p3 (scales 1/2, 1/4, 1/8).
    std::array<torch::Tensor, 3> stage_a(const torch::Tensor& x) const;
    /// Deep levels and the decoder back to 1/8 scale: p3 → h.
    torch::Tensor stage_b(const torch::Tensor& p3) const;
    /// Decoder from 1/8 scale to the output: (h, p2, p1, x) → y (N × 4 × H × W).
    torch::Tensor stage_c(const torch::Tensor& h, const torch::Tensor& p2, const torch::Tensor& p1,
                          const torch::Tensor& x) const;
    /// Context (packed pixels) stages A and C need around a tile whose edges lie on the 8-pixel
    /// grid for exact results: stage A's p3 at 1/8 scale sees 8 input pixels beyond its own
    /// 8 × 8 footprint; stage C's output sees 16 (two 3×3 convs at scales 1, 1/2 and 1/4 through
    /// the 2× up-convolutions). tests/infer checks that 16 is exact and 8 is not.
    static constexpr int kStageHaloA = 8;
    static constexpr int kStageHaloC = 16;
    /// Stage tiles must start at multiples of this (three 2× poolings).
    static constexpr int kStageGrid = 8;

private:
    explicit Model(const torch::Device& device) : device_(device) {}
    torch::Tensor prepare(const torch::Tensor& t) const;
    torch::Device device_;
    std::shared_ptr<model::Denoiser> eager_;
    std::shared_ptr<torch::jit::Module> script_;
    std::string description_;
    bool channels_last_ = false;
};

/// Builds a TorchScript module computing the same function as `net` (the paper's U-Net; its
/// parameters are copied as module parameters named after the C++ ones with '.' → '_'). The
/// module has a string attribute `input_contract` (kInputContract) and a method
/// `contract() -> str` returning it, and the stage methods stage_a/b/c (see Model::has_stages)
/// with forward(x) = stage_c(stage_b(p3), p2, p1, x). Throws FormatError (field "net") for another architecture.
torch::jit::Module to_torchscript(model::Denoiser& net, const model::NetConfig& config);

/// Writes to_torchscript(net) to `path` atomically (a file torch::jit::load and Python's
/// torch.jit.load read). Throws IoError.
void export_torchscript(model::Denoiser& net, const model::NetConfig& config, const std::filesystem::path& path);

}  // namespace n2n::infer
