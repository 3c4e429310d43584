# Tests of the pay module (integration: real PostgreSQL via YH_TEST_DSN).
yh_integration_test(test_pay)
yh_integration_test(test_pay_bank)
yh_integration_test(test_pay_http)
