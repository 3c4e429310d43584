# Tests of the eval module (the annual self-evaluation).
yh_unit_test(test_eval_score)
yh_integration_test(test_eval)
target_link_libraries(test_eval PRIVATE z)
yh_integration_test(test_eval_demo)
target_link_libraries(test_eval_demo PRIVATE z)
yh_integration_test(test_eval_year)
yh_integration_test(test_eval_demo_year)
