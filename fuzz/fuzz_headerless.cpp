// SPDX-License-Identifier: MIT
// libFuzzer target: headerless uint16 dumps with the caller's geometry, byte order and levels.
// The last 26 bytes of the input are the spec (flags, bits, black, white, width, height; missing
// bytes read as 0), the rest is the file, so a real dump as seed stays a real dump. With flag
// bit 0 the height fits the file exactly, so decoding is reached; otherwise the geometry is
// arbitrary, up to sizes whose byte count overflows 64 bits.
#include "fuzz_support.hpp"
#include "n2n_raw/io/headerless.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace {

template <class T>
T take(const std::uint8_t*& p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    p += sizeof value;
    return value;
}

}  // namespace

N2N_FUZZ_TARGET(headerless) {
    constexpr std::size_t kSpecBytes = 26;
    const std::size_t file_size = size > kSpecBytes ? size - kSpecBytes : 0;
    std::array<std::uint8_t, kSpecBytes> raw{};
    std::copy(data + file_size, data + size, raw.begin());
    const std::uint8_t* p = raw.data();

    n2n::io::HeaderlessSpec spec;
    const auto flags = take<std::uint8_t>(p);
    spec.endian = (flags & 2U) != 0 ? n2n::io::Endian::Big : n2n::io::Endian::Little;
    spec.mosaic.phase = n2n::bayer::kAllPhases[(flags >> 2U) & 3U];
    spec.mosaic.bits = take<std::uint8_t>(p) % 22 - 1;  // -1..20: both sides of the valid 1..16
    spec.mosaic.black = take<float>(p);
    const auto white = take<float>(p);
    if ((flags & 16U) != 0) spec.mosaic.white = white;
    const auto width = take<std::int64_t>(p), height = take<std::int64_t>(p);
    if ((flags & 1U) != 0) {
        spec.width = 1 + static_cast<std::ptrdiff_t>(static_cast<std::uint64_t>(width) % 1024);
        spec.height = static_cast<std::ptrdiff_t>(file_size / (2 * static_cast<std::size_t>(spec.width)));
    } else {
        spec.width = width;
        spec.height = height;
    }
    const auto& path = n2n::fuzz::write_input("input.raw", {data, file_size});
    // A frame that was read must also normalise: its levels came from the same spec.
    n2n::fuzz::accept_or_refuse([&] { (void)n2n::io::read_headerless(path, spec).normalized(); });
    return 0;
}
