// SPDX-License-Identifier: MIT
#include "parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <exception>
#include <vector>

namespace n2n::pipeline::detail {

void parallel_rows(std::ptrdiff_t rows, const std::function<void(std::ptrdiff_t, std::ptrdiff_t)>& body) {
    // OpenMP is the runtime LibTorch runs on here, so n2n::set_threads (which sets LibTorch's
    // intra-op threads, and with them OpenMP's) governs the ISP too: one thread setting.
    // Below ~64 rows a thread costs more than it saves.
    const auto threads = static_cast<std::ptrdiff_t>(std::max(1, omp_get_max_threads()));
    const std::ptrdiff_t tasks = std::clamp<std::ptrdiff_t>(rows / 64, 1, threads);
    if (tasks == 1) {
        if (rows > 0) body(0, rows);
        return;
    }
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(tasks));
    const std::ptrdiff_t chunk = (rows + tasks - 1) / tasks;
#pragma omp parallel for num_threads(static_cast<int>(tasks)) schedule(static, 1)
    for (std::ptrdiff_t t = 0; t < tasks; ++t) {
        try {  // an exception must not leave an OpenMP region
            body(t * chunk, std::min(rows, (t + 1) * chunk));
        } catch (...) {
            errors[static_cast<std::size_t>(t)] = std::current_exception();
        }
    }
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace n2n::pipeline::detail
