// SPDX-License-Identifier: MIT
// Row-parallel loops for the ISP stages (internal).
#pragma once

#include <cstddef>
#include <functional>

namespace n2n::pipeline::detail {

/// Calls body(begin, end) on disjoint row ranges covering [0, rows) from up to
/// omp_get_max_threads() threads (the library's one thread setting); small jobs run inline.
/// Exceptions from body are rethrown in the caller.
void parallel_rows(std::ptrdiff_t rows, const std::function<void(std::ptrdiff_t, std::ptrdiff_t)>& body);

}  // namespace n2n::pipeline::detail
