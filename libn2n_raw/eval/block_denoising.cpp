// SPDX-License-Identifier: MIT
#include "n2n_raw/eval/block_denoising.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace n2n::eval {

DenoisedBlocks denoise_blocks(const infer::Model& model, const io::SiddBlocks& noisy,
                              const std::vector<bayer::BayerPhase>& phases, const infer::TileOptions& options,
                              const BlockProgress& progress) {
    if (phases.size() != static_cast<std::size_t>(noisy.images))
        throw ConfigError("", "phases", fmt::format("{} phases for {} images", phases.size(), noisy.images));
    const auto start = std::chrono::steady_clock::now();
    DenoisedBlocks out{noisy, 0.0};
    const std::ptrdiff_t block_size = noisy.height * noisy.width;
    const bool even = noisy.height % 2 == 0 && noisy.width % 2 == 0;
    for (std::ptrdiff_t i = 0; i < noisy.images; ++i) {
        const auto phase = phases[static_cast<std::size_t>(i)];
        // Batched packing reorders planes by colour; other phases go through denoise_mosaic's
        // Bayer unification by shift, as the networks were trained (1.4 dB better off RGGB).
        if (even && phase == bayer::BayerPhase::RGGB && options.ensemble == 1) {
            std::vector<torch::Tensor> packed;
            packed.reserve(static_cast<std::size_t>(noisy.blocks));
            for (std::ptrdiff_t b = 0; b < noisy.blocks; ++b) packed.push_back(pack_to_tensor(noisy.block(i, b), phase));
            const torch::Tensor result = infer::denoise_packed(model, torch::stack(packed), options).to(torch::kCPU);
            for (std::ptrdiff_t b = 0; b < noisy.blocks; ++b) {
                const Image<float> mosaic = unpack_from_tensor(result[b], phase);
                std::copy_n(mosaic.data(), block_size, out.blocks.block(i, b).data());
            }
        } else {
            for (std::ptrdiff_t b = 0; b < noisy.blocks; ++b) {
                const Image<float> mosaic = infer::denoise_mosaic(model, noisy.block(i, b), phase, options);
                std::copy_n(mosaic.data(), block_size, out.blocks.block(i, b).data());
            }
        }
        if (progress) progress(i + 1, noisy.images);
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace n2n::eval
