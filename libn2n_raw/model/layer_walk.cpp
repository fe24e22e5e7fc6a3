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
        auto* next_activation = i + 1 < block->size() ? block->ptr(i + 1)->as<torch::nn::LeakyReLU>() : nullptr;
        if (auto* c = layer->as<torch::nn::Conv2d>(); c != nullptr && next_activation != nullptr) {
            h = conv_leaky_relu(h, *c, *next_activation);
            ++i;
        } else if (c != nullptr)
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

namespace {

// Convolutions run in channels-last (NHWC) layout: oneDNN's NHWC kernels need no reorder per
// layer, where NCHW input is reordered to a blocked layout and back around every convolution
// (measured on the 48-feature U-Net, 2 threads: 1.6x faster inference, 1.4x training).
torch::Tensor channels_last(const torch::Tensor& t) { return t.contiguous(torch::MemoryFormat::ChannelsLast); }

// A layer's input in the layer's layout and number type (a bfloat16 network casts its float32
// input at the first layer, so the caller's input stays exact for the residual connection).
torch::Tensor layer_input(const torch::Tensor& x, const torch::Tensor& weight) {
    return channels_last(x).to(weight.scalar_type());
}

// A k x k transposed convolution with stride k writes disjoint k x k output blocks, each a linear
// map of one input pixel: a 1 x 1 convolution to k*k*C_out planes and a pixel shuffle compute the
// same thing. LibTorch's CPU transposed convolution goes through im2col and the system BLAS
// (Debian's reference BLAS: 4-5 GFLOP/s), the 1 x 1 convolution through oneDNN; the up-sampling
// layers took half the U-Net's inference time before.
bool is_block_upsampling(const torch::nn::detail::ConvNdOptions<2>& o) {
    const auto k = *o.kernel_size(), s = *o.stride(), op = *o.output_padding(), d = *o.dilation();
    const auto* p = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
    return k[0] == k[1] && s[0] == k[0] && s[1] == k[1] && p != nullptr && (**p)[0] == 0 && (**p)[1] == 0 &&
           op[0] == 0 && op[1] == 0 && d[0] == 1 && d[1] == 1 && o.groups() == 1 &&
           c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()) != nullptr;
}

torch::Tensor block_upsampling(const torch::Tensor& x, torch::nn::ConvTranspose2dImpl& layer) {
    const std::int64_t k = (*layer.options.kernel_size())[0];
    const torch::Tensor& w = layer.weight;  // C_in x C_out x k x k
    // Output plane (o, a, b) of the 1 x 1 convolution is what pixel_shuffle puts at channel o,
    // offset (a, b) of each block: plane index o*k*k + a*k + b.
    const torch::Tensor w1 = w.permute({1, 2, 3, 0}).reshape({w.size(1) * k * k, w.size(0), 1, 1});
    const torch::Tensor b1 = layer.bias.defined() ? layer.bias.repeat_interleave(k * k) : torch::Tensor();
    // pixel_shuffle on the channels-last result would return the standard layout; the same
    // shuffle on the NHWC view keeps the layers' layout, in one copy. Only the weight's sizes
    // are named (a traced export keeps N, H and W free). Axes: n, y, x, (o, a, b) -> n, y, a, x, b, o.
    return torch::conv2d(layer_input(x, w), w1, b1)
        .permute({0, 2, 3, 1})
        .unflatten(3, {w.size(1), k, k})
        .permute({0, 1, 4, 2, 5, 3})
        .flatten(3, 4)
        .flatten(1, 2)
        .permute({0, 3, 1, 2});
}

}  // namespace

Flow TensorVisitor::conv(const Flow& x, torch::nn::Conv2dImpl& layer) {
    return {layer.forward(layer_input(x.tensor, layer.weight)), {}};
}
Flow TensorVisitor::conv_transpose(const Flow& x, torch::nn::ConvTranspose2dImpl& layer) {
    if (is_block_upsampling(layer.options)) return {block_upsampling(x.tensor, layer), {}};
    return {layer.forward(layer_input(x.tensor, layer.weight)), {}};
}
Flow LayerVisitor::conv_leaky_relu(const Flow& x, torch::nn::Conv2dImpl& c, torch::nn::LeakyReLUImpl& activation) {
    return leaky_relu(conv(x, c), activation);
}

Flow TensorVisitor::conv_leaky_relu(const Flow& x, torch::nn::Conv2dImpl& c, torch::nn::LeakyReLUImpl& activation) {
    // Autograd allows it: the convolution's backward needs its input, the activation's its output.
    torch::Tensor y = c.forward(layer_input(x.tensor, c.weight));
    return {torch::leaky_relu_(y, activation.options.negative_slope()), {}};
}

Flow TensorVisitor::leaky_relu(const Flow& x, torch::nn::LeakyReLUImpl& layer) { return {layer.forward(x.tensor), {}}; }
Flow TensorVisitor::max_pool(const Flow& x, torch::nn::MaxPool2dImpl& layer) { return {layer.forward(x.tensor), {}}; }
// Both parts in the layers' layout (a concatenation of mixed layouts takes LibTorch's slow path
// and the next convolution would reorder its result again) and the first part's type (the
// input skip of a bfloat16 network is float32).
Flow TensorVisitor::concat(const Flow& a, const Flow& b) {
    return {torch::cat({channels_last(a.tensor), channels_last(b.tensor).to(a.tensor.scalar_type())}, 1), {}};
}
Flow TensorVisitor::add_leading(const Flow& a, const Flow& b, std::int64_t channels) {
    // In the input's type: a bfloat16 network adds its correction to the exact input.
    return {a.tensor.to(b.tensor.scalar_type()) + b.tensor.narrow(1, 0, channels), {}};
}

}  // namespace n2n::model
