// SPDX-License-Identifier: MIT
#include "n2n_raw/eval/quality.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/file_names.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/sidd.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace n2n::eval {

namespace fs = std::filesystem;

QualityScores score(ImageView<const float> estimate, ImageView<const float> clean) {
    QualityScores s;
    s.psnr = metrics::psnr(estimate, clean);  // also checks the sizes
    s.ssim = metrics::ssim(estimate, clean);
    std::vector<float> values;
    values.reserve(static_cast<std::size_t>(clean.height() * clean.width()));
    for (std::ptrdiff_t r = 0; r < clean.height(); ++r)
        values.insert(values.end(), clean.row(r), clean.row(r) + clean.width());
    auto quartile = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 4);
    std::nth_element(values.begin(), quartile, values.end());
    const float threshold = *quartile;
    double sum = 0;
    std::size_t count = 0;
    for (std::ptrdiff_t r = 0; r < clean.height(); ++r)
        for (std::ptrdiff_t c = 0; c < clean.width(); ++c)
            if (clean(r, c) <= threshold) {
                sum += static_cast<double>(estimate(r, c)) - clean(r, c);
                ++count;
            }
    s.dark_mean_error = count > 0 ? sum / static_cast<double>(count) : 0.0;
    return s;
}

namespace {

constexpr const char* kFormat = "n2n-synth-pairs";

nlohmann::json levels_json(const noise::NoiseModel& m, double noise::NoiseLevel::*field) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& l : m.channels) a.push_back(l.*field);
    return a;
}

template <class T>
T field_of(const nlohmann::json& j, const char* name, const fs::path& file) {
    if (!j.contains(name)) throw FormatError(file.string(), name, "missing");
    try {
        return j.at(name).get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(file.string(), name, e.what());
    }
}

}  // namespace

void write_pair_set(const fs::path& index, const std::vector<QualityPair>& pairs) {
    const fs::path folder = index.parent_path();
    nlohmann::json list = nlohmann::json::array();
    for (const QualityPair& p : pairs) {
        list.push_back({{"name", p.name},
                        {"noisy", fs::relative(p.noisy, folder.empty() ? fs::path(".") : folder).generic_string()},
                        {"clean", fs::relative(p.clean, folder.empty() ? fs::path(".") : folder).generic_string()},
                        {"phase", std::string(p.phase.name())},
                        {"level", p.level},
                        {"beta1", levels_json(p.model, &noise::NoiseLevel::beta1)},
                        {"beta2", levels_json(p.model, &noise::NoiseLevel::beta2)},
                        {"seed", p.seed}});
    }
    const nlohmann::json doc{{"format", kFormat},
                             {"version", 1},
                             {"encoding", "16-bit grey PNG mosaics, normalised value = DN / 65535"},
                             {"channels", "beta1/beta2 per packed channel R, Gr, Gb, B; var = beta1*x + beta2"},
                             {"pairs", list}};
    io::write_atomically(index, [&](std::ostream& out) { out << doc.dump(2) << '\n'; });
}

std::vector<QualityPair> read_pair_set(const fs::path& index) {
    std::ifstream in(index);
    if (!in) throw IoError(index.string(), "", "cannot open the pair set");
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(index.string(), "json", e.what());
    }
    if (field_of<std::string>(doc, "format", index) != kFormat)
        throw FormatError(index.string(), "format", fmt::format("expected \"{}\"", kFormat));
    const fs::path folder = fs::absolute(index).parent_path();
    std::vector<QualityPair> pairs;
    for (const auto& j : field_of<nlohmann::json>(doc, "pairs", index)) {
        QualityPair p;
        p.name = field_of<std::string>(j, "name", index);
        p.noisy = folder / field_of<std::string>(j, "noisy", index);
        p.clean = folder / field_of<std::string>(j, "clean", index);
        const auto phase = bayer::BayerPhase::parse(field_of<std::string>(j, "phase", index));
        if (!phase) throw FormatError(index.string(), "phase", fmt::format("pair {}: not a Bayer phase", p.name));
        p.phase = *phase;
        p.level = field_of<std::string>(j, "level", index);
        const auto b1 = field_of<std::vector<double>>(j, "beta1", index);
        const auto b2 = field_of<std::vector<double>>(j, "beta2", index);
        if (b1.size() != 4 || b2.size() != 4)
            throw FormatError(index.string(), "beta1", fmt::format("pair {}: needs 4 values per array", p.name));
        for (std::size_t k = 0; k < 4; ++k) p.model.channels[k] = {b1[k], b2[k]};
        p.seed = field_of<std::uint64_t>(j, "seed", index);
        pairs.push_back(std::move(p));
    }
    if (pairs.empty()) throw FormatError(index.string(), "pairs", "the pair set is empty");
    return pairs;
}

