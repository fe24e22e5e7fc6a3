// SPDX-License-Identifier: MIT
#include "cli_common.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/calibration.hpp"
#include "n2n_raw/tensor/compute.hpp"
#include "n2n_raw/train/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

namespace n2n::cli {

void add_mosaic_input_options(CLI::App& cmd, MosaicInputOptions& o) {
    auto* group = cmd.add_option_group("headerless / PNG mosaics", "What such files do not say about themselves");
    group->add_option("--width", o.width, "Headerless dump: pixels per row")->check(CLI::PositiveNumber);
    group->add_option("--height", o.height, "Headerless dump: rows")->check(CLI::PositiveNumber);
    group->add_option("--phase", o.phase, "CFA phase of pixel (0, 0): RGGB, GRBG, GBRG or BGGR");
    group->add_option("--bits", o.bits, "Meaningful bits per sample")->check(CLI::Range(1, 16))->capture_default_str();
    group->add_option("--black", o.black, "Black level, DN")->check(CLI::Range(0.0, 65535.0))->capture_default_str();
    group->add_option("--white", o.white, "White level, DN (default 2^bits - 1)")->check(CLI::Range(1.0, 65535.0));
    group->add_flag("--big-endian", o.big_endian, "Headerless samples are big-endian");
}

io::ReadOptions read_options(const MosaicInputOptions& o) {
    io::ReadOptions r;
    io::MosaicSpec spec;
    if (!o.phase.empty()) {
        const auto phase = bayer::BayerPhase::parse(o.phase);
        if (!phase) throw ConfigError("", "--phase", fmt::format("\"{}\" is not RGGB, GRBG, GBRG or BGGR", o.phase));
        spec.phase = *phase;
    }
    spec.bits = o.bits;
    spec.black = o.black;
    if (o.white >= 0) spec.white = o.white;
    if (o.width > 0 || o.height > 0) {
        if (o.width <= 0 || o.height <= 0)
            throw ConfigError("", o.width <= 0 ? "--width" : "--height", "a headerless dump needs both --width and --height");
        // A dump cannot say its CFA phase, and a wrong guess swaps colours without a word.
        if (o.phase.empty()) throw ConfigError("", "--phase", "a headerless dump does not state its CFA phase: give it");
    }
    if (o.width > 0 || o.height > 0)
        r.headerless = io::HeaderlessSpec{o.width, o.height, o.big_endian ? io::Endian::Big : io::Endian::Little, spec};
    if (!o.phase.empty()) r.png = spec;
    return r;
}

std::vector<std::filesystem::path> input_files(const std::vector<std::string>& inputs, const std::string& list_file) {
    std::vector<std::filesystem::path> files;
    const auto add_folder = [&](const std::filesystem::path& dir, train::DatasetKind kind) {
        const auto found = train::FrameDataset::scan(kind, dir);
        for (std::size_t i = 0; i < found.size(); ++i) files.push_back(found.file(i));
    };
    for (const auto& in : inputs) {
        if (std::filesystem::is_directory(in)) {
            add_folder(in, train::DatasetKind::RawFolder);
        } else {
            if (!std::filesystem::exists(in)) throw IoError(in, "input", "no such file or folder");
            files.emplace_back(in);
        }
    }
    if (!list_file.empty()) add_folder(list_file, train::DatasetKind::ListFile);
    return files;
}

void require_distinct_stems(const std::vector<std::filesystem::path>& files,
                            const std::function<std::string(const std::filesystem::path&)>& stem) {
    std::map<std::string, std::filesystem::path> seen;
    for (const auto& f : files) {
        const auto [it, inserted] = seen.emplace(stem(f), f);
        if (!inserted)
            throw ConfigError(f.string(), "output name",
                              fmt::format("{} and {} would both be written as {}: denoise them into different "
                                          "folders (-o)",
                                          it->second.string(), f.string(), it->first));
    }
}

std::filesystem::path starting_model_path() {
    constexpr const char* kFile = "start_gat_unet16.pt";
    std::vector<std::filesystem::path> places;
    if (const char* dir = std::getenv("N2N_MODEL_DIR")) places.emplace_back(dir);
    places.emplace_back(N2N_SOURCE_MODEL_DIR);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) places.push_back(exe.parent_path().parent_path() / "share" / "n2n_raw" / "models");
    std::string searched;
    for (const auto& dir : places) {
        if (std::filesystem::exists(dir / kFile)) return dir / kFile;
        searched += (searched.empty() ? "" : ", ") + dir.string();
    }
    throw IoError(kFile, "starting model", fmt::format("not found in {} (set N2N_MODEL_DIR or pass --init)", searched));
}

