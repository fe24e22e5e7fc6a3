// SPDX-License-Identifier: MIT
// Where LibTorch computes: the device named by a user's text, and the CPU thread count. Every
// command and every library entry point that takes a device or a thread count goes through here.
#pragma once

#include <torch/types.h>

#include <string>

namespace n2n {

/// Parses "cpu", "cuda" or "cuda:N". Throws ConfigError (field "device") for other text, for CUDA
/// when this LibTorch sees no CUDA device, and for an index past the last device.
torch::Device parse_device(const std::string& text);

/// The CPU thread count a request means: `requested` when positive; else OMP_NUM_THREADS when
/// it holds a positive integer; else one thread per hardware core (at least 1).
int resolve_threads(int requested);

/// Sets LibTorch's intra-op threads to resolve_threads(requested), and its inter-op threads to the
/// same number the first time only (LibTorch allows that once per process, before parallel work).
/// Returns the intra-op thread count now in effect.
int set_threads(int requested);

/// The library's default: unless the application already chose (set_threads, or its own
/// torch::set_num_threads), the first call sets resolve_threads(0) (OMP_NUM_THREADS, else every
/// core); later calls change nothing. LibTorch itself starts with one thread on some machines,
/// so infer::Model's loaders call this. Returns the intra-op thread count in effect.
int use_default_threads();

}  // namespace n2n
