# Tests of the case module.
yh_integration_test(test_case)
yh_integration_test(test_case_calendar)
yh_integration_test(test_case_worklist)
yh_integration_test(test_case_http)
yh_integration_test(test_case_perf)