namespace {

// The scene folders `root` stands for: itself, its sub-folders or those of root/Data.
std::vector<fs::path> sidd_scene_folders(const fs::path& root) {
    if (io::parse_sidd_scene_name(root.filename().string())) return {root};
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw IoError(root.string(), "folder", "not a readable folder");
    const fs::path base = fs::is_directory(root / "Data", ec) ? root / "Data" : root;
    std::vector<fs::path> scenes;
    for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory() && io::parse_sidd_scene_name(it->path().filename().string()))
            scenes.push_back(it->path());
    if (ec) throw IoError(base.string(), "folder", ec.message());
    std::sort(scenes.begin(), scenes.end());
    return scenes;
}

}  // namespace

std::vector<QualityPair> read_sidd_pairs(const fs::path& root) {
    std::vector<QualityPair> pairs;
    for (const fs::path& folder : sidd_scene_folders(root)) {
        const auto scene = io::parse_sidd_scene_name(folder.filename().string());
        std::vector<fs::path> noisy;
        std::error_code ec;
        for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
            const auto name = io::parse_sidd_file_name(it->path().filename().string());
            if (name && name->kind == io::SiddFileKind::Noisy) noisy.push_back(it->path());
        }
        if (ec) throw IoError(folder.string(), "folder", ec.message());
        std::sort(noisy.begin(), noisy.end());
        for (const fs::path& file : noisy) {
            io::SiddFileName name = *io::parse_sidd_file_name(file.filename().string());
            // The sibling files of the same capture, spelt with the NOISY frame's extension.
            const auto sibling = [&](io::SiddFileKind kind) {
                name.kind = kind;
                fs::path path = folder / io::sidd_file_name(name);
                if (!fs::exists(path, ec))
                    throw IoError(path.string(), kind == io::SiddFileKind::Gt ? "GT" : "METADATA",
                                  fmt::format("missing: the {} frame's {} file", file.filename().string(),
                                              kind == io::SiddFileKind::Gt ? "clean (GT)" : "METADATA"));
                return path;
            };
            QualityPair p;
            p.name = fmt::format("{}_{}", folder.filename().string(), name.index);
            p.noisy = file;
            p.clean = sibling(io::SiddFileKind::Gt);
            const fs::path metadata_file = sibling(io::SiddFileKind::Metadata);
            const io::RawMetadata meta = io::read_sidd_metadata(metadata_file);
            p.phase = meta.phase;
            const auto model = noise::NoiseModel::from_dng_noise_profile(meta.noise_profile);
            if (!model)
                throw FormatError(metadata_file.string(), "NoiseProfile",
                                  "missing (UnknownTags has no tag 51041): the pair's noise model");
            p.model = *model;
            p.camera = scene->phone;
            p.iso = scene->iso;
            p.level = fmt::format("{}:{}", scene->phone, scene->iso);
            pairs.push_back(std::move(p));
        }
    }
    if (pairs.empty())
        throw ConfigError(root.string(), "SIDD",
                          "no <scene>/<inst>_NOISY_RAW_<nnn>.MAT frame found (SIDD Medium Raw layout)");
    return pairs;
}

QualityGroup quality_group(const QualityPair& pair) {
    if (!pair.camera.empty() && pair.iso)
        return {fmt::format("{} ISO {}", pair.camera, *pair.iso), pair.camera, pair.iso};
    // "N6:800" (SIDD levels) or "Camera Model@1600" (calibrations): the last separator, then a
    // positive number.
    const auto sep = pair.level.find_last_of(":@");
    if (sep != std::string::npos && sep > 0) {
        const std::string number = pair.level.substr(sep + 1);
        double iso = 0;
        const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), iso);
        if (error == std::errc() && end == number.data() + number.size() && iso > 0) {
            const std::string camera = pair.level.substr(0, sep);
            return {fmt::format("{} ISO {}", camera, iso), camera, iso};
        }
    }
    return {pair.level, "", std::nullopt};
}

