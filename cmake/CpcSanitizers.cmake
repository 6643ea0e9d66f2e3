# Sanitizers and coverage apply to every target of the build (set once, at the top).
if(CPC_SANITIZERS)
  string(REPLACE ";" "," _cpc_san "${CPC_SANITIZERS}")
  add_compile_options(-fsanitize=${_cpc_san} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${_cpc_san})
endif()
if(CPC_ENABLE_COVERAGE)
  # Atomic counters: the network and simulator threads run the same code at once, and plain
  # increments lose counts (gcov then derives negative branch counts, which gcovr refuses).
  add_compile_options(--coverage -fprofile-update=atomic -O0 -g)
  add_link_options(--coverage)
endif()

# Adds cmake/gcov_prefix.cpp to every executable defined in `dir` and below (called once, at the end
# of the top-level CMakeLists.txt, when CPC_ENABLE_COVERAGE is on).
function(cpc_coverage_prefix_executables dir)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_sources(${t} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/gcov_prefix.cpp)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    cpc_coverage_prefix_executables("${sub}")
  endforeach()
endfunction()
