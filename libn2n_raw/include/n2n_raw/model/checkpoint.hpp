// SPDX-License-Identifier: MIT
// The checkpoint file (version 2): a torch archive (torch::save format, read with torch::load's
// InputArchive) holding "format" = "n2n_raw-checkpoint", "version" = 2, "payload" (a uint8
// tensor: the serialised records below) and "digest" (int, the payload's CRC-32, from zlib). The
// digest is checked on every load: LibTorch's reader does not verify the zip's own CRCs, so
// flipped bytes would otherwise load silently. Records of the payload:
//   "format"      string  "n2n_raw-checkpoint"
//   "version"     int     2
//   "net"         string  NetConfig JSON (rebuilds the network)
//   "epoch"       int     last completed training epoch (1-based; 0 = untrained)
//   "train_state" string  JSON the trainer needs to resume (options, seeds); "{}" when none
//   "model"       archive the network's parameters and buffers (Module::save)
//   "optimizer"   archive the optimizer state (absent for a weights-only export)
// Version 1 files hold these records at the top level, without a digest; they are still read
// (unverified). Files are written atomically: to a temporary file in the same folder, then renamed.
#pragma once

#include "n2n_raw/model/denoiser.hpp"

#include <torch/optim/optimizer.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace n2n::model {

/// Everything but the optimizer, as read back from a checkpoint.
struct LoadedModel {
    std::shared_ptr<Denoiser> net;  ///< on the requested device, in eval mode
    NetConfig config;
    int epoch = 0;
    std::string train_state = "{}";
};

/// Writes a checkpoint atomically. `optimizer` may be null (weights only). The network may live
/// on any device; tensors are stored as they are and moved on load. Throws IoError.
void save_checkpoint(const std::filesystem::path& path, Denoiser& net, const NetConfig& config,
                     torch::optim::Optimizer* optimizer, int epoch, const std::string& train_state = "{}");

/// Reads a checkpoint and rebuilds its network on `device`. Throws IoError (missing/unreadable
/// file) or FormatError (not an n2n_raw checkpoint, unknown version, mismatched parameters, a
/// digest that does not match (field "digest"), non-finite weights (field "model")).
LoadedModel load_checkpoint(const std::filesystem::path& path, const torch::Device& device = torch::kCPU);

/// CRC-32 of every parameter's bytes, in order: equal digests mean bit-identical weights (the
/// ranks of a data-parallel run print it).
std::uint32_t parameters_digest(Denoiser& net);

/// Restores the optimizer state stored in `path` into `optimizer` (built over the parameters of
/// the network load_checkpoint returned). Throws FormatError when the file has none.
void load_optimizer_state(const std::filesystem::path& path, torch::optim::Optimizer& optimizer);

}  // namespace n2n::model