Image<float> read_pair_mosaic(const fs::path& file, bayer::BayerPhase phase) {
    if (io::lowercase_extension(file) == ".mat") return io::read_sidd_frame(file).normalized();
    io::MosaicSpec spec;
    spec.phase = phase;
    return io::read_png_mosaic(file, spec).normalized();
}

namespace {

// Means per (key, method), keys in first-seen order, then over everything (key "all") when there
// is more than one key.
std::vector<QualitySummary> means_by(const std::vector<QualityRow>& rows, const std::vector<QualityMethod>& methods,
                                     const std::function<QualityGroup(const QualityRow&)>& key) {
    std::vector<QualityGroup> keys;
    for (const auto& r : rows) {
        QualityGroup k = key(r);
        if (std::none_of(keys.begin(), keys.end(), [&](const QualityGroup& g) { return g.name == k.name; }))
            keys.push_back(std::move(k));
    }
    if (keys.size() > 1) keys.push_back({"all", "", {}});
    std::vector<QualitySummary> out;
    for (const QualityGroup& k : keys)
        for (const QualityMethod& method : methods) {
            QualitySummary s{k.name, k, method.name, 0, {}, 0, {}};
            for (const auto& r : rows)
                if (r.method == method.name && (k.name == "all" || key(r).name == k.name)) {
                    if (r.risk) s.risk_psnr_db = s.risk_psnr_db.value_or(0) + r.risk->psnr_db;
                    s.mean.psnr += r.scores.psnr;
                    s.mean.ssim += r.scores.ssim;
                    s.mean.dark_mean_error += r.scores.dark_mean_error;
                    s.seconds += r.seconds;
                    ++s.images;
                }
            if (s.images == 0) continue;
            s.mean.psnr /= s.images;
            s.mean.ssim /= s.images;
            s.mean.dark_mean_error /= s.images;
            if (s.risk_psnr_db) *s.risk_psnr_db /= s.images;
            out.push_back(std::move(s));
        }
    return out;
}

}  // namespace

QualityReport evaluate_quality(const std::vector<QualityPair>& pairs, const std::vector<QualityMethod>& methods,
                               const std::function<void(const QualityRow&)>& progress, const QualityOptions& options) {
    QualityReport report;
    for (const QualityPair& pair : pairs) {
        const Image<float> noisy = read_pair_mosaic(pair.noisy, pair.phase);
        const Image<float> clean = read_pair_mosaic(pair.clean, pair.phase);
        for (const QualityMethod& method : methods) {
            const auto start = std::chrono::steady_clock::now();
            const Image<float> estimate = method.run(pair, noisy.view());
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            QualityRow row{pair.name, pair.level, quality_group(pair), method.name,
                           score(estimate.view(), clean.view()), seconds, {}};
            if (options.risk_estimate) {
                const MosaicDenoiser run = [&](ImageView<const float> input) { return method.run(pair, input); };
                row.risk = estimate_risk(run, noisy.view(), pair.phase, pair.model, options.risk);
            }
            if (progress) progress(row);
            report.rows.push_back(std::move(row));
        }
    }
    report.summary =
        means_by(report.rows, methods, [](const QualityRow& r) { return QualityGroup{r.level, "", {}}; });
    report.groups = means_by(report.rows, methods, [](const QualityRow& r) { return r.group; });
    return report;
}

