// SPDX-License-Identifier: MIT
// Replays every input libFuzzer found a bug with (tests/io/fuzz_regressions/<target>/<file>)
// through the very harness of fuzz/fuzz_<target>.cpp, compiled in here with N2N_FUZZ_REPLAY.
// A reader must accept such a file or refuse it with an n2n::Error; anything else (another
// exception, an assert, or in the Sanitize build an ASan/UBSan report) fails. A folder that
// names no target fails too, so that an input cannot sit there unreplayed.
#include "fuzz_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

namespace {

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("every fuzz target is compiled into the replay") {
    const auto& targets = n2n::fuzz::registered_targets();
    for (const char* name : {"camera_raw", "mat_v73", "mat_v5", "png", "headerless", "checkpoint", "net_config", "json"}) {
        CAPTURE(name);
        CHECK(targets.count(name) == 1);
    }
}

TEST_CASE("fuzzer finds stay fixed: each saved input replays through its target") {
    const std::filesystem::path root = std::string(N2N_TEST_SOURCE_DIR) + "/io/fuzz_regressions";
    const auto& targets = n2n::fuzz::registered_targets();
    std::vector<std::filesystem::path> inputs;
    for (const auto& dir : std::filesystem::directory_iterator(root)) {
        CAPTURE(dir.path());
        REQUIRE(dir.is_directory());
        REQUIRE(targets.count(dir.path().filename().string()) == 1);
        for (const auto& file : std::filesystem::directory_iterator(dir.path())) inputs.push_back(file.path());
    }
    std::sort(inputs.begin(), inputs.end());
    CHECK(inputs.size() >= 3);  // the folder is found and holds the MAT finds at least
    for (const auto& input : inputs) {
        CAPTURE(input);
        const auto bytes = file_bytes(input);
        const auto target = targets.at(input.parent_path().filename().string());
        CHECK_NOTHROW(target(bytes.data(), bytes.size()));
    }
}
