# Sources of the pay module: programmes, enrolments, batches, bank files,
# party branches and payment figures.
list(APPEND YH_CORE_SOURCES
  src/core/pay_common.c
  src/core/programme.c
  src/core/enrol.c
  src/core/batch.c
  src/core/bankfile.c
  src/core/branch.c
  src/core/pay_figures.c)
list(APPEND YH_HTTP_SOURCES src/http/routes_pay.c)
list(APPEND YH_CLI_SOURCES src/cli/cmd_pay.c)
