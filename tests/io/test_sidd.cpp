// SPDX-License-Identifier: MIT
// SIDD MAT files: fixtures written by scipy (v5) and h5py with a MATLAB user block (v7.3), whose
// values encode their MATLAB index, so transposes and axis mix-ups fail.
#include "io/io_test_util.hpp"
#include "n2n_raw/io/mat_info.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/io/sidd.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>

using namespace n2n;
using bayer::BayerPhase;
using test::require_error;

namespace {
// value(r, c) = (100 r + c) / 10000, the formula of make_sidd_fixtures.py, for an H x W frame.
void check_frame_values(const io::RawFrame& f, std::ptrdiff_t h, std::ptrdiff_t w) {
    REQUIRE(f.mosaic.height() == h);
    REQUIRE(f.mosaic.width() == w);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c)
            REQUIRE(f.mosaic(r, c) == doctest::Approx((100.0 * r + c) / 10000.0).epsilon(1e-6));
}
}  // namespace

TEST_CASE("sidd frame v7.3: MATLAB orientation, phase from the folder's phone code") {
    const auto* dir = test::sidd_fixtures();
    if (!dir) return;
    const auto s6 = *dir / "0001_001_S6_00100_00060_3200_L";
    const auto f = io::read_sidd_frame(s6 / "0001_NOISY_RAW_010.MAT");
    check_frame_values(f, 6, 10);  // 6 rows x 10 columns in MATLAB
    CHECK(f.meta.phase == BayerPhase::GRBG);
    CHECK(f.meta.camera == "S6");
    CHECK(f.meta.iso == 100.0);
    CHECK(*f.meta.exposure_time_s == doctest::Approx(1.0 / 60));
    CHECK(f.meta.levels.white == 1.F);
    CHECK(f.meta.levels.black[0] == 0.F);

    // A float64 frame of an iPhone scene: RGGB.
    const auto ip = io::read_sidd_frame(*dir / "0002_002_IP_00800_01000_5500_N" / "0002_GT_RAW_011.MAT");
    check_frame_values(ip, 4, 8);
    CHECK(ip.meta.phase == BayerPhase::RGGB);

    // The v5 variant of the same frame gives the same pixels.
    const auto v5 = io::read_sidd_frame(s6 / "0001_GT_RAW_010.MAT");
    CHECK(v5.mosaic.pixels() == f.mosaic.pixels());
    CHECK(io::detect_file_kind(s6 / "0001_GT_RAW_010.MAT") == io::FileKind::MatV5);
    CHECK(io::detect_file_kind(s6 / "0001_NOISY_RAW_010.MAT") == io::FileKind::MatV73);
    CHECK(io::read_any(s6 / "0001_NOISY_RAW_010.MAT").mosaic.pixels() == f.mosaic.pixels());
}

TEST_CASE("sidd frame: no METADATA and no phone code -> CFA error; explicit METADATA wins") {
    const auto* dir = test::sidd_fixtures();
    if (!dir) return;
    const auto frame = *dir / "not_a_sidd_folder" / "frame.MAT";
    require_error<FormatError>([&] { io::read_sidd_frame(frame); }, frame.string(), "CFA");
    if (const auto md = test::shared_file("sidd/metadata-sample/0001_METADATA_RAW_010.MAT")) {
        const auto f = io::read_sidd_frame(frame, {.metadata = *md});
        CHECK(f.meta.phase == BayerPhase::GRBG);
        CHECK(f.meta.camera == "samsung SM-G925I");
        CHECK(f.meta.levels.white == 1.F);  // the frame is normalised, whatever the DNG's levels
        CHECK(f.meta.source == frame.string());
        // A sibling METADATA file is found by name.
        test::TempDir scene;
        const auto folder = scene / "0005_009_GP_00400_00100_3200_N";  // GP would say BGGR
        std::filesystem::create_directories(folder);
        std::filesystem::copy_file(frame, folder / "0005_NOISY_RAW_010.MAT");
        std::filesystem::copy_file(*md, folder / "0005_METADATA_RAW_010.MAT");
        CHECK(io::read_sidd_frame(folder / "0005_NOISY_RAW_010.MAT").meta.phase == BayerPhase::GRBG);
    }
}

