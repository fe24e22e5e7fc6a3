// SPDX-License-Identifier: MIT
// Deterministic seeds: every random decision of training (sample order, crop, flip, sub-sampler
// draw) comes from a seed derived from (run seed, epoch, index), so any thread can make it and
// a resumed run makes the same ones.
#pragma once

#include <cstdint>

namespace n2n::train {

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast and well mixed.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Integer in [0, n) (n > 0); the modulo bias is below n / 2^64, negligible for crop offsets.
    std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
    std::uint64_t state_;
};

/// A seed for the decision identified by (a, b, c) in the run seeded `seed`.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
    SplitMix64 m(seed);
    std::uint64_t h = m.next();
    for (const std::uint64_t v : {a, b, c}) h = SplitMix64(h ^ (v * 0xD6E8FEB86659FD93ULL)).next();
    return h;
}

}  // namespace n2n::train
