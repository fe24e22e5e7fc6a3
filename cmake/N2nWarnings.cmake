# Warnings are set per target (n2n_set_warnings) so third-party headers keep their own.
function(n2n_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor)
  if(N2N_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
