# Installs libn2n_raw.a, the public headers and a CMake package: find_package(n2n_raw) then
# target_link_libraries(app n2n_raw::n2n_raw).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(N2N_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/n2n_raw)
install(TARGETS n2n_raw EXPORT n2n_rawTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(header_root libn2n_raw/include bayer/include pipeline/include)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${header_root})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${header_root}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()
install(EXPORT n2n_rawTargets NAMESPACE n2n_raw:: DESTINATION ${N2N_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/n2n_rawConfig.cmake.in
  ${PROJECT_BINARY_DIR}/n2n_rawConfig.cmake INSTALL_DESTINATION ${N2N_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/n2n_rawConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/n2n_rawConfig.cmake ${PROJECT_BINARY_DIR}/n2n_rawConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/N2nDependencies.cmake
        DESTINATION ${N2N_CMAKE_DIR})
