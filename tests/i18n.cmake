# Chinese first (issue 8 §6): the zh_CN catalogue on the real binary. The tests
# read the catalogue the build compiled (target yh_catalogue, part of ALL).
add_test(NAME i18n_cli COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/i18n_test.sh
  $<TARGET_FILE:yinhui> ${PROJECT_BINARY_DIR}/locale)
# every command summary printed by `yinhui --help` has a translation
add_test(NAME i18n_help_complete COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/i18n_test.sh
  $<TARGET_FILE:yinhui> ${PROJECT_BINARY_DIR}/locale help)
set_tests_properties(i18n_cli i18n_help_complete PROPERTIES LABELS unit TIMEOUT 60)
