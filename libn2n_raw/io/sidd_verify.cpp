// SPDX-License-Identifier: MIT
#include "n2n_raw/io/sidd_verify.hpp"

#include "mat_array.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/sidd.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>
#include <set>

namespace n2n::io {
namespace fs = std::filesystem;
using Kind = SiddProblem::Kind;

namespace {

std::vector<fs::path> sorted_entries(const fs::path& dir) {
    std::error_code ec;
    std::vector<fs::path> out;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) out.push_back(it->path());
    if (ec) throw IoError(dir.string(), "folder", ec.message());
    std::sort(out.begin(), out.end());
    return out;
}

class FolderCheck {
public:
    FolderCheck(SiddVerifyReport& report, const SiddSceneName& scene) : report_(report), scene_(scene) {}

    void problem(Kind kind, const fs::path& path, std::string field, std::string detail) {
        report_.problems.push_back({kind, path.string(), std::move(field), std::move(detail)});
    }

    // Any library error while reading is the file's problem, named by its own field.
    template <class Read>
    bool readable(const fs::path& path, Read&& read) {
        try {
            read();
            return true;
        } catch (const Error& e) {
            problem(Kind::Unreadable, path, e.field().empty() ? "file" : e.field(), e.detail());
        } catch (const std::bad_alloc&) {
            problem(Kind::Unreadable, path, "x", "too large to read");
        }
        return false;
    }

    // A NOISY or GT frame: v7.3, 2-D floating `x`, finite; returns its shape (empty on a problem).
    std::vector<std::size_t> frame(const fs::path& path) {
        std::vector<std::size_t> shape;
        readable(path, [&] {
            if (detail::mat_version(path) != detail::MatVersion::V73)
                return problem(Kind::Type, path, "header", "not MAT v7.3 (HDF5), SIDD's container for frames");
            const detail::MatArray x = detail::read_mat_array(path, "x", 2);
            if (x.dims.size() != 2)
                return problem(Kind::Shape, path, "x", fmt::format("shape {}, expected a 2-D matrix", fmt::join(x.dims, "x")));
            if (!x.floating)
                return problem(Kind::Type, path, "x", "stored as integers, expected single or double in [0, 1]");
            detail::require_finite(path.string(), x);
            shape = x.dims;
        });
        return shape;
    }

    void capture(const fs::path& folder, const std::string& index) {
        const auto name = [&](SiddFileKind kind) { return folder / sidd_file_name({scene_.instance, kind, index, ".MAT"}); };
        std::array<std::vector<std::size_t>, 2> shapes;
        const std::array<SiddFileKind, 2> frames{SiddFileKind::Noisy, SiddFileKind::Gt};
        for (std::size_t k = 0; k < frames.size(); ++k)
            if (present(name(frames[k]))) shapes[k] = frame(name(frames[k]));
        if (const auto md = name(SiddFileKind::Metadata); present(md)) readable(md, [&] { read_sidd_metadata(md); });

        const auto phone = std::find_if(sidd_phones().begin(), sidd_phones().end(),
                                        [&](const SiddPhone& p) { return p.code == scene_.phone; });
        for (std::size_t k = 0; k < frames.size(); ++k) {
            const auto& s = shapes[k];
            if (s.empty()) continue;
            if (s[0] % 2 || s[1] % 2)
                problem(Kind::Shape, name(frames[k]), "x", fmt::format("shape {}x{}: a Bayer frame has even sides", s[0], s[1]));
            if (phone != sidd_phones().end() && phone->frame[0] > 0 &&
                (s[0] != static_cast<std::size_t>(phone->frame[0]) || s[1] != static_cast<std::size_t>(phone->frame[1])))
                problem(Kind::Shape, name(frames[k]), "x",
                        fmt::format("shape {}x{}, {} frames are {}x{}", s[0], s[1], scene_.phone, phone->frame[0], phone->frame[1]));
        }
        if (!shapes[0].empty() && !shapes[1].empty() && shapes[0] != shapes[1])
            problem(Kind::Shape, name(SiddFileKind::Gt), "x",
                    fmt::format("shape {}, its NOISY frame {} is {}", fmt::join(shapes[1], "x"),
                                name(SiddFileKind::Noisy).filename().string(), fmt::join(shapes[0], "x")));
    }

    bool present(const fs::path& path) {
        std::error_code ec;
        if (fs::is_regular_file(path, ec)) {
            ++report_.files;
            return true;
        }
        problem(Kind::Missing, path, "file", ec ? ec.message() : "not found");
        return false;
    }

private:
    SiddVerifyReport& report_;
    const SiddSceneName& scene_;
};

}  // namespace

const char* to_string(Kind kind) {
    static constexpr std::array<const char*, 8> kNames{"missing", "extra",     "folder name", "unreadable",
                                                       "type",    "shape",     "duplicate",   "count"};
    return kNames.at(static_cast<std::size_t>(kind));
}

SiddVerifyReport verify_sidd_medium(const fs::path& root, const SiddVerifyOptions& options) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw IoError(root.string(), "folder", ec ? ec.message() : "not a folder");
    SiddVerifyReport report;
    report.root = fs::is_directory(root / "Data", ec) ? root / "Data" : root;
    std::map<std::string, fs::path> instances;
    for (const fs::path& folder : sorted_entries(report.root)) {
        if (!fs::is_directory(folder, ec)) continue;
        const std::string folder_name = folder.filename().string();
        const auto scene = parse_sidd_scene_name(folder_name);
        if (!scene || !sidd_phone_phase(scene->phone)) {
            report.problems.push_back({Kind::FolderName, folder.string(), "folder name",
                                       "not <instance>_<scene>_<phone>_<ISO>_<shutter>_<kelvin>_<L|N|H> with a SIDD phone"});
            continue;
        }
        ++report.scenes;
        if (const auto [at, fresh] = instances.emplace(scene->instance, folder); !fresh)
            report.problems.push_back({Kind::Duplicate, folder.string(), "instance",
                                       fmt::format("instance {} is also {}", scene->instance, at->second.string())});
        FolderCheck check(report, *scene);
        for (const char* index : {"010", "011"}) check.capture(folder, index);
        const auto expected = sidd_medium_files(scene->instance);
        const std::set<std::string> wanted(expected.begin(), expected.end());
        for (const fs::path& file : sorted_entries(folder))
            if (!wanted.contains(file.filename().string()))
                check.problem(Kind::Extra, file, "file", "not one of the folder's six SIDD files");
    }
    if (options.complete && report.scenes != kSiddMediumSceneInstances)
        report.problems.push_back({Kind::Count, report.root.string(), "scene folders",
                                   fmt::format("{} scene instances, SIDD Medium has {}", report.scenes,
                                               kSiddMediumSceneInstances)});
    return report;
}

}  // namespace n2n::io
