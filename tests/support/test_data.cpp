// SPDX-License-Identifier: MIT
#include "support/test_data.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <random>

namespace n2n::test {

std::filesystem::path shared_dir() {
    if (const char* env = std::getenv("N2N_SHARED_DIR"); env && *env) return env;
    return N2N_SHARED_DIR;
}

namespace {
int skipped = 0;
}  // namespace

int skipped_inputs() { return skipped; }

std::optional<std::filesystem::path> shared_file(const std::string& relative) {
    const auto p = shared_dir() / "data" / relative;
    if (std::filesystem::exists(p)) return p;
    ++skipped;
    MESSAGE(fmt::format("SKIPPED: shared data file {} is absent (set N2N_SHARED_DIR)", p.string()));
    return std::nullopt;
}

std::optional<std::filesystem::path> system_file(const std::string& absolute, const std::string& package) {
    if (std::filesystem::exists(absolute)) return std::filesystem::path(absolute);
    FAIL_CHECK(fmt::format("{} is absent: install the declared dependency (apt-get install {})", absolute, package));
    return std::nullopt;
}

bool require_tool(const std::string& program, const std::string& package) {
    if (run(fmt::format("command -v {} > /dev/null", program)) == 0) return true;
    FAIL_CHECK(fmt::format("{} is absent: install the declared dependency (apt-get install {})", program, package));
    return false;
}

std::string python() {
    const std::string p = N2N_PYTHON;
    if (!p.empty() && std::filesystem::exists(p)) return p;
    return {};
}

int run(const std::string& command) {
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TempDir::TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / fmt::format("n2n_test_{:08x}{:08x}", rd(), rd());
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace n2n::test
