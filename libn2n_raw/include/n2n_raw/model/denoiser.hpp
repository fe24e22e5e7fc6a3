// SPDX-License-Identifier: MIT
// The network interface the trainer and the inference code take, the paper's U-Net, and the
// factory that builds a network from its configuration (the configuration is what a checkpoint
// stores, so a checkpoint rebuilds its own network).
//
// All networks map N × in_channels × H × W to N × out_channels × H × W on packed raw: channels
// R, Gr, Gb, B (bayer/pack.hpp), values normalised to [0, 1] by the black/white levels.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

namespace n2n::model {

/// What a network is: enough to rebuild it (stored in every checkpoint).
struct NetConfig {
    std::string arch = "unet";  ///< one of available_architectures()
    int in_channels = 4;        ///< packed raw: R, Gr, Gb, B
    int out_channels = 4;
    int features = 48;  ///< width of the encoder (the decoder uses 2×)
    /// Output = input + U-Net(input) (needs in_channels == out_channels). Not the paper's network:
    /// it starts near the identity, which makes minutes-long runs on low-noise captures usable.
    bool residual = false;

    /// Compact JSON, e.g. {"arch":"unet","features":48,"in_channels":4,"out_channels":4}.
    std::string to_json() const;
    /// Inverse of to_json; throws FormatError (field "net") on malformed text.
    static NetConfig from_json(const std::string& text);
    friend bool operator==(const NetConfig&, const NetConfig&) = default;
};

/// Any denoising network: a torch module with a tensor-to-tensor forward.
class Denoiser : public torch::nn::Module {
public:
    /// N × C × H × W → N × C_out × H × W. H and W must be multiples of required_multiple().
    virtual torch::Tensor forward(const torch::Tensor& x) = 0;
    /// H and W of the input must be multiples of this (32 for 5 poolings).
    virtual int required_multiple() const = 0;
    /// Number of trainable scalars.
    std::int64_t parameter_count() const;
};

/// The paper's U-Net (Laine et al. 2019 layout as used by Neighbor2Neighbor): 48 features,
/// LeakyReLU(0.2), five 2× max-pools, ConvTranspose2d(2, 2) up-sampling with skip concatenation,
/// three 1×1 convolutions at the end, no residual. Conv weights kaiming_normal(fan_in) × 0.1,
/// biases 0. 1,260,868 parameters for 4 → 4 channels.
class UNet : public Denoiser {
public:
    UNet(int in_channels = 4, int out_channels = 4, int features = 48, bool residual = false);
    torch::Tensor forward(const torch::Tensor& x) override;
    int required_multiple() const override { return 32; }

private:
    torch::nn::Sequential enc0_{nullptr}, enc1_{nullptr}, enc2_{nullptr}, enc3_{nullptr}, enc4_{nullptr},
        enc5_{nullptr};
    std::vector<torch::nn::ConvTranspose2d> up_;    ///< up5 .. up1
    std::vector<torch::nn::Sequential> dec_;        ///< dec5 .. dec1 (dec1 ends with the 1×1 head)
    bool residual_ = false;
};

/// Names accepted by make_denoiser ("unet").
std::vector<std::string> available_architectures();

/// Builds a freshly initialised network on the CPU. Throws ConfigError (field "arch") for an
/// unknown name or non-positive channel counts.
std::shared_ptr<Denoiser> make_denoiser(const NetConfig& config);

/// Runs `net` on an input of any size: pads H and W up to a multiple of net.required_multiple()
/// by reflection (edge replication where the image is too small to reflect), then crops the
/// output back to H × W. Input N × C × H × W (or C × H × W, returned without the batch axis).
/// Runs in whatever grad mode the caller set.
torch::Tensor forward_padded(Denoiser& net, const torch::Tensor& x);

}  // namespace n2n::model
