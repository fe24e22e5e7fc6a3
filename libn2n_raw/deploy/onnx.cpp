// SPDX-License-Identifier: MIT
#include "n2n_raw/deploy/onnx.hpp"

#include "n2n_raw/deploy/torchscript.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"

#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <torch/torch.h>

#include <bit>
#include <map>

namespace n2n::deploy {
namespace {

// TensorProto::raw_data is little-endian by definition; the tensors are copied byte for byte.
static_assert(std::endian::native == std::endian::little, "the ONNX writer copies float32 bytes as they are");

std::vector<std::int64_t> ints(const torch::ExpandingArray<2>& a) { return {(*a)[0], (*a)[1]}; }

// ONNX pads list the begin of every axis, then the end: [top, left, bottom, right].
std::vector<std::int64_t> symmetric_pads(const torch::ExpandingArray<2>& p) { return {(*p)[0], (*p)[1], (*p)[0], (*p)[1]}; }

void add_ints(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INTS);
    for (const auto v : values) a->add_ints(v);
}

void add_int(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INT);
    a->set_i(value);
}

void add_float(onnx::NodeProto& node, const std::string& name, float value) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
    a->set_f(value);
}

// N x channels x H x W with symbolic N, H, W: the graph serves any batch and frame size.
void set_image_type(onnx::ValueInfoProto& value, const std::string& name, std::int64_t channels,
                    const std::string& doc) {
    value.set_name(name);
    value.set_doc_string(doc);
    auto* tensor = value.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    auto* shape = tensor->mutable_shape();
    shape->add_dim()->set_dim_param("N");
    shape->add_dim()->set_dim_value(channels);
    shape->add_dim()->set_dim_param("H");
    shape->add_dim()->set_dim_param("W");
}

[[noreturn]] void unsupported(const std::string& layer, const std::string& what) {
    throw ConfigError("", "layer", fmt::format("{}: {} has no ONNX equivalent in this exporter", layer, what));
}

// Zero padding of a convolution as ONNX pads; LibTorch's other padding modes have no ONNX attribute.
template <class Options>
std::vector<std::int64_t> conv_pads(const std::string& layer, const Options& o) {
    if (!c10::holds_alternative<torch::enumtype::kZeros>(o.padding_mode())) unsupported(layer, "non-zero padding");
    if (const auto* explicit_pad = c10::get_if<torch::ExpandingArray<2>>(&o.padding()))
        return symmetric_pads(*explicit_pad);
    if (!c10::holds_alternative<torch::enumtype::kValid>(o.padding())) unsupported(layer, "padding 'same'");
    return {0, 0, 0, 0};
}

// Records the walk as graph nodes: each visitor call appends the node of its layer, with the
// layer's weights as initializers, and returns the name of the node's output.
class GraphRecorder final : public model::LayerVisitor {
public:
    GraphRecorder(model::Denoiser& net, onnx::GraphProto& graph) : graph_(graph) {
        for (const auto& p : net.named_parameters(/*recurse=*/true))
            parameter_names_[p.value().unsafeGetTensorImpl()] = p.key();
        for (const auto& m : net.named_modules("", /*include_self=*/false)) module_names_[m.value().get()] = m.key();
    }

    model::Flow conv(const model::Flow& x, torch::nn::Conv2dImpl& layer) override {
        return {{}, conv_node("Conv", x, layer).output(0)};
    }

    model::Flow conv_transpose(const model::Flow& x, torch::nn::ConvTranspose2dImpl& layer) override {
        // Both frameworks store the weight as C_in x C_out/groups x kH x kW.
        auto& node = conv_node("ConvTranspose", x, layer);
        add_ints(node, "output_padding", ints(layer.options.output_padding()));
        return {{}, node.output(0)};
    }

    model::Flow leaky_relu(const model::Flow& x, torch::nn::LeakyReLUImpl& layer) override {
        auto& node = add_node("LeakyRelu", module_name(layer), {x.name});
        add_float(node, "alpha", static_cast<float>(layer.options.negative_slope()));
        return {{}, node.output(0)};
    }

    model::Flow max_pool(const model::Flow& x, torch::nn::MaxPool2dImpl& layer) override {
        const auto& o = layer.options;
        auto& node = add_node("MaxPool", module_name(layer), {x.name});
        add_ints(node, "kernel_shape", ints(o.kernel_size()));
        add_ints(node, "strides", ints(o.stride()));
        add_ints(node, "pads", symmetric_pads(o.padding()));
        add_ints(node, "dilations", ints(o.dilation()));
        add_int(node, "ceil_mode", o.ceil_mode() ? 1 : 0);
        return {{}, node.output(0)};
    }

    model::Flow concat(const model::Flow& a, const model::Flow& b) override {
        auto& node = add_node("Concat", fresh_name("concat"), {a.name, b.name});
        add_int(node, "axis", 1);
        return {{}, node.output(0)};
    }

