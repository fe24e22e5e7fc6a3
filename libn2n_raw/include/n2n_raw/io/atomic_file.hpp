// SPDX-License-Identifier: MIT
// The one way every n2n_raw writer puts a file on disk: the bytes go to a hidden temporary file
// in the target's folder, which is flushed to the disk (fsync), renamed over the target, and the
// folder is flushed too. A reader never sees a half-written file, a crash or power loss leaves
// either the old file or the complete new one, and a failed write leaves no temporary behind.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>

namespace n2n::io {

/// Writes `path` through a binary stream on a temporary file, then makes it durable and renames
/// it over `path`. An exception from `write` propagates unchanged; a failing stream, fsync or
/// rename throws IoError (field "write"). In every failure case the temporary file is removed
/// and an existing `path` is left as it was.
void write_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

/// Same, for libraries that only take a file name (HDF5, matio, LibTorch archives): `write`
/// creates and closes the temporary file whose path it is given.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const std::filesystem::path&)>& write);

}  // namespace n2n::io
