# Tests of the case module.
yh_integration_test(test_case)
yh_integration_test(test_case_calendar)
yh_integration_test(test_case_worklist)
yh_integration_test(test_case_http)
yh_integration_test(test_case_perf)
yh_integration_test(test_festival)
target_compile_definitions(test_festival PRIVATE YH_CLI_PATH="$<TARGET_FILE:yinhui>")
add_dependencies(test_festival yinhui)
