// SPDX-License-Identifier: MIT
// Every sub-command of `n2n` registers itself on the top-level CLI11 app here.
#pragma once

#include <CLI/CLI.hpp>

namespace n2n::cli {

// Each register_* adds one sub-command (with its options and callback) to `app`.
// (Sub-commands are added here as their issues land.)
void register_pack(CLI::App& app);
void register_train(CLI::App& app);
void register_denoise(CLI::App& app);
void register_validate(CLI::App& app);
void register_submit(CLI::App& app);
void register_export(CLI::App& app);
void register_render(CLI::App& app);
void register_demo(CLI::App& app);
void register_synth(CLI::App& app);
void register_eval(CLI::App& app);
void register_calibrate(CLI::App& app);
void register_reference(CLI::App& app);
void register_data(CLI::App& app);

}  // namespace n2n::cli