TEST_CASE("sidd frame: NaN, Inf, rank 3, integers, empty, missing x, truncated -> errors naming the field") {
    const auto* dir = test::sidd_fixtures();
    if (!dir) return;
    const auto s6 = *dir / "0001_001_S6_00100_00060_3200_L";
    const auto f = [&](const char* name) { return (s6 / name).string(); };
    require_error<FormatError>([&] { io::read_sidd_frame(f("nan.MAT")); }, f("nan.MAT"), "x");
    require_error<FormatError>([&] { io::read_sidd_frame(f("inf_v5.MAT")); }, f("inf_v5.MAT"), "x");
    require_error<FormatError>([&] { io::read_sidd_frame(f("rank3.MAT")); }, f("rank3.MAT"), "x");
    require_error<FormatError>([&] { io::read_sidd_frame(f("integer.MAT")); }, f("integer.MAT"), "x");
    require_error<FormatError>([&] { io::read_sidd_frame(f("empty.MAT")); }, f("empty.MAT"), "x");
    require_error<FormatError>([&] { io::read_sidd_frame(f("no_x.MAT")); }, f("no_x.MAT"), "x");
    // Truncated HDF5: HDF5 cannot open it, or the data read fails; either way an n2n::Error.
    for (const char* name : {"truncated.MAT", "header_only.MAT"}) {
        CAPTURE(name);
        try {
            io::read_sidd_frame(f(name));
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.file() == f(name));
            MESSAGE(std::string(e.what()));
        }
    }
}

TEST_CASE("sidd blocks: v5 single/double/uint8 and v7.3 give block(i, b)(h, w) = 1000i + 100b + 10h + w") {
    const auto* dir = test::sidd_fixtures();
    if (!dir) return;
    struct Case {
        const char* file;
        const char* variable;
        io::MatClass cls;
        double scale;
    };
    for (const Case& c : {Case{"ValidationNoisyBlocksRaw.mat", "ValidationNoisyBlocksRaw", io::MatClass::Single, 1e-4},
                          Case{"BenchmarkNoisyBlocksRaw_double.mat", "", io::MatClass::Double, 1e-4},
                          Case{"ValidationGtBlocksRaw_v73.mat", "ValidationGtBlocksRaw", io::MatClass::Single, 1e-4}}) {
        CAPTURE(c.file);
        const auto b = io::read_sidd_blocks(*dir / c.file, c.variable);
        REQUIRE(b.images == 3);
        REQUIRE(b.blocks == 2);
        REQUIRE(b.height == 6);
        REQUIRE(b.width == 4);
        CHECK(b.stored_class == c.cls);
        for (int i = 0; i < 3; ++i)
            for (int k = 0; k < 2; ++k)
                for (int h = 0; h < 6; ++h)
                    for (int w = 0; w < 4; ++w)
                        REQUIRE(b.block(i, k)(h, w) ==
                                doctest::Approx((1000 * i + 100 * k + 10 * h + w) * c.scale).epsilon(1e-6));
    }
    const auto u8 = io::read_sidd_blocks(*dir / "blocks_uint8.mat");
    CHECK(u8.stored_class == io::MatClass::UInt8);
    CHECK(u8.block(2, 1)(5, 3) == std::floor((2000 + 100 + 50 + 3) / 100.0));
}

TEST_CASE("sidd blocks: NaN, 3-D, cell arrays and absent variables are errors") {
    const auto* dir = test::sidd_fixtures();
    if (!dir) return;
    const auto f = [&](const char* name) { return (*dir / name).string(); };
    require_error<FormatError>([&] { io::read_sidd_blocks(f("blocks_nan.mat"), "ValidationNoisyBlocksRaw"); },
                               f("blocks_nan.mat"), "ValidationNoisyBlocksRaw");
    require_error<FormatError>([&] { io::read_sidd_blocks(f("blocks_3d.mat"), "ValidationNoisyBlocksRaw"); },
                               f("blocks_3d.mat"), "ValidationNoisyBlocksRaw");
    require_error<FormatError>([&] { io::read_sidd_blocks(f("blocks_cell.mat"), "ValidationNoisyBlocksRaw"); },
                               f("blocks_cell.mat"), "ValidationNoisyBlocksRaw");
    require_error<FormatError>([&] { io::read_sidd_blocks(f("blocks_3d.mat")); }, f("blocks_3d.mat"), "4-D variable");
    require_error<FormatError>([&] { io::read_sidd_blocks(f("ValidationNoisyBlocksRaw.mat"), "Nope"); },
                               f("ValidationNoisyBlocksRaw.mat"), "Nope");
}

