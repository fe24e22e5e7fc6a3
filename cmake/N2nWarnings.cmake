# Warnings are set per target (n2n_set_warnings) so third-party headers keep their own.
function(n2n_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor)
  # GCC's -Wshadow=local has no Clang spelling (the fuzz build is Clang).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wshadow=local)
  endif()
  if(N2N_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
