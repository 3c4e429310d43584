# Sources of the roster module.
list(APPEND YH_HTTP_SOURCES src/http/routes_roster.c)
list(APPEND YH_CLI_SOURCES src/cli/cmd_roster.c)
