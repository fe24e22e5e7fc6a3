// SPDX-License-Identifier: MIT
#include "n2n_raw/deploy/torchscript.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"

#include <fmt/format.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/torch.h>

#include <algorithm>
#include <functional>

namespace n2n::deploy {
namespace {

using Tensors = std::vector<torch::Tensor>;

std::string attribute_name(const std::string& parameter) {
    std::string s = parameter;
    std::replace(s.begin(), s.end(), '.', '_');
    return s;
}

// Records `fn` applied to `examples` as the method `name` of `module`. The network's parameters
// are registered on `module` as the very same tensors, so the tracer records them as attribute
// reads (weights stay parameters of the file) rather than as baked constants.
void add_traced_method(torch::jit::Module& module, const std::string& name, const Tensors& examples,
                       const std::function<c10::IValue(const Tensors&)>& fn) {
    torch::jit::Stack inputs(examples.begin(), examples.end());
    const auto traced = [&](torch::jit::Stack stack) {
        Tensors args;
        for (const auto& v : stack) args.push_back(v.toTensor());
        return torch::jit::Stack{fn(args)};
    };
    const auto no_names = [](const torch::Tensor&) { return std::string(); };
    auto [state, outputs] = torch::jit::tracer::trace(std::move(inputs), traced, no_names, /*strict=*/true,
                                                      /*force_outplace=*/false, &module);
    auto function = module._ivalue()->compilation_unit()->create_function(
        c10::QualifiedName(*module.type()->name(), name), state->graph);
    module.type()->addMethod(function);
}

c10::IValue tuple_of(const Tensors& maps) {
    return c10::ivalue::Tuple::create(std::vector<c10::IValue>(maps.begin(), maps.end()));
}

std::int64_t int_attribute(const torch::jit::Module& module, const std::string& name, const std::string& source) {
    if (!module.hasattr(name) || !module.attr(name).isInt())
        throw FormatError(source, name,
                          "the TorchScript module does not describe its geometry (export it with `n2n export`)");
    return module.attr(name).toInt();
}

}  // namespace

std::string input_contract(const model::Geometry& geometry, const std::string& input) {
    const std::string planes =
        input == "gat"
            ? "float32 tensor N x 8 x H x W: planes 0-3 the packed Bayer raw (R, Gr, Gb, B, RGGB-canonical) "
              "normalised to [0, 1] by black/white level, then generalised-Anscombe transformed with the "
              "capture's noise level function var = beta1*x + beta2 and rescaled as z = (f(y) - f(0)) / (f(1) - f(0)); "
              "planes 4-7 constant, each 1 / (f(1) - f(0)) of its channel"
            : "float32 tensor N x 4 x H x W, packed Bayer raw in canonical channel order R, Gr, Gb, B "
              "(RGGB-canonical), values normalised to [0, 1] by black/white level";
    const std::string output = input == "gat" ? "4 planes in the transformed domain, to be mapped back by the "
                                                "exact unbiased inverse transform"
                                              : "the denoised tensor, same shape and order";
    return fmt::format("input: {}; H and W multiples of {}; output: {}", planes, geometry.multiple, output);
}

torch::jit::Module to_torchscript(model::Denoiser& net, const model::NetConfig& config) {
    net.eval();
    torch::NoGradGuard no_grad;
    const model::Geometry geometry = net.geometry();
    const auto plan = net.stage_plan();

    torch::jit::Module module("N2nRawDenoiser");
    for (const auto& p : net.named_parameters(/*recurse=*/true))
        module.register_parameter(attribute_name(p.key()), p.value(), /*is_buffer=*/false);
    for (const auto& b : net.named_buffers(/*recurse=*/true))
        module.register_buffer(attribute_name(b.key()), b.value());
    module.register_attribute("input_contract", c10::StringType::get(), input_contract(geometry, config.input));
    module.register_attribute("n2n_net", c10::StringType::get(), config.to_json());
    module.register_attribute("n2n_multiple", c10::IntType::get(), std::int64_t{geometry.multiple});
    module.register_attribute("n2n_receptive_radius", c10::IntType::get(), std::int64_t{geometry.receptive_radius});

    // Two grid cells in each direction: big enough for every pooling, small enough to trace fast.
    const auto options = torch::TensorOptions().device(net.parameters().empty() ? torch::Device(torch::kCPU)
                                                                                : net.parameters().front().device());
    const std::int64_t side = 2 * std::max(geometry.multiple, plan ? plan->grid() : 1);
    // A constant input: tracing must not draw from the global generator (training runs resume bit-exactly).
    const torch::Tensor x = torch::full({1, config.in_channels, side, side}, 0.5, options);
    try {
        add_traced_method(module, "forward", {x}, [&](const Tensors& a) { return net.forward(a[0]); });
        if (plan) {
            const Tensors maps = net.head(x);
            const Tensors skips(maps.begin(), maps.end() - 1);
            const torch::Tensor deep = net.body(maps.back());
            add_traced_method(module, kStageHead, {x}, [&](const Tensors& a) { return tuple_of(net.head(a[0])); });
            add_traced_method(module, kStageBody, {maps.back()}, [&](const Tensors& a) { return net.body(a[0]); });
            Tensors tail_inputs{deep};
            tail_inputs.insert(tail_inputs.end(), skips.begin(), skips.end());
            tail_inputs.push_back(x);
            add_traced_method(module, kStageTail, tail_inputs, [&](const Tensors& a) {
                return net.tail(a.front(), Tensors(a.begin() + 1, a.end() - 1), a.back());
            });
            module.register_attribute("n2n_stage_scales", c10::ListType::ofInts(),
                                      c10::List<std::int64_t>(std::vector<std::int64_t>(plan->head_scales.begin(),
                                                                                        plan->head_scales.end())));
            module.register_attribute("n2n_stage_halo_head", c10::IntType::get(), std::int64_t{plan->halo_head});
            module.register_attribute("n2n_stage_halo_tail", c10::IntType::get(), std::int64_t{plan->halo_tail});
        }
        module.define("def contract(self) -> str:\n    return self.input_contract\n");
    } catch (const c10::Error& e) {
        throw FormatError("", "net", fmt::format("cannot trace the network into TorchScript: {}", e.what_without_backtrace()));
    }
    // The traced module shares the network's tensors; the copy decouples it from further training.
    auto owned = module.deepcopy();
    owned.eval();
    return owned;
}

void export_torchscript(model::Denoiser& net, const model::NetConfig& config, const std::filesystem::path& path) {
    auto module = to_torchscript(net, config);
    module.to(torch::kCPU);  // portable: the loader chooses the device
    io::write_atomically(path, [&](std::ostream& out) { module.save(out); });
}

ScriptDescription describe(const torch::jit::Module& module, const std::string& source) {
    ScriptDescription d;
    d.geometry.multiple = static_cast<int>(int_attribute(module, "n2n_multiple", source));
    d.geometry.receptive_radius = static_cast<int>(int_attribute(module, "n2n_receptive_radius", source));
    if (d.geometry.multiple <= 0 || d.geometry.receptive_radius < 0)
        throw FormatError(source, "n2n_multiple", fmt::format("impossible geometry: multiple {}, receptive radius {}",
                                                              d.geometry.multiple, d.geometry.receptive_radius));
    if (module.hasattr("n2n_net") && module.attr("n2n_net").isString())
        d.input = model::NetConfig::from_json(module.attr("n2n_net").toStringRef()).input;
    const bool has_methods =
        module.find_method(kStageHead) && module.find_method(kStageBody) && module.find_method(kStageTail);
    if (!has_methods || !module.hasattr("n2n_stage_scales")) return d;
    model::StagePlan plan;
    for (const auto s : module.attr("n2n_stage_scales").toIntList()) plan.head_scales.push_back(static_cast<int>(s));
    plan.halo_head = static_cast<int>(int_attribute(module, "n2n_stage_halo_head", source));
    plan.halo_tail = static_cast<int>(int_attribute(module, "n2n_stage_halo_tail", source));
    if (plan.head_scales.empty() || plan.halo_head < 0 || plan.halo_tail < 0)
        throw FormatError(source, "n2n_stage_scales", "impossible stage description");
    d.stages = plan;
    return d;
}

}  // namespace n2n::deploy
