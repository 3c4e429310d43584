# Tests of the pay module (integration: real PostgreSQL via YH_TEST_DSN).
yh_integration_test(test_pay)
yh_integration_test(test_pay_bank)
# batch show --format: the CLI writes the review file
target_compile_definitions(test_pay_bank PRIVATE YH_CLI_PATH="$<TARGET_FILE:yinhui>")
add_dependencies(test_pay_bank yinhui)
yh_integration_test(test_pay_http)
