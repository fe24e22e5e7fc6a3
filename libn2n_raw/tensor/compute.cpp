// SPDX-License-Identifier: MIT
#include "n2n_raw/tensor/compute.hpp"

#include "n2n_raw/error.hpp"

#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <fmt/format.h>
#include <torch/cuda.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

namespace n2n {

torch::Device parse_device(const std::string& text) {
    std::optional<torch::Device> device;
    try {
        device = torch::Device(text);
    } catch (const c10::Error&) {
        throw ConfigError("", "device", fmt::format("'{}' is not a device (use cpu, cuda or cuda:N)", text));
    }
    if (device->is_cuda()) {
        if (!torch::cuda::is_available())
            throw ConfigError("", "device", fmt::format("'{}' requested but this LibTorch sees no CUDA device", text));
        if (device->has_index() && device->index() >= static_cast<int>(torch::cuda::device_count()))
            throw ConfigError("", "device", fmt::format("'{}': only {} CUDA devices", text, torch::cuda::device_count()));
    } else if (!device->is_cpu()) {
        throw ConfigError("", "device", fmt::format("'{}' is not supported (use cpu or cuda)", text));
    }
    return *device;
}

int resolve_threads(int requested) {
    if (requested > 0) return requested;
    // OpenMP's own convention: the user's environment decides when no count was asked for.
    if (const char* env = std::getenv("OMP_NUM_THREADS"); env != nullptr) {
        int n = 0;
        const char* end = env + std::strlen(env);
        const auto [ptr, ec] = std::from_chars(env, end, n);
        if (ec == std::errc() && ptr == end && n > 0) return n;
    }
    return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

namespace {
std::atomic<bool> threads_chosen{false};
// LibTorch's count before main(): a different count later means the application set its own
// (torch::set_num_threads), which the library default must not override.
const int libtorch_initial_threads = at::get_num_threads();
}  // namespace

int set_threads(int requested) {
    threads_chosen = true;
    const int n = resolve_threads(requested);
    at::set_num_threads(n);
    static std::atomic<bool> interop_set{false};
    if (!interop_set.exchange(true)) {
        try {
            at::set_num_interop_threads(n);
        } catch (const c10::Error&) {
            // Inter-op work already started (e.g. a caller's own TorchScript run): its pool stays.
        }
    }
    return at::get_num_threads();
}

int use_default_threads() {
    if (!threads_chosen.exchange(true) && at::get_num_threads() == libtorch_initial_threads) return set_threads(0);
    return at::get_num_threads();
}

}  // namespace n2n
