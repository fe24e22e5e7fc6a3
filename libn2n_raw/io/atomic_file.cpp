// SPDX-License-Identifier: MIT
#include "n2n_raw/io/atomic_file.hpp"

#include "n2n_raw/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <unistd.h>

namespace n2n::io {
namespace {

namespace fs = std::filesystem;

/// Closes a POSIX file descriptor on scope exit.
class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// Flushes a file's (or folder's) data and metadata to the disk. fsync acts on the inode, so a
// fresh descriptor flushes what the writer's own descriptor wrote.
void sync_to_disk(const fs::path& target, const fs::path& what, int flags) {
    const Descriptor fd(::open(what.c_str(), flags | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0)
        throw IoError(target.string(), "write", fmt::format("cannot flush {} to disk: {}", what.string(), std::strerror(errno)));
}

}  // namespace

void write_file_atomically(const fs::path& path, const std::function<void(const fs::path&)>& write) {
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    // Same folder as the target, so that rename() is atomic (no cross-device move); the pid and
    // a random word keep concurrent writers of the same target apart.
    const fs::path tmp = dir / fmt::format(".{}.tmp-{}-{:08x}", path.filename().string(), ::getpid(), std::random_device{}());
    try {
        write(tmp);
        sync_to_disk(path, tmp, O_RDONLY);
        std::error_code ec;
        fs::rename(tmp, path, ec);
        if (ec) throw IoError(path.string(), "write", fmt::format("cannot rename the temporary file: {}", ec.message()));
    } catch (...) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw;
    }
    // The rename itself is durable only once the folder's entry is on disk.
    sync_to_disk(path, dir, O_RDONLY | O_DIRECTORY);
}

void write_atomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
    write_file_atomically(path, [&](const fs::path& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw IoError(path.string(), "write", fmt::format("cannot create {}: {}", tmp.string(), std::strerror(errno)));
        write(out);
        out.close();
        if (!out) throw IoError(path.string(), "write", "write failed (disk full?)");
    });
}

}  // namespace n2n::io
