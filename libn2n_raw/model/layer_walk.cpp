// SPDX-License-Identifier: MIT
#include "n2n_raw/model/layer_walk.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

namespace n2n::model {

Flow LayerVisitor::sequential(const Flow& x, torch::nn::Sequential& block) {
    Flow h = x;
    for (std::size_t i = 0; i < block->size(); ++i) {
        const auto layer = block->ptr(i);
        if (auto* c = layer->as<torch::nn::Conv2d>())
            h = conv(h, *c);
        else if (auto* t = layer->as<torch::nn::ConvTranspose2d>())
            h = conv_transpose(h, *t);
        else if (auto* r = layer->as<torch::nn::LeakyReLU>())
            h = leaky_relu(h, *r);
        else if (auto* p = layer->as<torch::nn::MaxPool2d>())
            h = max_pool(h, *p);
        else
            throw ConfigError("", "layer", fmt::format("layer {} ({}) has no visitor method", i, layer->name()));
    }
    return h;
}

Flow TensorVisitor::conv(const Flow& x, torch::nn::Conv2dImpl& layer) { return {layer.forward(x.tensor), {}}; }
Flow TensorVisitor::conv_transpose(const Flow& x, torch::nn::ConvTranspose2dImpl& layer) {
    return {layer.forward(x.tensor), {}};
}
Flow TensorVisitor::leaky_relu(const Flow& x, torch::nn::LeakyReLUImpl& layer) { return {layer.forward(x.tensor), {}}; }
Flow TensorVisitor::max_pool(const Flow& x, torch::nn::MaxPool2dImpl& layer) { return {layer.forward(x.tensor), {}}; }
Flow TensorVisitor::concat(const Flow& a, const Flow& b) { return {torch::cat({a.tensor, b.tensor}, 1), {}}; }
Flow TensorVisitor::add_leading(const Flow& a, const Flow& b, std::int64_t channels) {
    return {a.tensor + b.tensor.narrow(1, 0, channels), {}};
}

}  // namespace n2n::model
