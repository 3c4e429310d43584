# Sources of the eval module (the annual self-evaluation).
list(APPEND YH_CORE_SOURCES
  src/core/budget.c
  src/core/activity.c
  src/core/indicator.c
  src/core/eval_score.c
  src/core/evaluation.c
  src/core/eval_explain.c
  src/core/report_html.c
  src/core/report_xlsx.c
  src/core/svg.c
  src/core/demo.c
)
list(APPEND YH_HTTP_SOURCES src/http/routes_eval.c)
list(APPEND YH_CLI_SOURCES src/cli/cmd_eval.c)
