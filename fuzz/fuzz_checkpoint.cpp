// SPDX-License-Identifier: MIT
// libFuzzer target: checkpoint files (model::load_checkpoint: LibTorch's zip/pickle archive, our
// keys, the network JSON, the weights), then the optimizer state of a checkpoint that loaded.
#include "fuzz_support.hpp"
#include "n2n_raw/model/checkpoint.hpp"

#include <torch/optim/adam.h>

N2N_FUZZ_TARGET(checkpoint) {
    const auto& path = n2n::fuzz::write_input("input.pt", {data, size});
    n2n::fuzz::accept_or_refuse([&] {
        const auto loaded = n2n::model::load_checkpoint(path);
        torch::optim::Adam optimizer(loaded.net->parameters());
        n2n::model::load_optimizer_state(path, optimizer);
    });
    return 0;
}
