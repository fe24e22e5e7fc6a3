// SPDX-License-Identifier: MIT
// ONNX export of a Denoiser, recorded from the network's own layer walk (Denoiser::walk, the code
// its forward() runs), written with the protobuf classes of Debian's libonnx-dev and checked by
// its checker and shape inference before anything reaches the disk.
//
// The graph: input "input" float32 N x C x H x W, output "output" float32 N x C_out x H x W, with
// N, H and W symbolic ("N", "H", "W"); ops Conv, ConvTranspose, LeakyRelu, MaxPool, Concat, and
// Slice + Add for a residual connection, from the default domain at opset kOnnxOpset. Weights are
// initializers named as the checkpoint's parameters ("enc0.0.weight"). The model's doc_string is
// the input contract (deploy::input_contract); its metadata_props hold `input_contract`,
// `n2n_net` (the NetConfig JSON), `n2n_multiple`, `n2n_receptive_radius` and `opset`.
#pragma once

#include "n2n_raw/model/denoiser.hpp"

#include <filesystem>
#include <string>

namespace n2n::deploy {

/// The operator set the export uses (ONNX 1.8 and later; every ONNX Runtime since 1.6 runs it).
inline constexpr int kOnnxOpset = 13;

/// The serialized ONNX ModelProto of `net` (in eval mode; weights copied to float32 on the CPU).
/// Throws ConfigError (field "walk") for a network without a layer walk, ConfigError (field
/// "layer") for a layer option ONNX cannot express, FormatError (field "onnx") when the ONNX
/// checker or shape inference rejects the graph.
std::string to_onnx(model::Denoiser& net, const model::NetConfig& config);

/// Writes to_onnx(net, config) to `path` atomically. Throws as to_onnx, and IoError.
void export_onnx(model::Denoiser& net, const model::NetConfig& config, const std::filesystem::path& path);

}  // namespace n2n::deploy
