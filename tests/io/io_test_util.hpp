// SPDX-License-Identifier: MIT
// Helpers shared by the io tests: checking the error family, and fixtures written by Python.
#pragma once

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace n2n::test {

/// Runs `f`, requires it to throw E whose file() is `file` and whose field() is `field`, and
/// whose what() names both (what a user sees must say which file and which field).
template <class E, class F>
void require_error(F&& f, const std::string& file, const std::string& field) {
    bool thrown = false;
    try {
        f();
    } catch (const E& e) {
        thrown = true;
        CHECK(e.file() == file);
        CHECK(e.field() == field);
        const std::string what = e.what();
        CHECK(what.find(file) != std::string::npos);
        CHECK(what.find(field) != std::string::npos);
        MESSAGE("error as expected: " << what);
    } catch (const std::exception& e) {
        FAIL("wrong exception type: " << std::string(e.what()));
    }
    CHECK_MESSAGE(thrown, "no exception for " << file);
}

/// Specs built by position (designated initializers would leave members unnamed, which
/// -Wmissing-field-initializers flags).
inline io::MosaicSpec mosaic_spec(bayer::BayerPhase phase, int bits, float black = 0.F,
                                  std::optional<float> white = std::nullopt) {
    io::MosaicSpec s;
    s.phase = phase;
    s.bits = bits;
    s.black = black;
    s.white = white;
    return s;
}
inline io::HeaderlessSpec headerless_spec(std::ptrdiff_t width, std::ptrdiff_t height, io::MosaicSpec mosaic = {},
                                          io::Endian endian = io::Endian::Little) {
    io::HeaderlessSpec s;
    s.width = width;
    s.height = height;
    s.endian = endian;
    s.mosaic = mosaic;
    return s;
}
inline io::ReadOptions with_headerless(const io::HeaderlessSpec& spec) {
    io::ReadOptions o;
    o.headerless = spec;
    return o;
}
inline io::ReadOptions with_png(const io::MosaicSpec& spec) {
    io::ReadOptions o;
    o.png = spec;
    return o;
}

/// Writes bytes to a file.
inline void write_bytes(const std::filesystem::path& path, const std::vector<unsigned char>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

/// Runs a Python script of Debian's python3 with arguments. Python is a declared dependency and
/// the scripts are ours, so a missing interpreter or a failing fixture writer fails the test
/// (false is returned so that the caller stops).
inline bool run_python(const std::string& script_and_args) {
    if (!require_tool("/usr/bin/python3", "python3")) return false;
    const int rc = run(python() + " " + script_and_args);
    if (rc != 0) FAIL_CHECK("python fixture writer failed with exit status " << rc << ": " << script_and_args);
    return rc == 0;
}

/// The SIDD-like fixtures of fixtures/make_sidd_fixtures.py, written once per test process.
inline const std::filesystem::path* sidd_fixtures() {
    static std::unique_ptr<TempDir> dir;
    static bool ok = false;
    if (!dir) {
        dir = std::make_unique<TempDir>();
        ok =
            run_python(std::string(N2N_TEST_SOURCE_DIR) + "/io/fixtures/make_sidd_fixtures.py " + dir->path().string());
    }
    return ok ? &dir->path() : nullptr;
}

}  // namespace n2n::test
