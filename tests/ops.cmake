# Tests of operating Yinhui (issue 8): backup and restore, configuration display,
# the deploy files and the documentation generated from the programs.
yh_integration_test(test_backup)
# the CLI half of the test runs the real binary
set_property(TEST test_backup APPEND PROPERTY ENVIRONMENT "YH_TEST_YINHUI=$<TARGET_FILE:yinhui>")
add_dependencies(test_backup yinhui)

yh_unit_test(test_ops)
# a restored database refuses another data key or none (the yinhui binary)
yh_integration_test(test_data_key)
set_property(TEST test_data_key APPEND PROPERTY ENVIRONMENT "YH_TEST_YINHUI=$<TARGET_FILE:yinhui>")
add_dependencies(test_data_key yinhui)
# /metrics, /healthz while the database cannot be reached
yh_integration_test(test_ops_http)

# The generated man pages, completion and unit file are well-formed.
add_test(NAME ops_docs COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ops_docs.sh
  $<TARGET_FILE:yinhui> $<TARGET_FILE:yinhuid> ${PROJECT_BINARY_DIR}/gen)
set_tests_properties(ops_docs PROPERTIES LABELS unit)
