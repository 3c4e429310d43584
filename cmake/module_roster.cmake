# Sources of the roster module.
list(APPEND YH_CORE_SOURCES
  src/core/roster_record.c
  src/core/roster.c
  src/core/roster_list.c
  src/core/roster_csv.c
  src/core/roster_import.c
  src/core/roster_import_db.c
  src/core/roster_export.c
  src/core/roster_figures.c
)
list(APPEND YH_HTTP_SOURCES src/http/routes_roster.c)
list(APPEND YH_CLI_SOURCES src/cli/cmd_roster.c)
