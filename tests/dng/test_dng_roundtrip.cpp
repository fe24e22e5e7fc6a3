// SPDX-License-Identifier: MIT
// DNG round trip through readers we did not write: LibRaw's own API, the project's LibRaw-based
// reader, `dcraw -D -4` (mosaic) and `dcraw -i -v` (pattern, multipliers), and tifffile for tags
// LibRaw does not expose (NoiseReductionApplied, DNGVersion).
#include "n2n_raw/dng/dng_writer.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/camera_raw.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "support/process.hpp"
#include "support/test_data.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <libraw/libraw.h>
#include <memory>
#include <random>
#include <sstream>

using namespace n2n;
using bayer::BayerPhase;

namespace {

bool have_dcraw() { return test::require_tool("/usr/bin/dcraw", "dcraw"); }

using test::capture;

// `dcraw -D -4 -t 0 -c`: the untouched 16-bit mosaic as a binary PGM (big-endian samples).
Image<std::uint16_t> dcraw_mosaic(const std::filesystem::path& dng) {
    const std::string pgm = capture(fmt::format("/usr/bin/dcraw -D -4 -t 0 -c '{}'", dng.string()));
    std::istringstream in(pgm);
    std::string magic;
    long w = 0, h = 0, maxval = 0;
    in >> magic >> w >> h >> maxval;
    in.get();
    REQUIRE(magic == "P5");
    REQUIRE(maxval == 65535);
    Image<std::uint16_t> out(h, w);
    for (auto& v : out.pixels()) {
        const int hi = in.get(), lo = in.get();
        v = static_cast<std::uint16_t>((hi << 8) | lo);
    }
    REQUIRE(in.good());
    return out;
}

io::RawMetadata example_metadata(BayerPhase phase) {
    io::RawMetadata meta;
    meta.camera = "n2n test camera";
    meta.phase = phase;
    meta.levels.black = {100, 101, 102, 103};
    meta.levels.white = 16000;
    meta.as_shot_neutral = std::array<double, 3>{0.5, 1.0, 0.7};
    meta.color_matrix1 = Matrix3{1.2, -0.3, -0.1, -0.5, 1.4, 0.1, -0.1, 0.2, 0.7};
    meta.calibration_illuminant1 = 17;
    meta.color_matrix2 = Matrix3{0.9, -0.29, -0.07, -0.45, 1.24, 0.23, -0.09, 0.19, 0.71};
    meta.calibration_illuminant2 = 21;
    meta.orientation = 6;
    return meta;
}

}  // namespace

