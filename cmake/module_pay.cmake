# Sources of the pay module.
list(APPEND YH_HTTP_SOURCES src/http/routes_pay.c)
list(APPEND YH_CLI_SOURCES src/cli/cmd_pay.c)
