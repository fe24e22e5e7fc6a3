// SPDX-License-Identifier: MIT
// `n2n`: train, run and evaluate Neighbor2Neighbor raw denoisers from the command line.
#include "commands.hpp"
#include "exit_codes.hpp"
#include "option_checks.hpp"
#include "train_progress.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

int main(int argc, char** argv) {
    // Results on stdout reach a pipe or log as each line is done, not at exit.
    std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
    CLI::App app{"n2n: self-supervised (Neighbor2Neighbor) denoising of raw camera images"};
    app.require_subcommand(1);
    // Given before or after the sub-command; set as soon as it is parsed, before any command runs.
    app.fallthrough();
    app.add_flag_callback("-q,--quiet", [] { n2n::cli::set_quiet(true); }, "No progress lines (warnings, errors and "
                                                                         "results are still printed)")
        ->trigger_on_parse();
    app.set_version_flag("--version", std::string("n2n_raw ") + N2N_VERSION);
    app.footer(n2n::cli::exit_code_table());
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
    n2n::cli::register_calibrate(app);
    n2n::cli::register_reference(app);
    n2n::cli::register_data(app);
    n2n::cli::refuse_non_finite_numbers(app);
    return n2n::cli::run_and_map_exit_code(app, argc, argv);
}
