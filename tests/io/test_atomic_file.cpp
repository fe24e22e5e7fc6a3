// SPDX-License-Identifier: MIT
// The one atomic-write helper: a failed write leaves neither a partial target nor a temporary
// file, and an existing file is replaced only by a complete new one.
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

using namespace n2n;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> folder_entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    return names;
}

std::string contents(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("atomic write: the target appears complete, with no temporary left") {
    test::TempDir dir;
    const fs::path target = dir / "out.bin";
    io::write_atomically(target, [](std::ostream& out) { out << "hello"; });
    CHECK(contents(target) == "hello");
    CHECK(folder_entries(dir.path()) == std::vector<std::string>{"out.bin"});
}

TEST_CASE("atomic write: a writer that throws midway leaves no file and no temporary") {
    test::TempDir dir;
    const fs::path target = dir / "out.bin";
    fs::path seen_tmp;
    CHECK_THROWS_AS(io::write_atomically(target,
                                         [](std::ostream& out) {
                                             out << "half of the bytes";
                                             out.flush();
                                             throw std::runtime_error("writer failed");
                                         }),
                    std::runtime_error);
    CHECK_FALSE(fs::exists(target));
    CHECK(folder_entries(dir.path()).empty());

    // The file-name form: the temporary is in the target's folder, under another name.
    CHECK_THROWS_AS(io::write_file_atomically(target,
                                              [&](const fs::path& tmp) {
                                                  seen_tmp = tmp;
                                                  std::ofstream(tmp) << "partial";
                                                  throw IoError(tmp.string(), "data", "library failed");
                                              }),
                    IoError);
    CHECK(seen_tmp.parent_path() == target.parent_path());
    CHECK(seen_tmp.filename() != target.filename());
    CHECK_FALSE(fs::exists(target));
    CHECK(folder_entries(dir.path()).empty());
}

TEST_CASE("atomic write: an existing file is replaced only when the new write succeeds") {
    test::TempDir dir;
    const fs::path target = dir / "result.json";
    io::write_atomically(target, [](std::ostream& out) { out << "old"; });
    CHECK_THROWS(io::write_atomically(target, [](std::ostream& out) {
        out << "new but incomplete";
        throw std::runtime_error("interrupted");
    }));
    CHECK(contents(target) == "old");
    CHECK(folder_entries(dir.path()) == std::vector<std::string>{"result.json"});

    io::write_file_atomically(target, [&](const fs::path& tmp) {
        CHECK(contents(target) == "old");  // untouched while the new file is being written
        std::ofstream(tmp, std::ios::binary) << "new";
    });
    CHECK(contents(target) == "new");
    CHECK(folder_entries(dir.path()) == std::vector<std::string>{"result.json"});
}

TEST_CASE("atomic write: a writer that creates no file, or a missing folder, is an IoError") {
    test::TempDir dir;
    const fs::path target = dir / "x.bin";
    CHECK_THROWS_AS(io::write_file_atomically(target, [](const fs::path&) {}), IoError);
    CHECK(folder_entries(dir.path()).empty());
    try {
        io::write_atomically(dir / "no_such_dir" / "x.bin", [](std::ostream& out) { out << "x"; });
        FAIL("expected IoError");
    } catch (const IoError& e) {
        CHECK(e.file() == (dir / "no_such_dir" / "x.bin").string());
        CHECK(e.field() == "write");
    }
}