TEST_CASE("BenchmarkBlocks32: 1-based [row col h w] become 0-based rectangles; bad tables rejected") {
    const auto* dir = test::sidd_fixtures();
    if (!dir) return;
    const auto pos = io::read_benchmark_block_positions(*dir / "BenchmarkBlocks32.mat");
    REQUIRE(pos.size() == 32);
    for (int k = 0; k < 32; ++k) {
        CHECK(pos[k].row == 2 * k);
        CHECK(pos[k].col == 2 + 4 * k);
        CHECK(pos[k].height == 256);
        CHECK(pos[k].width == 256);
    }
    const auto f = [&](const char* name) { return (*dir / name).string(); };
    require_error<FormatError>([&] { io::read_benchmark_block_positions(f("positions_zero.mat")); },
                               f("positions_zero.mat"), "BenchmarkBlocks32");
    require_error<FormatError>([&] { io::read_benchmark_block_positions(f("positions_shape.mat")); },
                               f("positions_shape.mat"), "BenchmarkBlocks32");
}

TEST_CASE("sidd metadata: missing CFAPattern and non-2x2 repeats are errors") {
    const auto* dir = test::sidd_fixtures();
    if (!dir) return;
    const auto f = [&](const char* name) { return (*dir / name).string(); };
    require_error<FormatError>([&] { io::read_sidd_metadata(f("metadata_no_cfa.MAT")); }, f("metadata_no_cfa.MAT"),
                               "CFAPattern");
    require_error<FormatError>([&] { io::read_sidd_metadata(f("metadata_6x6.MAT")); }, f("metadata_6x6.MAT"),
                               "CFARepeatPatternDim");
    require_error<FormatError>([&] { io::read_sidd_metadata(f("BenchmarkBlocks32.mat")); }, f("BenchmarkBlocks32.mat"),
                               "metadata");
}

TEST_CASE("sidd folder names and phone codes") {
    const auto s = io::parse_sidd_scene_name("0001_001_S6_00100_00060_3200_L");
    REQUIRE(s);
    CHECK(s->instance == "0001");
    CHECK(s->phone == "S6");
    CHECK(s->iso == 100);
    CHECK(s->exposure_time_s == doctest::Approx(1.0 / 60));
    CHECK(s->illuminant_kelvin == 3200);
    CHECK(s->brightness == 'L');
    CHECK_FALSE(io::parse_sidd_scene_name("0001_001_S6_00100_00060_3200"));
    CHECK_FALSE(io::parse_sidd_scene_name("0001_001_S6_00100_00000_3200_L"));
    CHECK_FALSE(io::parse_sidd_scene_name("0001_001_S6_ISO_00060_3200_L"));
    CHECK(*io::sidd_phone_phase("GP") == BayerPhase::BGGR);
    CHECK(*io::sidd_phone_phase("IP") == BayerPhase::RGGB);
    CHECK(*io::sidd_phone_phase("S6") == BayerPhase::GRBG);
    CHECK(*io::sidd_phone_phase("N6") == BayerPhase::BGGR);
    CHECK(*io::sidd_phone_phase("G4") == BayerPhase::BGGR);
    CHECK_FALSE(io::sidd_phone_phase("XX"));
}

TEST_CASE("fuzzer finds stay fixed: damaged MAT headers give FormatError, not huge allocations") {
    // Inputs libFuzzer produced (whole MAT files, so under the mat_v5 target's folder): a v7.3
    // file whose HDF5 metadata asks for a huge block, a v5 struct field claiming ~10^9 elements
    // in a 527-byte file, and a v5 struct whose field names matio leaves null.
    const std::filesystem::path dir = std::string(N2N_TEST_SOURCE_DIR) + "/io/fuzz_regressions/mat_v5";
    for (const char* name :
         {"v73_huge_metadata_alloc.MAT", "v5_struct_field_huge_dims.MAT", "v5_struct_null_fieldnames.MAT"}) {
        CAPTURE(name);
        const auto p = dir / name;
        for (int reader = 0; reader < 3; ++reader) {
            try {
                if (reader == 0) io::read_any(p);
                if (reader == 1) io::read_sidd_metadata(p);
                if (reader == 2) io::read_sidd_blocks(p);
                FAIL("a damaged file was accepted");
            } catch (const FormatError& e) {
                CHECK(e.file() == p.string());
            }
        }
    }
}

