# Sources of the eval module.
list(APPEND YH_HTTP_SOURCES src/http/routes_eval.c)
list(APPEND YH_CLI_SOURCES src/cli/cmd_eval.c)
