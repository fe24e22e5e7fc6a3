# n2n_add_component(NAME SOURCES ... DEPS ...): one folder = one object library n2n_NAME whose
# objects are archived into libn2n_raw.a. DEPS are its public dependencies (targets).
function(n2n_add_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(n2n_${name} OBJECT ${ARG_SOURCES})
  target_link_libraries(n2n_${name} PUBLIC ${ARG_DEPS})
  n2n_set_warnings(n2n_${name})
  set_property(GLOBAL APPEND PROPERTY N2N_COMPONENTS n2n_${name})
endfunction()
