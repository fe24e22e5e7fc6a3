// SPDX-License-Identifier: MIT
// `n2n calibrate`: measure a sensor's noise level function var = beta1*x + beta2 (normalised
// units) at one ISO from a burst of a static scene, flat-field + dark frames, or one frame, and
// write it to a calibration file (JSON keyed by camera and ISO) that --noise-json reads.
#include "cli_common.hpp"
#include "commands.hpp"
#include "train_progress.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/noise/calibration.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>

namespace n2n::cli {
namespace {

struct CalibrateOptions {
    std::vector<std::string> inputs, flats, darks;
    std::string out, method = "auto";
    bool merge = false;
    noise::CalibrationOptions fit;
    MosaicInputOptions mosaic;
};

void progress_line(const std::string& text) {
    if (!quiet()) std::cerr << text << '\n';
}

// Flat or dark frames grouped into levels by exposure time (frames without one stay alone).
std::vector<std::vector<Image<float>>> read_levels(const std::vector<std::filesystem::path>& files,
                                                   const io::ReadOptions& read, std::optional<io::RawFrame>& first,
                                                   std::vector<std::string>& names) {
    std::vector<std::vector<Image<float>>> levels;
    std::vector<std::optional<double>> exposures;
    for (const auto& file : files) {
        const io::RawFrame frame = read_same_capture(file, read, first, {.exposure = false});
        const auto& t = frame.meta.exposure_time_s;
        std::size_t k = 0;
        while (k < levels.size() && !(t && exposures[k] && std::abs(*t - *exposures[k]) <= 1e-3 * *t)) ++k;
        if (k == levels.size()) {
            levels.emplace_back();
            exposures.push_back(t);
            names.push_back(file.string());
        }
        // Not clipped at 0: the darks' negative half carries half their variance.
        levels[k].push_back(frame.normalized(bayer::Clip::None));
    }
    return levels;
}

std::vector<noise::FlatLevel> as_flat_levels(const std::vector<std::vector<Image<float>>>& levels,
                                             const std::vector<std::string>& names) {
    std::vector<noise::FlatLevel> out;
    for (std::size_t k = 0; k < levels.size(); ++k) {
        noise::FlatLevel l{names[k], {}};
        for (const auto& img : levels[k]) l.frames.push_back(img.view());
        out.push_back(std::move(l));
    }
    return out;
}

std::string fit_row(const std::string& name, const noise::LevelFit& f) {
    return fmt::format("{:<7} beta1 {:.4e}  beta2 {:.4e}  residual {:>7}  points {}{}\n", name, f.level.beta1,
                       f.level.beta2, std::isfinite(f.residual) ? fmt::format("{:.4f}", f.residual) : "-", f.points,
                       f.clamped ? "  (clamped at its floor)" : "");
}

void run_calibrate(const CalibrateOptions& o) {
    const io::ReadOptions read = read_options(o.mosaic);
    std::string method = o.method;
    if (method == "auto")
        method = !o.flats.empty() || !o.darks.empty() ? "flat-dark" : o.inputs.size() == 1 ? "single-frame" : "burst";
    if (method == "flat-dark" && !o.inputs.empty())
        throw ConfigError("", "inputs", "flat-dark calibration takes --flat and --dark files, not plain inputs");
    if (method != "flat-dark" && (!o.flats.empty() || !o.darks.empty()))
        throw ConfigError("", "--flat/--dark", fmt::format("--flat and --dark are for --method flat-dark, not {}", method));

    noise::CalibrationEntry entry;
    entry.method = method;
    std::optional<io::RawFrame> first;
    if (method == "flat-dark") {
        const auto flat_files = input_files(o.flats), dark_files = input_files(o.darks);
        std::vector<std::string> flat_names, dark_names;
        const auto flats = read_levels(flat_files, read, first, flat_names);
        const auto darks = read_levels(dark_files, read, first, dark_names);
        for (const auto& f : flat_files) entry.files.push_back(f.string());
        for (const auto& f : dark_files) entry.files.push_back(f.string());
        progress_line(fmt::format("flat-dark: {} flat level(s), {} dark level(s)", flats.size(), darks.size()));
        entry.fit = noise::calibrate_flat_dark(as_flat_levels(flats, flat_names), as_flat_levels(darks, dark_names),
                                               first->meta.phase, o.fit);
    } else {
        const auto files = input_files(o.inputs);
        if (files.empty()) throw ConfigError("", "inputs", "no input frames");
        if (method == "single-frame") {
            if (files.size() != 1)
                throw ConfigError("", "--method", fmt::format("single-frame takes one frame, got {}", files.size()));
            const io::RawFrame frame = read_same_capture(files.front(), read, first, {});
            entry.fit = noise::calibrate_single(frame.normalized(bayer::Clip::None).view(), frame.meta.phase);
        } else {
            noise::TemporalStats stats;
            for (const auto& file : files) {
                const io::RawFrame frame = read_same_capture(file, read, first, {});
                stats.add(frame.normalized(bayer::Clip::None).view());
                progress_line(fmt::format("burst: {} ({} of {})", file.string(), stats.frames(), files.size()));
            }
            entry.fit = noise::calibrate_burst(stats, first->meta.phase, o.fit);
        }
        for (const auto& f : files) entry.files.push_back(f.string());
    }
    entry.camera = first->meta.camera;
    entry.iso = first->meta.iso ? static_cast<int>(std::lround(*first->meta.iso)) : 0;

    std::vector<noise::CalibrationEntry> entries;
    if (o.merge && std::filesystem::exists(o.out)) {
        // One entry per camera and ISO: a new measurement replaces the old one.
        for (auto& e : noise::read_calibration(o.out))
            if (!(e.camera == entry.camera && e.iso == entry.iso)) entries.push_back(std::move(e));
    }
    entries.push_back(entry);
    const std::string text = noise::calibration_json(entries);
    io::write_atomically(o.out, [&](std::ostream& out) { out << text; });

    std::cout << fmt::format("{} ISO {}: {} from {} frame(s)\n", entry.camera.empty() ? "(camera not stated)" : entry.camera,
                             entry.iso, method, entry.fit.frames);
    std::cout << fit_row("pooled", entry.fit.pooled);
    const std::array<const char*, 4> names{"R", "Gr", "Gb", "B"};
    for (std::size_t c = 0; c < 4; ++c) std::cout << fit_row(names[c], entry.fit.channels[c]);
    std::cout << fmt::format("-> {}\n", o.out);
}

}  // namespace

void register_calibrate(CLI::App& app) {
    auto o = std::make_shared<CalibrateOptions>();
    auto* cmd = app.add_subcommand(
        "calibrate",
        "Measure the noise level function var = beta1*x + beta2 (x in [0, 1] of white - black) of a sensor at one "
        "ISO: from a burst of a static scene (per-pixel mean and variance over the frames, binned by intensity, "
        "weighted line fit), from flat-field and dark frames, or blindly from one frame. Writes a JSON calibration "
        "file keyed by camera and ISO (pooled and per CFA channel) that --noise-json reads.");
    cmd->add_option("inputs", o->inputs, "Burst frames (or folders of them), or one frame for single-frame");
    cmd->add_option("-o,--out", o->out, "Calibration file to write (JSON, atomically)")->required();
    cmd->add_option("--method", o->method,
                    "burst, flat-dark, single-frame, or auto (flat-dark with --flat/--dark, single-frame for one "
                    "input, else burst)")
        ->check(CLI::IsMember({"auto", "burst", "flat-dark", "single-frame"}))
        ->capture_default_str();
    cmd->add_option("--flat", o->flats, "Flat-field frames (files or folders; levels grouped by exposure time)");
    cmd->add_option("--dark", o->darks, "Dark frames at the same ISO (lens capped)");
    cmd->add_option("--bins", o->fit.bins, "Burst: intensity bins per channel")
        ->check(CLI::Range(4, 1024))
        ->capture_default_str();
    cmd->add_option("--clip-sigmas", o->fit.clip_sigmas,
                    "Leave out intensity bins within this many noise sigmas of 0 or white (clipping)")
        ->check(CLI::Range(0.0, 20.0))
        ->capture_default_str();
    cmd->add_flag("--merge", o->merge, "Keep the other cameras' and ISOs' entries of an existing --out file");
    add_mosaic_input_options(*cmd, o->mosaic);
    cmd->callback([o] { run_calibrate(*o); });
}

}  // namespace n2n::cli
