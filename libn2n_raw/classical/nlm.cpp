// SPDX-License-Identifier: MIT
#include "n2n_raw/classical/nlm.hpp"

#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/anscombe.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <span>
#include <mutex>
#include <thread>
#include <vector>

namespace n2n::classical {

namespace {

// Mirror index into [0, n) about the edge pixels (… 2 1 0 1 2 …).
std::ptrdiff_t mirror(std::ptrdiff_t i, std::ptrdiff_t n) {
    if (n == 1) return 0;
    const std::ptrdiff_t period = 2 * (n - 1);
    i %= period;
    if (i < 0) i += period;
    return i < n ? i : period - i;
}

// exp(−t) for t in [0, kLutRange] by linear interpolation; 0 beyond (weights below 3e-7).
constexpr int kLutSize = 4096;
constexpr float kLutRange = 15.F;

struct ExpTable {
    std::vector<float> values;
    ExpTable() : values(kLutSize + 2) {
        for (int k = 0; k <= kLutSize; ++k)
            values[static_cast<std::size_t>(k)] = std::exp(-kLutRange * static_cast<float>(k) / kLutSize);
        values[kLutSize + 1] = 0.F;
    }
    float operator()(float t) const {
        const float x = std::min(t, kLutRange) * (kLutSize / kLutRange);
        const auto i = static_cast<std::size_t>(x);
        const float f = x - static_cast<float>(i);
        return i >= kLutSize ? 0.F : values[i] + f * (values[i + 1] - values[i]);
    }
};

// Runs body(strip) for strips 0..count-1 on up to `threads` threads; rethrows the first error.
template <class Body>
void for_each_strip(int count, int threads, const Body& body) {
    std::atomic<int> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto worker = [&] {
        for (int s = next++; s < count; s = next++) {
            try {
                body(s);
            } catch (...) {
                const std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

// kChannels > 0 fixes the plane count at compile time (the inner loops unroll); 0: any count.
template <int kChannels>
PlanarImage<float> nlm_impl(const PlanarImage<float>& planes, double sigma, const NlmParams& p) {
    const std::ptrdiff_t channels = kChannels > 0 ? kChannels : planes.channels();
    const std::ptrdiff_t height = planes.height(), width = planes.width();
    const int S = p.search_radius, P = p.patch_radius;
    const std::ptrdiff_t pad = S + P;
    const std::ptrdiff_t padded_w = width + 2 * pad, padded_h = height + 2 * pad;

    // Mirrored copy, channels interleaved per row so one pass reads all planes of a pixel.
    std::vector<float> padded(static_cast<std::size_t>(padded_h * padded_w * channels));
    for (std::ptrdiff_t r = 0; r < padded_h; ++r)
        for (std::ptrdiff_t c = 0; c < padded_w; ++c)
            for (std::ptrdiff_t ch = 0; ch < channels; ++ch)
                padded[static_cast<std::size_t>((r * padded_w + c) * channels + ch)] =
                    planes.plane(ch)(mirror(r - pad, height), mirror(c - pad, width));
    const auto at = [&](std::ptrdiff_t r, std::ptrdiff_t c) {  // padded coordinates
        return padded.data() + (r * padded_w + c) * channels;
    };

    const ExpTable exp_table;
    const float variance = static_cast<float>(sigma * sigma);
    const float inv_h2 = static_cast<float>(1.0 / (p.h * p.h * sigma * sigma));
    const float inv_count = 1.F / static_cast<float>((2 * P + 1) * (2 * P + 1) * channels);

    PlanarImage<float> out(channels, height, width);
    constexpr std::ptrdiff_t kStripRows = 32;
    const int strips = static_cast<int>((height + kStripRows - 1) / kStripRows);
    const int threads = p.threads > 0 ? p.threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));

    for_each_strip(strips, threads, [&](int strip) {
        const std::ptrdiff_t r0 = strip * kStripRows, r1 = std::min(height, r0 + kStripRows);
        const std::ptrdiff_t rows = r1 - r0;
        const std::ptrdiff_t region_h = rows + 2 * P, region_w = width + 2 * P;
        std::vector<float> diff(static_cast<std::size_t>(region_h * region_w));
        std::vector<float> row_sum(static_cast<std::size_t>(region_h * width));
        std::vector<float> sum(static_cast<std::size_t>(rows * width * channels), 0.F);
        std::vector<float> weight_sum(static_cast<std::size_t>(rows * width), 0.F);
        std::vector<float> weight_max(static_cast<std::size_t>(rows * width), 0.F);
        for (int dy = -S; dy <= S; ++dy)
            for (int dx = -S; dx <= S; ++dx) {
                if (dy == 0 && dx == 0) continue;
                // Squared differences over the strip plus the patch margin, summed over planes.
                for (std::ptrdiff_t i = 0; i < region_h; ++i) {
                    const std::ptrdiff_t pr = r0 + i - P + pad;
                    const float* a = at(pr, pad - P);
                    const float* b = at(pr + dy, pad - P + dx);
                    float* d = diff.data() + i * region_w;
                    for (std::ptrdiff_t j = 0; j < region_w; ++j) {
                        float acc = 0;
                        for (std::ptrdiff_t ch = 0; ch < channels; ++ch) {
                            const float e = a[j * channels + ch] - b[j * channels + ch];
                            acc += e * e;
                        }
                        d[j] = acc;
                    }
                }
                // Box sums: along rows, then down columns.
                for (std::ptrdiff_t i = 0; i < region_h; ++i) {
                    const float* d = diff.data() + i * region_w;
                    float* s = row_sum.data() + i * width;
                    for (std::ptrdiff_t j = 0; j < width; ++j) {
                        float acc = 0;
                        for (int k = 0; k <= 2 * P; ++k) acc += d[j + k];
                        s[j] = acc;
                    }
                }
                for (std::ptrdiff_t i = 0; i < rows; ++i) {
                    float* ws = weight_sum.data() + i * width;
                    float* wm = weight_max.data() + i * width;
                    float* acc_out = sum.data() + i * width * channels;
                    const float* b = at(r0 + i + pad + dy, pad + dx);
                    for (std::ptrdiff_t j = 0; j < width; ++j) {
                        float box = 0;
                        for (int k = 0; k <= 2 * P; ++k) box += row_sum[static_cast<std::size_t>((i + k) * width + j)];
                        const float dist = box * inv_count;
                        const float w = exp_table(std::max(dist - 2.F * variance, 0.F) * inv_h2);
                        ws[j] += w;
                        wm[j] = std::max(wm[j], w);
                        for (std::ptrdiff_t ch = 0; ch < channels; ++ch) acc_out[j * channels + ch] += w * b[j * channels + ch];
                    }
                }
            }
        for (std::ptrdiff_t i = 0; i < rows; ++i) {
            const float* centre = at(r0 + i + pad, pad);
            for (std::ptrdiff_t j = 0; j < width; ++j) {
                const auto k = static_cast<std::size_t>(i * width + j);
                // The centre pixel counts like its most similar neighbour (weight 1 if it has none).
                const float wc = weight_max[k] > 0 ? weight_max[k] : 1.F;
                const float total = weight_sum[k] + wc;
                for (std::ptrdiff_t ch = 0; ch < channels; ++ch)
                    out.plane(ch)(r0 + i, j) =
                        (sum[k * static_cast<std::size_t>(channels) + static_cast<std::size_t>(ch)] + wc * centre[j * channels + ch]) / total;
            }
        }
    });
    return out;
}

}  // namespace

PlanarImage<float> nlm(const PlanarImage<float>& planes, double sigma, const NlmParams& p) {
    if (p.search_radius < 0 || p.patch_radius < 0 || !(p.h > 0) || !(sigma > 0))
        throw ConfigError("", "nlm", "radii must be >= 0 and h, sigma > 0");
    if (planes.channels() < 1 || planes.height() < 1 || planes.width() < 1) throw ConfigError("", "nlm", "empty image");
    switch (planes.channels()) {
        case 1: return nlm_impl<1>(planes, sigma, p);
        case 4: return nlm_impl<4>(planes, sigma, p);
        default: return nlm_impl<0>(planes, sigma, p);
    }
}

Image<float> denoise_gat_nlm(ImageView<const float> noisy, bayer::BayerPhase phase, const noise::NoiseModel& model,
                             const NlmParams& params) {
    model.validate();
    PlanarImage<float> packed = bayer::pack(noisy, phase);
    // One transform per distinct level (building the inverse table is the costly part).
    std::vector<noise::Anscombe> transforms;
    std::vector<std::size_t> which(4);
    for (std::size_t ch = 0; ch < 4; ++ch) {
        const noise::NoiseLevel& l = model.channels[ch];
        std::size_t k = 0;
        while (k < transforms.size() &&
               !(transforms[k].level().beta1 == l.beta1 && transforms[k].level().beta2 == l.beta2))
            ++k;
        if (k == transforms.size()) transforms.emplace_back(l);
        which[ch] = k;
    }
    for (std::ptrdiff_t ch = 0; ch < 4; ++ch) {
        const noise::Anscombe& t = transforms[which[static_cast<std::size_t>(ch)]];
        for (float& v : std::span(packed.plane(ch).data(), static_cast<std::size_t>(packed.height() * packed.width())))
            v = static_cast<float>(t.forward(v));
    }
    PlanarImage<float> filtered = nlm(packed, 1.0, params);
    for (std::ptrdiff_t ch = 0; ch < 4; ++ch) {
        const noise::Anscombe& t = transforms[which[static_cast<std::size_t>(ch)]];
        for (float& v : std::span(filtered.plane(ch).data(), static_cast<std::size_t>(filtered.height() * filtered.width())))
            v = static_cast<float>(t.inverse(v));
    }
    return bayer::unpack(filtered, phase);
}

}  // namespace n2n::classical
