// SPDX-License-Identifier: MIT
// Locating real data files and tools for tests. The policy: shared data (../shared) is optional,
// so a missing file makes the case skip, counted, and the test executable then reports itself
// skipped to ctest (SKIP_REGULAR_EXPRESSION "N2N_SKIPPED", printed by support/doctest_main.cpp
// only when nothing failed). Tools and Debian sample files are declared dependencies
// (scripts/debian-packages.txt): their absence, or a fixture writer that fails, is a failure.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace n2n::test {

/// The shared data folder: $N2N_SHARED_DIR if set, else the ../shared beside the checkout.
std::filesystem::path shared_dir();

/// `relative` under shared_dir()/data, or nullopt (a counted skip, with a MESSAGE) when absent.
std::optional<std::filesystem::path> shared_file(const std::string& relative);

/// An absolute path when the file exists (a Debian sample), else nullopt and a failed check
/// naming the package.
std::optional<std::filesystem::path> system_file(const std::string& absolute, const std::string& package);

/// True when `program` is on the PATH; otherwise a failed check naming the Debian package.
bool require_tool(const std::string& program, const std::string& package);

/// How many cases skipped for absent shared data in this process.
int skipped_inputs();

/// Debian's /usr/bin/python3 (with h5py, scipy, skimage), or empty when missing.
std::string python();

/// Runs a shell command; returns its exit code. stdout/stderr go to the test log.
int run(const std::string& command);

/// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace n2n::test
