// SPDX-License-Identifier: MIT
#include "n2n_raw/noise/calibration.hpp"

#include "line_fit.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>

namespace n2n::noise {

namespace {

constexpr double kQuantisation = 1.0 / (65535.0 * 65535.0);
constexpr std::size_t kGroups = 16;
const std::array<const char*, 4> kChannelNames{"R", "Gr", "Gb", "B"};

// Median of the means of kGroups interleaved groups: as unbiased as the mean for the skewed
// (chi-square) distribution of sample variances, but one hot pixel or moving edge moves only
// its own group.
double median_of_means(const std::vector<double>& values) {
    if (values.empty()) return 0;
    const std::size_t groups = std::min(kGroups, values.size());
    std::vector<double> sums(groups, 0.0), counts(groups, 0.0);
    for (std::size_t i = 0; i < values.size(); ++i) sums[i % groups] += values[i], counts[i % groups] += 1;
    for (std::size_t g = 0; g < groups; ++g) sums[g] /= counts[g];
    auto middle = sums.begin() + static_cast<std::ptrdiff_t>(groups / 2);
    std::nth_element(sums.begin(), middle, sums.end());
    if (groups % 2 == 1) return *middle;
    const double upper = *middle;
    return 0.5 * (upper + *std::max_element(sums.begin(), middle));
}

bool in_channel(bayer::BayerPhase phase, std::ptrdiff_t r, std::ptrdiff_t c, int channel) {
    return channel < 0 || static_cast<int>(phase.channel_at(r, c)) == channel;
}

// Clipping at 0 and white hides variance: a point counts only when it sits clip_sigmas of its
// own noise inside the range.
bool clear_of_clipping(const VariancePoint& p, double clip_sigmas) {
    const double sd = std::sqrt(std::max(p.variance, 0.0));
    return p.variance > 0 && p.x - clip_sigmas * sd > 0 && p.x + clip_sigmas * sd < 1;
}

std::string channel_label(int channel) {
    return channel < 0 ? std::string("pooled") : std::string(kChannelNames[static_cast<std::size_t>(channel)]);
}

// One level of flats or darks in one channel (or all): mean intensity and noise variance.
VariancePoint level_point(const FlatLevel& level, bayer::BayerPhase phase, int channel) {
    std::vector<double> variances, means;
    if (level.frames.size() >= 2) {
        // Temporal variance per pixel: the sensor's fixed pattern and the flat's vignetting cancel.
        TemporalStats stats;
        for (const auto& f : level.frames) stats.add(f);
        for (std::ptrdiff_t r = 0; r < stats.height(); ++r)
            for (std::ptrdiff_t c = 0; c < stats.width(); ++c)
                if (in_channel(phase, r, c, channel)) {
                    const auto i = static_cast<std::size_t>(r * stats.width() + c);
                    means.push_back(stats.mean(i));
                    variances.push_back(stats.variance(i));
                }
        const double x = std::accumulate(means.begin(), means.end(), 0.0) / static_cast<double>(means.size());
        return {x, median_of_means(variances),
                static_cast<double>(variances.size()) * static_cast<double>(level.frames.size() - 1)};
    }
    const auto& f = level.frames.front();
    for (std::ptrdiff_t r = 0; r < f.height(); ++r)
        for (std::ptrdiff_t c = 0; c < f.width(); ++c)
            if (in_channel(phase, r, c, channel)) means.push_back(f(r, c));
    const double x = std::accumulate(means.begin(), means.end(), 0.0) / static_cast<double>(means.size());
    const double n = static_cast<double>(means.size());
    for (double v : means) variances.push_back((v - x) * (v - x) * n / (n - 1));
    return {x, median_of_means(variances), n - 1};
}

}  // namespace

void TemporalStats::add(ImageView<const float> frame) {
    if (n_ == 0) {
        height_ = frame.height();
        width_ = frame.width();
        mean_.assign(static_cast<std::size_t>(height_ * width_), 0.0);
        m2_.assign(mean_.size(), 0.0);
    } else if (frame.height() != height_ || frame.width() != width_) {
        throw ConfigError("", "size", fmt::format("frame is {}x{}, the first was {}x{}", frame.width(), frame.height(),
                                                  width_, height_));
    }
    ++n_;
    const double inv_n = 1.0 / static_cast<double>(n_);
    for (std::ptrdiff_t r = 0; r < height_; ++r) {
        const float* row = frame.row(r);
        double* mean = mean_.data() + r * width_;
        double* m2 = m2_.data() + r * width_;
        for (std::ptrdiff_t c = 0; c < width_; ++c) {
            const double v = row[c];
            const double delta = v - mean[c];
            mean[c] += delta * inv_n;
            m2[c] += delta * (v - mean[c]);
        }
    }
}

Image<float> TemporalStats::mean_image() const {
    Image<float> out(height_, width_);
    for (std::size_t i = 0; i < mean_.size(); ++i) out.pixels()[i] = static_cast<float>(mean_[i]);
    return out;
}

Image<float> TemporalStats::variance_image() const {
    Image<float> out(height_, width_);
    if (n_ < 2) return out;
    for (std::size_t i = 0; i < m2_.size(); ++i) out.pixels()[i] = static_cast<float>(variance(i));
    return out;
}

NoiseModel Calibration::model() const {
    NoiseModel m;
    for (std::size_t c = 0; c < 4; ++c) m.channels[c] = channels[c].level;
    return m;
}

LevelFit fit_noise_line(std::vector<VariancePoint> points, const std::string& what) {
    std::erase_if(points, [](const VariancePoint& p) { return !(p.variance > 0) || !(p.samples > 0); });
    if (points.size() < 2)
        throw ConfigError("", "intensity range",
                          fmt::format("{}: {} usable intensity level(s) clear of clipping, the fit needs 2 or more "
                                      "(a scene with a wider range of brightness, or fewer noise sigmas of "
                                      "clipping margin)",
                                      what, points.size()));
    LevelFit fit;
    // The variance of a variance estimate is 2·v² / samples: weight each point by its inverse,
    // first with the measured v, then with the fitted line's (which is not noisy itself).
    const auto solve = [&](const std::vector<VariancePoint>& pts, const NoiseLevel* guess) {
        detail::LineSums sums;
        for (const auto& p : pts) {
            const double v = guess != nullptr ? std::max(guess->variance(p.x), kQuantisation) : p.variance;
            sums.add(p.x, p.variance, p.samples / (2 * v * v));
        }
        return detail::solve_line(sums, &fit.clamped);
    };
    NoiseLevel level = solve(points, nullptr);
    for (int pass = 0; pass < 3; ++pass) level = solve(points, &level);
    // Leave out points far off the line (a bin full of moving pixels), judged against both the
    // spread of the residuals and each point's own statistical error.
    const auto relative = [&](const VariancePoint& p) {
        const double f = std::max(level.variance(p.x), kQuantisation);
        return (p.variance - f) / f;
    };
    std::vector<double> deviations;
    deviations.reserve(points.size());
    for (const auto& p : points) deviations.push_back(std::abs(relative(p)));
    auto middle = deviations.begin() + static_cast<std::ptrdiff_t>(deviations.size() / 2);
    std::nth_element(deviations.begin(), middle, deviations.end());
    const double spread = 1.4826 * *middle;
    std::vector<VariancePoint> kept;
    for (const auto& p : points)
        if (std::abs(relative(p)) <= 5 * std::max(spread, std::sqrt(2 / p.samples))) kept.push_back(p);
    if (kept.size() >= 2 && kept.size() < points.size()) {
        points = kept;
        for (int pass = 0; pass < 3; ++pass) level = solve(points, &level);
    }
    if (level.beta2 < kQuantisation) level.beta2 = kQuantisation, fit.clamped = true;
    fit.level = level;
    double sum = 0;
    for (const auto& p : points) sum += relative(p) * relative(p);
    fit.residual = std::sqrt(sum / static_cast<double>(points.size()));
    fit.points = static_cast<int>(points.size());
    return fit;
}

std::vector<VariancePoint> burst_points(const TemporalStats& stats, bayer::BayerPhase phase, int channel,
                                        const CalibrationOptions& options) {
    struct Pixel {
        double mean, variance;
    };
    std::vector<Pixel> pixels;
    for (std::ptrdiff_t r = 0; r < stats.height(); ++r)
        for (std::ptrdiff_t c = 0; c < stats.width(); ++c)
            if (in_channel(phase, r, c, channel)) {
                const auto i = static_cast<std::size_t>(r * stats.width() + c);
                pixels.push_back({stats.mean(i), stats.variance(i)});
            }
    std::sort(pixels.begin(), pixels.end(), [](const Pixel& a, const Pixel& b) { return a.mean < b.mean; });
    // Equal-count bins follow where the scene has its values, and give every bin the same weight
    // of evidence.
    const std::size_t bins = static_cast<std::size_t>(std::max(options.bins, 2));
    const std::size_t per_bin = std::max<std::size_t>(pixels.size() / bins, 1);
    const double dof = static_cast<double>(stats.frames() - 1);
    std::vector<VariancePoint> points;
    std::vector<double> variances;
    for (std::size_t start = 0; start + per_bin <= pixels.size(); start += per_bin) {
        double x = 0;
        variances.clear();
        for (std::size_t i = start; i < start + per_bin; ++i) {
            x += pixels[i].mean;
            variances.push_back(pixels[i].variance);
        }
        const VariancePoint p{x / static_cast<double>(per_bin), median_of_means(variances),
                              static_cast<double>(per_bin) * dof};
        if (clear_of_clipping(p, options.clip_sigmas)) points.push_back(p);
    }
    return points;
}

Calibration calibrate_burst(const TemporalStats& stats, bayer::BayerPhase phase, const CalibrationOptions& options) {
    if (stats.frames() < 4)
        throw ConfigError("", "frames",
                          fmt::format("a burst needs at least 4 frames of the same scene, got {}", stats.frames()));
    Calibration cal;
    cal.frames = stats.frames();
    for (int c = 0; c < 4; ++c)
        cal.channels[static_cast<std::size_t>(c)] =
            fit_noise_line(burst_points(stats, phase, c, options), "burst, channel " + channel_label(c));
    cal.pooled = fit_noise_line(burst_points(stats, phase, -1, options), "burst, all channels");
    return cal;
}

Calibration calibrate_flat_dark(const std::vector<FlatLevel>& flats, const std::vector<FlatLevel>& darks,
                                bayer::BayerPhase phase, const CalibrationOptions& options) {
    if (darks.empty()) throw ConfigError("", "--dark", "give dark frames (lens capped, same ISO): they measure beta2");
    if (flats.empty()) throw ConfigError("", "--flat", "give flat-field frames at one or more levels: they measure beta1");
    Calibration cal;
    for (const auto& l : flats) cal.frames += l.frames.size();
    for (const auto& l : darks) cal.frames += l.frames.size();
    const auto fit_channel = [&](int channel) {
        // Read noise: the darks' variance, pooled over dark levels by their sample counts.
        double offset = 0, read = 0, samples = 0;
        for (const auto& d : darks) {
            const VariancePoint p = level_point(d, phase, channel);
            offset += p.x * p.samples;
            read += p.variance * p.samples;
            samples += p.samples;
        }
        offset /= samples;
        read /= samples;
        // Shot noise: the slope through the flats' excess variance over their signal above the
        // dark level, with the intercept fixed at the darks' variance.
        std::vector<VariancePoint> used;
        double sxy = 0, sxx = 0;
        for (const auto& f : flats) {
            VariancePoint p = level_point(f, phase, channel);
            p.x -= offset;
            if (!clear_of_clipping(p, options.clip_sigmas)) continue;
            const double w = p.samples / (2 * p.variance * p.variance);
            sxy += w * p.x * (p.variance - read);
            sxx += w * p.x * p.x;
            used.push_back(p);
        }
        if (used.empty())
            throw ConfigError(flats.front().name, "--flat",
                              fmt::format("channel {}: no flat level clear of clipping at 0 and white",
                                          channel_label(channel)));
        LevelFit fit;
        fit.level = {std::max(sxy / sxx, 0.0), std::max(read, kQuantisation)};
        fit.clamped = sxy < 0 || read < kQuantisation;
        double sum = 0;
        for (const auto& p : used) {
            const double r = (p.variance - fit.level.variance(p.x)) / fit.level.variance(p.x);
            sum += r * r;
        }
        fit.residual = std::sqrt(sum / static_cast<double>(used.size()));
        fit.points = static_cast<int>(used.size());
        return fit;
    };
    for (int c = 0; c < 4; ++c) cal.channels[static_cast<std::size_t>(c)] = fit_channel(c);
    cal.pooled = fit_channel(-1);
    return cal;
}

Calibration calibrate_single(ImageView<const float> mosaic, bayer::BayerPhase phase) {
    const NoiseModel m = estimate_noise_model(mosaic, phase);
    Calibration cal;
    cal.frames = 1;
    cal.pooled.level = m.channels[0];
    // The blind fit reports no residual of its own.
    cal.pooled.residual = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t c = 0; c < 4; ++c) cal.channels[c] = cal.pooled, cal.channels[c].level = m.channels[c];
    return cal;
}

