// SPDX-License-Identifier: MIT
#include "n2n_raw/train/data_parallel.hpp"

#include "n2n_raw/error.hpp"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

namespace n2n::train {
namespace {

using Clock = std::chrono::steady_clock;

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
}

int env_int(const char* name, int fallback, int lo, int hi) {
    const auto text = env(name);
    if (!text) return fallback;
    int value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < lo || value > hi)
        throw ConfigError("", name, fmt::format("\"{}\" is not an integer in [{}, {}]", *text, lo, hi));
    return value;
}

std::chrono::milliseconds milliseconds(double seconds) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

}  // namespace

std::optional<ProcessGroupOptions> process_group_from_env() {
    if (!env("WORLD_SIZE")) return std::nullopt;
    ProcessGroupOptions o;
    o.world_size = env_int("WORLD_SIZE", 1, 1, 1 << 20);
    o.rank = env_int("RANK", 0, 0, o.world_size - 1);
    o.local_rank = env_int("LOCAL_RANK", 0, 0, 1 << 20);
    o.master_addr = env("MASTER_ADDR").value_or(o.master_addr);
    o.master_port = env_int("MASTER_PORT", o.master_port, 1, 65535);
    if (env("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True") {
        o.external_store = true;
        o.store_prefix = fmt::format("/worker/attempt_{}", env_int("TORCHELASTIC_RESTART_COUNT", 0, 0, 1 << 20));
    }
    return o;
}

struct DataParallel::Group {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
};

DataParallel::DataParallel(const ProcessGroupOptions& o)
    : group_(std::make_unique<Group>()),
      rank_(o.rank),
      world_size_(o.world_size),
      bucket_bytes_(o.bucket_bytes),
      timeout_s_(o.timeout_s) {
    if (o.world_size < 1 || o.rank < 0 || o.rank >= o.world_size)
        throw ConfigError("", "rank", fmt::format("rank {} is not in a world of {}", o.rank, o.world_size));
    if (!(o.timeout_s > 0)) throw ConfigError("", "timeout", "must be positive");
    const std::string where = fmt::format("{}:{}", o.master_addr, o.master_port);
    try {
        c10d::TCPStoreOptions store_options;
        store_options.port = static_cast<std::uint16_t>(o.master_port);
        store_options.isServer = o.rank == 0 && !o.external_store;
        store_options.numWorkers = static_cast<std::size_t>(o.world_size);
        store_options.waitWorkers = true;
        store_options.timeout = milliseconds(o.timeout_s);
        // With an external store the workers are not all of its clients (the agent is one), so
        // the server must not wait for a worker count.
        if (o.external_store) store_options.numWorkers = c10::nullopt;
        c10::intrusive_ptr<c10d::Store> store = c10::make_intrusive<c10d::TCPStore>(o.master_addr, store_options);
        if (!o.store_prefix.empty()) store = c10::make_intrusive<c10d::PrefixStore>(o.store_prefix, store);
        group_->store = store;
        auto gloo_options = c10d::ProcessGroupGloo::Options::create(milliseconds(o.timeout_s));
        // The address every rank reaches this one by: the master's for a single machine, else
        // this host's own (Gloo resolves it).
        gloo_options->devices.push_back(o.master_addr == "127.0.0.1" || o.master_addr == "localhost"
                                            ? c10d::ProcessGroupGloo::createDeviceForHostname(o.master_addr)
                                            : c10d::ProcessGroupGloo::createDefaultDevice());
        group_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(group_->store, o.rank, o.world_size, gloo_options);
    } catch (const std::exception& e) {
        throw IoError(where, "process group",
                      fmt::format("rank {} of {} could not join: {}", o.rank, o.world_size, e.what()));
    }
    backend_ = group_->gloo->getBackendName();
}

DataParallel::~DataParallel() = default;

namespace {

// Waits for a collective; a peer that died or hangs surfaces here as a c10 or Gloo error.
void wait_for(const c10::intrusive_ptr<c10d::Work>& work, int rank, int world_size, double timeout_s) {
    try {
        work->wait();
    } catch (const std::exception& e) {
        const std::string peer = world_size == 2 ? fmt::format("rank {}", 1 - rank) : std::string("a peer rank");
        throw IoError("", "process group",
                      fmt::format("rank {} of {}: lost {} (died, or silent for more than {:g} s): {}", rank, world_size,
                                  peer, timeout_s, e.what()));
    }
}

}  // namespace

void DataParallel::broadcast_from_rank0(const std::vector<torch::Tensor>& tensors) {
    const auto start = Clock::now();
    torch::NoGradGuard no_grad;
    for (const auto& t : tensors) {
        std::vector<at::Tensor> one{t.detach()};
        wait_for(group_->gloo->broadcast(one, c10d::BroadcastOptions{}), rank_, world_size_, timeout_s_);
    }
    communication_seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
}

void DataParallel::average_gradients(const std::vector<torch::Tensor>& parameters) {
    const auto start = Clock::now();
    torch::NoGradGuard no_grad;
    // Consecutive gradients are flattened into buckets so that a network's many small tensors
    // cost a few allreduces, not one each.
    std::vector<torch::Tensor> bucket;
    std::size_t bucket_size = 0;
    const auto flush = [&] {
        if (bucket.empty()) return;
        std::vector<at::Tensor> flat{torch::cat(
            [&] {
                std::vector<torch::Tensor> views;
                for (const auto& g : bucket) views.push_back(g.reshape({-1}));
                return views;
            }())};
        wait_for(group_->gloo->allreduce(flat), rank_, world_size_, timeout_s_);
        flat.front().div_(static_cast<double>(world_size_));
        std::int64_t offset = 0;
        for (auto& g : bucket) {
            g.copy_(flat.front().narrow(0, offset, g.numel()).view_as(g));
            offset += g.numel();
        }
        bucket.clear();
        bucket_size = 0;
    };
    for (const auto& p : parameters) {
        torch::Tensor g = p.mutable_grad();
        if (!g.defined()) continue;
        bucket.push_back(g);
        bucket_size += static_cast<std::size_t>(g.numel()) * g.element_size();
        if (bucket_size >= bucket_bytes_) flush();
    }
    flush();
    communication_seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<double> DataParallel::sum(const std::vector<double>& values) {
    const auto start = Clock::now();
    std::vector<at::Tensor> t{torch::tensor(values, torch::kFloat64)};
    wait_for(group_->gloo->allreduce(t), rank_, world_size_, timeout_s_);
    std::vector<double> out(values.size());
    const auto* data = t.front().data_ptr<double>();
    std::copy(data, data + values.size(), out.begin());
    communication_seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
    return out;
}

}  // namespace n2n::train
