// SPDX-License-Identifier: MIT
// Data-parallel training on PyTorch's own distributed engine (c10d, which Debian's LibTorch
// ships): every rank joins one process group through a TCPStore rendezvous (Gloo on CPU), starts
// from rank 0's parameters, computes its share of each global batch and averages gradients with a
// bucketed allreduce before the optimizer step, so every rank holds the same weights after every
// step. Launch with torchrun (`torchrun --nproc_per_node=N --no_python n2n train ...`) or any
// scheduler that sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT.
#pragma once

#include <torch/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace n2n::train {

struct ProcessGroupOptions {
    int rank = 0;
    int world_size = 1;
    int local_rank = 0;
    std::string master_addr = "127.0.0.1";
    int master_port = 29500;
    /// The store at master_addr:master_port is served by someone else (torchrun's agent, which
    /// says so with TORCHELASTIC_USE_AGENT_STORE): every rank connects as a client, and keys go
    /// under `store_prefix` so they cannot meet the agent's own.
    bool external_store = false;
    std::string store_prefix;
    /// A rendezvous or collective that waits longer than this fails: a rank died or hangs.
    double timeout_s = 120;
    /// Gradients are averaged in flat buckets of about this size (one allreduce each).
    std::size_t bucket_bytes = 25U << 20U;
};

/// The launcher's environment: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (torchrun's
/// names), and torchrun's TORCHELASTIC_USE_AGENT_STORE / TORCHELASTIC_RESTART_COUNT (the agent
/// serves the store). nullopt when WORLD_SIZE is not set. Throws ConfigError naming the variable for a value
/// that is not a number or out of range.
std::optional<ProcessGroupOptions> process_group_from_env();

/// One rank's membership of the process group. Collective calls must be made by every rank in
/// the same order; a peer that died or hangs makes them throw IoError (field "process group")
/// within the timeout.
class DataParallel {
public:
    /// Joins the group: rank 0 serves the store, every rank waits for all the others. Throws
    /// ConfigError for inconsistent options, IoError when the rendezvous fails or times out.
    explicit DataParallel(const ProcessGroupOptions& options);
    ~DataParallel();
    DataParallel(const DataParallel&) = delete;
    DataParallel& operator=(const DataParallel&) = delete;

    int rank() const { return rank_; }
    int world_size() const { return world_size_; }
    /// The c10d backend in use ("gloo").
    const std::string& backend() const { return backend_; }

    /// Overwrites every rank's tensors with rank 0's values (in place).
    void broadcast_from_rank0(const std::vector<torch::Tensor>& tensors);
    /// Replaces each parameter's gradient by its mean over the ranks (bucketed allreduce).
    void average_gradients(const std::vector<torch::Tensor>& parameters);
    /// Element-wise sum over the ranks of a few numbers (loss terms, stop votes).
    std::vector<double> sum(const std::vector<double>& values);
    /// Seconds spent inside collectives so far (the communication overhead).
    double communication_seconds() const { return communication_seconds_; }

private:
    struct Group;
    std::unique_ptr<Group> group_;  // keeps c10d and Gloo out of this header
    int rank_ = 0;
    int world_size_ = 1;
    std::string backend_;
    std::size_t bucket_bytes_;
    double timeout_s_;
    double communication_seconds_ = 0;
};

}  // namespace n2n::train
