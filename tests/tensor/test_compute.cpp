// SPDX-License-Identifier: MIT
// Device names and thread counts: one parser and one setter for every command and the library.
#include "n2n_raw/error.hpp"
#include "n2n_raw/tensor/compute.hpp"

#include <ATen/Parallel.h>
#include <doctest/doctest.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

using namespace n2n;

TEST_CASE("parse_device: cpu, and errors naming the device field") {
    CHECK(parse_device("cpu").is_cpu());
    for (const char* bad : {"tpu", "", "gpu:0", "cuda:x"}) {
        CAPTURE(bad);
        try {
            parse_device(bad);
            FAIL("accepted");
        } catch (const ConfigError& e) {
            CHECK(e.field() == "device");
        }
    }
    // An index past the last device is refused (with no CUDA at all, any CUDA request is).
    const auto devices = torch::cuda::is_available() ? torch::cuda::device_count() : 0;
    CHECK_THROWS_AS(parse_device("cuda:" + std::to_string(devices)), ConfigError);
    if (devices == 0) CHECK_THROWS_AS(parse_device("cuda"), ConfigError);
}

TEST_CASE("resolve_threads: an explicit count, else OMP_NUM_THREADS, else every core") {
    const char* saved = std::getenv("OMP_NUM_THREADS");
    const std::string old = saved != nullptr ? saved : "";
    const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    CHECK(resolve_threads(3) == 3);
    ::unsetenv("OMP_NUM_THREADS");
    CHECK(resolve_threads(0) == cores);
    ::setenv("OMP_NUM_THREADS", "5", 1);
    CHECK(resolve_threads(0) == 5);
    CHECK(resolve_threads(2) == 2);
    for (const char* junk : {"0", "-2", "4x", ""}) {
        ::setenv("OMP_NUM_THREADS", junk, 1);
        CHECK(resolve_threads(0) == cores);
    }
    if (saved != nullptr) ::setenv("OMP_NUM_THREADS", old.c_str(), 1);
    else ::unsetenv("OMP_NUM_THREADS");
}

TEST_CASE("set_threads sets LibTorch's intra-op count every time, inter-op once") {
    CHECK(set_threads(2) == 2);
    CHECK(at::get_num_threads() == 2);
    const int interop = at::get_num_interop_threads();
    CHECK(set_threads(1) == 1);
    CHECK(at::get_num_threads() == 1);
    CHECK(at::get_num_interop_threads() == interop);
}
