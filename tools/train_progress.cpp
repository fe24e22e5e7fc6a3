// SPDX-License-Identifier: MIT
#include "train_progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <string>
#include <unistd.h>
#include <variant>

namespace n2n::cli {
namespace {

bool quiet_flag = false;

std::string format_duration(double seconds) {
    const auto s = static_cast<long long>(std::max(0.0, seconds));
    return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

// On a terminal one line redrawn in place (\r); in a log file one line per epoch, so that a
// captured run holds what happened and not hundreds of redraws.
struct Printer {
    std::mutex mutex;
    std::chrono::steady_clock::time_point last_line{};
    bool terminal = isatty(fileno(stderr)) != 0;

    void operator()(const train::EpochStarted&) { last_line = std::chrono::steady_clock::now(); }
    void operator()(const train::StepDone& e) {
        if (quiet_flag) return;
        const auto now = std::chrono::steady_clock::now();
        const bool last = e.step == e.steps;
        if (!last && (!terminal || now - last_line <= std::chrono::seconds(1))) return;
        last_line = now;
        fmt::print(stderr, "{}epoch {}/{} [{}/{}] loss {:.6f} lr {:.2e} {:.1f} img/s ETA {}{}", terminal ? "\r" : "",
                   e.epoch, e.epochs, e.step, e.steps, e.mean_loss, e.lr, e.images_per_s,
                   format_duration(e.seconds_left), terminal ? "   " : "\n");
    }
    void operator()(const train::EpochFinished&) const {
        if (terminal && !quiet_flag) fmt::print(stderr, "\n");
    }
    void operator()(const train::TimeLimitReached& e) const {
        fmt::print(stderr, "{}n2n: the {:g}-minute limit was reached in epoch {}; its partial progress is not "
                           "checkpointed\n",
                   terminal ? "\n" : "", e.minutes, e.epoch);
    }
    void operator()(const train::SkippedFile& e) const {
        fmt::print(stderr, "{}n2n: warning: skipping {}: {}\n", terminal ? "\n" : "", e.file.string(), e.reason);
    }
};

}  // namespace

void set_quiet(bool quiet) { quiet_flag = quiet; }
bool quiet() { return quiet_flag; }

train::TrainEventHandler progress_printer() {
    auto printer = std::make_shared<Printer>();
    return [printer](const train::TrainEvent& event) {
        std::lock_guard lock(printer->mutex);
        std::visit(*printer, event);
    };
}

}  // namespace n2n::cli
