# Regression pass over the fuzz corpora, part of the normal suite (any compiler):
# each target's LLVMFuzzerTestOneInput linked with replay.c runs every file of
# tests/fuzz/corpus/<target>/ once (under ASan/UBSan in scripts/test).
# With -DYH_FUZZ=ON (clang) the libFuzzer binaries are built too.
function(yh_fuzz_replay target)
  add_executable(replay_${target} fuzz/replay.c fuzz/${target}.c)
  target_include_directories(replay_${target} PRIVATE ${PROJECT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
  target_link_libraries(replay_${target} PRIVATE yh_http yh_core PkgConfig::JANSSON)
  add_test(NAME replay_${target} COMMAND replay_${target} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${target})
  set_tests_properties(replay_${target} PROPERTIES LABELS unit TIMEOUT 300)
endfunction()

yh_fuzz_replay(fuzz_json_fields)
yh_fuzz_replay(fuzz_validators)
yh_fuzz_replay(fuzz_csv)
yh_fuzz_replay(fuzz_lunar)

option(YH_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang)" OFF)
if(YH_FUZZ)
  add_subdirectory(fuzz)
endif()
