// SPDX-License-Identifier: MIT
#include "n2n_raw/infer/model.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/model/checkpoint.hpp"

#include <fmt/format.h>
#include <torch/script.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace n2n::infer {
namespace {

std::string script_name(const std::string& parameter) {
    std::string s = parameter;
    std::replace(s.begin(), s.end(), '.', '_');
    return s;
}

// The conv layers of one Sequential block ("enc0", "dec1", ...), in order: index → weight shape.
std::vector<std::pair<int, std::vector<std::int64_t>>> convs_of(const std::map<std::string, torch::Tensor>& params,
                                                                const std::string& block) {
    std::vector<std::pair<int, std::vector<std::int64_t>>> out;
    for (const auto& [name, tensor] : params) {
        const std::string prefix = block + ".";
        if (name.rfind(prefix, 0) != 0 || !name.ends_with(".weight")) continue;
        const std::string index = name.substr(prefix.size(), name.size() - prefix.size() - 7);
        out.emplace_back(std::stoi(index), tensor.sizes().vec());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// TorchScript source of the U-Net in terms of aten ops (conv2d, leaky_relu, max_pool2d,
// conv_transpose2d, cat), generated from the parameter names so it follows the C++ module. The
// network is split in three methods so that the tiler can run the full-resolution parts per tile
// with a small halo and the deep, low-resolution part once on the whole frame:
//   stage_a(x)              -> (p1, p2, p3)   encoder levels 0..2 (scales 1/2, 1/4, 1/8)
//   stage_b(p3)             -> h              levels 3..5 and the decoder back to scale 1/8
//   stage_c(h, p2, p1, x)   -> y              the decoder from scale 1/8 to full resolution
// and forward(x) = stage_c(stage_b(p3), p2, p1, x).
std::string unet_source(const std::map<std::string, torch::Tensor>& params, bool residual) {
    std::ostringstream src;
    const auto conv_block = [&](const std::string& block, const std::string& in, const std::string& out,
                                bool last_linear) {
        const auto convs = convs_of(params, block);
        if (convs.empty()) throw FormatError("", "net", fmt::format("no convolutions in block '{}'", block));
        std::string cur = in;
        for (std::size_t k = 0; k < convs.size(); ++k) {
            const auto& [index, shape] = convs[k];
            const std::int64_t pad = shape.at(2) / 2;
            const std::string w = script_name(fmt::format("{}.{}.weight", block, index));
            const std::string b = script_name(fmt::format("{}.{}.bias", block, index));
            std::string expr = fmt::format("torch.conv2d({}, self.{}, self.{}, [1, 1], [{}, {}])", cur, w, b, pad, pad);
            if (!(last_linear && k + 1 == convs.size())) expr = fmt::format("torch.leaky_relu_({}, 0.2)", expr);
            src << fmt::format("    {} = {}\n", out, expr);
            cur = out;
        }
    };
    const auto encoder = [&](int level, const std::string& in) {
        conv_block(fmt::format("enc{}", level), in, "h", false);
        src << fmt::format("    p{} = torch.max_pool2d(h, [2, 2], [2, 2])\n", level + 1);
    };
    const auto decoder = [&](int level, const std::string& skip) {
        src << fmt::format("    h = torch.conv_transpose2d(h, self.up{0}_weight, self.up{0}_bias, [2, 2])\n", level);
        src << fmt::format("    h = torch.cat([h, {}], 1)\n", skip);
        conv_block(fmt::format("dec{}", level), "h", "h", level == 1);
    };
    src << "def stage_a(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:\n";
    encoder(0, "x");
    encoder(1, "p1");
    encoder(2, "p2");
    src << "    return (p1, p2, p3)\n";
    src << "def stage_b(self, p3: Tensor) -> Tensor:\n";
    encoder(3, "p3");
    encoder(4, "p4");
    conv_block("enc5", "p5", "h", false);
    decoder(5, "p4");
    decoder(4, "p3");
    src << "    return h\n";
    src << "def stage_c(self, h: Tensor, p2: Tensor, p1: Tensor, x: Tensor) -> Tensor:\n";
    decoder(3, "p2");
    decoder(2, "p1");
    decoder(1, "x");
    src << (residual ? "    return h + x\n" : "    return h\n");
    src << "def forward(self, x: Tensor) -> Tensor:\n"
           "    p1, p2, p3 = self.stage_a(x)\n"
           "    return self.stage_c(self.stage_b(p3), p2, p1, x)\n";
    src << "def contract(self) -> str:\n    return self.input_contract\n";
    return src.str();
}

const std::vector<std::string> kStageMethods{"stage_a", "stage_b", "stage_c"};

// Freezes (weights become constants) and applies optimize_for_inference, keeping the stage
// methods callable when the module has them.
torch::jit::Module optimized(const torch::jit::Module& module) {
    std::vector<std::string> keep;
    for (const auto& name : kStageMethods)
        if (module.find_method(name)) keep.push_back(name);
    auto frozen = torch::jit::freeze(module, keep);
    return torch::jit::optimize_for_inference(frozen, keep);
}

}  // namespace

torch::jit::Module to_torchscript(model::Denoiser& net, const model::NetConfig& config) {
    if (config.arch != "unet")
        throw FormatError("", "net", fmt::format("TorchScript export supports the 'unet' network, not '{}'", config.arch));
    torch::jit::Module module("N2nRawUNet");
    std::map<std::string, torch::Tensor> params;
    for (const auto& p : net.named_parameters(/*recurse=*/true)) {
        params[p.key()] = p.value();
        module.register_parameter(script_name(p.key()), p.value().detach().clone(), /*is_buffer=*/false);
    }
    module.register_attribute("input_contract", c10::StringType::get(), c10::IValue(std::string(kInputContract)));
    try {
        module.define(unet_source(params, config.residual));
    } catch (const c10::Error& e) {
        throw FormatError("", "net", fmt::format("cannot build the TorchScript graph: {}", e.what_without_backtrace()));
    }
    module.eval();
    return module;
}

void export_torchscript(model::Denoiser& net, const model::NetConfig& config, const std::filesystem::path& path) {
    auto module = to_torchscript(net, config);
    module.to(torch::kCPU);  // portable: the loader chooses the device
    io::write_atomically(path, [&](std::ostream& out) { module.save(out); });
}

Model Model::from_module(std::shared_ptr<model::Denoiser> net, const model::NetConfig& config,
                         const torch::Device& device, Backend backend) {
    Model m(device);
    net->to(device);
    net->eval();
    if (backend == Backend::Eager) {
        m.eager_ = std::move(net);
        m.description_ = "eager";
        return m;
    }
    auto module = to_torchscript(*net, config);
    module.to(device);
    m.script_ = std::make_shared<torch::jit::Module>(optimized(module));
    m.description_ = "torchscript (frozen, optimised)";
    return m;
}

Model Model::from_checkpoint(const std::filesystem::path& path, const torch::Device& device, Backend backend) {
    auto loaded = model::load_checkpoint(path, device);
    return from_module(loaded.net, loaded.config, device, backend);
}

Model Model::from_torchscript(const std::filesystem::path& path, const torch::Device& device, bool optimize) {
    if (!std::filesystem::exists(path)) throw IoError(path.string(), "model", "no such file");
    torch::jit::Module module;
    try {
        module = torch::jit::load(path.string(), device);
    } catch (const c10::Error& e) {
        throw FormatError(path.string(), "model", fmt::format("not a TorchScript file: {}", e.what_without_backtrace()));
    }
    if (!module.find_method("forward"))
        throw FormatError(path.string(), "forward", "the TorchScript module has no forward method");
    module.eval();
    Model m(device);
    if (optimize) module = optimized(module);
    m.script_ = std::make_shared<torch::jit::Module>(std::move(module));
    m.description_ = optimize ? "torchscript file (frozen, optimised)" : "torchscript file";
    return m;
}

Model Model::load(const std::filesystem::path& path, const torch::Device& device, Backend backend) {
    try {
        return from_checkpoint(path, device, backend);
    } catch (const FormatError&) {
        // Not our checkpoint: an exported TorchScript module is the other accepted form.
    }
    return from_torchscript(path, device, backend == Backend::Script);
}

torch::Tensor Model::forward(const torch::Tensor& packed) const {
    c10::InferenceMode guard;
    const torch::Tensor x = prepare(packed);
    torch::Tensor y = eager_ ? eager_->forward(x) : script_->forward({x}).toTensor();
    return y.contiguous();
}

bool Model::has_stages() const {
    if (!script_) return false;
    for (const auto& name : kStageMethods)
        if (!script_->find_method(name)) return false;
    return true;
}

std::array<torch::Tensor, 3> Model::stage_a(const torch::Tensor& x) const {
    c10::InferenceMode guard;
    const auto t = script_->get_method("stage_a")({prepare(x)}).toTuple();
    return {t->elements()[0].toTensor(), t->elements()[1].toTensor(), t->elements()[2].toTensor()};
}

torch::Tensor Model::stage_b(const torch::Tensor& p3) const {
    c10::InferenceMode guard;
    return script_->get_method("stage_b")({prepare(p3)}).toTensor();
}

torch::Tensor Model::stage_c(const torch::Tensor& h, const torch::Tensor& p2, const torch::Tensor& p1,
                             const torch::Tensor& x) const {
    c10::InferenceMode guard;
    return script_->get_method("stage_c")({prepare(h), prepare(p2), prepare(p1), prepare(x)}).toTensor().contiguous();
}

torch::Tensor Model::prepare(const torch::Tensor& t) const {
    torch::Tensor x = t.to(device_, torch::kFloat32);
    return channels_last_ ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x.contiguous();
}

}  // namespace n2n::infer
