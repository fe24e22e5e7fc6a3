// SPDX-License-Identifier: MIT
// `n2n export CHECKPOINT -o model.pt`: the trained network as a self-contained TorchScript module.
#include "commands.hpp"

#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/model/checkpoint.hpp"

#include <fmt/format.h>
#include <memory>

namespace n2n::cli {

void register_export(CLI::App& app) {
    struct Options {
        std::string checkpoint;
        std::string output = "model.pt";
    };
    auto options = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "export", fmt::format("Write a trained checkpoint as a TorchScript module (torch::jit::load / torch.jit.load) "
                              "that runs without n2n_raw.\nContract: {}.\nThe module also has the attribute "
                              "`input_contract` and the method `contract()` stating this.",
                              infer::kInputContract));
    cmd->add_option("checkpoint", options->checkpoint, "Checkpoint written by `n2n train`")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("-o,--output", options->output, "TorchScript file to write (atomically)")->capture_default_str();
    cmd->callback([options] {
        const auto loaded = model::load_checkpoint(options->checkpoint, torch::kCPU);
        infer::export_torchscript(*loaded.net, loaded.config, options->output);
        fmt::print("wrote {} (network {}, epoch {})\ninput contract: {}\n", options->output, loaded.config.to_json(),
                   loaded.epoch, infer::kInputContract);
    });
}

}  // namespace n2n::cli
