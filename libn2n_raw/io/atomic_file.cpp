// SPDX-License-Identifier: MIT
#include "n2n_raw/io/atomic_file.hpp"

#include "n2n_raw/error.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <unistd.h>

namespace n2n::io {

void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const std::filesystem::path&)>& write) {
    namespace fs = std::filesystem;
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::random_device rd;
    // Same folder as the target so that rename() is atomic (no cross-device move).
    const fs::path tmp = dir / fmt::format(".{}.tmp-{}-{:08x}", path.filename().string(), ::getpid(), rd());
    try {
        write(tmp);
        std::error_code ec;
        fs::rename(tmp, path, ec);
        if (ec)
            throw IoError(path.string(), "write", fmt::format("cannot rename the temporary file: {}", ec.message()));
    } catch (...) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw;
    }
}

void write_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write) {
    write_file_atomically(path, [&](const std::filesystem::path& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw IoError(tmp.string(), "write", fmt::format("cannot create: {}", std::strerror(errno)));
        write(out);
        out.flush();
        if (!out) throw IoError(tmp.string(), "write", "write failed (disk full?)");
    });
}

}  // namespace n2n::io
