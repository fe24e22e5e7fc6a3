// SPDX-License-Identifier: MIT
// libFuzzer target: the JSON and text lists n2n reads: `n2n synth`'s pair set (pairs.json), the
// phases file of the SIDD block evaluation (JSON "scenes" list or one phase per line), SIDD scene
// folder names. Every input goes to each. (The network description a checkpoint stores has its
// own target, fuzz_net_config: it needs LibTorch.)
#include "fuzz_support.hpp"
#include "n2n_raw/eval/quality.hpp"
#include "n2n_raw/eval/sidd_eval.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"

#include <string>

N2N_FUZZ_TARGET(json) {
    using n2n::fuzz::accept_or_refuse;
    const n2n::fuzz::Bytes bytes{data, size};
    const auto& pairs = n2n::fuzz::write_input("pairs.json", bytes);
    accept_or_refuse([&] { (void)n2n::eval::read_pair_set(pairs); });
    const auto& phases_json = n2n::fuzz::write_input("phases.json", bytes);
    accept_or_refuse([&] { (void)n2n::eval::block_phases(1, phases_json); });
    const auto& phases_text = n2n::fuzz::write_input("phases.txt", bytes);
    accept_or_refuse([&] { (void)n2n::eval::block_phases(1, phases_text); });

    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)n2n::io::parse_sidd_scene_name(text);  // no error to throw: nullopt or a name
    return 0;
}
