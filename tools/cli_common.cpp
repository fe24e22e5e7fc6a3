// SPDX-License-Identifier: MIT
#include "cli_common.hpp"

#include <thread>
#include <torch/torch.h>

namespace n2n::cli {

void add_compute_options(CLI::App& cmd, ComputeOptions& options) {
    cmd.add_option("--device", options.device, "Compute device: cpu, cuda or cuda:N")->capture_default_str();
    cmd.add_option("--threads", options.threads, "CPU threads for LibTorch (0 = one per core)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
}

void apply_threads(const ComputeOptions& options) {
    const int n = options.threads > 0 ? options.threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    torch::set_num_threads(n);
}

}  // namespace n2n::cli
