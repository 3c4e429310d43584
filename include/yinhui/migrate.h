/*
 * migrate.h - forward-only schema migrations from migrations/NNNN_name.sql,
 * each applied in its own transaction and recorded with its SHA-256.
 */
#ifndef YH_MIGRATE_H
#define YH_MIGRATE_H

#include "yinhui/db.h"

/*
 * Directory holding the migrations (a static buffer): $YINHUI_MIGRATIONS;
 * in a developer build (YH_DEV_TREE) the source tree's; else
 * <directory of the executable>/../share/yinhui/migrations when present;
 * else the configured install directory (YH_DATADIR/migrations).
 */
const char *yh_migrate_dir(void);

/*
 * Counts migrations not yet applied into *pending. An applied migration whose
 * file changed (or vanished) is YH_ECONFLICT naming the file.
 */
int yh_migrate_status(yh_db *db, const char *dir, int *pending, yh_err *err);

/*
 * Applies pending migrations in order; *applied counts them. Concurrent
 * callers serialise on an advisory lock. Same refusal as yh_migrate_status.
 */
int yh_migrate_apply(yh_db *db, const char *dir, int *applied, yh_err *err);

#endif
