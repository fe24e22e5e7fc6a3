// SPDX-License-Identifier: MIT
#include "selection_cli.hpp"

#include "n2n_raw/error.hpp"

#include <algorithm>

namespace n2n::cli {

PreparedSelection prepare_selection(train::FrameDataset& data, const train::LoaderOptions& loader,
                                    const model::NetConfig& net, const torch::Device& device,
                                    const SelectionSetup& setup) {
    PreparedSelection p;
    try {
        p.set = std::make_shared<const train::SelectionSet>(
            train::make_selection_set(data, loader, setup.crops, setup.side, setup.margin));
    } catch (const ConfigError&) {
        p.set = std::make_shared<const train::SelectionSet>(
            train::make_selection_set(data, loader, setup.crops, loader.patch, 0));
    }
    p.seconds_per_check = train::probe_selection_seconds(net, *p.set, device);
    return p;
}

int PreparedSelection::affordable_checks(double minutes, int wanted) const {
    const double share = 0.1 * minutes * 60.0 / std::max(seconds_per_check, 1e-9);
    return std::clamp(static_cast<int>(share) - 1, 1, std::max(1, wanted));
}

void install_selection(train::TrainOptions& t, const PreparedSelection& selection, int checks) {
    train::keep_best_by_sure(t, selection.set, std::max(1, t.epochs / std::max(1, checks)));
}

}  // namespace n2n::cli
