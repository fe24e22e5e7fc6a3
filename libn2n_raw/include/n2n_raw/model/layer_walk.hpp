// SPDX-License-Identifier: MIT
// A network's forward pass as a walk over its own layers, one visitor call per layer. A network
// that supports it (Denoiser::walk) writes its data flow once: its forward() is the walk with
// TensorVisitor, which runs each layer's own forward, and an exporter walks the very same code with
// a visitor that records graph nodes (deploy/onnx.hpp), so the two cannot drift apart.
#pragma once

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

#include <cstdint>
#include <string>

namespace n2n::model {

/// A value between layers: the tensor when the walk computes, the name of the graph value that
/// holds it when the walk records. A visitor fills the member it works with.
struct Flow {
    torch::Tensor tensor;
    std::string name;
};

/// The layer kinds networks are made of; one method per kind, each given the layer itself (its
/// weights and options) so that a visitor needs no other description of the network.
class LayerVisitor {
public:
    LayerVisitor() = default;
    LayerVisitor(const LayerVisitor&) = delete;
    LayerVisitor& operator=(const LayerVisitor&) = delete;
    virtual ~LayerVisitor() = default;

    virtual Flow conv(const Flow& x, torch::nn::Conv2dImpl& layer) = 0;
    virtual Flow conv_transpose(const Flow& x, torch::nn::ConvTranspose2dImpl& layer) = 0;
    virtual Flow leaky_relu(const Flow& x, torch::nn::LeakyReLUImpl& layer) = 0;
    virtual Flow max_pool(const Flow& x, torch::nn::MaxPool2dImpl& layer) = 0;
    /// `a` and `b` joined along the channel axis, `a` first.
    virtual Flow concat(const Flow& a, const Flow& b) = 0;
    /// `a` plus the first `channels` planes of `b` (a residual connection to the input).
    virtual Flow add_leading(const Flow& a, const Flow& b, std::int64_t channels) = 0;
    /// A convolution whose output only the activation reads (sequential() calls it for such
    /// pairs): by default the two methods above; a visitor may fuse them or work in place.
    virtual Flow conv_leaky_relu(const Flow& x, torch::nn::Conv2dImpl& conv, torch::nn::LeakyReLUImpl& activation);

    /// Each layer of `block` in order, through the method of its kind. Throws ConfigError
    /// (field "layer") for a kind this interface has no method for.
    Flow sequential(const Flow& x, torch::nn::Sequential& block);
};

/// The visitor that computes: each layer's own forward, torch::cat and +, on Flow::tensor.
class TensorVisitor final : public LayerVisitor {
public:
    Flow conv(const Flow& x, torch::nn::Conv2dImpl& layer) override;
    Flow conv_transpose(const Flow& x, torch::nn::ConvTranspose2dImpl& layer) override;
    Flow leaky_relu(const Flow& x, torch::nn::LeakyReLUImpl& layer) override;
    Flow max_pool(const Flow& x, torch::nn::MaxPool2dImpl& layer) override;
    Flow concat(const Flow& a, const Flow& b) override;
    Flow add_leading(const Flow& a, const Flow& b, std::int64_t channels) override;
    /// The activation in place on the convolution's fresh output (no second full-size map).
    Flow conv_leaky_relu(const Flow& x, torch::nn::Conv2dImpl& conv, torch::nn::LeakyReLUImpl& activation) override;
};

}  // namespace n2n::model