TEST_CASE("write_sidd_frame: read back by our reader and by h5py in MATLAB orientation") {
    test::TempDir tmp;
    // A 6 x 10 frame (non-square, so a transpose cannot pass) whose values encode (r, c).
    Image<float> mosaic(6, 10);
    for (std::ptrdiff_t r = 0; r < 6; ++r)
        for (std::ptrdiff_t c = 0; c < 10; ++c) mosaic(r, c) = static_cast<float>((100.0 * r + c) / 10000.0);
    const auto scene = tmp / "0001_001_S6_00100_00060_3200_L";
    std::filesystem::create_directories(scene);
    const auto file = scene / "0001_NOISY_RAW_010.MAT";
    io::write_sidd_frame(file, mosaic.view());
    CHECK(io::detect_file_kind(file) == io::FileKind::MatV73);
    const auto back = io::read_sidd_frame(file);
    check_frame_values(back, 6, 10);
    CHECK(back.meta.phase == BayerPhase::GRBG);

    // Independent reader: HDF5 stores MATLAB's 6 x 10 column-major as [10][6]; class "single".
    const std::string py = test::python();
    if (py.empty()) return;
    const std::string script = fmt::format(
        "import h5py, numpy as np\n"
        "f = h5py.File('{}', 'r')\n"
        "x = f['x']\n"
        "assert x.dtype == np.float32, x.dtype\n"
        "assert x.attrs['MATLAB_class'] in (b'single', 'single'), x.attrs['MATLAB_class']\n"
        "m = np.asarray(x).T\n"
        "r, c = np.mgrid[0:6, 0:10]\n"
        "assert m.shape == (6, 10), m.shape\n"
        "assert np.allclose(m, (100 * r + c) / 10000.0, atol=1e-7)\n",
        file.string());
    std::ofstream(tmp / "check.py") << script;
    CHECK(test::run(fmt::format("{} {}", py, (tmp / "check.py").string())) == 0);

    CHECK_THROWS_AS(io::write_sidd_frame(tmp / "empty.mat", Image<float>(0, 0).view()), ConfigError);
    CHECK_THROWS_AS(io::write_sidd_frame(tmp / "no_such_dir" / "x.mat", mosaic.view()), IoError);
}

TEST_CASE("mat info: variables with MATLAB shape and class, v7.3 and v5, without MATLAB's #refs#") {
    const auto* dir = test::sidd_fixtures();
    if (!dir) return;
    const auto v73 = io::read_mat_info(*dir / "ValidationGtBlocksRaw_v73.mat");
    CHECK(v73.version == "v7.3");
    REQUIRE(v73.variables.size() == 1);
    CHECK(v73.variables[0].name == "ValidationGtBlocksRaw");
    CHECK(v73.variables[0].dims == std::vector<std::size_t>{3, 2, 6, 4});
    CHECK(v73.variables[0].matlab_class == "single");
    const auto v5 = io::read_mat_info(*dir / "blocks_uint8.mat");
    CHECK(v5.version == "v5");
    REQUIRE(v5.variables.size() == 1);
    CHECK(v5.variables[0].dims == std::vector<std::size_t>{3, 2, 6, 4});
    CHECK(v5.variables[0].matlab_class == "uint8");
    const auto md = io::read_mat_info(*dir / "metadata_6x6.MAT");
    REQUIRE(md.variables.size() == 1);
    CHECK(md.variables[0].matlab_class == "struct");
    require_error<FormatError>([&] { io::read_mat_info(*dir / "0001_001_S6_00100_00060_3200_L" / "header_only.MAT"); },
                               (*dir / "0001_001_S6_00100_00060_3200_L" / "header_only.MAT").string(), "HDF5");
}