TEST_CASE("synthetic DNG: LibRaw reads back the mosaic and every colour tag, all phases") {
    test::TempDir dir;
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> dn(100, 16000);
    for (BayerPhase phase : bayer::kAllPhases) {
        CAPTURE(phase.name());
        Image<std::uint16_t> mosaic(64, 96);
        for (auto& v : mosaic.pixels()) v = static_cast<std::uint16_t>(dn(rng));
        const auto meta = example_metadata(phase);
        const auto path = dir / fmt::format("synthetic_{}.dng", phase.name());
        dng::DngOptions options;
        options.noise_reduction_applied = 1.0;
        dng::write_dng(path, mosaic.view(), meta, options);

        LibRaw raw;
        REQUIRE(raw.open_file(path.string().c_str()) == LIBRAW_SUCCESS);
        REQUIRE(raw.unpack() == LIBRAW_SUCCESS);
        const auto& s = raw.imgdata.sizes;
        REQUIRE(s.raw_width == 96);
        REQUIRE(s.raw_height == 64);
        REQUIRE(s.width == 96);
        REQUIRE(s.height == 64);
        const std::size_t pitch = s.raw_pitch / 2;
        bool same = true;
        for (int r = 0; r < 64; ++r)
            for (int c = 0; c < 96; ++c) same = same && raw.imgdata.rawdata.raw_image[r * pitch + c] == mosaic(r, c);
        CHECK(same);
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c) {
                // LibRaw colours: 0 R, 1 G, 2 B, 3 second G.
                const int lr = raw.COLOR(r, c);
                CHECK((lr == 3 ? 1 : lr) == static_cast<int>(phase.color_at(r, c)));
            }
        const auto& levels = raw.imgdata.color.dng_levels;
        CHECK(levels.dng_whitelevel[0] == 16000);
        REQUIRE(levels.dng_cblack[4] == 2);
        REQUIRE(levels.dng_cblack[5] == 2);
        for (int k = 0; k < 4; ++k) CHECK(levels.dng_black + levels.dng_cblack[6 + k] == 100 + k);
        CHECK(levels.asshotneutral[0] == doctest::Approx(0.5));
        CHECK(levels.asshotneutral[2] == doctest::Approx(0.7));
        const auto& dc = raw.imgdata.color.dng_color;
        CHECK(dc[0].illuminant == 17);
        CHECK(dc[1].illuminant == 21);
        for (int k = 0; k < 9; ++k) {
            CHECK(dc[0].colormatrix[k / 3][k % 3] == doctest::Approx((*meta.color_matrix1)[k]).epsilon(1e-6));
            CHECK(dc[1].colormatrix[k / 3][k % 3] == doctest::Approx((*meta.color_matrix2)[k]).epsilon(1e-6));
        }
        CHECK(s.flip == 6);  // LibRaw's code for EXIF 6 (90° clockwise) is also 6

        // The project's reader (LibRaw-based, written by someone else).
        const io::RawFrame frame = io::read_camera_raw(path);
        CHECK(frame.meta.phase == phase);
        CHECK(frame.meta.orientation == 6);
        CHECK(frame.meta.levels.white == 16000);
        for (int k = 0; k < 4; ++k) CHECK(frame.meta.levels.black[static_cast<std::size_t>(k)] == 100 + k);
        REQUIRE(frame.meta.as_shot_neutral.has_value());
        CHECK((*frame.meta.as_shot_neutral)[0] == doctest::Approx(0.5).epsilon(1e-4));
        CHECK((*frame.meta.as_shot_neutral)[2] == doctest::Approx(0.7).epsilon(1e-4));
        bool same_frame = true;
        for (std::size_t k = 0; k < mosaic.pixels().size(); ++k)
            same_frame = same_frame && frame.mosaic.pixels()[k] == mosaic.pixels()[k];
        CHECK(same_frame);

        if (have_dcraw()) {
            const auto d = dcraw_mosaic(path);
            CHECK(d.pixels() == mosaic.pixels());
            const std::string info = capture(fmt::format("/usr/bin/dcraw -i -v '{}'", path.string()));
            const auto pattern = phase.name();  // e.g. "GRBG" -> dcraw prints "GR/BG"
            CHECK(info.find(fmt::format("Filter pattern: {}/{}", pattern.substr(0, 2), pattern.substr(2, 2))) !=
                  std::string::npos);
            CHECK(info.find("Camera multipliers: 2.000000 1.000000 1.428571") != std::string::npos);
        }
        if (phase == BayerPhase::RGGB && test::require_tool("/usr/bin/python3", "python3-numpy")) {
            const std::string tags = capture(fmt::format(
                "{} -c \"import tifffile; p = tifffile.TiffFile('{}').pages[0]; "
                "print(p.tags[50935].value, p.tags[50706].value, p.tags[33422].value, p.tags[50708].value)\"",
                test::python(), path.string()));
            INFO(tags);
            CHECK(tags.find("(1, 1)") != std::string::npos);
            CHECK(tags.find("b'\\x01\\x04\\x00\\x00'") != std::string::npos);  // DNGVersion 1.4.0.0
            CHECK(tags.find("b'\\x00\\x01\\x01\\x02'") != std::string::npos);  // CFAPattern R G G B
            CHECK(tags.find("n2n test camera") != std::string::npos);
        }
    }
}

TEST_CASE("real D750 mosaic: DNG round trip through dcraw -D is bit exact") {
    const auto file = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    if (!file) return;
    io::HeaderlessSpec spec{768, 512, io::Endian::Little, {BayerPhase::RGGB, 14, 600.F, 15520.F}};
    const io::RawFrame frame = io::read_headerless(*file, spec);
    test::TempDir dir;
    const auto path = dir / "d750.dng";
    dng::write_dng(path, frame, {});
    const io::RawFrame back = io::read_camera_raw(path);
    CHECK(back.mosaic.pixels() == frame.mosaic.pixels());
    CHECK(back.meta.phase == BayerPhase::RGGB);
    CHECK(back.meta.levels.black[0] == 600);
    CHECK(back.meta.levels.white == 15520);
    if (have_dcraw()) {
        const auto d = dcraw_mosaic(path);
        bool same = d.height() == 512 && d.width() == 768;
        for (std::size_t k = 0; same && k < d.pixels().size(); ++k) same = d.pixels()[k] == frame.mosaic.pixels()[k];
        CHECK(same);
    }
}

