# Finds every dependency of libn2n_raw and gives each one target name.
# This file is installed with the package and included by n2n_rawConfig.cmake, so a consumer
# resolves exactly the same targets that the build used.
include(CMakeFindDependencyMacro)
find_package(PkgConfig REQUIRED)

find_dependency(Torch)
find_dependency(Eigen3)
# The ISP's row loops run on OpenMP, the runtime Debian's LibTorch uses, so one thread setting
# governs both.
find_dependency(OpenMP)
find_dependency(fmt)
find_dependency(nlohmann_json)
find_dependency(PNG)
# zlib's CRC-32 is the checkpoint digest (libpng already needs zlib).
find_dependency(ZLIB)
find_dependency(TIFF)
# FindHDF5 test-compiles C code, so a C++-only consumer project needs C enabled.
get_property(_n2n_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
if(NOT "C" IN_LIST _n2n_languages)
  enable_language(C)
endif()
find_dependency(HDF5 COMPONENTS C CXX)
# ONNX export (deploy/onnx.cpp): Debian's libonnx-dev installs ONNXConfig.cmake, whose targets
# link protobuf::libprotobuf without finding it themselves, so protobuf comes first.
find_dependency(Protobuf)
find_dependency(ONNX CONFIG)
# libraw_r is the thread-safe flavour; the data loaders read files from several threads.
pkg_check_modules(N2N_LIBRAW REQUIRED IMPORTED_TARGET GLOBAL libraw_r)
pkg_check_modules(N2N_MATIO REQUIRED IMPORTED_TARGET GLOBAL matio)

# LibTorch's compile flags (the C++11 ABI define) stay behind this one interface target.
if(NOT TARGET n2n_raw_torch)
  add_library(n2n_raw_torch INTERFACE IMPORTED GLOBAL)
  target_link_libraries(n2n_raw_torch INTERFACE ${TORCH_LIBRARIES})
  separate_arguments(_n2n_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
  target_compile_options(n2n_raw_torch INTERFACE ${_n2n_torch_flags})
endif()
