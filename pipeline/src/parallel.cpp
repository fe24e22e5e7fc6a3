// SPDX-License-Identifier: MIT
#include "parallel.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace n2n::pipeline::detail {

void parallel_rows(std::ptrdiff_t rows, const std::function<void(std::ptrdiff_t, std::ptrdiff_t)>& body) {
    // Below ~64 rows thread start-up costs more than it saves.
    const auto cores = static_cast<std::ptrdiff_t>(std::max(1U, std::thread::hardware_concurrency()));
    const std::ptrdiff_t tasks = std::clamp<std::ptrdiff_t>(rows / 64, 1, cores);
    if (tasks == 1) {
        if (rows > 0) body(0, rows);
        return;
    }
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(tasks));
    const std::ptrdiff_t chunk = (rows + tasks - 1) / tasks;
    for (std::ptrdiff_t t = 1; t < tasks; ++t)
        threads.emplace_back([&, t] {
            try {
                body(t * chunk, std::min(rows, (t + 1) * chunk));
            } catch (...) {
                errors[static_cast<std::size_t>(t)] = std::current_exception();
            }
        });
    try {
        body(0, std::min(rows, chunk));
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (auto& th : threads) th.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace n2n::pipeline::detail
