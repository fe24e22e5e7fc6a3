// SPDX-License-Identifier: MIT
// What every fuzz target shares: our readers take paths, so each input goes to a private file
// first; and one rule for outcomes (a reader may succeed or throw the n2n::Error family, which
// is how it refuses bad bytes; any other exception or a crash is a bug libFuzzer reports).
#pragma once

#include "n2n_raw/error.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace n2n::fuzz {

/// Bytes not owned (std::span is C++20; the LibTorch targets build as C++17, see CMakeLists.txt).
struct Bytes {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};

/// Writes `prefix` then `data` to `<private dir>/<relative>` (created on first use under
/// $TMPDIR, removed at exit) and returns that path. `relative` may name a sub-folder, e.g. a
/// SIDD scene folder whose name the reader interprets.
const std::filesystem::path& write_input(const std::string& relative, Bytes data, Bytes prefix = {});

using Target = int (*)(const std::uint8_t* data, std::size_t size);

/// Targets by name, for tests/io/test_fuzz_regressions.cpp, which compiles every target with
/// N2N_FUZZ_REPLAY and replays the saved crash inputs through the same code libFuzzer ran.
std::map<std::string, Target>& registered_targets();

/// Runs `read`; a documented refusal (n2n::Error) is a pass.
template <class Read>
void accept_or_refuse(Read&& read) {
    try {
        read();
    } catch (const n2n::Error&) {
    }
}

}  // namespace n2n::fuzz

// N2N_FUZZ_TARGET(name) { ...data, size... }: libFuzzer's entry point in the fuzz build; in the
// replay test a function registered under `name` (several targets share one executable there).
#ifdef N2N_FUZZ_REPLAY
#define N2N_FUZZ_TARGET(name)                                                                       \
    static int fuzz_##name(const std::uint8_t* data, std::size_t size);                            \
    [[maybe_unused]] static const bool fuzz_##name##_registered =                                  \
        n2n::fuzz::registered_targets().emplace(#name, fuzz_##name).second;                        \
    static int fuzz_##name(const std::uint8_t* data, std::size_t size)
#else
#define N2N_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#endif
