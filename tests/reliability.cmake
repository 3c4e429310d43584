# Reliability and security (issue 7): the permission matrix, idempotency keys,
# races on state machines and unique keys, hostile CLI arguments and CSV files,
# the SQL lint and the secrets-in-logs check. The fault injection (scripts/chaos) and the valgrind/RSS run
# (scripts/valgrind-load) are scripts, not CTest tests: see docs/reliability.md.
yh_integration_test(test_permissions)
target_compile_definitions(test_permissions PRIVATE YH_CLI_PATH="$<TARGET_FILE:yinhui>")
add_dependencies(test_permissions yinhui)
yh_integration_test(test_idempotency)
target_compile_definitions(test_idempotency PRIVATE YH_CLI_PATH="$<TARGET_FILE:yinhui>")
add_dependencies(test_idempotency yinhui)
yh_integration_test(test_concurrency)
# hostile input through the other doors: the CLI's arguments and the CSV importers
yh_integration_test(test_hostile_cli)
target_compile_definitions(test_hostile_cli PRIVATE YH_CLI_PATH="$<TARGET_FILE:yinhui>")
add_dependencies(test_hostile_cli yinhui)

# A full flow with the daemon's log in a file; the log must hold no password, token, ID or account number.
add_executable(test_secrets_log lint/test_secrets_log.c)
target_link_libraries(test_secrets_log PRIVATE yh_testsupport)
add_test(NAME test_secrets_log COMMAND test_secrets_log)
set_tests_properties(test_secrets_log PROPERTIES LABELS integration TIMEOUT 300
  ENVIRONMENT "YINHUI_PWHASH_FAST=1;YINHUI_MIGRATIONS=${PROJECT_SOURCE_DIR}/migrations")

# No SQL built from input: the lint over src/, and its self-test over known-bad fixtures.
find_package(Perl REQUIRED)
add_test(NAME lint_sql COMMAND ${PERL_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lint/sql-lint.pl ${PROJECT_SOURCE_DIR}/src)
add_test(NAME lint_sql_selftest COMMAND ${PERL_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lint/sql-lint.pl
  --self-test ${CMAKE_CURRENT_SOURCE_DIR}/lint/fixtures)
set_tests_properties(lint_sql lint_sql_selftest PROPERTIES LABELS unit)
