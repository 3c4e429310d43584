# The CLI as people expect it (issue 8 §5): list output for Excel
# (src/cli/format.c, tested on its own) and, on the real binary, --help
# examples on every command and colour only where it belongs.
add_executable(test_cli_format ${CMAKE_CURRENT_LIST_DIR}/unit/test_cli_format.c
  ${PROJECT_SOURCE_DIR}/src/cli/format.c ${PROJECT_SOURCE_DIR}/src/cli/cli.c)
target_include_directories(test_cli_format PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(test_cli_format PRIVATE yh_core ${CUNIT_LIB} PkgConfig::JANSSON)
add_test(NAME test_cli_format COMMAND test_cli_format)
set_tests_properties(test_cli_format PROPERTIES LABELS unit)

add_test(NAME cli_conventions COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_conventions.sh $<TARGET_FILE:yinhui>)
set_tests_properties(cli_conventions PROPERTIES LABELS unit)