namespace {

nlohmann::json fit_json(const LevelFit& f) {
    nlohmann::json j = {{"beta1", f.level.beta1}, {"beta2", f.level.beta2}, {"points", f.points}};
    // NaN (no residual known) is written as null.
    j["residual"] = std::isfinite(f.residual) ? nlohmann::json(f.residual) : nlohmann::json(nullptr);
    if (f.clamped) j["clamped"] = true;
    return j;
}

LevelFit fit_from_json(const nlohmann::json& j, const std::string& file, const std::string& where) {
    LevelFit f;
    for (const char* key : {"beta1", "beta2"}) {
        if (!j.contains(key) || !j[key].is_number())
            throw FormatError(file, fmt::format("{}.{}", where, key), "missing or not a number");
    }
    f.level = {j["beta1"].get<double>(), j["beta2"].get<double>()};
    try {
        NoiseModel::uniform(f.level).validate();
    } catch (const ConfigError& e) {
        throw FormatError(file, fmt::format("{}.{}", where, e.field()), e.detail());
    }
    if (j.contains("residual") && j["residual"].is_number()) f.residual = j["residual"].get<double>();
    if (j.contains("points") && j["points"].is_number_integer()) f.points = j["points"].get<int>();
    f.clamped = j.value("clamped", false);
    return f;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

}  // namespace

std::string calibration_json(const std::vector<CalibrationEntry>& entries) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : entries) {
        nlohmann::json j = fit_json(e.fit.pooled);
        j["camera"] = e.camera;
        j["iso"] = e.iso;
        j["method"] = e.method;
        j["frames"] = e.fit.frames;
        j["files"] = e.files;
        nlohmann::json channels;
        for (std::size_t c = 0; c < 4; ++c) channels[kChannelNames[c]] = fit_json(e.fit.channels[c]);
        j["channels"] = channels;
        list.push_back(j);
    }
    const nlohmann::json doc = {{"format", "n2n-noise-calibration"},
                                {"version", 1},
                                {"model", "variance = beta1 * x + beta2, x in [0, 1] of white - black"},
                                {"entries", list}};
    return doc.dump(2) + "\n";
}

