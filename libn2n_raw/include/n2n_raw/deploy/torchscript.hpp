// SPDX-License-Identifier: MIT
// TorchScript export of any Denoiser, recorded from the network's own C++ forward (and stages)
// by LibTorch's tracer, so the exported graph cannot drift from the network that was trained.
//
// An exported module holds the traced methods `forward` and, for networks with a StagePlan,
// `stage_head`, `stage_body`, `stage_tail`; the attributes `input_contract` (str, also returned
// by the method `contract()`), `n2n_net` (the NetConfig JSON), `n2n_multiple`,
// `n2n_receptive_radius` and, with stages, `n2n_stage_scales`, `n2n_stage_halo_head`,
// `n2n_stage_halo_tail` (ints, packed pixels): what the tiler needs, read back by describe().
// Traced graphs keep no fixed size: any N, and H, W multiples of n2n_multiple.
#pragma once

#include "n2n_raw/model/denoiser.hpp"

#include <torch/script.h>

#include <filesystem>
#include <optional>
#include <string>

namespace n2n::deploy {

inline constexpr const char* kStageHead = "stage_head";
inline constexpr const char* kStageBody = "stage_body";
inline constexpr const char* kStageTail = "stage_tail";

/// The input contract of a network with this geometry and input domain ("raw" or "gat",
/// model::NetConfig::input), in words (planes, order, range, size multiple).
std::string input_contract(const model::Geometry& geometry, const std::string& input = "raw");

/// What an exported module says about itself.
struct ScriptDescription {
    model::Geometry geometry;
    std::optional<model::StagePlan> stages;  ///< set when the stage methods and attributes exist
    std::string input = "raw";               ///< NetConfig::input from `n2n_net` ("raw" when absent)
};

/// Traces `net` (in eval mode, on its current device) into a TorchScript module as described
/// above; `config` is stored as metadata and gives the input channel count for tracing. The
/// module owns copies of the weights. Throws FormatError (field "net") when tracing fails.
torch::jit::Module to_torchscript(model::Denoiser& net, const model::NetConfig& config);

/// Writes to_torchscript(net) to `path` atomically, on the CPU (a file torch::jit::load and
/// Python's torch.jit.load read). Throws IoError.
void export_torchscript(model::Denoiser& net, const model::NetConfig& config, const std::filesystem::path& path);

/// Reads the geometry and stage attributes of an exported module. Throws FormatError naming
/// `source` and the missing attribute for a module without them (not written by n2n).
ScriptDescription describe(const torch::jit::Module& module, const std::string& source);

}  // namespace n2n::deploy
