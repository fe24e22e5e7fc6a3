// SPDX-License-Identifier: MIT
// `n2n reference FRAMES... -o DIR`: a clean reference from a burst of a static scene, as SIDD
// built its ground truth. Outputs (in DIR, atomically):
//   reference.png       16-bit grey mosaic in the frames' DN (same size and CFA phase)
//   reference.npy       float32 (1, H, W): the reference normalised to [0, 1] of white - black
//   variance.npy        float32 (1, H, W): per-pixel variance over the values averaged
//   reference.json      frames used and rejected (with the reason), shifts, residual noise sigma
#include "cli_common.hpp"
#include "commands.hpp"
#include "train_progress.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/flows/denoise_frame.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/npy.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/noise/burst_reference.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace n2n::cli {
namespace {

struct ReferenceCliOptions {
    std::vector<std::string> inputs;
    std::string out;
    noise::ReferenceOptions reference;
    MosaicInputOptions mosaic;
};

void write_plane_npy(const std::filesystem::path& path, const Image<float>& image) {
    PlanarImage<float> planes(1, image.height(), image.width());
    std::copy(image.pixels().begin(), image.pixels().end(), planes.pixels().begin());
    io::write_npy(path, planes);
}

void run_reference(const ReferenceCliOptions& o) {
    const io::ReadOptions read = read_options(o.mosaic);
    const auto files = input_files(o.inputs);
    if (files.size() < 2) throw ConfigError("", "inputs", fmt::format("a burst needs 2 or more frames, got {}", files.size()));
    std::vector<Image<float>> frames;
    std::vector<std::string> names;
    std::optional<io::RawFrame> first;
    for (const auto& file : files) {
        const io::RawFrame frame = read_same_capture(file, read, first);
        // Not clipped: the mean of the shadows stays unbiased.
        frames.push_back(frame.normalized(bayer::Clip::None));
        names.push_back(file.string());
        if (!quiet()) std::cerr << fmt::format("reference: read {} ({} of {})\n", file.string(), frames.size(), files.size());
    }
    std::vector<ImageView<const float>> views;
    for (const auto& f : frames) views.push_back(f.view());
    const noise::BurstReference ref = noise::build_reference(views, names, o.reference);

    const std::filesystem::path dir(o.out);
    std::filesystem::create_directories(dir);
    io::write_png_gray16(dir / "reference.png", flows::to_dn(ref.mean.view(), first->meta).mosaic.view());
    write_plane_npy(dir / "reference.npy", ref.mean);
    write_plane_npy(dir / "variance.npy", ref.variance);

    nlohmann::json report;
    report["frames_total"] = files.size();
    report["frames_used"] = ref.used;
    report["residual_sigma"] = ref.residual_sigma;
    report["search"] = o.reference.search;
    report["camera"] = first->meta.camera;
    if (first->meta.iso) report["iso"] = *first->meta.iso;
    report["phase"] = std::string(first->meta.phase.name());
    report["width"] = ref.mean.width();
    report["height"] = ref.mean.height();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : ref.frames) {
        nlohmann::json j = {{"file", f.name},
                            {"used", f.used},
                            {"shift_packed", {f.shift_rows, f.shift_cols}},
                            {"mad_to_median", f.mad_to_median}};
        if (!f.used) j["reason"] = f.reason;
        list.push_back(j);
        std::cout << fmt::format("{}: {}{}\n", f.name, f.used ? "used" : "REJECTED, ", f.reason);
    }
    report["frames"] = list;
    const std::string text = report.dump(2) + "\n";
    io::write_atomically(dir / "reference.json", [&](std::ostream& out) { out << text; });
    std::cout << fmt::format("{} of {} frames used; residual noise sigma {:.3e} (normalised) -> {}\n", ref.used,
                             files.size(), ref.residual_sigma, dir.string());
}

}  // namespace

void register_reference(CLI::App& app) {
    auto o = std::make_shared<ReferenceCliOptions>();
    auto* cmd = app.add_subcommand(
        "reference",
        "Build a clean reference from a burst of a static scene (tripod): optional integer alignment in the packed "
        "domain, frames that moved beyond the search or differ from the rest (outliers) rejected and reported, a "
        "sigma-clipped per-pixel mean and its variance map. Writes reference.png (16-bit mosaic in DN), "
        "reference.npy, variance.npy and reference.json.");
    cmd->add_option("inputs", o->inputs, "Burst frames (files or folders), same size, ISO, exposure and CFA phase")
        ->required();
    cmd->add_option("-o,--out", o->out, "Output folder")->required();
    cmd->add_option("--search", o->reference.search,
                    "Align each frame to the first by an integer shift within +-N packed pixels (0: no alignment)")
        ->check(CLI::Range(0, 64))
        ->capture_default_str();
    cmd->add_option("--outlier-factor", o->reference.outlier_factor,
                    "Reject a frame whose mean |difference| to the median frame is above this factor times the "
                    "burst's typical one")
        ->check(CLI::Range(1.0, 100.0))
        ->capture_default_str();
    cmd->add_option("--clip-sigmas", o->reference.clip_sigmas,
                    "Per pixel, leave out values this many standard deviations from the median")
        ->check(CLI::Range(1.0, 100.0))
        ->capture_default_str();
    add_mosaic_input_options(*cmd, o->mosaic);
    cmd->callback([o] { run_reference(*o); });
}

}  // namespace n2n::cli