    model::Flow add_leading(const model::Flow& a, const model::Flow& b, std::int64_t channels) override {
        // Opset 10 and later take Slice's bounds as inputs, not attributes.
        const std::string name = fresh_name("residual");
        const std::string starts = int64_initializer(name + ".starts", 0);
        const std::string ends = int64_initializer(name + ".ends", channels);
        const std::string axes = int64_initializer(name + ".axes", 1);
        const auto& slice = add_node("Slice", name + ".slice", {b.name, starts, ends, axes});
        const std::string leading = slice.output(0);
        return {{}, add_node("Add", name + ".add", {a.name, leading}).output(0)};
    }

private:
    // Conv and ConvTranspose share their attributes and their (input, weight, bias) inputs.
    template <class Layer>
    onnx::NodeProto& conv_node(const std::string& op, const model::Flow& x, Layer& layer) {
        const auto& o = layer.options;
        const std::string name = module_name(layer);
        const auto pads = conv_pads(name, o);
        auto& node = add_node(op, name, weight_inputs(x, layer.weight, layer.bias));
        add_ints(node, "kernel_shape", ints(o.kernel_size()));
        add_ints(node, "strides", ints(o.stride()));
        add_ints(node, "pads", pads);
        add_ints(node, "dilations", ints(o.dilation()));
        add_int(node, "group", o.groups());
        return node;
    }

    std::string module_name(const torch::nn::Module& layer) const {
        const auto it = module_names_.find(&layer);
        return it != module_names_.end() ? it->second : fresh_name(layer.name());
    }

    std::string fresh_name(const std::string& kind) const { return fmt::format("{}_{}", kind, graph_.node_size()); }

    onnx::NodeProto& add_node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs) {
        auto* node = graph_.add_node();
        node->set_op_type(op);
        node->set_name(name);
        for (const auto& in : inputs) node->add_input(in);
        node->add_output(name);  // node names are unique, so they double as output names
        return *node;
    }

    std::vector<std::string> weight_inputs(const model::Flow& x, const torch::Tensor& weight, const torch::Tensor& bias) {
        std::vector<std::string> inputs{x.name, float_initializer(weight)};
        if (bias.defined()) inputs.push_back(float_initializer(bias));
        return inputs;
    }

    std::string float_initializer(const torch::Tensor& parameter) {
        const auto it = parameter_names_.find(parameter.unsafeGetTensorImpl());
        if (it == parameter_names_.end())
            throw ConfigError("", "layer", "a layer of the walk holds a weight that is not a parameter of the network");
        const torch::Tensor data = parameter.detach().to(torch::kCPU, torch::kFloat).contiguous();
        auto* t = graph_.add_initializer();
        t->set_name(it->second);
        t->set_data_type(onnx::TensorProto_DataType_FLOAT);
        for (const auto d : data.sizes()) t->add_dims(d);
        t->set_raw_data(data.data_ptr<float>(), static_cast<std::size_t>(data.numel()) * sizeof(float));
        return it->second;
    }

    std::string int64_initializer(const std::string& name, std::int64_t value) {
        auto* t = graph_.add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto_DataType_INT64);
        t->add_dims(1);
        t->add_int64_data(value);
        return name;
    }

    onnx::GraphProto& graph_;
    std::map<const c10::TensorImpl*, std::string> parameter_names_;
    std::map<const torch::nn::Module*, std::string> module_names_;
};

void add_metadata(onnx::ModelProto& model, const std::string& key, const std::string& value) {
    auto* p = model.add_metadata_props();
    p->set_key(key);
    p->set_value(value);
}

// The checker validates every node against its schema; strict shape inference with type checks
// then proves that the shapes chain up (what python's onnx.checker full_check adds).
void check(onnx::ModelProto model) {
    try {
        onnx::checker::check_model(model);
        onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict_mode=*/1));
    } catch (const std::exception& e) {
        throw FormatError("", "onnx", fmt::format("the ONNX checker rejects the exported graph: {}", e.what()));
    }
}

}  // namespace

std::string to_onnx(model::Denoiser& net, const model::NetConfig& config) {
    net.eval();
    torch::NoGradGuard no_grad;
    const model::Geometry geometry = net.geometry();
    const std::string contract = input_contract(geometry, config.input);

    onnx::ModelProto model;
    model.set_ir_version(onnx::IR_VERSION);
    model.set_producer_name("n2n_raw");
    model.set_producer_version(N2N_VERSION);
    model.set_doc_string(contract);
    auto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOnnxOpset);
    add_metadata(model, "input_contract", contract);
    add_metadata(model, "n2n_net", config.to_json());
    add_metadata(model, "n2n_multiple", std::to_string(geometry.multiple));
    add_metadata(model, "n2n_receptive_radius", std::to_string(geometry.receptive_radius));
    add_metadata(model, "opset", std::to_string(kOnnxOpset));

    auto& graph = *model.mutable_graph();
    graph.set_name("n2n_raw_denoiser");
    graph.set_doc_string(contract);
    set_image_type(*graph.add_input(), "input", config.in_channels, contract);
    GraphRecorder recorder(net, graph);
    const auto out = net.walk(recorder, {{}, "input"});
    if (!out)
        throw ConfigError("", "walk", fmt::format("network {} offers no layer walk to export to ONNX", config.to_json()));
    if (graph.node_size() == 0 || graph.node(graph.node_size() - 1).output(0) != out->name)
        throw ConfigError("", "walk", "the walk's output is not the last node it recorded");
    graph.mutable_node(graph.node_size() - 1)->set_output(0, "output");
    set_image_type(*graph.add_output(), "output", config.out_channels,
                   config.noise_conditioned() ? "the 4 denoised planes in the stabilised domain"
                                              : "the denoised planes, same order and range as the input");
    check(model);
    return model.SerializeAsString();
}

void export_onnx(model::Denoiser& net, const model::NetConfig& config, const std::filesystem::path& path) {
    const std::string bytes = to_onnx(net, config);
    io::write_atomically(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

}  // namespace n2n::deploy
