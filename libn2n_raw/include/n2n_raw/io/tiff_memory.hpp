// SPDX-License-Identifier: MIT
// A libtiff handle writing into memory, with libtiff's errors captured per handle. Shared by
// the TIFF and DNG writers; not part of the public API (namespace detail).
#pragma once

#include <cstdint>
#include <string>
#include <tiffio.h>
#include <vector>

namespace n2n::io::detail {

/// Owns a TIFF* opened for writing into `bytes()`. Close with finish(); errors reported by libtiff
/// go to `error()` instead of stderr.
class MemoryTiff {
public:
    /// `name` labels libtiff's messages. Throws IoError when libtiff cannot open the handle.
    explicit MemoryTiff(const std::string& name);
    ~MemoryTiff();
    MemoryTiff(const MemoryTiff&) = delete;
    MemoryTiff& operator=(const MemoryTiff&) = delete;

    TIFF* get() const { return tiff_; }
    /// Flushes and closes the TIFF; returns the file bytes. Throws IoError with libtiff's message.
    std::vector<std::uint8_t> finish();
    /// Throws IoError(name, field, libtiff's last message) unless `ok`.
    void check(bool ok, const std::string& field) const;

    /// What the C callbacks of libtiff read and write.
    struct Buffer {
        std::vector<std::uint8_t> data;
        std::uint64_t position = 0;
        std::string error;  ///< libtiff's last message
    };

private:
    Buffer buffer_;
    std::string name_;
    TIFF* tiff_ = nullptr;
};

}  // namespace n2n::io::detail
