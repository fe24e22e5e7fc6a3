// SPDX-License-Identifier: MIT
// The heteroscedastic (Poisson-Gaussian) noise model of a raw sensor, normalised to [0, 1]:
// var(y | x) = beta1·x + beta2, per packed channel; SIDD's measured noise level functions; and
// seeded, deterministic noise synthesis that clips and quantises as a sensor does.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace n2n::noise {

/// One noise level function: variance = beta1·x + beta2 for a clean value x in [0, 1]
/// (beta1 = shot noise gain, beta2 = read noise variance, both in units of the white level).
struct NoiseLevel {
    double beta1 = 0;
    double beta2 = 0;
    /// Variance of the noisy value at clean value x (x below 0 counts as 0).
    double variance(double x) const { return beta1 * (x > 0 ? x : 0) + beta2; }
};

/// The noise of a whole mosaic: one level per packed channel R, Gr, Gb, B.
struct NoiseModel {
    std::array<NoiseLevel, 4> channels;
    /// The same level in all four channels.
    static NoiseModel uniform(NoiseLevel level) { return {{level, level, level, level}}; }
    /// From a DNG NoiseProfile (tag 51041: variance = S·x + O on normalised values, one (S, O)
    /// pair for all planes or one per CFA plane colour R, G, B; both greens get G's). Returns
    /// nothing for other counts or values the model cannot hold (negative, all zero).
    static std::optional<NoiseModel> from_dng_noise_profile(const std::vector<double>& pairs);
    /// Throws ConfigError (field "beta1"/"beta2") unless beta1 >= 0, beta2 >= 0, not both 0, finite.
    void validate() const;
};

/// One row of SIDD's NLF table: phone code (GP, IP, S6, N6, G4), ISO and its fit.
struct NlfEntry {
    std::string phone;
    int iso = 0;
    NoiseLevel level;
};

/// Reads SIDD's `cam_iso_nlf.txt` (CSV with header `cam_iso,beta1,beta2`, keys such as
/// `N6_00800`). Throws IoError when unreadable, FormatError naming the line when malformed.
std::vector<NlfEntry> read_nlf_table(const std::filesystem::path& path);

/// The entry for `phone` (case-insensitive) at `iso`. Throws ConfigError (field "level") naming
/// the levels the table has when there is none.
const NlfEntry& find_nlf(const std::vector<NlfEntry>& table, std::string_view phone, int iso);

/// "N6:800" (or "N6_00800") -> {"N6", 800}. Throws ConfigError (field "level") otherwise.
std::pair<std::string, int> parse_level_name(std::string_view text);

/// Adds noise of `model` to a clean mosaic in [0, 1] (phase of pixel (0, 0) = `phase`):
/// y = x + sqrt(beta1·x + beta2)·n with n standard normal, clipped to [0, 1] and quantised to
/// 16 bits (round(y·65535)/65535). Deterministic: pixel (r, c) draws from a counter-based
/// generator keyed by (seed, r, c), so the result does not depend on threads or platform.
Image<float> add_noise(ImageView<const float> clean, bayer::BayerPhase phase, const NoiseModel& model,
                       std::uint64_t seed);

/// A standard normal sample that depends only on (seed, index) (splitmix64 + Box-Muller).
double counter_normal(std::uint64_t seed, std::uint64_t index);

}  // namespace n2n::noise
