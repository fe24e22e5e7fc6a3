// SPDX-License-Identifier: MIT
// Outputs appear atomically: written to a hidden temporary file in the target's folder, then
// renamed over the target, so that readers (and a crash) never leave a half-written file.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>

namespace n2n::io {

/// Writes `path` through a stream on a temporary file, then renames it over `path`. Throws
/// IoError (field "write") on failure; the temporary file is removed.
void write_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

/// Same, for writers that only take a file name (HDF5, matio): `write` gets the temporary path.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const std::filesystem::path&)>& write);

}  // namespace n2n::io
