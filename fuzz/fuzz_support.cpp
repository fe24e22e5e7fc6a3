// SPDX-License-Identifier: MIT
#include "fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <unistd.h>

namespace n2n::fuzz {
namespace {

const std::filesystem::path& private_dir() {
    // One folder per process: libFuzzer's -jobs/-fork runs share $TMPDIR.
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("n2n_fuzz_" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(private_dir(), ec);
        });
        return d;
    }();
    return dir;
}

}  // namespace

std::map<std::string, Target>& registered_targets() {
    static std::map<std::string, Target> targets;
    return targets;
}

const std::filesystem::path& write_input(const std::string& relative, Bytes data, Bytes prefix) {
    // Paths are built once per name: the fuzz loop runs millions of times.
    static std::map<std::string, std::filesystem::path> paths;
    auto it = paths.find(relative);
    if (it == paths.end()) {
        const auto path = private_dir() / relative;
        std::filesystem::create_directories(path.parent_path());
        it = paths.emplace(relative, path).first;
    }
    // stdio, not iostreams: the cheapest whole-file write, checked so that a full $TMPDIR does
    // not pass for a parser that accepted an empty file.
    std::FILE* f = std::fopen(it->second.c_str(), "wb");
    if (f == nullptr) std::abort();
    const auto put = [f](Bytes bytes) {
        return bytes.size == 0 || std::fwrite(bytes.data, 1, bytes.size, f) == bytes.size;
    };
    const bool ok = put(prefix) && put(data);
    if (std::fclose(f) != 0 || !ok) std::abort();
    return it->second;
}

}  // namespace n2n::fuzz
