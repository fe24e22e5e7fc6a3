// SPDX-License-Identifier: MIT
// The three SIDD Benchmark submission files, read back by an independent reader (h5py, scipy,
// python base64 + numpy: tests/eval/check_submission.py). Blocks are non-square and their values
// depend on row and column differently, so a transposed or reordered write fails.
#include "n2n_raw/error.hpp"
#include "n2n_raw/eval/submission.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>

using namespace n2n;

namespace {

io::SiddBlocks make_blocks(bool integral) {
    io::SiddBlocks b;
    b.images = 2;
    b.blocks = 3;
    b.height = 32;
    b.width = 48;
    b.stored_class = integral ? io::MatClass::UInt16 : io::MatClass::Single;
    b.data.resize(static_cast<std::size_t>(b.images * b.blocks * b.height * b.width));
    for (std::ptrdiff_t i = 0; i < b.images; ++i)
        for (std::ptrdiff_t k = 0; k < b.blocks; ++k)
            for (std::ptrdiff_t r = 0; r < b.height; ++r)
                for (std::ptrdiff_t c = 0; c < b.width; ++c) {
                    const double v = integral ? static_cast<double>(i * 5000 + k * 2000 + r * b.width + c)
                                              : static_cast<double>(i * 100 + k * 10) + r * 0.125 + c / 512.0;
                    b.data[static_cast<std::size_t>(((i * b.blocks + k) * b.height + r) * b.width + c)] =
                        static_cast<float>(v);
                }
    return b;
}

// What check_submission.py expects in OptionalData (one non-ASCII name, one empty field).
eval::SubmissionInfo test_info() {
    return {"N2N raw (test)", "\xC3\x84. Author", "Neighbor2Neighbor", "", "2 cores"};
}

// The checker's exit status: 0 all matches, 3 a block's values differ, anything else another fault.
constexpr int kValueMismatch = 3;
int python_check(const std::string& kind, const std::filesystem::path& file, const io::SiddBlocks& b,
                 double time_mp = 0) {
    const std::string script = std::string(N2N_TEST_SOURCE_DIR) + "/eval/check_submission.py";
    return test::run(fmt::format("{} {} {} {} {} {} {} {} {}", test::python(), script, kind, file.string(), b.images,
                                 b.blocks, b.height, b.width, time_mp));
}

}  // namespace

TEST_CASE("base64 of known strings (RFC 4648 test vectors)") {
    const auto enc = [](std::string_view s) { return eval::base64_encode(s.data(), s.size()); };
    CHECK(enc("") == "");
    CHECK(enc("f") == "Zg==");
    CHECK(enc("fo") == "Zm8=");
    CHECK(enc("foo") == "Zm9v");
    CHECK(enc("foob") == "Zm9vYg==");
    CHECK(enc("fooba") == "Zm9vYmE=");
    CHECK(enc("foobar") == "Zm9vYmFy");
}

TEST_CASE("TimeMPRaw is seconds per 1024^2 samples") {
    io::SiddBlocks b;
    b.images = 40;
    b.blocks = 32;
    b.height = b.width = 256;
    // 40·32·256² samples = 80 · 1024²: 160 s → 2 s per megapixel.
    CHECK(eval::seconds_per_megapixel(160.0, b) == doctest::Approx(2.0));
}

TEST_CASE("submission files read back with h5py, scipy and base64") {
    if (!test::require_tool("/usr/bin/python3", "python3-h5py")) return;
    test::TempDir dir;
    const auto blocks = make_blocks(false);
    const auto info = test_info();
    const double time_mp = 0.123456789;

    eval::write_submission_mat_v73(dir / "SubmitRaw.mat", blocks, time_mp, info);
    CHECK(python_check("v73", dir / "SubmitRaw.mat", blocks, time_mp) == 0);

    eval::write_submission_mat_v5(dir / "SubmitRaw_v5.mat", blocks, time_mp);
    CHECK(python_check("v5", dir / "SubmitRaw_v5.mat", blocks, time_mp) == 0);

    eval::write_submission_csv(dir / "SubmitRaw.csv", blocks);
    CHECK(python_check("csv-f32", dir / "SubmitRaw.csv", blocks) == 0);

    const auto integral = make_blocks(true);
    eval::write_submission_csv(dir / "SubmitRaw_u16.csv", integral);
    CHECK(python_check("csv-u16", dir / "SubmitRaw_u16.csv", integral) == 0);

    // Atomic writes leave no temporary files behind.
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 4);
}

TEST_CASE("a transposed block would be caught: the checker rejects a wrong orientation") {
    if (!test::require_tool("/usr/bin/python3", "python3-h5py")) return;
    test::TempDir dir;
    auto blocks = make_blocks(false);
    // Swap the two values of one block at (0, 1) and (1, 0): the reader must notice.
    std::swap(blocks.data[1], blocks.data[static_cast<std::size_t>(blocks.width)]);
    eval::write_submission_mat_v73(dir / "bad.mat", blocks, 0.0, test_info());
    // Only the swapped values may differ: any other failure (a crash, a layout error) is not this test's.
    CHECK(python_check("v73", dir / "bad.mat", blocks) == kValueMismatch);
}

TEST_CASE("inconsistent block arrays are rejected") {
    io::SiddBlocks b = make_blocks(false);
    b.data.pop_back();
    test::TempDir dir;
    CHECK_THROWS_AS(eval::write_submission_csv(dir / "x.csv", b), ConfigError);
}
