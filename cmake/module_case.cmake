# Sources of the case module.
list(APPEND YH_HTTP_SOURCES src/http/routes_case.c)
list(APPEND YH_CLI_SOURCES src/cli/cmd_case.c)