TEST_CASE("DNG writer rejects what it cannot represent") {
    io::RawMetadata meta = example_metadata(BayerPhase::RGGB);
    Image<std::uint16_t> mosaic(4, 4, 200);
    meta.levels.white = 70000;
    CHECK_THROWS_AS(dng::encode_dng(mosaic.view(), meta), ConfigError);
    meta = example_metadata(BayerPhase::RGGB);
    meta.orientation = 0;
    CHECK_THROWS_AS(dng::encode_dng(mosaic.view(), meta), ConfigError);
    CHECK_THROWS_AS(dng::encode_dng(Image<std::uint16_t>().view(), example_metadata(BayerPhase::RGGB)), ConfigError);
}

TEST_CASE("Canon CR2 -> DNG -> LibRaw: same mosaic, phase, levels, neutral, matrix, orientation") {
    const auto file = test::system_file("/usr/share/doc/rawtran/IMG_5952.CR2", "rawtran-doc");
    if (!file) return;
    const io::RawFrame frame = io::read_camera_raw(*file);
    test::TempDir dir;
    dng::DngOptions options;
    options.noise_reduction_applied = 0.0;
    dng::write_dng(dir / "canon.dng", frame, options);
    const io::RawFrame back = io::read_camera_raw(dir / "canon.dng");
    CHECK(back.mosaic.pixels() == frame.mosaic.pixels());
    CHECK(back.meta.phase == frame.meta.phase);
    CHECK(back.meta.orientation == frame.meta.orientation);
    CHECK(back.meta.levels.white == frame.meta.levels.white);
    for (std::size_t k = 0; k < 4; ++k) CHECK(back.meta.levels.black[k] == frame.meta.levels.black[k]);
    REQUIRE(back.meta.as_shot_neutral.has_value());
    for (std::size_t k = 0; k < 3; ++k)
        CHECK((*back.meta.as_shot_neutral)[k] == doctest::Approx((*frame.meta.as_shot_neutral)[k]).epsilon(1e-5));
    REQUIRE(back.meta.color_matrix1.has_value());
    for (std::size_t k = 0; k < 9; ++k)
        CHECK((*back.meta.color_matrix1)[k] == doctest::Approx((*frame.meta.color_matrix1)[k]).epsilon(1e-4));
    CHECK(back.meta.camera.find("30D") != std::string::npos);
}

TEST_CASE("Canon CR2 -> DNG keeps the capture EXIF: dcraw reads the same ISO, shutter, aperture, focal length, date") {
    const auto file = test::system_file("/usr/share/doc/rawtran/IMG_5952.CR2", "rawtran-doc");
    if (!file || !have_dcraw()) return;
    const io::RawFrame frame = io::read_camera_raw(*file);
    test::TempDir dir;
    dng::write_dng(dir / "canon.dng", frame, {});
    // dcraw's reading of the original CR2 is the expectation, not our reader.
    const auto capture_fields = [](const std::filesystem::path& path) {
        std::istringstream info(capture(fmt::format("/usr/bin/dcraw -i -v '{}'", path.string())));
        std::map<std::string, std::string> fields;
        for (std::string line; std::getline(info, line);)
            if (const auto colon = line.find(": "); colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 2);
        return fields;
    };
    const auto original = capture_fields(*file), written = capture_fields(dir / "canon.dng");
    for (const char* field : {"Timestamp", "Shutter", "Aperture", "Focal length"}) {
        INFO(field);
        REQUIRE(original.count(field) == 1);
        CHECK(written.count(field) == 1);
        if (written.count(field) == 1) CHECK(written.at(field) == original.at(field));
    }
    CHECK(original.at("ISO speed") == "640");  // by hand: the CR2's EXIF says ISO 640, 1/400 s, f/22
    // dcraw and LibRaw read ISO only from an EXIF sub-IFD; the TIFF/EP tag in IFD 0 is read by
    // tifffile (and exiftool).
    if (test::require_tool("/usr/bin/python3", "python3-tifffile")) {
        const std::string iso = capture(fmt::format(
            "/usr/bin/python3 -c \"import tifffile; print(tifffile.TiffFile('{}').pages[0].tags[34855].value)\"",
            (dir / "canon.dng").string()));
        CHECK(iso.find("640") == 0);
    }
    const io::RawFrame back = io::read_camera_raw(dir / "canon.dng");
    CHECK(back.meta.make == "Canon");
    CHECK(back.meta.model == frame.meta.model);
    CHECK(back.meta.capture_time == frame.meta.capture_time);
    CHECK(frame.meta.capture_time == "2009:07:21 13:03:20");
}
