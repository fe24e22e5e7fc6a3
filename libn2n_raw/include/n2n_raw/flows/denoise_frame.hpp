// SPDX-License-Identifier: MIT
// Whole-frame denoising as the commands run it: normalise a frame read by io/, denoise it
// (tiled, infer/), and write the results back in the frame's own units (DN, DNG, renders).
#pragma once

#include "n2n_raw/image.hpp"
#include "n2n_raw/infer/denoise.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/io/raw_frame.hpp"
#include "n2n_raw/pipeline/isp.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace n2n::flows {

/// A frame and its denoised mosaic, both normalised to [0, 1] by the frame's levels.
struct DenoisedFrame {
    io::RawMetadata meta;   ///< the input's metadata (levels in the input's units)
    Image<float> noisy;     ///< the input normalised and clipped to [0, 1]
    Image<float> denoised;  ///< same size, CFA phase and range
    double seconds = 0;     ///< wall time of the denoising alone
    /// Where a noise-conditioned model's noise level function came from: "given" (tiles.noise:
    /// calibration or command line), "NoiseProfile" (the file's) or "blind fit"; empty for others.
    std::string noise_source;
    /// Mosaic samples in millions.
    double megapixels() const;
};

/// Normalises `frame` by its black/white levels (clipped to [0, 1]) and denoises it with
/// infer::denoise_mosaic. A noise-conditioned model gets `tiles.noise` when set, else the
/// file's NoiseProfile, else a blind fit of the frame (the README's order). Throws what the model and the tiler throw.
DenoisedFrame denoise_frame(const infer::Model& model, const io::RawFrame& frame, const infer::TileOptions& tiles = {});

/// A mosaic in 16-bit digital numbers and the metadata that describes it.
struct DnMosaic {
    Image<std::uint16_t> mosaic;
    io::RawMetadata meta;  ///< the input's, with the levels the DN are in
};

/// A normalised mosaic of the frame described by `meta` back in 16-bit DN: the input's DN for
/// sensor data, the full 16 bits for data that has none (unit levels: bayer::dn_levels).
DnMosaic to_dn(ImageView<const float> normalized, const io::RawMetadata& meta);

/// ISP parameters that render the frame's normalised mosaics as `n2n render` renders the file:
/// the metadata's colour and white balance, levels set to unit.
pipeline::IspParams normalized_render_params(const io::RawMetadata& meta);

/// Which files write_outputs writes for one denoised frame, each atomically in the output folder.
struct FrameOutputs {
    bool png16 = true;    ///< <stem>.png: 16-bit grey mosaic in DN (to_dn), same size and phase
    bool npy = true;      ///< <stem>.npy: float32 1 × H × W in [0, 1]
    bool mat = false;     ///< <stem>.mat: MAT v7.3 single matrix `x` in [0, 1], as SIDD's frames
    bool dng = false;     ///< <stem>.dng: Bayer DNG in DN (to_dn) with NoiseReductionApplied = 1, no NoiseProfile
    bool render = false;  ///< <stem>_srgb.png: 8-bit sRGB through normalized_render_params
};

/// Writes the denoised mosaic of `frame` as `outputs` asks, into `dir` (which must exist), and
/// returns the paths written in the order above. Throws the writers' IoError/ConfigError.
std::vector<std::filesystem::path> write_outputs(const std::filesystem::path& dir, const std::string& stem,
                                                 const DenoisedFrame& frame, const FrameOutputs& outputs);

}  // namespace n2n::flows
