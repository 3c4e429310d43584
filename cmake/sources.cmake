# Source lists, one per target. A new module adds its files here.
set(YH_CORE_SOURCES
  src/util/error.c
  src/util/log.c
  src/util/util.c
  src/util/encoding.c
  src/util/csv.c
  src/util/table.c
  src/core/validate.c
  src/core/money.c
  src/core/lunar.c
  src/core/calendar.c
  src/core/fields.c
  src/core/authz.c
  src/core/audit.c
  src/core/config.c
  src/core/staff.c
  src/db/db.c
  src/db/migrate.c
  src/db/cluster.c
)

set(YH_HTTP_SOURCES
  src/http/server.c
  src/http/status.c
  src/http/idempotency.c
  src/http/metrics.c
  src/http/handlers.c
  src/http/router.c
  src/http/routes_core.c
)

set(YH_CLI_SOURCES
  src/cli/main.c
  src/cli/cli.c
  src/cli/error.c
  src/cli/cmd_admin.c
)