std::vector<CalibrationEntry> read_calibration(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string(), "read", "cannot open the calibration file");
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path.string(), "JSON", e.what());
    }
    if (!doc.is_object() || doc.value("format", std::string()) != "n2n-noise-calibration")
        throw FormatError(path.string(), "format", "not an n2n noise calibration (\"format\": \"n2n-noise-calibration\")");
    if (!doc.contains("entries") || !doc["entries"].is_array() || doc["entries"].empty())
        throw FormatError(path.string(), "entries", "missing, not a list, or empty");
    std::vector<CalibrationEntry> entries;
    for (std::size_t i = 0; i < doc["entries"].size(); ++i) {
        const auto& j = doc["entries"][i];
        const std::string where = fmt::format("entries[{}]", i);
        if (!j.is_object()) throw FormatError(path.string(), where, "not an object");
        CalibrationEntry e;
        e.fit.pooled = fit_from_json(j, path.string(), where);
        if (j.contains("camera") && !j["camera"].is_string()) throw FormatError(path.string(), where + ".camera", "not a string");
        if (j.contains("iso") && !j["iso"].is_number()) throw FormatError(path.string(), where + ".iso", "not a number");
        e.camera = j.value("camera", std::string());
        e.iso = static_cast<int>(std::lround(j.value("iso", 0.0)));
        e.method = j.value("method", std::string());
        e.fit.frames = j.value("frames", std::size_t{0});
        if (j.contains("files") && j["files"].is_array())
            for (const auto& f : j["files"])
                if (f.is_string()) e.files.push_back(f.get<std::string>());
        for (std::size_t c = 0; c < 4; ++c) {
            const char* name = kChannelNames[c];
            // Without per-channel values every channel takes the pooled level.
            e.fit.channels[c] = j.contains("channels") && j["channels"].contains(name)
                                    ? fit_from_json(j["channels"][name], path.string(), where + ".channels." + name)
                                    : e.fit.pooled;
        }
        entries.push_back(std::move(e));
    }
    return entries;
}

const CalibrationEntry& find_calibration(const std::vector<CalibrationEntry>& entries, std::string_view camera,
                                         int iso, const std::string& file, const std::string& field) {
    for (const auto& e : entries)
        if (lower(e.camera) == lower(camera) && e.iso == iso) return e;
    if (entries.size() == 1) return entries.front();
    std::string known;
    for (const auto& e : entries) known += fmt::format("{}\"{}\" ISO {}", known.empty() ? "" : ", ", e.camera, e.iso);
    throw ConfigError(file, field,
                      fmt::format("no entry for \"{}\" ISO {} (the file has {})", camera, iso, known));
}

}  // namespace n2n::noise