io::RawFrame read_same_capture(const std::filesystem::path& file, const io::ReadOptions& read,
                               std::optional<io::RawFrame>& first, io::SameCapture what) {
    io::RawFrame frame = io::read_any(file, read);
    frame.meta.source = file.string();
    if (!first) {
        first = frame;
    } else {
        io::require_same_capture(*first, frame, what);
    }
    return frame;
}

void add_noise_level_options(CLI::App& cmd, NoiseLevelOptions& options, const std::string& purpose) {
    auto* group = cmd.add_option_group("Noise level", "Noise level functions var = beta1*x + beta2: " + purpose);
    group->add_option("--level", options.levels,
                      "SIDD phone:ISO noise level (e.g. N6:800; repeat for several; 'all': every table entry)");
    group->add_option("--nlf", options.nlf, "SIDD's cam_iso_nlf.txt (needed by --level)")->check(CLI::ExistingFile);
    group->add_option("--beta1", options.beta1, "Your own shot-noise gain (normalised units)");
    group->add_option("--beta2", options.beta2, "Your own read-noise variance (normalised units)");
    group->add_option("--noise-json", options.noise_json,
                      "Calibration file from `n2n calibrate` (the entry of the frame's camera and ISO, or its only "
                      "entry)")
        ->check(CLI::ExistingFile);
}

std::vector<std::pair<std::string, noise::NoiseModel>> noise_levels(const NoiseLevelOptions& options,
                                                                    const io::RawMetadata* frame) {
    std::vector<std::pair<std::string, noise::NoiseModel>> levels;
    if (!options.noise_json.empty()) {
        const auto entries = noise::read_calibration(options.noise_json);
        const auto label = [](const noise::CalibrationEntry& e) { return fmt::format("{}@{}", e.camera, e.iso); };
        if (frame != nullptr) {
            const int iso = frame->iso ? static_cast<int>(std::lround(*frame->iso)) : 0;
            const auto& e = noise::find_calibration(entries, frame->camera, iso, options.noise_json, "--noise-json");
            levels.emplace_back(label(e), e.fit.model());
        } else {
            for (const auto& e : entries) levels.emplace_back(label(e), e.fit.model());
        }
    }
    if (!options.levels.empty()) {
        if (options.nlf.empty()) throw ConfigError("", "--nlf", "--level needs SIDD's NLF table (--nlf cam_iso_nlf.txt)");
        const auto table = noise::read_nlf_table(options.nlf);
        for (const auto& text : options.levels) {
            if (text == "all") {
                for (const auto& entry : table)
                    levels.emplace_back(fmt::format("{}:{}", entry.phone, entry.iso), noise::NoiseModel::uniform(entry.level));
                continue;
            }
            const auto [phone, iso] = noise::parse_level_name(text);
            levels.emplace_back(fmt::format("{}:{}", phone, iso),
                                noise::NoiseModel::uniform(noise::find_nlf(table, phone, iso).level));
        }
    }
    if (options.beta1 >= 0 || options.beta2 >= 0) {
        const noise::NoiseModel m =
            noise::NoiseModel::uniform({std::max(0.0, options.beta1), std::max(0.0, options.beta2)});
        m.validate();
        levels.emplace_back(fmt::format("b1={:g},b2={:g}", m.channels[0].beta1, m.channels[0].beta2), m);
    }
    return levels;
}

void add_compute_options(CLI::App& cmd, ComputeOptions& options) {
    cmd.add_option("--device", options.device, "Compute device: cpu, cuda or cuda:N")->capture_default_str();
    cmd.add_option("--threads", options.threads, "CPU threads for LibTorch (0 = OMP_NUM_THREADS, else one per core)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
}

torch::Device apply_compute(const ComputeOptions& options) {
    set_threads(options.threads);
    return parse_device(options.device);
}

}  // namespace n2n::cli
