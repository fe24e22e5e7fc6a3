// SPDX-License-Identifier: MIT
// `n2n`: train, run and evaluate Neighbor2Neighbor raw denoisers from the command line.
#include "commands.hpp"

#include "n2n_raw/error.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"n2n: self-supervised (Neighbor2Neighbor) denoising of raw camera images"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("n2n_raw ") + N2N_VERSION);
    n2n::cli::register_pack(app);
    n2n::cli::register_train(app);
    n2n::cli::register_denoise(app);
    n2n::cli::register_validate(app);
    n2n::cli::register_submit(app);
    n2n::cli::register_export(app);
    n2n::cli::register_render(app);
    n2n::cli::register_demo(app);
    n2n::cli::register_synth(app);
    n2n::cli::register_eval(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const n2n::Error& e) {
        std::cerr << fmt::format("n2n: error: {}\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::cerr << fmt::format("n2n: unexpected error: {}\n", e.what());
        return 3;
    }
    return 0;
}
