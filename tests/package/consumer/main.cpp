// SPDX-License-Identifier: MIT
// Uses the installed headers and libn2n_raw.a: packs a GRBG mosaic into a tensor and back.
#include <n2n_raw/bayer/pack.hpp>
#include <n2n_raw/error.hpp>
#include <n2n_raw/tensor/packed_tensor.hpp>

#include <cstdio>

int main() {
    n2n::Image<float> mosaic(4, 6);
    for (std::size_t k = 0; k < mosaic.pixels().size(); ++k) mosaic.pixels()[k] = static_cast<float>(k);
    const auto t = n2n::pack_to_tensor(mosaic.view(), n2n::bayer::BayerPhase::GRBG);
    const auto back = n2n::unpack_from_tensor(t, n2n::bayer::BayerPhase::GRBG);
    // The R of the first GRBG cell is pixel (0, 1) = 1.
    const bool ok = back.pixels() == mosaic.pixels() && t[0][0][0].item<float>() == 1.F;
    try {
        n2n::bayer::pack(n2n::Image<float>(3, 4).view(), n2n::bayer::BayerPhase::RGGB);
        return 1;  // an odd height must throw
    } catch (const n2n::ConfigError&) {
    }
    std::puts(ok ? "consumer: ok" : "consumer: MISMATCH");
    return ok ? 0 : 1;
}
