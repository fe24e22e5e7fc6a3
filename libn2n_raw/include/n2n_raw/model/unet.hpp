// SPDX-License-Identifier: MIT
// The paper's U-Net (Laine et al. 2019 layout as used by Neighbor2Neighbor).
#pragma once

#include "n2n_raw/model/denoiser.hpp"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

#include <vector>

namespace n2n::model {

/// 48 features, LeakyReLU(0.2), five 2× max-pools, ConvTranspose2d(2, 2) up-sampling with skip
/// concatenation, three 1×1 convolutions at the end, no residual. Conv weights
/// kaiming_normal(fan_in) × 0.1, biases 0. 1,260,868 parameters for 4 → 4 channels.
/// Stages: head = encoder levels 0..2 (maps at 1/2, 1/4, 1/8), body = the deeper levels and the
/// decoder back to 1/8, tail = the decoder from 1/8 to full resolution.
/// The data flow is written once, as walks over the layers (model/layer_walk.hpp): forward() and
/// the stages run them with TensorVisitor, exports record them with their own visitor.
class UNet : public Denoiser {
public:
    UNet(int in_channels = 4, int out_channels = 4, int features = 48, bool residual = false);
    torch::Tensor forward(const torch::Tensor& x) override;
    Geometry geometry() const override;
    std::optional<StagePlan> stage_plan() const override;
    std::vector<torch::Tensor> head(const torch::Tensor& x) override;
    torch::Tensor body(const torch::Tensor& coarsest) override;
    torch::Tensor tail(const torch::Tensor& deep, const std::vector<torch::Tensor>& skips,
                       const torch::Tensor& x) override;
    std::optional<Flow> walk(LayerVisitor& visitor, const Flow& x) override;

    /// Encoder blocks that run in head() (levels 0..kHeadLevels-1).
    static constexpr int kHeadLevels = 3;
    static constexpr int kLevels = 5;  ///< poolings

private:
    std::vector<Flow> head_walk(LayerVisitor& v, const Flow& x);
    Flow body_walk(LayerVisitor& v, const Flow& coarsest);
    Flow tail_walk(LayerVisitor& v, const Flow& deep, const std::vector<Flow>& skips, const Flow& x);

    std::vector<torch::nn::Sequential> enc_;      ///< enc0 .. enc5 (enc0..enc4 end with a pool)
    std::vector<torch::nn::ConvTranspose2d> up_;  ///< up5 .. up1
    std::vector<torch::nn::Sequential> dec_;      ///< dec5 .. dec1 (dec1 ends with the 1×1 head)
    bool residual_ = false;
    int out_channels_ = 4;
};

}  // namespace n2n::model
