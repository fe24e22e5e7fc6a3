// SPDX-License-Identifier: MIT
// `n2n export CHECKPOINT -o model.pt`: the trained network as a self-contained TorchScript module;
// `--format onnx` writes an ONNX graph instead (ONNX Runtime, vendor NPU toolchains).
#include "commands.hpp"

#include "n2n_raw/deploy/onnx.hpp"
#include "n2n_raw/deploy/torchscript.hpp"
#include "n2n_raw/model/checkpoint.hpp"

#include <fmt/format.h>
#include <memory>

namespace n2n::cli {

void register_export(CLI::App& app) {
    struct Options {
        std::string checkpoint;
        std::string output;  // default: model.pt or model.onnx, by format
        std::string format = "torchscript";
    };
    auto options = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "export", "Write a trained checkpoint as a TorchScript module (torch::jit::load / torch.jit.load) "
                  "that runs without n2n_raw, traced from the network's own definition.\nContract: float32 "
                  "N x 4 x H x W, packed R, Gr, Gb, B in [0, 1]; H and W multiples of 32 for the U-Net (the "
                  "module's attribute `n2n_multiple`); output of the same shape.\nThe module states this in "
                  "the attribute `input_contract` and the method `contract()`, and its receptive radius and "
                  "stages in `n2n_*` attributes.\n--format onnx writes the same network as an ONNX graph (opset "
                  "13, dynamic N, H, W) with the contract in its doc_string and metadata_props.");
    cmd->add_option("checkpoint", options->checkpoint, "Checkpoint written by `n2n train`")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("-o,--output", options->output, "File to write (atomically); default model.pt, or model.onnx");
    cmd->add_option("--format", options->format, "torchscript or onnx")
        ->check(CLI::IsMember({"torchscript", "onnx"}))
        ->capture_default_str();
    cmd->callback([options] {
        const bool onnx = options->format == "onnx";
        if (options->output.empty()) options->output = onnx ? "model.onnx" : "model.pt";
        const auto loaded = model::load_checkpoint(options->checkpoint, torch::kCPU);
        if (onnx)
            deploy::export_onnx(*loaded.net, loaded.config, options->output);
        else
            deploy::export_torchscript(*loaded.net, loaded.config, options->output);
        fmt::print("wrote {} (network {}, epoch {})\ninput contract: {}\n", options->output, loaded.config.to_json(),
                   loaded.epoch, deploy::input_contract(loaded.net->geometry(), loaded.config.input));
    });
}

}  // namespace n2n::cli
