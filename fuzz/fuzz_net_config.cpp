// SPDX-License-Identifier: MIT
// libFuzzer target: the network description a checkpoint stores (model::NetConfig::from_json),
// then the network it asks for, as load_checkpoint builds it before reading any weight. Inside a
// checkpoint the JSON is covered by the archive's CRCs, which mutations rarely get past; here
// the fuzzer reaches it directly.
#include "fuzz_support.hpp"
#include "n2n_raw/model/denoiser.hpp"

#include <string>

N2N_FUZZ_TARGET(net_config) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    n2n::fuzz::accept_or_refuse([&] { (void)n2n::model::make_denoiser(n2n::model::NetConfig::from_json(text)); });
    return 0;
}
