// SPDX-License-Identifier: MIT
#include "n2n_raw/eval/risk_estimate.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <torch/torch.h>

namespace n2n::eval {

namespace {

torch::Tensor normal_cdf(const torch::Tensor& t) { return 0.5 * torch::erfc(-t / std::sqrt(2.0)); }
torch::Tensor normal_pdf(const torch::Tensor& t) { return torch::exp(-0.5 * t.square()) / std::sqrt(2 * M_PI); }

// The pilot's window: 3 × 3 values of one plane. Measured on tests/test_risk_estimate.cpp: the
// method's own estimate rewards lifted blacks (1.1 dB too good), 7 × 7 and 5 × 5 windows blur
// texture into the weights (GAT + NLM 0.7–0.8 dB too good), 3 × 3 stays within 0.45 dB.
constexpr std::int64_t kPilotRadius = 1;

// E[clip(x + s·n, low, high)] for n ~ N(0, 1), s² = beta1·x + beta2 (element-wise).
torch::Tensor clipped_mean(const torch::Tensor& x, const torch::Tensor& beta1, const torch::Tensor& beta2,
                           const RiskOptions& options) {
    const torch::Tensor s = (beta1 * x + beta2).clamp_min(1e-24).sqrt();
    torch::Tensor lower_cdf = torch::zeros_like(x), lower_pdf = torch::zeros_like(x);
    torch::Tensor upper_cdf = torch::ones_like(x), upper_pdf = torch::zeros_like(x);
    torch::Tensor mean = torch::zeros_like(x);
    if (options.clip_low) {
        const torch::Tensor alpha = (*options.clip_low - x) / s;
        lower_cdf = normal_cdf(alpha);
        lower_pdf = normal_pdf(alpha);
        mean = mean + *options.clip_low * lower_cdf;
    }
    if (options.clip_high) {
        const torch::Tensor beta = (*options.clip_high - x) / s;
        upper_cdf = normal_cdf(beta);
        upper_pdf = normal_pdf(beta);
        mean = mean + *options.clip_high * (1 - upper_cdf);
    }
    return mean + x * (upper_cdf - lower_cdf) + s * (lower_pdf - upper_pdf);
}

// A method-independent estimate of the clean signal, for the noise variances: the local mean of
// each plane and, near a clip limit, the signal whose clipped mean that is (bisection: the
// clipped mean rises with the signal; the variance taken as affine in the signal, as an NLF is).
torch::Tensor pilot_signal(const torch::Tensor& y, const VarianceMap& variance, const RiskOptions& options) {
    const auto h = y.size(-2), w = y.size(-1);
    const std::int64_t side = 2 * kPilotRadius + 1;
    const torch::Tensor planes = y.reshape({-1, 1, h, w});
    const torch::Tensor local = torch::nn::functional::avg_pool2d(
        planes, torch::nn::functional::AvgPool2dFuncOptions(side).stride(1).padding(kPilotRadius).count_include_pad(false));
    torch::Tensor mean = local.reshape(y.sizes()).contiguous();
    if (!options.clip_low && !options.clip_high) return mean;
    // Only values within a few sigmas of a limit are biased by it (beyond 8, by less than 1e-15).
    const torch::Tensor sd = variance(mean).clamp_min(0).sqrt();
    torch::Tensor near = torch::zeros_like(mean, torch::kBool);
    if (options.clip_low) near = near | (mean - *options.clip_low < 8 * sd);
    if (options.clip_high) near = near | (*options.clip_high - mean < 8 * sd);
    if (!near.any().item<bool>()) return mean;
    // The bisection runs on those values alone, with the variance's affine coefficients there
    // (the noise level function's beta1, beta2).
    const torch::Tensor target = mean.masked_select(near);
    const torch::Tensor beta2 = variance(torch::zeros_like(mean)).masked_select(near);
    const torch::Tensor beta1 = variance(torch::ones_like(mean)).masked_select(near) - beta2;
    torch::Tensor lo = torch::full_like(target, options.clip_low.value_or(target.min().item<double>() - 1));
    torch::Tensor hi = torch::full_like(target, options.clip_high.value_or(target.max().item<double>() + 1));
    for (int i = 0; i < 32; ++i) {  // 2^-32 of the bracket: below float32's resolution of 1
        const torch::Tensor mid = 0.5 * (lo + hi);
        const torch::Tensor below = clipped_mean(mid, beta1, beta2, options) < target;
        lo = torch::where(below, mid, lo);
        hi = torch::where(below, hi, mid);
    }
    return mean.masked_scatter(near, 0.5 * (lo + hi));
}

}  // namespace

RiskEstimate estimate_risk(const TensorDenoiser& denoise, const torch::Tensor& noisy, const VarianceMap& variance,
                           const RiskOptions& options) {
    if (!(options.step > 0) || !std::isfinite(options.step))
        throw ConfigError("", "step", fmt::format("the probe step must be positive, got {}", options.step));
    torch::NoGradGuard no_grad;
    const torch::Tensor y = noisy.to(torch::kFloat32).contiguous();
    const torch::Tensor f = denoise(y);
    if (f.sizes() != y.sizes())
        throw ConfigError("", "size",
                          fmt::format("the denoiser returned shape {} for an input of shape {}",
                                      fmt::join(f.sizes(), "×"), fmt::join(y.sizes(), "×")));
    // The probe is drawn on the CPU from its own generator: the same on every device and call.
    auto generator = at::detail::createCPUGenerator(options.seed);
    const torch::Tensor probe = torch::randn(y.sizes(), generator, torch::kFloat32).to(y.device());
    const torch::Tensor y64 = y.to(torch::kFloat64), f64 = f.to(torch::kFloat64);
    // Weights and step from the variance at a pilot of the clean signal that every method shares:
    // taken at the method's own estimate, a method that lifts photon-limited shadows (beta2 ≪
    // beta1·x) would raise its own noise weights there and be scored better for it.
    const torch::Tensor pilot = pilot_signal(y64, variance, options);
    const torch::Tensor weight = variance(pilot).clamp_min(0);
    const torch::Tensor eps =
        (options.step * weight.sqrt()).clamp_min(1e-7).to(torch::kFloat32);  // float32 resolves ~1e-7 of 1
    const torch::Tensor f_probe = denoise(y + eps * probe);
    const torch::Tensor slope = probe.to(torch::kFloat64) * (f_probe.to(torch::kFloat64) - f64) / eps.to(torch::kFloat64);

    torch::Tensor noise_term, moving = torch::ones_like(y64);
    if (!options.clip_low && !options.clip_high) {
        noise_term = variance(y64);  // unbiased: linear in y
    } else {
        // E[(y − x)²] for y = clip(x + s·n): s²·E[clip(n, −a, b)²] with a, b the distances of the
        // pilot to the limits in sigmas; ∫ n²φ = Φ(n) − nφ(n) gives the part between them.
        constexpr double kFar = 1e6;  // sigmas: a side without a limit
        const torch::Tensor sd = weight.sqrt().clamp_min(1e-12);
        const torch::Tensor a = options.clip_low ? ((pilot - *options.clip_low) / sd).clamp(0, kFar) : torch::full_like(f64, kFar);
        const torch::Tensor b = options.clip_high ? ((*options.clip_high - pilot) / sd).clamp(0, kFar) : torch::full_like(f64, kFar);
        const auto tail = [](const torch::Tensor& t) {  // t²·Φ(−t) − t·φ(t), finite for any t
            return torch::where(t < 40, t.square() * normal_cdf(-t) - t * normal_pdf(t), torch::zeros_like(t));
        };
        noise_term = weight * (normal_cdf(b) - normal_cdf(-a) + tail(a) + tail(b));
        if (options.clip_low) moving = moving * (y64 > *options.clip_low).to(torch::kFloat64);
        if (options.clip_high) moving = moving * (y64 < *options.clip_high).to(torch::kFloat64);
    }

    const std::int64_t m = options.border;
    if (m < 0 || 2 * m >= y.size(-1) || 2 * m >= y.size(-2))
        throw ConfigError("", "border", fmt::format("border {} leaves nothing of a {}×{} input", m, y.size(-2), y.size(-1)));
    const auto inner = [m](const torch::Tensor& t) {
        return t.narrow(-2, m, t.size(-2) - 2 * m).narrow(-1, m, t.size(-1) - 2 * m).mean().item<double>();
    };
    RiskEstimate r;
    r.residual = inner((f64 - y64).square());
    r.noise_variance = inner(noise_term.expand_as(y64));
    r.divergence = inner(weight * slope * moving);
    r.mse = r.residual - r.noise_variance + 2 * r.divergence;
    r.psnr_db = r.mse > 0 ? -10 * std::log10(r.mse) : std::numeric_limits<double>::infinity();
    return r;
}

VarianceMap packed_variance(const noise::NoiseModel& model) {
    model.validate();
    std::array<double, 4> beta1{}, beta2{};
    for (std::size_t c = 0; c < 4; ++c) {
        beta1[c] = model.channels[c].beta1;
        beta2[c] = model.channels[c].beta2;
    }
    return [beta1, beta2](const torch::Tensor& x) {
        if (x.dim() < 3 || x.size(-3) != 4)
            throw ConfigError("", "size", "a packed variance map needs … × 4 × H × W tensors");
        const auto opts = torch::TensorOptions().dtype(x.scalar_type()).device(x.device());
        const auto b1 = torch::tensor(std::vector<double>(beta1.begin(), beta1.end()), opts).view({4, 1, 1});
        const auto b2 = torch::tensor(std::vector<double>(beta2.begin(), beta2.end()), opts).view({4, 1, 1});
        // Not clamped at 0: beta1·y + beta2 is an unbiased estimate of var only when it is linear in y.
        return b1 * x + b2;
    };
}

RiskEstimate estimate_risk(const MosaicDenoiser& denoise, ImageView<const float> noisy, bayer::BayerPhase phase,
                           const noise::NoiseModel& model, const RiskOptions& options) {
    const TensorDenoiser packed_denoise = [&](const torch::Tensor& packed) {
        const Image<float> mosaic = unpack_from_tensor(packed, phase);
        const Image<float> estimate = denoise(mosaic.view());
        if (estimate.height() != mosaic.height() || estimate.width() != mosaic.width())
            throw ConfigError("", "size",
                              fmt::format("the denoiser returned {}×{} for a {}×{} mosaic", estimate.height(),
                                          estimate.width(), mosaic.height(), mosaic.width()));
        return pack_to_tensor(estimate.view(), phase);
    };
    return estimate_risk(packed_denoise, pack_to_tensor(noisy, phase), packed_variance(model), options);
}

}  // namespace n2n::eval
