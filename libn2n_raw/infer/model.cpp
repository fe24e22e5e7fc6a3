// SPDX-License-Identifier: MIT
#include "n2n_raw/infer/model.hpp"

#include "n2n_raw/deploy/torchscript.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/tensor/compute.hpp"

#include <fmt/format.h>
#include <torch/script.h>

namespace n2n::infer {
namespace {

// Freezes (weights become constants, folded into the up-sampling's reshaped kernels), keeping
// the stage methods callable when the module has them. Not optimize_for_inference: its oneDNN
// conversion reorders every layer's channels-last maps (1.8x slower on the 48-feature U-Net).
torch::jit::Module optimized(const torch::jit::Module& module) {
    std::vector<std::string> keep;
    for (const char* name : {deploy::kStageHead, deploy::kStageBody, deploy::kStageTail})
        if (module.find_method(name)) keep.emplace_back(name);
    return torch::jit::freeze(module, keep);
}

// A bfloat16 copy of `net` (the caller's network stays as it is), rebuilt from its configuration.
std::shared_ptr<model::Denoiser> bfloat16_copy(model::Denoiser& net, const model::NetConfig& config) {
    auto copy = model::make_denoiser(config);
    torch::NoGradGuard no_grad;
    auto source = net.named_parameters();
    for (auto& p : copy->named_parameters()) {
        const auto* from = source.find(p.key());
        if (from == nullptr || !from->sizes().equals(p.value().sizes()))
            throw ConfigError("", "precision", fmt::format("the network does not match its configuration {} at {}",
                                                           config.to_json(), p.key()));
        p.value().copy_(*from);
    }
    copy->to(torch::kBFloat16);
    return copy;
}

}  // namespace

Model Model::from_module(std::shared_ptr<model::Denoiser> net, const model::NetConfig& config,
                         const torch::Device& device, Backend backend, Precision precision) {
    use_default_threads();  // every core unless the application chose (LibTorch may start with one)
    Model m(device);
    // Before tracing: the trace records the casts to the weights' type.
    if (precision == Precision::BFloat16) net = bfloat16_copy(*net, config);
    net->to(device);
    net->eval();
    m.geometry_ = net->geometry();
    m.input_ = config.input;
    if (backend == Backend::Eager) {
        m.eager_ = std::move(net);
        m.description_ = "eager";
    } else {
        m.stages_ = net->stage_plan();
        m.script_ = std::make_shared<torch::jit::Module>(optimized(deploy::to_torchscript(*net, config)));
        m.description_ = "torchscript (frozen)";
    }
    if (precision == Precision::BFloat16) m.description_ += ", bfloat16";
    return m;
}

Model Model::from_checkpoint(const std::filesystem::path& path, const torch::Device& device, Backend backend,
                             Precision precision) {
    auto loaded = model::load_checkpoint(path, device);
    return from_module(loaded.net, loaded.config, device, backend, precision);
}

Model Model::from_torchscript(const std::filesystem::path& path, const torch::Device& device, bool optimize) {
    use_default_threads();
    if (!std::filesystem::exists(path)) throw IoError(path.string(), "model", "no such file");
    torch::jit::Module module;
    try {
        module = torch::jit::load(path.string(), device);
    } catch (const c10::Error& e) {
        throw FormatError(path.string(), "model", fmt::format("not a TorchScript file: {}", e.what_without_backtrace()));
    }
    if (!module.find_method("forward"))
        throw FormatError(path.string(), "forward", "the TorchScript module has no forward method");
    const auto description = deploy::describe(module, path.string());
    module.eval();
    Model m(device);
    m.geometry_ = description.geometry;
    m.stages_ = description.stages;
    m.input_ = description.input;
    if (optimize) module = optimized(module);
    m.script_ = std::make_shared<torch::jit::Module>(std::move(module));
    m.description_ = optimize ? "torchscript file (frozen)" : "torchscript file";
    return m;
}

Model Model::load(const std::filesystem::path& path, const torch::Device& device, Backend backend,
                  Precision precision) {
    try {
        return from_checkpoint(path, device, backend, precision);
    } catch (const FormatError& e) {
        // A torch archive without our "format" record is not a checkpoint: an exported TorchScript
        // module is the other accepted form. Any other failure (a damaged checkpoint) is final.
        if (e.field() != "format") throw;
    }
    if (precision != Precision::Float32)
        throw ConfigError(path.string(), "precision",
                          "an exported TorchScript module runs in the precision it was exported in: give the checkpoint "
                          "for bfloat16");
    return from_torchscript(path, device, backend == Backend::Script);
}

torch::Tensor Model::forward(const torch::Tensor& packed) const {
    c10::InferenceMode guard;
    const torch::Tensor x = network_input(packed);
    torch::Tensor y = eager_ ? eager_->forward(x) : script_->forward({x}).toTensor();
    return y.to(torch::kFloat32).contiguous();
}

std::vector<torch::Tensor> Model::head(const torch::Tensor& x) const {
    require_stages();
    c10::InferenceMode guard;
    const c10::IValue result = script_->get_method(deploy::kStageHead)({network_input(x)});  // owns the tuple
    std::vector<torch::Tensor> maps;
    for (const auto& v : result.toTupleRef().elements()) maps.push_back(v.toTensor());
    return maps;
}

torch::Tensor Model::body(const torch::Tensor& coarsest) const {
    require_stages();
    c10::InferenceMode guard;
    return script_->get_method(deploy::kStageBody)({stage_map(coarsest)}).toTensor();
}

torch::Tensor Model::tail(const torch::Tensor& deep, const std::vector<torch::Tensor>& skips,
                          const torch::Tensor& x) const {
    require_stages();
    c10::InferenceMode guard;
    std::vector<c10::IValue> inputs{stage_map(deep)};
    for (const auto& s : skips) inputs.emplace_back(stage_map(s));
    inputs.emplace_back(network_input(x));
    return script_->get_method(deploy::kStageTail)(std::move(inputs)).toTensor().to(torch::kFloat32).contiguous();
}

void Model::require_stages() const {
    if (!stages_) throw ConfigError("", "stages", "this model has no stage split");
}

torch::Tensor Model::network_input(const torch::Tensor& t) const {
    // Float32 even for a bfloat16 network, in any layout: the layers bring it to their own.
    return t.to(device_, torch::kFloat32);
}

torch::Tensor Model::stage_map(const torch::Tensor& t) const {
    return t.to(device_);  // in the type and layout the head or body made it
}

}  // namespace n2n::infer