std::string format_quality_table(const QualityReport& report) {
    const auto risk_cell = [](std::optional<double> db) { return db ? fmt::format(" {:>9.2f}", *db) : std::string(); };
    const bool with_risk = !report.rows.empty() && report.rows.front().risk.has_value();
    const std::string risk_head = with_risk ? fmt::format(" {:>9}", "SURE dB") : std::string();
    std::string out = fmt::format("{:<28} {:<10} {:<12} {:>9} {:>7} {:>11} {:>8}{}\n", "image", "level", "method",
                                  "PSNR dB", "SSIM", "dark err", "s", risk_head);
    for (const auto& r : report.rows)
        out += fmt::format("{:<28} {:<10} {:<12} {:>9.2f} {:>7.4f} {:>+11.5f} {:>8.2f}{}\n", r.pair, r.level, r.method,
                           r.scores.psnr, r.scores.ssim, r.scores.dark_mean_error, r.seconds,
                           risk_cell(r.risk ? std::optional(r.risk->psnr_db) : std::nullopt));
    const auto means = [&](const char* key, const std::vector<QualitySummary>& summaries, int width) {
        out += fmt::format("\n{:<{}} {:<12} {:>6} {:>9} {:>7} {:>11} {:>8}{}\n", key, width, "method", "images",
                           "PSNR dB", "SSIM", "dark err", "s total", risk_head);
        for (const auto& s : summaries)
            out += fmt::format("{:<{}} {:<12} {:>6} {:>9.2f} {:>7.4f} {:>+11.5f} {:>8.2f}{}\n", s.level, width,
                               s.method, s.images, s.mean.psnr, s.mean.ssim, s.mean.dark_mean_error, s.seconds,
                               risk_cell(s.risk_psnr_db));
    };
    means("level", report.summary, 10);
    // Groups only add to the levels' table when they say something else.
    const bool same_as_levels =
        std::equal(report.groups.begin(), report.groups.end(), report.summary.begin(), report.summary.end(),
                   [](const QualitySummary& a, const QualitySummary& b) { return a.level == b.level; });
    if (!same_as_levels) means("camera / ISO", report.groups, 18);
    return out;
}

std::string quality_json(const QualityReport& report) {
    const auto scores = [](const QualityScores& s) {
        return nlohmann::json{{"psnr_db", s.psnr}, {"ssim", s.ssim}, {"dark_mean_error", s.dark_mean_error}};
    };
    nlohmann::json rows = nlohmann::json::array(), summary = nlohmann::json::array();
    for (const auto& r : report.rows) {
        nlohmann::json row{{"image", r.pair},   {"level", r.level},     {"group", r.group.name},
                           {"method", r.method}, {"seconds", r.seconds}, {"scores", scores(r.scores)}};
        if (r.risk)
            row["risk_estimate"] = {{"psnr_db", r.risk->psnr_db}, {"mse", r.risk->mse}, {"residual", r.risk->residual},
                                    {"noise_variance", r.risk->noise_variance}, {"divergence", r.risk->divergence}};
        rows.push_back(std::move(row));
    }
    const auto means = [&](const QualitySummary& s, const char* key) {
        nlohmann::json entry{{key, s.level}, {"method", s.method}, {"images", s.images}, {"seconds", s.seconds},
                             {"mean", scores(s.mean)}};
        if (s.risk_psnr_db) entry["risk_estimate_psnr_db"] = *s.risk_psnr_db;
        return entry;
    };
    for (const auto& s : report.summary) summary.push_back(means(s, "level"));
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& s : report.groups) {
        nlohmann::json entry = means(s, "group");
        entry["camera"] = s.group.camera.empty() ? nlohmann::json() : nlohmann::json(s.group.camera);
        entry["iso"] = s.group.iso ? nlohmann::json(*s.group.iso) : nlohmann::json();
        groups.push_back(std::move(entry));
    }
    return nlohmann::json{{"rows", rows}, {"summary", summary}, {"groups", groups}}.dump(2) + "\n";
}

namespace {

// RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled.
std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

std::string quality_groups_csv(const QualityReport& report) {
    std::string out = "group,camera,iso,method,images,psnr_db,ssim,dark_mean_error,seconds,risk_estimate_psnr_db\n";
    for (const auto& s : report.groups)
        out += fmt::format("{},{},{},{},{},{:.17g},{:.17g},{:.17g},{:.17g},{}\n", csv_field(s.level),
                           csv_field(s.group.camera), s.group.iso ? fmt::format("{}", *s.group.iso) : std::string(),
                           csv_field(s.method), s.images, s.mean.psnr, s.mean.ssim, s.mean.dark_mean_error, s.seconds,
                           s.risk_psnr_db ? fmt::format("{:.17g}", *s.risk_psnr_db) : std::string());
    return out;
}

}  // namespace n2n::eval
