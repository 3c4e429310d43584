# Tests of the roster module.
yh_integration_test(test_roster)
yh_integration_test(test_roster_import)
yh_integration_test(test_roster_figures)
yh_integration_test(test_roster_authz)
yh_integration_test(test_roster_http)
yh_integration_test(test_roster_cli)
target_compile_definitions(test_roster_cli PRIVATE YH_CLI_PATH="$<TARGET_FILE:yinhui>")
add_dependencies(test_roster_cli yinhui)
