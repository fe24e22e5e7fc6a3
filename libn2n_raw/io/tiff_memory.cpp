// SPDX-License-Identifier: MIT
#include "n2n_raw/io/tiff_memory.hpp"

#include "n2n_raw/error.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace n2n::io::detail {
namespace {

using Buffer = MemoryTiff::Buffer;

tmsize_t on_read(thandle_t h, void* dst, tmsize_t n) {
    auto* b = static_cast<Buffer*>(h);
    const auto available = b->position < b->data.size() ? b->data.size() - b->position : 0;
    const auto count = std::min<std::uint64_t>(available, static_cast<std::uint64_t>(n));
    if (count) std::memcpy(dst, b->data.data() + b->position, count);
    b->position += count;
    return static_cast<tmsize_t>(count);
}
tmsize_t on_write(thandle_t h, void* src, tmsize_t n) {
    auto* b = static_cast<Buffer*>(h);
    const auto end = b->position + static_cast<std::uint64_t>(n);
    if (end > b->data.size()) b->data.resize(end);
    std::memcpy(b->data.data() + b->position, src, static_cast<std::size_t>(n));
    b->position = end;
    return n;
}
toff_t on_seek(thandle_t h, toff_t offset, int whence) {
    auto* b = static_cast<Buffer*>(h);
    switch (whence) {
        case SEEK_SET: b->position = offset; break;
        case SEEK_CUR: b->position += offset; break;
        case SEEK_END: b->position = b->data.size() + offset; break;
        default: return static_cast<toff_t>(-1);
    }
    return b->position;
}
int on_close(thandle_t) { return 0; }
toff_t on_size(thandle_t h) { return static_cast<Buffer*>(h)->data.size(); }
int on_map(thandle_t, void**, toff_t*) { return 0; }  // no mapping: libtiff falls back to reads
void on_unmap(thandle_t, void*, toff_t) {}

int on_error(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
    char text[512];
    std::vsnprintf(text, sizeof text, fmt, ap);
    static_cast<Buffer*>(user)->error = module ? std::string(module) + ": " + text : text;
    return 1;  // handled: nothing on stderr
}
int on_warning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

}  // namespace

MemoryTiff::MemoryTiff(const std::string& name) : name_(name) {
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(options, on_error, &buffer_);
    TIFFOpenOptionsSetWarningHandlerExtR(options, on_warning, &buffer_);
    // "w": classic little-endian TIFF (DNG readers expect it, files stay below 4 GiB).
    tiff_ = TIFFClientOpenExt(name.c_str(), "wl", &buffer_, on_read, on_write, on_seek, on_close, on_size, on_map,
                              on_unmap, options);
    TIFFOpenOptionsFree(options);
    if (!tiff_) throw IoError(name_, "tiff", buffer_.error.empty() ? "libtiff could not open a handle" : buffer_.error);
}

MemoryTiff::~MemoryTiff() {
    if (tiff_) TIFFClose(tiff_);
}

void MemoryTiff::check(bool ok, const std::string& field) const {
    if (!ok) throw IoError(name_, field, buffer_.error.empty() ? "libtiff rejected the value" : buffer_.error);
}

std::vector<std::uint8_t> MemoryTiff::finish() {
    check(TIFFFlush(tiff_) == 1, "flush");
    TIFFClose(tiff_);
    tiff_ = nullptr;
    return std::move(buffer_.data);
}

}  // namespace n2n::io::detail
