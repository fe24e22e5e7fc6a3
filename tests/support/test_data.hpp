// SPDX-License-Identifier: MIT
// Locating real data files for tests; a missing file makes the test *skip* with a message.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace n2n::test {

/// The shared data folder: $N2N_SHARED_DIR if set, else the ../shared beside the checkout.
std::filesystem::path shared_dir();

/// `relative` under shared_dir()/data, or nullopt (and a MESSAGE saying why) when absent.
std::optional<std::filesystem::path> shared_file(const std::string& relative);

/// An absolute path when the file exists (e.g. a Debian sample), else nullopt with a MESSAGE.
std::optional<std::filesystem::path> system_file(const std::string& absolute, const std::string& package);

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
