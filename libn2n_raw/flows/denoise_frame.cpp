// SPDX-License-Identifier: MIT
#include "n2n_raw/flows/denoise_frame.hpp"

#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/dng/dng_writer.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/io/npy.hpp"
#include "n2n_raw/io/sidd.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <algorithm>
#include <chrono>

namespace n2n::flows {

double DenoisedFrame::megapixels() const { return static_cast<double>(denoised.height() * denoised.width()) / 1e6; }

DenoisedFrame denoise_frame(const infer::Model& model, const io::RawFrame& frame, const infer::TileOptions& tiles) {
    DenoisedFrame out;
    out.meta = frame.meta;
    out.noisy = frame.normalized(bayer::Clip::ZeroOne);
    const auto start = std::chrono::steady_clock::now();
    infer::TileOptions options = tiles;
    // A noise profile in the file's metadata (DNG, SIDD) beats a blind fit.
    out.noise_source = "given";
    if (!options.noise) {
        options.noise = noise::NoiseModel::from_dng_noise_profile(frame.meta.noise_profile);
        out.noise_source = options.noise ? "NoiseProfile" : "blind fit";
    }
    if (!model.noise_conditioned()) out.noise_source.clear();
    out.denoised = infer::denoise_mosaic(model, out.noisy.view(), frame.meta.phase, options);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

DnMosaic to_dn(ImageView<const float> normalized, const io::RawMetadata& meta) {
    DnMosaic out;
    out.meta = meta;
    out.meta.levels = bayer::dn_levels(meta.levels);
    out.mosaic = bayer::denormalize(normalized, out.meta.levels);
    return out;
}

pipeline::IspParams normalized_render_params(const io::RawMetadata& meta) {
    pipeline::IspParams isp = pipeline::params_from_metadata(meta);
    isp.levels = bayer::Levels::unit();
    return isp;
}

std::vector<std::filesystem::path> write_outputs(const std::filesystem::path& dir, const std::string& stem,
                                                 const DenoisedFrame& frame, const FrameOutputs& outputs) {
    std::vector<std::filesystem::path> written;
    const auto path = [&](const std::string& suffix) { return written.emplace_back(dir / (stem + suffix)); };
    const DnMosaic dn = outputs.png16 || outputs.dng ? to_dn(frame.denoised.view(), frame.meta) : DnMosaic{};
    if (outputs.png16) io::write_png_gray16(path(".png"), dn.mosaic.view());
    if (outputs.npy) {
        PlanarImage<float> planes(1, frame.denoised.height(), frame.denoised.width());
        std::copy(frame.denoised.pixels().begin(), frame.denoised.pixels().end(), planes.pixels().begin());
        io::write_npy(path(".npy"), planes);
    }
    if (outputs.mat) io::write_sidd_frame(path(".mat"), frame.denoised.view());
    if (outputs.dng) {
        dng::DngOptions options;
        options.noise_reduction_applied = 1.0;
        // The input's NoiseProfile describes the input: a denoised file claiming it would send
        // noise-aware tools (and our own readers) after noise that is gone.
        io::RawMetadata meta = dn.meta;
        meta.noise_profile.clear();
        dng::write_dng(path(".dng"), dn.mosaic.view(), meta, options);
    }
    if (outputs.render)
        io::save_rgb(path("_srgb.png"), pipeline::render(frame.denoised.view(), normalized_render_params(frame.meta)));
    return written;
}

}  // namespace n2n::flows
