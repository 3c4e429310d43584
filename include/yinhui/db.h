/*
 * db.h - the only door to PostgreSQL. Everything below this header is
 * libpq; nothing above it sees a PGconn or a PGresult.
 *
 * Statements are sent with parameters only ($1, $2 ...) and prepared once
 * per connection, keyed by their text. Results are copied into yh_rows.
 */
#ifndef YH_DB_H
#define YH_DB_H

#include <stddef.h>
#include <stdint.h>

#include "yinhui/error.h"

typedef struct yh_db yh_db;
typedef struct yh_rows yh_rows;

/*
 * Opens a connection. conninfo is any libpq string or URI. app names the
 * program in pg_stat_activity. *out is owned by the caller (yh_db_close).
 * Returns 0 or YH_EUNAVAILABLE.
 */
int yh_db_open(yh_db **out, const char *conninfo, const char *app, yh_err *err);
/* A second connection made exactly as db was (for work run alongside it); close with yh_db_close. */
int yh_db_open_like(yh_db **out, yh_db *db, yh_err *err);
void yh_db_close(yh_db *db);

/* Reconnects when the connection broke. 0, or YH_EUNAVAILABLE. */
int yh_db_ensure(yh_db *db, yh_err *err);

/*
 * Runs a command; returns the number of affected rows (>= 0) or a code.
 * SQLSTATEs are mapped here and only here: 23505 -> YH_ECONFLICT, 23503,
 * 23514, 22xxx -> YH_EINVAL, 40001/40P01 -> YH_ECONFLICT, lost connection
 * -> YH_EUNAVAILABLE, and the project's own YHxxx codes raised by triggers.
 */
int yh_db_exec(yh_db *db, const char *sql, int nparams, const char *const *params, yh_err *err);

/* Runs a query; *out (caller frees with yh_rows_free) holds every row. */
int yh_db_query(yh_db *db, yh_rows **out, const char *sql, int nparams,
	const char *const *params, yh_err *err);

/*
 * Runs a query and returns its first column of its first row as a string
 * the caller frees. No row -> YH_ENOTFOUND with notfound_msg (if not NULL).
 * A SQL NULL gives *out = NULL and 0.
 */
int yh_db_query_text(yh_db *db, char **out, const char *sql, int nparams,
	const char *const *params, const char *notfound_msg, yh_err *err);

/*
 * Transactions nest: only the outermost begin/commit reach the server, so
 * a core operation can run alone or inside a caller's transaction (as the
 * HTTP layer does for idempotency keys). A rollback at any depth dooms the
 * whole transaction.
 */
int yh_db_begin(yh_db *db, yh_err *err);
int yh_db_commit(yh_db *db, yh_err *err);
void yh_db_rollback(yh_db *db);
/* Ends an operation's transaction: commits when rc is 0, else rolls back. Returns rc, or the commit's error. */
int yh_db_end(yh_db *db, int rc, yh_err *err);
int yh_db_in_tx(const yh_db *db);

/* COPY ... FROM STDIN with the given text-format payload. Returns rows. */
int yh_db_copy_in(yh_db *db, const char *copy_sql, const char *data, size_t len, yh_err *err);

/* Runs a script of several statements without parameters (migrations only). */
int yh_db_exec_script(yh_db *db, const char *sql, yh_err *err);

size_t yh_rows_count(const yh_rows *r);
size_t yh_rows_ncols(const yh_rows *r);
const char *yh_rows_colname(const yh_rows *r, size_t col);
/* Value by column index or name; NULL for SQL NULL or a missing column. */
const char *yh_rows_value(const yh_rows *r, size_t row, size_t col);
const char *yh_rows_get(const yh_rows *r, size_t row, const char *col);
void yh_rows_free(yh_rows *r);

#endif
