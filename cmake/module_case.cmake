# Sources of the case module.
list(APPEND YH_CORE_SOURCES
  src/core/case_common.c
  src/core/plan.c
  src/core/visit.c
  src/core/obligation.c
  src/core/obligation_gen.c
  src/core/festival.c
  src/core/worklist.c
  src/core/case_figures.c
)
list(APPEND YH_HTTP_SOURCES src/http/routes_case.c)
list(APPEND YH_CLI_SOURCES src/cli/cmd_case.c)
