// SPDX-License-Identifier: MIT
// The network interface the trainer, the tiled inference and every export take, the description
// a network gives of itself (input multiple, receptive radius, optional stages for tiling), and
// the factory that builds a network from its configuration (the configuration is what a
// checkpoint stores, so a checkpoint rebuilds its own network).
//
// All networks map N × in_channels × H × W to N × out_channels × H × W on packed raw: channels
// R, Gr, Gb, B (bayer/pack.hpp), values normalised to [0, 1] by the black/white levels.
#pragma once

#include "n2n_raw/model/layer_walk.hpp"

#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace n2n::model {

/// What a network is: enough to rebuild it (stored in every checkpoint).
struct NetConfig {
    std::string arch = "unet";  ///< one of available_architectures()
    int in_channels = 4;        ///< packed raw: R, Gr, Gb, B
    int out_channels = 4;
    int features = 48;  ///< width of the encoder (the decoder uses 2×)
    /// Output = input + U-Net(input) (the first out_channels input planes). Not the paper's network:
    /// it starts near the identity, which makes minutes-long runs on low-noise captures usable.
    bool residual = false;

    /// What the input planes are: "raw" (4 packed planes in [0, 1]) or "gat" (the 8-plane noise-
    /// conditioned domain of tensor/stabilised_domain.hpp: stabilised data plus noise-level maps;
    /// the output is then the 4 stabilised planes, and in_channels must be 8).
    std::string input = "raw";
    /// input == "gat": the network expects the stabilised domain.
    bool noise_conditioned() const { return input == "gat"; }
    /// Compact JSON, e.g. {"arch":"unet","features":48,"in_channels":4,"out_channels":4}.
    std::string to_json() const;
    /// Inverse of to_json; throws FormatError (field "net") on malformed text.
    static NetConfig from_json(const std::string& text);
    friend bool operator==(const NetConfig&, const NetConfig&) = default;
};

/// The spatial facts tiling and padding need, in packed pixels.
struct Geometry {
    /// H and W of forward()'s input must be multiples of this (2^poolings).
    int multiple = 1;
    /// An output pixel depends only on inputs at most this far away (an upper bound): a tile with
    /// this much context on every side gives the untiled result.
    int receptive_radius = 0;
};

/// An optional three-part split of forward() that makes tiling exact and cheap for networks whose
/// wide context comes from coarse scales (U-Nets): head() runs per tile at full resolution,
/// body() once on the whole frame at the coarsest head scale, tail() per tile again.
///   forward(x) == tail(body(head(x).back()), head(x) without its last map, x)
struct StagePlan {
    /// Down-scale factor of each map head() returns, strictly increasing; the last feeds body().
    std::vector<int> head_scales;
    /// Context (packed pixels) head() needs around a tile whose edges lie on the grid (a multiple
    /// of head_scales.back()) for its maps to be exact.
    int halo_head = 0;
    /// Context tail() needs around such a tile, counted at full resolution.
    int halo_tail = 0;
    /// Tiles must start on multiples of this: the coarsest head scale.
    int grid() const { return head_scales.empty() ? 1 : head_scales.back(); }
    friend bool operator==(const StagePlan&, const StagePlan&) = default;
};

/// Any denoising network: a torch module with a tensor-to-tensor forward that describes itself.
/// The inference code (tiling, halo, staging) and the exports read only this interface, so a new
/// network needs no change there.
class Denoiser : public torch::nn::Module {
public:
    /// N × C × H × W → N × C_out × H × W. H and W must be multiples of geometry().multiple.
    virtual torch::Tensor forward(const torch::Tensor& x) = 0;
    /// Input multiple and receptive radius, derived from the network's own layers.
    virtual Geometry geometry() const = 0;
    /// The stage split, for networks that have one (default: none).
    virtual std::optional<StagePlan> stage_plan() const { return std::nullopt; }
    /// The stages of stage_plan(); networks without one throw ConfigError (field "stages").
    virtual std::vector<torch::Tensor> head(const torch::Tensor& x);
    virtual torch::Tensor body(const torch::Tensor& coarsest);
    /// `skips`: head()'s maps but the last, finest first; `x`: the network input.
    virtual torch::Tensor tail(const torch::Tensor& deep, const std::vector<torch::Tensor>& skips,
                               const torch::Tensor& x);
    /// forward() as a walk over the network's own layers (model/layer_walk.hpp), from the input
    /// `x` to the returned output, for exporters that record it; networks that offer no walk
    /// return nullopt (the default).
    virtual std::optional<Flow> walk(LayerVisitor& visitor, const Flow& x);

    /// Shorthand for geometry().multiple.
    int required_multiple() const { return geometry().multiple; }
    /// Number of trainable scalars.
    std::int64_t parameter_count() const;
};

/// Names accepted by make_denoiser ("unet").
std::vector<std::string> available_architectures();

/// Builds a freshly initialised network on the CPU. Throws ConfigError (field "arch") for an
/// unknown name or non-positive channel counts.
std::shared_ptr<Denoiser> make_denoiser(const NetConfig& config);

/// Pads dims 2 and 3 (H, W) of an N × C × H × W tensor up to multiples of `multiple` at the bottom
/// and right: by reflection, or by edge replication where a plane is too small to reflect.
torch::Tensor pad_to_multiple(const torch::Tensor& x, std::int64_t multiple);

/// Runs `net` on an input of any size: pad_to_multiple(geometry().multiple), forward, crop back
/// to H × W. Input N × C × H × W (or C × H × W, returned without the batch axis). Runs in
/// whatever grad mode the caller set.
torch::Tensor forward_padded(Denoiser& net, const torch::Tensor& x);

}  // namespace n2n::model
